/**
 * A held-out question set for the planner, written apart from the dev set: other phrasings,
 * misspellings, regions, years and counties. Same shape as eval/dev-questions.jsonl; only the
 * listed arguments are checked.
 */
import type { EvalQuestion } from '../eval.ts';

const SOUTH = ['AL', 'AR', 'FL', 'GA', 'KY', 'LA', 'MS', 'NC', 'OK', 'SC', 'TN', 'TX', 'VA'];
const NORTHEAST = ['CT', 'DE', 'DC', 'ME', 'MD', 'MA', 'NH', 'NJ', 'NY', 'PA', 'RI', 'VT', 'WV'];
const MIDWEST = ['IL', 'IN', 'IA', 'KS', 'MI', 'MN', 'MO', 'NE', 'ND', 'OH', 'SD', 'WI'];

const q = (
  id: string,
  question: string,
  tool: EvalQuestion['expect']['tool'],
  args: Record<string, unknown> = {},
): EvalQuestion => ({ id, question, expect: { tool, args } });

/** The held-out set: 42 questions, none of them in the dev set. */
export const HELD_OUT_QUESTIONS: readonly EvalQuestion[] = [
  q('h01', 'how much forrest is there in pensylvania?', 'query_land_use_area', {
    states: ['PA'],
    land_use: 'forest',
  }),
  q('h02', 'Which states see the biggest urbanisation under SSP5?', 'compare_states', {
    metric: 'urban_expansion',
    scenario: 'HH',
  }),
  q('h03', 'Pasture acreage in Oklahoma in 2060', 'query_land_use_area', {
    states: ['OK'],
    land_use: 'pasture',
    year: 2060,
  }),
  q('h04', 'How much woodland does Vermont lose by 2040?', 'query_forest_change', {
    states: ['VT'],
    change_type: 'loss',
    year_range: '2020-2040',
  }),
  q('h05', 'Where does new developed land in Arizona come from?', 'query_urban_expansion', {
    states: ['AZ'],
  }),
  q('h06', 'List the top 3 counties in Georgia for new development', 'query_top_counties', {
    states: ['GA'],
    limit: 3,
  }),
  q('h07', 'forest to cropland conversion in the Midwest', 'query_land_use_transitions', {
    from_use: 'forest',
    to_use: 'crop',
    states: MIDWEST,
  }),
  q(
    'h08',
    'How does the green road scenario compare with taking the highway for urban growth?',
    'compare_scenarios',
    {
      scenarios: ['LM', 'HH'],
      metric: 'urban_expansion',
    },
  ),
  q('h09', 'Show the trend of rangeland in Montana', 'query_time_series', {
    states: ['MT'],
    metric: 'rangeland_area',
  }),
  q(
    'h10',
    'How different are the climate models for forest loss in the Southeast?',
    'compare_climate_models',
    {
      metric: 'forest_loss',
      states: ['FL', 'GA', 'NC', 'SC', 'VA'],
    },
  ),
  q(
    'h11',
    'What does the hot model say about urban expansion in Nevada?',
    'compare_climate_models',
    {
      metric: 'urban_expansion',
      states: ['NV'],
    },
  ),
  q('h12', 'Tell me about Maricopa County', 'query_by_county', { county: 'Maricopa', state: 'AZ' }),
  q('h13', 'Land use in Travis County, TX under SSP3', 'query_by_county', {
    county: 'Travis',
    state: 'TX',
    scenario: 'HL',
  }),
  q('h14', 'What climate models are in the data?', 'get_data_summary'),
  q('h15', 'which time periods does the dataset cover', 'get_data_summary'),
  q('h16', 'Net change in forest in the South between 2020 and 2050', 'query_forest_change', {
    states: SOUTH,
    change_type: 'net',
    year_range: '2020-2050',
  }),
  q('h17', 'How much cropland will Kansas and Nebraska lose?', 'query_agricultural_change', {
    states: ['KS', 'NE'],
    ag_type: 'crop',
  }),
  q('h18', 'Farmland loss across all scenarios', 'compare_scenarios', { metric: 'ag_loss' }),
  q('h19', 'Rank states by forest gain', 'compare_states', { metric: 'forest_gain' }),
  q('h20', 'Which state loses the least forest?', 'compare_states', { metric: 'forest_loss' }),
  q(
    'h21',
    'How much urban land will Florida have in 2070 under the middle of the road scenario?',
    'query_land_use_area',
    {
      states: ['FL'],
      land_use: 'urban',
      year: 2070,
      scenario: 'HM',
    },
  ),
  q('h22', 'Is forest turning into pasture in Missouri?', 'query_land_use_transitions', {
    states: ['MO'],
    from_use: 'forest',
    to_use: 'pasture',
  }),
  q('h23', 'How much rangeland becomes urban in Colorado by 2050?', 'query_land_use_transitions', {
    states: ['CO'],
    from_use: 'rangeland',
    to_use: 'urban',
    year_range: '2020-2050',
  }),
  q('h24', 'Urban sprawl in the Pacific Southwest', 'query_urban_expansion', { states: ['CA'] }),
  q('h25', 'Compare forest loss in Alabama, Mississippi and Louisiana', 'compare_states', {
    states: ['AL', 'MS', 'LA'],
    metric: 'forest_loss',
  }),
  q('h26', 'How does forest area in Maine change over time?', 'query_time_series', {
    states: ['ME'],
    metric: 'forest_area',
  }),
  q('h27', 'Which counties in the Northeast lose the most farmland?', 'query_top_counties', {
    states: NORTHEAST,
    metric: 'ag_loss',
  }),
  q('h28', 'Agricultural land lost in Illinois since 2012', 'query_agricultural_change', {
    states: ['IL'],
    year_range: '2012-2070',
  }),
  q('h29', 'Forest gain in Washington State under RCP 4.5', 'query_forest_change', {
    states: ['WA'],
    change_type: 'gain',
    scenario: 'LM',
  }),
  q('h30', 'Compare RCP4.5 SSP1 with RCP8.5 SSP3 for cropland loss in Iowa', 'compare_scenarios', {
    scenarios: ['LM', 'HL'],
    states: ['IA'],
    metric: 'ag_loss',
  }),
  q('h31', 'Top ten counties for urbanization in North Carolina', 'query_top_counties', {
    states: ['NC'],
    limit: 10,
    metric: 'urban_growth',
  }),
  q('h32', 'urban expansion in texas by 2050', 'query_urban_expansion', {
    states: ['TX'],
    year_range: '2020-2050',
  }),
  q('h33', 'What does Harris County look like in 2050?', 'query_by_county', {
    county: 'Harris',
    state: 'TX',
    year: 2050,
  }),
  q(
    'h34',
    'What happens to cropland in the Great Plains through 2070 under the rocky road?',
    'query_agricultural_change',
    {
      states: ['KS', 'NE', 'ND', 'SD'],
      scenario: 'HL',
      year_range: '2020-2070',
    },
  ),
  q('h35', 'Which scenario loses the most pasture in Kentucky?', 'compare_scenarios', {
    states: ['KY'],
    metric: 'ag_loss',
  }),
  q('h36', 'How many acres of grassland are in New Mexico?', 'query_land_use_area', {
    states: ['NM'],
    land_use: 'rangeland',
  }),
  q('h37', 'Show urban area trends for Oregon from 2020 to 2060', 'query_time_series', {
    states: ['OR'],
    metric: 'urban_area',
  }),
  q(
    'h38',
    'Which counties have the largest forest loss under the high-high scenario?',
    'query_top_counties',
    {
      metric: 'forest_loss',
      scenario: 'HH',
    },
  ),
  q(
    'h39',
    'How much forest is lost to urban development in Virginia?',
    'query_land_use_transitions',
    {
      states: ['VA'],
      from_use: 'forest',
      to_use: 'urban',
    },
  ),
  q('h40', 'Which Census South states gain the most urban land?', 'compare_states', {
    metric: 'urban_expansion',
    states: [...SOUTH, 'DE', 'DC', 'MD', 'WV'],
  }),
  q('h41', 'what land goes to urban use in new jersey in the 2030s', 'query_urban_expansion', {
    states: ['NJ'],
    year_range: '2030-2040',
  }),
  q('h42', 'Is there more forest in Oregon or Washington in 2050?', 'compare_states', {
    states: ['OR', 'WA'],
    year: 2050,
  }),
];
