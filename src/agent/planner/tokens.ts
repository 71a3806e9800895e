/**
 * A question as tokens: original spelling (capitals mark names), normalised words with
 * misspellings of domain words put right, and which tokens a slot has already claimed.
 */
import {
  CLIMATE_MODELS,
  REGION_ALIASES,
  RPA_SUBREGIONS,
  RPA_REGIONS,
  CENSUS_REGIONS,
  SCENARIOS,
  STATES,
  allowedEdits,
  editDistance,
  normalizeText,
} from '../../domain/index.ts';
import { CHANGE_PATTERNS, CUE_PATTERNS, PROTECTED_WORDS, USE_TERMS } from './vocabulary.ts';

/** One word of the question. */
export interface Token {
  /** As typed, for names ("Los Angeles") and capitals ("TX"). */
  readonly raw: string;
  /** Normalised and, for a misspelt domain word, respelt: "forrest" -> "forest". */
  readonly word: string;
  /** Character offsets in the question. */
  readonly start: number;
  readonly end: number;
}

/** A tokenised question and the words its slots have claimed. */
export interface Sentence {
  readonly question: string;
  readonly tokens: readonly Token[];
  /** Tokens claimed by a slot, so "development" in "fossil-fuelled development" is not urbanization. */
  readonly used: boolean[];
  /** Every letter a capital: then capitals say nothing about names or abbreviations. */
  readonly shouting: boolean;
  /** The words joined by single spaces, for the cue patterns. */
  readonly text: string;
}

const TOKEN = /[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’.]*/gu;

/** Words of at least five letters from the cue patterns' sources: the spell check's targets. */
function patternWords(patterns: readonly RegExp[]): string[] {
  return patterns.flatMap((p) => p.source.match(/[a-z]{5,}/g) ?? []);
}

const VOCABULARY: ReadonlySet<string> = new Set(
  [
    ...USE_TERMS.map(([p]) => p),
    ...SCENARIOS.flatMap((s) => [s.name, s.theme, ...s.aliases]),
    ...STATES.map((s) => s.name),
    ...RPA_REGIONS,
    ...RPA_SUBREGIONS,
    ...CENSUS_REGIONS,
    ...Object.values(REGION_ALIASES).flatMap((r) => Object.values(r).flat()),
    ...CLIMATE_MODELS.flatMap((m) => [m.nickname, ...m.aliases]),
    ...Object.values(CUE_PATTERNS).flatMap((p) => patternWords(p)),
    ...patternWords(Object.values(CHANGE_PATTERNS)),
    'county counties state states acres scenario scenarios pathway projection projections',
    'transition transitions metric expansion between during until through since',
    'census region regions subregion database dataset climate model models',
  ]
    .flatMap((p) => normalizeText(p).split(' '))
    .filter((w) => /^[a-z]{5,}$/.test(w)),
);

const VOCABULARY_LIST = [...VOCABULARY];

/**
 * The domain word a misspelling stands for ("urbanisaton" -> "urbanisation", "pensylvania" ->
 * "pennsylvania"), or the word itself. Only words of five letters or more are respelt, only into a
 * word with the same first letter, within the edits allowedEdits grants the target, and only when
 * exactly one target is nearest, so an unknown word is left as it is.
 */
export function respell(word: string): string {
  if (word.length < 5 || !/^[a-z]+$/.test(word)) return word;
  if (VOCABULARY.has(word) || PROTECTED_WORDS.has(word)) return word;
  // "countys" is the plural misspelt, not an inflection of "county".
  const plural = word.endsWith('ys') ? `${word.slice(0, -2)}ies` : '';
  if (VOCABULARY.has(plural)) return plural;
  let best = Infinity;
  let found: string[] = [];
  for (const target of VOCABULARY_LIST) {
    // An inflection is no typo: "ranking" is not "rankings", "developments" not "development".
    if (target[0] !== word[0] || target === `${word}s` || word.startsWith(target)) continue;
    const bound = allowedEdits(target.length);
    if (Math.abs(target.length - word.length) > bound) continue;
    const d = editDistance(word, target);
    if (d > bound || d > best) continue;
    if (d < best) {
      best = d;
      found = [];
    }
    found.push(target);
  }
  return found.length === 1 ? found[0]! : word;
}

/** Splits a question into tokens, normalises and respells each word. */
export function tokenize(question: string): Sentence {
  const tokens: Token[] = [];
  for (const m of question.matchAll(TOKEN)) {
    const word = normalizeText(m[0]);
    if (!word) continue;
    // normalizeText may split a token ("o'neill" stays whole; "a.b" loses its dot): keep the parts.
    for (const part of word.split(' ')) {
      tokens.push({ raw: m[0], word: respell(part), start: m.index, end: m.index + m[0].length });
    }
  }
  const letters = question.replace(/[^\p{L}]/gu, '');
  const shouting = letters.length > 3 && letters === letters.toUpperCase();
  return {
    question,
    tokens,
    used: tokens.map(() => false),
    shouting,
    text: tokens.map((t) => t.word).join(' '),
  };
}

/** A phrase found in the question: its value and the tokens [start, end) it covers. */
export interface Match<T> {
  readonly value: T;
  readonly start: number;
  readonly end: number;
}

/**
 * Finds phrases left to right, the longest first at each position, over tokens no slot has
 * claimed yet, and claims the tokens of each one found.
 */
export function scanPhrases<T>(
  s: Sentence,
  maxWords: number,
  lookup: (text: string, start: number, end: number) => T | undefined,
): Match<T>[] {
  const found: Match<T>[] = [];
  let i = 0;
  while (i < s.tokens.length) {
    let matched = false;
    for (let n = Math.min(maxWords, s.tokens.length - i); n >= 1 && !matched; n--) {
      if (s.used.slice(i, i + n).some(Boolean)) continue;
      const text = s.tokens
        .slice(i, i + n)
        .map((t) => t.word)
        .join(' ');
      const value = lookup(text, i, i + n);
      if (value === undefined) continue;
      found.push({ value, start: i, end: i + n });
      claim(s, i, i + n);
      i += n;
      matched = true;
    }
    if (!matched) i++;
  }
  return found;
}

/** Marks tokens [start, end) as claimed by a slot. */
export function claim(s: Sentence, start: number, end: number): void {
  for (let k = start; k < end; k++) s.used[k] = true;
}

/** Tests a list of patterns against the question's words. */
export function matchesAny(s: Sentence, patterns: readonly RegExp[]): boolean {
  return patterns.some((p) => p.test(s.text));
}
