import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';

/** Where the data in a database came from: the generator's demo data or the real RPA file. */
export const DATASETS = ['demo', 'rpa'] as const;
export type DatasetKind = (typeof DATASETS)[number];

/**
 * A raw file's sidecar (`FILE.meta.json`): the raw format has no room for provenance, so the demo
 * generator writes this beside its output and `load` reads it to record the dataset as demo.
 */
const sidecarSchema = z.object({
  dataset: z.enum(DATASETS),
  generator: z.string().optional(),
  seed: z.number().optional(),
  counties: z.number().optional(),
  createdAt: z.string().optional(),
});
type Sidecar = z.infer<typeof sidecarSchema>;

export function sidecarPath(rawFile: string): string {
  return `${rawFile}.meta.json`;
}

export async function writeSidecar(rawFile: string, meta: Sidecar): Promise<void> {
  await writeFile(sidecarPath(rawFile), `${JSON.stringify(meta, null, 2)}\n`);
}

/** The sidecar of a raw file, or undefined when there is none or it cannot be read. */
export async function readSidecar(rawFile: string): Promise<Sidecar | undefined> {
  try {
    return sidecarSchema.parse(JSON.parse(await readFile(sidecarPath(rawFile), 'utf8')));
  } catch {
    return undefined;
  }
}
