/**
 * Free-form SQL under abuse, on the real app over the hand-made fixture: results bounded in bytes
 * as well as rows, statements that would make huge values refused before DuckDB builds them, a
 * flood of slow queries that leaves the dashboards a connection, and a user's SQL mistakes as
 * 400s with DuckDB's reason (exit 2 in the CLI), never a 500 naming our wrapper.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, expectNoInternals, type Body } from './server-helpers.ts';

type App = Awaited<ReturnType<typeof openTestApp>>;

const MiB = 2 ** 20;
const BIN = join(import.meta.dirname, '..', 'bin', 'landuse.js');

async function postSql(app: App['app'], sql: string, extra: Record<string, unknown> = {}) {
  const r = await app.inject({ method: 'POST', url: '/api/sql', payload: { sql, ...extra } });
  return {
    status: r.statusCode,
    body: r.json<Body & Record<string, unknown>>(),
    text: r.body,
    headers: r.headers,
  };
}

describe('free-form SQL limits', () => {
  let t: App;
  beforeAll(async () => {
    t = await openTestApp({ LANDUSE_MAX_RESULT_BYTES: '64KiB', LANDUSE_SQL_TIMEOUT: '1' });
  });
  afterAll(() => t.close());

  it('refuses four concurrent 500 MB repeat() statements without the process growing 1 GB, and the dashboard still answers', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      const [overview, ...sql] = await Promise.all([
        t.app.inject({ method: 'GET', url: '/api/analytics/overview' }),
        ...Array.from({ length: 4 }, () => postSql(t.app, "SELECT repeat('x', 500000000) AS s")),
      ]);
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(overview?.statusCode, overview?.body).toBe(200);
      for (const r of sql) {
        // Refused by the guard (400), or, if a slot was busy, told to come back (503).
        expect([400, 503], r.text).toContain(r.status);
        if (r.status === 400) expect(r.body.error.code).toBe('sql:too_large');
      }
    } finally {
      clearInterval(sampler);
    }
    expect(peak - before).toBeLessThan(1024 * MiB);
  });

  it('refuses generated values that multiply or hide their size', async () => {
    for (const sql of [
      "SELECT repeat(repeat('x', 1000), 1000) AS s",
      "SELECT lpad('x', 500000000::INTEGER, 'y') AS s",
      'SELECT range(1000000000) AS r',
      "SELECT printf('%500000000s', 'x') AS s",
      "SELECT repeat('x', 1000 * 1000) AS s",
    ]) {
      const r = await postSql(t.app, sql);
      expect(r.status, sql).toBe(400);
      expect(r.body.error.code, sql).toBe('sql:too_large');
    }
    // Small generated values are ordinary SQL.
    const ok = await postSql(t.app, "SELECT repeat('ab', 3) AS s, lpad('7', 3, '0') AS p");
    expect(ok.body.rows).toEqual([{ s: 'ababab', p: '007' }]);
  });

  it('stops reading at LANDUSE_MAX_RESULT_BYTES and says why', async () => {
    const r = await postSql(t.app, "SELECT range AS i, repeat('x', 9000) AS s FROM range(5000)", {
      limit: 1000,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.truncated).toBe(true);
    expect(r.body.truncatedReason).toBe('bytes');
    expect(String(r.body.notice)).toContain('LANDUSE_MAX_RESULT_BYTES');
    expect(r.body.rows.length).toBeGreaterThan(0);
    expect(r.text.length).toBeLessThan(64 * 1024 + 4096);
    // By rows: the reason is the row limit.
    const rows = await postSql(t.app, 'SELECT * FROM range(100)', { limit: 3 });
    expect(rows.body).toMatchObject({ truncated: true, truncatedReason: 'rows' });
    const whole = await postSql(t.app, 'SELECT 1 AS x');
    expect(whole.body).toMatchObject({ truncated: false, truncatedReason: null, notice: null });
  });

  it('cuts a value longer than 10,000 characters with a marker', async () => {
    const r = await postSql(t.app, "SELECT repeat('y', 50000) AS s");
    expect(r.status, r.text).toBe(200);
    const cell = String(r.body.rows[0]?.s);
    expect(cell.startsWith('y'.repeat(10_000))).toBe(true);
    expect(cell).toContain('[cut: 50,000 characters]');
    expect(String(r.body.notice)).toContain('cut');
  });

  it('keeps a connection for the dashboards while slow queries flood in, and times them out', async () => {
    // The fact table crossed with itself and a large range: many seconds of work, cut at 1 s.
    const slow =
      'SELECT count(*) AS n FROM fact_landuse_transitions a, fact_landuse_transitions b, range(1000000000) c WHERE a.acres + b.acres + c.range > -1';
    const flood = Array.from({ length: 6 }, () => postSql(t.app, slow));
    // Let the flood take its slots before the dashboard asks.
    await new Promise((r) => setTimeout(r, 100));
    const overview = await t.app.inject({
      method: 'GET',
      url: '/api/analytics/overview?scenario=HH',
    });
    expect(overview.statusCode, overview.body).toBe(200);
    for (const r of await Promise.all(flood)) {
      expect([503, 504], r.text).toContain(r.status);
      if (r.status === 503) expect(r.headers['retry-after']).toBeDefined();
      if (r.status === 504) expect(r.body.error.code).toBe('query:timeout');
    }
  });

  it.each([
    ['SELECT nonexistent FROM dim_geography', 'sql:binder', 'nonexistent'],
    ["SELECT 'a'::INTEGER", 'sql:conversion', "'a'"],
    ['SELECT * FROM range(1e12)', 'sql:binder', 'No function matches'],
    ["SELECT error('x')", 'sql:invalid_input', ': x'],
    ['SELECT 2147483647::INTEGER + 1', 'sql:out_of_range', 'Overflow'],
  ])('answers the mistake %s with 400 and DuckDB reason', async (sql, code, reason) => {
    const r = await postSql(t.app, sql);
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toContain(reason);
    expect(r.body.error.message).not.toMatch(/guarded_query|LINE \d|SET |\n/);
    expectNoInternals(r.text);
  });

  it('does not suggest settings the guard refuses in a parse error', async () => {
    const deep = `SELECT ${'abs('.repeat(1100)}1${')'.repeat(1100)} AS x`;
    const r = await postSql(t.app, deep);
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.code).toBe('sql:parse_error');
    expect(r.body.error.message).toContain('expression depth');
    expect(r.body.error.message).not.toMatch(/max_expression_depth|SET /);
  });

  it('exits 2 from landuse sql with a one-line reason for a SQL mistake', async () => {
    const run = promisify(execFile);
    const result = await run(process.execPath, [
      BIN,
      'sql',
      'SELECT nonexistent FROM dim_geography',
      '--db',
      t.db,
    ]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^Rejected: DuckDB could not run the query: .*nonexistent.*\n$/);
    expect(result.stderr).not.toContain('guarded_query');
  });
});
