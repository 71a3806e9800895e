/**
 * The one connection to the shared Redis (LANDUSE_REDIS_URL) that a server instance holds, and
 * what it knows about Redis's health. Everything shared between instances goes through it: the
 * L2 cache (tiered.ts), conversations (agent/memory), rate limits and quotas, alert claims.
 *
 * Redis is never allowed to stall a request: commands are not queued while disconnected (they
 * fail at once), each has a short timeout (LANDUSE_REDIS_TIMEOUT_MS), and after a few failures
 * in a row the link stops trying for a few seconds (each caller then uses its local level at
 * once). Reconnection runs on its own in the background with a capped backoff, forever: the
 * instance is degraded until Redis answers again, then healthy without anyone acting.
 */
import { Redis } from 'ioredis';

/** What /health and /metrics read. */
export interface RedisStats {
  /** up: answering; down: not connected (or failing); the reason says why. */
  status: 'up' | 'down';
  /** Why it is down (the last connection or command error, no secrets), or '' when up. */
  reason: string;
  /** When the status last changed (ms since the epoch). */
  since: number;
  /** Commands that failed or timed out since start. */
  errors: number;
  /** Commands skipped while the link was down or cooling off (the local level answered). */
  skipped: number;
  /** Reconnection attempts since start. */
  reconnects: number;
}

/** A command refused because Redis is down or cooling off: callers fall back to their local level. */
export class RedisUnavailable extends Error {
  constructor(reason: string) {
    super(`Redis is unavailable: ${reason}`);
    this.name = 'RedisUnavailable';
  }
}

interface RedisLinkOptions {
  url: string;
  /** Key prefix of everything this app writes (several apps may share one Redis). */
  prefix: string;
  /** Per-command timeout, ms. */
  commandTimeoutMs: number;
  /** Called when the link goes up or down (for the log). */
  onStatus?: (status: 'up' | 'down', reason: string) => void;
}

/** Failures in a row after which commands are skipped for COOL_OFF_MS. */
const TRIP_AFTER = 3;
const COOL_OFF_MS = 5_000;
/** Reconnection backoff: 100 ms doubling to at most 2 s, with jitter. */
const MAX_BACKOFF_MS = 2_000;

export class RedisLink {
  readonly client: Redis;
  readonly prefix: string;
  private readonly counts = { errors: 0, skipped: 0, reconnects: 0 };
  private state: { status: 'up' | 'down'; reason: string; since: number } = {
    status: 'down',
    reason: 'connecting',
    since: Date.now(),
  };
  private failuresInRow = 0;
  private coolOffUntil = 0;
  private closed = false;

  constructor(private readonly options: RedisLinkOptions) {
    this.prefix = options.prefix;
    this.client = new Redis(options.url, {
      lazyConnect: true,
      // Commands while disconnected fail at once instead of waiting in a queue.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1_000, options.commandTimeoutMs * 4),
      retryStrategy: (times) => {
        this.counts.reconnects++;
        const backoff = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(times, 5));
        return Math.round(backoff * (0.75 + Math.random() * 0.5));
      },
      // No connection name or password in any message: errors are reduced to their code.
      showFriendlyErrorStack: false,
    });
    this.client.on('ready', () => this.refresh());
    this.client.on('error', (error: Error) => this.setStatus('down', describe(error)));
    this.client.on('close', () => {
      if (!this.closed) this.setStatus('down', 'connection closed');
    });
  }

  /** Connects, waiting at most `waitMs`; a Redis that is down at start only degrades the instance. */
  async connect(waitMs = 2_000): Promise<boolean> {
    const connecting = this.client.connect().then(
      () => true,
      () => false,
    );
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), waitMs));
    return Promise.race([connecting, timer]);
  }

  /** Whether commands are sent now (connected, and not cooling off after failures). */
  usable(): boolean {
    return !this.closed && this.client.status === 'ready' && performance.now() >= this.coolOffUntil;
  }

  /**
   * Runs one operation on the client, or rejects at once with RedisUnavailable when the link is
   * down or cooling off. A failure is counted and rethrown; the caller falls back to its local
   * level.
   */
  async run<T>(fn: (client: Redis) => Promise<T>): Promise<T> {
    if (!this.usable()) {
      this.counts.skipped++;
      throw new RedisUnavailable(this.closed ? 'closed' : this.state.reason || 'cooling off');
    }
    try {
      const result = await fn(this.client);
      this.failuresInRow = 0;
      this.refresh();
      return result;
    } catch (error) {
      this.recordFailure(error);
      throw error;
    }
  }

  /**
   * Counts a failed command (for users of `client` outside run(), such as the conversation
   * store); a few in a row make every caller skip Redis for a while.
   */
  recordFailure(error: unknown): void {
    this.counts.errors++;
    if (++this.failuresInRow >= TRIP_AFTER) {
      this.failuresInRow = 0;
      this.coolOffUntil = performance.now() + COOL_OFF_MS;
      this.setStatus('down', `${TRIP_AFTER} commands failed in a row (${describe(error)})`);
      // Back up when the cool-off ends, if the connection is ready by then (else on 'ready').
      setTimeout(() => this.refresh(), COOL_OFF_MS + 1).unref();
    }
  }

  /** The key under this app's prefix. */
  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  stats(): RedisStats {
    this.refresh();
    return { ...this.state, ...this.counts };
  }

  /** Up again once commands may be sent (connected, cool-off over). */
  private refresh(): void {
    if (this.state.status === 'down' && this.usable()) this.setStatus('up', '');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await Promise.race([
        this.client.quit(),
        new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
      ]);
    } catch {
      // Already gone.
    }
    this.client.disconnect();
  }

  private setStatus(status: 'up' | 'down', reason: string): void {
    if (this.state.status === status && (status === 'up' || this.state.reason === reason)) return;
    const changed = this.state.status !== status;
    this.state = { status, reason, since: changed ? Date.now() : this.state.since };
    if (changed) this.options.onStatus?.(status, reason);
  }
}

/** An error in a few words without addresses or credentials (ioredis messages can hold the host). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (/timed? ?out/i.test(error.message)) return 'command timed out';
  if (/NOAUTH|WRONGPASS/i.test(error.message)) return 'authentication failed';
  return error.name === 'Error' ? 'command failed' : error.name;
}
