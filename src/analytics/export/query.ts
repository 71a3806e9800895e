import { sql, when, type SqlFragment } from '../../data/sql.ts';
import { inList } from '../parts.ts';
import type { ExportLevel, ExportSpec } from './params.ts';

/**
 * The export's columns, per level: the file's contract (presenters own field names, so the
 * database's column names never leak into a download by accident). Every column is cast in SQL
 * so the values arrive as plain numbers and strings (no BIGINT, no DECIMAL).
 */
export const EXPORT_COLUMNS: Readonly<Record<ExportLevel, readonly ExportColumn[]>> = {
  county: [
    { name: 'scenario', type: 'VARCHAR', label: 'RPA scenario code' },
    { name: 'scenario_name', type: 'VARCHAR', label: 'Scenario name in the database' },
    { name: 'period', type: 'VARCHAR', label: 'Period' },
    { name: 'start_year', type: 'INTEGER', label: 'Start year' },
    { name: 'end_year', type: 'INTEGER', label: 'End year' },
    { name: 'fips', type: 'VARCHAR', label: 'County FIPS code' },
    { name: 'county_name', type: 'VARCHAR', label: 'County' },
    { name: 'state_abbrev', type: 'VARCHAR', label: 'State' },
    { name: 'from_land_use', type: 'VARCHAR', label: 'From land use' },
    { name: 'to_land_use', type: 'VARCHAR', label: 'To land use' },
    { name: 'acres', type: 'DOUBLE', label: 'Acres (mean over the runs)' },
    { name: 'acres_std_dev', type: 'DOUBLE', label: 'Std dev across runs (acres)' },
    { name: 'acres_min', type: 'DOUBLE', label: 'Min across runs (acres)' },
    { name: 'acres_max', type: 'DOUBLE', label: 'Max across runs (acres)' },
  ],
  // Summed over counties. The spread columns are left out: a sum of per-county standard
  // deviations, minima or maxima is not the spread of the state total across the runs.
  state: [
    { name: 'scenario', type: 'VARCHAR', label: 'RPA scenario code' },
    { name: 'scenario_name', type: 'VARCHAR', label: 'Scenario name in the database' },
    { name: 'period', type: 'VARCHAR', label: 'Period' },
    { name: 'start_year', type: 'INTEGER', label: 'Start year' },
    { name: 'end_year', type: 'INTEGER', label: 'End year' },
    { name: 'state_fips', type: 'VARCHAR', label: 'State FIPS code' },
    { name: 'state', type: 'VARCHAR', label: 'State' },
    { name: 'state_abbrev', type: 'VARCHAR', label: 'State abbreviation' },
    { name: 'from_land_use', type: 'VARCHAR', label: 'From land use' },
    { name: 'to_land_use', type: 'VARCHAR', label: 'To land use' },
    { name: 'acres', type: 'DOUBLE', label: 'Acres (sum over counties)' },
  ],
};

export interface ExportColumn {
  name: string;
  /** The DuckDB type the query casts the column to. */
  type: 'VARCHAR' | 'INTEGER' | 'DOUBLE';
  label: string;
}

const FROM = sql`fact_landuse_transitions f
  JOIN dim_scenario s USING (scenario_id)
  JOIN dim_time t USING (time_id)
  JOIN dim_geography g USING (geography_id)
  JOIN dim_landuse lf ON lf.landuse_id = f.from_landuse_id
  JOIN dim_landuse lt ON lt.landuse_id = f.to_landuse_id`;

/** The filters of an export as a WHERE clause; every value a bound parameter. */
function filters(spec: ExportSpec): SqlFragment {
  const uses = spec.landUses.map((u) => u.id);
  return sql`${inList(
    sql`f.scenario_id`,
    spec.scenarios.map((s) => s.id),
  )}
    AND ${inList(
      sql`f.time_id`,
      spec.periods.map((p) => p.id),
    )}
    ${when(spec.geography.states.length > 0, sql`AND ${inList(sql`g.state_abbrev`, spec.geography.states)}`)}
    ${when(
      uses.length > 0,
      sql`AND (${inList(sql`f.from_landuse_id`, uses)} OR ${inList(sql`f.to_landuse_id`, uses)})`,
    )}`;
}

/**
 * The export's SELECT: one row per scenario, period, county (or state) and transition, in a
 * fixed order (scenario, period, place, from, to) so the same request gives the same file.
 * Land uses are the API's keys (crop, pasture, rangeland, forest, urban).
 */
export function exportQuery(spec: ExportSpec): SqlFragment {
  const common = sql`s.rpa_code::VARCHAR AS scenario, s.scenario_name::VARCHAR AS scenario_name,
    t.year_range::VARCHAR AS period, t.start_year::INTEGER AS start_year, t.end_year::INTEGER AS end_year`;
  const uses = sql`lower(lf.landuse_name)::VARCHAR AS from_land_use, lower(lt.landuse_name)::VARCHAR AS to_land_use`;
  if (spec.level === 'state') {
    return sql`SELECT ${common}, g.state_code::VARCHAR AS state_fips, g.state_name::VARCHAR AS state,
        g.state_abbrev::VARCHAR AS state_abbrev, ${uses}, sum(f.acres)::DOUBLE AS acres
      FROM ${FROM}
      WHERE ${filters(spec)}
      GROUP BY f.scenario_id, s.rpa_code, s.scenario_name, f.time_id, t.year_range, t.start_year,
        t.end_year, g.state_code, g.state_name, g.state_abbrev, f.from_landuse_id,
        f.to_landuse_id, lf.landuse_name, lt.landuse_name
      ORDER BY f.scenario_id, f.time_id, g.state_code, f.from_landuse_id, f.to_landuse_id`;
  }
  return sql`SELECT ${common}, g.fips_code::VARCHAR AS fips, g.county_name::VARCHAR AS county_name,
      g.state_abbrev::VARCHAR AS state_abbrev, ${uses}, f.acres::DOUBLE AS acres,
      f.acres_std_dev::DOUBLE AS acres_std_dev, f.acres_min::DOUBLE AS acres_min,
      f.acres_max::DOUBLE AS acres_max
    FROM ${FROM}
    WHERE ${filters(spec)}
    ORDER BY f.scenario_id, f.time_id, g.fips_code, f.from_landuse_id, f.to_landuse_id`;
}
