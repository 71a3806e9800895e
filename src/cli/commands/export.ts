import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { exportStream } from '../../analytics/export/index.ts';
import { openAnalytics } from '../../analytics/open.ts';
import { cliConfig } from '../context.ts';
import { formatBytes } from '../format.ts';

/** The export's filters as the command line spells them: `--year-range` for `year_range`. */
export interface ExportOptions {
  format?: string;
  states?: string;
  scenarios?: string;
  yearRange?: string;
  landUse?: string;
  level?: string;
  out?: string;
  db?: string;
}

/**
 * `landuse export`: the same file as `GET /api/export`, with the same parameters (one schema),
 * written to `--out` (default: the export's own file name here; `-` for stdout). The file is
 * written beside its target and renamed at the end, so a failed export leaves nothing half-done.
 */
export async function exportCommand(opts: ExportOptions): Promise<void> {
  const service = await openAnalytics(cliConfig(), { path: opts.db, cache: false, poolSize: 1 });
  try {
    const file = await exportStream(service, {
      format: opts.format,
      states: opts.states,
      scenarios: opts.scenarios,
      year_range: opts.yearRange,
      land_use: opts.landUse,
      level: opts.level,
    });
    if (opts.out === '-') {
      // A reader that stops early (`| head`) is not an error.
      await pipeline(Readable.from(file.body), process.stdout, { end: false }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EPIPE') throw error;
        },
      );
    } else {
      const target = opts.out ?? file.filename;
      const temp = `${target}.partial-${process.pid}`;
      let bytes = 0;
      const counted = Readable.from(file.body).on('data', (chunk: Buffer | string) => {
        bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      });
      try {
        await pipeline(counted, createWriteStream(temp));
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      process.stderr.write(`Wrote ${target} (${formatBytes(bytes)}).\n`);
    }
    if (file.notice) process.stderr.write(`${file.notice}\n`);
  } finally {
    await service.close();
  }
}
