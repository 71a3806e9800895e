/**
 * Composition: the parts of a question the named tools have no argument for (a breakdown by
 * decade or region, a share or a percent change, smallest first, the difference between two
 * scenarios, a flow between two named uses ranked by place) and the query plan that answers it
 * with the general tool (query_land_use). Each part is read on its own and the plan is assembled
 * from whatever was found, so combinations never seen before still make a plan.
 */
import { RPA_REGIONS, RPA_SUBREGIONS, stateByNameOrAbbrev } from '../../domain/index.ts';
import { hasTopic, primaryUse } from './intent.ts';
import type { PlanBreakdown, Slots, ToolArgs, ToolName } from './types.ts';

const has = (text: string, ...patterns: RegExp[]) => patterns.some((p) => p.test(text));

/** Breakdown cues, in the order a question is likely to mean them. */
const BREAKDOWN_CUES: readonly [PlanBreakdown, RegExp[]][] = [
  [
    'rpa_subregion',
    [
      /\b(which|what|each|every|by|per|across|all|rank the|rank) (of (the )?(\w+ )?)?(rpa )?sub-?regions?\b/,
      /\b(top|bottom|smallest|largest|biggest|first|last) \w+ (rpa )?sub-?regions\b/,
      /\bsub-?region by sub-?region\b/,
    ],
  ],
  [
    'census_region',
    [
      /\b(which|what|each|every|by|per|across) census regions?\b/,
      /\bcensus regions?\b.*\b(most|least|highest|lowest|largest|smallest|compare)\b/,
    ],
  ],
  [
    'rpa_region',
    [
      /\b(which|what|each|every|by|per|across|all|the four|rank the|rank) (of (the )?(\w+ )?)?(rpa )?regions?\b/,
      /\b(top|bottom|smallest|largest|biggest|first|last) \w+ (rpa )?regions\b/,
      /\bregion by region\b/,
    ],
  ],
  [
    'period',
    [
      /\b(which|what|each|every|by|per|in which) (ten-year |10-year |time |projection )?(decades?|periods?)\b/,
      /\bdecade by decade\b/,
      /\bperiod by period\b/,
      /\bwhen (will|does|do|is|are)\b.*\b(most|fastest|peak|highest|least|slowest)\b/,
    ],
  ],
  [
    'land_use',
    [
      /\b(which|what) (land )?(uses?|land use types?|type of land|kind of land|land cover)\b/,
      /\b(dominant|main|predominant|most common|largest|biggest) (land )?(use|cover|land use)\b/,
      /\b(each|every|all|by) land uses?\b/,
      /\bby (land )?use\b/,
      /\b(each|every) use\b/,
    ],
  ],
  [
    'county',
    [
      /\b(which|what|each|every|by|per) (single |one |individual )?count(y|ies)\b/,
      /\bamong (the )?[\w -]*\bcounties\b.*\bwhich\b/,
      /\bwhere in\b/,
      /\bcounty by county\b/,
      /\b(top|bottom|smallest|largest|biggest) \w+ (\w+ ){0,2}counties\b/,
    ],
  ],
  [
    'state',
    [
      /\b(which|what|each|every|by|per|rank the|rank) (single |one |individual )?states?\b/,
      /\b(among|in|of) (the )?[\w -]*\bstates\b.*\bwhich\b/,
      /\bstate by state\b/,
      /\b(top|bottom|smallest|largest|biggest) \w+ (\w+ ){0,2}states\b/,
    ],
  ],
  [
    'scenario',
    [
      /\b(which|what) (one )?(of (the )?(four |five |4 |5 )?)?((rcp|ssp|rpa|climate|future|emissions?)[ -]?)*(scenarios?|pathways?|futures?|storylines?)\b/,
      /\bunder which\b/,
      /\b(under )?(each|every|all) (of )?(the )?(four |five |4 |5 )?((rcp|ssp|rpa)[ -]?)*(scenarios?|pathways?|futures?)\b/,
      /\brank (the )?(four |five |4 |5 )?(scenarios|pathways|futures)\b/,
    ],
  ],
];

