/**
 * Scenarios in a question: RCP and SSP mentions ("RCP 8.5 SSP2" is HM; "RCP 8.5" alone is all three
 * RCP8.5 pathways), codes, names, themes and their misspellings ("midle of the road"), and
 * climate models ("the hot model").
 */
import {
  CLIMATE_MODELS,
  PATHWAYS,
  SCENARIOS,
  allowedEdits,
  editDistance,
  findClimateModel,
  normalizeText,
  type ScenarioCode,
} from '../../domain/index.ts';
import { claim, scanPhrases, type Sentence } from './tokens.ts';
import { EXTRA_SCENARIO_PHRASES, GENERIC_SCENARIO_ALIASES } from './vocabulary.ts';

const PHRASES = new Map<string, ScenarioCode[]>();
for (const s of SCENARIOS) {
  for (const name of [s.name, s.theme, ...s.aliases]) {
    const key = normalizeText(name);
    if (!GENERIC_SCENARIO_ALIASES.has(key)) PHRASES.set(key, [s.code]);
  }
}
for (const [phrase, code] of EXTRA_SCENARIO_PHRASES) PHRASES.set(phrase, [code]);
PHRASES.set('high emissions', ['HM', 'HL', 'HH']);
// The ensemble's long theme reads as a sentence ("mean of all 20 runs"), not a name people type.
PHRASES.delete(normalizeText(SCENARIOS[0]!.theme));

const FUZZY = [...PHRASES.keys()].filter((p) => p.replace(/ /g, '').length >= 8);

function lookupPhrase(text: string): ScenarioCode[] | undefined {
  const exact = PHRASES.get(text);
  if (exact) return exact;
  const words = text.split(' ').length;
  for (const p of FUZZY) {
    if (p[0] !== text[0] || p.split(' ').length !== words) continue;
    if (editDistance(p, text) <= allowedEdits(p.replace(/ /g, '').length)) return PHRASES.get(p);
  }
  return undefined;
}

interface PathwayMention {
  kind: 'rcp' | 'ssp';
  value: string;
  start: number;
  end: number;
}

/** "rcp45", "rcp4.5", "rcp 8.5", "ssp2", "ssp 5": the RCP and SSP mentions, claimed. */
function pathwayMentions(s: Sentence): PathwayMention[] {
  const found: PathwayMention[] = [];
  const words = s.tokens.map((t) => t.word);
  for (let i = 0; i < words.length; i++) {
    const m = /^(rcp|ssp)(\d(?:\.\d)?|\d\d)?$/.exec(words[i]!);
    if (!m || s.used[i]) continue;
    let digits = m[2];
    let end = i + 1;
    const next = words[i + 1];
    if (digits === undefined && next !== undefined && /^\d(\.?\d)?$/.test(next)) {
      digits = next;
      end = i + 2;
    }
    if (digits === undefined) continue;
    const kind = m[1] as 'rcp' | 'ssp';
    const value = kind === 'rcp' ? `RCP${digits[0]!}5` : `SSP${digits[0]!}`;
    found.push({ kind, value, start: i, end });
    claim(s, i, end);
  }
  return found;
}

/** Scenarios of RCP and SSP mentions: adjacent RCP and SSP name their one common pathway. */
function pathwayScenarios(mentions: PathwayMention[]): { codes: ScenarioCode[]; at: number }[] {
  const out: { codes: ScenarioCode[]; at: number }[] = [];
  for (let i = 0; i < mentions.length; i++) {
    const a = mentions[i]!;
    const b = mentions[i + 1];
    if (b && b.kind !== a.kind && b.start - a.end <= 1) {
      const [rcp, ssp] = a.kind === 'rcp' ? [a.value, b.value] : [b.value, a.value];
      const codes = PATHWAYS.filter((p) => p.rcp === rcp && p.ssp === ssp).map((p) => p.code);
      out.push({ codes, at: a.start });
      i++;
      continue;
    }
    out.push({
      codes: PATHWAYS.filter((p) => p[a.kind] === a.value).map((p) => p.code),
      at: a.start,
    });
  }
  return out;
}

/** Every scenario the question names, in order of mention, each once. Claims their tokens. */
export function extractScenarios(s: Sentence): ScenarioCode[] {
  const mentions = pathwayMentions(s);
  const groups = scanPhrases(s, 5, (text) => lookupPhrase(text));
  const ordered = [
    ...pathwayScenarios(mentions),
    ...groups.map((g) => ({ codes: g.value, at: g.start })),
  ].sort((x, y) => x.at - y.at);
  const out: ScenarioCode[] = [];
  for (const { codes } of ordered) for (const c of codes) if (!out.includes(c)) out.push(c);
  return out;
}

const NICKNAMED =
  /\b(hot|hottest|warm|warmest|wet|wettest|dry|driest|cool|coolest|least warm|middle)(?: climate)? (?:model|gcm)s?\b/;
const NAMED = /\b(cnrm|hadgem\w*|ipsl|mri|noresm\w*)\b/;

/** The climate model a question names ("the hot model", "HadGEM2"), by its run name. */
export function extractClimateModel(s: Sentence): string | undefined {
  const m = NICKNAMED.exec(s.text) ?? NAMED.exec(s.text);
  if (!m) return undefined;
  const word = m[1] === 'warm' ? 'warmest' : m[1]!;
  return (findClimateModel(word) ?? CLIMATE_MODELS.find((c) => c.nickname === word))?.name;
}
