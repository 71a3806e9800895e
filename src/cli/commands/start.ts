import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cliConfig } from '../context.ts';
import { sidecarPath } from '../../data/dataset-meta.ts';
import { demoDataCommand } from './demo-data.ts';
import { infoCommand } from './info.ts';
import { loadCommand } from './load.ts';
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

/** Builds the full-size demo database at `db` when there is none (generate + load, with progress). */
export async function ensureDatabase(db: string): Promise<void> {
  if (!existsSync(db)) {
    process.stderr.write(`No database at ${db}: building the demo database (about 15 s).\n`);
    const raw = join(dirname(db), 'demo-raw.json');
    try {
      await demoDataCommand({ out: raw });
      await loadCommand({ input: raw, db, quiet: true });
    } finally {
      await rm(raw, { force: true });
      await rm(sidecarPath(raw), { force: true });
    }
  }
}
