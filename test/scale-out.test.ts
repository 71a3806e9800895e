/**
 * Several instances sharing one real Redis, as deploy/docker-compose.yml runs them: two
 * `landuse serve` processes on one database file, Debian's nginx in front with
 * deploy/nginx.conf itself. They share answers (a shared-level hit for an answer the other
 * computed), conversations, per-client limits and the cookie secret; a load test through nginx
 * loses no request while Redis is killed and restarted, or while one instance gets SIGTERM.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoRawFile } from '../src/data/demo/publish.ts';
import { runLoad } from '../src/data/etl/load.ts';
import type { LoadTestReport } from '../src/loadtest/index.ts';
import { quietEffects, tempDir } from './helpers.ts';
import { parseExposition, total } from './metrics-text.ts';
import { freePort, SKIP_REDIS, startRedis, type RedisServer } from './redis-server.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'landuse.js');
const run = promisify(execFile);
const NGINX_MISSING = spawnSync('sh', ['-c', 'command -v nginx']).status !== 0;
const CI = process.env.CI === 'true' || process.env.CI === '1';
const SKIP = SKIP_REDIS || (NGINX_MISSING && !CI);
if (NGINX_MISSING && !CI) {
  console.warn('skipping the scale-out tests: nginx is not on PATH (apt-get install nginx)');
}

interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
let db: string;
let redis: RedisServer;
const instances: Instance[] = [];

/** `landuse serve` on a free port with the shared Redis; resolves once it listens. */
async function startInstance(name: string, extra: Record<string, string> = {}): Promise<Instance> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      LANDUSE_HOST: '127.0.0.1',
      LANDUSE_REDIS_URL: redis.url,
      LANDUSE_THREADS_DB_PATH: join(tmp.dir, `${name}-threads.sqlite`),
      LANDUSE_LOG_LEVEL: 'warn',
      LANDUSE_API_RATE_LIMIT: '0',
      LANDUSE_API_DAILY_QUOTA: '0',
      LANDUSE_THREADS: '1',
      LANDUSE_TRUST_PROXY: '127.0.0.1',
      // One instance must carry the whole test load alone once the other is stopped.
      LANDUSE_MAX_EXPORTS: '4',
      ...extra,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not listen within 90 s:\n${log}`)),
      90_000,
    );
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`${name} exited with ${code}:\n${log}`)));
  });
  const instance = { name, url, child, log: () => log, exited };
  instances.push(instance);
  return instance;
}

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const r = await fetch(url, init);
  return { status: r.status, body: (await r.json()) as T };
}

/** POST /api/ask as an anonymous visitor: with `cookie`, the visitor it identifies. */
async function ask(
  base: string,
  body: { question: string; threadId?: string },
  cookie?: string,
): Promise<{ status: number; body: AskBody; cookie: string | undefined }> {
  const r = await fetch(`${base}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const issued = r.headers.get('set-cookie')?.split(';')[0];
  return { status: r.status, body: (await r.json()) as AskBody, cookie: issued ?? cookie };
}

interface AskBody {
  answer: string;
  threadId: string;
  metrics: { cache: Record<string, { hits: number; misses: number }> };
}

interface Health {
  status: string;
  checks: Record<string, { status: string; detail: string }>;
}

async function health(base: string): Promise<Health> {
  return (await json<Health>(`${base}/health`)).body;
}

/** Polls `check` every 200 ms until it returns true, or fails after `ms`. */
async function until(
  what: string | (() => string),
  check: () => Promise<boolean>,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
}

/** nginx with deploy/nginx.conf, its upstream and listen port pointed at loopback. */
async function startNginx(
  a: Instance,
  b: Instance,
): Promise<{ url: string; stop: () => void; log: () => string }> {
  const port = await freePort();
  const dir = join(tmp.dir, 'nginx');
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o777);
  const hostOf = (u: string) => new URL(u).host;
  let conf = await readFile(join(ROOT, 'deploy', 'nginx.conf'), 'utf8');
  conf = conf
    .replace('server app1:8000', `server ${hostOf(a.url)}`)
    .replace('server app2:8000', `server ${hostOf(b.url)}`)
    .replace('listen 8080;', `listen 127.0.0.1:${port};`)
    .replaceAll('/tmp/', `${dir}/`)
    // /dev/stderr cannot be opened on a pipe (a container's stderr can).
    .replace('error_log /dev/stderr warn;', 'error_log stderr warn;');
  expect(conf).toContain(hostOf(b.url));
  // As root (CI), nginx's workers would run as nobody, who cannot enter the temporary folder.
  if (process.getuid?.() === 0) conf = `user root;\n${conf}`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (c: Buffer) => (log += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  await until(
    () => `nginx to answer (${log})`,
    async () => (await fetch(`${url}/nginx-health`)).ok,
    10_000,
  );
  return {
    url,
    stop: () => child.kill('SIGTERM'),
    log: () =>
      log
        .split('\n')
        .filter((l) => !l.includes('connect() failed'))
        .join('\n')
        .slice(0, 4000),
  };
}

/** `landuse loadtest --url` for `seconds`: anonymous users, each with its cookie and thread. */
async function loadtest(url: string, seconds: number, users = 4): Promise<LoadTestReport> {
  const { stdout } = await run(
    process.execPath,
    [
      BIN,
      'loadtest',
      '--url',
      url,
      '--users',
      String(users),
      '--duration',
      String(seconds),
      '--mix',
      'realistic',
      '--json',
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH }, maxBuffer: 16 * 2 ** 20 },
  );
  return JSON.parse(stdout) as LoadTestReport;
}

