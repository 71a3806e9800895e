import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analytics, AnalyticsResult, QueryPlanInput } from '../src/analytics/index.ts';
import type { AnalyticsService } from '../src/analytics/open.ts';
import { openHandMade } from './helpers.ts';

// Hand-computed from test/fixtures/hand-made.json (see analytics.test.ts): CNRM_CM5 runs LM and
// HH, periods 2012-2020 and 2020-2030, Autauga AL (01001) and Los Angeles CA (06037); file values
// are hundreds of acres, OVERALL is the mean of the two runs. Where a value is not worked out by
// hand, it is checked against SQL written here independently of the compiler.
describe('query plans on the hand-made database', () => {
  let service: AnalyticsService;
  let a: Analytics;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ service, cleanup } = await openHandMade());
    a = service.analytics;
  });
  afterAll(() => cleanup());

  const run = (plan: QueryPlanInput) => a.queryLandUse(plan);
  const one = async (plan: QueryPlanInput) => (await run(plan)).rows[0]!.acres;
  const pairs = (r: AnalyticsResult, key: string, value = 'acres') =>
    r.rows.map((x) => [x[key], x[value]]);
  /** Independent SQL: plain joins and sums, no compiler parts. */
  const direct = async (text: string) => {
    const q = await service.pool.query({ text, params: [], types: [] });
    return q.rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v)]),
      ),
    );
  };
  const FACTS = `fact_landuse_transitions f JOIN dim_time t USING (time_id)
                 JOIN dim_geography g USING (geography_id)`;

  describe('each measure', () => {
    it('area at a period boundary and of all land', async () => {
      expect(await one({ measure: 'area', uses: ['forest'], states: ['AL'], year: 2020 })).toBe(
        2100,
      );
      expect(await one({ measure: 'area', states: ['AL'], year: 2020 })).toBe(5200);
      expect(await one({ measure: 'area', uses: ['urban'], counties: ['06037'], year: 2012 })).toBe(
        1000,
      );
      // Default year: 2020, as for landUseArea.
      const r = await run({ measure: 'area', uses: ['crop'] });
      expect(r.years).toEqual({ start: 2020, end: 2020, kind: 'point' });
      expect(r.rows[0]!.acres).toBe(1000);
    });

    it('gain, loss and net change, and urban expansion as gain of urban', async () => {
      expect(await one({ measure: 'gain', uses: ['urban'] })).toBe(750);
      expect(await one({ measure: 'urban_expansion' })).toBe(750);
      expect(await one({ measure: 'loss', uses: ['forest'] })).toBe(300);
      expect(await one({ measure: 'change', uses: ['forest'] })).toBe(-300);
      expect(await one({ measure: 'change', uses: ['urban'] })).toBe(750);
      expect(
        await one({ measure: 'gain', uses: ['forest'], years: { start: 2012, end: 2020 } }),
      ).toBe(100);
      const [net] = await direct(`SELECT
          sum(acres) FILTER (WHERE to_landuse_id = 4 AND t.start_year = 2020)
            - sum(acres) FILTER (WHERE from_landuse_id = 4 AND t.start_year = 2020) AS net
        FROM ${FACTS} WHERE scenario_id = 1 AND t.start_year >= 2020`);
      expect(net!.net).toBe(-300);
    });

    it('flow between two named uses, and a group to anywhere else', async () => {
      expect(await one({ measure: 'flow', from: ['forest'], to: ['urban'] })).toBe(300);
      expect(
        await one({ measure: 'flow', from: ['crop'], to: ['pasture'], years: { start: 2012 } }),
      ).toBe(100);
      // Agricultural land leaving the group: crop->pasture stays inside it.
      expect(await one({ measure: 'flow', from: ['agricultural'], years: { start: 2012 } })).toBe(
        600,
      );
      // Named explicitly, a move inside the group is a flow like any other.
      expect(
        await one({
          measure: 'flow',
          from: ['crop'],
          to: ['agricultural'],
          years: { start: 2012 },
        }),
      ).toBe(100);
      const r = await run({ measure: 'flow', from: ['forest'], to: ['urban'] });
      expect(r.plan).toMatchObject({ measure: 'flow', from: ['forest'], to: ['urban'] });
    });

    it('share of all land and percent change', async () => {
      const share = await run({ measure: 'share', uses: ['urban'], year: 2030 });
      expect(share.rows[0]).toEqual({ acres: 2550, base_acres: 6700, percent: 38.06 });
      expect(share.units.percent).toBe('percent of all land');
      const pc = await run({ measure: 'percent_change', uses: ['forest'] });
      expect(pc.rows[0]).toMatchObject({ acres: -300, base_acres: 2100 });
      expect(Number(pc.rows[0]!.percent)).toBeCloseTo(-14.29, 2);
      // A gain in percent: of the uses' area at the start.
      const gain = await run({ measure: 'gain', uses: ['urban'], unit: 'percent' });
      expect(gain.rows[0]).toMatchObject({ acres: 750, base_acres: 1800 });
      expect(Number(gain.rows[0]!.percent)).toBeCloseTo(41.67, 2);
    });
  });

  describe('the agricultural group', () => {
    it('ignores moves inside the group', async () => {
      // 2012-2020: crop->urban 100, pasture->forest 100, pasture->urban 100 (crop->pasture 100 is
      // inside); 2020-2030: crop->urban 150, pasture->urban 150.
      expect(await one({ measure: 'loss', uses: ['agricultural'], years: { start: 2012 } })).toBe(
        600,
      );
      expect(await one({ measure: 'gain', uses: ['agricultural'], years: { start: 2012 } })).toBe(
        0,
      );
      expect(await one({ measure: 'loss', uses: ['crop', 'pasture'], states: ['AL'] })).toBe(300);
      expect(await one({ measure: 'loss', uses: ['crop'], years: { start: 2012 } })).toBe(350);
      // Crop 1200 -> 850 and pasture 1000 -> 750 (areas at 2012 and 2030).
      const r = await run({
        measure: 'change',
        uses: ['agricultural', 'crop', 'pasture'],
        breakdown: ['land_use'],
        years: { start: 2012 },
      });
      expect(pairs(r, 'land_use')).toEqual([
        ['pasture', -250],
        ['crop', -350],
        ['agricultural', -600],
      ]);
    });
  });

  describe('breakdowns', () => {
    it('state, with values from independent SQL', async () => {
      const r = await run({ measure: 'gain', uses: ['urban'], breakdown: ['state'] });
      expect(r.rows).toEqual([
        { state: 'AL', state_name: 'Alabama', acres: 600 },
        { state: 'CA', state_name: 'California', acres: 150 },
      ]);
      const expected =
        await direct(`SELECT g.state_abbrev AS state, sum(acres) AS acres FROM ${FACTS}
        WHERE scenario_id = 1 AND t.start_year >= 2020 AND to_landuse_id = 5 AND from_landuse_id <> 5
        GROUP BY 1 ORDER BY acres DESC`);
      expect(pairs(r, 'state')).toEqual(expected.map((x) => [x.state, x.acres]));
    });

    it('county within a state, and counties nationally', async () => {
      const r = await run({
        measure: 'gain',
        uses: ['urban'],
        states: ['AL'],
        breakdown: ['county'],
      });
      expect(r.rows).toEqual([{ fips: '01001', county: 'Autauga', state: 'AL', acres: 600 }]);
      const all = await run({
        measure: 'area',
        uses: ['forest'],
        year: 2030,
        breakdown: ['county'],
      });
      expect(pairs(all, 'fips')).toEqual([
        ['01001', 1800],
        ['06037', 0],
      ]);
      // A county named with its state's help, and a misspelling.
      expect(
        await one({ measure: 'gain', uses: ['urban'], states: ['CA'], counties: ['Los Angeles'] }),
      ).toBe(150);
      expect(await one({ measure: 'gain', uses: ['urban'], counties: ['Autuga, Alabama'] })).toBe(
        600,
      );
    });

    it('period, and "since 2012"', async () => {
      const r = await run({
        measure: 'gain',
        uses: ['urban'],
        breakdown: ['period'],
        years: { start: 2012 },
      });
      expect(pairs(r, 'period')).toEqual([
        ['2012-2020', 500],
        ['2020-2030', 750],
      ]);
      const since = await run({ measure: 'change', uses: ['forest'], years: { start: 2012 } });
      expect(since.years).toEqual({ start: 2012, end: 2030, kind: 'horizon' });
      expect(since.rows[0]!.acres).toBe(-400);
      expect(since.plan?.years).toEqual({ start: 2012, end: 2030 });
    });

    it('scenario: all five by default, absent ones noted', async () => {
      const r = await run({ measure: 'gain', uses: ['urban'], breakdown: ['scenario'] });
      expect(pairs(r, 'scenario')).toEqual([
        ['HH', 1000],
        ['OVERALL', 750],
        ['LM', 500],
      ]);
      expect(r.notes.join(' ')).toContain('no rows for HM, HL');
      const named = await run({
        measure: 'gain',
        uses: ['urban'],
        scenarios: ['taking the highway', 'LM'],
      });
      expect(named.plan?.breakdown).toEqual(['scenario']);
      expect(pairs(named, 'scenario')).toEqual([
        ['HH', 1000],
        ['LM', 500],
      ]);
    });

    it('climate model: OVERALL is the mean over the model’s pathways; with scenario, each run', async () => {
      const r = await run({ measure: 'gain', uses: ['urban'], breakdown: ['climate_model'] });
      expect(r.rows).toEqual([{ climate_model: 'CNRM_CM5', acres: 750 }]);
      expect(r.notes.join(' ')).toContain('mean over the pathways');
      const runs = await run({
        measure: 'gain',
        uses: ['urban'],
        breakdown: ['climate_model', 'scenario'],
        sort: 'asc',
      });
      expect(runs.rows).toEqual([
        { climate_model: 'CNRM_CM5', scenario: 'LM', acres: 500 },
        { climate_model: 'CNRM_CM5', scenario: 'HH', acres: 1000 },
      ]);
      const expected = await direct(`SELECT scenario_id, sum(acres) AS acres
        FROM fact_landuse_transitions_gcm f JOIN dim_time t USING (time_id)
        WHERE t.start_year >= 2020 AND to_landuse_id = 5 AND from_landuse_id <> 5 GROUP BY 1 ORDER BY 2`);
      expect(runs.rows.map((x) => x.acres)).toEqual(expected.map((x) => x.acres));
      const area = await run({
        measure: 'area',
        uses: ['forest'],
        year: 2030,
        breakdown: ['climate_model'],
        scenarios: ['HH'],
      });
      expect(area.rows).toEqual([{ climate_model: 'CNRM_CM5', acres: 1700 }]);
    });

    it('land use, with a year series', async () => {
      const r = await run({ measure: 'area', states: ['AL'], year: 2020, breakdown: ['land_use'] });
      expect(pairs(r, 'land_use')).toEqual([
        ['forest', 2100],
        ['crop', 1000],
        ['pasture', 900],
        ['urban', 700],
        ['rangeland', 500],
      ]);
      const series = await run({
        measure: 'area',
        uses: ['forest'],
        breakdown: ['year'],
        years: { start: 2012 },
      });
      expect(pairs(series, 'year')).toEqual([
        [2012, 2200],
        [2020, 2100],
        [2030, 1800],
      ]);
      expect(series.years).toEqual({ start: 2012, end: 2030, kind: 'series' });
    });

    it('from and to use', async () => {
      const from = await run({ measure: 'gain', uses: ['urban'], breakdown: ['from_use'] });
      expect(pairs(from, 'from_use')).toEqual([
        ['forest', 300],
        ['crop', 150],
        ['pasture', 150],
        ['rangeland', 150],
      ]);
      const to = await run({
        measure: 'loss',
        uses: ['crop'],
        breakdown: ['to_use'],
        years: { start: 2012 },
      });
      expect(pairs(to, 'to_use')).toEqual([
        ['urban', 250],
        ['pasture', 100],
      ]);
      const expected =
        await direct(`SELECT from_landuse_id AS f, to_landuse_id AS t, sum(acres) AS acres
        FROM ${FACTS} WHERE scenario_id = 1 AND t.start_year >= 2020 AND from_landuse_id <> to_landuse_id
        GROUP BY ALL ORDER BY acres DESC, f, t`);
      const flows = await run({ measure: 'flow', breakdown: ['from_use', 'to_use'] });
      expect(flows.rows.map((x) => x.acres)).toEqual(expected.map((x) => x.acres));
      expect(flows.rows[0]).toEqual({ from_use: 'forest', to_use: 'urban', acres: 300 });
    });

    it('RPA regions, subregions and Census regions, and regions as filters', async () => {
      const plan: QueryPlanInput = { measure: 'gain', uses: ['urban'] };
      expect(pairs(await run({ ...plan, breakdown: ['rpa_region'] }), 'rpa_region')).toEqual([
        ['South', 600],
        ['Pacific Coast', 150],
      ]);
      expect(pairs(await run({ ...plan, breakdown: ['rpa_subregion'] }), 'rpa_subregion')).toEqual([
        ['South Central', 600],
        ['Pacific Southwest', 150],
      ]);
      expect(pairs(await run({ ...plan, breakdown: ['census_region'] }), 'census_region')).toEqual([
        ['South', 600],
        ['West', 150],
      ]);
      expect(await one({ ...plan, states: ['Pacific Southwest'] })).toBe(150);
      expect(await one({ ...plan, states: ['census west'] })).toBe(150);
    });

    it('two breakdowns, sort ascending and a limit', async () => {
      const r = await run({
        measure: 'gain',
        uses: ['urban'],
        breakdown: ['state', 'period'],
        years: { start: 2012 },
      });
      expect(r.rows.map((x) => [x.state, x.period, x.acres])).toEqual([
        ['AL', '2012-2020', 400],
        ['AL', '2020-2030', 600],
        ['CA', '2012-2020', 100],
        ['CA', '2020-2030', 150],
      ]);
      const asc = await run({
        measure: 'gain',
        uses: ['urban'],
        breakdown: ['state'],
        sort: 'asc',
      });
      expect(pairs(asc, 'state')).toEqual([
        ['CA', 150],
        ['AL', 600],
      ]);
      const top = await run({
        measure: 'gain',
        uses: ['urban'],
        breakdown: ['from_use'],
        limit: 2,
      });
      expect(pairs(top, 'from_use')).toEqual([
        ['forest', 300],
        ['crop', 150],
      ]);
      const byUse = await run({
        measure: 'percent_change',
        breakdown: ['land_use'],
        sort: 'asc',
        limit: 1,
      });
      expect(byUse.rows[0]).toMatchObject({ land_use: 'pasture', acres: -150, base_acres: 900 });
    });
  });

  it('interpolates a year inside a period', async () => {
    const r = await run({ measure: 'area', uses: ['forest'], states: ['AL'], year: 2025 });
    expect(r.rows[0]!.acres).toBe(1950);
    expect(r.notes.join(' ')).toContain('interpolated');
    const share = await run({ measure: 'share', uses: ['urban'], states: ['AL'], year: 2025 });
    // Urban 700 -> 1300: 1000 of 5200 acres.
    expect(share.rows[0]).toEqual({ acres: 1000, base_acres: 5200, percent: 19.23 });
  });

  it('shares of a total: each place over the whole US, or over a named whole', async () => {
    const nation = await one({
      measure: 'gain',
      uses: ['urban'],
      years: { start: 2012, end: 2030 },
    });
    const al = await run({
      measure: 'gain',
      uses: ['urban'],
      states: ['AL'],
      years: { start: 2012, end: 2030 },
      unit: 'share_of_total',
    });
    const alAcres = await one({
      measure: 'gain',
      uses: ['urban'],
      states: ['AL'],
      years: { start: 2012, end: 2030 },
    });
    expect(al.rows[0]).toMatchObject({ acres: alAcres, base_acres: nation });
    expect(al.rows[0]!.percent).toBeCloseTo((100 * Number(alAcres)) / Number(nation), 1);
    expect(al.units.percent).toBe('percent of the total of the conterminous US');
    // By state, largest share first; the shares of the two states add up to 100.
    const byState = await run({
      measure: 'gain',
      uses: ['urban'],
      breakdown: ['state'],
      years: { start: 2012, end: 2030 },
      unit: 'share_of_total',
    });
    expect(byState.rows.reduce((s, x) => s + Number(x.percent), 0)).toBeCloseTo(100, 1);
    // A whole that is the place itself is 100 %.
    const whole = await run({
      measure: 'area',
      uses: ['urban'],
      states: ['CA'],
      within: ['CA'],
      year: 2020,
      unit: 'share_of_total',
    });
    expect(whole.rows[0]!.percent).toBe(100);
    await expect(run({ measure: 'area', uses: ['forest'], within: ['CA'] })).rejects.toThrow(
      /within/,
    );
  });

  it('"the 48 states" is every state but the District of Columbia', async () => {
    const r = await run({
      measure: 'area',
      uses: ['urban'],
      states: ['the 48 states'],
      year: 2020,
    });
    expect(r.geography.label).toBe('the 48 states (DC left out)');
    expect(r.geography.states).toHaveLength(48);
    expect(r.geography.states).not.toContain('DC');
    // The fixture holds no DC county: the same acres as the whole US.
    expect(r.rows[0]!.acres).toBe(await one({ measure: 'area', uses: ['urban'], year: 2020 }));
  });

  it('values are bound, and the result carries the plan it ran', async () => {
    const r = await run({ measure: 'gain', uses: ['urban'], states: ['TX'], scenarios: ['HH'] });
    expect(r.sql).not.toContain("'TX'");
    expect(r.params).toContain('TX');
    expect(r.plan).toEqual({
      measure: 'gain',
      uses: ['urban'],
      states: ['TX'],
      breakdown: [],
      years: { start: 2020, end: 2030 },
      scenarios: ['HH'],
      sort: 'desc',
      unit: 'acres',
    });
    expect(r.title).toContain('HH');
  });

  it('refuses what has no meaning, naming the field', async () => {
    await expect(run({ measure: 'gain' })).rejects.toMatchObject({
      code: 'bad_request:invalid_plan',
    });
    await expect(
      run({ measure: 'area', uses: ['forest'], breakdown: ['period'] }),
    ).rejects.toMatchObject({
      code: 'bad_request:invalid_plan',
      message: expect.stringContaining('use year') as unknown,
    });
    await expect(run({ measure: 'flow', uses: ['forest'] })).rejects.toMatchObject({
      code: 'bad_request:invalid_plan',
    });
    await expect(run({ measure: 'gain', uses: ['wetlands'] })).rejects.toMatchObject({
      code: 'bad_request:unknown_land_use',
    });
    await expect(
      run({ measure: 'gain', uses: ['urban'], states: ['Narnia'] }),
    ).rejects.toMatchObject({
      code: 'bad_request:unknown_state',
    });
    await expect(
      run({ measure: 'gain', uses: ['urban'], breakdown: ['state', 'county', 'period'] } as never),
    ).rejects.toMatchObject({ code: 'bad_request:invalid_params' });
    await expect(
      run({ measure: 'gain', uses: ['urban'], years: { start: 2021, end: 2025 } }),
    ).rejects.toMatchObject({
      code: 'bad_request:bad_years',
    });
  });
});
