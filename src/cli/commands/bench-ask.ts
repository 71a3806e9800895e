import { askBenchmarkMarkdown, runAskBenchmark, writeAskBenchmark } from '../../../bench/ask.ts';
import { cliConfig } from '../context.ts';
import { progressBar } from '../progress.ts';
import { DEV_SET } from './eval.ts';
import { ensureDatabase } from './start.ts';

/** `landuse bench ask`: the development questions end to end with the offline planner. */
export async function benchAskCommand(opts: {
  db?: string;
  rounds: number;
  out: string;
}): Promise<void> {
  const config = cliConfig();
  const db = opts.db ?? config.dbPath;
  await ensureDatabase(db);
  const bar = progressBar('Benchmarking ask');
  const result = await runAskBenchmark(config, { db, set: DEV_SET, rounds: opts.rounds }, (f, s) =>
    bar.update(f, s),
  );
  bar.stop();
  const files = await writeAskBenchmark(result, opts.out);
  process.stdout.write(`${askBenchmarkMarkdown(result)}\nWrote ${files.join(' and ')}\n`);
}
