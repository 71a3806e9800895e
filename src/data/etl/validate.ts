import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError, LAND_USE_CODES, PERIODS, RUN_NAMES, STATES } from '../../domain/index.ts';

/**
 * Tolerances for totals and conservation, in the file's unit (hundreds of acres): an absolute
 * 0.05 (5 acres) plus a relative 1e-4. Rounding in a well-formed file stays far below.
 */
const TOLERANCE_ABS = 0.05;
const TOLERANCE_REL = 1e-4;
const off = (a: string, b: string) =>
  `abs(${a} - ${b}) > ${TOLERANCE_ABS} + ${TOLERANCE_REL} * abs(${b})`;

const CODES = LAND_USE_CODES;
const VALUE_FIELDS = [...CODES, 't1'] as const;
const FILE_ORDER = 'run_ord, period_ord, county_ord, row_ord';

type Scalar = string | number | boolean | null | undefined;
type Row = Record<string, Scalar>;

/** `$["run"]["period"]["fips"][i].field`: where in the raw file a value sits. */
export function jsonPath(parts: {
  run?: Scalar;
  period?: Scalar;
  fips?: Scalar;
  row?: Scalar;
  field?: Scalar;
}): string {
  let path = '$';
  for (const key of [parts.run, parts.period, parts.fips]) {
    if (key === null || key === undefined) return path;
    path += `[${JSON.stringify(String(key))}]`;
  }
  if (parts.row === null || parts.row === undefined) return path;
  path += `[${Number(parts.row)}]`;
  return parts.field ? `${path}.${String(parts.field)}` : path;
}

const where = (r: Row, field?: Scalar) =>
  jsonPath({ run: r.run, period: r.period, fips: r.fips, row: r.row_ord, field });
const num = (v: unknown) => Number(Number(v).toFixed(3)).toString();
const knownRuns = `${RUN_NAMES.slice(0, 2).join(', ')}, ... (the 20 runs named <GCM>_<rcp>_<ssp>)`;
const knownPeriods = PERIODS.map((p) => p.label).join(', ');

/**
 * Row-level problems, most basic first: a row reports the first that applies. Each entry is a
 * SQL condition over raw_rows (joined to the known names) and the message for the person.
 */
const ROW_PROBLEMS: ReadonlyArray<{ code: string; when: string; message: (r: Row) => string }> = [
  {
    code: 'load:empty_run',
    when: 'period IS NULL',
    message: (r) =>
      `${jsonPath({ run: r.run })}: expected a non-empty object of periods ("2012-2020": {...}), found none.`,
  },
  {
    code: 'load:unknown_run',
    when: 'NOT run_ok',
    message: (r) =>
      `${jsonPath({ run: r.run })}: unknown run ${JSON.stringify(r.run)}; expected one of ${knownRuns}.`,
  },
  {
    code: 'load:empty_period',
    when: 'fips IS NULL',
    message: (r) =>
      `${jsonPath({ run: r.run, period: r.period })}: expected a non-empty object of counties keyed by 5-digit FIPS code, found none.`,
  },
  {
    code: 'load:unknown_period',
    when: 'NOT period_ok',
    message: (r) =>
      `${jsonPath({ run: r.run, period: r.period })}: unknown period ${JSON.stringify(r.period)}; expected one of ${knownPeriods}.`,
  },
  {
    code: 'load:bad_fips',
    when: `NOT regexp_full_match(fips, '[0-9]{5}')`,
    message: (r) =>
      `${jsonPath(r)}: ${JSON.stringify(r.fips)} is not a county FIPS code; expected 5 digits such as "01001".`,
  },
  {
    code: 'load:unknown_state',
    when: 'NOT state_ok',
    message: (r) =>
      `${jsonPath(r)}: county ${JSON.stringify(r.fips)} is not in the conterminous US (48 states and DC), the area the RPA projections cover.`,
  },
  {
    code: 'load:bad_row',
    when: 'row_missing',
    message: (r) =>
      `${where(r)}: expected a row object like {"_row": "fr", "cr": 0, "ps": 0, "rg": 0, "fr": 310.5, "ur": 0.8, "t1": 311.3}.`,
  },
  {
    code: 'load:unknown_row',
    when: `row_code IS NULL OR NOT code_ok`,
    message: (r) =>
      `${where(r, '_row')}: ${r.row_code === null ? 'missing' : `unknown row ${JSON.stringify(r.row_code)}`}; expected one of ${CODES.join(', ')} (or t2 for the column totals).`,
  },
  ...VALUE_FIELDS.map((field) => ({
    code: 'load:invalid_value',
    when: field === 't1' ? `t1 IS NULL AND row_code <> 't2'` : `${field} IS NULL`,
    message: (r: Row) => `${where(r, field)}: expected a number (hundreds of acres)`,
  })),
  ...VALUE_FIELDS.map((field) => ({
    code: 'load:negative_value',
    when: `${field} < 0`,
    message: (r: Row) =>
      `${where(r, field)}: found ${String(r[field])}; expected a number >= 0 (acres cannot be negative).`,
  })),
  {
    code: 'load:row_total',
    when: `row_code <> 't2' AND ${off('cr + ps + rg + fr + ur', 't1')}`,
    message: (r) =>
      `${where(r, 't1')}: t1 is ${String(r.t1)} but the row's values add up to ${num(Number(r.cr) + Number(r.ps) + Number(r.rg) + Number(r.fr) + Number(r.ur))}; t1 must be the row total (the area in that use at the start of the period).`,
  },
];

