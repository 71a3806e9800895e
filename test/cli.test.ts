import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportParams } from '../src/analytics/export/index.ts';
import { SCHEMA_VERSION } from '../src/data/schema.ts';
import { ASK_RESULT_KEYS, HAND_MADE, tempDir } from './helpers.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'landuse.js');
// Conversation threads of these runs go to a scratch file, not the project's data/.
const THREADS = join(os.tmpdir(), `landuse-cli-threads-${process.pid}.sqlite`);
afterAll(() => rm(THREADS, { force: true }));

/** Runs `landuse ...` as a user would; resolves with the exit code instead of throwing. */
async function landuse(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, LANDUSE_THREADS_DB_PATH: THREADS, ...env },
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

  it.each([[], ['demo-data'], ['load'], ['info'], ['start']])(
    'has --help for %j',
    async (...args) => {
      const r = await landuse([...args, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: landuse/);
    },
  );

  it('leaves the benchmarks to their own entry point, `npm run bench`', async () => {
    expect((await landuse(['bench', 'ask'])).code).toBe(2);
    const bench = join(import.meta.dirname, '..', 'bench', 'main.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', bench, 'ask', '--help']);
    expect(stdout).toMatch(/^Usage: npm run bench -- ask/);
    expect(stdout).toContain('--rounds <n>');
  });

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
    expect(parsed).toMatchObject({
      dataset: 'rpa',
      schemaVersion: SCHEMA_VERSION,
      counties: 2,
      runs: 2,
    });
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

  it('runs one read-only query as JSON, with numbers as numbers', async () => {
    const db = join(dir, 'sql.duckdb');
    expect((await landuse(['load', '--input', HAND_MADE, '--db', db])).code).toBe(0);
    const r = await landuse([
      'sql',
      'SELECT state_abbrev, count(*) AS n, sum(land_area_acres) > 0 AS has_area FROM dim_geography GROUP BY 1 ORDER BY 1',
      '--json',
      '--db',
      db,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      columns: string[];
      rows: unknown[];
      truncated: boolean;
      elapsedMs: number;
    };
    expect(out.columns).toEqual(['state_abbrev', 'n', 'has_area']);
    expect(out.rows).toEqual([
      { state_abbrev: 'AL', n: 1, has_area: true },
      { state_abbrev: 'CA', n: 1, has_area: true },
    ]);
    expect(out.truncated).toBe(false);
    expect(typeof out.elapsedMs).toBe('number');

    const limited = await landuse([
      'sql',
      'SELECT * FROM range(10)',
      '--json',
      '--limit',
      '3',
      '--db',
      db,
    ]);
    expect(JSON.parse(limited.stdout)).toMatchObject({
      rows: [{ range: 0 }, { range: 1 }, { range: 2 }],
      truncated: true,
    });
    const capped = await landuse(
      ['sql', 'SELECT * FROM range(50)', '--json', '--limit', '40', '--db', db],
      {
        LANDUSE_MAX_QUERY_ROWS: '20',
        LANDUSE_DEFAULT_DISPLAY_LIMIT: '10',
      },
    );
    expect((JSON.parse(capped.stdout) as { rows: unknown[] }).rows).toHaveLength(20);

    for (const hostile of [
      'DROP TABLE dim_geography',
      "SELECT * FROM read_csv('/etc/passwd')",
      'SELECT 1; SELECT 2',
    ]) {
      const bad = await landuse(['sql', hostile, '--db', db]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^Rejected: .+\n$/);
    }
  });

  it('answers questions with the offline planner: text, JSON, JSONL, and a polite decline', async () => {
    const db = join(dir, 'ask.duckdb');
    expect((await landuse(['load', '--input', HAND_MADE, '--db', db])).code).toBe(0);
    const text = await landuse(['ask', 'Which states have the most urban expansion?', '--db', db]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Alabama');
    expect(text.stdout).toContain('600');
    const json = await landuse(['ask', 'How much forest is in Alabama?', '--json', '--db', db]);
    const parsed = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(ASK_RESULT_KEYS);
    expect(parsed.toolCalls).toMatchObject([
      { name: 'query_land_use_area', args: { states: ['AL'], land_use: 'forest' } },
    ]);
    // A thread continues across separate runs (SQLite memory).
    const threadId = String(parsed.threadId);
    const followUp = await landuse([
      'ask',
      'and in California?',
      '--thread',
      threadId,
      '--json',
      '--db',
      db,
    ]);
    expect(JSON.parse(followUp.stdout)).toMatchObject({
      threadId,
      toolCalls: [{ name: 'query_land_use_area', args: { states: ['CA'], land_use: 'forest' } }],
    });
    const declined = await landuse(['ask', 'What will bitcoin cost next year?', '--db', db]);
    expect(declined.code).toBe(0);
    expect(declined.stdout).toMatch(/land use/i);
  });

  it('exports the transitions with the parameters of GET /api/export', async () => {
    const db = join(dir, 'export.duckdb');
    expect((await landuse(['load', '--input', HAND_MADE, '--db', db])).code).toBe(0);
    const out = join(dir, 'al.csv');
    const r = await landuse([
      'export',
      '--format',
      'csv',
      '--states',
      'Alabama',
      '--year-range',
      '2020-2030',
      '--land-use',
      'urban',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Wrote ${out}`);
    const [header, ...lines] = (await readFile(out, 'utf8')).trim().split(/\r?\n/);
    const cols = header!.split(',');
    const rows = lines.map(
      (l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])) as Record<string, string>,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect([row.state_abbrev, row.period]).toEqual(['AL', '2020-2030']);
      expect([row.from_land_use, row.to_land_use]).toContain('urban');
    }
    // Every parameter of the export's schema is an option here (the older aliases aside).
    const help = (await landuse(['export', '--help'])).stdout;
    for (const key of Object.keys(exportParams.shape)) {
      if (key === 'periods' || key === 'land_uses') continue;
      expect(help).toContain(`--${key.replaceAll('_', '-')} <`);
    }
    const bad = await landuse([
      'export',
      '--format',
      'csv',
      '--year-range',
      '2025-2040',
      '--db',
      db,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Choose periods from: 2012-2020');
  });

  it('says a database is missing, and how to make one', async () => {
    const r = await landuse(['info', '--db', join(dir, 'nothing.duckdb')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('landuse load --input');
  });
});

describe('landuse ask --jsonl and landuse chat', () => {
  it('reads questions from stdin, one answer per line, and keeps a chat thread', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const db = join(dir, 'io.duckdb');
      await run(process.execPath, [BIN, 'load', '--input', HAND_MADE, '--db', db]);
      const pipe = (args: string[], input: string) =>
        new Promise<string>((resolve, reject) => {
          const child = execFile(
            process.execPath,
            [BIN, ...args],
            { env: { ...process.env, LANDUSE_THREADS_DB_PATH: THREADS } },
            (error, stdout) => {
              if (error) reject(new Error(`${args.join(' ')} failed: ${error.message}`));
              else resolve(stdout);
            },
          );
          child.stdin?.end(input);
        });
      const lines = (
        await pipe(
          ['ask', '--jsonl', '--db', db],
          'How much forest is in Alabama?\n\nWhat is the capital of France?\n',
        )
      )
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { toolCalls: unknown[]; threadId: string });
      expect(lines).toHaveLength(2);
      expect(lines[0]!.toolCalls).toHaveLength(1);
      expect(lines[1]!.toolCalls).toHaveLength(0);
      expect(lines[0]!.threadId).not.toBe(lines[1]!.threadId);

      const chat = await pipe(
        ['chat', '--db', db],
        'How much new urban land is there in California?\nwhat about under HH?\n/thread\n/exit\n',
      );
      // The answers' markdown is rendered: no markers reach a pipe.
      expect(chat).toContain('150 acres');
      expect(chat).toContain('200 acres');
      expect(chat).not.toContain('**');
      expect(chat).toMatch(/Thread [0-9a-f-]{36}/);
    } finally {
      await cleanup();
    }
  });
});
