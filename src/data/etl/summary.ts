import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLES } from '../schema.ts';

export interface DatabaseSummary {
  /** Row count of every table of the schema the database has (a version-1 one lacks the rollups). */
  tables: Record<string, number>;
  /** RPA codes of the scenarios that have data. */
  scenarios: string[];
  periods: string[];
  counties: number;
  states: number;
  runs: number;
  /** Total area the projections track (all uses at the start of the first period, OVERALL). */
  acresTracked: number;
}

/** Counts what a land use database holds; used by load's summary and by `info`. */
export async function summarizeDatabase(connection: DuckDBConnection): Promise<DatabaseSummary> {
  const present = await connection.runAndReadAll(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`,
  );
  const names = new Set(present.getRows().map(([name]) => String(name)));
  const counts = await connection.runAndReadAll(
    TABLES.filter((t) => names.has(t))
      .map((t) => `SELECT '${t}' AS name, count(*) AS n FROM ${t}`)
      .join(' UNION ALL '),
  );
  const tables: Record<string, number> = {};
  for (const [name, n] of counts.getRows()) tables[String(name)] = Number(n);
  const facts = await connection.runAndReadAll(`
    SELECT
      (SELECT list(rpa_code ORDER BY scenario_id) FROM dim_scenario
        WHERE scenario_id IN (SELECT DISTINCT scenario_id FROM fact_landuse_transitions)),
      (SELECT list(year_range ORDER BY start_year) FROM dim_time
        WHERE time_id IN (SELECT DISTINCT time_id FROM fact_landuse_transitions)),
      (SELECT count(*) FROM dim_geography),
      (SELECT count(DISTINCT state_code) FROM dim_geography),
      (SELECT gcm_count FROM dim_scenario WHERE rpa_code = 'OVERALL'),
      (SELECT coalesce(sum(acres), 0) FROM fact_landuse_transitions f JOIN dim_time t USING (time_id)
        WHERE f.scenario_id = 1 AND t.start_year = (SELECT min(start_year) FROM dim_time
          WHERE time_id IN (SELECT DISTINCT time_id FROM fact_landuse_transitions)))`);
  const row = facts.getRowsJson()[0] ?? [];
  return {
    tables,
    scenarios: (row[0] as string[] | null) ?? [],
    periods: (row[1] as string[] | null) ?? [],
    counties: Number(row[2]),
    states: Number(row[3]),
    runs: Number(row[4]),
    acresTracked: Number(row[5]),
  };
}
