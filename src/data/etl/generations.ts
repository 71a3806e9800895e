import { copyFile, link, rename, rm, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { AppError } from '../../domain/index.ts';
import { LOAD_METADATA_SQL, loadStampOf, type LoadStamp } from '../dataset-meta.ts';
import { openLandUseDatabase } from '../db.ts';

/**
 * The one generation kept behind the database: `data/landuse.duckdb` ->
 * `data/landuse.previous.duckdb` (generally `<name>.previous<ext>` beside it).
 */
export function previousPath(db: string): string {
  const ext = extname(db);
  return ext ? `${db.slice(0, -ext.length)}.previous${ext}` : `${db}.previous.duckdb`;
}

/**
 * Where the database being replaced waits while its successor goes in. Every move keeps the
 * served file in place at every instant: the current file is hard-linked here first, the new one
 * renamed over it (atomic), and only then this link renamed over the previous. An interrupted
 * move leaves this file behind, and `settleSwap` finishes or undoes it.
 */
function swapPath(db: string): string {
  return `${previousPath(db)}.swap`;
}

/**
 * Renames `built` (a finished database beside `db`) into place, keeping the database it replaces
 * as the previous generation (replacing an older previous). Before the rename nothing of `db`
 * or the previous is changed; if the rename fails, both are as they were.
 */
export async function installDatabase(
  built: string,
  db: string,
): Promise<{ previous: string | undefined }> {
  await settleSwap(db);
  const kept = await keepCurrent(db);
  try {
    // The target's stale WAL must never be replayed against the new file.
    await rm(`${db}.wal`, { force: true });
    await rename(built, db);
  } catch (error) {
    if (kept) await rm(kept, { force: true });
    throw error;
  }
  if (!kept) return { previous: undefined };
  const previous = previousPath(db);
  await rm(`${previous}.wal`, { force: true });
  await rename(kept, previous);
  return { previous };
}

/**
 * Puts the previous database back in place atomically; the database it replaces becomes the
 * previous one, so a second rollback undoes the first. The previous file is opened and its schema
 * checked first: a rollback never installs a file the server would refuse.
 */
export async function rollbackDatabase(db: string): Promise<{
  db: string;
  previous: string;
  /** What `db` holds now. */
  serving: LoadStamp;
  /** What it held before (now the previous); undefined when it was missing or unreadable. */
  replaced: LoadStamp | undefined;
}> {
  await settleSwap(db);
  const previous = previousPath(db);
  if (!(await exists(previous))) {
    throw new AppError(
      'rollback:no_previous',
      `There is no previous database to roll back to: ${previous} does not exist. \`landuse load\` keeps the database it replaces there, so a rollback is possible after a load.`,
    );
  }
  let serving: LoadStamp;
  try {
    serving = await readLoadStamp(previous);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError(
      'rollback:bad_previous',
      `The previous database ${previous} cannot be served (${reason}). Nothing was changed: ${db} is still in place.`,
      { cause: error },
    );
  }
  const replaced = await readLoadStamp(db).catch(() => undefined);
  const kept = await keepCurrent(db);
  try {
    await rm(`${db}.wal`, { force: true });
    await rename(previous, db);
  } catch (error) {
    if (kept) await rm(kept, { force: true });
    throw error;
  }
  if (kept) await rename(kept, previous);
  return { db, previous, serving, replaced };
}

/**
 * Finishes a move that was interrupted between its renames: a swap file that is still the served
 * file (same inode) was taken before the new file went in, and is dropped; any other is the
 * database that was replaced, and becomes the previous one. (With the copy fallback, for file
 * systems without hard links, an interruption before the new file went in keeps a copy of the
 * current file as the previous one: nothing served is lost.)
 */
export async function settleSwap(db: string): Promise<void> {
  const swap = swapPath(db);
  const kept = await stat(swap).catch(() => undefined);
  if (!kept) return;
  const current = await stat(db).catch(() => undefined);
  if (current && current.ino === kept.ino && current.dev === kept.dev) await rm(swap);
  else await rename(swap, previousPath(db));
}

/** Hard-links (else copies) the current database to the swap path; undefined when there is none. */
async function keepCurrent(db: string): Promise<string | undefined> {
  if (!(await exists(db))) return undefined;
  const swap = swapPath(db);
  try {
    await link(db, swap);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!['EPERM', 'ENOTSUP', 'EXDEV', 'EMLINK', 'ENOSYS', 'EOPNOTSUPP'].includes(code ?? '')) {
      throw error;
    }
    await copyFile(db, swap);
  }
  return swap;
}

/** The load stamp of a land use database (opened read-only, its schema version checked). */
export async function readLoadStamp(path: string): Promise<LoadStamp> {
  const database = await openLandUseDatabase(path);
  try {
    const reader = await database.connection.runAndReadAll(LOAD_METADATA_SQL);
    return loadStampOf(reader.getRowObjectsJson());
  } finally {
    database.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
