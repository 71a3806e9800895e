/**
 * A database reload and a rollback under load, on a real server (startServer on 127.0.0.1) over
 * real DuckDB files: two demo datasets that differ in seed and county count. Eight clients ask
 * questions and read the dashboard while the file is replaced by `runLoad` and then rolled back:
 * no request fails, and every request that starts after a switch is answered from the new file
 * (the explorer's county count, the dashboard's figures, and answers, cached ones included). A
 * corrupt file renamed into place is refused and the old data keeps being served.
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointer } from '../src/agent/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { writeDemoRawFile } from '../src/data/demo/index.ts';
import { rollbackDatabase } from '../src/data/etl/generations.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { startServer, type RunningServer } from '../src/server/index.ts';
import { quietEffects, tempDir } from './helpers.ts';

type Json = Record<string, unknown>;
interface Health {
  status: string;
  checks: {
    database: {
      status: string;
      detail: string;
      dataset: string;
      loadedAt: string | null;
      buildId: string | null;
      lastReload: { outcome: string; reason?: string } | null;
      draining: number;
    };
  };
}
interface SqlBody {
  rows?: { n: number }[];
}

const A_COUNTIES = 40;
const B_COUNTIES = 70;

/** Questions the offline planner answers with figures from the data (so they differ by file). */
const QUESTIONS = [
  'How much urban expansion is projected nationally?',
  'How much forest is lost by 2070?',
  'Compare urban expansion across scenarios',
  'Which states have the most urban expansion?',
  'How much cropland is there in 2050?',
  'Where does new urban land come from?',
  'How does pasture change by 2070?',
  'Which counties gain the most urban land?',
];

let dir: string;
let cleanup: () => Promise<void>;
let rawA: string;
let rawB: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  rawA = join(dir, 'a.json');
  rawB = join(dir, 'b.json');
  await writeDemoRawFile(rawA, { counties: A_COUNTIES, seed: 11 });
  await writeDemoRawFile(rawB, { counties: B_COUNTIES, seed: 22 });
}, 120_000);
afterAll(() => cleanup());

async function serve(db: string): Promise<RunningServer> {
  const config = loadConfig({
    LANDUSE_DB_PATH: db,
    LANDUSE_PORT: '0',
    LANDUSE_HOST: '127.0.0.1',
    LANDUSE_API_RATE_LIMIT: '0',
    LANDUSE_API_DAILY_QUOTA: '0',
    LANDUSE_RELOAD_CHECK_SECONDS: '1',
    LANDUSE_POOL_SIZE: '4',
  });
  return startServer(config, {
    logger: false,
    checkpointer: createCheckpointer({ kind: 'memory' }),
  });
}

