/**
 * Composition: the parts of a question the named tools have no argument for (a breakdown by
 * decade or region, a share or a percent change, smallest first, the difference between two
 * scenarios, a flow between two named uses ranked by place), each read on its own from the cue
 * words of cues.ts, so combinations never seen before still make a plan (general.ts builds it).
 */
import {
  CENSUS_REGIONS,
  RPA_REGIONS,
  RPA_SUBREGIONS,
  stateByNameOrAbbrev,
} from '../../domain/index.ts';
import {
  BREAKDOWN_CUES,
  COMBINED,
  COMPARE,
  DIFFERENCE,
  PERCENT_CHANGE,
  SHARE,
  SHARE_OF_TOTAL,
  has,
} from './cues.ts';
import { hasTopic } from './intent.ts';
import type { PlanBreakdown, Slots } from './types.ts';

/** The parts of a question only the general tool can express, read from its words. */
export function compositionCues(
  text: string,
  slots: Slots,
): Pick<
  Slots,
  'breakdowns' | 'measure' | 'order' | 'difference' | 'time' | 'combined' | 'natural'
> {
  const t = text.toLowerCase();
  const breakdowns: PlanBreakdown[] = [];
  for (const [b, patterns] of BREAKDOWN_CUES) {
    if (breakdowns.length < 2 && has(t, ...patterns) && !breakdowns.includes(b)) breakdowns.push(b);
  }
  // "Where in Colorado" splits a state into its counties; "where in the South", into states.
  if (breakdowns.includes('county') && /\bwhere in\b/.test(t) && slots.states.length > 1) {
    breakdowns.splice(breakdowns.indexOf('county'), 1, 'state');
  }
  // Sub-regions said alone are not also regions.
  // "Which land use does new cropland come from": the uses on the other side of a flow.
  const byUse = breakdowns.indexOf('land_use');
  if (
    byUse >= 0 &&
    !slots.urbanization &&
    (slots.toUse || /\bcomes? (mostly |mainly )?from\b|\bfrom which\b/.test(t)) &&
    !slots.fromUse
  ) {
    breakdowns[byUse] = 'from_use';
  } else if (byUse >= 0 && slots.fromUse && !slots.toUse) {
    breakdowns[byUse] = 'to_use';
  } else if (
    byUse >= 0 &&
    slots.change === 'loss' &&
    !slots.toUse &&
    /\b(goes|go|going|went|takes?|taking|gets?|becomes?|turns? into)\b/.test(t)
  ) {
    // "Where does Virginia's lost forest go? Which use takes the most": the uses it goes to.
    breakdowns[byUse] = 'to_use';
  }
  if (breakdowns.includes('rpa_subregion') && breakdowns.includes('rpa_region')) {
    breakdowns.splice(breakdowns.indexOf('rpa_region'), 1);
  }
  const out: ReturnType<typeof compositionCues> = {};
  if (COMBINED.test(t)) out.combined = true;
  if (/\bnatural (land|lands|areas?|cover)\b/.test(t)) out.natural = true;
  // An area at two years ("in 2012 and in 2070", "in 2070 than in 2020"): the series between,
  // which the answer reads as start, end and the change.
  const years = [...new Set((t.match(/\b(?:19|20)\d\d\b/g) ?? []).map(Number))];
  const areaQuestion = !slots.change && !slots.urbanization && !slots.fromUse && !slots.toUse;
  if (
    years.length === 2 &&
    areaQuestion &&
    breakdowns.length === 0 &&
    slots.time?.kind !== 'range'
  ) {
    breakdowns.push('year');
    out.time = { kind: 'range', start: Math.min(...years), end: Math.max(...years) };
  }
  // Two decades ("the 2020s with the 2060s"): the periods between, each shown.
  const decades = [...new Set((t.match(/\b20[1-6]0s\b/g) ?? []).map((d) => Number(d.slice(0, 4))))];
  if (decades.length === 2 && breakdowns.length === 0 && !areaQuestion) {
    breakdowns.push('period');
    out.time = { kind: 'range', start: Math.min(...decades), end: Math.max(...decades) + 10 };
  }
  if (breakdowns.length > 0) out.breakdowns = breakdowns;
  if (
    has(t, ...SHARE_OF_TOTAL) &&
    !/\b(of (its|their)|region'?s|subregion'?s|state'?s|county'?s|us|u\.s\.|nation'?s?|country'?s?) (tracked |total )?(land|area)\b/.test(
      t,
    ) &&
    !/\b(comes?|coming|came) (mostly |mainly )?from\b/.test(t)
  ) {
    out.measure = 'share_of_total';
  } else if (
    has(t, ...PERCENT_CHANGE) &&
    // "the share of its tracked land in urban use, in percent" is a share, not a change.
    !/\b(share|fraction|proportion) of (the |its |their )?(\w+ )?(land|area)\b/.test(t)
  ) {
    out.measure = 'percent_change';
  } else if (has(t, ...SHARE) && (!slots.change || (slots.fromUse && slots.toUse))) {
    // A flow's share is of the from-use's area at the start ("what percentage of the forest").
    out.measure = 'share';
  }
  // A decline ranked by a signed measure ("shrinks the most by percent", "net decline"): the most
  // negative first; "least" turns either around.
  const signed = out.measure === 'percent_change' || slots.change === 'net';
  const declining =
    signed && /\b(shrink\w*|declin\w*|decreas\w*|los(e|es|ing|t|s)|drop\w*|fall\w*)\b/.test(t);
  // "The gap between the highest and lowest climate model": the spread the model comparison
  // gives, not a ranking smallest first.
  const spread =
    /\b(gap|spread|range|vary|varies|differ|differs)\b.*\b(climate[- ]models?|gcms?)\b/.test(t) ||
    /\b(highest|max(imum)?) (and|minus|-) (the )?(lowest|min(imum)?)\b/.test(t);
  if (spread) {
    // Neither order nor difference: the named comparison has both ends and the spread.
  } else if (/\bmost negative\b/.test(t)) out.order = 'asc';
  else if (declining) out.order = slots.cues.includes('least') ? 'desc' : 'asc';
  else if (slots.cues.includes('least')) out.order = 'asc';
  // "Which decade sees the most ...", "when is ... fastest": rank the periods, largest first.
  else if (breakdowns.includes('period') && /\b(which|what|when|in which)\b/.test(t)) {
    out.order = 'desc';
  }
  // A difference of amounts needs something to measure ("the difference between SSP1 and SSP5"
  // alone asks what the scenarios are).
  const asksDifference = has(t, ...DIFFERENCE) && hasTopic(slots) && !spread;
  if (asksDifference && slots.scenarios.length === 2) out.difference = true;
  const compares = asksDifference || (has(t, ...COMPARE) && hasTopic(slots));
  // Two places side by side ("Georgia than Alabama", "the RPA South than the RPA North").
  const split = compares && !slots.county ? placeSplit(slots.places, slots.states) : undefined;
  if (split && slots.scenarios.length < 2) {
    out.difference = true;
    out.breakdowns = [split];
  }
  // Two counties side by side: one row each.
  if (slots.county && slots.otherCounty && (compares || asksDifference || /\b(and|or)\b/.test(t))) {
    out.difference = true;
    out.breakdowns = ['county'];
  }
  // Two uses side by side ("forest loss vs cropland loss", "does forest or cropland lose more"):
  // one row each, not one group.
  const twoUses =
    slots.landUses.length === 2 && !slots.fromUse && !slots.toUse && !slots.agriculture;
  if (compares && twoUses && !split && !COMBINED.test(t) && !out.breakdowns?.length) {
    out.difference = true;
    out.breakdowns = ['land_use'];
  }
  // "Which land uses lose the most to urbanization": the sources of new urban land, which the
  // urban expansion tool shows.
  if (slots.urbanization && out.breakdowns?.includes('land_use') && !out.measure) {
    // A county's profile has no sources: there the plan splits new urban land by from-use.
    out.breakdowns = slots.county
      ? out.breakdowns.map((b) => (b === 'land_use' ? 'from_use' : b))
      : out.breakdowns.filter((b) => b !== 'land_use');
    if (out.breakdowns.length === 0) delete out.breakdowns;
  }
  return out;
}

