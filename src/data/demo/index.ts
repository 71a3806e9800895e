/**
 * The demo data generator: plausible, calibrated RPA-like land use transitions for the real
 * conterminous counties, written in the raw file format, for when the real archive is absent.
 */
export {
  DEFAULT_SEED,
  generateDemo,
  selectCounties,
  type DemoDataset,
  type DemoOptions,
} from './model.ts';
export {
  formatThousandths,
  writeDemoFile,
  type WriteDemoOptions,
  type WriteDemoResult,
} from './write.ts';
export {
  summarizeDemo,
  type DemoFigures,
  type DemoSummary,
  type RunFigures,
  type ScenarioFigures,
} from './calibration.ts';
export { createRng, deriveSeed, type Rng } from './rng.ts';
export { writeDemoRawFile } from './publish.ts';
export { ensureDemoDatabase } from './ensure.ts';
