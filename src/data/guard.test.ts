import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPTED, HOSTILE } from '../../test/fixtures/guard-corpus.ts';
import { HAND_MADE, quietEffects, sha256, tempDir } from '../../test/helpers.ts';
import { isAppError } from '../domain/index.ts';
import { openLandUseDatabase, type Database } from './db.ts';
import { runLoad } from './etl/load.ts';
import {
  createSqlGuard,
  EXPLORER_TABLES,
  MAX_SQL_LENGTH,
  wrapWithLimit,
  type GuardResult,
  type SqlGuard,
} from './guard.ts';

function accepted(result: GuardResult): string {
  if (!result.ok) throw new Error(`rejected (${result.code}): ${result.reason}`);
  return result.sql;
}

describe('wrapWithLimit', () => {
  it('selects from the query as a subquery and asks for one row more than the limit', () => {
    expect(wrapWithLimit('SELECT 1', 100)).toBe(
      'SELECT * FROM (SELECT 1) AS guarded_query LIMIT 101',
    );
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a limit of %s', (n) => {
    expect(() => wrapWithLimit('SELECT 1', n)).toThrow(/positive integer/);
  });
});

describe('the guard on its own', () => {
  let guard: SqlGuard;
  beforeAll(() => {
    guard = createSqlGuard();
  });
  afterAll(() => guard.close());

  it('allows the tables and the views of schema.ts', () => {
    expect(EXPLORER_TABLES).toContain('fact_landuse_transitions');
    expect(EXPLORER_TABLES).toContain('v_land_area_by_year');
    expect(EXPLORER_TABLES).toContain('agg_transitions_state');
    expect(EXPLORER_TABLES).toHaveLength(17);
  });

  it('has a corpus of at least 60 hostile and 20 legitimate statements', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(60);
    expect(ACCEPTED.length).toBeGreaterThanOrEqual(20);
    expect(HOSTILE.find((c) => c.code === 'sql:too_long')?.sql.length).toBeGreaterThan(
      MAX_SQL_LENGTH,
    );
  });

  it.each(HOSTILE)('rejects $why', async ({ sql, code }) => {
    const result = await guard.check(sql);
    expect(result).toMatchObject({ ok: false, code });
    if (result.ok) return;
    // One sentence on one line, for a person or an LLM to act on.
    expect(result.reason).not.toContain('\n');
    expect(result.reason).toMatch(/^\S.*\.$/);
  });

  it.each(ACCEPTED)('accepts $why', async ({ sql }) => {
    expect(accepted(await guard.check(sql))).not.toMatch(/;\s*$/);
  });

  it('names the function and what it does', async () => {
    expect(await guard.check("SELECT * FROM read_csv('x.csv')")).toEqual({
      ok: false,
      code: 'sql:table_function',
      reason:
        'read_csv reads files, which the explorer does not allow; the only table functions allowed are range, generate_series, unnest.',
    });
    const fn = await guard.check("SELECT current_setting('threads')");
    expect(fn.ok || fn.reason).toMatch(/^current_setting reads the session settings/);
  });

  it('names the statement kind that was refused', async () => {
    const reasons = await Promise.all(
      [
        'DROP TABLE dim_time',
        'UPDATE dim_time SET start_year = 0',
        'BEGIN',
        "COPY dim_time TO 'x'",
      ].map(async (sql) => {
        const result = await guard.check(sql);
        return result.ok ? 'accepted' : result.reason;
      }),
    );
    expect(reasons).toEqual([
      'DROP changes the schema; only one read-only query is allowed: SELECT, WITH, VALUES or set operations over the land use tables.',
      'UPDATE writes data; only one read-only query is allowed: SELECT, WITH, VALUES or set operations over the land use tables.',
      'BEGIN controls transactions; only one read-only query is allowed: SELECT, WITH, VALUES or set operations over the land use tables.',
      'COPY copies data to or from files; only one read-only query is allowed: SELECT, WITH, VALUES or set operations over the land use tables.',
    ]);
  });

  it("gives the parser's message and where it stopped", async () => {
    const result = await guard.check('SELECT *\nFROM dim_time\nWHER start_year = 2020');
    expect(result.ok || result.reason).toMatch(
      /^DuckDB could not parse the query: syntax error at or near "start_year" \(line 3, column 6\)/,
    );
  });

  it('says how many statements it found and what the limit is', async () => {
    const many = await guard.check('SELECT 1; SELECT 2; SELECT 3');
    expect(many.ok || many.reason).toMatch(/^Found 3 statements; send one read-only query: SELECT/);
    const pivot = await guard.check('PIVOT dim_scenario ON rpa_code USING count(*)');
    expect(pivot.ok || pivot.reason).toMatch(/^A PIVOT without an IN list runs as 2 statements/);
    const long = await guard.check(`SELECT '${'x'.repeat(MAX_SQL_LENGTH)}'`);
    expect(long.ok || long.reason).toMatch(/the limit is 20,000\.$/);
  });

  it('lists the tables when one is unknown', async () => {
    const result = await guard.check('SELECT * FROM counties');
    expect(result.ok || result.reason).toMatch(
      /^Unknown table counties; tables: dim_scenario, .*v_land_area_by_year\.$/,
    );
  });

  it('returns the statement as DuckDB regenerates it, without comments or semicolons', async () => {
    expect(accepted(await guard.check('/* hi */ select 1 as one; -- bye'))).toBe('SELECT 1 AS one');
    expect(accepted(await guard.check('-- DROP TABLE x\nSELECT count(*) FROM dim_time'))).toBe(
      'SELECT count_star() FROM dim_time',
    );
  });

  it('checks many queries at once on its one connection', async () => {
    const results = await Promise.all(ACCEPTED.map((c) => guard.check(c.sql)));
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('limits the tables to allowedTables', async () => {
    const narrow = createSqlGuard({ allowedTables: ['dim_time'] });
    try {
      accepted(await narrow.check('SELECT * FROM DIM_TIME'));
      expect(await narrow.check('SELECT * FROM dim_scenario')).toMatchObject({
        ok: false,
        code: 'sql:unknown_table',
        reason: 'Unknown table dim_scenario; tables: dim_time.',
      });
    } finally {
      narrow.close();
    }
  });

  it('can be closed before use, twice, and refuses to check afterwards', async () => {
    const unused = createSqlGuard();
    unused.close();
    unused.close();
    const used = createSqlGuard();
    accepted(await used.check('SELECT 1'));
    used.close();
    await expect(used.check('SELECT 1')).rejects.toSatisfy((e) =>
      isAppError(e, 'sql:guard_closed'),
    );
  });
});

describe('the guard in front of a real database', () => {
  let cleanup: () => Promise<void>;
  let path: string;
  let guard: SqlGuard;
  let db: Database | undefined;

  beforeAll(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    path = join(temp.dir, 'landuse.duckdb');
    await runLoad({ input: HAND_MADE, db: path }, quietEffects);
    guard = createSqlGuard();
  });
  afterAll(async () => {
    guard.close();
    db?.close();
    await cleanup();
  });

  it('leaves the database unchanged after every hostile statement', async () => {
    const before = await sha256(path);
    for (const { sql } of HOSTILE) {
      expect((await guard.check(sql)).ok).toBe(false);
    }
    expect(await sha256(path)).toBe(before);
  });

  it('runs every accepted query, normalized and wrapped, on the database opened read-only', async () => {
    db = await openLandUseDatabase(path);
    const connection = db.connection;
    for (const { sql, why } of ACCEPTED) {
      const wrapped = wrapWithLimit(accepted(await guard.check(sql)), 100);
      const reader = await connection.runAndReadAll(wrapped).catch((error: unknown) => {
        throw new Error(`${why}: ${wrapped}: ${String(error)}`);
      });
      expect(reader.currentRowCount, why).toBeLessThanOrEqual(101);
    }
  });

  it('reads a CTE named like an internal view as the CTE', async () => {
    db ??= await openLandUseDatabase(path);
    const sql = accepted(
      await guard.check('WITH duckdb_settings AS (SELECT 1 AS x) SELECT * FROM duckdb_settings'),
    );
    const reader = await db.connection.runAndReadAll(wrapWithLimit(sql, 10));
    expect(reader.getRowObjectsJson()).toEqual([{ x: 1 }]);
  });

  it('decides truncation by row count, whatever LIMIT or columns the query has', async () => {
    db ??= await openLandUseDatabase(path);
    const sql = accepted(
      await guard.check(
        'SELECT time_id, true AS limit_reached FROM dim_time ORDER BY time_id LIMIT 5',
      ),
    );
    const fetch = async (n: number) =>
      (await db!.connection.runAndReadAll(wrapWithLimit(sql, n))).getRowObjectsJson();
    const three = await fetch(3);
    expect(three).toHaveLength(4); // 3 shown + 1 that says "there is more"
    expect(three[0]).toEqual({ time_id: 1, limit_reached: true });
    expect(await fetch(10)).toHaveLength(5); // the query's own LIMIT: not truncated
    expect(await fetch(5)).toHaveLength(5); // exactly the limit: not truncated either
  });
});
