/**
 * Slot filling: a question to what it names (places, land uses, from/to, change, scenarios,
 * years, limit, climate model) and the cue words of each intent. Slots claim their words in a fixed
 * order, so a word serves one slot: scenario names first ("fossil-fuelled development" is HH, not
 * urbanization), then the county ("Washington County" is not the state), places, land uses.
 */
import { findLandUse, type LandUseKey } from '../../domain/index.ts';
import { extractCounty, extractOutside, extractPlaces } from './places.ts';
import { extractClimateModel, extractScenarios } from './scenarios.ts';
import { extractTime } from './time.ts';
import { matchesAny, scanPhrases, tokenize, type Match, type Sentence } from './tokens.ts';
import type { ChangeSlot, Cue, Slots } from './types.ts';
import {
  CHANGE_PATTERNS,
  CUE_PATTERNS,
  NUMBER_WORDS,
  USE_TERMS,
  type UseTerm,
} from './vocabulary.ts';

/** Slots plus what only a refusal needs. */
export interface Extraction {
  slots: Slots;
  /** Places outside the conterminous US that the question names. */
  outside: string[];
  /** A year the question names outside 2012-2070. */
  outsideYear?: number;
  sentence: Sentence;
}

const USE_MAP = new Map<string, UseTerm>(USE_TERMS);

function lookupUse(text: string): UseTerm | undefined {
  const term = USE_MAP.get(text);
  if (term) return term;
  // The domain's fuzzy lookup catches misspellings the respelling missed ("pasturland").
  if (text.includes(' ') || text.length < 6) return undefined;
  const found = findLandUse(text);
  return found ? { kind: 'use', use: found.key } : undefined;
}

const keyOf = (term: UseTerm): LandUseKey | undefined =>
  term.kind === 'use' ? term.use : term.kind === 'urbanization' ? 'urban' : undefined;

/** Words that end a "to" before it reaches a land use: "what happens to pasture" is no transition. */
const NOT_A_FLOW_BEFORE_TO = new Set(
  (
    'happen happens happened happening due compared compare relative similar close next up ' +
    'according and'
  ).split(' '),
);
/** Words after which a land use is where land goes: "to", "into", "becomes". */
const TARGET_WORDS = new Set(['to', 'into', 'become', 'becomes', 'becoming', 'became']);
const CONVERSION_VERBS = new Set(
  (
    'convert converts converted converting conversion conversions turn turns turned turning ' +
    'become becomes becoming became transition transitions transitioning transitioned'
  ).split(' '),
);
const SKIPPABLE = new Set(['the', 'new', 'more', 'other', 'an', 'a']);

interface FromTo {
  fromUse?: LandUseKey;
  toUse?: LandUseKey;
  /** The from-use follows an urbanization word: "urban expansion from forest". */
  source: boolean;
}

/** Reads "X to Y", "X converts to Y", "from X (to Y)", "converting to Y", "lost to Y". */
function fromTo(s: Sentence, uses: Match<UseTerm>[]): FromTo {
  const words = s.tokens.map((t) => t.word);
  const flows = matchesAny(s, CUE_PATTERNS.transition);
  const useAt = (i: number) =>
    uses.find(
      (u) => keyOf(u.value) && (u.start === i || (u.start === i + 1 && SKIPPABLE.has(words[i]!))),
    );
  const out: FromTo = { source: false };
  for (let i = 0; i < words.length; i++) {
    if (!TARGET_WORDS.has(words[i]!)) continue;
    const target = useAt(i + 1);
    if (!target || NOT_A_FLOW_BEFORE_TO.has(words[i - 1] ?? '')) continue;
    const before = uses.filter((u) => keyOf(u.value) && u.end <= i && i - u.end <= 4).at(-1);
    const fromWord = before !== undefined && words[before.start - 1] === 'from';
    // "Farmland to urban": a group right before "to" is the source (the planner reads the group).
    const group = uses.some((u) => u.value.kind === 'agriculture' && u.end === i);
    if (group && !before) {
      out.toUse = keyOf(target.value);
      return out;
    }
    if (!flows && before?.end !== i && !fromWord) continue;
    out.toUse = keyOf(target.value);
    // "cropland (acres converted into crops)": the use named again, not a flow from itself.
    if (before && keyOf(before.value) !== out.toUse) out.fromUse = keyOf(before.value);
    return out;
  }
  const from = words.findIndex((w, i) => w === 'from' && useAt(i + 1));
  if (from >= 0) {
    out.fromUse = keyOf(useAt(from + 1)!.value);
    out.source = uses.some((u) => u.value.kind === 'urbanization' && u.end <= from);
    return out;
  }
  // "What does forest turn into?", "how much pasture will be converted": the land use just before
  // a conversion verb is where the land comes from.
  const verb = words.findIndex((w) => CONVERSION_VERBS.has(w));
  const before = uses.filter((u) => u.value.kind === 'use' && u.end <= verb && verb - u.end <= 3);
  const source = before.at(-1)?.value;
  if (source?.kind === 'use') out.fromUse = source.use;
  return out;
}

function changeOf(free: string): ChangeSlot | undefined {
  const loss = CHANGE_PATTERNS.loss.test(free);
  const gain = CHANGE_PATTERNS.gain.test(free);
  if (CHANGE_PATTERNS.net.test(free) || (loss && gain)) return 'net';
  if (loss) return 'loss';
  if (gain) return 'gain';
  return CHANGE_PATTERNS.change.test(free) ? 'change' : undefined;
}

