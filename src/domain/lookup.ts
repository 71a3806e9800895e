/**
 * Name lookups: what a user typed to a land use, scenario, climate model, state or region.
 * Pure and total: every function returns a typed result or undefined and never throws.
 *
 * Each lookup tries, in order: the exact normalised name (case, accents, punctuation, a leading
 * "the" and words such as "model" or "state" ignored), the name without spaces, the singular,
 * and last a misspelling within a few edits (see allowedEdits: none for short words, so "main" is
 * not Maine) that starts with the same letter. A tier that finds two different things is ambiguous.
 */
import { CLIMATE_MODELS, type ClimateModel } from './climate-models.ts';
import {
  CENSUS_REGIONS,
  REGION_ALIASES,
  RPA_REGIONS,
  RPA_SUBREGIONS,
  STATE_ALIASES,
  STATES,
  statesIn,
  type CensusRegion,
  type RpaRegion,
  type RpaSubregion,
  type State,
} from './geography.ts';
import { LAND_USE_CATEGORIES, LAND_USES, type LandUse, type LandUseCategory } from './land-uses.ts';
import { PATHWAYS, SCENARIOS, type Scenario } from './scenarios.ts';
import { allowedEdits, editDistance, normalizeText } from './text.ts';

export { allowedEdits, closestMatches, editDistance, normalizeText } from './text.ts';

// ---------------------------------------------------------------------------------------------
// The matcher shared by every lookup

type Clean = (text: string) => string;

interface Entry<T> {
  readonly key: string;
  readonly value: T;
}

interface Index<T> {
  readonly clean: Clean;
  readonly entries: readonly Entry<T>[];
  readonly exact: ReadonlyMap<string, readonly T[]>;
  readonly compact: ReadonlyMap<string, readonly T[]>;
}

/** A cleaning function: normalise, drop a leading article, then drop the given filler patterns. */
function cleaner(...fillers: RegExp[]): Clean {
  return (text) => {
    let t = normalizeText(text).replace(/^(the|a|an) (?=\S)/, '');
    for (const f of fillers) t = t.replace(f, ' ').trim();
    return t.replace(/\s+/g, ' ');
  };
}

function addTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function buildIndex<T>(clean: Clean, pairs: Iterable<readonly [string, T]>): Index<T> {
  const entries: Entry<T>[] = [];
  const exact = new Map<string, T[]>();
  const compact = new Map<string, T[]>();
  for (const [name, value] of pairs) {
    const key = clean(name);
    if (!key) continue;
    entries.push({ key, value });
    addTo(exact, key, value);
    addTo(compact, key.replace(/ /g, ''), value);
  }
  return { clean, entries, exact, compact };
}

function singulars(t: string): string[] {
  const out: string[] = [];
  if (t.endsWith('ies')) out.push(`${t.slice(0, -3)}y`);
  if (t.endsWith('es')) out.push(t.slice(0, -2));
  if (t.endsWith('s') && !t.endsWith('ss')) out.push(t.slice(0, -1));
  return out;
}

/** Every value the text names, at the first tier that finds any (usually one value). */
function lookupAll<T>(index: Index<T>, text: string): T[] {
  const t = index.clean(text);
  if (!t) return [];
  const hit =
    index.exact.get(t) ??
    index.compact.get(t.replace(/ /g, '')) ??
    singulars(t)
      .map((s) => index.exact.get(s))
      .find((v) => v !== undefined);
  if (hit) return [...hit];

  let best = Infinity;
  const found: T[] = [];
  for (const { key, value } of index.entries) {
    if (key[0] !== t[0]) continue;
    // The real name's letters set the tolerance (a long name survives more typos); spaces do not
    // count, or "south east" would stretch far enough to take "southwest".
    const bound = allowedEdits(key.replace(/ /g, '').length);
    if (bound === 0 || Math.abs(key.length - t.length) > bound) continue;
    const d = editDistance(t, key);
    if (d > bound || d > best) continue;
    if (d < best) {
      best = d;
      found.length = 0;
    }
    if (!found.includes(value)) found.push(value);
  }
  return found;
}

/** The one value the text names, or undefined when it names none or is ambiguous. */
function lookupOne<T>(index: Index<T>, text: string): T | undefined {
  const all = lookupAll(index, text);
  return all.length === 1 ? all[0] : undefined;
}

