import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSet, formatSetReport, parseEvalSet, type SetReport } from '../src/agent/eval.ts';
import { itemMatches, itemSpellings } from '../src/agent/eval-match.ts';
import {
  lookupCounties,
  valueScoringDeps,
  type ValueScoringDeps,
} from '../src/agent/eval-values.ts';
import type { AnalyticsService } from '../src/analytics/open.ts';
import { loadConfig } from '../src/config/index.ts';
import { openHandMade, tempDir } from './helpers.ts';

/** Transitions with every dimension joined, as gold SQL is written against DATA.md. */
const FROM = `FROM fact_landuse_transitions f
  JOIN dim_scenario s USING (scenario_id) JOIN dim_time t USING (time_id)
  JOIN dim_geography g USING (geography_id)
  JOIN dim_landuse lf ON lf.landuse_id = f.from_landuse_id
  JOIN dim_landuse lt ON lt.landuse_id = f.to_landuse_id`;
const HORIZON = 't.start_year >= 2020 AND t.end_year <= 2070';
const URBAN_GAIN = `lt.landuse_name = 'Urban' AND lf.landuse_name <> 'Urban'`;
const FOREST_LOSS = `lf.landuse_name = 'Forest' AND lt.landuse_name <> 'Forest'`;

// Hand-checked on the fixture (test/fixtures/hand-made.json, horizon 2020-2030): urban
// expansion AL 600 > CA 150; forest in AL in 2030 1,800 acres; forest loss Autauga 300;
// Alabama's forest -300 of 2,100 acres (-14.3 %); forest loss OVERALL 300, LM 200, HH 400;
// new urban land mostly from forest (300 of 750).
const LINES = [
  {
    id: 'v1',
    question: 'Which states have the most urban expansion?',
    tags: { measure: 'gain', breakdown: 'state' },
    gold: {
      check: 'top',
      sql: `SELECT g.state_abbrev AS item, sum(f.acres) AS value ${FROM}
            WHERE s.rpa_code = 'OVERALL' AND ${HORIZON} AND ${URBAN_GAIN}
            GROUP BY 1 ORDER BY value DESC`,
    },
  },
  {
    id: 'v2',
    question: 'How much forest is in Alabama in 2030?',
    tags: { measure: 'area', breakdown: 'none' },
    gold: {
      check: 'value',
      sql: `SELECT sum(f.acres) AS value ${FROM}
            WHERE s.rpa_code = 'OVERALL' AND t.end_year = 2030 AND g.state_abbrev = 'AL'
              AND lt.landuse_name = 'Forest'`,
    },
  },
  {
    id: 'v3',
    question: 'Which counties lose the most forest?',
    tags: { measure: 'loss', breakdown: 'county' },
    gold: {
      check: 'top',
      sql: `SELECT g.fips_code AS item, sum(f.acres) AS value ${FROM}
            WHERE s.rpa_code = 'OVERALL' AND ${HORIZON} AND ${FOREST_LOSS}
            GROUP BY 1 ORDER BY value DESC`,
    },
  },
  {
    id: 'v4',
    question: 'Forest change percent in Alabama',
    tags: { measure: 'percent', breakdown: 'none' },
    gold: {
      check: 'value',
      sql: `SELECT 100 * (sum(f.acres) FILTER (lt.landuse_name = 'Forest')
                          - sum(f.acres) FILTER (lf.landuse_name = 'Forest'))
                       / sum(f.acres) FILTER (lf.landuse_name = 'Forest') AS value ${FROM}
            WHERE s.rpa_code = 'OVERALL' AND t.year_range = '2020-2030' AND g.state_abbrev = 'AL'`,
    },
  },
  {
    id: 'v5',
    question: 'Compare scenarios for forest loss',
    tags: { measure: 'loss', breakdown: 'scenario' },
    gold: {
      check: 'values',
      sql: `SELECT s.rpa_code AS item, sum(f.acres) AS value ${FROM}
            WHERE ${HORIZON} AND ${FOREST_LOSS} GROUP BY 1 ORDER BY value DESC`,
    },
  },
  {
    // The scenario table is in a fixed order, so the top is the first bold item.
    id: 'v6',
    question: 'Which scenario loses the most forest?',
    tags: { measure: 'loss', breakdown: 'scenario' },
    gold: {
      check: 'top',
      sql: `SELECT s.rpa_code AS item, sum(f.acres) AS value ${FROM}
            WHERE ${HORIZON} AND ${FOREST_LOSS} GROUP BY 1 ORDER BY value DESC`,
    },
  },
  {
    id: 'v7',
    question: 'Which land use supplies the most new urban land?',
    tags: { measure: 'gain', breakdown: 'land_use' },
    gold: {
      check: 'top',
      sql: `SELECT lf.landuse_name AS item, sum(f.acres) AS value ${FROM}
            WHERE s.rpa_code = 'OVERALL' AND ${HORIZON} AND ${URBAN_GAIN}
            GROUP BY 1 ORDER BY value DESC`,
    },
  },
  {
    id: 'v8',
    question: 'What will the stock market do next year?',
    tags: { measure: 'none', breakdown: 'none' },
    gold: { check: 'decline', sql: '' },
  },
  {
    // Deliberately wrong gold: the least urban expansion, where the question asks the most.
    id: 'w1',
    question: 'Which states have the most urban expansion?',
    tags: { measure: 'gain', breakdown: 'state' },
    gold: {
      check: 'top',
      sql: `SELECT g.state_abbrev AS item, sum(f.acres) AS value ${FROM}
            WHERE s.rpa_code = 'OVERALL' AND ${HORIZON} AND ${URBAN_GAIN}
            GROUP BY 1 ORDER BY value ASC`,
    },
  },
  {
    // The right state, a value the answer does not hold.
    id: 'w2',
    question: 'Which states have the most urban expansion?',
    tags: { measure: 'gain', breakdown: 'state' },
    gold: { check: 'top', sql: `SELECT 'Alabama' AS item, 9999 AS value` },
  },
  {
    // answerQuestion throws on an empty question: a miss with its message.
    id: 'e1',
    question: '   ',
    tags: { measure: 'none', breakdown: 'none' },
    gold: { check: 'value', sql: 'SELECT 1 AS value' },
  },
  {
    id: 'g1',
    question: 'How much forest is in Alabama in 2030?',
    tags: { measure: 'area', breakdown: 'none' },
    gold: { check: 'value', sql: 'SELECT acres AS value FROM no_such_table' },
  },
  {
    id: 'd1',
    question: 'Which states have the most urban expansion?',
    expect: { tool: 'compare_states', args: { metric: 'urban_expansion' } },
  },
];
const SET_TEXT = LINES.map((l) => JSON.stringify(l)).join('\n');

