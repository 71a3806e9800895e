/**
 * How an answer is compared with gold values (eval/README.md), as pure functions: the numbers an
 * answer writes, whether a gold number is one of them, the spellings of a gold item, and the
 * answer's first ranked item. Reads only the AskResult's text and tables, never the planner.
 */
import {
  CENSUS_REGIONS,
  CLIMATE_MODELS,
  LAND_USES,
  REGION_ALIASES,
  RPA_REGIONS,
  RPA_SUBREGIONS,
  SCENARIOS,
  STATE_ALIASES,
  STATES,
  normalizeText,
} from '../domain/index.ts';
import type { AskResult } from './answer.ts';

/** A number as the answer writes it. */
interface WrittenNumber {
  value: number;
  /**
   * For numbers written with a unit word ("20.7 million", "1.2B"): half a unit of the last
   * written digit times the unit, the rounding the writer applied.
   */
  halfStep?: number;
}

const UNITS: Record<string, number> = {
  thousand: 1e3,
  million: 1e6,
  billion: 1e9,
  trillion: 1e12,
  m: 1e6,
  b: 1e9,
};

// A number not glued to a word or another number (so "SSP5", "CNRM_CM5" and the "2070" of
// "2020-2070" are not negative or stray numbers); a sign only where it cannot be a range dash.
const NUMBER =
  /(?<![\p{L}\p{N}_.,])([+\-\u2212]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s?(%|percent\b)|\s*(thousand|million|billion|trillion)\b|\s?([MB])(?![\p{L}\p{N}]))?/gu;

/**
 * Every number written in a text: thousands commas, decimals, signs (also U+2212), "%" and
 * "percent" (kept in percent units), unit words and M/B suffixes (scaled); "acres" needs nothing.
 */
export function numbersInText(text: string): WrittenNumber[] {
  const out: WrittenNumber[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const [, sign, whole, fraction, , word, suffix] = m;
    const unitKey = (word ?? suffix)?.toLowerCase();
    const unit = unitKey ? UNITS[unitKey]! : 1;
    const magnitude = Number(`${whole!.replace(/,/g, '')}${fraction ? `.${fraction}` : ''}`);
    const value = (sign === '-' || sign === '\u2212' ? -magnitude : magnitude) * unit;
    if (unitKey) {
      out.push({ value, halfStep: (0.5 * unit) / 10 ** (fraction?.length ?? 0) });
    } else {
      out.push({ value });
    }
  }
  return out;
}

/**
 * Whether a gold number is the written one: within 1 % (or 0.5 absolute, for small numbers),
 * or, for a number written with a unit word, within the rounding of its written precision.
 */
export function numberMatches(gold: number, written: WrittenNumber): boolean {
  const eps = 1e-9 * Math.max(1, Math.abs(gold));
  const diff = Math.abs(written.value - gold);
  if (diff <= Math.max(0.01 * Math.abs(gold), 0.5) + eps) return true;
  return written.halfStep !== undefined && diff <= written.halfStep + eps;
}

/**
 * The figures an answer's text states that none of its tables holds (sign aside: "a decline of
 * 1.2 million acres" is the table's -1,200,000). Not figures: years ("2040", "the 2040s", "2100"), small
 * whole numbers that count or rank ("the 5 models", "top 10"), and the demo-data note.
 */
export function unstatedFigures(answer: Pick<AskResult, 'answer' | 'tables'>): WrittenNumber[] {
  const text = answer.answer
    .split('\n')
    .filter((line) => !/^_Demo data/.test(line))
    .join('\n')
    .replace(/\b(1[89]|2[01])\d\d(s)?\b/g, ' ');
  const figures = [...text.matchAll(NUMBER)]
    .filter((m) => m[3] !== undefined || m[4] || m[5] || m[6] || /,|^\d{4,}$/.test(m[2]!))
    .flatMap((m) => numbersInText(m[0]));
  const held = [
    ...answer.tables.flatMap((t) => numbersInText(`${t.title} ${t.columns.join(' ')}`)),
    ...answer.tables.flatMap((t) =>
      t.rows.flatMap((row) =>
        Object.values(row).flatMap((v) =>
          typeof v === 'number'
            ? [v]
            : typeof v === 'string'
              ? numbersInText(v).map((n) => n.value)
              : [],
        ),
      ),
    ),
  ].map((v) => (typeof v === 'number' ? v : v.value));
  return figures.filter(
    (w) => !held.some((v) => numberMatches(Math.abs(v), { ...w, value: Math.abs(w.value) })),
  );
}

