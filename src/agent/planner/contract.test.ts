import { describe, expect, it } from 'vitest';
import { DEV_SET, loadQuestionSet } from '../eval.ts';
import { TOOL_SCHEMAS, toMetric, type ToolMetric } from '../tools/index.ts';
import { HELD_OUT_QUESTIONS } from './fixtures.ts';
import { planQuestion, type Plan, type PlannerContext } from './index.ts';

/** Questions of every kind, beyond the two sets: each must plan a call its tool accepts. */
const MORE = [
  'Which states are the largest?',
  'Which counties lose the least forest?',
  'Which states have the most agricultural land?',
  'What does the dry model project for rangeland in Nevada in 2050?',
  'Compare forest area in 2050 across scenarios',
  'Show urban area trends for Oregon from 2020 to 2060',
  'Pasture acreage between 2030 and 2060 in Ohio',
  'Tell me about Cook County between 2020 and 2050',
  'How much forest is in Maine since 2012?',
  'Which states lose the most forest under RCP 8.5?',
  'Land use changes in Michigan 2020-2050',
  'How much rangeland is gained in Texas?',
  'Show me trends',
  'Which states rank highest for forest area in 2040?',
  'Top 5 counties by cropland area in Iowa in 2070',
  'Tell me about Texas',
  'What is SSP2?',
];

function check(question: string, plan: Plan): void {
  if (plan.kind !== 'tool') return;
  const schema = TOOL_SCHEMAS[plan.tool];
  const parsed = schema.safeParse(plan.args);
  expect(parsed.success, `${question}: ${plan.tool} ${JSON.stringify(plan.args)}`).toBe(true);
  const args = plan.args as { metric?: ToolMetric; land_use?: string };
  if (args.metric) expect(() => toMetric(plan.tool, args.metric!, args.land_use)).not.toThrow();
}

describe('plans fit the tools layer (src/agent/tools/schemas.ts)', () => {
  it('on the dev set, the held-out set and more', () => {
    const questions = [
      ...loadQuestionSet(DEV_SET).map((q) => q.question),
      ...HELD_OUT_QUESTIONS.map((q) => q.question),
      ...MORE,
    ];
    for (const question of questions) check(question, planQuestion(question));
  });

  it('on follow-ups', () => {
    const chains = [
      ['Which states have the most urban expansion?', 'and in Texas?', 'what about under HH?'],
      ['Forest loss in Oregon', 'show the top 5 counties instead', 'by 2050?'],
      ['How much forest is in Maine?', 'compare that across scenarios', 'in 2040?'],
      ['Tell me about Harris County', 'and in Ohio?', 'over time?', 'between 2030 and 2050?'],
    ];
    for (const chain of chains) {
      let context: PlannerContext = {};
      for (const question of chain) {
        const plan = planQuestion(question, context);
        check(question, plan);
        if (plan.kind === 'tool') context = { previous: { question, plan } };
      }
    }
  });
});
