/**
 * The export use case, independent of transport: parameters (one zod schema for the route and
 * the CLI), the export query, file names, and streamed bodies in five formats.
 */
export { exportParams, resolveExport } from './params.ts';
export { exportQuery } from './query.ts';
export { streamRows } from './rows.ts';
export { csvBody, csvField } from './text.ts';
export { xlsxBody } from './xlsx.ts';
export { SCRATCH_PREFIX, removeStaleScratchDirs } from './scratch.ts';
export { exportStream, type ExportFile } from './stream.ts';
