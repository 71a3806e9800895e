import { describe, expect, it } from 'vitest';
import { planQuestion, type Plan, type PlannerContext } from './index.ts';

type ToolPlan = Extract<Plan, { kind: 'tool' }>;

/** Plans a conversation, each question with the previous planned one as context. */
function converse(questions: string[]): Plan[] {
  const plans: Plan[] = [];
  let context: PlannerContext = {};
  for (const question of questions) {
    const plan = planQuestion(question, context);
    plans.push(plan);
    if (plan.kind === 'tool') context = { previous: { question, plan } };
  }
  return plans;
}

const asTool = (plan: Plan | undefined): ToolPlan => {
  if (plan?.kind !== 'tool') throw new Error(`expected a tool plan, got ${JSON.stringify(plan)}`);
  return plan;
};

describe('follow-ups', () => {
  it('"and in Texas?" keeps the tool and args, with new states', () => {
    const [first, second] = converse([
      'Urban expansion in California by 2050 under SSP5',
      'and in Texas?',
    ]);
    expect(asTool(second).tool).toBe(asTool(first).tool);
    expect(asTool(second).args).toEqual({ ...asTool(first).args, states: ['TX'] });
  });

  it('"what about under HH?" changes only the scenario', () => {
    const [first, second] = converse(['Forest loss in Georgia', 'what about under HH?']);
    expect(asTool(second).args).toEqual({ ...asTool(first).args, scenario: 'HH' });
  });

  it('"show the top 5 counties instead" ranks counties by the same measure and places', () => {
    const [, second] = converse([
      'Forest loss in Oregon under LM',
      'show the top 5 counties instead',
    ]);
    expect(asTool(second)).toMatchObject({
      tool: 'query_top_counties',
      args: { metric: 'forest_loss', states: ['OR'], scenario: 'LM', limit: 5 },
    });
  });

  it('"by 2050?" is a horizon for a flow and a point for an area', () => {
    const flow = converse(['Urban expansion in Ohio', 'by 2050?'])[1];
    expect(asTool(flow).args).toEqual({ states: ['OH'], year_range: '2020-2050' });
    const area = converse(['How much forest is in Maine?', 'by 2050?'])[1];
    expect(asTool(area).args).toEqual({ states: ['ME'], land_use: 'forest', year: 2050 });
  });

  it('"compare that across scenarios" compares the same measure and places', () => {
    const [, second] = converse(['Cropland loss in Iowa by 2040', 'compare that across scenarios']);
    expect(asTool(second)).toMatchObject({
      tool: 'compare_scenarios',
      args: { metric: 'crop_loss', states: ['IA'], year_range: '2020-2040' },
    });
  });

  it('keeps a chain of changes together', () => {
    const plans = converse([
      'Which states have the most urban expansion?',
      'and in Texas?',
      'what about under HH?',
      'show the top 5 counties instead',
      'by 2050?',
    ]);
    expect(asTool(plans[4])).toMatchObject({
      tool: 'query_top_counties',
      args: { states: ['TX'], scenario: 'HH', limit: 5, year_range: '2020-2050' },
    });
    expect(asTool(plans[1])).toMatchObject({ tool: 'compare_states', args: { states: ['TX'] } });
  });

  it('a new topic keeps places and scenario and picks its tool', () => {
    const [, second] = converse(['Forest loss in Georgia under SSP3', 'what about cropland?']);
    expect(asTool(second)).toMatchObject({
      tool: 'query_agricultural_change',
      args: { states: ['GA'], scenario: 'HL', ag_type: 'crop' },
    });
  });

  it('"Which states have the most?" ranks every state by the previous measure', () => {
    const [, second] = converse(['How much cropland is in Iowa?', 'Which states have the most?']);
    expect(asTool(second).tool).toBe('compare_states');
    expect(asTool(second).args.states).toBeUndefined();
  });

  it('a complete new question stands alone', () => {
    const [, second] = converse([
      'Forest loss in Georgia under SSP3',
      'How much pasture is in Texas?',
    ]);
    expect(asTool(second).args).toEqual({ states: ['TX'], land_use: 'pasture' });
  });

  it('does not change the previous plan', () => {
    const first = asTool(planQuestion('Forest loss in Georgia'));
    const before = structuredClone(first);
    planQuestion('and in Texas under HH by 2050?', { previous: { question: 'q', plan: first } });
    expect(first).toEqual(before);
  });

  it('declines a follow-up that names nothing', () => {
    const [, second] = converse(['Forest loss in Georgia', 'thanks!']);
    expect(second).toMatchObject({ kind: 'decline', reason: 'out_of_domain' });
  });
});

describe('declines', () => {
  it.each([
    "What's the weather in Texas tomorrow?",
    'What is the stock price of Weyerhaeuser?',
    'Who won the Super Bowl?',
    'Give me a recipe for apple pie',
    'What is the capital of Texas?',
    'Tell me a joke',
  ])('out of domain: %s', (question) => {
    const plan = planQuestion(question);
    expect(plan).toMatchObject({ kind: 'decline', reason: 'out_of_domain' });
    if (plan.kind === 'decline') {
      expect(plan.examples.length).toBeGreaterThanOrEqual(3);
      expect(plan.examples.length).toBeLessThanOrEqual(4);
    }
  });

  it.each([
    'Delete the Texas data',
    'update forest acres in Ohio to 5 million',
    'DROP TABLE fact_landuse_transitions;',
    'Please change the forest values for Maine',
    'insert a new county',
  ])('modify data: %s', (question) => {
    expect(planQuestion(question)).toMatchObject({ kind: 'decline', reason: 'modify_data' });
  });

  it.each(['', '   ', '?!'])('empty: %j', (question) => {
    expect(planQuestion(question)).toMatchObject({ kind: 'decline', reason: 'empty' });
  });

  it.each([
    ['How much forest is in Alaska?', 'Alaska'],
    ['Urban growth in Hawai', 'Hawaii'],
    ['Compare forest in Canada and Maine', 'Canada'],
    ['Tell me about Honolulu County', 'Honolulu'],
  ])('outside the conterminous US: %s', (question, place) => {
    const plan = planQuestion(question);
    expect(plan).toMatchObject({ kind: 'decline', reason: 'out_of_domain' });
    if (plan.kind === 'decline') {
      expect(plan.message).toContain('conterminous US');
      expect(plan.message).toContain(place);
    }
  });

  it('declines years outside 2012-2070', () => {
    const plan = planQuestion('How much forest will Maine have in 2100?');
    expect(plan).toMatchObject({ kind: 'decline', reason: 'out_of_domain' });
    if (plan.kind === 'decline') expect(plan.message).toContain('2012 to 2070');
  });

  it('answers land use questions that mention words of other subjects', () => {
    expect(planQuestion('Tell me about Cook County').kind).toBe('tool');
    expect(planQuestion('How does the weather affect forest loss in Oregon?').kind).toBe('tool');
    expect(planQuestion('How do forest acres change in Maine?').kind).toBe('tool');
  });
});
