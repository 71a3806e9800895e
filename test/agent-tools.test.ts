import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createAnalytics,
  createAnalyticsContext,
  type AnalyticsContext,
  type AnalyticsResult,
} from '../src/analytics/index.ts';
import {
  compactText,
  createTools,
  isAnalyticsResult,
  isSqlTable,
  TOOL_NAMES,
  type AgentTool,
  type ToolName,
  type ToolOutput,
} from '../src/agent/tools/index.ts';
import { createMemoryCache } from '../src/cache/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { createSqlGuard, type SqlGuard } from '../src/data/guard.ts';
import { ConnectionPool } from '../src/data/pool.ts';
import { HAND_MADE, quietEffects, tempDir } from './helpers.ts';

// Expected values are the hand-computed ones of analytics.test.ts (test/fixtures/hand-made.json:
// runs LM and HH of CNRM_CM5, periods 2012-2020 and 2020-2030, Autauga AL and Los Angeles CA).
describe('agent tools on the hand-made database', () => {
  let cleanup: () => Promise<void>;
  let pool: ConnectionPool;
  let guard: SqlGuard;
  let ctx: AnalyticsContext;
  let tools: AgentTool[];

  beforeAll(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    const db = join(t.dir, 'hand.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    pool = await ConnectionPool.open({
      path: db,
      size: 2,
      acquireTimeoutMs: 2000,
      queryTimeoutMs: 10_000,
    });
    ctx = await createAnalyticsContext({
      pool,
      path: db,
      cache: createMemoryCache({ maxBytes: 1 << 20, ttlMs: 60_000 }),
    });
    guard = createSqlGuard();
    tools = createTools({ analytics: createAnalytics(ctx), ctx, guard });
  });
  afterAll(async () => {
    guard.close();
    await pool.close();
    await cleanup();
  });

  const tool = (name: string): AgentTool => {
    const t = tools.find((x) => x.name === name);
    if (!t) throw new Error(`no tool ${name}`);
    return t;
  };
  const run = (name: ToolName, args: unknown = {}): Promise<ToolOutput> => tool(name).run(args);
  const analytic = (out: ToolOutput): AnalyticsResult => {
    if (!isAnalyticsResult(out.result)) throw new Error('expected a domain result');
    return out.result;
  };
  const figures = async (name: ToolName, args: unknown = {}) =>
    analytic(await run(name, args)).figures;

  it('has the thirteen domain tools (twelve named, one general), each with a short description and a JSON schema', () => {
    expect(tools.map((t) => t.name)).toEqual([...TOOL_NAMES]);
    for (const t of tools) {
      expect(t.description.length).toBeLessThan(160);
      const json = z.toJSONSchema(t.schema) as { type: string; additionalProperties?: unknown };
      expect(json.type).toBe('object');
      expect(json.additionalProperties).toBe(false);
    }
  });

  it('query_urban_expansion: total, scenario, state, and one source with the total kept', async () => {
    const out = await run('query_urban_expansion');
    expect(analytic(out).rows).toHaveLength(4);
    expect(out.rows).toBe(4);
    expect(out.name).toBe('query_urban_expansion');
    expect(out.durationMs).toBeGreaterThanOrEqual(0);
    expect(analytic(out).figures.total_acres).toBe(750);
    expect((await figures('query_urban_expansion', { scenario: 'LM' })).total_acres).toBe(500);
    expect((await figures('query_urban_expansion', { states: ['CA'] })).total_acres).toBe(150);
    const forest = analytic(await run('query_urban_expansion', { source_land_use: 'forest' }));
    expect(forest.rows).toEqual([{ from_use: 'forest', acres: 300, share_pct: 40 }]);
    expect(forest.figures).toMatchObject({
      source_land_use: 'forest',
      source_acres: 300,
      source_share_pct: 40,
      total_acres: 750,
    });
  });

  it('query_land_use_area: areas at a boundary and inside a period', async () => {
    const r = analytic(await run('query_land_use_area', { states: ['AL'], year: 2020 }));
    expect(r.figures.total_acres).toBe(5200);
    expect(r.rows.map((x) => [x.land_use, x.acres])).toContainEqual(['crop', 1000]);
    const mid = analytic(
      await run('query_land_use_area', { states: ['AL'], land_use: 'forest', year: 2025 }),
    );
    expect(mid.rows[0]!.acres).toBe(1950);
    const la = analytic(
      await run('query_land_use_area', { county: 'Los Angeles County, CA', year: 2012 }),
    );
    expect(la.rows.find((x) => x.land_use === 'urban')!.acres).toBe(1000);
  });

  it('query_land_use_transitions: largest first, and one from/to pair', async () => {
    const r = analytic(await run('query_land_use_transitions', { states: ['AL'] }));
    expect(r.rows[0]).toEqual({ from_use: 'forest', to_use: 'urban', acres: 300, share_pct: 50 });
    const only = analytic(
      await run('query_land_use_transitions', {
        from_use: 'forest',
        to_use: 'urban',
        year_range: '2012-2020',
      }),
    );
    expect(only.rows).toEqual([
      { from_use: 'forest', to_use: 'urban', acres: 200, share_pct: 100 },
    ]);
  });

  it('query_forest_change: net by default, the figure asked for leads', async () => {
    const net = analytic(await run('query_forest_change'));
    expect(net.figures).toMatchObject({ gain_acres: 0, loss_acres: 300, net_acres: -300 });
    expect(Object.keys(net.figures).slice(0, 2)).toEqual(['change_type', 'net_acres']);
    const loss = analytic(await run('query_forest_change', { change_type: 'loss' }));
    expect(Object.keys(loss.figures).slice(0, 2)).toEqual(['change_type', 'loss_acres']);
    expect(loss.figures.change_type).toBe('loss');
    const early = await figures('query_forest_change', {
      year_range: '2012-2020',
      change_type: 'gain',
    });
    expect(early).toMatchObject({ gain_acres: 100, loss_acres: 200, net_acres: -100 });
  });

  it('query_agricultural_change: agriculture, or crop via ag_type', async () => {
    expect(await figures('query_agricultural_change', { states: ['AL'] })).toMatchObject({
      loss_acres: 300,
      net_acres: -300,
      area_start: 1900,
      area_end: 1600,
    });
    expect(
      await figures('query_agricultural_change', { states: ['AL'], ag_type: 'crop' }),
    ).toMatchObject({ loss_acres: 150, area_start: 1000, area_end: 850 });
  });

  it('compare_scenarios: urban expansion by default, OVERALL 750, LM 500, HH 1000', async () => {
    const r = analytic(await run('compare_scenarios'));
    expect(r.figures.metric).toBe('urban_expansion');
    expect(r.rows.map((x) => [x.scenario, x.value])).toEqual([
      ['OVERALL', 750],
      ['LM', 500],
      ['HM', 0],
      ['HL', 0],
      ['HH', 1000],
    ]);
    const two = analytic(await run('compare_scenarios', { scenarios: ['LM', 'HH'] }));
    expect(two.scenario).toEqual(['LM', 'HH']);
  });

  it('compare_states: the urban_growth alias, and land_area with land_use', async () => {
    const r = analytic(await run('compare_states', { metric: 'urban_growth' }));
    expect(r.figures.metric).toBe('urban_expansion');
    expect(r.rows.map((x) => [x.state, x.value])).toEqual([
      ['AL', 600],
      ['CA', 150],
    ]);
    const crop = analytic(
      await run('compare_states', { metric: 'land_area', land_use: 'crop', year: 2020 }),
    );
    expect(crop.figures.metric).toBe('crop_area');
    expect(crop.rows[0]).toMatchObject({ state: 'AL', value: 1000 });
  });

  it('query_time_series: all uses, or the one a metric names', async () => {
    const all = analytic(await run('query_time_series', { states: ['AL'] }));
    expect(all.rows).toHaveLength(3);
    const forest = analytic(
      await run('query_time_series', { states: ['AL'], metric: 'forest_area' }),
    );
    expect(forest.columns).toEqual(['scenario', 'year', 'forest']);
    expect(forest.rows.map((x) => x.forest)).toEqual([2200, 2100, 1800]);
    const crop = analytic(
      await run('query_time_series', { states: ['AL'], metric: 'land_area', land_use: 'crop' }),
    );
    expect(crop.rows.map((x) => x.crop)).toEqual([1200, 1000, 850]);
  });

  it('query_by_county: county and state joined, and areas at a year', async () => {
    const r = analytic(await run('query_by_county', { county: 'Autauga', state: 'AL' }));
    expect(r.figures).toMatchObject({
      fips: '01001',
      urban_expansion_acres: 600,
      forest_net_acres: -300,
    });
    const la = analytic(await run('query_by_county', { county: 'Los Angeles', state: 'CA' }));
    expect(la.figures.fips).toBe('06037');
    const at = analytic(
      await run('query_by_county', { county: 'Autauga', state: 'AL', year: 2025 }),
    );
    expect(at.figures).toMatchObject({ at_year: 2025, forest_acres_at_year: 1950 });
  });

  it('query_top_counties and compare_climate_models', async () => {
    const top = analytic(
      await run('query_top_counties', { metric: 'forest_area', year: 2030, limit: 1 }),
    );
    expect(top.rows).toEqual([
      { rank: 1, fips: '01001', county: 'Autauga', state: 'AL', value: 1800 },
    ]);
    const growth = analytic(await run('query_top_counties', { metric: 'urban_growth' }));
    expect(growth.rows.map((x) => [x.county, x.value])).toEqual([
      ['Autauga', 600],
      ['Los Angeles', 150],
    ]);
    expect(await figures('compare_climate_models', { metric: 'urban_expansion' })).toMatchObject({
      mean: 750,
      min: 500,
      max: 1000,
    });
  });

  it('get_data_summary', async () => {
    expect(await figures('get_data_summary')).toMatchObject({
      dataset: 'rpa',
      counties: 2,
      acres_tracked: 6700,
    });
  });

  it('tidies the form of arguments: nulls, one state, numbers as text, aliases', async () => {
    const out = await run('query_urban_expansion', {
      state: 'CA',
      scenario: null,
      year: '2030',
    });
    expect(analytic(out).figures.total_acres).toBe(150);
    expect(out.args).toEqual({ states: ['CA'], year: 2030 });
    const area = analytic(
      await run('query_land_use_area', { states: 'AL', land_use: 'Cropland', year: 2020 }),
    );
    expect(area.rows).toEqual([
      { land_use: 'crop', acres: 1000, share_pct: expect.any(Number) as unknown },
    ]);
    expect(await figures('compare_states', { metric: 'Urban Growth' })).toMatchObject({
      metric: 'urban_expansion',
    });
    expect(
      analytic(await run('query_by_county', { county: 'Autauga', states: ['AL'] })).figures.fips,
    ).toBe('01001');
    expect(
      (await figures('query_urban_expansion', JSON.stringify({ scenario: 'HH' }))).total_acres,
    ).toBe(1000);
  });

  it('bad arguments are tool:bad_args naming the field and the valid values', async () => {
    const bad = (name: ToolName, args: unknown, ...parts: string[]) =>
      expect(run(name, args)).rejects.toMatchObject({
        code: 'tool:bad_args',
        message: expect.stringMatching(
          new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')),
        ) as unknown,
      });
    await bad(
      'compare_states',
      { metric: 'happiness' },
      'metric',
      'urban_expansion',
      'forest_area',
    );
    await bad('compare_states', {}, 'Missing metric', 'urban_expansion');
    await bad(
      'query_land_use_area',
      { land_use: 'wetlands' },
      'land_use',
      '"wetlands"',
      'crop, pasture, rangeland, forest, urban',
    );
    await bad('query_forest_change', { change_type: 'more' }, 'change_type', 'net, loss, gain');
    await bad('query_urban_expansion', { region: 'South' }, 'region', 'states');
    await bad('query_urban_expansion', { year: 'soon' }, 'year');
    await bad('compare_states', { metric: 'land_area' }, 'metric', 'land_use', 'crop_area');
    await bad(
      'query_time_series',
      { metric: 'forest_area', land_use: 'urban' },
      'land_use',
      'forest_area',
    );
    await bad('query_urban_expansion', { source_land_use: 'urban' }, 'source_land_use');
    // Values only the analytics layer can check come back the same way.
    await bad('query_urban_expansion', { states: ['Narnia'] }, 'states', 'Narnia');
    await bad('query_urban_expansion', { scenario: 'zzz' }, 'scenario', 'LM (Lower-Moderate');
    await bad('compare_scenarios', { scenarios: ['zzz'] }, 'scenarios', 'HH');
    await bad('query_forest_change', { year_range: '2021-2025' }, 'year_range');
    await bad('query_by_county', { county: 'Nowhere', state: 'CA' }, 'county', 'Nowhere');
    await bad('query_urban_expansion', 'not json', 'JSON object');
  });

  it('run_sql exists only when enabled, runs guarded SQL and refuses what the guard refuses', async () => {
    expect(tools.some((t) => t.name === 'run_sql')).toBe(false);
    const analytics = createAnalytics(ctx);
    expect(() => createTools({ analytics, ctx, enableSql: true })).toThrow(/guard/);
    const withSql = createTools({ analytics, ctx, guard, enableSql: true, maxRows: 5 });
    const sqlTool = withSql.find((t) => t.name === 'run_sql')!;
    expect(sqlTool).toBeDefined();
    const out = await sqlTool.run({
      sql: 'SELECT fips_code, county_name FROM dim_geography ORDER BY fips_code',
    });
    if (!isSqlTable(out.result)) throw new Error('expected a SQL table');
    expect(out.result.rows).toEqual([
      { fips_code: '01001', county_name: 'Autauga' },
      { fips_code: '06037', county_name: 'Los Angeles' },
    ]);
    expect(out.text).toContain('Autauga');
    const limited = await sqlTool.run({ sql: 'SELECT * FROM dim_time', limit: 1 });
    expect(limited.rows).toBe(1);
    expect(limited.text).toContain('limit of 1');
    const check = await guard.check('DROP TABLE x');
    expect(check.ok).toBe(false);
    const reason = check.ok ? '' : check.reason;
    await expect(sqlTool.run({ sql: 'DROP TABLE x' })).rejects.toMatchObject({ message: reason });
    await expect(sqlTool.run({})).rejects.toMatchObject({ code: 'tool:bad_args' });
  });

  it("run_sql keeps the explorer's byte bound and time limit", async () => {
    const analytics = createAnalytics(ctx);
    const bounded = createTools({
      analytics,
      ctx,
      guard,
      enableSql: true,
      sqlBounds: { maxBytes: 2000, timeoutMs: 200 },
    }).find((t) => t.name === 'run_sql')!;
    const big = await bounded.run({ sql: "SELECT i, repeat('x', 500) AS s FROM range(100) t(i)" });
    expect(isSqlTable(big.result) && big.result.truncated).toBe(true);
    expect(big.rows).toBeLessThan(10);
    await expect(
      bounded.run({ sql: 'SELECT count(*) FROM range(100000000000) a' }),
    ).rejects.toMatchObject({ code: 'query:timeout' });
  });

  it('compact text is short, states scenario and years, and never shows the SQL', async () => {
    const calls: [ToolName, unknown][] = [
      ['query_land_use_area', { states: ['AL'], year: 2025 }],
      ['query_land_use_transitions', {}],
      ['query_urban_expansion', { source_land_use: 'forest' }],
      ['query_forest_change', { change_type: 'loss' }],
      ['query_agricultural_change', {}],
      ['compare_scenarios', { metric: 'forest_loss' }],
      ['compare_states', { metric: 'urban_expansion' }],
      ['query_time_series', { scenarios: ['LM', 'HH', 'OVERALL'] }],
      ['query_by_county', { county: 'Autauga', state: 'AL', year: 2030 }],
      ['query_top_counties', { metric: 'urban_growth' }],
      ['compare_climate_models', { metric: 'forest_loss' }],
      ['get_data_summary', {}],
      ['query_land_use', { measure: 'loss', uses: ['forest'], breakdown: ['state'], sort: 'asc' }],
    ];
    expect(calls.map(([n]) => n).sort()).toEqual([...TOOL_NAMES].sort());
    for (const [name, args] of calls) {
      const out = await run(name, args);
      const r = analytic(out);
      const years =
        r.years.start === r.years.end ? `${r.years.start}` : `${r.years.start}-${r.years.end}`;
      expect(out.text, name).toBe(compactText(r));
      expect(out.text.length, name).toBeLessThan(1500);
      expect(out.text, name).toContain(r.scenario[0]!);
      expect(out.text, name).toContain(years);
      expect(out.text, name).not.toMatch(/select/i);
    }
  });
});

