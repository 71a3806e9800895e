import {
  runServerBenchmark,
  serverBenchmarkMarkdown,
  writeServerBenchmark,
} from '../../../bench/server.ts';
import { cliConfig } from '../context.ts';
import { progressBar } from '../progress.ts';
import { ensureDatabase } from './start.ts';

/** `landuse bench server`: autocannon against `landuse serve` at 50 connections. */
export async function benchServerCommand(opts: {
  db?: string;
  seconds: number;
  out: string;
}): Promise<void> {
  const db = opts.db ?? cliConfig().dbPath;
  await ensureDatabase(db);
  const bar = progressBar('Benchmarking the HTTP API');
  const result = await runServerBenchmark({ db, seconds: opts.seconds }, (f, s) =>
    bar.update(f, s),
  );
  bar.stop();
  const files = await writeServerBenchmark(result, opts.out);
  process.stdout.write(`${serverBenchmarkMarkdown(result)}\nWrote ${files.join(' and ')}\n`);
}
