/**
 * The words of a question that say how to compose its plan: breakdown cues ("which county",
 * "decade by decade"), shares, percent changes, differences and comparisons, uses combined,
 * and the District of Columbia left out. Data only; compose.ts reads them.
 */
import type { PlanBreakdown } from './types.ts';

export const has = (text: string, ...patterns: RegExp[]) => patterns.some((p) => p.test(text));

/** Breakdown cues, in the order a question is likely to mean them. */
export const BREAKDOWN_CUES: readonly [PlanBreakdown, RegExp[]][] = [
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
      /\bcount(y|ies) (in \w+( \w+)? )?(adding|with|gaining|losing|having|that|where)\b.*\b(most|least|biggest|largest|smallest|fewest)\b/,
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

export const SHARE = [
  /\b(share|shares|proportion|percent(age)?) of (each|every|all|the) land uses?\b/,
  /\b(forest|crop|cropland|pasture|rangeland|urban|agricultural|farmland) (land )?share\b/,
  /\b(highest|largest|biggest|lowest|smallest) share\b/,
  /\b(share|proportion|fraction|percent(age)?) of (the |all |its |their |total )?(\w+ )?(land|area|acres|acreage)\b/,
  /\bwhat (share|percent(age)?|fraction|proportion)\b/,
  /\b(largest|biggest|highest|smallest|lowest) (share|proportion|fraction|percent(age)?)\b/,
];
/** A share of a wider place's total: the nation's unless a region is named as the whole. */
export const SHARE_OF_TOTAL = [
  /\b(share|fraction|proportion|percent(age)?|portion) of (the )?(nation'?s|national|country'?s|total|(us|u\.s\.|nation|country)'s|all (of )?(the )?(nation'?s|country'?s))( |$)/,
  /\b(national|nation'?s|country'?s|us) total\b/,
  /\b(share|fraction|proportion|percent(age)?|portion) of all (\w+ )?(the )?(us|u\.s\.|american|national)\b/,
  /\b(share|fraction|proportion|percent(age)?|portion) of (the )?[\w -]+? (region|subregion)'s\b/,
];
export const PERCENT_CHANGE = [
  /(\bpercent(age)?|%|\brelative|\bproportional(ly)?)\s+(\w+\s+)?(change|growth|increase|decrease|decline|loss|gain|drop|rise|jump|climb|fall|shrinkage)\b/,
  /\b(by|in) (percent(age)?|relative terms|proportion)\b/,
  /\b(fastest|slowest) (rate|percentage)\b/,
  /\b(how many|what) percent(age)?\b(?! of)\b.*\b(grow|grows|increase|increases|decrease|decreases|shrink|shrinks|decline|declines|change|changes|rise|rises|fall|falls|drop|drops|expand|expands)\b/,
  /\b(grows?|shrinks?|declines?|increases?|decreases?|expands?|contracts?)\b.*\b(fastest|slowest)\b.*\b(percent(age)?|rate|relative)\b/,
  /\bpercent(age)? (of|in) (its|their) (land|area|forest|cropland|pasture|rangeland|urban)/,
];
export const DIFFERENCE = [
  /\bhow (much|many (more |fewer )?acres) (more|less|fewer|greater|bigger|larger|smaller|higher|lower)\b/,
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
export const COMPARE = [
  /\bvs\.?( |$)/,
  /\bversus\b/,
  /\bwhich is (bigger|larger|greater|more|higher|smaller|lower)\b/,
  /\b(bigger|larger|greater|more|higher|lower|smaller)\b.*\bor\b/,
  /\bdoes \w+ or \w+\b/,
  /\b\w+ or \w+\b.*\b(who|which)\b.*\b(more|less|most|bigger|larger)\b/,
  /\bboth (numbers|figures|values)\b/,
  /\bgive both\b/,
];
/** Uses named together as one amount: "rangeland and pasture combined", "crop plus pasture". */
export const COMBINED = /\b(combined|together|plus|in total|all together)\b|\+/;

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
