import { describe, expect, it } from 'vitest';
import { describeMiss, evaluateSlo, type SloFigures } from './slo.ts';

const figures = (over: Partial<SloFigures> = {}): SloFigures => ({
  latencyMs: { p95: 200, p99: 400 },
  requests: { total: 1000, failed: 5 },
  requestsPerSecond: 120,
  ...over,
});

describe('evaluateSlo', () => {
  it('checks only the objectives that are set', () => {
    expect(evaluateSlo({}, figures())).toEqual([]);
    expect(evaluateSlo({ p95Ms: 250 }, figures()).map((c) => c.name)).toEqual(['p95']);
  });

  it('meets objectives at their limit and misses them past it', () => {
    const at = evaluateSlo({ p95Ms: 200, p99Ms: 400, maxErrorRate: 0.005, minRps: 120 }, figures());
    expect(at.map((c) => [c.name, c.met])).toEqual([
      ['p95', true],
      ['p99', true],
      ['error rate', true],
      ['requests/s', true],
    ]);
    const past = evaluateSlo(
      { p95Ms: 199, p99Ms: 399, maxErrorRate: 0.004, minRps: 121 },
      figures(),
    );
    expect(past.every((c) => !c.met)).toBe(true);
    expect(past.map(describeMiss)).toEqual([
      'p95 200 ms > 199 ms',
      'p99 400 ms > 399 ms',
      'error rate 0.5 % > 0.4 %',
      '120 requests/s < 121',
    ]);
  });

  it('gives the actual figures', () => {
    const [rate] = evaluateSlo({ maxErrorRate: 0 }, figures());
    expect(rate).toMatchObject({ name: 'error rate', limit: 0, actual: 0.005, met: false });
    const [rps] = evaluateSlo({ minRps: 1e9 }, figures());
    expect(rps).toMatchObject({ actual: 120, met: false, objective: 'requests/s >= 1000000000' });
  });

  it('fails a run that completed nothing, whatever its latency', () => {
    const none = figures({
      latencyMs: { p95: 0, p99: 0 },
      requests: { total: 0, failed: 0 },
      requestsPerSecond: 0,
    });
    expect(
      evaluateSlo({ p95Ms: 100, p99Ms: 100, maxErrorRate: 0.5 }, none).map((c) => c.met),
    ).toEqual([false, false, false]);
    const allFailed = figures({ requests: { total: 10, failed: 10 } });
    expect(evaluateSlo({ p95Ms: 1e6 }, allFailed)[0]!.met).toBe(false);
  });
});
