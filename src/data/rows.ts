/**
 * Reading DuckDB results into plain rows: whole materialized results for the domain queries, and
 * streamed chunks within bounds (rows, bytes, cell length) for free-form SQL.
 */
import {
  JSDuckDBValueConverter,
  type DuckDBDataChunk,
  type DuckDBMaterializedResult,
} from '@duckdb/node-api';

/** Bounds on one streamed result (free-form SQL): rows, bytes, and the length of one cell. */
export interface ResultBounds {
  maxRows: number;
  /** Reading stops once the rows read so far would pass this many bytes (as JSON). */
  maxBytes: number;
  /** Longer strings are cut to this many characters, with a marker saying how long they were. */
  maxCellChars: number;
  timeoutMs?: number | undefined;
}

/** JSON-friendly cells: integers as numbers, timestamps as ISO strings. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * Rows gathered from streamed chunks up to the bounds: one row more than `maxRows` or the row
 * that would pass `maxBytes` stops the reading. Long strings and blobs are cut as they are read,
 * so the JavaScript side holds at most one chunk of full-size cells at a time.
 */
export class BoundedRows {
  readonly rows: Record<string, unknown>[] = [];
  bytes = 0;
  cutCells = 0;
  truncated: 'rows' | 'bytes' | undefined;

  constructor(
    private readonly columns: string[],
    private readonly bounds: ResultBounds,
  ) {}

  /** Adds a chunk's rows; false once a bound is reached (stop reading). */
  add(chunk: DuckDBDataChunk): boolean {
    for (let i = 0; i < chunk.rowCount; i++) {
      if (this.rows.length >= this.bounds.maxRows) {
        this.truncated = 'rows';
        return false;
      }
      const row: Record<string, unknown> = {};
      chunk.visitRowValues(i, (value, _row, column, type) => {
        row[this.columns[column] ?? String(column)] = this.cut(
          plain(JSDuckDBValueConverter(value, type, JSDuckDBValueConverter)),
        );
      });
      // JSON length approximates bytes on the wire (exactly, for ASCII text).
      const size = JSON.stringify(row, (_k, v: unknown) =>
        typeof v === 'bigint' ? Number(v) : v,
      ).length;
      if (this.bytes + size > this.bounds.maxBytes) {
        this.truncated = 'bytes';
        return false;
      }
      this.bytes += size;
      this.rows.push(row);
    }
    return true;
  }

  private cut(value: unknown): unknown {
    const max = this.bounds.maxCellChars;
    if (typeof value === 'string' && value.length > max) {
      this.cutCells++;
      return `${value.slice(0, max)}… [cut: ${value.length.toLocaleString('en-US')} characters]`;
    }
    if (value instanceof Uint8Array && value.length > max) {
      this.cutCells++;
      return value.subarray(0, max);
    }
    return value;
  }
}

/** Rows as plain JSON-friendly objects: integers as numbers, timestamps as ISO strings. */
export async function readRows(
  result: DuckDBMaterializedResult,
): Promise<Record<string, unknown>[]> {
  const rows = (await result.getRowObjectsJS()) as Record<string, unknown>[];
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) row[k] = plain(v);
  }
  return rows;
}