function failures(report: LoadTestReport): { total: number; failed: number; errors: unknown } {
  const level = report.levels[0]!;
  return { total: level.requests.total, failed: level.requests.failed, errors: level.errors };
}

describe.skipIf(SKIP)('two instances sharing Redis', () => {
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    tmp = await tempDir();
    const raw = join(tmp.dir, 'demo.json');
    db = join(tmp.dir, 'demo.duckdb');
    await writeDemoRawFile(raw, { counties: 300 });
    await runLoad({ input: raw, db }, quietEffects);
    redis = await startRedis();
    [a, b] = await Promise.all([startInstance('a'), startInstance('b')]);
  }, 180_000);

  afterAll(async () => {
    for (const i of instances) i.child.kill('SIGKILL');
    await redis?.stop();
    await tmp?.cleanup();
  });

  it('both say Redis is healthy', async () => {
    for (const i of [a, b]) {
      const h = await health(i.url);
      expect(h.checks.redis?.status, i.log()).toBe('ok');
    }
  });

  it('serves on one instance the answer the other computed, from the shared level', async () => {
    const question = 'Which states gain the most urban land by 2070?';
    const first = await ask(a.url, { question });
    expect(first.status).toBe(200);
    // The store to Redis runs behind the answer: another visitor on B finds it within moments.
    let second: Awaited<ReturnType<typeof ask>> | undefined;
    await until(
      'a shared-level hit on b',
      async () => {
        second = await ask(b.url, { question });
        return (second.body.metrics.cache.l2?.hits ?? 0) > 0;
      },
      10_000,
    );
    expect(second!.body.answer).toBe(first.body.answer);
    expect(second!.body.threadId).not.toBe(first.body.threadId);
    const metrics = parseExposition(await (await fetch(`${b.url}/metrics`)).text());
    expect(total(metrics, 'landuse_cache_hits_total', { level: 'l2' })).toBeGreaterThan(0);
  });

  it("continues on one instance a conversation started on the other (the visitor's cookie valid on both), and lists and deletes it from either", async () => {
    const start = await ask(a.url, { question: 'How much forest does Georgia lose by 2070?' });
    expect(start.status).toBe(200);
    const { threadId } = start.body;
    const cookie = start.cookie!;
    expect(cookie).toMatch(/^landuse_owner=/);
    const follow = await ask(b.url, { question: 'and in Texas?', threadId }, cookie);
    expect(follow.status, JSON.stringify(follow.body)).toBe(200);
    expect(follow.body.answer).toMatch(/Texas/);
    const headers = { cookie };
    const seen = await json<{ messages: { role: string; content: string }[] }>(
      `${a.url}/api/threads/${threadId}`,
      { headers },
    );
    expect(seen.status).toBe(200);
    const questions = seen.body.messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(questions).toEqual(['How much forest does Georgia lose by 2070?', 'and in Texas?']);
    const listed = await json<{ threads: { threadId: string }[] }>(`${b.url}/api/threads`, {
      headers,
    });
    expect(listed.body.threads.map((t) => t.threadId)).toContain(threadId);
    // Another visitor sees nothing of it on either instance.
    for (const i of [a, b])
      expect((await fetch(`${i.url}/api/threads/${threadId}`)).status).toBe(404);
    const deleted = await fetch(`${b.url}/api/threads/${threadId}`, { method: 'DELETE', headers });
    expect(deleted.status).toBe(204);
    expect((await fetch(`${a.url}/api/threads/${threadId}`, { headers })).status).toBe(404);
  });

  it('loses no request through nginx while Redis is killed and restarted', async () => {
    const lb = await startNginx(a, b);
    try {
      const running = loadtest(lb.url, 24);
      await new Promise((r) => setTimeout(r, 5_000));
      await redis.kill();
      await until(
        'a to report Redis down',
        async () => (await health(a.url)).checks.redis?.status === 'degraded',
        10_000,
      );
      const down = await health(a.url);
      expect(down.status).toBe('degraded');
      expect(down.checks.redis?.detail).toMatch(/Redis unavailable/);
      await new Promise((r) => setTimeout(r, 5_000));
      await redis.restart();
      await until(
        'both to report Redis up again',
        async () =>
          (await health(a.url)).checks.redis?.status === 'ok' &&
          (await health(b.url)).checks.redis?.status === 'ok',
        15_000,
      );
      const report = await running;
      const f = failures(report);
      expect(f.failed, `${JSON.stringify(f.errors)}\n${lb.log()}`).toBe(0);
      expect(f.total).toBeGreaterThan(50);
      // The instances counted what they could not send (each scraped on its own).
      let missed = 0;
      for (const i of [a, b]) {
        const metrics = parseExposition(await (await fetch(`${i.url}/metrics`)).text());
        missed +=
          total(metrics, 'landuse_redis_errors_total', {}) +
          total(metrics, 'landuse_redis_skipped_total', {});
      }
      expect(missed).toBeGreaterThan(0);
    } finally {
      lb.stop();
    }
  }, 120_000);

  it('loses no request through nginx when one instance gets SIGTERM', async () => {
    const lb = await startNginx(a, b);
    try {
      const running = loadtest(lb.url, 14);
      await new Promise((r) => setTimeout(r, 5_000));
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      const report = await running;
      const f = failures(report);
      expect(f.failed, `${JSON.stringify(f.errors)}\n${lb.log()}`).toBe(0);
      expect(f.total).toBeGreaterThan(30);
      // A answers alone now, through the balancer.
      expect((await fetch(`${lb.url}/ready`)).status).toBe(200);
    } finally {
      lb.stop();
    }
  }, 120_000);
});