async function health(server: RunningServer): Promise<Health> {
  const res = await fetch(`${server.url}/health`);
  return (await res.json()) as Health;
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Polls /health until `ok` says yes (ten seconds at most). */
async function waitForHealth(server: RunningServer, ok: (h: Health) => boolean): Promise<Health> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const h = await health(server);
    if (ok(h)) return h;
    if (Date.now() > deadline) throw new Error(`health never matched: ${JSON.stringify(h)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Call {
  kind: 'ask' | 'overview' | 'sql' | 'timeseries';
  key: string;
  started: number;
  ended: number;
  status: number;
  /** What identifies the file that answered: an answer, a figure, a count. */
  value: string;
  error?: string;
}

/** One client: questions and dashboard reads in turn until `stop`. */
async function client(server: RunningServer, n: number, calls: Call[], stop: () => boolean) {
  for (let i = 0; !stop(); i++) {
    const started = performance.now();
    const record = (c: Omit<Call, 'started' | 'ended'>) =>
      calls.push({ ...c, started, ended: performance.now() });
    const step = (i + n) % 4;
    try {
      if (step === 0 || step === 2) {
        const question = QUESTIONS[(n + i) % QUESTIONS.length]!;
        const res = await postJson(`${server.url}/api/ask`, { question });
        const body = (await res.json()) as Json;
        record({ kind: 'ask', key: question, status: res.status, value: String(body.answer) });
      } else if (step === 1) {
        const res = await fetch(`${server.url}/api/analytics/overview`);
        const body = (await res.json()) as Json;
        record({
          kind: 'overview',
          key: 'overview',
          status: res.status,
          value: JSON.stringify(body.figures ?? body),
        });
      } else if (n === 0) {
        // One client only: the explorer allows one query at a time per client.
        const res = await postJson(`${server.url}/api/sql`, {
          sql: 'SELECT count(*) AS n FROM dim_geography',
        });
        const body = (await res.json()) as SqlBody;
        record({ kind: 'sql', key: 'sql', status: res.status, value: String(body.rows?.[0]?.n) });
      } else {
        const res = await fetch(`${server.url}/api/analytics/timeseries`);
        const body = (await res.json()) as Json;
        record({
          kind: 'timeseries',
          key: 'timeseries',
          status: res.status,
          value: JSON.stringify(body.rows),
        });
      }
    } catch (error) {
      record({ kind: 'ask', key: '?', status: 0, value: '', error: String(error) });
    }
  }
}

describe('data reloads on a running server', () => {
  it('switches to a new file and back (rollback) under load, failing no request', async () => {
    const db = join(dir, 'reload', 'landuse.duckdb');
    const a = (await runLoad({ input: rawA, db }, quietEffects)).buildId;
    const server = await serve(db);
    try {
      const start = await health(server);
      expect(start.checks.database).toMatchObject({ buildId: a, dataset: 'demo' });
      expect(start.checks.database.loadedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

      const calls: Call[] = [];
      let stopped = false;
      const clients = Array.from({ length: 8 }, (_, n) => client(server, n, calls, () => stopped));
      await new Promise((r) => setTimeout(r, 1500));

      // A new load while the clients run: the server switches to it.
      const reloadStarted = performance.now();
      const b = (await runLoad({ input: rawB, db }, quietEffects)).buildId;
      const onB = await waitForHealth(server, (h) => h.checks.database.buildId === b);
      const bSeen = performance.now();
      expect(onB.checks.database.lastReload).toMatchObject({ outcome: 'ok' });
      await new Promise((r) => setTimeout(r, 2500));

      // Then a rollback: back to the first file.
      const rollbackStarted = performance.now();
      await rollbackDatabase(db);
      await waitForHealth(server, (h) => h.checks.database.buildId === a);
      const aSeen = performance.now();
      await new Promise((r) => setTimeout(r, 2500));
      stopped = true;
      await Promise.all(clients);

      const failed = calls.filter((c) => c.status !== 200);
      expect(failed).toEqual([]);
      const phase = (from: number, to: number) =>
        calls.filter((c) => c.started >= from && c.ended <= to);
      const beforeReload = phase(0, reloadStarted);
      const onNew = phase(bSeen, rollbackStarted);
      const afterRollback = phase(aSeen, Infinity);
      for (const p of [beforeReload, onNew, afterRollback]) expect(p.length).toBeGreaterThan(20);

      // The explorer reads the file that is served.
      const counts = (p: Call[]) => new Set(p.filter((c) => c.kind === 'sql').map((c) => c.value));
      expect(counts(beforeReload)).toEqual(new Set([String(A_COUNTIES)]));
      expect(counts(onNew)).toEqual(new Set([String(B_COUNTIES)]));
      expect(counts(afterRollback)).toEqual(new Set([String(A_COUNTIES)]));

      // Every key answered one way per file, differently on the two files, and the same again
      // after the rollback: no answer, result or figure of the old file after a switch.
      const byKey = (p: Call[]) => {
        const m = new Map<string, Set<string>>();
        for (const c of p)
          m.set(`${c.kind}:${c.key}`, (m.get(`${c.kind}:${c.key}`) ?? new Set()).add(c.value));
        return m;
      };
      const [first, second, third] = [byKey(beforeReload), byKey(onNew), byKey(afterRollback)];
      let compared = 0;
      for (const [key, values] of second) {
        expect(values.size, key).toBe(1);
        const old = first.get(key);
        if (old) {
          expect(old.size, key).toBe(1);
          expect([...values][0], `${key} after the reload`).not.toBe([...old][0]);
          compared++;
        }
        const back = third.get(key);
        if (old && back) expect([...back], `${key} after the rollback`).toEqual([...old]);
      }
      expect(compared).toBeGreaterThan(4);
      const asked = [...second.keys()].filter((k) => k.startsWith('ask:') && first.has(k));
      expect(asked.length).toBeGreaterThan(2);

      // The old generations were drained and closed; both reloads were counted.
      const after = await waitForHealth(server, (h) => h.checks.database.draining === 0);
      expect(after.status).toBe('healthy');
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/landuse_db_reloads_total\{outcome="ok"\} 2/);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('refuses a corrupt file and keeps serving the old one, then takes a good one', async () => {
    const db = join(dir, 'corrupt', 'landuse.duckdb');
    const a = (await runLoad({ input: rawA, db }, quietEffects)).buildId;
    const server = await serve(db);
    try {
      const garbage = join(dir, 'corrupt', 'garbage.tmp');
      await writeFile(garbage, Buffer.alloc(1 << 20, 7));
      await rename(garbage, db);
      const refused = await waitForHealth(server, (h) => h.checks.database.status === 'degraded');
      expect(refused.status).toBe('degraded');
      expect(refused.checks.database.detail).toMatch(/cannot be served/);
      expect(refused.checks.database.lastReload).toMatchObject({ outcome: 'refused' });
      expect(refused.checks.database.buildId).toBe(a);

      const res = await postJson(`${server.url}/api/sql`, {
        sql: 'SELECT count(*) AS n FROM dim_geography',
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as SqlBody).rows?.[0]?.n).toBe(A_COUNTIES);
      const ask = await postJson(`${server.url}/api/ask`, { question: QUESTIONS[0] });
      expect(ask.status).toBe(200);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/landuse_db_reloads_total\{outcome="refused"\} 1/);

      // A good file afterwards is taken, and the health is back.
      const b = (await runLoad({ input: rawB, db }, quietEffects)).buildId;
      const healthy = await waitForHealth(server, (h) => h.checks.database.buildId === b);
      expect(healthy.checks.database.status).toBe('ok');
    } finally {
      await server.close();
    }
  }, 60_000);
});
