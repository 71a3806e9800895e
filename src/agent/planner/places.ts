/**
 * Places in a question: a county ("Cook County, Illinois"), states and regions (expanded to their
 * states, RPA meaning first as DATA.md says), and places the data does not cover.
 */
import {
  editDistance,
  findRegion,
  findState,
  normalizeText,
  type State,
} from '../../domain/index.ts';
import { bareCounty, famousCounty } from './counties.ts';
import { claim, scanPhrases, type Sentence } from './tokens.ts';

/** Words that end a county name when reading back from "County": "Tell me about | Cook County". */
const NOT_COUNTY_NAME = new Set(
  (
    'which what each every per by top the a an in of about for one most largest biggest my this ' +
    'that any same county counties show tell me how is are does do compare list give rank and or ' +
    'to from with land use uses where when why whose single fastest growing under at near'
  ).split(' '),
);

/** Two-letter words that are also state codes: not codes when a question is typed in capitals. */
const SHOUTED_WORDS = new Set([
  'IN',
  'OR',
  'ME',
  'OK',
  'OH',
  'HI',
  'LA',
  'PA',
  'MA',
  'DE',
  'CO',
  'AL',
  'ID',
]);

const EDGE_WORDS = new Set(
  'in of and or the for to by under with from at vs is are has have a an than on as'.split(' '),
);

const LITTLE_WORDS = new Set([
  'in',
  'or',
  'me',
  'ok',
  'oh',
  'hi',
  'de',
  'co',
  'id',
  'at',
  'on',
  'by',
  'to',
]);

/** A county the question names. */
export interface CountySlot {
  name: string;
  /** The state the question names right after the county ("Cook County, Illinois"). */
  state?: string;
  /** The state of the famous county of that name, for when the question names no state. */
  likelyState?: string;
}

function titleCase(text: string): string {
  return text.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
}

/** A state named right after the county ("Cook County, Illinois", "Orange County FL"). */
function stateAfter(s: Sentence, at: number): State | undefined {
  for (const n of [2, 1]) {
    const toks = s.tokens.slice(at, at + n);
    if (toks.length < n || s.used.slice(at, at + n).some(Boolean)) continue;
    const raw = toks.map((t) => t.raw).join(' ');
    // "orange county, fl": after a comma a lower-case code is one too, unless it is a word.
    const comma = s.question.slice(s.tokens[at - 1]!.end, toks[0]!.start).includes(',');
    const code =
      /^[A-Z]{2}\.?$/.test(raw) || (comma && /^[a-z]{2}$/.test(raw) && !LITTLE_WORDS.has(raw));
    const state =
      n === 1 && code
        ? findState(raw.slice(0, 2))
        : /^[a-z]{3,}/.test(toks[0]!.word)
          ? findState(toks.map((t) => t.word).join(' '))
          : undefined;
    if (state) {
      claim(s, at, at + n);
      return state;
    }
  }
  return undefined;
}

/**
 * The county a question names with the word "County" (or "Parish"): the words before it that look
 * like a name (capitalised, unless the question has no capitals at all), the longest ending that
 * is a famous county preferred. Claims its tokens.
 */
export function extractCounty(s: Sentence): CountySlot | undefined {
  const lowerCase = !/\p{Lu}/u.test(s.question);
  for (let i = 1; i < s.tokens.length; i++) {
    if (!['county', 'parish'].includes(s.tokens[i]!.word) || s.used[i]) continue;
    let first = i;
    while (first > 0 && i - first < 3 && !s.used[first - 1]) {
      const t = s.tokens[first - 1]!;
      const word = normalizeText(t.raw);
      if (NOT_COUNTY_NAME.has(word) || /^\d/.test(word)) break;
      // Lower case in a question with capitals: only a famous county's name ("dallas county").
      if (!lowerCase && !s.shouting && !/^\p{Lu}/u.test(t.raw) && !famousCounty(word)) break;
      first--;
    }
    if (first === i) continue;
    // Prefer the longest ending that is a famous county: "about Los Angeles" -> "Los Angeles".
    for (let k = first; k < i; k++) {
      const name = s.tokens
        .slice(k, i)
        .map((t) => normalizeText(t.raw))
        .join(' ');
      const famous = famousCounty(name);
      if (!famous) continue;
      claim(s, k, i + 1);
      const named = stateAfter(s, i + 1);
      return named
        ? { name: famous.name, state: named.abbrev }
        : { name: famous.name, likelyState: famous.state };
    }
    if (lowerCase && i - first > 2) first = i - 2;
    const raw = s.question.slice(s.tokens[first]!.start, s.tokens[i - 1]!.end).replace(/[.,]$/, '');
    claim(s, first, i + 1);
    const named = stateAfter(s, i + 1);
    const name = lowerCase || s.shouting ? titleCase(raw.toLowerCase()) : raw;
    return named ? { name, state: named.abbrev } : { name };
  }
  return bareCountyIn(s);
}

