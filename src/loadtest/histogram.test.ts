import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.ts';
import { seededRandom } from './mixes.ts';

/**
 * The nearest-rank percentile of a sorted array: the reference the histogram is held to (the
 * rank rounded to 9 decimals first, so 99.9 % of 20,000 is the 19,980th value, not the next).
 */
function reference(sorted: number[], p: number): number {
  const rank = Math.ceil(Number(((p / 100) * sorted.length).toFixed(9)));
  return sorted[Math.max(0, rank - 1)]!;
}

const random = seededRandom(42);
const sets: Record<string, () => number[]> = {
  'uniform 0-1000 ms': () => Array.from({ length: 20_000 }, () => random() * 1000),
  'log-normal around 20 ms, long tail': () =>
    Array.from({ length: 20_000 }, () => Math.exp(3 + 1.2 * gaussian())),
  'bimodal: cache hits and agent runs': () =>
    Array.from({ length: 10_000 }, (_, i) => (i % 5 === 0 ? 300 + random() * 500 : 0.2 + random())),
  'all the same': () => Array.from({ length: 1000 }, () => 42.5),
  'a few values': () => [3, 1, 2],
  'sub-millisecond to minutes': () => Array.from({ length: 5000 }, () => 10 ** (-2 + random() * 7)),
};

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

describe('LatencyHistogram', () => {
  it.each(Object.entries(sets))('matches a sorted array within 0.1 %% (%s)', (_, make) => {
    const values = make();
    const h = new LatencyHistogram();
    for (const v of values) h.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]) {
      const want = reference(sorted, p);
      const got = h.percentile(p);
      // 3 significant digits, and values kept in whole microseconds.
      expect(Math.abs(got - want), `p${p}: ${got} vs ${want}`).toBeLessThanOrEqual(
        want * 0.001 + 0.001,
      );
    }
    const s = h.summary();
    expect(s.count).toBe(values.length);
    expect(s.max).toBe(sorted.at(-1));
    expect(s.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    expect(s.p50).toBe(h.percentile(50));
    expect(s.p99).toBeLessThanOrEqual(s.max);
  });

  it('is all zeros when nothing was recorded', () => {
    expect(new LatencyHistogram().summary()).toEqual({
      count: 0,
      avg: 0,
      p50: 0,
      p95: 0,
      p99: 0,
      max: 0,
    });
  });

  it('adds another histogram as if its values were recorded here', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const both = new LatencyHistogram();
    for (let i = 1; i <= 1000; i += 1) {
      (i % 2 ? a : b).record(i);
      both.record(i);
    }
    a.add(b);
    expect(a.summary()).toEqual(both.summary());
  });

  it('refuses what is not a latency', () => {
    const h = new LatencyHistogram();
    expect(() => h.record(-1)).toThrow(RangeError);
    expect(() => h.record(Number.NaN)).toThrow(RangeError);
    expect(h.count).toBe(0);
  });

  it('keeps latencies beyond its range as the longest it tracks, and the exact maximum', () => {
    const h = new LatencyHistogram();
    h.record(5);
    h.record(3_600_000);
    expect(h.summary().max).toBe(3_600_000);
    expect(h.percentile(99)).toBeGreaterThanOrEqual(599_000);
  });
});
