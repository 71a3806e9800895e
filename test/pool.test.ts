import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalytics, createAnalyticsContext } from '../src/analytics/index.ts';
import { createMemoryCache } from '../src/cache/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { ConnectionPool } from '../src/data/pool.ts';
import { sql } from '../src/data/sql.ts';
import { HAND_MADE, quietEffects, sha256, tempDir } from './helpers.ts';

const SLOW = sql`SELECT count(*) AS n FROM range(100000000000) a`;

describe('the connection pool', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    db = join(dir, 'pool.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
  });
  afterAll(() => cleanup());

  const open = (o: Partial<Parameters<typeof ConnectionPool.open>[0]> = {}) =>
    ConnectionPool.open({
      path: db,
      size: 2,
      acquireTimeoutMs: 2000,
      queryTimeoutMs: 10_000,
      ...o,
    });

  it('interrupts a query slower than the timeout within a second of it', async () => {
    const pool = await open({ queryTimeoutMs: 300 });
    try {
      const started = performance.now();
      await expect(pool.query(SLOW)).rejects.toMatchObject({ code: 'query:timeout' });
      expect(performance.now() - started).toBeLessThan(1300);
      // The pool still answers afterwards.
      expect((await pool.query(sql`SELECT 42 AS x`)).rows).toEqual([{ x: 42 }]);
      expect(pool.stats().queryTimeouts).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('fails clearly when every connection stays busy, instead of hanging', async () => {
    const pool = await open({ size: 1, acquireTimeoutMs: 200, queryTimeoutMs: 1500 });
    try {
      const busy = pool.query(SLOW).catch((e: unknown) => e);
      const started = performance.now();
      await expect(pool.query(sql`SELECT 1`)).rejects.toMatchObject({
        code: 'pool:exhausted',
        message: expect.stringContaining('busy') as unknown,
      });
      expect(performance.now() - started).toBeLessThan(1000);
      await busy;
      expect(pool.stats().acquireTimeouts).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('hands waiting callers a connection as soon as one is free', async () => {
    const pool = await open({ size: 1 });
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => pool.query(sql`SELECT ${i} AS i`)),
      );
      expect(results.map((r) => r.rows[0]!.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(pool.stats()).toMatchObject({ open: 1, inUse: 0, waiting: 0 });
    } finally {
      await pool.close();
    }
  });

  it("never lets one caller's transaction or error reach the next caller", async () => {
    const pool = await open({ size: 1 });
    try {
      await expect(
        pool.query({ text: 'BEGIN TRANSACTION', params: [], types: [] }),
      ).rejects.toMatchObject({
        code: 'sql:not_select',
      });
      await expect(
        pool.query({ text: 'SELECT * FROM no_such_table', params: [], types: [] }),
      ).rejects.toThrow();
      // A fresh connection: no transaction is open, so this runs normally.
      const r = await pool.query(sql`SELECT count(*) AS n FROM dim_geography`);
      expect(r.rows).toEqual([{ n: 2 }]);
      expect(pool.stats().replaced).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it("reuses a prepared statement with each call's own parameters, also after a failure", async () => {
    const pool = await open({ size: 1 });
    const byState = (abbrev: string) =>
      pool.query(sql`SELECT count(*) AS n FROM dim_geography WHERE state_abbrev = ${abbrev}`);
    try {
      const counts = [];
      for (const s of ['AL', 'CA', 'TX', 'AL']) counts.push((await byState(s)).rows[0]);
      expect(counts).toEqual([{ n: 1 }, { n: 1 }, { n: 0 }, { n: 1 }]);
      // A failure replaces the connection; its statements go with it and are prepared anew.
      await expect(
        pool.query({ text: 'SELECT * FROM no_such_table', params: [], types: [] }),
      ).rejects.toThrow();
      expect((await byState('CA')).rows).toEqual([{ n: 1 }]);
      expect(pool.stats().replaced).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('opens the database read-only with no access to files', async () => {
    const before = await sha256(db);
    const pool = await open();
    try {
      await expect(pool.withConnection((c) => c.run('DELETE FROM dim_geography'))).rejects.toThrow(
        /read-only/i,
      );
      await expect(
        pool.withConnection((c) => c.run(`SELECT * FROM read_text('/etc/passwd')`)),
      ).rejects.toThrow(/disabled/i);
      await expect(pool.withConnection((c) => c.run(`SET threads = 1`))).rejects.toThrow(
        /configuration/i,
      );
    } finally {
      await pool.close();
    }
    expect(await sha256(db)).toBe(before);
  });

  it('serves repeated domain queries from the cache, and never across a reload', async () => {
    const cache = createMemoryCache({ maxBytes: 1 << 20, ttlMs: 60_000 });
    let pool = await open();
    const first = createAnalytics(await createAnalyticsContext({ pool, path: db, cache }));
    const a = await first.urbanExpansion({ states: ['AL'] });
    const b = await first.urbanExpansion({ states: ['Alabama'] });
    const c = await first.urbanExpansion({ states: ['AL'] });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    // a: result and SQL miss; b (another spelling): result miss, SQL hit; c: result hit.
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 3 });
    await pool.close();

    // Reload the database (atomic rename: a new file): the cache must not answer for it.
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    pool = await open();
    try {
      const second = createAnalytics(await createAnalyticsContext({ pool, path: db, cache }));
      await second.urbanExpansion({ states: ['AL'] });
      expect(cache.stats()).toMatchObject({ hits: 2, misses: 5 });
    } finally {
      await pool.close();
    }
  });
});
