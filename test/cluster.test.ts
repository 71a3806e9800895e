/**
 * `landuse serve --workers 2`, run as a user would (its own process tree): both workers answer,
 * a client's rate limit holds across them, /metrics sums them, a killed worker is replaced,
 * and SIGTERM lets in-flight requests finish. Then the pieces on their own: the limit store,
 * the IPC client's timeout, and the API failing open when the primary does not answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointer } from '../src/agent/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import {
  ClusterLimitStore,
  PrimaryClient,
  primaryRateLimiter,
  type Channel,
} from '../src/server/cluster-ipc.ts';
import { afterDeath, DEFAULT_RESTART } from '../src/server/cluster.ts';
import { buildApp, openServerDeps } from '../src/server/index.ts';
import { MemoryLimitStore } from '../src/server/limiter.ts';
import { HAND_MADE, openHandMade, quietEffects, tempDir } from './helpers.ts';
import { parseExposition, total } from './metrics-text.ts';

const ROOT = join(import.meta.dirname, '..');
const RATE_LIMIT = 12;

interface Reply {
  status: number;
  worker: string | undefined;
  body: string;
}

/**
 * One request on a connection of its own (no keep-alive), so the cluster's round robin hands
 * consecutive requests to different workers.
 */
function send(
  url: string,
  path: string,
  options: { key?: string; body?: unknown } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpRequest(
      `${url}${path}`,
      {
        method: payload === undefined ? 'GET' : 'POST',
        agent: false,
        headers: {
          ...(options.key ? { 'x-api-key': options.key } : {}),
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            worker: res.headers['x-landuse-worker'] as string | undefined,
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The server's stderr so far, and a wait for a line matching `pattern`. */
class Output {
  text = '';
  private waiters: { pattern: RegExp; from: number; resolve: (m: RegExpExecArray) => void }[] = [];

  constructor(child: ChildProcess) {
    child.stderr?.on('data', (b: Buffer) => {
      this.text += b.toString();
      this.waiters = this.waiters.filter((w) => {
        const m = w.pattern.exec(this.text.slice(w.from));
        if (m) w.resolve(m);
        return !m;
      });
    });
  }

  /** The first match of `pattern` in the output after offset `from` (default: all of it). */
  wait(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
    const m = pattern.exec(this.text.slice(from));
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${pattern} within ${timeoutMs} ms in:\n${this.text}`)),
        timeoutMs,
      );
      this.waiters.push({
        pattern,
        from,
        resolve: (found) => {
          clearTimeout(timer);
          resolve(found);
        },
      });
    });
  }
}

/** The pid of each worker slot as the primary last announced it serving. */
function servingPids(text: string): Map<string, number> {
  const pids = new Map<string, number>();
  for (const m of text.matchAll(/worker (\d+) \(pid (\d+)\) is serving/g)) {
    pids.set(m[1]!, Number(m[2]));
  }
  return pids;
}

describe('landuse serve --workers 2', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let child: ChildProcess;
  let out: Output;
  let url: string;
  let exited: Promise<{ code: number | null; signal: string | null }>;

  beforeAll(async () => {
    tmp = await tempDir();
    const db = join(tmp.dir, 'hand.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    child = spawn(
      process.execPath,
      ['bin/landuse.js', 'serve', '--workers', '2', '--port', '0', '--db', db],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          LANDUSE_API_KEYS: 'spread-key,limit-key,kill-key,drain-key,ops-key',
          LANDUSE_METRICS_INTERVAL: '1',
          LANDUSE_API_RATE_LIMIT: String(RATE_LIMIT),
          LANDUSE_LOG_LEVEL: 'warn',
          LANDUSE_THREADS_DB_PATH: join(tmp.dir, 'threads.sqlite'),
          LANDUSE_POOL_SIZE: '2',
          LANDUSE_THREADS: '1',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    out = new Output(child);
    url = (await out.wait(/listening on (http:\/\/\S+)/, 90_000))[1]!;
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      for (const pid of servingPids(out.text).values()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    await tmp.cleanup();
  });

  it('serves requests from both workers, each saying which it is', async () => {
    const replies: Reply[] = [];
    for (let i = 0; i < 10; i++) {
      replies.push(
        await send(url, '/api/ask', {
          key: 'spread-key',
          body: { question: `How much forest does Georgia lose by ${2030 + (i % 5) * 10}?` },
        }),
      );
    }
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(replies.map((r) => r.worker))).toEqual(new Set(['1', '2']));
  });

  it("holds a client's rate limit across the workers, not per worker", async () => {
    const replies = await Promise.all(
      Array.from({ length: RATE_LIMIT + 8 }, () =>
        send(url, '/api/analytics/overview', { key: 'limit-key' }),
      ),
    );
    const ok = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status === 429);
    expect([ok.length, refused.length]).toEqual([RATE_LIMIT, 8]);
    expect(new Set(replies.map((r) => r.worker))).toEqual(new Set(['1', '2']));
    expect((JSON.parse(refused[0]!.body) as { error: { code: string } }).error.code).toBe(
      'rate_limit:per_minute',
    );
    // Another key has its own minute.
    expect((await send(url, '/api/analytics/overview', { key: 'kill-key' })).status).toBe(200);
  });

  it('sums the metrics of every worker at /metrics, whichever worker answers', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await send(url, '/metrics');
      expect(res.status).toBe(200);
      const m = parseExposition(res.body);
      // The 10 questions of the first test, wherever they were answered.
      expect(total(m, 'landuse_http_requests_total', { route: '/api/ask' })).toBe(10);
      expect(
        total(m, 'landuse_http_request_duration_seconds_bucket', { route: '/api/ask', le: '+Inf' }),
      ).toBe(10);
      expect(total(m, 'landuse_http_request_duration_seconds_count', { route: '/api/ask' })).toBe(
        10,
      );
      expect(total(m, 'landuse_rate_limit_refusals_total', { limit: 'per_minute' })).toBe(8);
      expect(total(m, 'landuse_cluster_workers')).toBe(2);
      expect(total(m, 'landuse_agent_pool_size')).toBe(8);
      const perWorker = m.filter((s) => s.name === 'landuse_cluster_worker_resident_memory_bytes');
      expect(perWorker).toHaveLength(2);
      // The memory of the largest worker (the alert is per process), not their sum.
      expect(total(m, 'process_resident_memory_bytes')).toBe(
        Math.max(...perWorker.map((s) => s.value)),
      );
      // One HELP and TYPE per metric: the workers' series are merged, not listed twice.
      expect(res.body.match(/^# TYPE landuse_http_requests_total /gm)).toHaveLength(1);
    }
  });

  it("shows the leader's alerts and history from every worker", async () => {
    // A few intervals: the leader has judged the alerts and written snapshots.
    await new Promise((r) => setTimeout(r, 3000));
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 4; i++) {
      const alerts = await send(url, '/api/alerts', { key: 'ops-key' });
      const history = await send(url, '/api/metrics/history?since=1h', { key: 'ops-key' });
      expect([alerts.status, history.status]).toEqual([200, 200]);
      expect((JSON.parse(alerts.body) as { evaluatedAt: string | null }).evaluatedAt).toEqual(
        expect.any(String),
      );
      expect((JSON.parse(history.body) as { points: unknown[] }).points.length).toBeGreaterThan(0);
      seen.add(alerts.worker);
      seen.add(history.worker);
    }
    expect(seen).toEqual(new Set(['1', '2']));
  });

  it('restarts a worker that is killed, and keeps answering meanwhile', async () => {
    const before = servingPids(out.text);
    const victim = before.get('1')!;
    const mark = out.text.length;
    process.kill(victim, 'SIGKILL');
    await out.wait(/worker 1 \(pid \d+\) killed by SIGKILL .*: restarting it/, 10_000, mark);
    // The other worker answers while the first one starts again.
    expect((await send(url, '/health')).status).toBe(200);
    await out.wait(/worker 1 \(pid \d+\) is serving/, 60_000, mark);
    const after = servingPids(out.text);
    expect(after.get('1')).not.toBe(victim);
    expect(after.get('2')).toBe(before.get('2'));
    const replies: Reply[] = [];
    for (let i = 0; i < 6; i++) {
      replies.push(await send(url, '/api/analytics/overview', { key: 'kill-key' }));
    }
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(new Set(replies.map((r) => r.worker))).toEqual(new Set(['1', '2']));
    const m = parseExposition((await send(url, '/metrics')).body);
    expect(total(m, 'landuse_cluster_worker_restarts_total')).toBe(1);
    expect(total(m, 'landuse_cluster_workers')).toBe(2);
  }, 90_000);

  it('on SIGTERM lets every in-flight request finish, then exits 0', async () => {
    // Requests in flight for sure: each sends its headers and half its body, and the rest only
    // after the signal.
    const body = JSON.stringify({ question: 'How much cropland will Georgia have in 2050?' });
    const half = Math.floor(body.length / 2);
    const inFlight = Array.from({ length: 6 }, () => {
      let finish: () => void = () => {};
      const reply = new Promise<Reply>((resolve, reject) => {
        const req = httpRequest(
          `${url}/api/ask`,
          {
            method: 'POST',
            agent: false,
            headers: {
              'x-api-key': 'drain-key',
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                worker: res.headers['x-landuse-worker'] as string | undefined,
                body: text,
              }),
            );
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, half));
        finish = () => req.end(body.slice(half));
      });
      return { reply, finish: () => finish() };
    });
    // Long enough for each connection to reach a worker and its request to start.
    await new Promise((r) => setTimeout(r, 1000));
    const signalled = performance.now();
    child.kill('SIGTERM');
    await out.wait(/SIGTERM: each worker finishes its in-flight requests/, 5000);
    await new Promise((r) => setTimeout(r, 500));
    for (const r of inFlight) r.finish();
    const replies = await Promise.all(inFlight.map((r) => r.reply));
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(new Set(replies.map((r) => r.worker))).toEqual(new Set(['1', '2']));
    expect((JSON.parse(replies[0]!.body) as { answer: unknown }).answer).toEqual(
      expect.any(String),
    );
    const { code } = await exited;
    expect(code).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(15_000);
    // Nothing listens any more.
    await expect(send(url, '/health')).rejects.toThrow(/ECONNREFUSED/);
  }, 30_000);
});

describe('landuse serve --workers: starting', () => {
  /** Runs the command to its end: exit code and stderr. */
  function run(args: string[], env: Record<string, string> = {}) {
    return new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/landuse.js', ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, LANDUSE_ENABLE_MEMORY: 'false', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.once('exit', (code) => resolve({ code, stderr }));
    });
  }

  it('stops with the error when the workers cannot start, instead of restarting them', async () => {
    const r = await run(['serve', '--workers', '2', '--port', '0', '--db', '/nonexistent.duckdb']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No database at /nonexistent.duckdb');
    expect(r.stderr).toMatch(
      /worker \d \(pid \d+\) exited with code 1 before the server was ready/,
    );
    expect(r.stderr).not.toContain('restarting');
  }, 30_000);

  it('refuses a bad worker count, on the command line or in LANDUSE_WORKERS', async () => {
    const flag = await run(['serve', '--workers', 'many']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(
      'expected a whole number of processes from 1 to 64, or auto (one per core), got "many"',
    );
    const env = await run(['serve'], { LANDUSE_WORKERS: '0' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('LANDUSE_WORKERS="0": expected a positive integer up to 64');
  }, 30_000);
});

describe('restarting a worker that died', () => {
  it('restarts at once after a stable run, backs off while it keeps dying, then gives up', () => {
    const quick = 1000;
    let state = { quickDeaths: 0, delayMs: 0 as number | null };
    const delays: (number | null)[] = [];
    for (let i = 0; i < 5; i++) {
      state = afterDeath(DEFAULT_RESTART, state.quickDeaths, quick);
      delays.push(state.delayMs);
    }
    expect(delays).toEqual([250, 500, 1000, 2000, null]);
    // A stable run starts the count again; the delay never passes the cap.
    expect(afterDeath(DEFAULT_RESTART, 3, 60_000)).toEqual({ quickDeaths: 0, delayMs: 0 });
    expect(afterDeath({ ...DEFAULT_RESTART, maxQuickDeaths: 100 }, 20, quick).delayMs).toBe(
      DEFAULT_RESTART.maxDelayMs,
    );
  });
});

describe('the limit store', () => {
  it('counts each key in fixed windows, and forgets the least recently used past its bound', async () => {
    let now = 0;
    const store = new MemoryLimitStore(2, () => now);
    expect(await store.incr('a', 1000)).toEqual({ count: 1, ttlMs: 1000 });
    now = 400;
    expect(await store.incr('a', 1000)).toEqual({ count: 2, ttlMs: 600 });
    expect(await store.incr('a', 1000, 0)).toEqual({ count: 2, ttlMs: 600 });
    now = 1000;
    expect(await store.incr('a', 1000)).toEqual({ count: 1, ttlMs: 1000 });
    await store.incr('b', 1000);
    await store.incr('a', 1000);
    // c pushes out b, the least recently counted; a stays.
    await store.incr('c', 1000);
    expect((await store.incr('b', 1000, 0)).count).toBe(0);
    expect((await store.incr('a', 1000, 0)).count).toBe(2);
  });

  it("a worker's request to the primary times out when nothing answers, and the answer finds its request by id", async () => {
    const sent: { id: number }[] = [];
    const listeners: ((m: unknown) => void)[] = [];
    const channel: Channel = {
      send: (m) => sent.push(m as { id: number }),
      on: (_event, listener) => listeners.push(listener),
    };
    const primary = new PrimaryClient(channel);
    const store = new ClusterLimitStore(primary, 50);
    const first = store.incr('k', 60_000);
    const second = store.incr('k', 60_000);
    // Answered out of order: each answer goes to the request with its id.
    for (const l of listeners) {
      l({ type: 'landuse:response', id: sent[1]!.id, value: { count: 2, ttlMs: 100 } });
    }
    await expect(second).resolves.toEqual({ count: 2, ttlMs: 100 });
    await expect(first).rejects.toThrow(/did not answer \(limit: no answer within 50 ms\)/);
    expect(primary.waiting).toBe(0);
  });

  it("waits for a model call's turn in the primary", async () => {
    const sent: { id: number; body: unknown }[] = [];
    const listeners: ((m: unknown) => void)[] = [];
    const primary = new PrimaryClient({
      send: (m) => sent.push(m as { id: number; body: unknown }),
      on: (_event, listener) => listeners.push(listener),
    });
    const limiter = primaryRateLimiter(primary, 50, 60);
    let granted = false;
    const turn = limiter.acquire().then(() => (granted = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(granted).toBe(false);
    expect(sent[0]!.body).toEqual({ op: 'model-call', calls: 50, windowSeconds: 60 });
    for (const l of listeners) l({ type: 'landuse:response', id: sent[0]!.id, value: null });
    await turn;
    expect(granted).toBe(true);
    const aborted = AbortSignal.abort();
    await expect(limiter.acquire(aborted)).rejects.toThrow();
  });

  it('lets requests through when the primary does not answer (fail open), and still checks keys', async () => {
    const hand = await openHandMade({ cache: true, poolSize: 2 });
    const checkpointer = createCheckpointer({ kind: 'memory' });
    const config = loadConfig({
      LANDUSE_DB_PATH: hand.db,
      LANDUSE_API_KEYS: 'good-key',
      LANDUSE_API_RATE_LIMIT: '1',
      LANDUSE_API_DAILY_QUOTA: '1',
      LANDUSE_AUTH_FAILURE_LIMIT: '1',
    });
    const deps = await openServerDeps(config, { service: hand.service, checkpointer });
    const silent: Channel = { send: () => {}, on: () => {} };
    const app = await buildApp(deps, {
      logger: false,
      limitStore: new ClusterLimitStore(new PrimaryClient(silent), 20),
    });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await app.inject({
          url: '/api/analytics/overview',
          headers: { 'x-api-key': 'good-key' },
        });
        expect(res.statusCode).toBe(200);
      }
      for (let i = 0; i < 2; i++) {
        const res = await app.inject({
          url: '/api/analytics/overview',
          headers: { 'x-api-key': 'bad-key' },
        });
        expect(res.statusCode).toBe(401);
      }
    } finally {
      await app.close();
      await deps.close();
      checkpointer.close();
      await hand.cleanup();
    }
  });
});