/** The level two named places share, to split by it ("Georgia" and "Alabama": state). */
function placeSplit(
  named: readonly string[],
  states: readonly string[],
): PlanBreakdown | undefined {
  // "Illinois ... (IL minus IN)": the same two states named twice.
  if (states.length === 2 && named.every((p) => stateByNameOrAbbrev(p))) return 'state';
  const places = [...new Set(named.map((p) => p.toLowerCase()))];
  if (places.length !== 2) return undefined;
  const level = (p: string): PlanBreakdown | undefined => {
    const n = p.toLowerCase().replace(/^(the )?(rpa |census )?/, '');
    if (stateByNameOrAbbrev(p)) return 'state';
    if (RPA_SUBREGIONS.some((r) => r.toLowerCase() === n)) return 'rpa_subregion';
    if (RPA_REGIONS.some((r) => r.toLowerCase() === n)) return 'rpa_region';
    if (CENSUS_REGIONS.some((r) => r.toLowerCase() === n.replace(/ \(census\)$/, ''))) {
      return 'census_region';
    }
    return undefined;
  };
  const [a, b] = places.map(level);
  return a !== undefined && a === b ? a : undefined;
}

/** Of two named places, the one that holds the other: a region and a state in it. */
export function wholeOf(places: readonly string[]): { whole: string; part: string } | undefined {
  const unique = [...new Map(places.map((p) => [p.toLowerCase(), p])).values()];
  if (unique.length !== 2) return undefined;
  const [a, b] = unique as [string, string];
  if (regionNamed(a) && stateByNameOrAbbrev(b)) return { whole: regionNamed(a)!, part: b };
  if (regionNamed(b) && stateByNameOrAbbrev(a)) return { whole: regionNamed(b)!, part: a };
  return undefined;
}

/** An RPA region or subregion as named ("the South Central subregion"), by its own name. */
export function regionNamed(place: string): string | undefined {
  const n = place
    .toLowerCase()
    .replace(/^(the )?(rpa )?/, '')
    .replace(/ (sub)?region$/, '');
  return [...RPA_SUBREGIONS, ...RPA_REGIONS].find((r) => r.toLowerCase() === n);
}
