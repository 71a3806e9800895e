import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { cliConfig } from '../context.ts';
import { ensureDemoDatabase } from '../../data/demo/index.ts';
import { progressBar } from '../../terminal/progress.ts';
import { infoCommand } from './info.ts';
import { serveCommand } from './serve.ts';

/**
 * `npm start`: on a fresh clone there is no database, so build the demo one (generate + load,
 * with progress), show what it holds, then run the server.
 */
export async function startCommand(opts: {
  db?: string;
  port?: number;
  workers?: number;
}): Promise<void> {
  const db = opts.db ?? cliConfig().dbPath;
  // A worker of `start --workers N` runs this command again: the primary has shown the rest.
  if (cluster.isWorker) return serveCommand({ ...opts, db });
  await ensureDatabase(db);
  await infoCommand({ db });
  process.stdout.write(
    '\nFrom another terminal, try:\n' +
      '  npx landuse ask "Which states have the most urban expansion?"\n' +
      '  npx landuse chat\n\n',
  );
  await serveCommand({
    db,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
  });
}

/** Builds the full-size demo database at `db` when there is none, with a progress bar. */
async function ensureDatabase(db: string): Promise<void> {
  if (existsSync(db)) return;
  process.stderr.write(`No database at ${db}: building the demo database (about 15 s).\n`);
  const bar = progressBar('Building the demo database');
  try {
    await ensureDemoDatabase(db, {
      threads: cliConfig().threads,
      progress: (f, s) => bar.update(f, s),
    });
  } finally {
    bar.stop();
  }
}
