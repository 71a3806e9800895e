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

/**
 * What `load_metadata` says about the load that built a database: the dataset, when, from which
 * file, and the load's random `build_id` (absent in databases built before it was recorded).
 */
export interface LoadStamp {
  dataset: DatasetKind;
  loadedAt: string | null;
  sourceFile: string | null;
  buildId: string | null;
}

/** The query whose rows `loadStampOf` reads. */
export const LOAD_METADATA_SQL = 'SELECT key, value FROM load_metadata';

/** The stamp from `load_metadata`'s rows (`{key, value}` objects). */
export function loadStampOf(rows: readonly Record<string, unknown>[]): LoadStamp {
  const text = (v: unknown) => (typeof v === 'string' ? v : v == null ? null : JSON.stringify(v));
  const m = new Map(rows.map((r) => [text(r.key), text(r.value)]));
  return {
    dataset: m.get('dataset') === 'demo' ? 'demo' : 'rpa',
    loadedAt: m.get('loaded_at') ?? null,
    sourceFile: m.get('source_file') ?? null,
    buildId: m.get('build_id') ?? null,
  };
}
