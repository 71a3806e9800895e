import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openLandUseDatabase } from '../src/data/db.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { readDatabaseInfo } from '../src/data/info.ts';
import { ROLLUP_TABLES, SCHEMA_VERSION } from '../src/data/schema.ts';
import { openAnalytics } from '../src/analytics/open.ts';
import { NO_ROLLUPS_NOTE } from '../src/analytics/queries/summary.ts';
import { loadConfig } from '../src/config/index.ts';
import { HAND_MADE, quietEffects, tempDir } from './helpers.ts';

describe('schema version', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup());

  it('refuses a database built for another schema version, and says to re-run load', async () => {
    const db = join(dir, 'old.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    const rw = await openDatabase(db);
    await rw.connection.run('UPDATE schema_version SET version = 0');
    rw.close();
    await expect(readDatabaseInfo(db)).rejects.toMatchObject({
      code: 'db:schema_version',
      message: expect.stringContaining('Re-run `landuse load') as unknown,
    });
  });

  it('refuses a database from a newer version of landuse', async () => {
    const db = join(dir, 'newer.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    const rw = await openDatabase(db);
    await rw.connection.run(`UPDATE schema_version SET version = ${SCHEMA_VERSION + 1}`);
    rw.close();
    await expect(openLandUseDatabase(db)).rejects.toMatchObject({ code: 'db:schema_version' });
  });

  it('reads a version-1 database (no rollups) from the fact tables, with the same answers', async () => {
    const current = join(dir, 'current.duckdb');
    const old = join(dir, 'v1.duckdb');
    await runLoad({ input: HAND_MADE, db: current }, quietEffects);
    await copyFile(current, old);
    const rw = await openDatabase(old);
    for (const t of ROLLUP_TABLES) await rw.connection.run(`DROP TABLE ${t}`);
    await rw.connection.run('UPDATE schema_version SET version = 1');
    rw.close();
    const info = await readDatabaseInfo(old);
    expect(info.tables).not.toHaveProperty('agg_transitions_state');
    expect(info.tables).toHaveProperty('fact_landuse_transitions', 72);
    const [a, b] = await Promise.all(
      [current, old].map((db) =>
        openAnalytics(loadConfig({ LANDUSE_DB_PATH: db }), { cache: false, poolSize: 1 }),
      ),
    );
    try {
      expect(a!.ctx.rollups).toBe(true);
      expect(b!.ctx.rollups).toBe(false);
      const ask = { states: ['South'], year_range: '2020-2030' };
      const [x, y] = [
        await a!.analytics.urbanExpansion(ask),
        await b!.analytics.urbanExpansion(ask),
      ];
      expect(x.sql).toContain('agg_transitions_state');
      expect(y.sql).toContain('fact_landuse_transitions');
      expect(y.rows).toEqual(x.rows);
      expect(y.figures.total_acres).toBeCloseTo(Number(x.figures.total_acres), 6);
      // The summary says why, and what to do.
      expect((await b!.analytics.dataSummary()).notes).toContain(NO_ROLLUPS_NOTE);
      expect((await a!.analytics.dataSummary()).notes).not.toContain(NO_ROLLUPS_NOTE);
    } finally {
      await a!.close();
      await b!.close();
    }
  });

  it('refuses a DuckDB file that is not a land use database', async () => {
    const db = join(dir, 'other.duckdb');
    const other = await openDatabase(db);
    await other.connection.run('CREATE TABLE t (x INTEGER)');
    other.close();
    await expect(openLandUseDatabase(db)).rejects.toMatchObject({
      code: 'db:schema_version',
      message: expect.stringContaining('schema version none') as unknown,
    });
  });
});
