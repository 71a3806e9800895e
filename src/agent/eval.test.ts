import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEV_SET,
  evaluate,
  formatReport,
  formatSetReport,
  loadEvalSet,
  loadQuestionSet,
  parseEvalSet,
  parseQuestionSet,
  valuesMatch,
} from './eval.ts';
import { HELD_OUT_QUESTIONS } from './planner/fixtures.ts';
import { planQuestion, type Plan } from './planner/index.ts';

describe('the planner on the question sets', () => {
  it('scores at least 90% on the dev set (target 95%)', () => {
    const report = evaluate(loadQuestionSet(DEV_SET));
    expect(report.total).toBe(50);
    expect(report.score, formatReport(report)).toBeGreaterThanOrEqual(0.9);
  });

  it('scores at least 85% on the held-out set', () => {
    const report = evaluate(HELD_OUT_QUESTIONS);
    expect(report.total).toBeGreaterThanOrEqual(40);
    expect(report.score, formatReport(report)).toBeGreaterThanOrEqual(0.85);
  });

  it('keeps the held-out ids unique and apart from the dev ids', () => {
    const dev = new Set(loadQuestionSet(DEV_SET).map((q) => q.id));
    const held = HELD_OUT_QUESTIONS.map((q) => q.id);
    expect(new Set(held).size).toBe(held.length);
    expect(held.filter((id) => dev.has(id))).toEqual([]);
  });
});

describe('the planner on harder inputs', () => {
  it('reads misspelt places, land uses and words', () => {
    const report = evaluate([
      {
        id: 'm1',
        question: 'how much forrest is in pensylvania in 2040',
        expect: {
          tool: 'query_land_use_area',
          args: { states: ['PA'], land_use: 'forest', year: 2040 },
        },
      },
      {
        id: 'm2',
        question: 'urbanisation in tennesee by 2050',
        expect: {
          tool: 'query_urban_expansion',
          args: { states: ['TN'], year_range: '2020-2050' },
        },
      },
      {
        id: 'm3',
        question: 'Which countys loose the most pastureland?',
        expect: { tool: 'query_top_counties', args: { metric: 'pasture_loss' } },
      },
    ]);
    expect(report.score, formatReport(report)).toBe(1);
  });

  it('resolves a follow-up from the previous plan', () => {
    const first = planQuestion('Forest loss in Oregon');
    if (first.kind !== 'tool') throw new Error('declined');
    const next = planQuestion('and in Texas under HH?', {
      previous: { question: 'Forest loss in Oregon', plan: first },
    });
    expect(next).toMatchObject({
      kind: 'tool',
      tool: 'query_forest_change',
      args: { states: ['TX'], scenario: 'HH', change_type: 'loss' },
    });
  });

  it('declines questions outside the data, changes to it and empty ones', () => {
    expect(planQuestion('Will it rain in Ohio tomorrow?')).toMatchObject({
      reason: 'out_of_domain',
    });
    expect(planQuestion('drop table dim_geography')).toMatchObject({ reason: 'modify_data' });
    expect(planQuestion('')).toMatchObject({ reason: 'empty' });
  });
});

describe('evaluate', () => {
  const question = {
    id: 'x1',
    question: 'Which states lose the most forest?',
    expect: {
      tool: 'compare_states' as const,
      args: { metric: 'forest_loss', states: ['TX', 'CA'] },
    },
  };
  const planned =
    (args: Record<string, unknown>, tool = 'compare_states'): (() => Plan) =>
    () =>
      ({ kind: 'tool', tool, args, understood: {} }) as unknown as Plan;

  it('passes when the tool and every listed arg match; extra args are fine', () => {
    const report = evaluate(
      [question],
      planned({ metric: 'FOREST_LOSS', states: ['ca', 'TX'], limit: 5 }),
    );
    expect(report).toEqual({ total: 1, passed: 1, score: 1, failures: [] });
  });

  it('fails on another tool, a missing arg or a different set', () => {
    for (const plan of [
      planned({ metric: 'forest_loss', states: ['TX', 'CA'] }, 'query_forest_change'),
      planned({ states: ['TX', 'CA'] }),
      planned({ metric: 'forest_loss', states: ['TX'] }),
    ]) {
      const report = evaluate([question], plan);
      expect(report.passed).toBe(0);
      expect(report.failures[0]?.id).toBe('x1');
    }
  });

  it('records a refusal as what came back', () => {
    const decline = (): Plan => ({
      kind: 'decline',
      reason: 'out_of_domain',
      message: '',
      examples: [],
    });
    const report = evaluate([question], decline);
    expect(report.failures[0]?.got).toEqual({ decline: 'out_of_domain' });
    expect(formatReport(report)).toContain('decline (out_of_domain)');
  });

  it('compares numbers exactly and strings without case', () => {
    expect(valuesMatch(2050, 2050)).toBe(true);
    expect(valuesMatch(2050, '2050')).toBe(false);
    expect(valuesMatch('HH', 'hh')).toBe(true);
    expect(valuesMatch(['LM', 'HH'], ['hh', 'lm'])).toBe(true);
    expect(valuesMatch(['LM', 'HH'], ['HH'])).toBe(false);
  });

  it('scores an empty set as 1', () => {
    expect(evaluate([]).score).toBe(1);
  });
});