/** Guards against non-string input from untyped callers (JSON bodies, LLM tool calls). */
function isText(text: unknown): text is string {
  return typeof text === 'string' && text.trim().length > 0;
}

// ---------------------------------------------------------------------------------------------
// Land uses

const landUseIndex = buildIndex(
  cleaner(/ (acres|acreage|area|areas|cover|use)$/),
  LAND_USES.flatMap((u) => [u.code, u.key, u.name, ...u.aliases].map((name) => [name, u] as const)),
);

/**
 * The land use a word names: its code ("fr"), key, name or an alias ("farmland" is crop,
 * "developed land" urban, "woods" forest), in any case, plural, or slightly misspelt ("forrest").
 */
export function findLandUse(text: string): LandUse | undefined {
  return isText(text) ? lookupOne(landUseIndex, text) : undefined;
}

const CATEGORY_ALIASES: Readonly<Record<LandUseCategory, readonly string[]>> = {
  Agriculture: ['agricultural', 'agricultural land', 'ag land', 'farm and ranch land'],
  Natural: ['natural land', 'natural areas', 'nature'],
  Developed: ['developed land', 'development', 'built-up land'],
};

const categoryIndex = buildIndex(
  cleaner(/ (acres|area|areas|land uses|uses|category)$/),
  LAND_USE_CATEGORIES.flatMap((c) => [c, ...CATEGORY_ALIASES[c]].map((name) => [name, c] as const)),
);

