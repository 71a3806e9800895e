import { describe, expect, it } from 'vitest';
import { planQuestion, TOOL_NAMES, type Plan, type ToolArgs } from './index.ts';
import { respell } from './tokens.ts';

const SOUTH = ['AL', 'AR', 'FL', 'GA', 'KY', 'LA', 'MS', 'NC', 'OK', 'SC', 'TN', 'TX', 'VA'];

function tool(question: string): Extract<Plan, { kind: 'tool' }> {
  const plan = planQuestion(question);
  if (plan.kind !== 'tool') throw new Error(`declined "${question}": ${plan.message}`);
  return plan;
}
const args = (question: string): ToolArgs => tool(question).args;

describe('misspellings', () => {
  it.each([
    ['how much forrest is there in pensylvania?', { states: ['PA'], land_use: 'forest' }],
    ['Forest area in Nort Carolina', { states: ['NC'], land_use: 'forest' }],
    ['pasture in wisconson in 2040', { states: ['WI'], land_use: 'pasture', year: 2040 }],
    ['How much croplnd is in Illinios?', { states: ['IL'], land_use: 'crop' }],
  ])('%s', (question, expected) => {
    expect(args(question)).toMatchObject(expected);
  });

  it('reads "urbanisation" and "urbanizaton" as urban expansion', () => {
    expect(tool('urbanisation in Ohio').tool).toBe('query_urban_expansion');
    expect(tool('urbanizaton in ohio').args).toEqual({ states: ['OH'] });
  });

  it('respells only into a domain word, never a near miss of another', () => {
    expect(respell('scenarois')).toBe('scenarios');
    expect(respell('countries')).toBe('countries');
    expect(respell('status')).toBe('status');
    expect(respell('maricopa')).toBe('maricopa');
  });

  it('reads a misspelt scenario theme', () => {
    expect(args('Urban expansion in Texas under the midle of the road scenario').scenario).toBe(
      'HM',
    );
  });
});

describe('places', () => {
  it('expands "the South" to the 13 RPA South states', () => {
    expect(new Set(args('Forest loss in the South').states)).toEqual(new Set(SOUTH));
  });

  it('takes the Census meaning when the question says "census"', () => {
    expect(args('Forest loss in the census South').states).toHaveLength(17);
  });

  it.each([
    ['Pacific Northwest', ['OR', 'WA']],
    ['Great Plains', ['KS', 'NE', 'ND', 'SD']],
    ['North Central', ['IL', 'IN', 'IA', 'MI', 'MN', 'MO', 'OH', 'WI']],
    ['Southeast', ['FL', 'GA', 'NC', 'SC', 'VA']],
  ])('expands the %s', (region, states) => {
    expect(new Set(args(`Urban expansion in the ${region}`).states)).toEqual(new Set(states));
  });

  it('reads capitalised codes but not little words', () => {
    expect(args('Forest loss in TX and OK').states).toEqual(['TX', 'OK']);
    expect(args('How much forest is in Oregon or in Maine?').states).toEqual(['OR', 'ME']);
  });

  it('keeps West Virginia, New Mexico and Washington apart from their neighbours', () => {
    expect(args('Forest in West Virginia and New Mexico').states).toEqual(['WV', 'NM']);
    expect(args('Is there more forest in Oregon or Washington in 2050?').states).toEqual([
      'OR',
      'WA',
    ]);
  });
});

describe('counties', () => {
  it.each([
    ['Tell me about Los Angeles County', 'Los Angeles', 'CA'],
    ['Show land use in Cook County, Illinois', 'Cook', 'IL'],
    ['orange county, fl in 2040', 'Orange', 'FL'],
    ['What does Orange County look like?', 'Orange', 'CA'],
    ['Orange County in Florida in 2050', 'Orange', 'FL'],
    ['Tell me about St. Louis County, Minnesota', 'St. Louis', 'MN'],
    ['What about Maricopa?', 'Maricopa', 'AZ'],
    ['Land use in Washington County, Oregon', 'Washington', 'OR'],
  ])('%s', (question, county, state) => {
    const plan = tool(question);
    expect(plan.tool).toBe('query_by_county');
    expect(plan.args).toMatchObject({ county, state });
  });
});

