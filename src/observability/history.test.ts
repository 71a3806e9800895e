import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downsample, HistoryRing, HistoryStore, type Snapshot } from './history.ts';

function snapshot(t: number, over: Partial<Snapshot> = {}): Snapshot {
  return {
    t,
    seconds: 5,
    requests: 10,
    requestsPerSecond: 2,
    errors: 1,
    errorRate: 0.1,
    p50Ms: 10,
    p95Ms: 50,
    p99Ms: 90,
    cacheHits: 3,
    cacheMisses: 1,
    cacheHitRate: 0.75,
    modelCalls: 20,
    inputTokens: 100,
    outputTokens: 10,
    rssBytes: 1000,
    heapUsedBytes: 500,
    agentsBusy: 1,
    agentsQueued: 0,
    agentPoolSize: 4,
    dbConnectionsInUse: 0,
    dbConnectionsWaiting: 0,
    dbPoolSize: 4,
    activeStreams: 0,
    activeAlerts: 0,
    ...over,
  };
}

describe('HistoryRing', () => {
  it('keeps the newest snapshots and finds those since a time', () => {
    const ring = new HistoryRing(3);
    for (let t = 1; t <= 5; t++) ring.push(snapshot(t * 1000));
    expect(ring.oldest()).toBe(3000);
    expect(ring.since(3500).map((s) => s.t)).toEqual([4000, 5000]);
    expect(ring.since(0).map((s) => s.t)).toEqual([3000, 4000, 5000]);
    expect(ring.latest()?.t).toBe(5000);
  });
});

describe('HistoryStore', () => {
  it('persists snapshots and deletes those past the retention', async () => {
    const dir = await mkdtemp(join(os.tmpdir(), 'landuse-history-'));
    try {
      const path = join(dir, 'nested', 'metrics.sqlite');
      const store = new HistoryStore(path, 10_000);
      for (let t = 0; t <= 20_000; t += 5000) store.write(snapshot(t));
      // 0 and 5000 are more than 10 s older than the newest (20 000).
      expect(store.count()).toBe(3);
      store.close();
      const reopened = new HistoryStore(path, 10_000);
      expect(reopened.since(0, 100).map((s) => s.t)).toEqual([10_000, 15_000, 20_000]);
      expect(reopened.since(12_000, 1).map((s) => s.t)).toEqual([15_000]);
      expect(reopened.since(0, 100)[0]).toEqual(snapshot(10_000));
      reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('downsample', () => {
  it('sums counts, recomputes rates, keeps the worst quantiles and the last gauges', () => {
    const points = [
      snapshot(5000, { p95Ms: 40, rssBytes: 900 }),
      snapshot(10_000, { p95Ms: 80, requests: 30, errors: 0, agentsBusy: 3 }),
      snapshot(15_000, { p95Ms: null, requests: 0, errors: 0 }),
    ];
    const [first, second, ...rest] = downsample(points, 10);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      t: 10_000,
      seconds: 10,
      requests: 40,
      requestsPerSecond: 4,
      errors: 1,
      errorRate: 0.025,
      p95Ms: 80,
      cacheHits: 6,
      cacheHitRate: 0.75,
      inputTokens: 200,
      rssBytes: 1000,
      agentsBusy: 3,
    });
    expect(second).toEqual(points[2]);
  });
});