/**
 * Validates the flattened raw rows in a few scans; throws an AppError naming the JSON path of
 * the first bad value (in file order) and what was expected, with how many more share it.
 */
export async function validateRawRows(
  connection: DuckDBConnection,
  path: string,
  stringNumbers: boolean,
): Promise<void> {
  const total = await connection.runAndReadAll('SELECT count(*) FROM raw_rows');
  if (Number(total.getRows()[0]?.[0] ?? 0) === 0) {
    throw new AppError(
      'load:no_runs',
      `$: the file holds an empty object; expected runs such as ${JSON.stringify(RUN_NAMES[0])} at the top level.`,
    );
  }
  if (stringNumbers) await reportStringNumber(connection, path);
  await checkRows(connection, path);
  await connection.run(COUNTY_SUMS);
  await checkCounties(connection);
  await checkCompleteness(connection);
}

async function first(
  connection: DuckDBConnection,
  sql: string,
  params: string[] = [],
): Promise<Row | undefined> {
  const reader = await connection.runAndReadAll(
    `SELECT *, count(*) OVER () AS n_bad FROM (${sql}) ORDER BY ${FILE_ORDER} NULLS FIRST LIMIT 1`,
    params,
  );
  // Every check selects scalar columns only.
  return reader.getRowObjectsJson()[0] as Row | undefined;
}

function fail(code: string, message: string, row: Row): never {
  const more = Number(row.n_bad) - 1;
  throw new AppError(code, more > 0 ? `${message} (${more} more like it.)` : message);
}

async function checkRows(connection: DuckDBConnection, path: string): Promise<void> {
  const problem = `CASE ${ROW_PROBLEMS.map((p, i) => `WHEN ${p.when} THEN ${i}`).join(' ')} END`;
  // The known names as IN lists of bound values: DuckDB checks those far faster than joins.
  const params: string[] = [];
  const inList = (values: readonly string[]) =>
    `(${values.map((v) => `$${params.push(v)}`).join(', ')})`;
  const row = await first(
    connection,
    `SELECT * FROM (
       SELECT *, ${problem} AS problem FROM (
         SELECT r.*,
                r.run IN ${inList(RUN_NAMES)} AS run_ok,
                r.period IN ${inList(PERIODS.map((p) => p.label))} AS period_ok,
                substr(r.fips, 1, 2) IN ${inList(STATES.map((s) => s.fips))} AS state_ok,
                r.row_code IN ${inList([...CODES, 't2'])} AS code_ok
         FROM raw_rows r))
     WHERE problem IS NOT NULL`,
    params,
  );
  if (!row) return;
  const p = ROW_PROBLEMS[Number(row.problem)]!;
  let message = p.message(row);
  if (p.code === 'load:invalid_value') message += await describeFound(connection, path, row);
  fail(p.code, message, row);
}

