import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoRawFile } from '../src/data/demo/index.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { readDatabaseInfo } from '../src/data/info.ts';
import { query, quietEffects, tempDir } from './helpers.ts';

const COUNTIES = 300;
const NATIONAL_ACRES = 1.67e9;

// A generated demo subset goes through the real loader into a real DuckDB file; the checks are
// the ones a user of the data would make, in SQL on the star schema.
describe(`a ${COUNTIES}-county demo subset, loaded`, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const raw = join(dir, 'demo.json');
    await writeDemoRawFile(raw, { seed: 7, counties: COUNTIES });
    db = join(dir, 'demo.duckdb');
    await runLoad({ input: raw, db }, quietEffects);
  });
  afterAll(() => cleanup());

  it('is recorded as demo data, with every scenario, period and run', async () => {
    const info = await readDatabaseInfo(db);
    expect(info.dataset).toBe('demo');
    expect(info.counties).toBe(COUNTIES);
    expect(info.runs).toBe(20);
    expect(info.scenarios).toEqual(['OVERALL', 'LM', 'HM', 'HL', 'HH']);
    expect(info.periods).toHaveLength(6);
    const regions = await query(db, 'SELECT DISTINCT rpa_region FROM dim_geography ORDER BY 1');
    expect(regions.map((r) => r.rpa_region)).toEqual([
      'North',
      'Pacific Coast',
      'Rocky Mountain',
      'South',
    ]);
  });

  it('never lets land leave urban', async () => {
    const [r] = await query(
      db,
      `SELECT (SELECT count(*) FROM fact_landuse_transitions_gcm WHERE from_landuse_id = 5 AND to_landuse_id <> 5)
            + (SELECT count(*) FROM fact_landuse_transitions WHERE from_landuse_id = 5 AND to_landuse_id <> 5) AS n`,
    );
    expect(r!.n).toBe(0);
  });

  it('conserves land between periods in every run and county', async () => {
    const [r] = await query(
      db,
      `WITH ends AS (SELECT climate_model_id, scenario_id, geography_id, to_landuse_id AS lu, t.end_year AS y, sum(acres) AS a
                     FROM fact_landuse_transitions_gcm JOIN dim_time t USING (time_id) GROUP BY ALL),
            starts AS (SELECT climate_model_id, scenario_id, geography_id, from_landuse_id AS lu, t.start_year AS y, sum(acres) AS a
                     FROM fact_landuse_transitions_gcm JOIN dim_time t USING (time_id) GROUP BY ALL)
       SELECT count(*) AS pairs, max(abs(coalesce(e.a, 0) - coalesce(s.a, 0))) AS worst
       FROM ends e FULL JOIN starts s USING (climate_model_id, scenario_id, geography_id, lu, y)
       WHERE y > 2012 AND y < 2070`,
    );
    // 20 runs x 300 counties x 5 uses x 5 inner boundaries, at most.
    expect(r!.pairs).toBeGreaterThan(20 * COUNTIES * 4 * 5);
    // Values are rounded to 0.001 hundred acres in the file: at most 5 x 0.05 acres apart.
    expect(r!.worst).toBeLessThan(1);
  });

  it('makes OVERALL the mean of the four pathways (each has five runs)', async () => {
    const [r] = await query(
      db,
      `SELECT max(abs(o.acres - p.mean)) AS worst FROM fact_landuse_transitions o
       JOIN (SELECT time_id, geography_id, from_landuse_id, to_landuse_id, sum(acres) / 4 AS mean
             FROM fact_landuse_transitions WHERE scenario_id <> 1 GROUP BY ALL) p
       USING (time_id, geography_id, from_landuse_id, to_landuse_id)
       WHERE o.scenario_id = 1`,
    );
    expect(r!.worst).toBeLessThan(1e-6);
  });

  it('orders urban expansion HH > HM > LM > HL, with spread across climate models', async () => {
    const rows = await query(
      db,
      `SELECT rpa_code, sum(acres) AS acres, sum(acres_max - acres_min) AS spread
       FROM v_landuse_changes WHERE to_landuse = 'Urban' AND start_year >= 2020 GROUP BY rpa_code`,
    );
    const by = new Map(rows.map((r) => [String(r.rpa_code), r]));
    const acres = (code: string) => Number(by.get(code)!.acres);
    expect(acres('HH')).toBeGreaterThan(acres('HM'));
    expect(acres('HM')).toBeGreaterThan(acres('LM'));
    expect(acres('LM')).toBeGreaterThan(acres('HL'));
    for (const code of ['LM', 'HM', 'HL', 'HH'])
      expect(Number(by.get(code)!.spread)).toBeGreaterThan(0);
  });

  it('stays inside the published calibration, scaled to the subset', async () => {
    const [r] = await query(
      db,
      `WITH tracked AS (SELECT sum(acres) AS a FROM v_land_area_by_year WHERE rpa_code = 'OVERALL' AND year = 2020),
            forest AS (SELECT sum(acres) FILTER (year = 2020) AS a2020, sum(acres) FILTER (year = 2070) AS a2070
                       FROM v_land_area_by_year WHERE rpa_code = 'OVERALL' AND landuse_code = 'fr'),
            urban AS (SELECT sum(acres) AS total, sum(acres) FILTER (from_landuse = 'Forest') AS from_forest
                      FROM v_default_transitions WHERE to_landuse = 'Urban' AND from_landuse <> 'Urban')
       SELECT tracked.a AS tracked, urban.total AS urban, urban.from_forest AS from_forest,
              forest.a2020 AS forest2020, forest.a2070 AS forest2070
       FROM tracked, forest, urban`,
    );
    const scale = Number(r!.tracked) / NATIONAL_ACRES;
    // About 41 (HL) to 57 (HH) million acres of new urban land nationally; OVERALL sits between.
    const urbanNational = Number(r!.urban) / scale;
    expect(urbanNational).toBeGreaterThan(30e6);
    expect(urbanNational).toBeLessThan(70e6);
    // About 46 % of new urban land comes from forest.
    const fromForest = Number(r!.from_forest) / Number(r!.urban);
    expect(fromForest).toBeGreaterThan(0.35);
    expect(fromForest).toBeLessThan(0.57);
    // Forest changes by -1.9 % to -3.7 %.
    const forestChange = Number(r!.forest2070) / Number(r!.forest2020) - 1;
    expect(forestChange).toBeLessThan(-0.01);
    expect(forestChange).toBeGreaterThan(-0.05);
  });
});
