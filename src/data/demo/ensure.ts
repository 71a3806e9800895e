import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sidecarPath } from '../dataset-meta.ts';
import { LOAD_MEMORY_LIMIT, runLoad } from '../etl/load.ts';
import { DEFAULT_SEED } from './model.ts';
import { writeDemoRawFile } from './publish.ts';

/**
 * Builds the full-size demo database at `db` when there is none: generates the raw demo file
 * beside it, loads it, and removes the raw file. `progress` gets the fraction of the whole
 * (generation is the first fifth) and the stage. Returns whether it built one.
 */
export async function ensureDemoDatabase(
  db: string,
  opts: { threads?: number; progress?: (fraction: number, stage: string) => void } = {},
): Promise<boolean> {
  if (existsSync(db)) return false;
  const raw = join(dirname(db), 'demo-raw.json');
  const progress = opts.progress ?? (() => {});
  try {
    await writeDemoRawFile(raw, { seed: DEFAULT_SEED }, (done, total) =>
      progress((0.2 * done) / total, 'generating demo data'),
    );
    await runLoad(
      { input: raw, db, memoryLimit: LOAD_MEMORY_LIMIT, threads: opts.threads },
      { progress: (f, stage) => progress(0.2 + 0.8 * f, stage), now: () => performance.now() },
    );
    return true;
  } finally {
    await rm(raw, { force: true });
    await rm(sidecarPath(raw), { force: true });
  }
}