describe('value-checked scoring on the hand-made fixture', () => {
  let service: AnalyticsService;
  let db: string;
  let cleanup: () => Promise<void>;
  let deps: ValueScoringDeps;
  let report: SetReport;
  const progress: string[] = [];

  beforeAll(async () => {
    ({ service, db, cleanup } = await openHandMade({ poolSize: 1 }));
    deps = valueScoringDeps(service, loadConfig({ LANDUSE_DB_PATH: db }), (done, total, id) =>
      progress.push(`${done}/${total} ${id}`),
    );
    report = await evaluateSet(parseEvalSet(SET_TEXT), deps);
  });
  afterAll(() => cleanup());

  it('scores the set, counting each kind', () => {
    expect(report.kinds).toEqual({
      tool: { total: 1, passed: 1 },
      value: { total: 12, passed: 8 },
    });
    expect(report).toMatchObject({ total: 13, passed: 9 });
    expect(report.score).toBeCloseTo(9 / 13);
    expect(progress).toHaveLength(12);
    expect(progress.at(-1)).toBe('12/12 g1');
  });

  it('lists the misses with what was expected and what the answer said', () => {
    const misses = Object.fromEntries(report.value.misses.map((m) => [m.id, m]));
    expect(Object.keys(misses).sort()).toEqual(['e1', 'g1', 'w1', 'w2']);
    expect(misses.w1).toMatchObject({
      question: 'Which states have the most urban expansion?',
      expected: { check: 'top', item: 'CA', value: 150 },
      got: {
        firstRow: { rank: 1, state: 'AL', value: 600 },
        tools: ['compare_states'],
      },
    });
    expect(misses.w1!.got!.text).toContain('**Alabama** leads with 600 acres');
    expect(misses.w1!.reason).toMatch(/is not CA/);
    expect(misses.w2!.reason).toMatch(/Alabama is first but its value 9,999/);
    expect(misses.e1).toMatchObject({ reason: 'the question failed', got: undefined });
    expect(misses.e1!.error).toMatch(/empty/);
    expect(misses.g1).toMatchObject({ reason: 'gold SQL failed', expected: undefined });
    expect(misses.g1!.error).toMatch(/no_such_table/);
  });

  it('breaks the score down by tag', () => {
    expect(report.value.byTag.measure).toEqual({
      gain: { total: 4, passed: 2 },
      area: { total: 2, passed: 1 },
      loss: { total: 3, passed: 3 },
      percent: { total: 1, passed: 1 },
      none: { total: 2, passed: 1 },
    });
    expect(report.value.byTag.breakdown?.county).toEqual({ total: 1, passed: 1 });
    const text = formatSetReport(report);
    expect(text).toContain('9/13 passed (69.2%)');
    expect(text).toContain('value-checked: 8/12');
    expect(text).toContain('measure: area 1/2, gain 2/4, loss 3/3, none 1/2, percent 1/1');
    expect(text).toContain('- w1: Which states have the most urban expansion?');
    expect(text).toContain('expected CA (150)');
  });

  it('runs gold SQL read-only', async () => {
    await expect(deps.runSql('CREATE TABLE x AS SELECT 1')).rejects.toThrow();
    await expect(deps.runSql('DELETE FROM dim_geography')).rejects.toThrow();
    expect(await deps.runSql('SELECT count(*) AS n FROM dim_geography')).toEqual([{ n: 2 }]);
  });

  it('spells a county FIPS code by the name dim_geography gives it', async () => {
    const counties = await lookupCounties(deps.runSql, ['01001', "1' OR '1'='1"]);
    expect([...counties]).toEqual([['01001', { county: 'Autauga', state: 'AL' }]]);
    const spellings = itemSpellings('01001', counties);
    for (const s of ['Autauga', 'Autauga County', 'Autauga, AL', 'Autauga County, Alabama']) {
      expect(itemMatches({ bold: s }, spellings), s).toBe(true);
    }
    expect(itemMatches({ bold: 'Los Angeles, CA' }, spellings)).toBe(false);
  });

  it('is what `landuse eval --set FILE` prints, and --min exits 1 below it', async () => {
    const t = await tempDir();
    try {
      const file = join(t.dir, 'set.jsonl');
      await writeFile(file, SET_TEXT);
      const bin = join(import.meta.dirname, '..', 'bin', 'landuse.js');
      const run = promisify(execFile);
      const args = [bin, 'eval', '--set', file, '--db', db, '--json', '--min', '0.9'];
      const failed = await run(process.execPath, args).then(
        () => undefined,
        (e: unknown) => e as { code: number; stdout: string; stderr: string },
      );
      expect(failed?.code).toBe(1);
      const printed = JSON.parse(failed!.stdout) as SetReport;
      expect(printed.kinds).toEqual(report.kinds);
      expect(printed.value.misses.map((m) => m.id).sort()).toEqual(['e1', 'g1', 'w1', 'w2']);
      expect(failed!.stderr).toMatch(/below the minimum 90\.0%/);
      expect(failed!.stderr).toMatch(/eval: 12\/12 g1/);
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
