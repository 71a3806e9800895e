/**
 * Database generations under one analytics service (real DuckDB files): work pinned to a
 * generation keeps reading it after a switch, new work reads the new one, the old pool closes
 * only when its last lease is released, and the stable ctx and analytics objects follow.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAnalytics, openGeneration } from '../src/analytics/open.ts';
import { loadConfig } from '../src/config/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { HAND_MADE, quietEffects, tempDir } from './helpers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('database generations', () => {
  it('keeps pinned work on the old file until its lease ends, then closes it', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const db = join(t.dir, 'landuse.duckdb');
    const a = (await runLoad({ input: HAND_MADE, db }, quietEffects)).buildId;
    const config = loadConfig({ LANDUSE_DB_PATH: db });
    const service = await openAnalytics(config, { cache: true, poolSize: 2 });
    cleanups.push(() => service.close());
    const { generations } = service;
    // The agent's tools keep these objects: they must follow the switch.
    const { ctx, analytics } = service;
    expect(ctx.fingerprint).toBe(`build:${a}`);
    const onA = await analytics.urbanExpansion({});

    const first = generations.serving();
    const lease = generations.lease();
    const b = (await runLoad({ input: HAND_MADE, db }, quietEffects)).buildId;
    const next = await openGeneration(config, { path: db, cache: service.cache, poolSize: 2 });
    const closed = generations.switchTo(next);
    let oldClosed = false;
    void closed.then(() => (oldClosed = true));

    // New work reads the new file (and its own cache keys); pinned work the old one.
    expect(ctx.fingerprint).toBe(`build:${b}`);
    expect(ctx.buildId).toBe(b);
    expect(service.pool).toBe(next.pool);
    const onB = await analytics.urbanExpansion({});
    expect(onB.rows).toEqual(onA.rows);
    await generations.run(lease.generation, async () => {
      expect(ctx.buildId).toBe(a);
      expect(service.pool).toBe(first.pool);
      // A query after the switch, on the old pool, still answers.
      const r = await service.pool.query({ text: 'SELECT 1 AS one', params: [], types: [] });
      expect(r.rows).toEqual([{ one: 1 }]);
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(oldClosed).toBe(false);
    expect(generations.draining()).toBe(1);

    lease.release();
    lease.release(); // idempotent
    await closed;
    expect(generations.draining()).toBe(0);
    await expect(
      first.pool.query({ text: 'SELECT 1', params: [], types: [] }),
    ).rejects.toMatchObject({ code: 'pool:closed' });
  });

  it('opens no generation for a missing file, and says so', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const db = join(t.dir, 'landuse.duckdb');
    await expect(
      openGeneration(loadConfig({ LANDUSE_DB_PATH: db }), { path: db, cache: undefined }),
    ).rejects.toMatchObject({ code: 'db:missing' });
  });
});
