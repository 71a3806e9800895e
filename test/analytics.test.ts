import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalytics, createAnalyticsContext, type Analytics } from '../src/analytics/index.ts';
import { createMemoryCache } from '../src/cache/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { ConnectionPool } from '../src/data/pool.ts';
import { HAND_MADE, quietEffects, tempDir } from './helpers.ts';

// Every expected value is worked out by hand from test/fixtures/hand-made.json (see
// load.test.ts): runs LM and HH of CNRM_CM5, periods 2012-2020 and 2020-2030, Autauga AL and
// Los Angeles CA; file values are hundreds of acres. OVERALL is the mean of the two runs.
describe('domain queries on the hand-made database', () => {
  let cleanup: () => Promise<void>;
  let pool: ConnectionPool;
  let a: Analytics;

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
    a = createAnalytics(
      await createAnalyticsContext({
        pool,
        path: db,
        cache: createMemoryCache({ maxBytes: 1 << 20, ttlMs: 60_000 }),
      }),
    );
  });
  afterAll(async () => {
    await pool.close();
    await cleanup();
  });

  it('urban expansion: total, sources, areas before and after', async () => {
    const r = await a.urbanExpansion({});
    // Autauga: cr 1.5 + ps 1.5 + fr 3 (means of LM and HH); Los Angeles: rg 1.5.
    expect(r.figures).toMatchObject({
      total_acres: 750,
      urban_area_start: 1800,
      urban_area_end: 2550,
      from_forest_pct: 40,
    });
    expect(r.rows).toEqual([
      { from_use: 'forest', acres: 300, share_pct: 40 },
      { from_use: 'crop', acres: 150, share_pct: 20 },
      { from_use: 'pasture', acres: 150, share_pct: 20 },
      { from_use: 'rangeland', acres: 150, share_pct: 20 },
    ]);
    expect(r.scenario).toEqual(['OVERALL']);
    expect(r.years).toEqual({ start: 2020, end: 2030, kind: 'horizon' });
    expect((await a.urbanExpansion({ scenario: 'LM' })).figures.total_acres).toBe(500);
    expect((await a.urbanExpansion({ scenario: 'taking the highway' })).figures.total_acres).toBe(
      1000,
    );
    expect((await a.urbanExpansion({ states: ['California'] })).figures.total_acres).toBe(150);
  });

  it('forest change: gain, loss, net and percent, and "since 2012"', async () => {
    const r = await a.forestChange({});
    expect(r.figures).toMatchObject({
      gain_acres: 0,
      loss_acres: 300,
      net_acres: -300,
      area_start: 2100,
      area_end: 1800,
    });
    expect(Number(r.figures.net_change_pct)).toBeCloseTo(-14.2857, 3);
    const early = await a.forestChange({ year_range: '2012-2020' });
    expect(early.figures).toMatchObject({
      gain_acres: 100,
      loss_acres: 200,
      net_acres: -100,
      area_start: 2200,
      area_end: 2100,
    });
    expect(early.rows).toContainEqual({
      land_use: 'pasture',
      gained_from: 100,
      lost_to: 0,
      net: 100,
    });
  });

  it('agricultural change: crop and pasture together', async () => {
    const r = await a.agriculturalChange({ states: ['AL'] });
    expect(r.figures).toMatchObject({
      loss_acres: 300,
      gain_acres: 0,
      net_acres: -300,
      area_start: 1900,
      area_end: 1600,
    });
    const crop = await a.agriculturalChange({ states: ['AL'], land_use: 'crop' });
    expect(crop.figures).toMatchObject({ loss_acres: 150, area_start: 1000, area_end: 850 });
  });

  it('land use area at a boundary, and interpolated inside a period', async () => {
    const r = await a.landUseArea({ states: ['AL'], year: 2020 });
    expect(r.rows.map((x) => [x.land_use, x.acres])).toEqual([
      ['crop', 1000],
      ['pasture', 900],
      ['rangeland', 500],
      ['forest', 2100],
      ['urban', 700],
    ]);
    expect(r.figures.total_acres).toBe(5200);
    const mid = await a.landUseArea({ states: ['AL'], land_use: 'forest', year: 2025 });
    expect(mid.rows[0]!.acres).toBe(1950);
    expect(mid.notes.join(' ')).toContain('interpolated');
    const la2012 = await a.landUseArea({ county: 'Los Angeles County, CA', year: 2012 });
    expect(
      la2012.rows.filter((x) => Number(x.acres) > 0).map((x) => [x.land_use, x.acres]),
    ).toEqual([
      ['rangeland', 500],
      ['urban', 1000],
    ]);
  });

  it('time series: area of each use at every boundary', async () => {
    const r = await a.timeSeries({ states: ['AL'] });
    expect(r.rows).toEqual([
      {
        scenario: 'OVERALL',
        year: 2012,
        crop: 1200,
        pasture: 1000,
        rangeland: 500,
        forest: 2200,
        urban: 300,
      },
      {
        scenario: 'OVERALL',
        year: 2020,
        crop: 1000,
        pasture: 900,
        rangeland: 500,
        forest: 2100,
        urban: 700,
      },
      {
        scenario: 'OVERALL',
        year: 2030,
        crop: 850,
        pasture: 750,
        rangeland: 500,
        forest: 1800,
        urban: 1300,
      },
    ]);
  });

  it('transitions, largest first', async () => {
    const r = await a.transitions({ states: ['AL'] });
    expect(r.rows[0]).toEqual({ from_use: 'forest', to_use: 'urban', acres: 300, share_pct: 50 });
    expect(r.rows).toHaveLength(3);
    const only = await a.transitions({
      from_use: 'forest',
      to_use: 'urban',
      year_range: '2012-2020',
    });
    expect(only.rows).toEqual([
      { from_use: 'forest', to_use: 'urban', acres: 200, share_pct: 100 },
    ]);
  });

  it('scenario comparison with the gap to the ensemble mean', async () => {
    const r = await a.scenarioComparison({ metric: 'urban_expansion' });
    expect(r.rows.map((x) => [x.scenario, x.value, x.vs_overall_pct])).toEqual([
      ['OVERALL', 750, null],
      ['LM', 500, -33.33],
      ['HM', 0, -100],
      ['HL', 0, -100],
      ['HH', 1000, 33.33],
    ]);
    const rcp85 = await a.scenarioComparison({ metric: 'urban_expansion', scenarios: ['RCP8.5'] });
    expect(rcp85.scenario).toEqual(['HM', 'HL', 'HH']);
  });

  it('state and county rankings', async () => {
    const s = await a.stateComparison({ metric: 'urban_expansion' });
    expect(s.rows).toEqual([
      { rank: 1, state: 'AL', state_name: 'Alabama', value: 600 },
      { rank: 2, state: 'CA', state_name: 'California', value: 150 },
    ]);
    const c = await a.topCounties({ metric: 'forest_area', year: 2030, limit: 1 });
    expect(c.rows).toEqual([
      { rank: 1, fips: '01001', county: 'Autauga', state: 'AL', value: 1800 },
    ]);
  });

  it('climate-model spread per run', async () => {
    const r = await a.climateModelSpread({ metric: 'urban_expansion' });
    expect(r.rows).toEqual([
      { scenario: 'LM', climate_model: 'CNRM_CM5', nickname: 'wet', value: 500 },
      { scenario: 'HH', climate_model: 'CNRM_CM5', nickname: 'wet', value: 1000 },
    ]);
    expect(r.figures).toMatchObject({ mean: 750, min: 500, max: 1000 });
  });

  it('county detail, found despite a misspelling', async () => {
    const r = await a.countyDetail({ county: 'Autuga, Alabama' });
    expect(r.figures).toMatchObject({
      fips: '01001',
      urban_expansion_acres: 600,
      forest_net_acres: -300,
    });
    expect(r.rows).toHaveLength(3);
  });

  it('data summary', async () => {
    const r = await a.dataSummary();
    expect(r.figures).toMatchObject({ dataset: 'rpa', counties: 2, acres_tracked: 6700 });
  });

  it('every result carries its SQL, bound parameters and the years used', async () => {
    const r = await a.urbanExpansion({ states: ['TX'], scenario: 'HH', year_range: '2020-2030' });
    expect(r.sql).toContain('$1');
    expect(r.sql).not.toContain("'TX'");
    expect(r.params).toContain('TX');
    expect(r.title).toContain('2020-2030');
    expect(r.title).toContain('HH');
  });

  it('unknown values are errors that list the choices, never a dropped filter', async () => {
    await expect(a.urbanExpansion({ states: ['Narnia'] })).rejects.toMatchObject({
      code: 'bad_request:unknown_state',
    });
    await expect(a.urbanExpansion({ scenario: 'RCP 8.5' })).rejects.toMatchObject({
      code: 'bad_request:ambiguous_scenario',
      message: expect.stringContaining('HM, HL, HH') as unknown,
    });
    await expect(a.urbanExpansion({ scenario: 'zzz' })).rejects.toMatchObject({
      code: 'bad_request:unknown_scenario',
      message: expect.stringContaining('LM (Lower-Moderate') as unknown,
    });
    await expect(a.urbanExpansion({ year_range: '2021-2025' })).rejects.toMatchObject({
      code: 'bad_request:bad_years',
    });
    await expect(a.landUseArea({ land_use: 'wetlands' })).rejects.toMatchObject({
      code: 'bad_request:unknown_land_use',
      message: expect.stringContaining('crop, pasture, rangeland, forest, urban') as unknown,
    });
    await expect(a.countyDetail({ county: 'Nowhere, CA' })).rejects.toMatchObject({
      code: 'bad_request:unknown_county',
    });
    await expect(
      a.stateComparison({ metric: 'happiness' } as unknown as Parameters<
        Analytics['stateComparison']
      >[0]),
    ).rejects.toMatchObject({
      code: 'bad_request:invalid_params',
      message: expect.stringContaining('metric') as unknown,
    });
  });
});
