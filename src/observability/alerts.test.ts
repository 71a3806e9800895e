import { describe, expect, it } from 'vitest';
import { AlertEvaluator, alertRules, type AlertThresholds } from './alerts.ts';
import type { WindowFigures } from './window.ts';

const thresholds: AlertThresholds = {
  p95Seconds: 5,
  memoryBytes: 1e9,
  errorRate: 0.05,
  cacheHitRate: 0.5,
  poolSaturation: 0.9,
  minRequests: 20,
};

const calm: WindowFigures = {
  seconds: 300,
  requests: 100,
  errors: 0,
  errorRate: 0,
  p50Ms: 20,
  p95Ms: 100,
  p99Ms: 200,
  cacheLookups: 100,
  cacheHitRate: 0.9,
  poolSaturation: 0.1,
  rssBytes: 300e6,
};

describe('alerts', () => {
  it('stays quiet on calm figures', () => {
    const alerts = new AlertEvaluator(alertRules(thresholds));
    expect(alerts.evaluate(calm, 0)).toEqual([]);
    expect(alerts.active()).toEqual([]);
  });

  it('fires each alert past its threshold, once, and resolves with hysteresis', () => {
    const alerts = new AlertEvaluator(alertRules(thresholds));
    const bad: WindowFigures = {
      ...calm,
      p95Ms: 5200,
      errors: 6,
      errorRate: 0.06,
      cacheHitRate: 0.4,
      poolSaturation: 0.95,
      rssBytes: 1.1e9,
    };
    const fired = alerts.evaluate(bad, 1000);
    expect(fired.map((e) => [e.alert, e.state]).sort()).toEqual([
      ['LanduseHighErrorRate', 'firing'],
      ['LanduseHighMemory', 'firing'],
      ['LanduseHighResponseTime', 'firing'],
      ['LanduseLowCacheHitRate', 'firing'],
      ['LandusePoolSaturated', 'firing'],
    ]);
    expect(fired.find((e) => e.alert === 'LanduseHighResponseTime')?.summary).toBe(
      'p95 response time 5.20 s (threshold 5.00 s) over the last 300 s',
    );
    // Still bad: nothing new.
    expect(alerts.evaluate(bad, 2000)).toEqual([]);
    expect(alerts.active()).toHaveLength(5);
    // Back under the threshold but not by a tenth: still firing.
    const edge: WindowFigures = {
      ...calm,
      p95Ms: 4600,
      errorRate: 0.046,
      cacheHitRate: 0.54,
      poolSaturation: 0.85,
      rssBytes: 0.95e9,
    };
    expect(alerts.evaluate(edge, 3000)).toEqual([]);
    // Past the hysteresis: every one resolves.
    const resolved = alerts.evaluate(calm, 4000);
    expect(resolved.map((e) => e.state)).toEqual(Array(5).fill('resolved'));
    expect(resolved[0]).toMatchObject({
      startsAt: new Date(1000).toISOString(),
      endsAt: new Date(4000).toISOString(),
    });
    expect(alerts.active()).toEqual([]);
    expect(alerts.recent()).toHaveLength(10);
    expect(alerts.recent()[0]?.state).toBe('resolved');
  });

  it('judges rates only once there is traffic, and resolves when it stops', () => {
    const alerts = new AlertEvaluator(alertRules(thresholds));
    const few: WindowFigures = {
      ...calm,
      requests: 19,
      cacheLookups: 19,
      p95Ms: 9000,
      errorRate: 0.5,
      cacheHitRate: 0,
    };
    expect(alerts.evaluate(few, 0)).toEqual([]);
    expect(alerts.evaluate({ ...few, requests: 20 }, 1)).toHaveLength(2);
    const quiet = alerts.evaluate({ ...few, requests: 0, p95Ms: null, errorRate: null }, 2);
    expect(quiet.map((e) => [e.alert, e.state, e.value])).toEqual([
      ['LanduseHighResponseTime', 'resolved', null],
      ['LanduseHighErrorRate', 'resolved', null],
    ]);
  });
});
