/**
 * Polite refusals: an empty question, a request to change the data, a question outside the data
 * (weather, prices, places beyond the conterminous US, years beyond 2012-2070). Each refusal says
 * why and offers questions the planner can answer.
 */
import { normalizeText, stateByNameOrAbbrev } from '../../domain/index.ts';
import type { Extraction } from './extract.ts';
import { hasTopic } from './intent.ts';
import type { Plan } from './types.ts';

type Decline = Extract<Plan, { kind: 'decline' }>;

/** Questions the planner answers well, offered with every refusal. */
export const EXAMPLE_QUESTIONS: readonly string[] = [
  'Which states have the most urban expansion by 2070?',
  'How much forest is lost in Georgia under the high-high (SSP5) scenario?',
  'Compare cropland loss across the RPA scenarios in Iowa',
  'Which 10 counties in Texas gain the most urban land?',
];

const ABOUT =
  'I answer questions about the USDA Forest Service 2020 RPA land use projections: crop, pasture, ' +
  'rangeland, forest and urban land in the counties of the conterminous US, 2012-2070, under ' +
  'five scenarios.';

/** Writing to the data: SQL statements and verbs aimed at the data itself. */
const MODIFY_PATTERNS: readonly RegExp[] = [
  /\b(delete|erase|wipe|purge|truncate|overwrite)\b/,
  /\bdrop (the )?(table|database|schema|view|column|rows?|data|records?|all)\b/,
  // Imperatives only: "how do forest acres change" is a question, "change the forest acres" is not.
  /^(please |can you |could you |i want to |lets |let me )?(update|modify|alter|edit|change|replace|rename|correct|fix|set|make) (the |this |that |all |your )?(\w+ ){0,4}(data|database|table|tables|values?|numbers?|records?|rows?|figures?|acres|acreage|column|to \d+)\b/,
  /\bupdate\b.*\bset\b/,
  /\b(insert|add|append) (a |an |new |some )*(rows?|records?|data|values?|entries|entry|county|counties|columns?)\b/,
  /\b(remove|delete) (the |all )?(\w+ ){0,3}(data|rows?|records?|counties|county|state|table)\b/,
  /\b(grant|revoke|create table|insert into)\b/,
];

/** Subjects the data says nothing about (checked only when no land use topic is named). */
const OFF_TOPIC =
  /\b(weather|rain|raining|snow|snowing|temperature today|forecasts?|sunny|stocks?|stock market|share prices?|prices?|bitcoin|crypto|dow jones|nasdaq|sports?|football|basketball|baseball|soccer|hockey|nfl|nba|super bowl|world cup|score|scores|recipes?|cook|cooking|bake|baking|pasta|pizza|dinner|lunch|movies?|films?|songs?|music|jokes?|poems?|president|election|capital of|population|flights?|hotels?|restaurants?|translate|password|email)\b/;

/**
 * Things about land that the projections do not hold, whatever land use the question names:
 * they hold acres of each use moving between uses, nothing about fire, money, people, timber
 * volumes, carbon, water, wildlife, ownership or farm output.
 */
const NOT_HELD: readonly [RegExp, string][] = [
  [/\b(wild ?fires?|forest fires?|fires?|burn(s|ed|t|ing)?|burn scars?)\b/, 'wildfire'],
  [
    /\b(sell(s|ing)? for|sold for|prices?|land values?|property values?|values? of (the )?land|rents?|dollars?|taxe?s?|market value)\b/,
    'land prices or values',
  ],
  [
    /\b(timber (harvests?|volumes?|production)|harvest(ed|s)? volumes?|board feet|stumpage|logging|cubic feet|wood production|sawtimber|pulpwood)\b/,
    'timber harvests or volumes',
  ],
  [
    // "the low-emissions scenario" names a pathway; emissions themselves are not in the data.
    /\b(carbon|sequest\w*|co2|greenhouse)\b|\bemissions?\b(?![- ](scenarios?|pathways?|futures?|storylines?))/,
    'carbon or emissions',
  ],
  [
    /\b(population|residents|inhabitants|households?|housing units|jobs|employment|how many (new )?(houses|homes)|how many people|people (will )?(live|living))\b/,
    'population, housing or jobs',
  ],
  [
    /\b(federal land|public land|national forests|national forest system|owners?|ownership|who owns)\b/,
    'ownership or federal land',
  ],
  [
    /\b(water|droughts?|floods?|flooding|rainfall|precipitation|wetlands?|marsh(es)?|swamps?)\b/,
    'water, wetlands, drought or floods',
  ],
  [/\b(species|wildlife|biodiversity|habitats?)\b/, 'wildlife or habitat'],
  [
    /\b(crop yields?|yields? (per|of)|bushels|farm output|production of (corn|wheat|soy\w*)|cattle|livestock|head of|carrying capacity|stocking rates?)\b/,
    'crop yields or farm output',
  ],
];

/** Whether a normalised question asks to write to the data (delete, update, drop ...). */
export function asksToModify(text: string): boolean {
  return MODIFY_PATTERNS.some((p) => p.test(text));
}

function decline(reason: Decline['reason'], message: string): Decline {
  return { kind: 'decline', reason, message, examples: [...EXAMPLE_QUESTIONS] };
}

/** The refusal for an empty question. */
export function declineEmpty(): Decline {
  return decline(
    'empty',
    'Ask me a question about land use in the conterminous US: forest, cropland, pasture, ' +
      'rangeland or urban growth, by state, region or county, under the RPA scenarios.',
  );
}

/** The refusal for a question with nothing in it the data can answer. */
export function declineUnknown(): Decline {
  return decline('out_of_domain', `I could not find a land use question in that. ${ABOUT}`);
}

/**
 * The refusal a question calls for, if any: writing to the data first (even when it names land
 * uses), then places and years outside the data, then subjects outside it.
 */
export function declineFor(question: string, ex: Extraction): Decline | undefined {
  const text = normalizeText(question);
  if (asksToModify(text)) {
    return decline(
      'modify_data',
      'I can only read the RPA land use projections; I cannot change, add or delete data. ' +
        'I can answer questions about them instead.',
    );
  }
  const countyState = ex.slots.county?.state;
  const outside = [...ex.outside];
  if (countyState && !stateByNameOrAbbrev(countyState))
    outside.push(`${ex.slots.county!.name} County`);
  if (outside.length > 0) {
    return decline(
      'out_of_domain',
      `The RPA land use projections cover the conterminous US (the lower 48 states and DC), so ` +
        `I have no data for ${outside[0]!}. ${ABOUT}`,
    );
  }
  if (ex.outsideYear !== undefined) {
    return decline(
      'out_of_domain',
      `The projections run from 2012 to 2070, so I have nothing for ${ex.outsideYear}. ${ABOUT}`,
    );
  }
  const notHeld = NOT_HELD.find(([pattern]) => pattern.test(text));
  if (notHeld) {
    return decline(
      'out_of_domain',
      `The projections hold only acres of land in each use and how they move between uses, not ${notHeld[1]}. ${ABOUT}`,
    );
  }
  // The words no slot claimed: "Cook County" is a place, "cook" alone a recipe.
  const free = ex.sentence.tokens
    .filter((_, i) => !ex.sentence.used[i])
    .map((t) => t.word)
    .join(' ');
  if (OFF_TOPIC.test(free) && !hasTopic(ex.slots)) {
    return decline('out_of_domain', `That is outside what I can answer. ${ABOUT}`);
  }
  return undefined;
}
