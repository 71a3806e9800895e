import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { AppError } from '../domain/index.ts';
import { OLDEST_READABLE_SCHEMA_VERSION, SCHEMA_VERSION } from './schema.ts';

interface OpenOptions {
  readOnly?: boolean;
  /** DuckDB memory limit, e.g. "2GB". */
  memoryLimit?: string;
  threads?: number;
}

export interface Database {
  readonly path: string;
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  close(): void;
}

/** Opens a DuckDB file (or ':memory:') with one connection. The caller closes it. */
export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Database> {
  const settings: Record<string, string> = {};
  if (options.readOnly) settings.access_mode = 'READ_ONLY';
  if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
  if (options.threads) settings.threads = String(options.threads);
  const instance = await DuckDBInstance.create(path, settings);
  const connection = await instance.connect();
  return {
    path,
    instance,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Opens an existing land use database read-only and checks its schema version, so that code
 * never runs against a layout it does not understand.
 */
export async function openLandUseDatabase(
  path: string,
  options: Omit<OpenOptions, 'readOnly'> = {},
): Promise<Database> {
  if (!existsSync(path)) {
    throw new AppError(
      'db:missing',
      `No database at ${path}. Build one with \`landuse load --input FILE\` (or run \`npm start\`, which builds the demo database).`,
    );
  }
  const db = await openDatabase(path, { ...options, readOnly: true });
  try {
    await checkSchemaVersion(db.connection, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Throws a message that says to re-run `landuse load` when the schema version is not one this
 * code reads (an older readable one lacks only the rollups, which the queries then do without).
 */
export async function checkSchemaVersion(
  connection: DuckDBConnection,
  path: string,
): Promise<void> {
  const version = await schemaVersion(connection);
  if (
    version === undefined ||
    version < OLDEST_READABLE_SCHEMA_VERSION ||
    version > SCHEMA_VERSION
  ) {
    throw new AppError(
      'db:schema_version',
      `${path} has schema version ${version ?? 'none'}, but this version of landuse reads versions ${OLDEST_READABLE_SCHEMA_VERSION} to ${SCHEMA_VERSION}. Re-run \`landuse load --input FILE --db ${path}\` to rebuild it.`,
    );
  }
}

async function schemaVersion(connection: DuckDBConnection): Promise<number | undefined> {
  const exists = await rows(
    connection,
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'schema_version'`,
  );
  if (Number(exists[0]?.n ?? 0) === 0) return undefined;
  const v = await rows(connection, 'SELECT max(version) AS v FROM schema_version');
  const value = v[0]?.v;
  return value === null || value === undefined ? undefined : Number(value);
}

/** Runs a query with bound parameters and returns its rows as plain objects (JSON-friendly). */
async function rows(
  connection: DuckDBConnection,
  sql: string,
  params: DuckDBValue[] = [],
): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJson();
}
