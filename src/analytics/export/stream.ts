import { DEMO_NOTE } from '../common.ts';
import type { AnalyticsService } from '../open.ts';
import { exportFilename } from './filename.ts';
import { resolveExport, type ExportFormat, type ExportSpec } from './params.ts';
import { parquetBody } from './parquet.ts';
import { EXPORT_COLUMNS, exportQuery } from './query.ts';
import { streamChunks, streamRows } from './rows.ts';
import { csvBody, jsonBody, ndjsonBody } from './text.ts';
import { xlsxBody } from './xlsx.ts';

/** A ready-to-send export: what an HTTP route or the CLI needs to write it out. */
export interface ExportFile {
  filename: string;
  contentType: string;
  /**
   * The file, produced as it is read. Nothing runs until the first read; the database connection
   * is held while reading and handed back at the end or on `return()` (a `for await` that breaks,
   * `Readable.from(body)` destroyed by a closed response), so consume it or end it.
   */
  body: AsyncIterable<Uint8Array | string>;
  /** For demo data, the notice (for a response header); null for the real data. */
  notice: string | null;
  spec: ExportSpec;
}

const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  parquet: 'application/vnd.apache.parquet',
};

const EXPORT_SOURCE =
  'USDA Forest Service, 2020 RPA Assessment county land use projections (Mihiar, Lewis & Coulston 2023, RDS-2023-0026)';

/**
 * The export use case: checks and resolves the filters (a `bad_request:*` AppError listing the
 * choices for anything unknown, before any byte is produced), names the file, and returns a
 * lazily produced body. CSV, NDJSON and JSON are written chunk by chunk from DuckDB's streaming
 * result, so memory stays flat for millions of rows; xlsx streams through exceljs's writer;
 * Parquet is written by a scratch DuckDB instance (see parquet.ts for why).
 */
export function exportStream(
  service: Pick<AnalyticsService, 'ctx' | 'pool'>,
  input: unknown,
): Promise<ExportFile> {
  // A promise (not a throw) for bad input too, so callers handle every failure one way.
  return new Promise((resolve) => resolve(prepareExport(service, input)));
}

function prepareExport(
  service: Pick<AnalyticsService, 'ctx' | 'pool'>,
  input: unknown,
): ExportFile {
  const spec = resolveExport(service.ctx, input);
  const demo = service.ctx.dataset === 'demo';
  const notice = demo ? DEMO_NOTE : null;
  const columns = EXPORT_COLUMNS[spec.level];
  const names = columns.map((c) => c.name);
  const query = exportQuery(spec);
  const rows = () => streamRows(service.pool, query);
  const about = describe(spec, notice);
  const body = (): AsyncIterable<Uint8Array | string> => {
    switch (spec.format) {
      case 'csv':
        return csvBody(names, rows());
      case 'ndjson':
        return ndjsonBody(names, rows(), notice);
      case 'json':
        return jsonBody(names, rows(), notice, Object.fromEntries(about));
      case 'xlsx':
        return xlsxBody({ columns, chunks: rows(), about });
      case 'parquet':
        return parquetBody({ columns, chunks: streamChunks(service.pool, query) });
    }
  };
  return {
    filename: exportFilename(spec, demo),
    contentType: CONTENT_TYPES[spec.format],
    body: body(),
    notice,
    spec,
  };
}

/** The filters, units and source in words: the xlsx "About" sheet and the JSON `about` object. */
function describe(spec: ExportSpec, notice: string | null): [string, string][] {
  const lines: [string, string][] = [
    ['Source', EXPORT_SOURCE],
    ['Level', spec.level === 'county' ? 'County' : 'State (counties summed)'],
    ['Scenarios', spec.scenarios.map((s) => `${s.code} (${s.name})`).join(', ')],
    ['Periods', spec.periods.map((p) => p.label).join(', ')],
    [
      'Geography',
      spec.geography.states.length === 0
        ? 'Conterminous US (all states)'
        : `${spec.geography.label} (${spec.geography.states.join(', ')})`,
    ],
    [
      'Land uses',
      spec.landUses.length === 0
        ? 'All'
        : `Rows moving from or to: ${spec.landUses.map((u) => u.key).join(', ')}`,
    ],
    [
      'Units',
      spec.level === 'county'
        ? 'Acres: the mean over the scenario’s climate-model runs; std dev, min and max across those runs'
        : 'Acres: summed over the state’s counties (each the mean over the scenario’s runs)',
    ],
  ];
  if (notice) lines.push(['Notice', notice]);
  return lines;
}
