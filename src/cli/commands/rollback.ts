import { cliConfig } from '../context.ts';
import { rollbackDatabase } from '../../data/etl/generations.ts';
import type { LoadStamp } from '../../data/dataset-meta.ts';
import { table } from '../format.ts';

/**
 * `landuse rollback`: puts the previous database back in place (atomic rename); the database it
 * replaces becomes the previous one, so a second rollback undoes the first. Running servers
 * switch to it on their own.
 */
export async function rollbackCommand(opts: { db?: string; json?: boolean }): Promise<void> {
  const result = await rollbackDatabase(opts.db ?? cliConfig().dbPath);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${[
      `Rolled back ${result.db} to the previous database. Running servers switch to it within seconds.`,
      table(
        ['', 'dataset', 'loaded', 'build id'],
        [
          ['now served', ...stampRow(result.serving)],
          [`kept as ${result.previous}`, ...stampRow(result.replaced)],
        ],
      ),
      'Run `landuse rollback` again to undo this.',
    ].join('\n')}\n`,
  );
}

function stampRow(stamp: LoadStamp | undefined): string[] {
  if (!stamp) return ['unreadable', '', ''];
  return [stamp.dataset, stamp.loadedAt ?? 'unknown', stamp.buildId ?? 'none (an older load)'];
}
