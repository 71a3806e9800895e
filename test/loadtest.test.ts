/**
 * `landuse loadtest` as a user runs it: in process over a demo database (the realistic mix, every
 * tool), and the CI smoke level against a real `landuse serve` on 127.0.0.1 (10 users, the
 * distinct mix, 20 s, generous objectives), so a change that breaks concurrency fails the build;
 * an objective that cannot be met exits non-zero, a bad option exits 2.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoRawFile } from '../src/data/demo/publish.ts';
import { runLoad } from '../src/data/etl/load.ts';
import type { LoadTestReport } from '../src/loadtest/index.ts';
import { TOOL_QUESTIONS } from '../src/loadtest/questions.ts';
import { quietEffects, tempDir } from './helpers.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'landuse.js');

let dir: string;
let db: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const raw = join(dir, 'demo.json');
  db = join(dir, 'demo.duckdb');
  await writeDemoRawFile(raw, { counties: 300 });
  await runLoad({ input: raw, db }, quietEffects);
});
afterAll(() => cleanup());

/** The settings every process here runs with: its own conversation store, quiet logs. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LANDUSE_THREADS_DB_PATH: join(dir, 'threads.sqlite'),
    LANDUSE_LOG_LEVEL: 'warn',
    LANDUSE_PROVIDER: 'offline',
    ...extra,
  };
}

/** Runs `landuse loadtest ...`; resolves with the exit code instead of throwing. */
async function loadtest(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'loadtest', ...args], {
      env: env(),
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('landuse loadtest, in process', () => {
  it('runs the realistic mix: every kind of request, every tool, a report in JSON and Markdown', async () => {
    const md = join(dir, 'report', 'in-process.md');
    const r = await loadtest([
      '--db',
      db,
      '--users',
      '4',
      '--requests',
      '400',
      '--json',
      '--markdown',
      md,
      '--max-error-rate',
      '0.05',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as LoadTestReport;
    expect(report.target).toEqual({ kind: 'in-process', where: db });
    expect(report.mix.name).toBe('realistic');
    expect(report.levels).toHaveLength(1);
    const level = report.levels[0]!;
    expect(level.users).toBe(4);
    expect(level.requests.total).toBe(400);
    expect(level.requests.succeeded + level.requests.failed).toBe(400);
    expect(level.requests.succeeded).toBeGreaterThan(380);
    expect(Object.keys(level.byKind).sort()).toEqual(['analytics', 'ask', 'chat', 'export', 'sql']);
    // The popular questions repeat: some answers come from the answer cache.
    expect(level.cacheHits).toBeGreaterThan(0);
    expect(Object.keys(level.tools).sort()).toEqual(TOOL_QUESTIONS.map((t) => t.tool).sort());
    const l = level.latencyMs;
    expect(l.p50).toBeLessThanOrEqual(l.p95);
    expect(l.p95).toBeLessThanOrEqual(l.p99);
    expect(l.p99).toBeLessThanOrEqual(l.max);
    expect(level.server?.memoryMb.max).toBeGreaterThan(10);
    expect(level.slo).toEqual([expect.objectContaining({ name: 'error rate', met: true })]);
    expect(report.met).toBe(true);
    const markdown = await readFile(md, 'utf8');
    expect(markdown).toContain('| users | requests | succeeded | failed | requests/s |');
    expect(markdown).toContain('Reproduce: `npx landuse loadtest --db');
  }, 180_000);

  it.each([
    [['--users', '0'], /--users expects a whole number of users from 1 to 1000, got "0"/],
    [['--mix', 'random'], /--mix expects realistic or distinct/],
    [['--levels', '--users', '5'], /leave out --users/],
    [['--url', 'localhost:8000'], /--url expects an http:\/\/ or https:\/\/ address/],
    [['--questions', join(import.meta.dirname, 'nowhere.txt')], /there is no such file/],
  ])(
    'refuses %j with exit code 2',
    async (args, message) => {
      const r = await loadtest(['--requests', '1', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    },
    60_000,
  );
});

describe('landuse loadtest --url, against landuse serve', () => {
  let server: ChildProcess;
  let url: string;
  /** What the server wrote to stderr, shown when a test fails. */
  let serverLog = '';

  beforeAll(async () => {
    server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], {
      env: env({
        LANDUSE_HOST: '127.0.0.1',
        LANDUSE_API_RATE_LIMIT: '0',
        LANDUSE_API_DAILY_QUOTA: '0',
      }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "listening" line within 90 s:\n${serverLog}`)),
        90_000,
      );
      server.stderr!.on('data', (chunk: Buffer) => {
        serverLog += chunk.toString('utf8');
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(serverLog);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      server.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`landuse serve exited (${code}) before listening:\n${serverLog}`));
      });
    });
  }, 120_000);

  afterAll(async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
  });

  it('holds the CI smoke level: 10 users, distinct mix, 20 s, no failure, p99 under 5 s', async () => {
    const r = await loadtest([
      '--url',
      url,
      '--users',
      '10',
      '--mix',
      'distinct',
      '--duration',
      '20',
      '--p99-ms',
      '5000',
      '--max-error-rate',
      '0',
      '--json',
    ]);
    expect(r.code, `${r.stderr}\n${r.stdout.slice(0, 3000)}\nserver: ${serverLog}`).toBe(0);
    const report = JSON.parse(r.stdout) as LoadTestReport;
    expect(report.target).toEqual({ kind: 'http', where: url });
    const level = report.levels[0]!;
    expect(level.requests.succeeded).toBeGreaterThan(0);
    expect(level.requests.failed).toBe(0);
    expect(level.errors).toEqual([]);
    expect(level.elapsedSeconds).toBeGreaterThanOrEqual(20);
    // Questions that never repeat: none is answered from the answer cache.
    expect(level.cacheHits).toBe(0);
    // The server's own memory and CPU, read from its /metrics.
    expect(level.server?.samples).toBeGreaterThan(10);
    expect(level.server?.memoryMb.max).toBeGreaterThan(10);
    expect(level.server?.cpuPercent?.avg).toBeGreaterThan(0);
    expect(report.met).toBe(true);
  }, 180_000);

  it('exits non-zero when an objective cannot be met (--min-rps 1e9)', async () => {
    const r = await loadtest([
      '--url',
      url,
      '--users',
      '2',
      '--mix',
      'distinct',
      '--duration',
      '2',
      '--min-rps',
      '1e9',
    ]);
    expect(r.code, `${r.stderr}\nserver: ${serverLog}`).toBe(1);
    expect(r.stderr).toMatch(/Objectives missed: .* requests\/s < 1000000000 at 2 users/);
    // The report is printed all the same.
    expect(r.stdout).toContain('MISSED');
  }, 120_000);
});
