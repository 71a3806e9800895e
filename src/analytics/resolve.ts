import {
  AppError,
  LAND_USES,
  PERIODS,
  PERIOD_BOUNDARIES,
  PROJECTION_START,
  FIRST_YEAR,
  LAST_YEAR,
  SCENARIOS,
  STATES,
  RPA_REGIONS,
  RPA_SUBREGIONS,
  CENSUS_REGIONS,
  allowedEdits,
  closestMatches,
  editDistance,
  findLandUse,
  findRegion,
  findScenario,
  findScenarios,
  findState,
  normalizeText,
  scenarioByCode,
  type LandUse,
  type Scenario,
} from '../domain/index.ts';
import type { GeographyLevel } from './result.ts';

/** The counties a query may name, as `dim_geography` holds them. */
export interface CountyRef {
  fips: string;
  name: string;
  state: string;
}

export interface Geography {
  label: string;
  level: GeographyLevel;
  /** USPS abbreviations; empty = the whole conterminous US (unless counties are given). */
  states: string[];
  counties: string[];
}

const NATION: Geography = {
  label: 'the conterminous US',
  level: 'nation',
  states: [],
  counties: [],
};

function bad(code: string, message: string, choices?: readonly string[]): AppError {
  return new AppError(`bad_request:${code}`, message, choices ? { details: { choices } } : {});
}

/**
 * States, RPA/Census regions and counties ("Orange County, FL", "Travis, Texas", a FIPS code) to
 * a geography. Unknown names are errors that list the nearest valid choices, never a dropped filter.
 */
export function resolveGeography(
  input: { states?: readonly string[] | undefined; county?: string | undefined },
  counties: readonly CountyRef[],
): Geography {
  if (input.county) {
    const county = resolveCounty(input.county, counties);
    return {
      label: `${county.name}, ${county.state}`,
      level: 'county',
      states: [county.state],
      counties: [county.fips],
    };
  }
  const names = (input.states ?? []).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return NATION;
  const states = new Map<string, string>();
  const labels: string[] = [];
  let region = false;
  for (const name of names) {
    if (/^(us|usa|united states|conterminous us|nation(al)?|national|all|the us)$/i.test(name)) {
      return NATION;
    }
    // "The 48 states": the conterminous US without the District of Columbia.
    if (/^(the )?((lower|contiguous) )?48( contiguous)? states$/i.test(name)) {
      region = true;
      for (const st of STATES) if (st.abbrev !== 'DC') states.set(st.abbrev, st.abbrev);
      labels.push('the 48 states (DC left out)');
      continue;
    }
    const state = findState(name);
    if (state) {
      states.set(state.abbrev, state.abbrev);
      labels.push(state.name);
      continue;
    }
    const match = findRegion(name);
    if (match) {
      region = true;
      for (const s of match.states) states.set(s.abbrev, s.abbrev);
      labels.push(
        match.kind === 'censusRegion' ? `the ${match.name} (Census region)` : `the ${match.name}`,
      );
      continue;
    }
    throw bad(
      'unknown_state',
      `Unknown state or region "${name}". Did you mean ${closestMatches(name, GEOGRAPHY_NAMES).join(', ')}? Use a state name or abbreviation, an RPA region or subregion, or a Census region.`,
      closestMatches(name, GEOGRAPHY_NAMES, 10),
    );
  }
  return {
    label: labels.join(', '),
    level: region ? 'region' : 'states',
    states: [...states.keys()],
    counties: [],
  };
}

const GEOGRAPHY_NAMES = [
  ...STATES.map((s) => s.name),
  ...new Set([...RPA_REGIONS, ...RPA_SUBREGIONS, ...CENSUS_REGIONS]),
];

/** "Orange County, Florida", "Travis TX", "06037": one county, or an error listing matches. */
export function resolveCounty(text: string, counties: readonly CountyRef[]): CountyRef {
  const t = text.trim();
  if (/^\d{5}$/.test(t)) {
    const hit = counties.find((c) => c.fips === t);
    if (hit) return hit;
    throw bad('unknown_county', `No county with FIPS code ${t} in the data.`);
  }
  // "Hamilton, IN" is Indiana: split on the comma when there is one, else on the word "in".
  const parts = t
    .split(t.includes(',') ? ',' : /\s+in\s+/i)
    .map((p) => p.trim())
    .filter(Boolean);
  let namePart = parts[0] ?? t;
  let state = parts[1] ? findState(parts[1]) : undefined;
  if (!state) {
    const words = namePart.split(/\s+/);
    const last = words.at(-1) ?? '';
    const byLast = words.length > 1 && /^[A-Z]{2}$/.test(last) ? findState(last) : undefined;
    if (byLast) {
      state = byLast;
      namePart = words.slice(0, -1).join(' ');
    }
  }
  const name = normalizeText(namePart.replace(/\b(county|parish|borough|city)\b/gi, ''));
  const pool = state ? counties.filter((c) => c.state === state.abbrev) : counties;
  const exact = pool.filter((c) => normalizeText(c.name) === name);
  if (exact.length === 1) return exact[0]!;
  if (exact.length > 1) {
    throw bad(
      'ambiguous_county',
      `"${text}" names ${exact.length} counties: ${exact.map((c) => `${c.name}, ${c.state}`).join('; ')}. Add the state, e.g. "${exact[0]!.name}, ${exact[0]!.state}".`,
      exact.map((c) => `${c.name}, ${c.state}`),
    );
  }
  // A misspelling within the allowed edits of exactly one county name is that county.
  const scored = pool
    .map((c) => ({ c, d: editDistance(name, normalizeText(c.name)) }))
    .sort((a, b) => a.d - b.d);
  const best = scored[0];
  if (best && best.d <= allowedEdits(name.length) && scored[1]?.d !== best.d) return best.c;
  const near = scored.slice(0, 5).map(({ c }) => `${c.name}, ${c.state}`);
  throw bad(
    'unknown_county',
    `Unknown county "${text}"${state ? ` in ${state.name}` : ''}. Closest: ${near.join('; ')}.`,
    near,
  );
}

