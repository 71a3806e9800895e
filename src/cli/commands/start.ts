import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cliConfig } from '../context.ts';
import { sidecarPath } from '../../data/dataset-meta.ts';
import { demoDataCommand } from './demo-data.ts';
import { infoCommand } from './info.ts';
import { loadCommand } from './load.ts';

/**
 * `npm start`: on a fresh clone there is no database, so build the demo one (generate + load,
 * with progress), then run the app. Until the server lands, "the app" is the info screen.
 */
export async function startCommand(opts: { db?: string }): Promise<void> {
  const db = opts.db ?? cliConfig().dbPath;
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
  await infoCommand({ db });
  process.stdout.write(
    '\nThe database is ready. Try:\n' +
      '  npx landuse ask "Which states have the most urban expansion?"\n' +
      '  npx landuse chat\n' +
      '  npx landuse sql "SELECT rpa_code, sum(acres) FROM v_landuse_changes WHERE to_landuse = \'Urban\' GROUP BY 1"\n',
  );
}
