/**
 * The star schema of docs/DATA.md. Names here are a contract: user SQL, the agent's tools and
 * external checks rely on them. Add freely; never rename or drop.
 */

/**
 * The version a load writes; `info` and `open` check it. 2 added the rollups (the
 * agg_transitions_* tables).
 */
export const SCHEMA_VERSION = 2;
/**
 * The oldest version this code still reads. A version-1 database has no rollups: every query
 * reads the fact tables (same answers, slower) until `landuse load` rebuilds it.
 */
export const OLDEST_READABLE_SCHEMA_VERSION = 1;

/** The pre-aggregated rollups a load builds after the fact tables (schema version 2). */
export const ROLLUP_TABLES = [
  'agg_transitions_nation',
  'agg_transitions_state',
  'agg_transitions_gcm_nation',
  'agg_transitions_gcm_state',
] as const;

export const TABLES = [
  'dim_scenario',
  'dim_climate_model',
  'dim_time',
  'dim_geography',
  'dim_landuse',
  'fact_landuse_transitions',
  'fact_landuse_transitions_gcm',
  ...ROLLUP_TABLES,
  'schema_version',
  'load_metadata',
] as const;

export const DDL = `
CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL);
CREATE TABLE load_metadata (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE dim_scenario (
  scenario_id INTEGER PRIMARY KEY,
  scenario_name VARCHAR NOT NULL UNIQUE,
  rpa_code VARCHAR NOT NULL UNIQUE,
  rcp_scenario VARCHAR,
  ssp_scenario VARCHAR,
  description VARCHAR,
  narrative VARCHAR,
  gcm_count INTEGER NOT NULL
);
CREATE TABLE dim_climate_model (
  climate_model_id INTEGER PRIMARY KEY,
  climate_model VARCHAR NOT NULL UNIQUE,
  nickname VARCHAR NOT NULL
);
CREATE TABLE dim_time (
  time_id INTEGER PRIMARY KEY,
  year_range VARCHAR NOT NULL UNIQUE,
  start_year INTEGER NOT NULL,
  end_year INTEGER NOT NULL,
  period_length INTEGER NOT NULL
);
CREATE TABLE dim_geography (
  geography_id INTEGER PRIMARY KEY,
  fips_code VARCHAR NOT NULL UNIQUE,
  county_name VARCHAR NOT NULL,
  state_code VARCHAR NOT NULL,
  state_name VARCHAR NOT NULL,
  state_abbrev VARCHAR NOT NULL,
  region VARCHAR NOT NULL,
  rpa_region VARCHAR NOT NULL,
  rpa_subregion VARCHAR NOT NULL,
  land_area_acres DOUBLE
);
CREATE TABLE dim_landuse (
  landuse_id INTEGER PRIMARY KEY,
  landuse_code VARCHAR NOT NULL UNIQUE,
  landuse_name VARCHAR NOT NULL,
  landuse_category VARCHAR NOT NULL
);
CREATE TABLE fact_landuse_transitions (
  scenario_id INTEGER NOT NULL,
  time_id INTEGER NOT NULL,
  geography_id INTEGER NOT NULL,
  from_landuse_id INTEGER NOT NULL,
  to_landuse_id INTEGER NOT NULL,
  acres DOUBLE NOT NULL,
  acres_std_dev DOUBLE,
  acres_min DOUBLE,
  acres_max DOUBLE,
  transition_type VARCHAR NOT NULL
);
CREATE TABLE fact_landuse_transitions_gcm (
  climate_model_id INTEGER NOT NULL,
  scenario_id INTEGER NOT NULL,
  time_id INTEGER NOT NULL,
  geography_id INTEGER NOT NULL,
  from_landuse_id INTEGER NOT NULL,
  to_landuse_id INTEGER NOT NULL,
  acres DOUBLE NOT NULL,
  transition_type VARCHAR NOT NULL
);

-- The rollups: the fact tables summed over the counties of each state and of the nation, built
-- by the load after the facts. acres is the sum of the fact rows' acres (the mean over runs for
-- the combined scenarios, as in the facts), fact_rows how many fact rows were summed. A state's
-- rows carry its names and regions as dim_geography spells them, so they need no join.
CREATE TABLE agg_transitions_nation (
  scenario_id INTEGER NOT NULL,
  time_id INTEGER NOT NULL,
  from_landuse_id INTEGER NOT NULL,
  to_landuse_id INTEGER NOT NULL,
  acres DOUBLE NOT NULL,
  fact_rows INTEGER NOT NULL
);
CREATE TABLE agg_transitions_state (
  scenario_id INTEGER NOT NULL,
  time_id INTEGER NOT NULL,
  state_abbrev VARCHAR NOT NULL,
  state_name VARCHAR NOT NULL,
  region VARCHAR NOT NULL,
  rpa_region VARCHAR NOT NULL,
  rpa_subregion VARCHAR NOT NULL,
  from_landuse_id INTEGER NOT NULL,
  to_landuse_id INTEGER NOT NULL,
  acres DOUBLE NOT NULL,
  fact_rows INTEGER NOT NULL
);
CREATE TABLE agg_transitions_gcm_nation (
  climate_model_id INTEGER NOT NULL,
  scenario_id INTEGER NOT NULL,
  time_id INTEGER NOT NULL,
  from_landuse_id INTEGER NOT NULL,
  to_landuse_id INTEGER NOT NULL,
  acres DOUBLE NOT NULL,
  fact_rows INTEGER NOT NULL
);
CREATE TABLE agg_transitions_gcm_state (
  climate_model_id INTEGER NOT NULL,
  scenario_id INTEGER NOT NULL,
  time_id INTEGER NOT NULL,
  state_abbrev VARCHAR NOT NULL,
  state_name VARCHAR NOT NULL,
  region VARCHAR NOT NULL,
  rpa_region VARCHAR NOT NULL,
  rpa_subregion VARCHAR NOT NULL,
  from_landuse_id INTEGER NOT NULL,
  to_landuse_id INTEGER NOT NULL,
  acres DOUBLE NOT NULL,
  fact_rows INTEGER NOT NULL
);
`;

