import {
  queryBenchmarkMarkdown,
  runQueryBenchmark,
  writeQueryBenchmark,
} from '../../../bench/queries.ts';
import { cliConfig } from '../context.ts';
import { progressBar } from '../progress.ts';
import { ensureDatabase } from './start.ts';

/** `landuse bench queries`: every domain query, uncached, cached and straight through DuckDB. */
export async function benchQueriesCommand(opts: {
  db?: string;
  iterations: number;
  out: string;
}): Promise<void> {
  const config = cliConfig();
  const db = opts.db ?? config.dbPath;
  await ensureDatabase(db);
  const bar = progressBar('Benchmarking queries');
  const result = await runQueryBenchmark(
    { db, iterations: opts.iterations, threads: config.threads },
    (f, stage) => bar.update(f, stage),
  );
  bar.stop();
  const files = await writeQueryBenchmark(result, opts.out);
  process.stdout.write(`${queryBenchmarkMarkdown(result)}\nWrote ${files.join(' and ')}\n`);
}