const SCENARIO_CHOICES = SCENARIOS.map(
  (s) => `${s.code} (${s.name}, ${s.rcp ?? 'all'}${s.ssp ? `/${s.ssp}` : ''})`,
);

/** One scenario by code, name, theme or RCP/SSP mention; OVERALL when absent. */
export function resolveScenario(text: string | undefined): Scenario {
  if (!text) return scenarioByCode('OVERALL')!;
  const s = scenarioByCode(text) ?? findScenario(text);
  if (s) return s;
  const several = findScenarios(text);
  if (several.length > 1) {
    throw bad(
      'ambiguous_scenario',
      `"${text}" matches ${several.map((x) => x.code).join(', ')}; name one of them (or compare them).`,
      several.map((x) => x.code),
    );
  }
  throw bad(
    'unknown_scenario',
    `Unknown scenario "${text}". Choose one of: ${SCENARIO_CHOICES.join('; ')}.`,
    SCENARIO_CHOICES,
  );
}

/** Several scenarios ("RCP8.5" expands to HM, HL, HH); all five when absent. */
export function resolveScenarios(texts: readonly string[] | undefined): Scenario[] {
  if (!texts || texts.length === 0) return [...SCENARIOS];
  const out = new Map<string, Scenario>();
  for (const t of texts) {
    const direct = scenarioByCode(t);
    const found = direct ? [direct] : findScenarios(t);
    if (found.length === 0) resolveScenario(t);
    for (const s of found) out.set(s.code, s);
  }
  return SCENARIOS.filter((s) => out.has(s.code));
}

/** A land use by key, code or alias. */
export function resolveLandUse(text: string): LandUse {
  const u = findLandUse(text);
  if (u) return u;
  const choices = LAND_USES.map((l) => l.key);
  throw bad(
    'unknown_land_use',
    `Unknown land use "${text}". Choose one of: ${choices.join(', ')}.`,
    choices,
  );
}

export interface Horizon {
  start: number;
  end: number;
}

/**
 * The years of a flow question: "2020-2050", or a year meaning 2020..year ("by 2040"); default
 * 2020-2070. Must cover at least one whole period.
 */
export function resolveHorizon(
  range: string | undefined,
  year?: number,
  available: readonly Horizon[] = PERIODS,
): Horizon {
  let start = PROJECTION_START;
  let end = LAST_YEAR;
  if (range) {
    const m = /^\s*(\d{4})\s*(?:-|–|to)\s*(\d{4})\s*$/.exec(range);
    if (!m) throw bad('bad_years', `Year range "${range}" is not like "2020-2050".`);
    start = Number(m[1]);
    end = Number(m[2]);
  } else if (year !== undefined) {
    end = year;
    if (year <= PROJECTION_START) start = FIRST_YEAR;
  }
  if (start > end) [start, end] = [end, start];
  if (start < FIRST_YEAR || end > LAST_YEAR) {
    throw bad(
      'bad_years',
      `Years must lie within ${FIRST_YEAR}-${LAST_YEAR}; got ${start}-${end}.`,
    );
  }
  const inside = available.filter((p) => p.start >= start && p.end <= end);
  if (inside.length === 0) {
    throw bad(
      'bad_years',
      `No whole period of the data lies within ${start}-${end}. Periods: ${available.map((p) => `${p.start}-${p.end}`).join(', ')}.`,
    );
  }
  return { start: inside[0]!.start, end: inside.at(-1)!.end };
}

/** A point in time for an area question: any year 2012-2070 (inside a period: interpolated). */
export function resolveYear(
  year: number | undefined,
  available: readonly Horizon[] = PERIODS,
  fallback = PROJECTION_START,
): number {
  const first = available[0]?.start ?? FIRST_YEAR;
  const last = available.at(-1)?.end ?? LAST_YEAR;
  const y = year ?? Math.min(Math.max(fallback, first), last);
  if (!Number.isInteger(y) || y < first || y > last) {
    throw bad('bad_years', `Year ${y} is outside the data (${first}-${last}).`);
  }
  return y;
}

/** The two period boundaries around a year and their interpolation weights. */
export function boundaryWeights(year: number): { y0: number; y1: number; w0: number; w1: number } {
  if (PERIOD_BOUNDARIES.includes(year)) return { y0: year, y1: year, w0: 1, w1: 0 };
  const y1 = PERIOD_BOUNDARIES.find((b) => b > year)!;
  const y0 = [...PERIOD_BOUNDARIES].reverse().find((b) => b < year)!;
  const w1 = (year - y0) / (y1 - y0);
  return { y0, y1, w0: 1 - w1, w1 };
}
