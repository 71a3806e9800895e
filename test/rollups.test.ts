import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAnalytics,
  QUERIES,
  type Analytics,
  type AnalyticsResult,
  type QueryName,
} from '../src/analytics/index.ts';
import { openAnalytics, type AnalyticsService } from '../src/analytics/open.ts';
import { NO_ROLLUPS_NOTE } from '../src/analytics/queries/summary.ts';
import { loadConfig } from '../src/config/index.ts';
import { writeDemoRawFile } from '../src/data/demo/index.ts';
import { openDatabase } from '../src/data/db.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { BREAKDOWNS, MEASURES } from '../src/analytics/plan.ts';
import { query, quietEffects, tempDir } from './helpers.ts';

// The rollups must never change an answer: every named query and a wide spread of query plans
// run twice, once as the compiler chooses (a rollup whenever no county is needed) and once with
// the rollups switched off (every statement on the county fact tables, as before they existed),
// and the two results must be the same: same columns, same rows in the same order, same figures,
// titles and notes, numbers equal within 1e-6 relative. Rows are rounded to cents before they
// are returned, so a value on a half-cent may round one cent apart: that much is allowed too.

type Case = { name: QueryName; input: Record<string, unknown>; county?: boolean };

/** The calls to compare, for the places a database holds. */
function cases(places: { state: string; pair: string[]; county: string }): Case[] {
  const { state, pair, county } = places;
  const geos: { input: Record<string, unknown>; county?: boolean }[] = [
    { input: {} },
    { input: { states: [state] } },
    { input: { states: pair } },
    { input: { states: ['South'] } },
    { input: { states: ['Midwest'] } },
    { input: { county }, county: true },
  ];
  const c = (name: QueryName, input: Record<string, unknown>, isCounty = false): Case => ({
    name,
    input,
    county: isCounty,
  });
  const named: Case[] = [
    ...geos.flatMap((g) => [
      c('landUseArea', g.input, g.county),
      c('landUseArea', { ...g.input, land_use: 'forest', year: 2035 }, g.county),
      c('transitions', g.input, g.county),
      c('transitions', { ...g.input, from_use: 'forest', year_range: '2020-2050' }, g.county),
      c('urbanExpansion', g.input, g.county),
      c('urbanExpansion', { ...g.input, scenario: 'HH', year_range: '2012-2070' }, g.county),
      c('forestChange', { ...g.input, scenario: 'LM' }, g.county),
      c('agriculturalChange', g.input, g.county),
      c('agriculturalChange', { ...g.input, land_use: 'pasture', year: 2040 }, g.county),
      c('timeSeries', g.input, g.county),
      c('timeSeries', { ...g.input, scenarios: ['LM', 'HH'], land_use: 'urban' }, g.county),
      c('climateModelSpread', { ...g.input, metric: 'urban_expansion', scenario: 'HH' }, g.county),
      c('climateModelSpread', { ...g.input, metric: 'forest_area', year: 2050 }, g.county),
    ]),
    ...geos
      .filter((g) => !g.county)
      .flatMap((g) => [
        c('landUseArea', { ...g.input, by_state: true }),
        c('scenarioComparison', { ...g.input, metric: 'forest_loss' }),
        c('scenarioComparison', { ...g.input, metric: 'urban_area', year: 2045 }),
        c('stateComparison', { ...g.input, metric: 'urban_expansion' }),
        c('stateComparison', { ...g.input, metric: 'forest_area', year: 2050, order: 'asc' }),
        c('stateComparison', { ...g.input, metric: 'forest_net', limit: 50 }),
        c('topCounties', { ...g.input, metric: 'urban_expansion' }, true),
        c('topCounties', { ...g.input, metric: 'crop_area', order: 'asc', limit: 5 }, true),
        c('mapValues', { ...g.input, metric: 'urban_expansion', level: 'state' }),
        c('mapValues', { ...g.input, metric: 'forest_change_pct', level: 'state' }),
        c('mapValues', { ...g.input, metric: 'crop_area', level: 'state', year: 2033 }),
        c('mapValues', { ...g.input, metric: 'urban_change_pct', level: 'county' }, true),
      ]),
    c('scenarioComparison', { county, metric: 'crop_area' }, true),
    c('countyDetail', { county }, true),
    c('dataSummary', {}),
  ];
  // Plans: every measure with every breakdown, on the nation and on a region, and a few pairs.
  const plans: Case[] = [];
  const uses = (m: string) =>
    m === 'flow'
      ? { from: ['forest'], to: ['urban'] }
      : m === 'urban_expansion'
        ? {}
        : { uses: ['forest'] };
  for (const measure of [...MEASURES, 'urban_expansion']) {
    for (const b of BREAKDOWNS) {
      for (const geo of [{}, { states: ['South'] }]) {
        plans.push(
          c('queryLandUse', { measure, ...uses(measure), ...geo, breakdown: [b] }, b === 'county'),
        );
      }
    }
  }
  const pairs: [string, string][] = [
    ['scenario', 'period'],
    ['climate_model', 'state'],
    ['scenario', 'climate_model'],
    ['state', 'land_use'],
    ['year', 'land_use'],
    ['from_use', 'to_use'],
    ['rpa_region', 'scenario'],
    ['census_region', 'period'],
    ['rpa_subregion', 'land_use'],
    ['county', 'scenario'],
  ];
  for (const breakdown of pairs) {
    const isCounty = breakdown.includes('county');
    plans.push(
      c('queryLandUse', { measure: 'change', uses: ['crop', 'pasture'], breakdown }, isCounty),
      c(
        'queryLandUse',
        { measure: 'area', years: { start: 2012 }, breakdown, states: pair },
        isCounty,
      ),
    );
  }
  plans.push(
    c('queryLandUse', { measure: 'flow', breakdown: ['from_use', 'to_use'], states: [state] }),
    c('queryLandUse', {
      measure: 'percent_change',
      uses: ['urban'],
      unit: 'percent',
      states: pair,
    }),
    c('queryLandUse', { measure: 'loss', uses: ['agricultural'], years: { end: 2050 } }),
    c('queryLandUse', {
      measure: 'urban_expansion',
      breakdown: ['state'],
      unit: 'share_of_total',
      within: ['South'],
      states: ['South'],
    }),
    c('queryLandUse', {
      measure: 'area',
      uses: ['urban'],
      breakdown: ['scenario'],
      unit: 'share_of_total',
      states: [state],
    }),
    c('queryLandUse', { measure: 'share', breakdown: ['land_use'], counties: [county] }, true),
    c('queryLandUse', {
      measure: 'gain',
      uses: ['natural'],
      breakdown: ['climate_model'],
      scenarios: ['OVERALL', 'HH'],
      states: pair,
    }),
    c('queryLandUse', {
      measure: 'area',
      uses: ['crop'],
      year: 2047,
      breakdown: ['climate_model'],
    }),
  );
  return [...named, ...plans];
}