const SHARE = [
  /\b(share|shares|proportion|percent(age)?) of (each|every|all|the) land uses?\b/,
  /\b(forest|crop|cropland|pasture|rangeland|urban|agricultural|farmland) (land )?share\b/,
  /\b(highest|largest|biggest|lowest|smallest) share\b/,
  /\b(share|proportion|fraction|percent(age)?) of (the |all |its |their |total )?(\w+ )?(land|area|acres|acreage)\b/,
  /\bwhat (share|percent(age)?|fraction|proportion)\b/,
  /\b(largest|biggest|highest|smallest|lowest) (share|proportion|fraction|percent(age)?)\b/,
];
/** A share of a wider place's total: the nation's unless a region is named as the whole. */
const SHARE_OF_TOTAL = [
  /\b(share|fraction|proportion|percent(age)?|portion) of (the )?(nation'?s|national|country'?s|total|(us|u\.s\.|nation|country)'s|all (of )?(the )?(nation'?s|country'?s))( |$)/,
  /\b(national|nation'?s|country'?s|us) total\b/,
  /\b(share|fraction|proportion|percent(age)?|portion) of all (the )?(us|u\.s\.|american|national)\b/,
  /\b(share|fraction|proportion|percent(age)?|portion) of (the )?[\w -]+? (region|subregion)'s\b/,
];
const PERCENT_CHANGE = [
  /(\bpercent(age)?|%|\brelative|\bproportional(ly)?)\s+(\w+\s+)?(change|growth|increase|decrease|decline|loss|gain|drop|rise)\b/,
  /\b(by|in) (percent(age)?|relative terms|proportion)\b/,
  /\b(fastest|slowest) (rate|percentage)\b/,
  /\b(how many|what) percent(age)?\b(?! of)\b.*\b(grow|grows|increase|increases|decrease|decreases|shrink|shrinks|decline|declines|change|changes|rise|rises|fall|falls|drop|drops|expand|expands)\b/,
  /\b(grows?|shrinks?|declines?|increases?|decreases?|expands?|contracts?)\b.*\b(fastest|slowest)\b.*\b(percent(age)?|rate|relative)\b/,
  /\bpercent(age)? (of|in) (its|their) (land|area|forest|cropland|pasture|rangeland|urban)/,
];
const DIFFERENCE = [
  /\bhow (much|many (more |fewer )?acres) (more|less|fewer|greater|bigger|smaller|higher|lower)\b/,
  /\b(difference|gap)\b.*\bbetween\b/,
  /\bhow much (more|less)\b/,
  /\bby how (much|many)\b/,
  /\bhow many (more|fewer|less)\b/,
  /\b(gap|minus)\b/,
  /\b(exceed|exceeds|outpace|outpaces)\b/,
  /\b(how many|what) percent(age)?( points?)? (more|less|higher|lower|bigger|smaller|greater|larger)\b/,
  /\bby what percent(age)? is\b/,
  /\bratio\b/,
];

/** Two things set side by side: "A vs B", "forest or cropland ... more", "both figures". */
const COMPARE = [
  /\bvs\.?( |$)/,
  /\bversus\b/,
  /\bwhich is (bigger|larger|greater|more|higher|smaller|lower)\b/,
  /\b(bigger|larger|greater|more|higher|lower|smaller)\b.*\bor\b/,
  /\bdoes \w+ or \w+\b/,
  /\bboth (numbers|figures|values)\b/,
  /\bgive both\b/,
];
/** Uses named together as one amount: "rangeland and pasture combined", "crop plus pasture". */
const COMBINED = /\b(combined|together|plus|in total|all together)\b|\+/;

/** "Not counting DC", "(leave out DC)", "the 48 contiguous states": the states without DC. */
export function leavesOutDc(text: string): boolean {
  const t = text.toLowerCase();
  return (
    /\b(not counting|excluding|exclude|leave out|leaving out|without|except|other than|apart from)( the)? (dc|d\.c\.|district of columbia|washington,? dc)\b/.test(
      t,
    ) ||
    /\b(dc|d\.c\.) (doesn'?t|does not|won'?t) count\b/.test(t) ||
    /\b48 (contiguous |lower )?states\b/.test(t)
  );
}

/** The parts of a question only the general tool can express, read from its words. */
export function compositionCues(
  text: string,
  slots: Slots,
): Pick<
  Slots,
  'breakdowns' | 'measure' | 'order' | 'difference' | 'time' | 'withoutDc' | 'combined' | 'natural'
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
  if (leavesOutDc(t)) out.withoutDc = true;
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
    !/\bof (its|their) (land|area)\b/.test(t) &&
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
    return undefined;
  };
  const [a, b] = places.map(level);
  return a !== undefined && a === b ? a : undefined;
}

