import { mkdtemp, rename, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseFingerprint } from './fingerprint.ts';

describe('databaseFingerprint', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'landuse-fingerprint-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stays the same while the file is untouched', async () => {
    const db = join(dir, 'landuse.duckdb');
    await writeFile(db, 'first');
    expect(await databaseFingerprint(db)).toBe(await databaseFingerprint(db));
  });

  it('changes when a new file is renamed over the old one, even with the same contents', async () => {
    const db = join(dir, 'landuse.duckdb');
    await writeFile(db, 'same');
    const before = await databaseFingerprint(db);
    const tmp = join(dir, 'landuse.duckdb.loading');
    await writeFile(tmp, 'same');
    await rename(tmp, db);
    expect(await databaseFingerprint(db)).not.toBe(before);
  });

  it('changes when the file grows in place', async () => {
    const db = join(dir, 'landuse.duckdb');
    await writeFile(db, 'first');
    const before = await databaseFingerprint(db);
    await appendFile(db, ' and more');
    expect(await databaseFingerprint(db)).not.toBe(before);
  });

  it('gives an in-memory database one token per process', async () => {
    const a = await databaseFingerprint(':memory:');
    expect(a).toMatch(/^memory:/);
    expect(await databaseFingerprint(':memory:')).toBe(a);
    expect(await databaseFingerprint(':memory:other')).not.toBe(a);
  });

  it('fails for a missing file', async () => {
    await expect(databaseFingerprint(join(dir, 'missing.duckdb'))).rejects.toThrow(/ENOENT/);
  });
});
