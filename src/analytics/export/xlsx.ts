import ExcelJS from 'exceljs';
import type { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ExportColumn } from './query.ts';
import type { ExportRow } from './rows.ts';

/** Excel's limit is 1,048,576 rows a sheet, the header included; more rows go on "Data 2", ... */
const XLSX_MAX_ROWS = 1_048_575;

/**
 * An xlsx workbook written with exceljs's streaming writer: a "Data" sheet (more when the rows
 * exceed Excel's sheet limit) filled chunk by chunk, then an "About" sheet with the filters,
 * units, source, row count and, for demo data, the notice. The writer runs ahead of the consumer
 * only until the output buffer is full, then waits for it to drain.
 */
export async function* xlsxBody(props: {
  columns: readonly ExportColumn[];
  chunks: AsyncIterable<ExportRow[]>;
  about: readonly (readonly [string, string])[];
  maxRowsPerSheet?: number;
}): AsyncGenerator<Uint8Array> {
  const out = new PassThrough();
  const stop = new AbortController();
  const written = write(out, props, stop.signal).then(
    () => undefined,
    (error: unknown) => {
      out.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  try {
    for await (const piece of out) yield piece as Uint8Array;
  } finally {
    // On an early stop, make the writer quit (which ends the row stream and frees its connection).
    stop.abort();
    await written;
  }
}

async function write(
  out: PassThrough,
  props: Parameters<typeof xlsxBody>[0],
  stop: AbortSignal,
): Promise<void> {
  const limit = props.maxRowsPerSheet ?? XLSX_MAX_ROWS;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  let sheetNumber = 0;
  const newSheet = () => {
    sheetNumber++;
    const sheet = workbook.addWorksheet(sheetNumber === 1 ? 'Data' : `Data ${sheetNumber}`, {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = props.columns.map((c) => ({
      header: c.name,
      key: c.name,
      width: Math.max(10, c.name.length + 2),
      ...(c.type === 'DOUBLE' ? { style: { numFmt: '#,##0.00' } } : {}),
    }));
    sheet.getRow(1).font = { bold: true };
    return sheet;
  };
  let sheet = newSheet();
  let inSheet = 0;
  let total = 0;
  for await (const rows of props.chunks) {
    if (stop.aborted) return;
    for (const row of rows) {
      if (inSheet === limit) {
        sheet.commit();
        sheet = newSheet();
        inSheet = 0;
      }
      sheet.addRow(row).commit();
      inSheet++;
      total++;
    }
    await zipCaughtUp(sheet, stop);
    if (out.writableNeedDrain) await drained(out, stop);
  }
  sheet.commit();
  const about = workbook.addWorksheet('About');
  about.columns = [
    { header: 'Field', key: 'field', width: 18 },
    { header: 'Value', key: 'value', width: 100 },
  ];
  about.getRow(1).font = { bold: true };
  for (const [field, value] of [...props.about, ['Rows', String(total)] as const]) {
    about.addRow([field, value]).commit();
  }
  about.commit();
  await workbook.commit();
}

/** Resolves when the stream can take more, when it is gone, or when the export is stopped. */
function drained(stream: EventEmitter, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stop.removeEventListener('abort', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stop.addEventListener('abort', done);
  });
}

const ZIP_BACKLOG_BYTES = 4 << 20;

/**
 * exceljs's sheet writer pushes rows into the zip's input without heeding backpressure, so when
 * deflate (or the reader) is slower than DuckDB, megabytes pile up there (about 370 MB for 275k
 * rows in a test). After each chunk, wait for that backlog to drain. This reads exceljs
 * internals (the sheet's StreamBuf and its pipes), defensively: if they are not there, it is a
 * no-op and only the output's own backpressure applies.
 */
async function zipCaughtUp(sheet: unknown, stop: AbortSignal): Promise<void> {
  const pipes = (sheet as { stream?: { pipes?: unknown } }).stream?.pipes;
  if (!Array.isArray(pipes)) return;
  for (const pipe of pipes as (EventEmitter & {
    _writableState?: { length?: number; needDrain?: boolean };
  })[]) {
    const state = pipe._writableState;
    if (state?.needDrain && (state.length ?? 0) > ZIP_BACKLOG_BYTES) await drained(pipe, stop);
  }
}
