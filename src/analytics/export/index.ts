/**
 * The export use case, independent of transport: parameters (one zod schema for the route and
 * the CLI), the export query, file names, and streamed bodies in five formats.
 */
export {
  EXPORT_FORMATS,
  EXPORT_LEVELS,
  exportParams,
  parseExportParams,
  resolveExport,
  type ExportFormat,
  type ExportLevel,
  type ExportParams,
  type ExportParamsInput,
  type ExportSpec,
} from './params.ts';
export { EXPORT_COLUMNS, exportQuery, type ExportColumn } from './query.ts';
export { exportFilename } from './filename.ts';
export { streamChunks, streamRows, type ExportRow } from './rows.ts';
export { csvBody, csvField, jsonBody, ndjsonBody } from './text.ts';
export { XLSX_MAX_ROWS, xlsxBody } from './xlsx.ts';
export { SCRATCH_PREFIX, removeStaleScratchDirs } from './scratch.ts';
export { CONTENT_TYPES, EXPORT_SOURCE, exportStream, type ExportFile } from './stream.ts';
