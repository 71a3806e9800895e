import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAND_MADE, tempDir } from './helpers.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'landuse.js');

/** Runs `landuse ...` as a user would; resolves with the exit code instead of throwing. */
async function landuse(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('the landuse command', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup());

  it.each([[], ['demo-data'], ['load'], ['info'], ['start'], ['bench'], ['bench', 'load']])(
    'has --help for %j',
    async (...args) => {
      const r = await landuse([...args, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: landuse/);
    },
  );

  it('exits 2 for bad usage', async () => {
    expect((await landuse(['load'])).code).toBe(2);
    expect((await landuse(['frobnicate'])).code).toBe(2);
    const r = await landuse(['demo-data', '--out', join(dir, 'x.json'), '--counties', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected a positive whole number');
  });

  it('exits 2 with the key named for a bad setting', async () => {
    const r = await landuse(['info', '--db', join(dir, 'none.duckdb')], {
      LANDUSE_THREADS: 'lots',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LANDUSE_THREADS');
  });

  it('loads, then describes the database as JSON', async () => {
    const db = join(dir, 'cli.duckdb');
    const load = await landuse(['load', '--input', HAND_MADE, '--db', db]);
    expect(load.code, load.stderr).toBe(0);
    expect(load.stdout).toContain('fact_landuse_transitions');
    expect(load.stderr).toContain('Validating');
    const info = await landuse(['info', '--db', db, '--json']);
    expect(info.code).toBe(0);
    const parsed = JSON.parse(info.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({ dataset: 'rpa', schemaVersion: 1, counties: 2, runs: 2 });
  });

  it('exits 1 with a clear message for a bad input file', async () => {
    const r = await landuse([
      'load',
      '--input',
      join(dir, 'missing.json'),
      '--db',
      join(dir, 'a.duckdb'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Input file not found');
    expect(r.stderr).not.toContain('    at ');
  });

  it('says a database is missing, and how to make one', async () => {
    const r = await landuse(['info', '--db', join(dir, 'nothing.duckdb')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('landuse load --input');
  });
});
