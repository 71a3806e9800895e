import type { DuckDBConnection } from '@duckdb/node-api';
import { CLIMATE_MODELS, LAND_USES, PERIODS, SCENARIOS, STATES } from '../../domain/index.ts';
import { DDL, SCHEMA_VERSION, VIEWS } from '../schema.ts';
import { insertValues } from './lookups.ts';

/** The raw file holds hundreds of acres; the database stores acres. */
export const ACRES_PER_FILE_UNIT = 100;

/** Creates the schema and fills the dims from the vocabulary and the counties in raw_rows. */
export async function buildDimensions(connection: DuckDBConnection): Promise<void> {
  await connection.run(DDL);
  await connection.run('INSERT INTO schema_version VALUES ($1, current_timestamp)', [
    SCHEMA_VERSION,
  ]);
  // gcm_count is the number of runs actually loaded for each scenario.
  await insertValues(
    connection,
    'dim_scenario',
    SCENARIOS.map((s) => [
      s.id,
      s.dbName,
      s.code,
      s.rcp,
      s.ssp,
      s.description,
      `${s.theme}: ${s.narrative}`,
      0,
    ]),
  );
  await connection.run(`
    UPDATE dim_scenario d SET gcm_count = n.runs
    FROM (SELECT k.scenario_id, count(DISTINCT r.run) AS runs
          FROM raw_rows r JOIN known_runs k USING (run) GROUP BY ALL
          UNION ALL SELECT 1, count(DISTINCT run) FROM raw_rows) n
    WHERE d.scenario_id = n.scenario_id`);
  await insertValues(
    connection,
    'dim_climate_model',
    CLIMATE_MODELS.map((m) => [m.id, m.name, m.nickname]),
  );
  await insertValues(
    connection,
    'dim_time',
    PERIODS.map((p) => [p.id, p.label, p.start, p.end, p.length]),
  );
  await insertValues(
    connection,
    'dim_landuse',
    LAND_USES.map((u) => [u.id, u.code, u.name, u.category]),
  );
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE known_states_full (state_code VARCHAR, state_name VARCHAR,
      state_abbrev VARCHAR, region VARCHAR, rpa_region VARCHAR, rpa_subregion VARCHAR)`);
  await insertValues(
    connection,
    'known_states_full',
    STATES.map((s) => [s.fips, s.name, s.abbrev, s.censusRegion, s.rpaRegion, s.rpaSubregion]),
  );
  // Counties the geometry does not know keep their FIPS as a name and no land area.
  await connection.run(`
    INSERT INTO dim_geography
    SELECT row_number() OVER (ORDER BY f.fips) AS geography_id, f.fips,
           coalesce(c.county_name, 'County ' || f.fips), s.state_code, s.state_name, s.state_abbrev,
           s.region, s.rpa_region, s.rpa_subregion, c.area_acres
    FROM (SELECT DISTINCT fips FROM raw_rows) f
    JOIN known_states_full s ON s.state_code = substr(f.fips, 1, 2)
    LEFT JOIN known_counties c USING (fips)
    ORDER BY f.fips`);
}

/**
 * Unpivots the raw rows to one row per (run, period, county, from, to) with surrogate keys and
 * acres, zeros included (they take part in the scenario means). Frees raw_rows.
 */
export async function unpivotRuns(connection: DuckDBConnection): Promise<void> {
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE gcm_long AS
    SELECT k.climate_model_id, k.scenario_id, p.time_id, g.geography_id,
           lf.landuse_id AS from_landuse_id, lt.landuse_id AS to_landuse_id,
           u.v * ${ACRES_PER_FILE_UNIT} AS acres
    FROM (UNPIVOT (SELECT run, period, fips, row_code, cr, ps, rg, fr, ur FROM raw_rows WHERE row_code <> 't2')
          ON cr, ps, rg, fr, ur INTO NAME to_code VALUE v) u
    JOIN known_runs k USING (run)
    JOIN known_periods p USING (period)
    JOIN dim_geography g ON g.fips_code = u.fips
    JOIN known_landuses lf ON lf.code = u.row_code
    JOIN known_landuses lt ON lt.code = u.to_code`);
  await connection.run('DROP TABLE raw_rows');
}

/** The 20 individual runs, acres > 0 only, sorted so scenario/period/county filters prune well. */
export async function insertGcmFacts(connection: DuckDBConnection): Promise<void> {
  await connection.run(`
    INSERT INTO fact_landuse_transitions_gcm
    SELECT climate_model_id, scenario_id, time_id, geography_id, from_landuse_id, to_landuse_id, acres,
           CASE WHEN from_landuse_id = to_landuse_id THEN 'same' ELSE 'change' END
    FROM gcm_long WHERE acres > 0
    `);
}

/**
 * The combined scenarios: mean, std dev, min and max over each pathway's runs, and OVERALL over
 * all runs. Zeros count in the means; stored rows keep acres > 0 only. Frees gcm_long; adds views.
 */
export async function insertCombinedFacts(connection: DuckDBConnection): Promise<void> {
  await connection.run(`
    INSERT INTO fact_landuse_transitions
    WITH combined AS (
      SELECT scenario_id, time_id, geography_id, from_landuse_id, to_landuse_id,
             avg(acres) AS acres, stddev_samp(acres) AS acres_std_dev, min(acres) AS acres_min, max(acres) AS acres_max
      FROM gcm_long GROUP BY ALL
      UNION ALL
      SELECT 1, time_id, geography_id, from_landuse_id, to_landuse_id,
             avg(acres), stddev_samp(acres), min(acres), max(acres)
      FROM gcm_long GROUP BY ALL)
    SELECT *, CASE WHEN from_landuse_id = to_landuse_id THEN 'same' ELSE 'change' END
    FROM combined WHERE acres > 0
    ORDER BY scenario_id, time_id, geography_id, from_landuse_id, to_landuse_id`);
  await connection.run('DROP TABLE gcm_long');
  await connection.run(VIEWS);
}
