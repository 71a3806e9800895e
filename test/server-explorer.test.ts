/**
 * The SQL explorer routes in process over the hand-made fixture: guarded queries, refusals with
 * the guard's reason, the row ceiling, and the schema description (read once, then cached).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServerDeps } from '../src/server/index.ts';
import { EXAMPLE_QUERIES, MAX_SQL_CHARS } from '../src/server/routes/explorer.ts';
import { openTestApp, expectNoInternals, type Body } from './server-helpers.ts';

describe('POST /api/sql and GET /api/schema', () => {
  let app: FastifyInstance;
  let deps: ServerDeps;
  let close: () => Promise<void>;
  const runSql = async (payload: unknown) => {
    const r = await app.inject({ method: 'POST', url: '/api/sql', payload: payload as string });
    return { status: r.statusCode, body: r.json<Body>(), text: r.body };
  };
  beforeAll(async () => {
    ({ app, deps, close } = await openTestApp({
      LANDUSE_MAX_QUERY_ROWS: '5',
      LANDUSE_DEFAULT_DISPLAY_LIMIT: '5',
    }));
  });
  afterAll(() => close());

  it('runs a read-only query and returns columns, rows and timing', async () => {
    const r = await runSql({
      sql: `SELECT state_abbrev, sum(acres) AS new_urban FROM v_landuse_changes
            WHERE rpa_code = 'OVERALL' AND to_landuse = 'Urban' AND year_range = '2020-2030'
            GROUP BY 1 ORDER BY 1`,
    });
    expect(r.status).toBe(200);
    expect(r.body.columns).toEqual(['state_abbrev', 'new_urban']);
    expect(r.body.rows).toEqual([
      { state_abbrev: 'AL', new_urban: 600 },
      { state_abbrev: 'CA', new_urban: 150 },
    ]);
    expect(r.body.truncated).toBe(false);
    expect(typeof r.body.elapsedMs).toBe('number');
  });

  it('caps rows at the limit asked for and at LANDUSE_MAX_QUERY_ROWS', async () => {
    const two = await runSql({ sql: 'SELECT * FROM range(100)', limit: 2 });
    expect(two.body.rows).toHaveLength(2);
    expect(two.body.truncated).toBe(true);
    const many = await runSql({ sql: 'SELECT * FROM range(100)', limit: 50 });
    expect(many.body.rows).toHaveLength(deps.config.maxQueryRows);
    expect(many.body.truncated).toBe(true);
    // An inner LIMIT or a comment cannot lift the ceiling.
    const sneaky = await runSql({ sql: 'SELECT * FROM range(100) LIMIT 100 -- no limit' });
    expect(sneaky.body.rows).toHaveLength(5);
  });

  it('refuses hostile SQL with 400 and the reason', async () => {
    const hostile = [
      'DROP TABLE dim_landuse',
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM '/etc/passwd'",
      'SELECT 1; DROP TABLE dim_landuse',
      "COPY dim_landuse TO '/tmp/x.csv'",
      "ATTACH '/tmp/other.duckdb' AS other",
      "SELECT getenv('HOME')",
      'INSERT INTO dim_landuse VALUES (9, 9, 9, 9)',
      'SELECT * FROM sqlite_master_secret',
    ];
    for (const sql of hostile) {
      const r = await runSql({ sql });
      expect(r.status, sql).toBe(400);
      expect(r.body.error.code, sql).toMatch(/^sql:/);
      expect(r.body.error.message.length, sql).toBeGreaterThan(10);
      expectNoInternals(r.text);
    }
    const file = await runSql({ sql: "SELECT * FROM read_csv('/etc/passwd')" });
    expect(file.body.error.message).toMatch(/read_csv/);
    const drop = await runSql({ sql: 'DROP TABLE dim_landuse' });
    expect(drop.body.error.message).toMatch(/DROP/);
    // Still there.
    const check = await runSql({ sql: 'SELECT count(*) AS n FROM dim_landuse' });
    expect(check.body.rows).toEqual([{ n: 5 }]);
  });

  it('400 naming the field for a missing, too long or wrong-typed body', async () => {
    const cases: [unknown, string][] = [
      [{}, 'body.sql'],
      [{ sql: '' }, 'body.sql'],
      [{ sql: `SELECT 1 ${' '.repeat(MAX_SQL_CHARS)}` }, 'body.sql'],
      [{ sql: 'SELECT 1', limit: 'ten' }, 'body.limit'],
      [{ sql: 'SELECT 1', limit: 0 }, 'body.limit'],
    ];
    for (const [payload, field] of cases) {
      const r = await runSql(payload);
      expect(r.status, JSON.stringify(payload).slice(0, 40)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    const notJson = await app.inject({
      method: 'POST',
      url: '/api/sql',
      headers: { 'content-type': 'application/json' },
      payload: '{"sql": ',
    });
    expect(notJson.statusCode).toBe(400);
  });

  it('describes tables and views with columns, types, descriptions and row counts', async () => {
    const r = await app.inject('/api/schema');
    expect(r.statusCode).toBe(200);
    const body = r.json<Body>();
    expect(body.dataset).toBe('rpa');
    const tables = body.tables;
    const facts = tables.find((t) => t.name === 'fact_landuse_transitions');
    expect(facts).toMatchObject({ kind: 'table', rowCount: 72 });
    expect(facts?.description).toMatch(/Acres moving/);
    expect(facts?.columns).toContainEqual({ name: 'acres', type: 'DOUBLE', nullable: false });
    expect(tables.find((t) => t.name === 'dim_geography')?.rowCount).toBe(2);
    const view = tables.find((t) => t.name === 'v_land_area_by_year');
    expect(view).toMatchObject({ kind: 'view', rowCount: null });
    expect(view!.columns.map((c) => c.name)).toContain('landuse_name');
    expect(tables.every((t) => t.description && t.columns.length > 0)).toBe(true);
    expect(tables.map((t) => t.name)).not.toContain('raw_rows');
    expect(body.examples.length).toBeGreaterThanOrEqual(3);
  });

  it('every example query runs and returns rows', async () => {
    for (const example of EXAMPLE_QUERIES) {
      const r = await runSql({ sql: example.sql });
      expect(r.status, example.title).toBe(200);
      expect(r.body.rows.length, example.title).toBeGreaterThan(0);
    }
  });

  it('reads the schema once: later requests do not touch the database', async () => {
    await app.inject('/api/schema');
    const spy = vi.spyOn(deps.service.pool, 'query');
    try {
      const again = await app.inject('/api/schema');
      expect(again.statusCode).toBe(200);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
