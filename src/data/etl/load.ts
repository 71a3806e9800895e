import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { AppError, isAppError } from '../../domain/index.ts';
import { conterminousCounties } from '../counties.ts';
import { readSidecar, type DatasetKind } from '../dataset-meta.ts';
import { openDatabase, type Database } from '../db.ts';
import {
  buildDimensions,
  insertCombinedFacts,
  insertGcmFacts,
  insertRollups,
  keyRuns,
} from './build.ts';
import { installDatabase } from './generations.ts';
import { createLookupTables, insertValues } from './lookups.ts';
import { checkInputFile, readRawFile } from './read.ts';
import { summarizeDatabase, type DatabaseSummary } from './summary.ts';
import { validateRawRows } from './validate.ts';

/** DuckDB needs room for the parsed JSON document while loading (peak RSS ~1.7 GB at full size). */
export const LOAD_MEMORY_LIMIT = '3GB';

interface LoadOptions {
  input: string;
  db: string;
  /** Overrides the dataset kind; otherwise the input's sidecar says (demo), or 'rpa'. */
  dataset?: DatasetKind;
  memoryLimit?: string;
  threads?: number;
  /** Aborting interrupts the running query; the previous database stays as it was. */
  signal?: AbortSignal;
}

interface LoadEffects {
  /** Called with the overall fraction done (0..1) and the current stage's label. */
  progress(fraction: number, stage: string): void;
  now(): number;
}

export interface LoadResult extends DatabaseSummary {
  input: string;
  db: string;
  /** Where the database this load replaced was kept (undefined when there was none). */
  previous: string | undefined;
  /** The load's random id (load_metadata's build_id), the content half of the cache keys. */
  buildId: string;
  inputBytes: number;
  seconds: number;
  /** Transition values read from the file (5 per row). */
  values: number;
  valuesPerSecond: number;
  /** Seconds each stage took (read, validate, dims, gcm, facts, combined, rollups, commit). */
  stageSeconds: Record<string, number>;
}

const STAGES = [
  { key: 'read', label: 'Reading JSON', weight: 45 },
  { key: 'validate', label: 'Validating', weight: 20 },
  { key: 'dims', label: 'Dimensions', weight: 2 },
  { key: 'gcm', label: 'Keying runs', weight: 3 },
  { key: 'facts', label: 'Run facts', weight: 12 },
  { key: 'combined', label: 'Scenario means', weight: 14 },
  { key: 'rollups', label: 'Rollups', weight: 3 },
  { key: 'commit', label: 'Committing', weight: 4 },
] as const;
type StageKey = (typeof STAGES)[number]['key'];
const TOTAL_WEIGHT = STAGES.reduce((s, x) => s + x.weight, 0);
/** Roughly how fast DuckDB parses the raw JSON here (about 45 MB/s), for the progress estimate. */
const PARSE_BYTES_PER_MS = 45_000;

const defaultEffects: LoadEffects = { progress: () => {}, now: () => performance.now() };

/**
 * Loads a raw RPA JSON file into a new star-schema database. Builds into a temporary file
 * beside the target and renames it into place only when everything succeeded, so a failed or
 * interrupted load leaves the current database (and the kept previous one) untouched. The
 * database it replaces becomes the previous generation (`landuse rollback` puts it back).
 */
