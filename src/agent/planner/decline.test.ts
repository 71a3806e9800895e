import { describe, expect, it } from 'vitest';
import { planQuestion } from './index.ts';

describe('questions about what the projections do not hold', () => {
  it.each([
    ['How many acres burn in wildfires in California?', 'wildfire'],
    ['What will forest land be worth per acre... land values in Ohio by 2050?', 'prices or values'],
    ['How much timber volume will Oregon forests produce?', 'timber'],
    ['How much carbon do Georgia forests store?', 'carbon'],
    ['What will the population of Texas be in 2050?', 'population'],
    ['How much federal land is in Nevada?', 'federal land'],
  ])('declines "%s", naming what is missing', (question, subject) => {
    const plan = planQuestion(question, {});
    expect(plan).toMatchObject({ kind: 'decline', reason: 'out_of_domain' });
    expect(plan.kind === 'decline' && plan.message).toContain(subject);
  });

  it.each([
    'How much forest is in Oregon?',
    'Which counties in Florida develop most?',
    'How much cropland is lost to urban growth in Iowa?',
  ])('still answers "%s"', (question) => {
    expect(planQuestion(question, {}).kind).toBe('tool');
  });
});
