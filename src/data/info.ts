import { stat } from 'node:fs/promises';
import { openLandUseDatabase } from './db.ts';
import { SCHEMA_VERSION } from './schema.ts';
import { summarizeDatabase, type DatabaseSummary } from './etl/summary.ts';
import type { DatasetKind } from './dataset-meta.ts';

export interface DatabaseInfo extends DatabaseSummary {
  path: string;
  dataset: DatasetKind;
  schemaVersion: number;
  loadedAt: string | null;
  sourceFile: string | null;
  /** The load's random id: what /health reports and the cache keys carry (null before it was recorded). */
  buildId: string | null;
  fileBytes: number;
}

/** What a land use database holds, read through a read-only connection. */
export async function readDatabaseInfo(path: string): Promise<DatabaseInfo> {
  const db = await openLandUseDatabase(path);
  try {
    const summary = await summarizeDatabase(db.connection);
    const meta = await db.connection.runAndReadAll('SELECT key, value FROM load_metadata');
    const m = new Map(meta.getRows().map(([k, v]) => [String(k), v === null ? null : String(v)]));
    // The version the file was built with (an older one stays readable), not this code's.
    const version = await db.connection.runAndReadAll('SELECT max(version) FROM schema_version');
    return {
      path,
      dataset: m.get('dataset') === 'demo' ? 'demo' : 'rpa',
      schemaVersion: Number(version.getRows()[0]?.[0] ?? SCHEMA_VERSION),
      loadedAt: m.get('loaded_at') ?? null,
      sourceFile: m.get('source_file') ?? null,
      buildId: m.get('build_id') ?? null,
      fileBytes: (await stat(path)).size,
      ...summary,
    };
  } finally {
    db.close();
  }
}
