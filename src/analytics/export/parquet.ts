import { DuckDBInstance, type DuckDBDataChunk } from '@duckdb/node-api';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportColumn } from './query.ts';
import { makeScratchDir } from './scratch.ts';

/**
 * Parquet, written by DuckDB. Not by the pool's database: it is opened read-only with external
 * access disabled and its configuration locked, so `COPY ... TO 'file'` is refused there, as it
 * must be for a database that also runs users' SQL. Instead the rows are read from the pool in
 * chunks and appended (appender, no SQL text) to a private scratch DuckDB instance in a fresh
 * temporary folder, which attaches nothing and runs only the fixed statements below; that
 * instance writes the Parquet file, which is streamed out, and the folder is removed at the end
 * (also when the consumer stops early). A folder left by a killed process carries its PID in
 * the name, and the next server start removes it (scratch.ts).
 *
 * The scratch database is a file in that folder rather than `:memory:`, with a modest memory
 * limit, so a multi-million-row export spills to disk instead of growing the process.
 */
export async function* parquetBody(props: {
  columns: readonly ExportColumn[];
  chunks: AsyncIterable<DuckDBDataChunk>;
  memoryLimit?: string;
}): AsyncGenerator<Uint8Array> {
  const dir = await makeScratchDir();
  try {
    const file = join(dir, 'export.parquet');
    await writeParquet({ ...props, dir, file });
    for await (const piece of createReadStream(file)) yield piece as Uint8Array;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeParquet(props: {
  columns: readonly ExportColumn[];
  chunks: AsyncIterable<DuckDBDataChunk>;
  memoryLimit?: string;
  dir: string;
  file: string;
}): Promise<void> {
  const instance = await DuckDBInstance.create(join(props.dir, 'scratch.duckdb'), {
    memory_limit: props.memoryLimit ?? '256MB',
    threads: '2',
    temp_directory: join(props.dir, 'tmp'),
  });
  try {
    const connection = await instance.connect();
    try {
      // Column names and types come from EXPORT_COLUMNS (program text, never input); the
      // appended chunks have exactly these types because the export query casts to them.
      const columns = props.columns.map((c) => `"${c.name}" ${c.type}`).join(', ');
      await connection.run(`CREATE TABLE export (${columns})`);
      const appender = await connection.createAppender('export');
      try {
        for await (const chunk of props.chunks) appender.appendDataChunk(chunk);
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      const target = props.file.replaceAll("'", "''");
      await connection.run(`COPY export TO '${target}' (FORMAT parquet, COMPRESSION zstd)`);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