export async function runLoad(
  options: LoadOptions,
  effects: LoadEffects = defaultEffects,
): Promise<LoadResult> {
  const started = effects.now();
  const temp = `${options.db}.loading-${process.pid}`;
  const buildId = randomUUID();

  let db: Database | undefined;
  let timer: NodeJS.Timeout | undefined;
  let done = 0;
  let current: (typeof STAGES)[number] = STAGES[0];
  const report = (within = 0) =>
    effects.progress(Math.min(1, (done + current.weight * within) / TOTAL_WEIGHT), current.label);
  const stageSeconds: Record<string, number> = {};
  const stage = async <T>(key: StageKey, work: () => Promise<T>): Promise<T> => {
    current = STAGES.find((s) => s.key === key)!;
    report();
    const t0 = effects.now();
    const result = await work();
    stageSeconds[key] = (effects.now() - t0) / 1000;
    done += current.weight;
    return result;
  };

  try {
    const { bytes } = await checkInputFile(options.input);
    const sidecar = await readSidecar(options.input);
    const dataset = options.dataset ?? sidecar?.dataset ?? 'rpa';
    await mkdir(dirname(options.db) || '.', { recursive: true });
    await removeDatabaseFiles(temp);
    db = await openDatabase(temp, { memoryLimit: options.memoryLimit, threads: options.threads });
    await db.connection.run('SET preserve_insertion_order = false');
    const connection = db.connection;
    const onAbort = () => connection.interrupt();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // DuckDB reports progress for scans; its one-value JSON parse reports none, so that stage
    // moves on an estimate from the file size (capped below its end) instead of sitting at 0 %.
    let stageStarted = effects.now();
    let stageLabel = '';
    timer = setInterval(() => {
      if (current.label !== stageLabel) {
        stageLabel = current.label;
        stageStarted = effects.now();
      }
      const p = connection.progress.percentage;
      if (p > 0) report(p / 100);
      else if (current.key === 'read') {
        const expectedMs = bytes / PARSE_BYTES_PER_MS;
        report(Math.min(0.95, (effects.now() - stageStarted) / expectedMs));
      }
    }, 100);

    const { stringNumbers } = await stage('read', async () => {
      await createLookupTables(connection, conterminousCounties());
      return readRawFile(connection, options.input);
    });
    await stage('validate', () => validateRawRows(connection, options.input, stringNumbers));
    const values = await stage('dims', async () => {
      const n = await connection.runAndReadAll(
        `SELECT count(*) * 5 FROM raw_rows WHERE row_code <> 't2'`,
      );
      await buildDimensions(connection);
      return Number(n.getRows()[0]?.[0] ?? 0);
    });
    await stage('gcm', () => keyRuns(connection));
    await stage('facts', () => insertGcmFacts(connection));
    await stage('combined', () => insertCombinedFacts(connection));
    await stage('rollups', () => insertRollups(connection));
    const summary = await stage('commit', async () => {
      await insertValues(connection, 'load_metadata', [
        ['dataset', dataset],
        ['source_file', basename(options.input)],
        ['source_bytes', String(bytes)],
        ['loaded_at', new Date().toISOString()],
        ['demo_seed', sidecar?.seed === undefined ? null : String(sidecar.seed)],
        // Names this load's contents: servers reading copies of the file share cache keys.
        ['build_id', buildId],
      ]);
      const s = await summarizeDatabase(connection);
      await connection.run('CHECKPOINT');
      return s;
    });
    clearInterval(timer);
    timer = undefined;
    options.signal?.removeEventListener('abort', onAbort);
    db.close();
    db = undefined;
    options.signal?.throwIfAborted();
    const { previous } = await installDatabase(temp, options.db);
    done = TOTAL_WEIGHT;
    effects.progress(1, 'Done');
    const seconds = (effects.now() - started) / 1000;
    return {
      ...summary,
      input: options.input,
      db: options.db,
      previous,
      buildId,
      inputBytes: bytes,
      seconds,
      values,
      valuesPerSecond: values / seconds,
      stageSeconds,
    };
  } catch (error) {
    throw explain(error, options);
  } finally {
    if (timer) clearInterval(timer);
    db?.close();
    await removeDatabaseFiles(temp);
  }
}

/** Adds "nothing was changed" to every load error, and turns DuckDB's interrupt into ours. */
function explain(error: unknown, options: LoadOptions): AppError {
  const untouched = ` Nothing was written: ${options.db} is unchanged.`;
  if (options.signal?.aborted) {
    return new AppError('load:interrupted', `The load was interrupted.${untouched}`, {
      cause: error,
    });
  }
  if (isAppError(error)) {
    return new AppError(error.code, `${error.message}${untouched}`, {
      cause: error.cause,
      details: { ...error.details },
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('load:failed', `Loading ${options.input} failed: ${message}.${untouched}`, {
    cause: error,
  });
}

async function removeDatabaseFiles(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(`${path}.wal`, { force: true });
}