/** Every number of an answer: those in its text and every numeric table cell. */
export function answerNumbers(answer: Pick<AskResult, 'answer' | 'tables'>): WrittenNumber[] {
  const out = numbersInText(answer.answer);
  for (const t of answer.tables) {
    for (const row of t.rows) {
      for (const cell of Object.values(row)) {
        if (typeof cell === 'number' && Number.isFinite(cell)) out.push({ value: cell });
        else if (typeof cell === 'bigint') out.push({ value: Number(cell) });
        else if (typeof cell === 'string') out.push(...numbersInText(cell));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Items

/** A county as dim_geography names it, for spelling its FIPS code. */
export interface CountyName {
  county: string;
  state: string;
}

const norm = (text: string) => normalizeText(text);

function regionSpellings(name: string): string[] {
  const out: string[] = [name, `${name} region`];
  for (const kind of ['rpaRegion', 'rpaSubregion', 'censusRegion'] as const) {
    const aliases = (REGION_ALIASES[kind] as Record<string, readonly string[]>)[name];
    if (aliases) out.push(...aliases);
  }
  return out;
}

/**
 * The accepted spellings of a gold `item` (normalised): a state abbreviation and its name, a
 * county's FIPS code and its name ("Fulton", "Fulton County", "Fulton, GA"), a scenario code
 * and its names, a climate model and its nickname, a land use and its words, a region and its
 * aliases, a year, a period ("2030-2040", "2030 to 2040", "2030s"). Unknown items spell as
 * themselves.
 */
export function itemSpellings(
  item: string,
  counties: ReadonlyMap<string, CountyName>,
): Set<string> {
  const key = item.trim();
  const upper = key.toUpperCase();
  const lower = norm(key);
  const out: string[] = [key];
  const state = STATES.find((s) => s.abbrev === upper || norm(s.name) === lower);
  if (state) out.push(state.abbrev, state.name, ...(STATE_ALIASES[state.abbrev] ?? []));
  const county = /^\d{5}$/.test(key) ? counties.get(key) : undefined;
  if (county) {
    const base = county.county.replace(/\s+(county|parish|borough|census area)$/i, '');
    const stateName = STATES.find((s) => s.abbrev === county.state)?.name;
    for (const name of new Set([county.county, base, `${base} County`, `${base} Parish`])) {
      out.push(name, `${name}, ${county.state}`);
      if (stateName) out.push(`${name}, ${stateName}`);
    }
  }
  const scenario = SCENARIOS.find(
    (s) =>
      s.code === upper ||
      s.dbName === upper ||
      norm(s.name) === lower ||
      norm(s.theme) === lower ||
      s.aliases.some((a) => norm(a) === lower),
  );
  if (scenario) {
    out.push(scenario.code, scenario.dbName, scenario.name, scenario.theme, ...scenario.aliases);
    out.push(`${scenario.name} (${scenario.code})`, `${scenario.code} (${scenario.name})`);
  }
  const model = CLIMATE_MODELS.find(
    (m) =>
      norm(m.name) === lower ||
      norm(m.nickname) === lower ||
      m.aliases.some((a) => norm(a) === lower),
  );
  if (model) {
    out.push(model.name, model.nickname, `${model.nickname} model`, ...model.aliases);
    out.push(`${model.name} (${model.nickname})`);
  }
  const use = LAND_USES.find((u) => norm(u.name) === lower || u.key === lower || u.code === lower);
  if (use) out.push(use.name, use.key, use.code, ...use.aliases);
  const regions = [...RPA_REGIONS, ...RPA_SUBREGIONS, ...CENSUS_REGIONS].filter(
    (r) => norm(r) === lower,
  );
  for (const r of new Set(regions)) out.push(...regionSpellings(r));
  const period = /^(\d{4})\s*[-\u2013\u2014]\s*(\d{4})$/.exec(key);
  if (period) {
    const [, a, b] = period;
    out.push(`${a}-${b}`, `${a} to ${b}`, `${a} through ${b}`, `${a}-${b!.slice(2)}`);
    if (Number(b) - Number(a) === 10 && Number(a) % 10 === 0) out.push(`${a}s`);
  }
  return new Set(out.map(norm).filter((s) => s.length > 0));
}

/** A table of an answer. */
type AnswerTable = AskResult['tables'][number];

const isYearLike = (xs: number[]) => xs.every((x) => Number.isInteger(x) && x >= 1900 && x <= 2200);

/**
 * Whether a table's row order is a ranking: it has a `rank` column, at most one row, or its rows
 * are ordered by some numeric column other than years. A table in a fixed order (scenarios
 * OVERALL, LM, ..., models by name) is not, and its first row says nothing about the top.
 */
export function isRankedTable(t: AnswerTable): boolean {
  if (t.columns.includes('rank') || t.rows.length <= 1) return true;
  return t.columns.some((c) => {
    const xs = t.rows.map((r) => r[c]);
    if (!xs.every((x): x is number => typeof x === 'number' && Number.isFinite(x))) return false;
    if (isYearLike(xs) || new Set(xs).size < 2) return false;
    const pairs = xs.slice(1).map((x, i) => x - xs[i]!);
    return pairs.every((d) => d <= 0) || pairs.every((d) => d >= 0);
  });
}

/** The first **bold** item of a text, or undefined. */
function firstBold(text: string): string | undefined {
  return /\*\*(.+?)\*\*/s.exec(text)?.[1]?.trim();
}

/**
 * The answer's first ranked item: the first row of its first table with rows when that table
 * is ranked (isRankedTable), otherwise the first bold item of its text.
 */
export function firstRankedItem(
  answer: Pick<AskResult, 'answer' | 'tables'>,
): { row: Record<string, unknown> } | { bold: string } | undefined {
  const table = answer.tables.find((t) => t.rows.length > 0);
  if (table && isRankedTable(table)) return { row: table.rows[0]! };
  const bold = firstBold(answer.answer);
  if (bold !== undefined) return { bold };
  return table ? { row: table.rows[0]! } : undefined;
}

/** Whether a ranked item (a table row: any cell; a bold text) spells one of the spellings. */
export function itemMatches(
  found: { row: Record<string, unknown> } | { bold: string },
  spellings: ReadonlySet<string>,
): boolean {
  if ('row' in found) {
    return Object.values(found.row).some(
      (cell) =>
        (typeof cell === 'string' || typeof cell === 'number') && spellings.has(norm(String(cell))),
    );
  }
  // "HH (High-High, Taking the Highway)": the whole, the part before the brackets, or inside.
  const text = found.bold;
  const parts = [text, text.replace(/\s*\(.*$/s, '')];
  for (const inner of text.matchAll(/\(([^)]*)\)/g)) parts.push(inner[1]!, ...inner[1]!.split(','));
  return parts.some((p) => spellings.has(norm(p)));
}
