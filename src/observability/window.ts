/**
 * The figures the alerts and the history are made of: request latencies in a small log-scale
 * sketch (quantiles within 2.5 %), counts per time slice, and a sliding window of slices. One
 * slice per snapshot interval (LANDUSE_METRICS_INTERVAL); the window is the last
 * LANDUSE_ALERT_WINDOW seconds of slices.
 */

/** Bucket 0 holds [0, BASE_MS]; bucket i >= 1 holds [BASE_MS * G^(i-1), BASE_MS * G^i). */
const BASE_MS = 0.1;
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);
/** Up to an hour; anything longer lands in the last bucket. */
const BUCKETS = Math.ceil(Math.log(3_600_000 / BASE_MS) / LOG_GROWTH) + 2;

/** Latencies in log-scale buckets: quantiles within GROWTH/2 (2.5 %) of the true value. */
export class LatencySketch {
  readonly counts = new Uint32Array(BUCKETS);
  count = 0;

  add(ms: number): void {
    const i =
      ms <= BASE_MS
        ? 0
        : Math.min(BUCKETS - 1, Math.floor(Math.log(ms / BASE_MS) / LOG_GROWTH) + 1);
    this.counts[i]!++;
    this.count++;
  }

  addAll(other: LatencySketch): void {
    if (other.count === 0) return;
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
  }

  /** The q-quantile in milliseconds (the middle of its bucket); null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === 0 ? BASE_MS / 2 : BASE_MS * GROWTH ** (i - 0.5);
    }
    return BASE_MS * GROWTH ** (BUCKETS - 1.5);
  }
}

/** What happened in one slice of time. */
export class Slice {
  /** Requests of the served API (see countsForLatency), their latencies and server errors. */
  requests = 0;
  errors = 0;
  readonly latency = new LatencySketch();
  cacheHits = 0;
  cacheMisses = 0;
  modelCalls = 0;
  inputTokens = 0;
  outputTokens = 0;
  /** Pool use when the slice closed: busy-or-waiting over size, the larger of the two pools. */
  poolSaturation = 0;

  constructor(
    /** Epoch milliseconds. */
    readonly start: number,
    public end = start,
  ) {}
}

/** The window's figures, as the alerts evaluate them and GET /api/alerts shows them. */
export interface WindowFigures {
  /** The span the figures cover, seconds. */
  seconds: number;
  requests: number;
  errors: number;
  /** Share of requests that were server errors (5xx); null without requests. */
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  cacheLookups: number;
  /** Share of cache lookups that hit; null without lookups. */
  cacheHitRate: number | null;
  /** Mean pool saturation over the window's slices (1 = every slot busy). */
  poolSaturation: number;
  /** Resident memory at the last sample. */
  rssBytes: number;
}

/** The last `size` closed slices, and the open one. */
export class SlidingWindow {
  private readonly closed: Slice[] = [];
  current: Slice;

  constructor(
    private readonly size: number,
    now: number,
  ) {
    this.current = new Slice(now);
  }

  /** Starts over at `now`: what the open slice held is dropped (the server's warm-up). */
  restart(now: number): void {
    this.current = new Slice(now);
  }

  /** Closes the open slice at `now` and opens the next; returns the closed one. */
  roll(now: number): Slice {
    const done = this.current;
    done.end = now;
    this.closed.push(done);
    if (this.closed.length > this.size) this.closed.shift();
    this.current = new Slice(now);
    return done;
  }

  /** The figures over the closed slices. */
  figures(rssBytes: number): WindowFigures {
    const latency = new LatencySketch();
    let requests = 0;
    let errors = 0;
    let hits = 0;
    let misses = 0;
    let saturation = 0;
    for (const s of this.closed) {
      requests += s.requests;
      errors += s.errors;
      hits += s.cacheHits;
      misses += s.cacheMisses;
      saturation += s.poolSaturation;
      latency.addAll(s.latency);
    }
    const first = this.closed[0];
    const last = this.closed.at(-1);
    return {
      seconds: first && last ? (last.end - first.start) / 1000 : 0,
      requests,
      errors,
      errorRate: requests > 0 ? errors / requests : null,
      p50Ms: latency.quantile(0.5),
      p95Ms: latency.quantile(0.95),
      p99Ms: latency.quantile(0.99),
      cacheLookups: hits + misses,
      cacheHitRate: hits + misses > 0 ? hits / (hits + misses) : null,
      poolSaturation: this.closed.length > 0 ? saturation / this.closed.length : 0,
      rssBytes,
    };
  }
}
