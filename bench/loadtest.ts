/**
 * The load-test benchmark: `landuse serve` in its own process(es) on the full-size demo database
 * with the rate limits off, then the load tester (src/loadtest) at the guide's four levels (5, 10,
 * 20, 50 users) on questions that never repeat, and the release target of issue 13: 50 users for
 * 60 s on the distinct mix with no failed request, p95 <= 250 ms, p99 <= 500 ms, >= 150
 * requests/s and every server process under 500 MB throughout.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { writeResults, type Machine } from './results-files.ts';
import { loadConfig } from '../src/config/index.ts';
import {
  distinctMix,
  LEVELS,
  runLoadTest,
  type LoadTestPlan,
  type LoadTestReport,
  type Slo,
} from '../src/loadtest/index.ts';
import { startServer } from './server.ts';

/** The release target of issue 13 for 50 users on the distinct mix. */
export const RELEASE_SLO: Required<Slo> = {
  p95Ms: 250,
  p99Ms: 500,
  maxErrorRate: 0,
  minRps: 150,
};
export const MAX_PROCESS_MB = 500;

export interface LoadtestBenchmark {
  date: string;
  machine: Machine;
  workers: number;
  loadAverage: { before: number; after: number };
  levelSeconds: number;
  targetSeconds: number;
  /** The four levels (no objectives) and then the release run (with them). */
  levels: {
    users: number;
    mix: string;
    seconds: number;
    requests: number;
    failed: number;
    requestsPerSecond: number;
    latencyMs: { avg: number; p50: number; p95: number; p99: number; max: number };
    /** Highest resident memory of any one server process during the level, MB. */
    processMemoryMaxMb: number | null;
    serverCpuPercent: number | null;
    slo?: { target: string; met: boolean };
  }[];
  reports: LoadTestReport[];
}

function plan(url: string, levels: number[], seconds: number, slo: Slo): LoadTestPlan {
  return {
    levels,
    rampUpSeconds: 0,
    durationSeconds: seconds,
    thinkMs: 0,
    mix: { kind: 'distinct' },
    target: { kind: 'http', url },
    slo,
    json: true,
    timeoutMs: 30_000,
  };
}

function rows(report: LoadTestReport, seconds: number, withSlo: boolean) {
  return report.levels.map((l) => {
    const memory = l.server?.processMemoryMb.max ?? null;
    const memoryMet = memory === null || memory < MAX_PROCESS_MB;
    return {
      users: l.users,
      mix: report.mix.name,
      seconds,
      requests: l.requests.total,
      failed: l.requests.failed,
      requestsPerSecond: l.requestsPerSecond,
      latencyMs: {
        avg: l.latencyMs.avg,
        p50: l.latencyMs.p50,
        p95: l.latencyMs.p95,
        p99: l.latencyMs.p99,
        max: l.latencyMs.max,
      },
      processMemoryMaxMb: memory,
      serverCpuPercent: l.server?.cpuPercent?.avg ?? null,
      ...(withSlo
        ? {
            slo: {
              target: `${l.slo.map((c) => c.objective).join(', ')}, each process < ${MAX_PROCESS_MB} MB`,
              met: l.met && memoryMet,
            },
          }
        : {}),
    };
  });
}

export async function runLoadtestBenchmark(
  options: { db: string; workers?: number; levelSeconds: number; targetSeconds: number },
  progress: (fraction: number, stage: string) => void,
): Promise<LoadtestBenchmark> {
  const config = loadConfig();
  const workers = options.workers ?? 1;
  const dir = await mkdtemp(join(os.tmpdir(), 'landuse-bench-loadtest-'));
  const before = os.loadavg()[0]!;
  const server = await startServer(options.db, join(dir, 'threads.sqlite'), workers);
  const total = LEVELS.length * options.levelSeconds + options.targetSeconds;
  let done = 0;
  const tick = (seconds: number, stage: string) => {
    const started = Date.now();
    const timer = setInterval(
      () => progress(Math.min(1, (done + (Date.now() - started) / 1000) / total), `${stage} users`),
      500,
    );
    return () => {
      clearInterval(timer);
      done += seconds;
    };
  };
  try {
    // One mix for every run: no question comes round again, so no cache answers any of them.
    const mix = distinctMix();
    const reports: LoadTestReport[] = [];
    for (const users of LEVELS) {
      const end = tick(options.levelSeconds, String(users));
      reports.push(
        await runLoadTest(plan(server.url, [users], options.levelSeconds, {}), config, {
          command: `npm run bench -- loadtest`,
          mix,
        }),
      );
      end();
    }
    const end = tick(options.targetSeconds, '50 (release target)');
    const release = await runLoadTest(
      plan(server.url, [50], options.targetSeconds, RELEASE_SLO),
      config,
      { command: `npm run bench -- loadtest`, mix },
    );
    end();
    reports.push(release);
    return {
      date: new Date().toISOString(),
      machine: release.machine,
      workers,
      loadAverage: { before, after: os.loadavg()[0]! },
      levelSeconds: options.levelSeconds,
      targetSeconds: options.targetSeconds,
      levels: [
        ...reports.slice(0, -1).flatMap((r) => rows(r, options.levelSeconds, false)),
        ...rows(release, options.targetSeconds, true),
      ],
      reports,
    };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

export function loadtestBenchmarkMarkdown(b: LoadtestBenchmark): string {
  const release = b.levels.at(-1);
  const table = [
    '| users | seconds | requests | failed | requests/s | avg | p50 | p95 | p99 | max (ms) | largest process (MB) | server CPU (%) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...b.levels.map(
      (l) =>
        `| ${l.users} | ${l.seconds} | ${l.requests} | ${l.failed} | ${l.requestsPerSecond.toFixed(1)} | ${l.latencyMs.avg.toFixed(0)} | ${l.latencyMs.p50.toFixed(0)} | ${l.latencyMs.p95.toFixed(0)} | ${l.latencyMs.p99.toFixed(0)} | ${l.latencyMs.max.toFixed(0)} | ${l.processMemoryMaxMb?.toFixed(0) ?? '-'} | ${l.serverCpuPercent?.toFixed(0) ?? '-'} |`,
    ),
  ];
  return [
    '# Load test benchmark',
    '',
    `${b.date.slice(0, 10)} on ${b.machine.cpus} cores (${b.machine.cpuModel}), Node ${b.machine.node}. \`landuse loadtest\` (in the benchmark process) against \`landuse serve${b.workers > 1 ? ` --workers ${b.workers}` : ''}\` on the full-size demo database, offline planner, rate limits off, questions that never repeat (distinct mix), no think time: the guide's levels for ${b.levelSeconds} s each, then 50 users for ${b.targetSeconds} s against the release target. Load average (1 min) ${b.loadAverage.before.toFixed(1)} before, ${b.loadAverage.after.toFixed(1)} after. Reproduce with \`npm run bench -- loadtest\`.`,
    '',
    ...table,
    '',
    release?.slo
      ? `Release target (${release.slo.target}): **${release.slo.met ? 'met' : 'MISSED'}**.`
      : '',
  ].join('\n');
}

export function writeLoadtestBenchmark(b: LoadtestBenchmark, out: string): Promise<string[]> {
  return writeResults(out, 'loadtest', b, `${loadtestBenchmarkMarkdown(b)}\n`);
}