describe('scenarios', () => {
  it.each([
    ['Forest loss under RCP4.5', 'LM'],
    ['Forest loss under SSP5', 'HH'],
    ['Forest loss under the fossil-fuelled scenario', 'HH'],
    ['Forest loss under the rocky road', 'HL'],
    ['Forest loss on the green road', 'LM'],
    ['Forest loss under RCP 8.5 SSP2', 'HM'],
    ['Forest loss taking the highway', 'HH'],
    ['Forest loss under the ensemble mean', 'OVERALL'],
  ])('%s -> %s', (question, scenario) => {
    expect(args(question).scenario).toBe(scenario);
  });

  it('compares the scenarios two mentions name', () => {
    const plan = tool('Urban growth under SSP1 versus SSP5');
    expect(plan.tool).toBe('compare_scenarios');
    expect(plan.args.scenarios).toEqual(['LM', 'HH']);
  });

  it('reads "RCP 8.5" alone as its three pathways', () => {
    expect(args('Compare forest loss under RCP 8.5').scenarios).toEqual(['HM', 'HL', 'HH']);
  });

  it('does not read "development" in a scenario name as urbanization', () => {
    const plan = tool('How much cropland is lost under the fossil-fueled development scenario?');
    expect(plan.tool).toBe('query_agricultural_change');
  });
});

describe('years', () => {
  it('reads a year of a flow as a horizon from 2020', () => {
    expect(args('Urban expansion in Texas by 2050').year_range).toBe('2020-2050');
    expect(args('Forest loss in Maine in 2040').year_range).toBe('2020-2040');
  });

  it('reads a year of an area as a point', () => {
    expect(args('How much forest is in Maine in 2040?').year).toBe(2040);
    expect(args('How much forest will Maine have by 2060?').year).toBe(2060);
  });

  it.each([
    ['between 2030 and 2060', '2030-2060'],
    ['from 2020 to 2040', '2020-2040'],
    ['2030-2050', '2030-2050'],
    ['since 2012', '2012-2070'],
    ['in the 2040s', '2040-2050'],
    ['by mid-century', '2020-2050'],
  ])('urban expansion %s -> %s', (phrase, range) => {
    expect(args(`Urban expansion in Ohio ${phrase}`).year_range).toBe(range);
  });
});

describe('limits and order', () => {
  it.each([
    ['Top 5 counties for forest loss', 5],
    ['Which 10 counties urbanize fastest?', 10],
    ['top ten counties for development', 10],
    ['the three states with the most forest loss', 3],
  ])('%s -> %d', (question, limit) => {
    expect(args(question).limit).toBe(limit);
  });

  it('notes "least" for the narration (the ranking tools take no order)', () => {
    expect(tool('Which states lose the least forest?').understood.cues).toContain('least');
  });
});

describe('intents', () => {
  it.each([
    ['Which states have the most cropland loss?', 'compare_states'],
    ['Where is forest being lost the most?', 'compare_states'],
    ['Which counties in Ohio develop the most?', 'query_top_counties'],
    ['How does forest loss differ by scenario?', 'compare_scenarios'],
    ['Forest area trend in Maine', 'query_time_series'],
    ['How much pasture turns into forest in Alabama?', 'query_land_use_transitions'],
    ['How much rangeland is lost in Wyoming?', 'query_land_use_transitions'],
    ['Where does new urban land in Utah come from?', 'query_urban_expansion'],
    ['How much forest is lost in Georgia?', 'query_forest_change'],
    ['How much farmland will Iowa lose?', 'query_agricultural_change'],
    ['How much pasture is in Texas?', 'query_land_use_area'],
    ['How much do the climate models disagree on urban expansion?', 'compare_climate_models'],
    ['What does the hot model say about forest loss?', 'compare_climate_models'],
    ['What scenarios are available?', 'get_data_summary'],
    ['How many counties are in the data?', 'get_data_summary'],
    ['Are forests expanding in New England?', 'query_forest_change'],
    ['Pasture acreage between 2030 and 2060 in Ohio', 'query_time_series'],
    ['Land use changes in Michigan', 'query_land_use_transitions'],
    ['Which parts of the country lose the most farmland?', 'compare_states'],
  ])('%s -> %s', (question, expected) => {
    expect(tool(question).tool).toBe(expected);
  });

  it('fills a measure a ranking needs and says it assumed it', () => {
    const plan = tool('How do RCP 4.5 and RCP 8.5 differ for the South?');
    expect(plan.args.metric).toBe('urban_expansion');
    expect(plan.understood.assumed).toContain('metric');
  });

  it('says what it understood', () => {
    const { understood } = tool('Forest loss in Oregon under SSP5 by 2050');
    expect(understood).toMatchObject({
      states: ['OR'],
      places: ['Oregon'],
      landUses: ['forest'],
      change: 'loss',
      scenarios: ['HH'],
      time: { kind: 'until', year: 2050 },
    });
  });

  it('only ever plans the known tools, deterministically', () => {
    const questions = [
      'Forest loss in Texas',
      'Top counties',
      'What data is there?',
      'Cook County',
    ];
    for (const q of questions) {
      const plan = tool(q);
      expect(TOOL_NAMES).toContain(plan.tool);
      expect(planQuestion(q)).toEqual(plan);
    }
  });
});