/** The land use category a phrase names: "agricultural land" -> Agriculture (Crop + Pasture). */
export function findLandUseCategory(text: string): LandUseCategory | undefined {
  return isText(text) ? lookupOne(categoryIndex, text) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

const scenarioIndex = buildIndex(
  cleaner(/ (scenario|pathway|future|storyline)s?$/, /^(scenario|pathway) /),
  SCENARIOS.flatMap((s) =>
    [s.code, s.dbName, s.name, s.theme, ...s.aliases].map((name) => [name, s] as const),
  ),
);

const RCP_PATTERN = /\brcp ?([48])(?:\.5| 5|5)\b/;
const SSP_PATTERN = /\bssp ?([1-5])\b/;

/**
 * Every scenario the text names. An RCP or SSP mention selects the pathways on it, so "RCP 8.5"
 * is the three RCP8.5 pathways (HM, HL, HH), "RCP4.5" is LM and "SSP5" is HH; an RCP and an SSP
 * together select their intersection (empty when they contradict). Otherwise codes, database
 * names, names, themes and aliases ("ensemble" is OVERALL, "taking the highway" HH).
 */
export function findScenarios(text: string): Scenario[] {
  if (!isText(text)) return [];
  const t = normalizeText(text);
  const rcp = RCP_PATTERN.exec(t)?.[1];
  const ssp = SSP_PATTERN.exec(t)?.[1];
  if (rcp !== undefined || ssp !== undefined) {
    return PATHWAYS.filter(
      (p) =>
        (rcp === undefined || p.rcp === `RCP${rcp}5`) &&
        (ssp === undefined || p.ssp === `SSP${ssp}`),
    );
  }
  return lookupAll(scenarioIndex, text);
}

/** The one scenario the text names, or undefined when it names none or several ("RCP 8.5"). */
export function findScenario(text: string): Scenario | undefined {
  const all = findScenarios(text);
  return all.length === 1 ? all[0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Climate models

const climateModelIndex = buildIndex(
  cleaner(/ (climate model|model|gcm|run)s?$/, /^(climate model|model|gcm) /),
  CLIMATE_MODELS.flatMap((m) =>
    [m.name, m.nickname, ...m.aliases].map((name) => [name, m] as const),
  ),
);

/** The climate model a word names: "HadGEM2_ES365", "hadgem", "hot", "the hot model", ... */
export function findClimateModel(text: string): ClimateModel | undefined {
  return isText(text) ? lookupOne(climateModelIndex, text) : undefined;
}

// ---------------------------------------------------------------------------------------------
// States

const stateByAbbrev = new Map(STATES.map((s) => [s.abbrev.toLowerCase(), s]));
const stateByFipsCode = new Map(STATES.map((s) => [s.fips, s]));

const stateIndex = buildIndex(
  cleaner(/^(us |u s )?state of /, / state$/),
  STATES.flatMap((s) => [s.name, ...(STATE_ALIASES[s.abbrev] ?? [])].map((n) => [n, s] as const)),
);

/**
 * The state a word names: its name (misspellings within a few edits: "pensylvania", "new yrok"),
 * its two-letter USPS abbreviation (exactly, any case: "in" is Indiana, so callers that scan
 * free text should pass abbreviations only when written in capitals), or its FIPS code ("6", "06").
 */
export function findState(text: string): State | undefined {
  if (!isText(text)) return undefined;
  const trimmed = text.trim();
  if (/^\d{1,2}$/.test(trimmed)) return stateByFipsCode.get(trimmed.padStart(2, '0'));
  const t = normalizeText(trimmed);
  if (/^[a-z]{2}$/.test(t)) return stateByAbbrev.get(t);
  return lookupOne(stateIndex, trimmed);
}

// ---------------------------------------------------------------------------------------------
// Regions

/** A region a word names, with the states in it. */
type RegionMatch =
  | { readonly kind: 'rpaRegion'; readonly name: RpaRegion; readonly states: State[] }
  | { readonly kind: 'rpaSubregion'; readonly name: RpaSubregion; readonly states: State[] }
  | { readonly kind: 'censusRegion'; readonly name: CensusRegion; readonly states: State[] };

type RegionKey =
  | { kind: 'rpaRegion'; name: RpaRegion }
  | { kind: 'rpaSubregion'; name: RpaSubregion }
  | { kind: 'censusRegion'; name: CensusRegion };

const REGION_FILLERS =
  /\b(census|bureau|rpa|regions?|subregions?|areas?|of|the|us|u s|united states)\b/g;
const cleanRegion = cleaner(REGION_FILLERS);

function regionPairs<K extends RegionKey['kind']>(
  kind: K,
  names: readonly Extract<RegionKey, { kind: K }>['name'][],
  aliases: Readonly<Record<string, readonly string[]>>,
): (readonly [string, RegionKey])[] {
  return names.flatMap((name) => {
    const key = { kind, name } as RegionKey;
    return [name, ...(aliases[name] ?? [])].map((n) => [n, key] as const);
  });
}

const rpaRegionKeys = [
  ...regionPairs('rpaRegion', RPA_REGIONS, REGION_ALIASES.rpaRegion),
  ...regionPairs('rpaSubregion', RPA_SUBREGIONS, REGION_ALIASES.rpaSubregion),
];
const censusRegionKeys = regionPairs('censusRegion', CENSUS_REGIONS, REGION_ALIASES.censusRegion);
const anyRegionIndex = buildIndex(cleanRegion, [...rpaRegionKeys, ...censusRegionKeys]);
const rpaRegionIndex = buildIndex(cleanRegion, rpaRegionKeys);
const censusRegionIndex = buildIndex(cleanRegion, censusRegionKeys);

/**
 * The region a phrase names: an RPA region ("Rocky Mountains", "South"), an RPA subregion
 * ("Pacific Northwest", "the Great Plains") or a Census region ("midwest", "West"). A name that is
 * both RPA and Census ("South", "Northeast") takes its RPA meaning unless the text says "census"
 * ("census south", "South census region"); "RPA" in the text restricts it to RPA names.
 */
export function findRegion(text: string): RegionMatch | undefined {
  if (!isText(text)) return undefined;
  const words = normalizeText(text);
  const index = /\bcensus\b/.test(words)
    ? censusRegionIndex
    : /\brpa\b/.test(words)
      ? rpaRegionIndex
      : anyRegionIndex;
  const found = lookupAll(index, text);
  const rpa = found.filter((k) => k.kind !== 'censusRegion');
  const key = rpa.length > 0 ? rpa : found;
  if (key.length !== 1) return undefined;
  const { kind, name } = key[0]!;
  return { kind, name, states: statesIn(kind, name) } as RegionMatch;
}

/**
 * States and regions to a de-duplicated list of states, in order of first mention.
 * Names that are neither a state nor a region are skipped: check them with findState/findRegion.
 */
export function expandGeography(texts: readonly string[]): State[] {
  const out = new Map<string, State>();
  for (const text of texts) {
    const state = findState(text);
    const states = state ? [state] : (findRegion(text)?.states ?? []);
    for (const s of states) if (!out.has(s.fips)) out.set(s.fips, s);
  }
  return [...out.values()];
}