/** Of two named places, the one that holds the other: a region and a state in it. */
function wholeOf(places: readonly string[]): { whole: string; part: string } | undefined {
  const unique = [...new Map(places.map((p) => [p.toLowerCase(), p])).values()];
  if (unique.length !== 2) return undefined;
  const [a, b] = unique as [string, string];
  if (regionNamed(a) && stateByNameOrAbbrev(b)) return { whole: regionNamed(a)!, part: b };
  if (regionNamed(b) && stateByNameOrAbbrev(a)) return { whole: regionNamed(b)!, part: a };
  return undefined;
}

/** An RPA region or subregion as named ("the South Central subregion"), by its own name. */
function regionNamed(place: string): string | undefined {
  const n = place
    .toLowerCase()
    .replace(/^(the )?(rpa )?/, '')
    .replace(/ (sub)?region$/, '');
  return [...RPA_SUBREGIONS, ...RPA_REGIONS].find((r) => r.toLowerCase() === n);
}

/** The breakdown a named ranking or comparison tool shows. */
const TOOL_BREAKDOWN: Partial<Record<ToolName, PlanBreakdown>> = {
  compare_states: 'state',
  query_top_counties: 'county',
  compare_scenarios: 'scenario',
  compare_climate_models: 'climate_model',
};

/** Breakdowns no named tool has. */
const GENERAL_ONLY = new Set<PlanBreakdown>([
  'period',
  'rpa_region',
  'rpa_subregion',
  'census_region',
  'land_use',
  'year',
]);

/**
 * Whether the question needs the general tool: it asks for something the named tool would drop
 * (smallest first, a share, a percent change, a difference, a split no named tool makes, a flow
 * between two named uses ranked by place). Otherwise the named tool answers, as the dev set's
 * contract wants.
 */
export function needsGeneralTool(tool: ToolName, slots: Slots): boolean {
  if (tool === 'get_data_summary') return false;
  const primary = primaryUse(slots);
  if (slots.otherCounty) return true;
  if (tool === 'query_by_county') {
    // The county profile has areas, urban expansion and net forest change; anything else about
    // one county is a plan over it.
    if (slots.measure || (slots.fromUse && slots.toUse)) return true;
    if ((slots.breakdowns?.length ?? 0) > 0 || slots.cues.includes('compare_scenarios'))
      return true;
    // The profile's change figures cover the whole horizon: a change by a year is a plan.
    if (slots.time && (slots.change || slots.urbanization)) return true;
    if (!slots.change || slots.urbanization || primary === 'urban') return false;
    return !(primary === 'forest' && (slots.change === 'net' || slots.change === 'change'));
  }
  // Agricultural land is crop and pasture together: one figure, which the area tool lacks.
  if (tool === 'query_land_use_area' && slots.agriculture) return true;
  if (slots.measure || slots.difference || slots.withoutDc || slots.natural) return true;
  if (slots.agriculture && (slots.toUse || slots.urbanization) && !slots.fromUse) {
    // Farmland to urban is a flow out of the group; the dev set's "farmland conversion" ranking
    // (no target named) stays with the named tool.
    return true;
  }
  if (slots.change === 'net' && slots.order === 'asc') return true;
  const splits = slots.breakdowns ?? [];
  if (splits.some((b) => GENERAL_ONLY.has(b))) return true;
  // A split the chosen tool does not make ("where in Colorado" by county, not by state).
  const named = TOOL_BREAKDOWN[tool];
  if (splits.length > 0 && splits[0] !== named && (named || splits[0] !== 'state')) return true;
  const ranked = TOOL_BREAKDOWN[tool] !== undefined || splits.length > 0;
  if (slots.order === 'asc' && ranked) return true;
  // A flow into several named uses ("forest to pasture or cropland"): the named tool takes one.
  if (slots.fromUse && slots.toUse && slots.landUses.length > 2) return true;
  // A flow between two named uses, ranked or compared: the named rankings measure one use.
  if (slots.fromUse && slots.toUse && (splits.length > 0 || TOOL_BREAKDOWN[tool] !== undefined)) {
    return true;
  }
  // A net change of a use with no change tool of its own (rangeland): the plan's net change.
  if ((slots.change === 'net' || slots.change === 'change') && tool === 'query_time_series') {
    return !slots.cues.includes('time');
  }
  // A gain (or a net change) of crop, pasture or rangeland ranked or compared: the named
  // rankings have no such metric.
  if (
    (slots.change === 'gain' ||
      slots.change === 'net' ||
      (slots.change === 'loss' && primary === 'rangeland')) &&
    TOOL_BREAKDOWN[tool] !== undefined &&
    (primary === 'crop' ||
      primary === 'pasture' ||
      primary === 'rangeland' ||
      primary === 'agriculture')
  ) {
    return true;
  }
  return false;
}

