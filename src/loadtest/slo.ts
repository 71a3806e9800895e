/** Service level objectives: the figures a run must reach for a release to go ahead. */
export interface Slo {
  /** p95 latency of the successful requests at most this, ms. */
  p95Ms?: number;
  /** p99 latency of the successful requests at most this, ms. */
  p99Ms?: number;
  /** Failed requests / all requests at most this (0 to 1). */
  maxErrorRate?: number;
  /** Requests per second at least this. */
  minRps?: number;
}

export interface SloCheck {
  name: 'p95' | 'p99' | 'error rate' | 'requests/s';
  /** `p95 <= 500 ms` */
  objective: string;
  limit: number;
  actual: number;
  met: boolean;
}

/** The figures of a run that the objectives are judged on. */
export interface SloFigures {
  latencyMs: { p95: number; p99: number };
  requests: { total: number; failed: number };
  requestsPerSecond: number;
}

/**
 * Each objective that is set, judged on a run's figures. A run that completed no request has an
 * error rate of 1: nothing worked, and the latency objectives, with nothing measured, fail too.
 */
export function evaluateSlo(slo: Slo, f: SloFigures): SloCheck[] {
  const checks: SloCheck[] = [];
  const none = f.requests.total - f.requests.failed === 0;
  const errorRate = f.requests.total === 0 ? 1 : f.requests.failed / f.requests.total;
  if (slo.p95Ms !== undefined) {
    checks.push({
      name: 'p95',
      objective: `p95 <= ${slo.p95Ms} ms`,
      limit: slo.p95Ms,
      actual: f.latencyMs.p95,
      met: !none && f.latencyMs.p95 <= slo.p95Ms,
    });
  }
  if (slo.p99Ms !== undefined) {
    checks.push({
      name: 'p99',
      objective: `p99 <= ${slo.p99Ms} ms`,
      limit: slo.p99Ms,
      actual: f.latencyMs.p99,
      met: !none && f.latencyMs.p99 <= slo.p99Ms,
    });
  }
  if (slo.maxErrorRate !== undefined) {
    checks.push({
      name: 'error rate',
      objective: `error rate <= ${percent(slo.maxErrorRate)}`,
      limit: slo.maxErrorRate,
      actual: errorRate,
      met: errorRate <= slo.maxErrorRate,
    });
  }
  if (slo.minRps !== undefined) {
    checks.push({
      name: 'requests/s',
      objective: `requests/s >= ${slo.minRps}`,
      limit: slo.minRps,
      actual: f.requestsPerSecond,
      met: f.requestsPerSecond >= slo.minRps,
    });
  }
  return checks;
}

export function percent(rate: number): string {
  return `${Number((rate * 100).toFixed(2))} %`;
}

/** One line per missed objective: `p95 812 ms > 500 ms`. */
export function describeMiss(check: SloCheck): string {
  switch (check.name) {
    case 'p95':
    case 'p99':
      return `${check.name} ${round(check.actual)} ms > ${check.limit} ms`;
    case 'error rate':
      return `error rate ${percent(check.actual)} > ${percent(check.limit)}`;
    case 'requests/s':
      return `${round(check.actual)} requests/s < ${check.limit}`;
  }
}

function round(n: number): string {
  return Number(n.toFixed(n >= 100 ? 0 : 1)).toLocaleString('en-US');
}
