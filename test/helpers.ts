import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { openAnalytics, type AnalyticsService } from '../src/analytics/open.ts';
import { loadConfig } from '../src/config/index.ts';
import { openLandUseDatabase } from '../src/data/db.ts';
import { runLoad } from '../src/data/etl/load.ts';

/** The fields of an answer (`landuse ask --json`, POST /api/ask, the chat stream's final event). */
export const ASK_RESULT_KEYS = [
  'answer',
  'dataset',
  'followUps',
  'metrics',
  'provider',
  'scenario',
  'sources',
  'tables',
  'threadId',
  'timings',
  'toolCalls',
  'usage',
  'years',
];

export const HAND_MADE = join(import.meta.dirname, 'fixtures', 'hand-made.json');

/** A temporary directory, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(os.tmpdir(), 'landuse-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

export async function writeJson(path: string, value: unknown): Promise<string> {
  await writeFile(path, JSON.stringify(value));
  return path;
}

/** Runs a query on a database read-only and returns plain rows (numbers as numbers). */
export async function query(dbPath: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await openLandUseDatabase(dbPath);
  try {
    const reader = await db.connection.runAndReadAll(sql);
    return reader
      .getRowObjects()
      .map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
        ),
      );
  } finally {
    db.close();
  }
}

export const quietEffects = { progress: () => {}, now: () => performance.now() };

/**
 * The hand-made fixture loaded into a fresh database in a temporary folder and opened as the
 * analytics service the CLI and agent use (read-only pool, guard, optional cache).
 */
export async function openHandMade(options: { cache?: boolean; poolSize?: number } = {}): Promise<{
  service: AnalyticsService;
  db: string;
  cleanup: () => Promise<void>;
}> {
  const t = await tempDir();
  const db = join(t.dir, 'hand.duckdb');
  await runLoad({ input: HAND_MADE, db }, quietEffects);
  const service = await openAnalytics(loadConfig({ LANDUSE_DB_PATH: db }), {
    cache: options.cache ?? false,
    poolSize: options.poolSize ?? 2,
  });
  return {
    service,
    db,
    cleanup: async () => {
      await service.close();
      await t.cleanup();
    },
  };
}
