/**
 * The HTTP benchmark: autocannon against `landuse serve` (a separate process, so the load
 * generator does not share the server's event loop) on the full-size demo database with the
 * offline planner. Three loads of POST /api/ask at 50 connections: one question repeated (the
 * answer cache), the development set's 50 questions in turn (a realistic mix: each is a cache hit
 * after its first time), and questions that are all different (each one runs the agent).
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { machine, writeResults, type Machine } from './results-files.ts';
import { loadQuestionSet } from '../src/agent/eval.ts';
import { uniqueQuestions } from '../src/loadtest/questions.ts';

/** Enough never-repeating questions that none comes round again within a load at 1,000 req/s. */
const NEVER_REPEATING = 14_700;

interface LoadResult {
  name: string;
  description: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  /** p95 from every response's time (autocannon's own percentiles skip it). */
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  /** At least this many req/s, or (orBaselineShare) this share of the trivial server's. */
  target: { requestsPerSecond: number; p99Ms: number; orBaselineShare?: number };
  met: boolean;
}

export interface ServerBenchmark {
  date: string;
  machine: Machine;
  /** Server processes (`serve --workers N`). */
  workers: number;
  /** The machine's 1-minute load average before and after the loads (other work shares it). */
  loadAverage: { before: number; after: number };
  startupMs: number;
  /** The same load generator against a trivial Node HTTP server, in the same run. */
  baseline: LoadResult;
  loads: LoadResult[];
}

/**
 * A trivial Node HTTP server in its own process (read the body, answer a small JSON): what this
 * load generator gets on this machine when the server does nothing, the yardstick of issue 13.
 */
function startTrivialServer(): Promise<{ child: ChildProcess; url: string }> {
  const code = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.setHeader('content-type', 'application/json'); s.end('{"answer":"ok"}'); }); }).listen(0, '127.0.0.1', function () { console.error('listening on http://127.0.0.1:' + this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
  return listening(child, 'the trivial server').then((url) => ({ child, url }));
}

/** The address a server child prints on stderr ("listening on http://..."), or why it exited. */
function listening(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (b: Buffer) => {
      text += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`${what} exited (${code}) before listening:\n${text}`)),
    );
  });
}

