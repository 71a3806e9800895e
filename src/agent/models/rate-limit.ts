/**
 * A sliding-window rate limiter for model calls: at most `calls` grants in any `windowMs`.
 * A caller over the limit waits for the oldest grant to leave the window rather than failing;
 * callers are served in arrival order. The clock comes in as a parameter so tests need no timers.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Time as the limiter and the retries see it. */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  },
};

export interface RateLimiter {
  /** Waits until a call is allowed and counts it. Rejects only when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/** A limiter of `calls` per `windowMs`. */
export function createRateLimiter(props: {
  calls: number;
  windowMs: number;
  clock?: Clock;
}): RateLimiter {
  const clock = props.clock ?? systemClock;
  const granted: number[] = [];
  let line: Promise<void> = Promise.resolve();

  const take = async (signal?: AbortSignal) => {
    for (;;) {
      signal?.throwIfAborted();
      const now = clock.now();
      while (granted.length > 0 && granted[0]! <= now - props.windowMs) granted.shift();
      if (granted.length < props.calls) {
        granted.push(now);
        return;
      }
      await clock.sleep(granted[0]! + props.windowMs - now, signal);
    }
  };

  return {
    acquire(signal) {
      const turn = line.then(() => take(signal));
      // One caller giving up (abort) must not stall the ones behind it.
      line = turn.catch(() => {});
      return turn;
    },
  };
}

const shared = new Map<string, RateLimiter>();
let sharedFactory: ((calls: number, windowSeconds: number) => RateLimiter) | undefined;

/**
 * Makes processRateLimiter return `factory`'s limiters (undefined: this process's own again): a
 * worker of `landuse serve --workers N` waits for its model call's turn in the cluster's
 * primary, an instance sharing Redis in Redis, so the limit holds for the server or the
 * deployment, not per process.
 */
export function shareRateLimiters(
  factory: ((calls: number, windowSeconds: number) => RateLimiter) | undefined,
): void {
  sharedFactory = factory;
}

/**
 * The process-wide limiter for a setting (LANDUSE_RATE_LIMIT_CALLS per
 * LANDUSE_RATE_LIMIT_WINDOW): every model built with the same setting shares one window.
 */
export function processRateLimiter(calls: number, windowSeconds: number): RateLimiter {
  if (sharedFactory) return sharedFactory(calls, windowSeconds);
  const key = `${calls}/${windowSeconds}`;
  let limiter = shared.get(key);
  if (!limiter) {
    limiter = createRateLimiter({ calls, windowMs: windowSeconds * 1000 });
    shared.set(key, limiter);
  }
  return limiter;
}
