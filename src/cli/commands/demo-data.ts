import { writeSidecar } from '../../data/dataset-meta.ts';
import { DEFAULT_SEED } from '../../data/demo/model.ts';
import { writeDemoFile } from '../../data/demo/write.ts';
import { formatBytes, formatNumber } from '../format.ts';
import { progressBar } from '../progress.ts';

export interface DemoDataResult {
  out: string;
  counties: number;
  values: number;
  bytes: number;
  seconds: number;
}

/**
 * `landuse demo-data`: writes the calibrated demo file, and beside it a `.meta.json` sidecar
 * that marks it as demo data, so `load` records the database as demo.
 */
export async function demoDataCommand(
  opts: { out: string; seed?: number; counties?: number },
  quiet = false,
): Promise<DemoDataResult> {
  const started = performance.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const bar = quiet ? undefined : progressBar('Generating demo data');
  try {
    const written = await writeDemoFile(
      opts.out,
      { seed, counties: opts.counties },
      (done, total) => bar?.update(done / total, done < total ? 'writing' : 'done'),
    );
    await writeSidecar(opts.out, {
      dataset: 'demo',
      generator: 'landuse demo-data',
      seed,
      counties: written.counties,
      createdAt: new Date().toISOString(),
    });
    bar?.stop();
    const result = { out: opts.out, ...written, seconds: (performance.now() - started) / 1000 };
    if (!quiet) {
      process.stdout.write(
        `Wrote DEMO DATA to ${opts.out}: ${formatNumber(result.counties)} counties, ` +
          `${formatNumber(result.values)} values, ${formatBytes(result.bytes)} in ${result.seconds.toFixed(1)} s (seed ${seed}).\n` +
          `Load it with: landuse load --input ${opts.out}\n`,
      );
    }
    return result;
  } finally {
    bar?.stop();
  }
}