const USE_NAMES = { agriculture: 'agricultural' } as const;

/** The query plan for the question's slots (the general tool's arguments). */
export function planArgs(tool: ToolName, slots: Slots): ToolArgs {
  const args: ToolArgs = {};
  const primary = primaryUse(slots);
  // "Farmland (crop + pasture)": the crop and pasture named with the group are the group.
  const ownUses = slots.agriculture
    ? slots.landUses.filter((u) => u !== 'crop' && u !== 'pasture')
    : slots.landUses;
  const uses = [
    ...ownUses.filter((u) => u !== slots.fromUse && u !== slots.toUse),
    ...(slots.agriculture ? ['agricultural'] : []),
  ];
  if (slots.fromUse && slots.toUse) {
    args.measure = 'flow';
    // "farmland (crop or pasture) into urban": the group, not the use named last inside it.
    const farm = (u: string) => slots.agriculture && (u === 'crop' || u === 'pasture');
    args.from = farm(slots.fromUse) ? ['agricultural'] : [slots.fromUse];
    // "forest to crops or pasture": every use named after the source is a target.
    const after = slots.landUses.slice(slots.landUses.indexOf(slots.toUse));
    args.to = farm(slots.toUse)
      ? ['agricultural']
      : slots.landUses.includes(slots.toUse)
        ? after.filter((u) => u !== slots.fromUse)
        : [slots.toUse];
    // "rangeland and pasture combined become urban": every use named before the target.
    const before = slots.landUses.slice(0, Math.max(0, slots.landUses.indexOf(slots.toUse)));
    if (!slots.agriculture && before.length > 1 && slots.combined) args.from = before;
    // "What percentage of the Southeast's forest gets converted to urban": of the area at the start.
    if (slots.measure === 'share' || slots.measure === 'percent_change') args.unit = 'percent';
  } else if (slots.agriculture && (slots.toUse || slots.urbanization) && !slots.fromUse) {
    // "Agricultural land converted to urban": a flow out of the group.
    args.measure = 'flow';
    args.from = ['agricultural'];
    args.to = [slots.toUse ?? 'urban'];
  } else if (
    slots.toUse &&
    !slots.fromUse &&
    !slots.urbanization &&
    !slots.measure &&
    slots.breakdowns?.includes('from_use')
  ) {
    // "Which land use is most converted to cropland": cropland gained, by where it comes from.
    args.measure = 'gain';
    args.uses = [slots.toUse];
  } else if (slots.natural && slots.urbanization && !slots.fromUse) {
    // "Natural land (forest and rangeland) developed": a flow out of the group into urban.
    args.measure = 'flow';
    args.from = ['natural'];
    args.to = ['urban'];
  } else if (slots.urbanization && !slots.measure) {
    args.measure = slots.fromUse ? 'flow' : 'gain';
    if (slots.fromUse) {
      args.from = [slots.fromUse];
      args.to = ['urban'];
    } else args.uses = ['urban'];
  } else {
    const own = slots.measure === 'share_of_total' ? undefined : slots.measure;
    args.measure =
      own ??
      (slots.change === 'loss'
        ? 'loss'
        : slots.change === 'gain'
          ? 'gain'
          : slots.change
            ? 'change'
            : 'area');
    const named =
      uses.length > 0 ? uses : primary ? [USE_NAMES[primary as 'agriculture'] ?? primary] : [];
    // "Natural land (rangeland plus forest)": the group, as one amount.
    const list = slots.natural
      ? [...named.filter((u) => u !== 'forest' && u !== 'rangeland'), 'natural']
      : named;
    if (list.length > 0) args.uses = [...new Set(list)];
    else if (args.measure !== 'area' && args.measure !== 'share') args.uses = ['urban'];
  }
  if (slots.measure === 'share_of_total') {
    args.unit = 'share_of_total';
    // "Colorado's share of the Rocky Mountain region's ...": the state is the part, the region
    // the whole; one place alone is a part of the nation.
    const whole = wholeOf(slots.places);
    if (whole) {
      args.within = [whole.whole];
      args.states = [whole.part];
    }
  }
  if (args.states) {
    // Set above: the part of a share of a named whole.
  } else if (slots.withoutDc && slots.states.length === 0 && !slots.county) {
    args.states = ['the 48 states'];
  } else if (slots.county) {
    const name = (c: { name: string; state?: string }) =>
      c.state ? `${c.name}, ${c.state}` : c.name;
    args.counties = [name(slots.county), ...(slots.otherCounty ? [name(slots.otherCounty)] : [])];
  } else if (slots.states.length > 0) {
    // One RPA region named: by its name, so the answer says "the Southeast", not its states.
    const region = slots.places.length === 1 ? regionNamed(slots.places[0]!) : undefined;
    args.states = region ? [region] : [...slots.states];
  }

  const breakdown = [...(slots.breakdowns ?? [])];
  const named = TOOL_BREAKDOWN[tool];
  if (breakdown.length === 0 && named) breakdown.push(named);
  if (slots.scenarios.length >= 2 && !breakdown.includes('scenario') && breakdown.length < 2) {
    breakdown.push('scenario');
  }
  // Areas are at years, not over periods: "forest area every decade" is a series of years.
  if (args.measure === 'area' || args.measure === 'share') {
    const p = breakdown.indexOf('period');
    if (p >= 0) breakdown[p] = 'year';
  }
  if (breakdown.length > 0) args.breakdown = breakdown.slice(0, 2);
  // Split by land use: every use (or the ones named), not a default one.
  if (breakdown.includes('land_use') && args.uses?.length === 1 && slots.landUses.length === 0) {
    delete args.uses;
  }
  if (slots.scenarios.length > 0) args.scenarios = [...slots.scenarios];
  // Ranking the scenarios compares the four pathways; the ensemble mean is not one of them.
  else if (breakdown.includes('scenario')) args.scenarios = ['LM', 'HM', 'HL', 'HH'];

  const point = args.measure === 'area' || args.measure === 'share';
  const time = slots.time;
  if (time) {
    if (time.kind === 'range') {
      if (point && !breakdown.includes('year')) args.year = time.end;
      else args.years = { start: time.start, end: time.end };
    } else if (time.kind === 'since') {
      if (!point) args.years = { start: time.year };
    } else if (point) args.year = time.year;
    else args.years = { end: time.year };
  }
  // A ranking of periods ("which decade") ranks; a series ("decade by decade") reads in order.
  if (slots.order) args.sort = slots.order;
  if (slots.limit !== undefined) args.limit = slots.limit;
  return args;
}
