/**
 * The files behind data reloads: `landuse load` keeps the database it replaces as the previous
 * generation, `landuse rollback` swaps it back (and a second rollback undoes the first), a failed
 * load touches neither file, and an interrupted swap is settled by the next move.
 */
import { execFile } from 'node:child_process';
import { link, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  installDatabase,
  previousPath,
  readLoadStamp,
  rollbackDatabase,
  settleSwap,
} from '../src/data/etl/generations.ts';
import { runLoad } from '../src/data/etl/load.ts';
import { HAND_MADE, quietEffects, sha256, tempDir } from './helpers.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'landuse.js');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function folder(): Promise<string> {
  const t = await tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

const buildId = async (path: string) => (await readLoadStamp(path)).buildId;
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Runs `landuse ...`; resolves with the exit code instead of throwing. */
async function landuse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('database generations on disk', () => {
  it('names the previous file beside the database', () => {
    expect(previousPath('data/landuse.duckdb')).toBe('data/landuse.previous.duckdb');
    expect(previousPath('/srv/x/other.db')).toBe('/srv/x/other.previous.db');
    expect(previousPath('plain')).toBe('plain.previous.duckdb');
  });

  it('load records a random build id and keeps the database it replaces, one generation', async () => {
    const dir = await folder();
    const db = join(dir, 'landuse.duckdb');
    const previous = join(dir, 'landuse.previous.duckdb');

    const first = await runLoad({ input: HAND_MADE, db }, quietEffects);
    expect(first.buildId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.previous).toBeUndefined();
    expect(await buildId(db)).toBe(first.buildId);
    expect(await exists(previous)).toBe(false);

    const second = await runLoad({ input: HAND_MADE, db }, quietEffects);
    expect(second.buildId).not.toBe(first.buildId);
    expect(second.previous).toBe(previous);
    expect(await buildId(db)).toBe(second.buildId);
    expect(await buildId(previous)).toBe(first.buildId);

    // A third load replaces the older previous: one generation is kept.
    const third = await runLoad({ input: HAND_MADE, db }, quietEffects);
    expect(await buildId(db)).toBe(third.buildId);
    expect(await buildId(previous)).toBe(second.buildId);
    expect(await exists(`${previous}.swap`)).toBe(false);
  });

  it('a failed load leaves the database and its previous as they were', async () => {
    const dir = await folder();
    const db = join(dir, 'landuse.duckdb');
    const previous = previousPath(db);
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    const before = [await sha256(db), await sha256(previous)];
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"not": "the raw format"');
    await expect(runLoad({ input: bad, db }, quietEffects)).rejects.toThrow(/unchanged/);
    expect([await sha256(db), await sha256(previous)]).toEqual(before);
  });

  it('rollback swaps the previous back, and a second rollback undoes the first', async () => {
    const dir = await folder();
    const db = join(dir, 'landuse.duckdb');
    const a = (await runLoad({ input: HAND_MADE, db }, quietEffects)).buildId;
    const b = (await runLoad({ input: HAND_MADE, db }, quietEffects)).buildId;

    const back = await rollbackDatabase(db);
    expect(back.serving.buildId).toBe(a);
    expect(back.replaced?.buildId).toBe(b);
    expect(await buildId(db)).toBe(a);
    expect(await buildId(previousPath(db))).toBe(b);

    await rollbackDatabase(db);
    expect(await buildId(db)).toBe(b);
    expect(await buildId(previousPath(db))).toBe(a);
  });

  it('rollback without a previous database fails clearly and changes nothing', async () => {
    const dir = await folder();
    const db = join(dir, 'landuse.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    const before = await sha256(db);
    await expect(rollbackDatabase(db)).rejects.toMatchObject({
      code: 'rollback:no_previous',
      message: expect.stringContaining('landuse.previous.duckdb does not exist') as string,
    });
    expect(await sha256(db)).toBe(before);
  });

  it('rollback refuses a previous file that cannot be served', async () => {
    const dir = await folder();
    const db = join(dir, 'landuse.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    const before = await sha256(db);
    await writeFile(previousPath(db), 'not a database at all');
    await expect(rollbackDatabase(db)).rejects.toMatchObject({ code: 'rollback:bad_previous' });
    expect(await sha256(db)).toBe(before);
  });

  it('settles a swap interrupted before or after the new file went in', async () => {
    const dir = await folder();
    const db = join(dir, 'landuse.duckdb');
    const previous = previousPath(db);
    const a = (await runLoad({ input: HAND_MADE, db }, quietEffects)).buildId;
    const b = (await runLoad({ input: HAND_MADE, db }, quietEffects)).buildId;

    // Interrupted before the rename: the swap is still the current file; it is dropped.
    await link(db, `${previous}.swap`);
    const built = join(dir, 'built.duckdb');
    const c = (await runLoad({ input: HAND_MADE, db: built }, quietEffects)).buildId;
    await installDatabase(built, db);
    expect(await buildId(db)).toBe(c);
    expect(await buildId(previous)).toBe(b);

    // A rollback interrupted after its rename: the swap holds the replaced database (c), which
    // becomes the previous one.
    await link(db, `${previous}.swap`);
    await rename(previous, db);
    await settleSwap(db);
    expect(await buildId(db)).toBe(b);
    expect(await buildId(previous)).toBe(c);
    expect(await exists(`${previous}.swap`)).toBe(false);
    expect(a).not.toBe(c);
  });

  it('`landuse rollback` prints what is served now, and fails with exit 1 when there is nothing to roll back to', async () => {
    const dir = await folder();
    const db = join(dir, 'landuse.duckdb');
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    const none = await landuse(['rollback', '--db', db]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('There is no previous database to roll back to');

    const a = (await buildId(db))!;
    await runLoad({ input: HAND_MADE, db }, quietEffects);
    const done = await landuse(['rollback', '--db', db]);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('now served');
    expect(done.stdout).toContain(a);
    const json = await landuse(['rollback', '--db', db, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ db, previous: previousPath(db) });
  });
});
