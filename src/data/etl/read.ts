import { open, stat } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../../domain/index.ts';

/**
 * The raw file's shape as a DuckDB type. DuckDB's bundled json extension parses the whole file
 * natively into typed nested maps; no value passes through JavaScript.
 */
const RAW_TYPE =
  'MAP(VARCHAR, MAP(VARCHAR, MAP(VARCHAR, STRUCT(_row VARCHAR, cr DOUBLE, ps DOUBLE, rg DOUBLE, fr DOUBLE, ur DOUBLE, t1 DOUBLE)[])))';

/** A JSON key (or a quoted numeric string) in the raw rows that should hold a number. */
const STRING_NUMBER = `"(?:cr|ps|rg|fr|ur|t1|t2)"\\s*:\\s*"`;

/** Checks the input path is a readable, non-empty file, with errors that say what to do. */
export async function checkInputFile(path: string): Promise<{ bytes: number }> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new AppError(
      'load:input_missing',
      `Input file not found: ${path}. Check the path, or make a demo file with \`landuse demo-data --out ${path}\`.`,
    );
  }
  if (info.isDirectory()) {
    throw new AppError(
      'load:input_is_directory',
      `${path} is a directory; --input takes the raw RPA JSON file itself (e.g. ${path}/county_landuse_projections_RPA.json).`,
    );
  }
  if (info.size === 0) {
    throw new AppError(
      'load:empty_file',
      `${path} is empty (0 bytes). Expected one JSON object {run: {period: {fips: [rows]}}} as described in docs/DATA.md.`,
    );
  }
  return { bytes: info.size };
}

/**
 * Parses the raw JSON file with DuckDB and flattens it to one row per (run, period, county,
 * from-use) in the temp table `raw_rows`, keeping each item's position so errors can point at
 * the first bad value in file order. Containers that are not objects/arrays (or are empty)
 * leave a marker row with NULL below them, which validation reports.
 * Returns whether any land-use value was written as a JSON string (numbers only are accepted).
 */
export async function readRawFile(
  connection: DuckDBConnection,
  path: string,
): Promise<{ stringNumbers: boolean }> {
  try {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE raw_doc AS
       SELECT json_transform(content, '"${RAW_TYPE}"') AS doc,
              regexp_matches(content, '${STRING_NUMBER}') AS string_numbers
       FROM read_text($1)`,
      [path],
    );
  } catch (error) {
    throw await malformedJsonError(path, error);
  }
  const head = await connection.runAndReadAll(
    'SELECT doc IS NULL AS no_doc, string_numbers FROM raw_doc',
  );
  const [noDoc, stringNumbers] = head.getRows()[0] ?? [true, false];
  if (noDoc) {
    const top = await connection.runAndReadAll('SELECT json_type(content) FROM read_text($1)', [
      path,
    ]);
    const topType = top.getRows()[0]?.[0];
    throw new AppError(
      'load:not_an_object',
      `$: the top level of the file is ${describeType(String(topType))}; expected one JSON object {run: {period: {fips: [rows]}}} as described in docs/DATA.md.`,
    );
  }
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE raw_rows AS
    WITH r AS (
      SELECT unnest(map_keys(doc)) AS run, unnest(map_values(doc)) AS pm,
             unnest(range(cardinality(doc)::BIGINT)) AS run_ord
      FROM raw_doc),
    p AS (
      SELECT run, run_ord,
             unnest(CASE WHEN cardinality(pm) > 0 THEN map_keys(pm) ELSE [NULL] END) AS period,
             unnest(CASE WHEN cardinality(pm) > 0 THEN map_values(pm) ELSE [NULL] END) AS cm,
             unnest(CASE WHEN cardinality(pm) > 0 THEN range(cardinality(pm)::BIGINT) ELSE [0] END) AS period_ord
      FROM r),
    c AS (
      SELECT run, run_ord, period, period_ord,
             unnest(CASE WHEN cardinality(cm) > 0 THEN map_keys(cm) ELSE [NULL] END) AS fips,
             unnest(CASE WHEN cardinality(cm) > 0 THEN map_values(cm) ELSE [NULL] END) AS rws,
             unnest(CASE WHEN cardinality(cm) > 0 THEN range(cardinality(cm)::BIGINT) ELSE [0] END) AS county_ord
      FROM p),
    x AS (
      SELECT run, run_ord, period, period_ord, fips, county_ord,
             unnest(CASE WHEN len(rws) > 0 THEN rws ELSE [NULL] END) AS rw,
             unnest(CASE WHEN len(rws) > 0 THEN range(len(rws)::BIGINT) ELSE [0] END) AS row_ord
      FROM c)
    SELECT run, run_ord::INTEGER AS run_ord, period, period_ord::INTEGER AS period_ord,
           fips, county_ord::INTEGER AS county_ord, row_ord::INTEGER AS row_ord,
           rw IS NULL AS row_missing, rw._row AS row_code,
           rw.cr, rw.ps, rw.rg, rw.fr, rw.ur, rw.t1
    FROM x`);
  await connection.run('DROP TABLE raw_doc');
  return { stringNumbers: Boolean(stringNumbers) };
}

/** Turns DuckDB's "Malformed JSON at byte N" into a message with line and column. */
async function malformedJsonError(path: string, error: unknown): Promise<AppError> {
  const text = error instanceof Error ? error.message : String(error);
  const match = /Malformed JSON at byte (\d+) of input: ([^.]+)/.exec(text);
  if (!match) {
    return new AppError('load:read_failed', `Could not read ${path} as JSON.`, { cause: error });
  }
  const byte = Number(match[1]);
  const { line, column, excerpt } = await locateByte(path, byte);
  const truncated = /unexpected end/.test(match[2] ?? '');
  return new AppError(
    truncated ? 'load:truncated_json' : 'load:malformed_json',
    truncated
      ? `${path} ends in the middle of the JSON (at byte ${byte}, line ${line}, column ${column}): the file looks truncated. Re-copy or re-generate it.`
      : `${path} is not valid JSON at byte ${byte} (line ${line}, column ${column}): ${match[2]} near ${JSON.stringify(excerpt)}.`,
    { cause: error, details: { byte, line, column } },
  );
}

async function locateByte(
  path: string,
  byte: number,
): Promise<{ line: number; column: number; excerpt: string }> {
  const handle = await open(path, 'r');
  try {
    let line = 1;
    let lastNewline = -1;
    const chunk = Buffer.alloc(1 << 20);
    for (let pos = 0; pos < byte; pos += chunk.length) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, byte - pos), pos);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) {
        if (chunk[i] === 10) {
          line++;
          lastNewline = pos + i;
        }
      }
    }
    const around = Buffer.alloc(40);
    const start = Math.max(0, byte - 20);
    const { bytesRead } = await handle.read(around, 0, 40, start);
    return {
      line,
      column: byte - lastNewline,
      excerpt: around.subarray(0, bytesRead).toString('utf8'),
    };
  } finally {
    await handle.close();
  }
}

function describeType(jsonType: string): string {
  switch (jsonType) {
    case 'ARRAY':
      return 'an array';
    case 'VARCHAR':
      return 'a string';
    case 'NULL':
    case 'null':
      return 'null';
    case 'BOOLEAN':
      return 'a boolean';
    default:
      return /INT|DOUBLE/.test(jsonType) ? 'a number' : `a JSON ${jsonType.toLowerCase()}`;
  }
}
