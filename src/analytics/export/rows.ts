import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import type { ConnectionPool } from '../../data/pool.ts';
import { render, type SqlFragment } from '../../data/sql.ts';

/** A row of an export: the columns' values in order (strings, numbers, nulls). */
export type ExportRow = (string | number | null)[];

interface Lease {
  connection: DuckDBConnection;
  /** Hands the connection back; `healthy: false` makes the pool close and replace it. */
  release: (healthy: boolean) => void;
}

/**
 * Borrows a pool connection for longer than one call: `withConnection` lends it to a callback
 * that only settles when `release` is called, so the pool's own bookkeeping (in-use counts,
 * replacement of a connection after a failure) applies unchanged.
 */
function lease(pool: ConnectionPool): Promise<Lease> {
  return new Promise((resolve, reject) => {
    let lent = false;
    pool
      .withConnection(
        (connection) =>
          new Promise<void>((done, fail) => {
            lent = true;
            resolve({
              connection,
              release: (healthy) =>
                healthy ? done() : fail(new Error('export stream ended early')),
            });
          }),
      )
      .catch((error: unknown) => {
        // Before lending, this is the acquire error (pool busy or closed): the caller's. After,
        // it is our own "ended early" signal, already handled by the pool's replacement path.
        if (!lent) reject(error instanceof Error ? error : new Error(String(error)));
      });
  });
}

/**
 * Runs a query with DuckDB's streaming API and yields its data chunks (about 2,048 rows each) as
 * the consumer asks for them, so memory stays flat however many rows there are. The pool
 * connection is held until the last chunk is read, or until the consumer stops early (`return()`
 * on the generator, as `for await ... break` and a closed HTTP response do): the `finally` hands
 * it back then. A stream abandoned half-way leaves a pending result on its connection, so that
 * connection is replaced rather than reused.
 */
export async function* streamChunks(
  pool: ConnectionPool,
  query: SqlFragment,
): AsyncGenerator<DuckDBDataChunk, void, undefined> {
  const q = render(query);
  const { connection, release } = await lease(pool);
  let complete = false;
  try {
    const result = await connection.stream(q.text, q.params, q.types as never);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      yield chunk;
    }
    complete = true;
  } finally {
    release(complete);
  }
}

/** The same stream as rows of plain values (the export query casts every column to VARCHAR, INTEGER or DOUBLE). */
export async function* streamRows(
  pool: ConnectionPool,
  query: SqlFragment,
): AsyncGenerator<ExportRow[], void, undefined> {
  for await (const chunk of streamChunks(pool, query)) {
    yield chunk.getRows() as ExportRow[];
  }
}