/** A famous county named without "County": "What about Maricopa?", "San Diego in 2050". */
function bareCountyIn(s: Sentence): CountySlot | undefined {
  const found = scanPhrases(s, 2, (_, start, end) =>
    bareCounty(
      s.tokens
        .slice(start, end)
        .map((t) => normalizeText(t.raw))
        .join(' '),
    ),
  )[0];
  if (!found) return undefined;
  const named = stateAfter(s, found.end);
  return named
    ? { name: found.value.name, state: named.abbrev }
    : { name: found.value.name, likelyState: found.value.state };
}

/** Places outside the conterminous US, as people write them (matched on normalised words). */
const OUTSIDE: ReadonlyArray<readonly [string, string]> = [
  ['alaska', 'Alaska'],
  ['hawaii', 'Hawaii'],
  ['honolulu', 'Hawaii'],
  ['anchorage', 'Alaska'],
  ['puerto rico', 'Puerto Rico'],
  ['guam', 'Guam'],
  ['canada', 'Canada'],
  ['mexico', 'Mexico'],
  ['europe', 'Europe'],
  ['china', 'China'],
  ['india', 'India'],
  ['brazil', 'Brazil'],
  ['africa', 'Africa'],
  ['australia', 'Australia'],
  ['england', 'England'],
  ['united kingdom', 'the United Kingdom'],
  ['france', 'France'],
  ['germany', 'Germany'],
  ['japan', 'Japan'],
  ['russia', 'Russia'],
  ['amazon', 'the Amazon'],
  ['countries', 'other countries'],
  ['world', 'the world'],
  ['worldwide', 'the world'],
  ['globally', 'the world'],
];

/** Outside places worth catching misspelt ("Hawai"); "countries" must not catch "counties". */
const MISSPELT_OUTSIDE = new Set([
  'alaska',
  'hawaii',
  'honolulu',
  'anchorage',
  'canada',
  'australia',
]);

/** Places the data does not cover (Alaska, Hawaii, other countries), misspelt ones too. */
export function extractOutside(s: Sentence): string[] {
  return scanPhrases(s, 2, (text, start) => {
    // "New Mexico" is a state and "New England" a region; "Mexico" alone is neither.
    if ((text === 'mexico' || text === 'england') && s.tokens[start - 1]?.word === 'new') {
      return undefined;
    }
    for (const [name, label] of OUTSIDE) {
      if (text === name) return label;
      if (MISSPELT_OUTSIDE.has(name) && text[0] === name[0] && editDistance(text, name) === 1) {
        return label;
      }
    }
    return undefined;
  }).map((m) => m.value);
}

/** Regions people name that are neither RPA nor Census regions: the Census divisions of the East. */
const EXTRA_REGIONS: Readonly<Record<string, { label: string; states: readonly string[] }>> = {
  'new england': { label: 'New England', states: ['CT', 'ME', 'MA', 'NH', 'RI', 'VT'] },
  'mid atlantic': { label: 'the Mid-Atlantic', states: ['NJ', 'NY', 'PA'] },
};

interface PlaceHit {
  label: string;
  states: State[];
}

/**
 * States and regions, expanded to their states in order of mention. A two-letter code counts only
 * when written in capitals ("in" is not Indiana), and "census" in the question gives a region
 * name its Census meaning.
 */
export function extractPlaces(s: Sentence): { states: string[]; places: string[] } {
  const census = /\bcensus\b/.test(s.text);
  const hits = scanPhrases<PlaceHit>(s, 3, (text, start, end) => {
    if (end - start === 1) {
      const raw = s.tokens[start]!.raw.replace(/\.$/, '');
      if (/^[A-Z]{2}$/.test(raw) && !(s.shouting && SHOUTED_WORDS.has(raw))) {
        const state = findState(raw);
        if (state) return { label: state.name, states: [state] };
      }
      if (text === 'dc') return { label: 'District of Columbia', states: [findState('DC')!] };
      if (text.length <= 2) return undefined;
    }
    if (!/^[a-z]/.test(text)) return undefined;
    // A name never starts or ends with a little word: "washington in" must not be near enough to
    // "washington dc" to take it.
    const words = text.split(' ');
    if (words.length > 1 && (EDGE_WORDS.has(words[0]!) || EDGE_WORDS.has(words.at(-1)!))) {
      return undefined;
    }
    const state = findState(text);
    if (state) return { label: state.name, states: [state] };
    const extra = EXTRA_REGIONS[text];
    if (extra) return { label: extra.label, states: extra.states.map((c) => findState(c)!) };
    const region = findRegion(census ? `census ${text}` : text);
    if (!region) return undefined;
    const label = region.kind === 'censusRegion' ? `the ${region.name} (Census)` : region.name;
    return { label, states: region.states };
  });
  const states: string[] = [];
  for (const h of hits) {
    for (const st of h.value.states) if (!states.includes(st.abbrev)) states.push(st.abbrev);
  }
  return { states, places: hits.map((h) => h.value.label) };
}
