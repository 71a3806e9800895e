import { rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import {
  METHODS,
  loadBenchmarkMarkdown,
  runLoadBenchmark,
  writeLoadBenchmark,
  type Method,
} from '../../../bench/load.ts';
import { AppError } from '../../domain/index.ts';
import { demoDataCommand } from './demo-data.ts';
import { progressBar } from '../progress.ts';

/** `landuse bench load`: every loading method at each size, and the full `landuse load`. */
export async function benchLoadCommand(opts: {
  records: number[];
  methods?: string[];
  out: string;
  full?: boolean;
}): Promise<void> {
  const methods = (opts.methods ?? [...METHODS]).map((m) => {
    if (!(METHODS as readonly string[]).includes(m)) {
      throw new AppError(
        'usage:bad_method',
        `Unknown method "${m}"; expected any of ${METHODS.join(', ')}.`,
      );
    }
    return m as Method;
  });
  const fullInput =
    opts.full === false ? undefined : join(os.tmpdir(), `landuse-bench-full-${process.pid}.json`);
  try {
    if (fullInput) await demoDataCommand({ out: fullInput }, true);
    const bar = progressBar('Benchmarking loads');
    const result = await runLoadBenchmark(
      { records: opts.records, methods, out: opts.out, fullInput },
      (f, stage) => bar.update(f, stage),
    );
    bar.stop();
    const files = await writeLoadBenchmark(result, opts.out);
    process.stdout.write(`${loadBenchmarkMarkdown(result)}\nWrote ${files.join(' and ')}\n`);
  } finally {
    if (fullInput) {
      await rm(fullInput, { force: true });
      await rm(`${fullInput}.meta.json`, { force: true });
    }
  }
}
