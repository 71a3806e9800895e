import type { ExportRow } from './rows.ts';

/** One CSV field per RFC 4180: quoted (quotes doubled) when it holds a comma, quote or line break. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (values: readonly (string | number | null)[]) =>
  `${values.map(csvField).join(',')}\r\n`;

/**
 * CSV: a header line, then one line per row, CRLF line ends (RFC 4180). No comment lines (CSV
 * readers choke on them): the demo notice travels in the file name and the HTTP header.
 */
export async function* csvBody(
  columns: readonly string[],
  chunks: AsyncIterable<ExportRow[]>,
): AsyncGenerator<string> {
  yield csvLine(columns);
  for await (const rows of chunks) yield rows.map(csvLine).join('');
}

function rowObject(columns: readonly string[], row: ExportRow): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  columns.forEach((c, i) => (o[c] = row[i] ?? null));
  return o;
}

/** NDJSON: one object per line; when the data is demo data, a first line `{"notice": ...}`. */
export async function* ndjsonBody(
  columns: readonly string[],
  chunks: AsyncIterable<ExportRow[]>,
  notice: string | null,
): AsyncGenerator<string> {
  if (notice) yield `${JSON.stringify({ notice })}\n`;
  for await (const rows of chunks) {
    yield rows.map((r) => `${JSON.stringify(rowObject(columns, r))}\n`).join('');
  }
}

/**
 * JSON: one object `{"notice", "about", "columns", "rows": [...]}`, written piece by piece so the
 * rows array is never held whole. `notice` is null for the real data (a stable shape for clients).
 */
export async function* jsonBody(
  columns: readonly string[],
  chunks: AsyncIterable<ExportRow[]>,
  notice: string | null,
  about: Record<string, unknown>,
): AsyncGenerator<string> {
  yield `{"notice":${JSON.stringify(notice)},"about":${JSON.stringify(about)},"columns":${JSON.stringify(columns)},"rows":[`;
  let first = true;
  for await (const rows of chunks) {
    if (rows.length === 0) continue;
    const text = rows.map((r) => JSON.stringify(rowObject(columns, r))).join(',');
    yield first ? text : `,${text}`;
    first = false;
  }
  yield ']}\n';
}
