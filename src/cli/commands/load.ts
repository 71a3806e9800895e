import { cliConfig } from '../context.ts';
import { LOAD_MEMORY_LIMIT, runLoad, type LoadResult } from '../../data/etl/load.ts';
import { formatAcres, formatBytes, formatNumber, table } from '../format.ts';
import { progressBar } from '../../terminal/progress.ts';

/** `landuse load`: build the database with a progress bar, then print the summary. */
export async function loadCommand(opts: {
  input: string;
  db?: string;
  dataset?: 'demo' | 'rpa';
  json?: boolean;
  /** Skip the summary (start prints `info` instead). */
  quiet?: boolean;
}): Promise<LoadResult> {
  const config = cliConfig();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const bar = progressBar('Loading');
  try {
    const result = await runLoad(
      {
        input: opts.input,
        db: opts.db ?? config.dbPath,
        dataset: opts.dataset,
        memoryLimit: LOAD_MEMORY_LIMIT,
        threads: config.threads,
        signal: controller.signal,
      },
      { progress: (f, stage) => bar.update(f, stage), now: () => performance.now() },
    );
    bar.stop();
    if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (!opts.quiet) process.stdout.write(`${presentLoad(result)}\n`);
    else process.stderr.write(`Loaded in ${result.seconds.toFixed(1)} s.\n`);
    return result;
  } finally {
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function presentLoad(r: LoadResult): string {
  const rows = Object.entries(r.tables).map(([name, n]) => [name, n]);
  return [
    `Loaded ${r.input} (${formatBytes(r.inputBytes)}) into ${r.db}`,
    table(['table', 'rows'], rows),
    table(
      [],
      [
        ['scenarios', r.scenarios.join(', ')],
        ['periods', r.periods.join(', ')],
        ['runs', r.runs],
        ['counties', `${formatNumber(r.counties)} in ${r.states} states`],
        ['acres tracked', formatAcres(r.acresTracked)],
        ['seconds', r.seconds.toFixed(1)],
        ['values/s', formatNumber(Math.round(r.valuesPerSecond))],
        ['build id', r.buildId],
        [
          'previous',
          r.previous ? `kept as ${r.previous} (\`landuse rollback\` restores it)` : 'none',
        ],
      ],
    ),
  ].join('\n');
}
