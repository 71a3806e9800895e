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
export async function startCommand(opts: { db?: string; port?: number }): Promise<void> {
  const db = opts.db ?? cliConfig().dbPath;
  await ensureDatabase(db);
  await infoCommand({ db });
  process.stdout.write(
    '\nFrom another terminal, try:\n' +
      '  npx landuse ask "Which states have the most urban expansion?"\n' +
      '  npx landuse chat\n\n',
  );
  await serveCommand({ db, ...(opts.port !== undefined ? { port: opts.port } : {}) });
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
