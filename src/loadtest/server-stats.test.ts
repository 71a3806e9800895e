import { describe, expect, it } from 'vitest';
import { metricValue, sampleOf, sampleServer, serverStats } from './server-stats.ts';

const TEXT = `# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.5
process_cpu_seconds_total_extra 99
# HELP process_resident_memory_bytes Resident memory size in bytes.
process_resident_memory_bytes{worker="1"} 104857600
process_resident_memory_bytes{worker="2",note="a } b"} 52428800 1700000000000
`;

describe('server figures from /metrics', () => {
  it('reads a metric, summing its series and ignoring longer names', () => {
    expect(metricValue(TEXT, 'process_cpu_seconds_total')).toBe(12.5);
    expect(metricValue(TEXT, 'process_resident_memory_bytes')).toBe(157286400);
    expect(metricValue(TEXT, 'nodejs_heap_size_used_bytes')).toBeUndefined();
  });

  it('needs both process metrics for a sample', () => {
    expect(sampleOf(TEXT, 5)).toEqual({
      at: 5,
      rssBytes: 157286400,
      processRssBytes: 157286400,
      cpuSeconds: 12.5,
    });
    expect(sampleOf('process_cpu_seconds_total 1\n', 5)).toBeUndefined();
  });

  it("takes a cluster's largest worker as the largest process", () => {
    const cluster = `${TEXT}landuse_cluster_worker_resident_memory_bytes{worker="1"} 62914560
landuse_cluster_worker_resident_memory_bytes{worker="2"} 83886080
`;
    expect(sampleOf(cluster, 5)?.processRssBytes).toBe(83886080);
  });

  it('gives memory at the start, the most and the end, and CPU as a share of one core', () => {
    const MB = 1024 * 1024;
    const stats = serverStats([
      { at: 0, rssBytes: 100 * MB, processRssBytes: 60 * MB, cpuSeconds: 10 },
      { at: 1000, rssBytes: 300 * MB, processRssBytes: 160 * MB, cpuSeconds: 11.5 },
      { at: 3000, rssBytes: 200 * MB, processRssBytes: 120 * MB, cpuSeconds: 12 },
    ]);
    expect(stats).toEqual({
      samples: 3,
      memoryMb: { start: 100, max: 300, end: 200 },
      processMemoryMb: { max: 160 },
      cpuPercent: { avg: expect.closeTo(66.67, 2) as number, max: 150 },
    });
    expect(serverStats([])).toBeNull();
    expect(
      serverStats([{ at: 0, rssBytes: MB, processRssBytes: MB, cpuSeconds: 1 }])?.cpuPercent,
    ).toBeNull();
  });

  it('samples until stopped, skipping readings that fail', async () => {
    let n = 0;
    const sampler = sampleServer(() => {
      n += 1;
      if (n === 2) return Promise.reject(new Error('down'));
      return Promise.resolve(n === 3 ? 'nothing useful' : TEXT);
    }, 10);
    await new Promise((r) => setTimeout(r, 60));
    const samples = await sampler.stop();
    expect(n).toBeGreaterThanOrEqual(4);
    expect(samples.length).toBe(n - 2);
  });
});