function numberOf(word: string): number | undefined {
  const n = /^\d+$/.test(word) ? Number(word) : NUMBER_WORDS[word];
  return n !== undefined && n > 0 && n <= 500 ? n : undefined;
}

const COUNT = `(\\d+|${Object.keys(NUMBER_WORDS).join('|')})`;
const LIMIT_PATTERNS = [
  new RegExp(`\\b(?:top|first|last|bottom) ${COUNT}\\b`),
  new RegExp(`\\b${COUNT} (?:\\w+ )?(?:counties|states|places)\\b`),
];

/** "top 5", "10 counties", "the five states": how many rows a ranking should show. */
function limitOf(text: string): number | undefined {
  for (const p of LIMIT_PATTERNS) {
    const m = p.exec(text);
    const n = m ? numberOf(m[1]!) : undefined;
    if (n !== undefined) return n;
  }
  return undefined;
}

function cuesOf(s: Sentence, scenarioCount: number): Cue[] {
  const cues: Cue[] = [];
  for (const [cue, patterns] of Object.entries(CUE_PATTERNS)) {
    if (matchesAny(s, patterns)) cues.push(cue as Cue);
  }
  // Two scenarios named side by side ("SSP1 and SSP5") compare them even without the word.
  if (scenarioCount >= 2 && !cues.includes('compare_scenarios') && cues.includes('compare')) {
    cues.push('compare_scenarios');
  }
  return cues;
}

/** Fills the slots of one question. Pure: the same question always gives the same slots. */
export function extract(question: string): Extraction {
  const s = tokenize(question);
  const scenarios = extractScenarios(s);
  const county = extractCounty(s);
  // "Wake County, NC ... than Mecklenburg County": a second county, to set beside the first.
  const other = county ? extractCounty(s) : undefined;
  const outside = extractOutside(s);
  const { states, places } = extractPlaces(s);
  // Change words are read without scenario and place names ("high growth", "New Jersey") but
  // with land use words ("deforestation", "urban expansion").
  const free = s.tokens
    .filter((_, i) => !s.used[i])
    .map((t) => t.word)
    .join(' ');
  const uses = scanPhrases(s, 4, (text) => lookupUse(text));
  const { time, outside: outsideYear } = extractTime(question);
  const flow = fromTo(s, uses);
  let change = changeOf(free);
  // "gross gain", "gross loss": said outright, whatever other change words the question has.
  if (/\bgross (gain|gains)\b/.test(free)) change = 'gain';
  else if (/\bgross (loss|losses)\b/.test(free)) change = 'loss';
  // "gains the most cropland (acres converted into crops)": a conversion into a use is its gain.
  if (
    change === 'net' &&
    flow.toUse &&
    !flow.fromUse &&
    CHANGE_PATTERNS.gain.test(free) &&
    !CHANGE_PATTERNS.net.test(free)
  ) {
    change = 'gain';
  }

  const landUses: LandUseKey[] = [];
  for (const u of uses) {
    if (u.value.kind === 'use' && !landUses.includes(u.value.use)) landUses.push(u.value.use);
  }
  const urbanWord = uses.find((u) => u.value.kind === 'urbanization')?.value;
  const expansionSaid = /\bexpan(d|ds|ded|ding|sion)\b/.test(s.text);
  let urbanization: Slots['urbanization'];
  if (urbanWord?.kind === 'urbanization') {
    urbanization = urbanWord.expansion || expansionSaid ? 'expansion' : 'growth';
  } else if (
    (landUses[0] === 'urban' && change === 'gain') ||
    (flow.toUse === 'urban' && !flow.fromUse)
  ) {
    urbanization = expansionSaid ? 'expansion' : 'growth';
  }

  const cues = cuesOf(s, scenarios.length);
  if (uses.some((u) => u.value.kind === 'generic')) cues.push('land_use');
  if (flow.source) cues.push('source');
  const climateModel = extractClimateModel(s);
  if (climateModel && !cues.includes('climate_models')) cues.push('climate_models');

  // A county's state: the one named with it, else one named anywhere ("Orange County in
  // Florida"), else the famous county's.
  const countyState = county?.state ?? states[0] ?? county?.likelyState;
  const slots: Slots = {
    states: county ? (countyState ? [countyState] : []) : states,
    places: county ? [`${county.name} County`] : places,
    landUses,
    agriculture: uses.some((u) => u.value.kind === 'agriculture'),
    scenarios,
    cues,
    assumed: [],
  };
  if (county)
    slots.county = countyState ? { name: county.name, state: countyState } : { name: county.name };
  if (other && county) {
    const otherState = other.state ?? county.state ?? other.likelyState ?? countyState;
    slots.otherCounty = otherState ? { name: other.name, state: otherState } : { name: other.name };
    if (!county.state && other.state && !states[0] && slots.county) {
      // "dallas county vs tarrant county TX": the state named once is both counties'.
      slots.county = { name: county.name, state: other.state };
    }
  }
  if (urbanization) slots.urbanization = urbanization;
  if (flow.fromUse) slots.fromUse = flow.fromUse;
  if (flow.toUse) slots.toUse = flow.toUse;
  if (change) slots.change = change;
  if (time) slots.time = time;
  const limit = limitOf(s.text);
  if (limit !== undefined) slots.limit = limit;
  if (climateModel) slots.climateModel = climateModel;
  return { slots, outside, ...(outsideYear !== undefined ? { outsideYear } : {}), sentence: s };
}