/**
 * Fills the rollups from the fact tables (run by the load once both are complete): each state's
 * sums straight from the county facts, the nation's from the states'. Sorted like the facts.
 */
export const ROLLUPS = `
INSERT INTO agg_transitions_state
SELECT f.scenario_id, f.time_id, g.state_abbrev, g.state_name, g.region, g.rpa_region,
       g.rpa_subregion, f.from_landuse_id, f.to_landuse_id, sum(f.acres), count(*)
FROM fact_landuse_transitions f JOIN dim_geography g USING (geography_id)
GROUP BY ALL ORDER BY ALL;

INSERT INTO agg_transitions_nation
SELECT scenario_id, time_id, from_landuse_id, to_landuse_id, sum(acres), sum(fact_rows)
FROM agg_transitions_state GROUP BY ALL ORDER BY ALL;

INSERT INTO agg_transitions_gcm_state
SELECT f.climate_model_id, f.scenario_id, f.time_id, g.state_abbrev, g.state_name, g.region,
       g.rpa_region, g.rpa_subregion, f.from_landuse_id, f.to_landuse_id, sum(f.acres), count(*)
FROM fact_landuse_transitions_gcm f JOIN dim_geography g USING (geography_id)
GROUP BY ALL ORDER BY ALL;

INSERT INTO agg_transitions_gcm_nation
SELECT climate_model_id, scenario_id, time_id, from_landuse_id, to_landuse_id, sum(acres),
       sum(fact_rows)
FROM agg_transitions_gcm_state GROUP BY ALL ORDER BY ALL;
`;

/**
 * Views for the common questions. They join the dims so a user's SQL reads like the question;
 * the agent's domain queries use the tables directly.
 */
