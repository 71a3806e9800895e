import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeSidecar } from '../dataset-meta.ts';
import { DEFAULT_SEED, type DemoOptions } from './model.ts';
import { writeDemoFile, type WriteDemoResult } from './write.ts';

/**
 * Writes a demo raw file and, beside it, the `.meta.json` sidecar that marks it as demo data,
 * so that `load` records the database as demo and every screen can say so.
 */
export async function writeDemoRawFile(
  out: string,
  options: DemoOptions = {},
  onProgress?: (done: number, total: number) => void,
): Promise<WriteDemoResult & { seed: number }> {
  const seed = options.seed ?? DEFAULT_SEED;
  await mkdir(dirname(out), { recursive: true });
  const written = await writeDemoFile(out, { ...options, seed }, onProgress);
  await writeSidecar(out, {
    dataset: 'demo',
    generator: 'landuse demo-data',
    seed,
    counties: written.counties,
    createdAt: new Date().toISOString(),
  });
  return { ...written, seed };
}
