import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type LoadResult } from '../src/data/etl/load.ts';
import { readDatabaseInfo } from '../src/data/info.ts';
import { HAND_MADE, query, quietEffects, tempDir } from './helpers.ts';

// Every expected figure below was worked out by hand from test/fixtures/hand-made.json:
// two runs (CNRM_CM5 under LM and HH), two periods, Autauga AL (01001) and Los Angeles CA
// (06037). The file holds hundreds of acres; the database holds acres.
describe('load of the hand-made raw file', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string;
  let result: LoadResult;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    db = join(dir, 'landuse.duckdb');
    result = await runLoad({ input: HAND_MADE, db }, quietEffects);
  });
  afterAll(() => cleanup());

  it('reports what it loaded', () => {
    expect(result.tables).toMatchObject({
      dim_scenario: 5,
      dim_climate_model: 5,
      dim_time: 6,
      dim_geography: 2,
      dim_landuse: 5,
      // Non-zero entries: Autauga 10 + 8 per run, Los Angeles 3 + 3 per run.
      fact_landuse_transitions_gcm: 48,
      // LM = run 1 (24), HH = run 2 (24), OVERALL = their union (24).
      fact_landuse_transitions: 72,
      schema_version: 1,
    });
    expect(result.scenarios).toEqual(['OVERALL', 'LM', 'HH']);
    expect(result.periods).toEqual(['2012-2020', '2020-2030']);
    expect(result.counties).toBe(2);
    expect(result.runs).toBe(2);
    // 2012 area: Autauga 52 + Los Angeles 15 hundred acres.
    expect(result.acresTracked).toBeCloseTo(6_700, 6);
    // 2 runs x 2 periods x 2 counties x 5 rows x 5 values.
    expect(result.values).toBe(200);
  });

  it('fills the dims from the vocabulary and the county geometry', async () => {
    const geo = await query(db, 'SELECT * FROM dim_geography ORDER BY fips_code');
    expect(geo).toMatchObject([
      {
        fips_code: '01001',
        county_name: 'Autauga',
        state_code: '01',
        state_name: 'Alabama',
        state_abbrev: 'AL',
        region: 'South',
        rpa_region: 'South',
        rpa_subregion: 'South Central',
      },
      {
        fips_code: '06037',
        county_name: 'Los Angeles',
        state_abbrev: 'CA',
        region: 'West',
        rpa_region: 'Pacific Coast',
        rpa_subregion: 'Pacific Southwest',
      },
    ]);
    // Autauga County is 604 square miles (about 386,600 acres) of land and water.
    expect(Number(geo[0]!.land_area_acres)).toBeGreaterThan(370_000);
    expect(Number(geo[0]!.land_area_acres)).toBeLessThan(400_000);
    const scenarios = await query(
      db,
      'SELECT rpa_code, scenario_name, rcp_scenario, ssp_scenario, gcm_count FROM dim_scenario ORDER BY scenario_id',
    );
    expect(scenarios).toEqual([
      {
        rpa_code: 'OVERALL',
        scenario_name: 'OVERALL',
        rcp_scenario: null,
        ssp_scenario: null,
        gcm_count: 2,
      },
      {
        rpa_code: 'LM',
        scenario_name: 'RCP45_SSP1',
        rcp_scenario: 'RCP45',
        ssp_scenario: 'SSP1',
        gcm_count: 1,
      },
      {
        rpa_code: 'HM',
        scenario_name: 'RCP85_SSP2',
        rcp_scenario: 'RCP85',
        ssp_scenario: 'SSP2',
        gcm_count: 0,
      },
      {
        rpa_code: 'HL',
        scenario_name: 'RCP85_SSP3',
        rcp_scenario: 'RCP85',
        ssp_scenario: 'SSP3',
        gcm_count: 0,
      },
      {
        rpa_code: 'HH',
        scenario_name: 'RCP85_SSP5',
        rcp_scenario: 'RCP85',
        ssp_scenario: 'SSP5',
        gcm_count: 1,
      },
    ]);
  });

  it('stores acres, and the ensemble mean with its spread over runs', async () => {
    const [row] = await query(
      db,
      `SELECT acres, acres_std_dev, acres_min, acres_max, transition_type FROM v_transitions_detailed
       WHERE rpa_code = 'OVERALL' AND year_range = '2020-2030' AND fips_code = '01001'
         AND from_landuse = 'Crop' AND to_landuse = 'Crop'`,
    );
    // Runs: 9 and 8 hundred acres -> mean 850, sample std dev sqrt(5000).
    expect(row!.acres).toBeCloseTo(850, 9);
    expect(row!.acres_std_dev).toBeCloseTo(Math.sqrt(5000), 9);
    expect(row!.acres_min).toBe(800);
    expect(row!.acres_max).toBe(900);
    expect(row!.transition_type).toBe('same');
  });

  it('keeps each run in the GCM table, zeros dropped', async () => {
    const rows = await query(
      db,
      `SELECT s.rpa_code, m.climate_model, f.acres FROM fact_landuse_transitions_gcm f
       JOIN dim_scenario s USING (scenario_id) JOIN dim_climate_model m USING (climate_model_id)
       JOIN dim_time t USING (time_id) JOIN dim_geography g USING (geography_id)
       WHERE t.year_range = '2020-2030' AND g.fips_code = '01001' AND f.from_landuse_id = 4 AND f.to_landuse_id = 5
       ORDER BY s.rpa_code`,
    );
    expect(rows).toEqual([
      { rpa_code: 'HH', climate_model: 'CNRM_CM5', acres: 400 },
      { rpa_code: 'LM', climate_model: 'CNRM_CM5', acres: 200 },
    ]);
    const zeros = await query(
      db,
      'SELECT count(*) AS n FROM fact_landuse_transitions_gcm WHERE acres <= 0',
    );
    expect(zeros[0]!.n).toBe(0);
  });

  it('answers urban expansion by hand: 2020-2030, OVERALL', async () => {
    const rows = await query(
      db,
      `SELECT fips_code, sum(acres) AS acres FROM v_default_transitions
       WHERE to_landuse = 'Urban' AND from_landuse <> 'Urban' GROUP BY fips_code ORDER BY fips_code`,
    );
    // Autauga: LM 1+1+2, HH 2+2+4 -> mean 6; Los Angeles: LM 1, HH 2 -> mean 1.5.
    expect(rows).toEqual([
      { fips_code: '01001', acres: 600 },
      { fips_code: '06037', acres: 150 },
    ]);
  });

  it('gives the area of each use at each period boundary', async () => {
    const rows = await query(
      db,
      `SELECT year, acres FROM v_land_area_by_year
       WHERE rpa_code = 'OVERALL' AND fips_code = '01001' AND landuse_code = 'fr' ORDER BY year`,
    );
    // Forest: 22 at the start, 21 at the end of 2012-2020, mean(19, 17) = 18 by 2030.
    expect(rows).toEqual([
      { year: 2012, acres: 2200 },
      { year: 2020, acres: 2100 },
      { year: 2030, acres: 1800 },
    ]);
  });

  it('records the dataset and schema version for info', async () => {
    const info = await readDatabaseInfo(db);
    expect(info).toMatchObject({ dataset: 'rpa', schemaVersion: 2, sourceFile: 'hand-made.json' });
    expect(info.fileBytes).toBeGreaterThan(0);
    expect(info.buildId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('builds the rollups: the facts summed per state and for the nation', async () => {
    // One county per state here, so each state's rows are its county's rows.
    expect(result.tables).toMatchObject({
      agg_transitions_state: 72,
      agg_transitions_gcm_state: 48,
    });
    expect(result.stageSeconds.rollups).toBeGreaterThanOrEqual(0);
    const [sums] = await query(
      db,
      `SELECT (SELECT sum(acres) FROM fact_landuse_transitions) AS facts,
              (SELECT sum(acres) FROM agg_transitions_state) AS state,
              (SELECT sum(acres) FROM agg_transitions_nation) AS nation,
              (SELECT sum(acres) FROM fact_landuse_transitions_gcm) AS gcm_facts,
              (SELECT sum(acres) FROM agg_transitions_gcm_nation) AS gcm_nation,
              (SELECT sum(fact_rows) FROM agg_transitions_nation) AS nation_rows,
              (SELECT sum(fact_rows) FROM agg_transitions_gcm_nation) AS gcm_rows`,
    );
    expect(Number(sums!.state)).toBeCloseTo(Number(sums!.facts), 6);
    expect(Number(sums!.nation)).toBeCloseTo(Number(sums!.facts), 6);
    expect(Number(sums!.gcm_nation)).toBeCloseTo(Number(sums!.gcm_facts), 6);
    expect(Number(sums!.nation_rows)).toBe(72);
    expect(Number(sums!.gcm_rows)).toBe(48);
    // The nation's urban expansion 2020-2030 (OVERALL), as the facts give it below.
    const [nation] = await query(
      db,
      `SELECT sum(acres) AS acres FROM agg_transitions_nation
       WHERE scenario_id = 1 AND time_id = 2 AND to_landuse_id = 5 AND from_landuse_id <> 5`,
    );
    const [facts] = await query(
      db,
      `SELECT sum(acres) AS acres FROM fact_landuse_transitions
       WHERE scenario_id = 1 AND time_id = 2 AND to_landuse_id = 5 AND from_landuse_id <> 5`,
    );
    expect(nation!.acres).toBeCloseTo(Number(facts!.acres), 6);
    const states = await query(
      db,
      `SELECT DISTINCT state_abbrev, state_name, region, rpa_region, rpa_subregion
       FROM agg_transitions_state ORDER BY state_abbrev`,
    );
    expect(states).toEqual([
      {
        state_abbrev: 'AL',
        state_name: 'Alabama',
        region: 'South',
        rpa_region: 'South',
        rpa_subregion: 'South Central',
      },
      {
        state_abbrev: 'CA',
        state_name: 'California',
        region: 'West',
        rpa_region: 'Pacific Coast',
        rpa_subregion: 'Pacific Southwest',
      },
    ]);
  });

  it('the input file is untouched by the load', async () => {
    const text = await readFile(HAND_MADE, 'utf8');
    expect(JSON.parse(text)).toHaveProperty('CNRM_CM5_rcp45_ssp1');
  });
});
