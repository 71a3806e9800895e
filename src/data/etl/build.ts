import type { DuckDBConnection } from '@duckdb/node-api';
import { CLIMATE_MODELS, LAND_USES, PERIODS, SCENARIOS, STATES } from '../../domain/index.ts';
import { DDL, ROLLUPS, SCHEMA_VERSION, VIEWS } from '../schema.ts';
import { insertValues } from './lookups.ts';

/** The raw file holds hundreds of acres; the database stores acres. */
const ACRES_PER_FILE_UNIT = 100;

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

const CODES = ['cr', 'ps', 'rg', 'fr', 'ur'] as const;
/** `[x_cr, x_ps, ...]` in land-use id order (the order of LAND_USES, ids 1..5). */
const list = (f: (code: string) => string) => `[${CODES.map(f).join(', ')}]`;
const TO_IDS = `[${CODES.map((_, i) => i + 1).join(', ')}]`;

/**
 * Replaces the raw names by surrogate keys: one row per (run, period, county, from-use) with the
 * five to-use values still side by side. Both fact tables are built from this without ever
 * materialising the nine-million-row long form. Frees raw_rows.
 */
export async function keyRuns(connection: DuckDBConnection): Promise<void> {
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE raw_keyed AS
    SELECT k.climate_model_id, k.scenario_id, p.time_id, g.geography_id, lf.landuse_id AS from_landuse_id,
           r.cr, r.ps, r.rg, r.fr, r.ur
    FROM raw_rows r
    JOIN known_runs k USING (run)
    JOIN known_periods p USING (period)
    JOIN dim_geography g ON g.fips_code = r.fips
    JOIN known_landuses lf ON lf.code = r.row_code`);
  await connection.run('DROP TABLE raw_rows');
}

/** The 20 individual runs, in acres, acres > 0 only. */
export async function insertGcmFacts(connection: DuckDBConnection): Promise<void> {
  await connection.run(`
    INSERT INTO fact_landuse_transitions_gcm
    SELECT climate_model_id, scenario_id, time_id, geography_id, from_landuse_id, to_landuse_id, acres,
           CASE WHEN from_landuse_id = to_landuse_id THEN 'same' ELSE 'change' END
    FROM (SELECT climate_model_id, scenario_id, time_id, geography_id, from_landuse_id,
                 unnest(${TO_IDS}) AS to_landuse_id,
                 unnest(${list((c) => c)}) * ${ACRES_PER_FILE_UNIT} AS acres
          FROM raw_keyed)
    WHERE acres > 0`);
}

/**
 * The combined scenarios: mean, std dev, min and max over each pathway's runs, and OVERALL over
 * all runs, aggregated side by side and unpivoted after. Zeros count in the means; stored rows
 * keep acres > 0, sorted so scenario/period/county filters prune well. Frees raw_keyed; adds views.
 */
export async function insertCombinedFacts(connection: DuckDBConnection): Promise<void> {
  const stats = CODES.map(
    (c) =>
      `avg(${c}) AS a_${c}, stddev_samp(${c}) AS s_${c}, min(${c}) AS n_${c}, max(${c}) AS x_${c}`,
  ).join(', ');
  await connection.run(`
    INSERT INTO fact_landuse_transitions
    WITH agg AS (
      SELECT scenario_id, time_id, geography_id, from_landuse_id, ${stats}
      FROM raw_keyed GROUP BY scenario_id, time_id, geography_id, from_landuse_id
      UNION ALL
      SELECT 1, time_id, geography_id, from_landuse_id, ${stats}
      FROM raw_keyed GROUP BY time_id, geography_id, from_landuse_id),
    long AS (
      SELECT scenario_id, time_id, geography_id, from_landuse_id,
             unnest(${TO_IDS}) AS to_landuse_id,
             unnest(${list((c) => `a_${c}`)}) * ${ACRES_PER_FILE_UNIT} AS acres,
             unnest(${list((c) => `s_${c}`)}) * ${ACRES_PER_FILE_UNIT} AS acres_std_dev,
             unnest(${list((c) => `n_${c}`)}) * ${ACRES_PER_FILE_UNIT} AS acres_min,
             unnest(${list((c) => `x_${c}`)}) * ${ACRES_PER_FILE_UNIT} AS acres_max
      FROM agg)
    SELECT *, CASE WHEN from_landuse_id = to_landuse_id THEN 'same' ELSE 'change' END
    FROM long WHERE acres > 0
    ORDER BY scenario_id, time_id, geography_id, from_landuse_id, to_landuse_id`);
  await connection.run('DROP TABLE raw_keyed');
  await connection.run(VIEWS);
}

/**
 * The rollups of schema.ts: the fact tables summed per state and for the nation (and the
 * dim_state they join), a few tens of thousands of rows the query compiler reads instead of the
 * 1.6 M county facts whenever a question's geography allows. Runs after both fact tables.
 */
export async function insertRollups(connection: DuckDBConnection): Promise<void> {
  await connection.run(ROLLUPS);
}