describe('compactText', () => {
  const base: AnalyticsResult = {
    title: 'Forest change in Texas, 2020-2050 (HH)',
    columns: ['land_use', 'gained_from', 'lost_to', 'share_pct'],
    rows: [],
    units: { gained_from: 'acres', lost_to: 'acres', share_pct: 'percent' },
    scenario: ['HH'],
    years: { start: 2020, end: 2050, kind: 'horizon' },
    geography: { label: 'Texas', level: 'states', states: ['TX'], counties: [] },
    figures: { net_acres: -1234567.89, net_change_pct: -3.456, year: 2050 },
    sql: 'SELECT 1',
    params: [],
    notes: ['Demo data: modelled values.'],
  };

  it('rounds acres to whole numbers with separators and percents to one decimal', () => {
    const text = compactText({
      ...base,
      rows: [
        { land_use: 'urban', gained_from: 0, lost_to: 1234567.89, share_pct: 45.678 },
        { land_use: 'crop', gained_from: 12.5, lost_to: null, share_pct: 4.3 },
      ],
    });
    expect(text).toContain('1,234,568');
    expect(text).toContain('45.7%');
    expect(text).toContain('net acres: -1,234,568');
    expect(text).toContain('net change pct: -3.5%');
    expect(text).toContain('year: 2050');
    expect(compactText({ ...base, figures: { acres_per_year: 12345.6 } })).toContain('12,346');
    expect(text).toContain('Scenario: HH');
    expect(text).toContain('2020-2050');
    expect(text).toContain('Note: Demo data');
    expect(text).not.toContain('SELECT');
    // Aligned: every table line has the same width up to its last column.
    const lines = text.split('\n').filter((l) => /^(land_use|urban|crop)/.test(l));
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('shows at most maxRows rows and says how many more there are', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      land_use: `use ${i}`,
      gained_from: i * 1000,
      lost_to: i,
      share_pct: i / 3,
    }));
    const text = compactText({ ...base, rows });
    expect(text).toContain('use 11');
    expect(text).not.toContain('use 12 ');
    expect(text).toContain('… 28 more rows');
    expect(compactText({ ...base, rows }, 5)).toContain('… 35 more rows');
  });

  it('drops rows rather than grow past its budget', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      land_use: `a rather long land use label number ${i} that goes on and on`,
      gained_from: i,
      lost_to: i,
      share_pct: i,
    }));
    expect(compactText({ ...base, rows }, 40).length).toBeLessThan(1500);
  });
});
