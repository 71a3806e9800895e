import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { LAND_USE_CODES } from '../../domain/index.ts';
import { generateDemo, type DemoDataset, type DemoOptions } from './model.ts';

/** Options of writeDemoFile: the generator's, or a dataset generated already. */
interface WriteDemoOptions extends DemoOptions {
  /** Write this dataset instead of generating one (seed and counties are then ignored). */
  dataset?: DemoDataset;
}

/** What writeDemoFile wrote. */
export interface WriteDemoResult {
  counties: number;
  /** Numbers in the file: six per row (five uses and t1), six rows per run, period and county. */
  values: number;
  bytes: number;
}

/** Flush to the file once the pending text passes this many characters. */
const CHUNK_CHARS = 1 << 16;
const U = LAND_USE_CODES.length;

// ".5", ".25", ".125", "" for 0: the decimals of a value held in integer thousandths, trailing
// zeros dropped. A table lookup plus integer printing is several times faster than toFixed.
const DECIMALS: readonly string[] = Array.from({ length: 1000 }, (_, i) =>
  i === 0 ? '' : `.${String(i).padStart(3, '0').replace(/0+$/, '')}`,
);

/** A value in integer thousandths as compact JSON: 12345 -> "12.345", 1500 -> "1.5", 0 -> "0". */
export function formatThousandths(n: number): string {
  if (n < 0) return `-${formatThousandths(-n)}`;
  const whole = Math.floor(n / 1000);
  return `${whole}${DECIMALS[n - whole * 1000]}`;
}

/**
 * Writes the demo data as the raw RPA JSON of DATA.md, `{run: {period: {fips: [row, ...]}}}`,
 * values in hundreds of acres rounded to 3 decimals, with a "t2" column-total row per county.
 * `t1` is the sum of the row's rounded values, so it adds up exactly. Streams in 64 KB chunks and
 * waits for `drain`, so memory stays flat; writes to `path.tmp` and renames it on success, so an
 * interrupted write never leaves a half file at `path`. `onProgress(done, total)` counts county
 * blocks (runs x periods x counties).
 */
export async function writeDemoFile(
  path: string,
  options: WriteDemoOptions = {},
  onProgress?: (done: number, total: number) => void,
): Promise<WriteDemoResult> {
  const ds = options.dataset ?? generateDemo(options);
  const n = ds.counties.length;
  const periods = ds.periods.length;
  const total = ds.runs.length * periods * n;
  const tmp = `${path}.tmp`;
  const stream = createWriteStream(tmp);
  // Kept, not thrown from the listener: an 'error' with no listener would crash the process, and
  // the loop below rethrows it at its next flush.
  let failure: Error | undefined;
  stream.on('error', (error: Error) => {
    failure ??= error;
  });
  let bytes = 0;
  let done = 0;
  let text = '';

  // Every character written is ASCII (digits, codes, punctuation), so length counts bytes.
  const flush = async (): Promise<void> => {
    if (failure) throw failure;
    bytes += text.length;
    const ok = stream.write(text);
    text = '';
    // once() also rejects if the stream fails while we wait.
    if (!ok && !failure) await once(stream, 'drain');
    onProgress?.(done, total);
  };

  try {
    const cells = new Int32Array(U * U);
    text = '{';
    for (let r = 0; r < ds.runs.length; r++) {
      text += `${r > 0 ? ',' : ''}${JSON.stringify(ds.runs[r])}:{`;
      for (let p = 0; p < periods; p++) {
        text += `${p > 0 ? ',' : ''}${JSON.stringify(ds.periods[p]!.label)}:{`;
        for (let c = 0; c < n; c++) {
          const offset = ((r * periods + p) * n + c) * U * U;
          for (let k = 0; k < U * U; k++) cells[k] = Math.round(ds.flows[offset + k]! * 1000);
          text += `${c > 0 ? ',' : ''}"${ds.counties[c]!.fips}":${countyRows(cells)}`;
          done++;
          if (text.length >= CHUNK_CHARS) await flush();
        }
        text += '}';
      }
      text += '}';
    }
    text += '}\n';
    await flush();
    stream.end();
    await finished(stream);
    if (failure) throw failure;
    await rename(tmp, path);
  } catch (error) {
    stream.destroy();
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  return { counties: n, values: total * (U + 1) * (U + 1), bytes };
}

/** The six rows of one county and period, flows given in integer thousandths. */
function countyRows(cells: Int32Array): string {
  let out = '[';
  const column = [0, 0, 0, 0, 0];
  let all = 0;
  for (let from = 0; from < U; from++) {
    let sum = 0;
    let row = `{"_row":"${LAND_USE_CODES[from]}"`;
    for (let to = 0; to < U; to++) {
      const v = cells[from * U + to]!;
      sum += v;
      column[to]! += v;
      row += `,"${LAND_USE_CODES[to]}":${formatThousandths(v)}`;
    }
    all += sum;
    out += `${row},"t1":${formatThousandths(sum)}},`;
  }
  out += '{"_row":"t2"';
  for (let to = 0; to < U; to++)
    out += `,"${LAND_USE_CODES[to]}":${formatThousandths(column[to]!)}`;
  return `${out},"t1":${formatThousandths(all)}}]`;
}
