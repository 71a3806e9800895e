import { DEFAULT_SEED, writeDemoRawFile } from '../../data/demo/index.ts';
import { formatBytes, formatNumber } from '../format.ts';
import { progressBar } from '../../terminal/progress.ts';

interface DemoDataResult {
  out: string;
  counties: number;
  values: number;
  bytes: number;
  seconds: number;
}

/** `landuse demo-data`: writes the calibrated demo file (and its demo-marking sidecar). */
export async function demoDataCommand(
  opts: { out: string; seed?: number; counties?: number },
  quiet = false,
): Promise<DemoDataResult> {
  const started = performance.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const bar = quiet ? undefined : progressBar('Generating demo data');
  try {
    const written = await writeDemoRawFile(
      opts.out,
      { seed, counties: opts.counties },
      (done, total) => bar?.update(done / total, done < total ? 'writing' : 'done'),
    );
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