/** Per (run, period, county): row counts, t1 and column sums of each use, the t2 row. */
const COUNTY_SUMS = `
  CREATE OR REPLACE TEMP TABLE county_sums AS
  SELECT run, any_value(run_ord) AS run_ord, period, any_value(period_ord) AS period_ord,
         fips, any_value(county_ord) AS county_ord, any_value(p.start_year) AS start_year,
         any_value(p.end_year) AS end_year,
         ${CODES.map((c) => `count(*) FILTER (row_code = '${c}') AS n_${c}`).join(', ')},
         count(*) FILTER (row_code = 't2') AS n_t2,
         ${CODES.map((c) => `any_value(t1) FILTER (row_code = '${c}') AS t1_${c}`).join(', ')},
         ${CODES.map((c) => `sum(${c}) FILTER (row_code <> 't2') AS col_${c}`).join(', ')},
         ${CODES.map((c) => `any_value(${c}) FILTER (row_code = 't2') AS t2_${c}`).join(', ')},
         any_value(row_ord) FILTER (row_code = 't2') AS t2_ord
  FROM raw_rows JOIN known_periods p USING (period)
  GROUP BY run, period, fips`;

async function checkCounties(connection: DuckDBConnection): Promise<void> {
  for (const c of CODES) {
    const dup = await first(
      connection,
      `SELECT *, NULL AS row_ord FROM county_sums WHERE n_${c} <> 1`,
    );
    if (dup) {
      fail(
        Number(dup[`n_${c}`]) === 0 ? 'load:missing_row' : 'load:duplicate_row',
        `${jsonPath(dup)}: ${Number(dup[`n_${c}`]) === 0 ? 'no row' : `${String(dup[`n_${c}`])} rows`} with "_row": "${c}"; each county needs exactly one row for each of ${CODES.join(', ')}.`,
        dup,
      );
    }
  }
  for (const c of CODES) {
    const t2 = await first(
      connection,
      `SELECT *, t2_ord AS row_ord FROM county_sums WHERE n_t2 > 0 AND ${off(`t2_${c}`, `col_${c}`)}`,
    );
    if (t2) {
      fail(
        'load:column_total',
        `${where(t2, c)}: the t2 (column totals) row says ${String(t2[`t2_${c}`])}, but the ${c} column adds up to ${num(t2[`col_${c}`])}.`,
        t2,
      );
    }
  }
  // One join for all five uses; the first broken use of the first broken row is reported.
  const which = `CASE ${CODES.map((c) => `WHEN ${off(`p.col_${c}`, `n.t1_${c}`)} THEN '${c}'`).join(' ')} END`;
  const broken = await first(
    connection,
    `SELECT * FROM (
       SELECT n.*, NULL AS row_ord, p.end_year AS prev_end, ${which} AS use,
              ${CODES.map((c) => `p.col_${c} AS end_${c}`).join(', ')}
       FROM county_sums n JOIN county_sums p
         ON p.run = n.run AND p.fips = n.fips AND p.end_year = n.start_year)
     WHERE use IS NOT NULL`,
  );
  if (broken) {
    const c = String(broken.use);
    fail(
      'load:conservation',
      `${jsonPath(broken)}: land is not conserved: the ${c} row's t1 is ${String(broken[`t1_${c}`])}, but the previous period ended (${String(broken.prev_end)}) with ${num(broken[`end_${c}`])} in ${c} (its column total). Within a run and county the column sums of a period must equal the row totals of the next.`,
      broken,
    );
  }
}