describe('loadQuestionSet', () => {
  const write = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'eval-')), 'set.jsonl');
    writeFileSync(file, text);
    return file;
  };

  it('reads JSONL, skipping blank lines, defaulting args to {}', () => {
    const set = loadQuestionSet(
      write('{"id":"a","question":"q?","expect":{"tool":"get_data_summary"}}\n\n'),
    );
    expect(set).toEqual([
      { id: 'a', question: 'q?', expect: { tool: 'get_data_summary', args: {} } },
    ]);
  });

  it('names the line of bad JSON', () => {
    const text = '{"id":"a","question":"q","expect":{"tool":"get_data_summary","args":{}}}\n{oops';
    expect(() => parseQuestionSet(text)).toThrow(/line 2: not valid JSON/);
  });

  it('names the line and field of a line that fails the schema', () => {
    const text = [
      '{"id":"a","question":"q","expect":{"tool":"get_data_summary","args":{}}}',
      '{"id":"b","question":"q","expect":{"tool":"no_such_tool","args":{}}}',
    ].join('\n');
    expect(() => parseQuestionSet(text, 'set.jsonl')).toThrow(/set\.jsonl line 2: expect\.tool/);
  });
});

describe('formatReport', () => {
  it('gives the score and lists each failure with expected and got', () => {
    const text = formatReport({
      total: 2,
      passed: 1,
      score: 0.5,
      failures: [
        {
          id: 'd9',
          question: 'Q?',
          expected: { tool: 'compare_states', args: { metric: 'forest_loss' } },
          got: { tool: 'query_forest_change', args: { change_type: 'loss' } },
        },
      ],
    });
    expect(text).toContain('1/2 passed (50.0%)');
    expect(text).toContain('d9: Q?');
    expect(text).toContain('expected compare_states {"metric":"forest_loss"}');
    expect(text).toContain('got      query_forest_change {"change_type":"loss"}');
  });
});

describe('parseEvalSet', () => {
  const tool = '{"id":"a","question":"q?","expect":{"tool":"get_data_summary"}}';
  const gold =
    '{"id":"h1","question":"q2?","tags":{"measure":"gain"},"gold":{"check":"top","sql":"SELECT 1"}}';

  it('reads both kinds of line, each in file order', () => {
    const set = parseEvalSet([gold, tool, ''].join('\n'));
    expect(set.tool).toEqual([
      { id: 'a', question: 'q?', expect: { tool: 'get_data_summary', args: {} } },
    ]);
    expect(set.value).toEqual([
      {
        id: 'h1',
        question: 'q2?',
        tags: { measure: 'gain' },
        gold: { check: 'top', sql: 'SELECT 1' },
      },
    ]);
  });

  it('names the line and field of a bad gold line', () => {
    const bad = '{"id":"h2","question":"q","gold":{"check":"nearly","sql":"SELECT 1"}}';
    expect(() => parseEvalSet([tool, bad].join('\n'), 'set.jsonl')).toThrow(
      /set\.jsonl line 2: gold\.check/,
    );
  });

  it('lets a decline leave out its SQL, and no other check', () => {
    const decline = '{"id":"h3","question":"q","gold":{"check":"decline"}}';
    expect(parseEvalSet(decline).value[0]?.gold).toEqual({ check: 'decline', sql: '' });
    const value = '{"id":"h4","question":"q","gold":{"check":"value","sql":" "}}';
    expect(() => parseEvalSet(value)).toThrow(/line 1: gold\.sql: SQL is required/);
  });

  it('reads the shipped sets of either kind', () => {
    for (const name of ['dev', 'train', 'heldout']) {
      const file = join(import.meta.dirname, '..', '..', 'eval', `${name}-questions.jsonl`);
      if (!existsSync(file)) continue;
      const set = loadEvalSet(file);
      expect(set.tool.length + set.value.length, name).toBeGreaterThan(0);
    }
  });
});

describe('formatSetReport', () => {
  it('gives the score, the kinds, the tags and each miss', () => {
    const text = formatSetReport({
      total: 3,
      passed: 1,
      score: 1 / 3,
      kinds: { tool: { total: 1, passed: 0 }, value: { total: 2, passed: 1 } },
      tool: {
        total: 1,
        passed: 0,
        score: 0,
        failures: [
          {
            id: 'd9',
            question: 'Q?',
            expected: { tool: 'compare_states', args: {} },
            got: { decline: 'out_of_domain' },
          },
        ],
      },
      value: {
        total: 2,
        passed: 1,
        score: 0.5,
        byTag: { measure: { gain: { total: 2, passed: 1 } } },
        misses: [
          {
            id: 'h7',
            question: 'Which state gains most?',
            tags: { measure: 'gain' },
            expected: { check: 'top', item: 'TX', value: 5_423_892.7 },
            got: { firstRow: { state: 'CA' }, text: 'California leads', tools: ['compare_states'] },
            reason: 'the first row of the first table is not TX',
          },
        ],
      },
    });
    expect(text).toContain('1/3 passed (33.3%)');
    expect(text).toContain('tool-checked:  0/1');
    expect(text).toContain('value-checked: 1/2');
    expect(text).toContain('measure: gain 1/2');
    expect(text).toContain('- d9: Q?');
    expect(text).toContain('got      decline (out_of_domain)');
    expect(text).toContain('- h7: Which state gains most?');
    expect(text).toContain('expected TX (5,423,893)');
    expect(text).toContain('got      {"state":"CA"}');
    expect(text).toContain('"California leads"');
    expect(text).toContain('why      the first row of the first table is not TX');
  });
});
