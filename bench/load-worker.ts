/**
 * One measurement of the loading benchmark, run in its own process so its peak RSS is its own.
 * Argument: a JSON {method, records, dir}. Prints one JSON line: {seconds, recordsPerSecond, peakRssMb}.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

export type Method = 'insert' | 'appender' | 'parquet' | 'json';

const COLUMNS = `scenario_id INTEGER, time_id INTEGER, geography_id INTEGER, from_landuse_id INTEGER,
  to_landuse_id INTEGER, acres DOUBLE, transition_type VARCHAR`;

/** Deterministic synthetic fact records: the shape of fact_landuse_transitions. */
function record(i: number): [number, number, number, number, number, number, string] {
  const from = (i % 5) + 1;
  const to = (Math.floor(i / 5) % 5) + 1;
  return [
    (i % 5) + 1,
    (Math.floor(i / 25) % 6) + 1,
    (Math.floor(i / 150) % 3108) + 1,
    from,
    to,
    ((i * 7919) % 100_000) / 10,
    from === to ? 'same' : 'change',
  ];
}

async function prepareSource(c: DuckDBConnection, method: Method, n: number, file: string) {
  // Source files for COPY / read_json are written before the clock starts, by DuckDB itself.
  await c.run(`CREATE TABLE src AS
    SELECT (i % 5) + 1 AS scenario_id, ((i // 25) % 6) + 1 AS time_id, ((i // 150) % 3108) + 1 AS geography_id,
           (i % 5) + 1 AS from_landuse_id, ((i // 5) % 5) + 1 AS to_landuse_id,
           ((i * 7919) % 100000) / 10 AS acres,
           CASE WHEN (i % 5) = ((i // 5) % 5) THEN 'same' ELSE 'change' END AS transition_type
    FROM range(${n}) t(i)`);
  if (method === 'parquet') await c.run(`COPY src TO '${file}' (FORMAT parquet)`);
  if (method === 'json') await c.run(`COPY src TO '${file}' (FORMAT json)`);
  await c.run('DROP TABLE src');
}

async function run(method: Method, n: number, dir: string): Promise<number> {
  const dbFile = join(dir, `bench-${method}-${n}.duckdb`);
  const source = join(dir, `bench-${method}-${n}.${method === 'parquet' ? 'parquet' : 'ndjson'}`);
  await rm(dbFile, { force: true });
  const instance = await DuckDBInstance.create(dbFile, { threads: '2' });
  const c = await instance.connect();
  try {
    await c.run(`CREATE TABLE facts (${COLUMNS})`);
    if (method === 'parquet' || method === 'json') await prepareSource(c, method, n, source);
    const t0 = performance.now();
    if (method === 'insert') {
      const stmt = await c.prepare('INSERT INTO facts VALUES ($1, $2, $3, $4, $5, $6, $7)');
      await c.run('BEGIN TRANSACTION');
      for (let i = 0; i < n; i++) {
        const r = record(i);
        stmt.bindInteger(1, r[0]);
        stmt.bindInteger(2, r[1]);
        stmt.bindInteger(3, r[2]);
        stmt.bindInteger(4, r[3]);
        stmt.bindInteger(5, r[4]);
        stmt.bindDouble(6, r[5]);
        stmt.bindVarchar(7, r[6]);
        await stmt.run();
      }
      await c.run('COMMIT');
    } else if (method === 'appender') {
      const a = await c.createAppender('facts');
      for (let i = 0; i < n; i++) {
        const r = record(i);
        a.appendInteger(r[0]);
        a.appendInteger(r[1]);
        a.appendInteger(r[2]);
        a.appendInteger(r[3]);
        a.appendInteger(r[4]);
        a.appendDouble(r[5]);
        a.appendVarchar(r[6]);
        a.endRow();
      }
      a.flushSync();
      a.closeSync();
    } else if (method === 'parquet') {
      await c.run(`COPY facts FROM '${source}' (FORMAT parquet)`);
    } else {
      await c.run(
        `INSERT INTO facts SELECT * FROM read_json('${source}', columns = {${COLUMNS.replace(/(\w+) (\w+)/g, "$1: '$2'")}})`,
      );
    }
    await c.run('CHECKPOINT');
    const seconds = (performance.now() - t0) / 1000;
    const check = await c.runAndReadAll('SELECT count(*) FROM facts');
    const count = Number(check.getRows()[0]?.[0]);
    if (count !== n) throw new Error(`${method}: loaded ${count} rows, expected ${n}`);
    return seconds;
  } finally {
    c.closeSync();
    instance.closeSync();
    await rm(dbFile, { force: true });
    await rm(`${dbFile}.wal`, { force: true });
    await rm(source, { force: true });
  }
}

/** The real thing: `landuse load` of a raw file, as the CLI runs it. */
async function fullLoad(input: string, dir: string): Promise<Record<string, number>> {
  const { LOAD_MEMORY_LIMIT, runLoad } = await import('../src/data/etl/load.ts');
  const db = join(dir, 'bench-full.duckdb');
  try {
    const r = await runLoad(
      { input, db, memoryLimit: LOAD_MEMORY_LIMIT, threads: 2 },
      { progress: () => {}, now: () => performance.now() },
    );
    return {
      seconds: r.seconds,
      values: r.values,
      valuesPerSecond: r.valuesPerSecond,
      rows: r.tables.fact_landuse_transitions_gcm! + r.tables.fact_landuse_transitions!,
    };
  } finally {
    await rm(db, { force: true });
  }
}

const args = JSON.parse(process.argv[2] ?? '{}') as {
  method: Method | 'full';
  records: number;
  dir: string;
  input?: string;
};
const result =
  args.method === 'full'
    ? await fullLoad(args.input!, args.dir)
    : await run(args.method, args.records, args.dir).then((seconds) => ({
        seconds,
        recordsPerSecond: args.records / seconds,
      }));
process.stdout.write(
  `${JSON.stringify({ ...result, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
