/**
 * A circuit breaker per provider endpoint: after `failures` failed calls in a row the circuit
 * opens and, for `cooldownMs`, no call reaches the provider (questions go to the offline planner,
 * or fail at once). After the cool-down one trial call (half-open) decides: success closes the
 * circuit, failure opens it for another cool-down. A dead provider then costs a few calls per
 * cool-down instead of a timeout per question. The clock comes in so tests need no timers.
 */
import { systemClock, type Clock } from './rate-limit.ts';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** What /health shows: small, no endpoint, no key. */
export interface CircuitStats {
  state: CircuitState;
  /** Failed calls in a row (0 after a success). */
  failures: number;
  /** Times the circuit has opened since the process started. */
  opens: number;
  /** While open: milliseconds until a trial call may go through. */
  retryInMs?: number;
}

interface CircuitOptions {
  /** Failed calls in a row that open the circuit (LANDUSE_CIRCUIT_FAILURES). */
  failures: number;
  /** Milliseconds the circuit stays open before a trial call (LANDUSE_CIRCUIT_COOLDOWN). */
  cooldownMs: number;
  clock?: Clock;
}

/** One call's passage through the breaker; the first report counts, later ones are ignored. */
interface CircuitPermit {
  /** The half-open trial call. */
  readonly trial: boolean;
  success(): void;
  failure(): void;
  /** The call ended with no verdict (the caller gave up): a trial slot is freed. */
  abandon(): void;
}

export class CircuitBreaker {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly clock: Clock;
  private failures = 0;
  private opens = 0;
  private openedAt: number | undefined;
  /** A half-open trial call is in flight: everyone else is refused until it ends. */
  private trial = false;

  constructor(options: CircuitOptions) {
    this.threshold = Math.max(1, options.failures);
    this.cooldownMs = options.cooldownMs;
    this.clock = options.clock ?? systemClock;
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.clock.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /**
   * A permit for one call to the provider, or undefined when the circuit refuses it. Closed: a
   * permit. Open: none. Half-open: a permit for the first caller (the trial), none for the rest
   * until it ends. The caller reports how the call ended through the permit.
   */
  acquire(): CircuitPermit | undefined {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trial)) return undefined;
    const trial = state === 'half-open';
    if (trial) this.trial = true;
    let done = false;
    const end = (outcome: 'success' | 'failure' | 'abandon') => {
      if (done) return;
      done = true;
      if (trial) this.trial = false;
      if (outcome === 'success') {
        this.failures = 0;
        this.openedAt = undefined;
      } else if (outcome === 'failure') {
        this.failures++;
        // A failed trial opens it again; so does the threshold, reached while closed.
        if (trial || (this.openedAt === undefined && this.failures >= this.threshold)) {
          this.openedAt = this.clock.now();
          this.opens++;
        }
      }
    };
    return {
      trial,
      success: () => end('success'),
      failure: () => end('failure'),
      abandon: () => end('abandon'),
    };
  }

  /** Milliseconds until the next trial may go through; 0 unless open. */
  retryInMs(): number {
    if (this.state !== 'open' || this.openedAt === undefined) return 0;
    return Math.max(0, this.openedAt + this.cooldownMs - this.clock.now());
  }

  stats(): CircuitStats {
    const state = this.state;
    return {
      state,
      failures: this.failures,
      opens: this.opens,
      ...(state === 'open' ? { retryInMs: Math.round(this.retryInMs()) } : {}),
    };
  }
}

const shared = new Map<string, CircuitBreaker>();

/**
 * The process-wide breaker of one provider endpoint (provider, base URL and settings): every
 * model built for the same endpoint shares what it learns about that endpoint, as the rate
 * limiter is shared.
 */
export function processCircuit(key: string, options: CircuitOptions): CircuitBreaker {
  const id = `${key} ${options.failures}/${options.cooldownMs}`;
  let breaker = shared.get(id);
  if (!breaker) {
    breaker = new CircuitBreaker(options);
    shared.set(id, breaker);
  }
  return breaker;
}
