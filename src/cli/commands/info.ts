import { cliConfig } from '../context.ts';
import { readDatabaseInfo, type DatabaseInfo } from '../../data/info.ts';
import { formatAcres, formatBytes, formatNumber, table } from '../format.ts';

export const DEMO_NOTICE =
  'DEMO DATA: modelled values for the real counties, calibrated to the published 2020 RPA results; not the RPA projections themselves.';

/** `landuse info`: what the database holds. */
export async function infoCommand(opts: { db?: string; json?: boolean }): Promise<void> {
  const info = await readDatabaseInfo(opts.db ?? cliConfig().dbPath);
  process.stdout.write(
    opts.json
      ? `${JSON.stringify({ ...info, notice: info.dataset === 'demo' ? DEMO_NOTICE : null }, null, 2)}\n`
      : `${presentInfo(info)}\n`,
  );
}

function presentInfo(info: DatabaseInfo): string {
  const lines = [
    table(
      [],
      [
        ['database', `${info.path} (${formatBytes(info.fileBytes)})`],
        ['dataset', info.dataset === 'demo' ? 'demo (generated)' : 'rpa (2020 RPA Assessment)'],
        ['schema version', info.schemaVersion],
        ['loaded', `${info.loadedAt ?? 'unknown'} from ${info.sourceFile ?? 'unknown'}`],
        ['build id', info.buildId ?? 'none (built before build ids were recorded)'],
        ['scenarios', info.scenarios.join(', ')],
        ['periods', info.periods.join(', ')],
        ['runs', info.runs],
        ['counties', `${formatNumber(info.counties)} in ${info.states} states`],
        ['acres tracked', formatAcres(info.acresTracked)],
      ],
    ),
    table(
      ['table', 'rows'],
      Object.entries(info.tables).map(([t, n]) => [t, n]),
    ),
  ];
  if (info.dataset === 'demo') lines.unshift(DEMO_NOTICE);
  return lines.join('\n');
}