/** Every run has the same periods, and every run and period the same counties. */
async function checkCompleteness(connection: DuckDBConnection): Promise<void> {
  const period = await first(
    connection,
    `WITH have AS (SELECT DISTINCT run, run_ord, period FROM county_sums),
          p AS (SELECT period, any_value(run) AS seen_in FROM have GROUP BY period)
     SELECT r.run, r.run_ord, p.period, p.seen_in, NULL AS period_ord, NULL AS county_ord, NULL AS row_ord
     FROM (SELECT DISTINCT run, run_ord FROM have) r CROSS JOIN p
     ANTI JOIN have ON have.run = r.run AND have.period = p.period`,
  );
  if (period) {
    fail(
      'load:missing_period',
      `${jsonPath({ run: period.run })}: period ${JSON.stringify(period.period)} is missing (it is in ${jsonPath({ run: period.seen_in })}); every run needs the same periods.`,
      period,
    );
  }
  const county = await first(
    connection,
    `WITH rp AS (SELECT DISTINCT run, run_ord, period, period_ord FROM county_sums),
          c AS (SELECT fips, any_value(run) AS seen_run, any_value(period) AS seen_period
                FROM county_sums GROUP BY fips)
     SELECT rp.*, c.fips, c.seen_run, c.seen_period, NULL AS county_ord, NULL AS row_ord
     FROM rp CROSS JOIN c
     ANTI JOIN county_sums h ON h.run = rp.run AND h.period = rp.period AND h.fips = c.fips`,
  );
  if (county) {
    fail(
      'load:missing_county',
      `${jsonPath({ run: county.run, period: county.period })}: county ${JSON.stringify(county.fips)} is missing (it is in ${jsonPath({ run: county.seen_run, period: county.seen_period })}); every run and period must list the same counties.`,
      county,
    );
  }
  await connection.run('DROP TABLE county_sums');
}

/** What the file holds where a number was expected: nothing, null, a string, ... */
async function describeFound(connection: DuckDBConnection, path: string, r: Row): Promise<string> {
  const keys = [r.run, r.period, r.fips].map((k) => JSON.stringify(String(k))).join('.');
  const reader = await connection.runAndReadAll(
    'SELECT json_extract(content, $2)::VARCHAR AS v FROM read_text($1)',
    [path, `$.${keys}[${Number(r.row_ord)}].${r.field ?? fieldOf(r)}`],
  );
  const found = reader.getRows()[0]?.[0];
  return found === null || found === undefined
    ? ', found nothing (the key is missing).'
    : `, found ${String(found)}.`;
}

function fieldOf(r: Row): string {
  return VALUE_FIELDS.find((f) => r[f] === null) ?? 't1';
}

/** Finds the first land-use value written as a JSON string ("12.5" instead of 12.5). */
async function reportStringNumber(connection: DuckDBConnection, path: string): Promise<void> {
  const row = (
    await connection.runAndReadAll(
      `SELECT r.key AS run, p.key AS period, c.key AS fips, x.key AS row_ord, f.key AS field, f.value
       FROM read_text($1) t, json_each(t.content) r, json_each(r.value) p, json_each(p.value) c,
            json_each(c.value) x, json_each(x.value) f
       WHERE f.type = 'VARCHAR' AND f.key <> '_row'
       ORDER BY r.id, p.id, c.id, x.id, f.id LIMIT 1`,
      [path],
    )
  ).getRowObjectsJson()[0] as Row | undefined;
  if (!row) return;
  throw new AppError(
    'load:invalid_value',
    `${jsonPath({ ...row, row: row.row_ord })}: found the string ${String(row.value)}; expected a number (hundreds of acres)${Number.isFinite(Number(JSON.parse(String(row.value)))) ? ', written without quotes' : ''}.`,
  );
}