/**
 * Two numbers equal within 1e-6 relative, or within `cents` hundredths: a row's value on a
 * half-cent may round one cent apart, and a figure summed from n rounded rows n cents.
 */
function close(a: number, b: number, cents: number): boolean {
  const diff = Math.abs(a - b);
  return diff <= 1e-6 * Math.max(Math.abs(a), Math.abs(b)) || diff <= cents * 0.01 + 1e-9;
}

/** Where two values differ (empty when they are the same), numbers compared by `close`. */
function differences(a: unknown, b: unknown, path: string, cents: number): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return close(a, b, cents) ? [] : [`${path}: ${a} <> ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: ${a.length} items <> ${b.length}`];
    return a.flatMap((x, i) => differences(x, b[i], `${path}[${i}]`, cents));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) =>
      differences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
        cents,
      ),
    );
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} <> ${JSON.stringify(b)}`];
}

/** What a result says, without the SQL that said it (which is what differs between the paths). */
function answer(r: AnalyticsResult) {
  const { sql, params, rows, notes, ...rest } = r;
  void sql;
  void params;
  return { rest, rows, notes: notes.filter((n) => n !== NO_ROLLUPS_NOTE) };
}

async function settle(
  run: () => Promise<AnalyticsResult>,
): Promise<{ ok: AnalyticsResult } | { error: string }> {
  try {
    return { ok: await run() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Runs every case on both paths and lists every difference, and every case whose SQL did not
 * read what it should (a rollup unless it needs counties; never a rollup with them switched off).
 */
async function compareAll(
  rollups: Analytics,
  facts: Analytics,
  list: Case[],
): Promise<{ differences: string[]; compared: number; errors: number }> {
  const found: string[] = [];
  let errors = 0;
  for (const c of list) {
    const label = `${c.name}(${JSON.stringify(c.input)})`;
    const [x, y] = [
      await settle(() => rollups[c.name](c.input as never)),
      await settle(() => facts[c.name](c.input as never)),
    ];
    if ('error' in x || 'error' in y) {
      errors += 1;
      // A plan both paths refuse is refused for the same reason.
      if (!('error' in x && 'error' in y) || x.error !== y.error) {
        found.push(
          `${label}: ${'error' in x ? x.error : 'ok'} <> ${'error' in y ? y.error : 'ok'}`,
        );
      }
      continue;
    }
    const rollupSql = /\bagg_transitions_/.test(x.ok.sql ?? '');
    if (rollupSql === Boolean(c.county)) {
      found.push(`${label}: read ${rollupSql ? 'a rollup' : 'the fact tables'}`);
    }
    if (/\bagg_transitions_/.test(y.ok.sql ?? '')) found.push(`${label}: facts read a rollup`);
    const rows = differences(answer(x.ok).rows, answer(y.ok).rows, 'rows', 1);
    const rest = differences(
      { ...answer(x.ok).rest, notes: answer(x.ok).notes },
      { ...answer(y.ok).rest, notes: answer(y.ok).notes },
      'result',
      x.ok.rows.length,
    );
    found.push(...[...rows, ...rest].slice(0, 5).map((d) => `${label}: ${d}`));
  }
  return { differences: found, compared: list.length, errors };
}

/** The places a database holds, picked from its counties (a subset has only some states). */
function placesOf(service: AnalyticsService) {
  const states = [...new Set(service.ctx.counties.map((c) => c.state))].sort();
  const inSouth = ['TX', 'GA', 'AL', 'NC', 'VA'].find((s) => states.includes(s)) ?? states[0]!;
  const others = states.filter((s) => s !== inSouth);
  return { state: inSouth, pair: others.slice(0, 2), county: service.ctx.counties[0]!.fips };
}

describe('every query on the rollups = on the fact tables: a 300-county demo subset', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string;
  let service: AnalyticsService;
  let list: Case[];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const raw = join(dir, 'demo.json');
    await writeDemoRawFile(raw, { seed: 11, counties: 300 });
    db = join(dir, 'demo.duckdb');
    await runLoad({ input: raw, db }, quietEffects);
    service = await openAnalytics(loadConfig({ LANDUSE_DB_PATH: db }), {
      cache: false,
      poolSize: 2,
    });
    list = cases(placesOf(service));
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    await cleanup();
  });

  it('builds the rollups at load, a few rows for many', async () => {
    expect(service.ctx.rollups).toBe(true);
    const [r] = await query(
      db,
      `SELECT (SELECT count(*) FROM agg_transitions_nation) AS nation,
              (SELECT count(*) FROM agg_transitions_state) AS state,
              (SELECT count(*) FROM fact_landuse_transitions) AS facts,
              (SELECT sum(fact_rows) FROM agg_transitions_nation) AS summed,
              (SELECT sum(fact_rows) FROM agg_transitions_gcm_state) AS gcm_summed,
              (SELECT count(*) FROM fact_landuse_transitions_gcm) AS gcm_facts`,
    );
    expect(Number(r!.summed)).toBe(r!.facts);
    expect(Number(r!.gcm_summed)).toBe(r!.gcm_facts);
    expect(Number(r!.state)).toBeLessThan(Number(r!.facts) / 5);
    expect(Number(r!.nation)).toBeLessThan(Number(r!.state));
  });

  it('covers every named query', () => {
    const names = new Set(list.map((c) => c.name));
    expect([...names].sort()).toEqual(Object.keys(QUERIES).sort());
  });

  it('gives the same answers on both paths', async () => {
    const facts = createAnalytics({ ...service.ctx, rollups: false });
    const r = await compareAll(service.analytics, facts, list);
    expect(r.differences).toEqual([]);
    expect(r.compared).toBeGreaterThan(250);
    // Some plans are refused (the same way on both paths), most are answered.
    expect(r.errors).toBeLessThan(r.compared / 4);
  }, 120_000);

  it('catches a rollup that lost a period', async () => {
    const broken = join(dir, 'broken.duckdb');
    await copyFile(db, broken);
    const rw = await openDatabase(broken);
    await rw.connection.run('DELETE FROM agg_transitions_state WHERE time_id = 6');
    await rw.connection.run('DELETE FROM agg_transitions_gcm_nation WHERE time_id = 6');
    rw.close();
    const other = await openAnalytics(loadConfig({ LANDUSE_DB_PATH: broken }), {
      cache: false,
      poolSize: 1,
    });
    try {
      const sample = list.filter((c) => ['urbanExpansion', 'climateModelSpread'].includes(c.name));
      const r = await compareAll(
        other.analytics,
        createAnalytics({ ...other.ctx, rollups: false }),
        sample,
      );
      expect(r.differences.some((d) => d.startsWith('urbanExpansion({"states"'))).toBe(true);
      expect(r.differences.some((d) => d.startsWith('climateModelSpread({"metric"'))).toBe(true);
    } finally {
      await other.close();
    }
  });
});

const DEMO = join(import.meta.dirname, '..', 'data', 'landuse.duckdb');

// The full demo database (all 3,108 counties), when one has been built with the rollups.
describe.skipIf(!existsSync(DEMO))(
  'every query on the rollups = on the fact tables: demo database',
  () => {
    let service: AnalyticsService;
    beforeAll(async () => {
      service = await openAnalytics(loadConfig({ LANDUSE_DB_PATH: DEMO }), {
        cache: false,
        poolSize: 2,
      });
    });
    afterAll(() => service?.close());

    it('gives the same answers on both paths', async (t) => {
      if (!service.ctx.rollups) t.skip(); // built before the rollups: `landuse load` rebuilds it
      const facts = createAnalytics({ ...service.ctx, rollups: false });
      const r = await compareAll(
        service.analytics,
        facts,
        cases({ state: 'TX', pair: ['IA', 'IL'], county: '12095' }),
      );
      expect(r.differences).toEqual([]);
    }, 300_000);
  },
);
