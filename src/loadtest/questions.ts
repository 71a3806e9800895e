/**
 * Questions for load tests: a generator of questions that never repeat (so no cache answers
 * them), and the built-in set of the realistic mix (every tool of the agent, follow-ups on the
 * same thread, the dashboard, the SQL explorer and exports).
 */
import { STATES } from '../domain/index.ts';

type Topic = (place: string, year: number) => string;

/** The six topics of the HTTP benchmark's never-repeating questions (bench/server.ts). */
const BASE_TOPICS: readonly Topic[] = [
  (s, y) => `How much new urban land is there in ${s} by ${y}?`,
  (s, y) => `How much forest does ${s} lose by ${y}?`,
  (s, y) => `How much cropland will ${s} have in ${y}?`,
  (s, y) => `Which counties in ${s} develop most by ${y}?`,
  (s, y) => `Compare urban expansion in ${s} across scenarios by ${y}`,
  (s, y) => `How does pasture change in ${s} by ${y}?`,
];

/** More topics, after the first ones are used up: other tools and measures. */
const MORE_TOPICS: readonly Topic[] = [
  (s, y) => `How much rangeland is there in ${s} in ${y}?`,
  (s, y) => `How much agricultural land does ${s} lose by ${y}?`,
  (s, y) => `How much forest converts to urban land in ${s} by ${y}?`,
  (s, y) => `Show land use trends in ${s} through ${y}`,
];

const YEARS = [2030, 2040, 2050, 2060, 2070] as const;

/** Scenario phrasings appended in the later rounds; '' is the first round (no scenario named). */
const SCENARIO_SUFFIXES = [
  '',
  ' under the LM scenario',
  ' under the HM scenario',
  ' under the HL scenario',
  ' under the HH scenario',
  ' under RCP8.5',
] as const;

/**
 * Questions that never repeat, as many as asked for. The first 1,470 are the HTTP benchmark's
 * (six topics x the 49 states and DC x five horizons, in that order); then four more topics, then
 * every topic again under each scenario (14,700 in all); past those, the same again with the
 * round's number at the end, so the text still never repeats.
 */
export function* distinctQuestions(): Generator<string, never> {
  for (let round = 1; ; round += 1) {
    const tail = round === 1 ? '' : ` (round ${round})`;
    for (const [n, suffix] of SCENARIO_SUFFIXES.entries()) {
      const topics = n === 0 ? [BASE_TOPICS, MORE_TOPICS] : [[...BASE_TOPICS, ...MORE_TOPICS]];
      for (const group of topics) {
        for (const year of YEARS) {
          for (const topic of group) {
            for (const state of STATES) yield addSuffix(topic(state.name, year), suffix + tail);
          }
        }
      }
    }
  }
}

/** The first `count` questions of distinctQuestions(). */
export function uniqueQuestions(
  count = BASE_TOPICS.length * YEARS.length * STATES.length,
): string[] {
  const out: string[] = [];
  const gen = distinctQuestions();
  while (out.length < count) out.push(gen.next().value);
  return out;
}

/** "...by 2030?" + " under HH" = "...by 2030 under HH?": the suffix goes before the mark. */
function addSuffix(question: string, suffix: string): string {
  if (!suffix) return question;
  return question.endsWith('?') ? `${question.slice(0, -1)}${suffix}?` : `${question}${suffix}`;
}

/**
 * One question for each of the agent's tools (the offline planner's choice on the demo data:
 * test/loadtest.test.ts checks that a realistic run calls every one of them).
 */
export const TOOL_QUESTIONS: readonly { tool: string; question: string }[] = [
  { tool: 'compare_states', question: 'Which states lose the most forest?' },
  { tool: 'query_land_use_area', question: 'How much forest area is in California?' },
  {
    tool: 'compare_scenarios',
    question: 'Compare forest loss between RCP45 and RCP85 scenarios',
  },
  { tool: 'query_time_series', question: 'Show agricultural trends in California' },
  {
    tool: 'query_top_counties',
    question: 'Which counties in Florida have the most development?',
  },
  {
    tool: 'query_land_use_transitions',
    question: 'How many acres of forest are converting to urban development?',
  },
  { tool: 'query_forest_change', question: 'What will happen to forests by 2050?' },
  { tool: 'query_agricultural_change', question: 'How much agricultural land will be lost?' },
  { tool: 'query_urban_expansion', question: 'Show urbanization trends in Texas' },
  { tool: 'query_by_county', question: 'Tell me about Wake County, North Carolina' },
  {
    tool: 'compare_climate_models',
    question: 'How much do the climate models disagree about urban expansion under HH?',
  },
  { tool: 'get_data_summary', question: 'What data is available?' },
  { tool: 'query_land_use', question: 'What share of Georgia is forest in 2070?' },
];

/**
 * What most people ask first, most asked first: a new visitor picks one with a weight falling
 * as 1/rank (Zipf), so the top few repeat often, as on a real site.
 */
export const POPULAR_QUESTIONS: readonly string[] = [
  'Which states have the most urban expansion?',
  'What will happen to forests by 2050?',
  'How much forest area is in California?',
  'Which counties show the most development?',
  'Compare forest loss between RCP45 and RCP85 scenarios',
  'What data is available?',
  'Show urbanization trends in Texas',
  'How much agricultural land will be lost?',
  'Which states lose the most forest?',
  'How much cropland will Iowa have in 2050?',
];

/** Follow-ups asked on the thread of the answer before. */
export const FOLLOW_UPS: readonly string[] = [
  'and in Texas?',
  'what about under HH?',
  'show the top 5 counties instead',
  'And in Ohio?',
  'what about by 2040?',
];

/** The dashboard's requests (the web app's Analytics page). */
export const ANALYTICS_PATHS: readonly string[] = [
  '/api/analytics/overview',
  '/api/analytics/overview?scenario=HH&states=TX',
  '/api/analytics/scenarios?metric=forest_loss',
  '/api/analytics/transitions?scenario=LM&states=CA',
  '/api/analytics/timeseries?states=NC&land_use=urban',
  '/api/analytics/map?metric=urban_expansion&level=state',
  '/api/analytics/map?metric=forest_loss&scenario=HM',
  '/api/analytics/county/37183',
];

/** SQL explorer queries (read-only, over the views). */
export const SQL_QUERIES: readonly string[] = [
  `SELECT state_abbrev, sum(acres) AS new_urban_acres FROM v_default_transitions WHERE to_landuse = 'Urban' AND from_landuse <> 'Urban' GROUP BY state_abbrev ORDER BY new_urban_acres DESC LIMIT 10`,
  `SELECT from_landuse, to_landuse, sum(acres) AS acres FROM v_landuse_changes WHERE rpa_code = 'OVERALL' AND year_range = '2020-2030' GROUP BY ALL ORDER BY acres DESC LIMIT 10`,
  `SELECT from_landuse, to_landuse, sum(acres) AS acres FROM v_default_transitions WHERE fips_code = '37183' AND from_landuse <> to_landuse GROUP BY ALL ORDER BY acres DESC`,
  `SELECT count(*) AS counties FROM dim_geography`,
];

/** Exports: the row count the Export page shows, then the file (small: one state, by state). */
export const EXPORT_PATHS: readonly { count: string; file: string }[] = [
  {
    count: '/api/export/count?states=NC&scenarios=HH&level=state',
    file: '/api/export?format=csv&states=NC&scenarios=HH&level=state',
  },
  {
    count: '/api/export/count?states=TX&land_use=forest&level=state',
    file: '/api/export?format=json&states=TX&land_use=forest&level=state',
  },
];
