import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import {
  CLIMATE_MODELS,
  LAND_USES,
  PATHWAYS,
  PERIODS,
  runName,
  STATES,
} from '../../domain/index.ts';
import type { County } from '../counties.ts';

/** Inserts rows into a table with bound parameters (for the small lookup and dim tables). */
export async function insertValues(
  connection: DuckDBConnection,
  table: string,
  rows: readonly DuckDBValue[][],
): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0]!.length;
  const batch = Math.max(1, Math.floor(2000 / width));
  for (let i = 0; i < rows.length; i += batch) {
    const slice = rows.slice(i, i + batch);
    const placeholders = slice
      .map(
        (_, r) =>
          `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
      )
      .join(', ');
    await connection.run(`INSERT INTO ${table} VALUES ${placeholders}`, slice.flat());
  }
}

/**
 * Temp tables mapping the raw file's names (run, period, land-use code, county) to the
 * surrogate keys of the dims, all from the domain vocabulary.
 */
export async function createLookupTables(
  connection: DuckDBConnection,
  counties: readonly County[],
): Promise<void> {
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE known_runs (run VARCHAR, climate_model_id INTEGER, scenario_id INTEGER);
    CREATE OR REPLACE TEMP TABLE known_periods (period VARCHAR, time_id INTEGER, start_year INTEGER, end_year INTEGER);
    CREATE OR REPLACE TEMP TABLE known_landuses (code VARCHAR, landuse_id INTEGER);
    CREATE OR REPLACE TEMP TABLE known_states (state_code VARCHAR);
    CREATE OR REPLACE TEMP TABLE known_counties (fips VARCHAR, county_name VARCHAR, area_acres DOUBLE);`);
  await insertValues(
    connection,
    'known_runs',
    CLIMATE_MODELS.flatMap((m) => PATHWAYS.map((p) => [runName(m, p), m.id, p.id])),
  );
  await insertValues(
    connection,
    'known_periods',
    PERIODS.map((p) => [p.label, p.id, p.start, p.end]),
  );
  await insertValues(
    connection,
    'known_landuses',
    LAND_USES.map((u) => [u.code, u.id]),
  );
  await insertValues(
    connection,
    'known_states',
    STATES.map((s) => [s.fips]),
  );
  await insertValues(
    connection,
    'known_counties',
    counties.map((c) => [c.fips, c.name, c.areaAcres]),
  );
}
