import { describe, expect, it } from 'vitest';
import { rewriteStateAdjectives, rewriteTypos } from './rewrite.ts';
import { planQuestion } from './index.ts';

function call(question: string) {
  const plan = planQuestion(question, {});
  if (plan.kind !== 'tool') throw new Error(`declined "${question}": ${plan.message}`);
  return { tool: plan.tool, args: plan.args };
}

describe('composing a query plan from the parts of a question', () => {
  it('reads a state named as an adjective of county as the state, split by county', () => {
    expect(rewriteStateAdjectives('Which Wisconsin county loses the most forest?')).toBe(
      'Which county in Wisconsin loses the most forest?',
    );
    expect(rewriteStateAdjectives('the top 3 New Mexico counties')).toBe(
      'the top 3 counties in New Mexico',
    );
    expect(call('Which Oregon county gains the most urban land?').args).toMatchObject({
      states: ['OR'],
    });
  });

  it('reads common misspellings, two bare years as a span, and "Texan counties"', () => {
    expect(rewriteTypos('forrest lost in georgia 2020 2070')).toBe(
      'forest lost in georgia 2020-2070',
    );
    expect(rewriteTypos('urbn growth, 2070 2020')).toBe('urban growth, 2070 2020');
    expect(rewriteTypos('How much grazing land (rangeland) in Utah?')).toBe(
      'How much rangeland in Utah?',
    );
    expect(rewriteTypos('Texan counties with the most sprawl')).toBe(
      'Texas counties with the most sprawl',
    );
    expect(rewriteStateAdjectives('Texas counties with the most sprawl')).toBe(
      'counties in Texas with the most sprawl',
    );
    // A county named for a state stays a county at the start of a question.
    expect(rewriteStateAdjectives('Washington County, OR: forest loss')).toBe(
      'Washington County, OR: forest loss',
    );
    expect(call('How much natural land (forest and rangeland) does Utah have?').args).toMatchObject(
      {
        measure: 'area',
        uses: ['natural'],
        states: ['UT'],
      },
    );
    expect(call('How much cropland in Iowa turns into subdivisions by 2050?')).toMatchObject({
      tool: 'query_land_use_transitions',
      args: { from_use: 'crop', to_use: 'urban', states: ['IA'] },
    });
    expect(call('Farmland to urban in Ohio').args).toMatchObject({
      measure: 'flow',
      from: ['agricultural'],
      to: ['urban'],
    });
  });

  it.each([
    [
      'Which states lose the least forest?',
      { measure: 'loss', uses: ['forest'], breakdown: ['state'], sort: 'asc' },
    ],
    [
      'Which decade sees the most urban expansion?',
      { measure: 'gain', uses: ['urban'], breakdown: ['period'], sort: 'desc' },
    ],
    [
      'Show urban expansion decade by decade in Texas',
      { measure: 'gain', states: ['TX'], breakdown: ['period'] },
    ],
    [
      'Which RPA subregion gains the most urban land under HH?',
      { measure: 'gain', breakdown: ['rpa_subregion'], scenarios: ['HH'] },
    ],
    [
      'Which census region loses the most cropland?',
      { measure: 'loss', uses: ['crop'], breakdown: ['census_region'] },
    ],
    [
      'Which state has the largest share of forest?',
      { measure: 'share', uses: ['forest'], breakdown: ['state'] },
    ],
    [
      "Which state's forest shrinks the most by percent?",
      { measure: 'percent_change', uses: ['forest'], breakdown: ['state'], sort: 'asc' },
    ],
    [
      'Which counties in Colorado lose the most rangeland to urban?',
      { measure: 'flow', from: ['rangeland'], to: ['urban'], breakdown: ['county'] },
    ],
    [
      'Where in Colorado does urban land grow most?',
      { measure: 'gain', states: ['CO'], breakdown: ['county'] },
    ],
    [
      'How much more urban expansion is there under HH than LM?',
      { measure: 'gain', breakdown: ['scenario'], scenarios: ['HH', 'LM'] },
    ],
    [
      'Which states see the biggest net decline in cropland?',
      { measure: 'change', uses: ['crop'], breakdown: ['state'], sort: 'asc' },
    ],
    [
      "What is Georgia's share of the national forest loss?",
      { measure: 'loss', uses: ['forest'], states: ['GA'], unit: 'share_of_total' },
    ],
    [
      "What share of the Pacific Northwest subregion's new urban land is in Oregon?",
      {
        measure: 'gain',
        states: ['Oregon'],
        within: ['Pacific Northwest'],
        unit: 'share_of_total',
      },
    ],
    [
      'Does Iowa lose more cropland or pasture?',
      { measure: 'loss', uses: ['crop', 'pasture'], breakdown: ['land_use'] },
    ],
    [
      'Which state has the most negative percent change in pasture?',
      { measure: 'percent_change', breakdown: ['state'], sort: 'asc' },
    ],
    [
      'Which state gains the most cropland (land converted into crops)?',
      { measure: 'gain', uses: ['crop'], breakdown: ['state'] },
    ],
    [
      'Which land use takes the most of the pasture Kansas loses?',
      { measure: 'loss', uses: ['pasture'], breakdown: ['to_use'] },
    ],
    [
      'Which gains more urban land, Travis County, TX or Bexar County, TX?',
      { measure: 'gain', counties: ['Travis, TX', 'Bexar, TX'], breakdown: ['county'] },
    ],
    [
      'Leaving out DC, which state gains the least urban land?',
      { measure: 'gain', states: ['the 48 states'], breakdown: ['state'], sort: 'asc' },
    ],
    [
      'Among the New England states, which has the largest share of its land in forest?',
      { measure: 'share', uses: ['forest'], breakdown: ['state'] },
    ],
    [
      'How much farmland (crop and pasture) in Ohio is paved over by 2060?',
      { measure: 'flow', from: ['agricultural'], to: ['urban'], states: ['OH'] },
    ],
    [
      'Acres of forest and pasture combined that become urban in Iowa',
      { measure: 'flow', from: ['forest', 'pasture'], to: ['urban'] },
    ],
    [
      'Show the net change in forest for each of the four RPA regions',
      { measure: 'change', uses: ['forest'], breakdown: ['rpa_region'] },
    ],
    [
      'By how many percent does cropland in Kansas shrink by 2050?',
      { measure: 'percent_change', uses: ['crop'], states: ['KS'] },
    ],
    [
      'Which land use is converted to pasture most in Missouri?',
      { measure: 'gain', uses: ['pasture'], breakdown: ['from_use'] },
    ],
    [
      'What percentage of Maine forest is converted to urban by 2070?',
      { measure: 'flow', from: ['forest'], to: ['urban'], unit: 'percent' },
    ],
    [
      'Compare forest loss in Georgia in the 2030s and the 2050s',
      { measure: 'loss', breakdown: ['period'], years: { start: 2030, end: 2060 } },
    ],
    [
      'Which one of the four pathways has the smallest net decline in pasture?',
      { measure: 'change', uses: ['pasture'], breakdown: ['scenario'], sort: 'desc' },
    ],
    [
      'Idaho or Utah: which one loses more cropland to cities?',
      { measure: 'flow', from: ['crop'], to: ['urban'], breakdown: ['state'] },
    ],
    [
      'Ratio of forest loss in the census South to the census Midwest',
      { measure: 'loss', uses: ['forest'], breakdown: ['census_region'] },
    ],
    [
      'Ohio county adding the most urban land by 2050',
      { measure: 'gain', states: ['OH'], breakdown: ['county'] },
    ],
    [
      'Which New England state, leaving out DC, gains the least urban land?',
      { measure: 'gain', breakdown: ['state'], sort: 'asc' },
    ],
  ])('"%s" is a plan for the general tool', (question, args) => {
    expect(call(question)).toMatchObject({ tool: 'query_land_use', args });
  });

  it.each([
    ['Which states have the most urban expansion?', 'compare_states'],
    ["What's the difference between SSP1 and SSP5 scenarios?", 'compare_scenarios'],
    ['Which land uses lose the most to urbanization in Ohio?', 'query_urban_expansion'],
    ['Which counties in Florida develop most?', 'query_top_counties'],
    [
      'What is the gap between the highest and lowest climate model for forest loss?',
      'compare_climate_models',
    ],
  ])('"%s" keeps its named tool', (question, tool) => {
    expect(call(question).tool).toBe(tool);
  });
});