export async function startServer(
  db: string,
  threadsDb: string,
  workers = 1,
): Promise<{ child: ChildProcess; url: string; startupMs: number }> {
  const started = performance.now();
  const args = ['serve', '--port', '0', '--db', db, '--workers', String(workers)];
  // The heap bound `npm start` sets (package.json): V8 then collects before the heap grows past
  // it, where by default it lets a busy server's heap run up to several times its live data.
  const child = spawn(process.execPath, ['--max-old-space-size=384', 'bin/landuse.js', ...args], {
    env: {
      // eslint-disable-next-line n/no-process-env -- the child is configured as a user would: by environment
      ...process.env,
      LANDUSE_API_RATE_LIMIT: '0',
      LANDUSE_API_DAILY_QUOTA: '0',
      LANDUSE_LOG_LEVEL: 'warn',
      LANDUSE_THREADS_DB_PATH: threadsDb,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await listening(child, 'the server');
  return { child, url, startupMs: performance.now() - started };
}

function load(
  url: string,
  options: {
    name: string;
    description: string;
    questions: string[];
    seconds: number;
    target: LoadResult['target'];
    baselineRps?: number;
  },
  progress: (fraction: number) => void,
): Promise<LoadResult> {
  let i = 0;
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/api/ask`,
        connections: 50,
        duration: options.seconds,
        requests: [
          {
            method: 'POST',
            path: '/api/ask',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ question: options.questions[i++ % options.questions.length] }),
            }),
          },
        ],
      },
      (error, r) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const rps = r.requests.total / r.duration;
        const errors = r.errors + r.non2xx;
        resolve({
          name: options.name,
          description: options.description,
          connections: r.connections,
          durationSeconds: r.duration,
          requests: r.requests.total,
          requestsPerSecond: rps,
          latencyMs: {
            p50: r.latency.p50,
            p90: r.latency.p90,
            p95: Math.round(quantile(times, 0.95)),
            p99: r.latency.p99,
            max: r.latency.max,
            mean: r.latency.mean,
          },
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          target: options.target,
          met:
            (rps >= options.target.requestsPerSecond ||
              (options.baselineRps !== undefined &&
                options.target.orBaselineShare !== undefined &&
                rps >= options.target.orBaselineShare * options.baselineRps)) &&
            r.latency.p99 < options.target.p99Ms &&
            errors === 0,
        });
      },
    );
    let ticks = 0;
    instance.on('tick', () => progress(Math.min(1, ++ticks / options.seconds)));
    instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  });
}

/** The q-quantile of `values` (nearest rank). */
function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export async function runServerBenchmark(
  options: { db: string; seconds: number; workers?: number },
  progress: (fraction: number, stage: string) => void,
): Promise<ServerBenchmark> {
  const tmp = await mkdtemp(join(os.tmpdir(), 'landuse-bench-'));
  const loadBefore = os.loadavg()[0]!;
  const trivial = await startTrivialServer();
  const steps = 4;
  let baseline: LoadResult;
  try {
    baseline = await load(
      trivial.url,
      {
        name: 'trivial server',
        description: 'a Node HTTP server that reads the body and answers a small JSON',
        questions: ['Which states have the most urban expansion?'],
        seconds: options.seconds,
        target: { requestsPerSecond: 0, p99Ms: Number.POSITIVE_INFINITY },
      },
      (f) => progress(f / steps, 'trivial server'),
    );
  } finally {
    trivial.child.kill('SIGTERM');
    await new Promise((r) => trivial.child.once('exit', r));
  }
  const { child, url, startupMs } = await startServer(
    options.db,
    join(tmp, 'threads.sqlite'),
    options.workers,
  );
  try {
    const dev = loadQuestionSet('eval/dev-questions.jsonl').map((q) => q.question);
    const plans = [
      {
        name: 'repeated question',
        description: '"Which states have the most urban expansion?" over and over (answer cache)',
        questions: ['Which states have the most urban expansion?'],
        target: { requestsPerSecond: 2000, p99Ms: 500, orBaselineShare: 0.8 },
      },
      {
        name: 'development set mix',
        description: 'the 50 development questions in turn (each a cache hit after its first time)',
        questions: dev,
        target: { requestsPerSecond: 100, p99Ms: 500 },
      },
      {
        name: 'all different',
        description: `${NEVER_REPEATING.toLocaleString('en-US')} questions that never repeat (every one runs the agent)`,
        questions: uniqueQuestions(NEVER_REPEATING),
        target: { requestsPerSecond: 150, p99Ms: 500 },
      },
    ];
    const loads: LoadResult[] = [];
    for (const [n, plan] of plans.entries()) {
      loads.push(
        await load(
          url,
          { ...plan, seconds: options.seconds, baselineRps: baseline.requestsPerSecond },
          (f) => progress((n + 1 + f) / steps, plan.name),
        ),
      );
    }
    return {
      date: new Date().toISOString(),
      machine: machine(),
      workers: options.workers ?? 1,
      loadAverage: { before: loadBefore, after: os.loadavg()[0]! },
      startupMs,
      baseline,
      loads,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(tmp, { recursive: true, force: true });
  }
}

export function serverBenchmarkMarkdown(b: ServerBenchmark): string {
  const f = (v: number) => Math.round(v).toLocaleString('en-US');
  return `${[
    '# HTTP API benchmark',
    '',
    `${b.date.slice(0, 10)} on ${b.machine.cpus} cores (${b.machine.cpuModel}), Node ${b.machine.node}. autocannon (in the benchmark process) against \`landuse serve${b.workers > 1 ? ` --workers ${b.workers}` : ''}\` (its own process${b.workers > 1 ? 'es' : ''}) on the full-size demo database, offline planner, POST /api/ask, 50 connections, ${b.loads[0]?.durationSeconds.toFixed(0)} s per load. Server start-up including cache warm-up: ${(b.startupMs / 1000).toFixed(1)} s. Load average (1 min) ${b.loadAverage.before.toFixed(1)} before, ${b.loadAverage.after.toFixed(1)} after. Reproduce with \`npm run bench\` (or \`npx landuse bench server\`).`,
    '',
    '| load | requests/s | p50 (ms) | p90 (ms) | p95 (ms) | p99 (ms) | max (ms) | errors + non-2xx | target | met |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...b.loads.map(
      (l) =>
        `| ${l.name}: ${l.description} | ${f(l.requestsPerSecond)} | ${l.latencyMs.p50} | ${l.latencyMs.p90} | ${l.latencyMs.p95} | ${l.latencyMs.p99} | ${l.latencyMs.max} | ${l.errors + l.non2xx} | >= ${l.target.requestsPerSecond} req/s${l.target.orBaselineShare ? ` (or ${l.target.orBaselineShare * 100} % of the trivial server's)` : ''}, p99 < ${l.target.p99Ms} ms, no errors | ${l.met ? 'yes' : 'NO'} |`,
    ),
    '',
    `The same load generator against a trivial Node HTTP server (its own process, reads the body, answers a small JSON), in the same run: ${f(b.baseline.requestsPerSecond)} req/s, p99 ${b.baseline.latencyMs.p99} ms. The repeated question reached ${((b.loads[0]!.requestsPerSecond / b.baseline.requestsPerSecond) * 100).toFixed(0)} % of it.`,
  ].join('\n')}\n`;
}

export function writeServerBenchmark(b: ServerBenchmark, out: string): Promise<string[]> {
  return writeResults(out, 'server', b, serverBenchmarkMarkdown(b));
}