export const VIEWS = `
CREATE VIEW v_transitions_detailed AS
SELECT s.scenario_name, s.rpa_code, t.year_range, t.start_year, t.end_year,
       g.fips_code, g.county_name, g.state_abbrev, g.state_name, g.region, g.rpa_region, g.rpa_subregion,
       lf.landuse_name AS from_landuse, lt.landuse_name AS to_landuse,
       lf.landuse_category AS from_category, lt.landuse_category AS to_category,
       f.acres, f.acres_std_dev, f.acres_min, f.acres_max, f.transition_type
FROM fact_landuse_transitions f
JOIN dim_scenario s USING (scenario_id)
JOIN dim_time t USING (time_id)
JOIN dim_geography g USING (geography_id)
JOIN dim_landuse lf ON lf.landuse_id = f.from_landuse_id
JOIN dim_landuse lt ON lt.landuse_id = f.to_landuse_id;

-- The defaults of DATA.md: the ensemble mean over the projection years 2020-2070.
CREATE VIEW v_default_transitions AS
SELECT * FROM v_transitions_detailed WHERE rpa_code = 'OVERALL' AND start_year >= 2020;

-- Changes only (from <> to): what "loss", "gain" and "expansion" are made of.
CREATE VIEW v_landuse_changes AS
SELECT * FROM v_transitions_detailed WHERE transition_type = 'change';

-- Area of each use in each county at each period boundary, per scenario: the first boundary is
-- the start of the first period (from-sums), every other one the end of a period (to-sums).
CREATE VIEW v_land_area_by_year AS
WITH first_period AS (SELECT min(start_year) AS y FROM dim_time),
starts AS (
  SELECT f.scenario_id, f.geography_id, f.from_landuse_id AS landuse_id, t.start_year AS year, sum(f.acres) AS acres
  FROM fact_landuse_transitions f JOIN dim_time t USING (time_id)
  WHERE t.start_year = (SELECT y FROM first_period)
  GROUP BY ALL
),
ends AS (
  SELECT f.scenario_id, f.geography_id, f.to_landuse_id AS landuse_id, t.end_year AS year, sum(f.acres) AS acres
  FROM fact_landuse_transitions f JOIN dim_time t USING (time_id)
  GROUP BY ALL
)
SELECT s.scenario_name, s.rpa_code, a.year, g.fips_code, g.county_name, g.state_abbrev, g.state_name,
       g.region, g.rpa_region, g.rpa_subregion, l.landuse_code, l.landuse_name, l.landuse_category, a.acres
FROM (SELECT * FROM starts UNION ALL SELECT * FROM ends) a
JOIN dim_scenario s USING (scenario_id)
JOIN dim_geography g USING (geography_id)
JOIN dim_landuse l USING (landuse_id);
`;

/** One line per table and view, for `info`, the schema endpoint and the SQL explorer. */
export const DESCRIPTIONS: Readonly<Record<string, string>> = {
  dim_scenario: 'The 5 combined scenarios: OVERALL (ensemble mean) and the LM, HM, HL, HH pathways',
  dim_climate_model: 'The 5 climate models (GCMs) behind the 20 runs',
  dim_time: 'The 6 periods, 2012-2020 (calibration) to 2060-2070',
  dim_geography: 'Counties with state, Census region, RPA region and subregion, land area',
  dim_landuse: 'The 5 land uses (crop, pasture, rangeland, forest, urban) and their categories',
  fact_landuse_transitions:
    'Acres moving from one use to another per scenario, period and county (mean over GCM runs)',
  fact_landuse_transitions_gcm: 'The same transitions for each of the 20 individual GCM runs',
  agg_transitions_nation:
    'Rollup: fact_landuse_transitions summed over all counties, per scenario, period, from and to use',
  agg_transitions_state:
    'Rollup: fact_landuse_transitions summed over each state’s counties, with its regions',
  agg_transitions_gcm_nation:
    'Rollup: fact_landuse_transitions_gcm summed over all counties, per run, period, from and to use',
  agg_transitions_gcm_state:
    'Rollup: fact_landuse_transitions_gcm summed over each state’s counties, per run, with its regions',
  schema_version: 'The schema version this database was built with',
  load_metadata: 'How and from what this database was loaded (dataset: demo or rpa)',
  v_transitions_detailed: 'Transitions joined with every dimension, all scenarios and periods',
  v_default_transitions: 'Transitions under the defaults: OVERALL scenario, 2020-2070',
  v_landuse_changes: 'Transitions where the use changes (from <> to)',
  v_land_area_by_year:
    'Area of each use per county at each period boundary (2012, 2020, ..., 2070)',
};
