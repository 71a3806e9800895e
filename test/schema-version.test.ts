import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openLandUseDatabase } from '../src/data/db.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { readDatabaseInfo } from '../src/data/info.ts';
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
