import { describe, expect, it } from 'vitest';
import { LatencySketch, SlidingWindow } from './window.ts';

describe('LatencySketch', () => {
  it('gives quantiles within 2.5 % of the exact ones', () => {
    const sketch = new LatencySketch();
    const values = Array.from({ length: 10_000 }, (_, i) => 0.5 + ((i * 7919) % 10_000) / 3);
    for (const v of values) sketch.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      expect(Math.abs(sketch.quantile(q)! - exact) / exact).toBeLessThan(0.025);
    }
    expect(sketch.count).toBe(10_000);
  });

  it('is null when empty, and keeps zero and huge durations', () => {
    const sketch = new LatencySketch();
    expect(sketch.quantile(0.95)).toBeNull();
    sketch.add(0);
    sketch.add(10 * 3_600_000);
    expect(sketch.quantile(0)).toBeLessThan(0.1);
    expect(sketch.quantile(1)).toBeGreaterThan(3_000_000);
  });

  it('merges', () => {
    const a = new LatencySketch();
    const b = new LatencySketch();
    for (let i = 0; i < 95; i++) a.add(10);
    for (let i = 0; i < 5; i++) b.add(1000);
    a.addAll(b);
    expect(a.count).toBe(100);
    expect(a.quantile(0.95)).toBeCloseTo(10, -0.5);
    expect(a.quantile(0.96)).toBeGreaterThan(950);
  });
});

describe('SlidingWindow', () => {
  it('keeps the last N closed slices and sums them', () => {
    const w = new SlidingWindow(2, 0);
    const add = (requests: number, errors: number, ms: number, hits: number, misses: number) => {
      const s = w.current;
      s.requests += requests;
      s.errors += errors;
      for (let i = 0; i < requests; i++) s.latency.add(ms);
      s.cacheHits += hits;
      s.cacheMisses += misses;
    };
    add(10, 10, 9000, 0, 10); // falls out of the window below
    w.roll(1000);
    add(10, 1, 100, 3, 1);
    w.current.poolSaturation = 1;
    w.roll(2000);
    add(10, 0, 200, 5, 1);
    w.roll(3000);
    const f = w.figures(123);
    expect(f).toMatchObject({
      seconds: 2,
      requests: 20,
      errors: 1,
      errorRate: 0.05,
      cacheLookups: 10,
      cacheHitRate: 0.8,
      poolSaturation: 0.5,
      rssBytes: 123,
    });
    expect(f.p95Ms).toBeGreaterThan(190);
    expect(f.p95Ms).toBeLessThan(210);
  });

  it('has no rates without traffic', () => {
    const w = new SlidingWindow(3, 0);
    w.roll(1000);
    expect(w.figures(0)).toMatchObject({ errorRate: null, cacheHitRate: null, p95Ms: null });
  });
});
