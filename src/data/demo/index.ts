/**
 * The demo data generator: plausible, calibrated RPA-like land use transitions for the real
 * conterminous counties, written in the raw file format, for when the real archive is absent.
 */
export { DEFAULT_SEED } from './model.ts';
export { writeDemoRawFile } from './publish.ts';
export { ensureDemoDatabase } from './ensure.ts';
