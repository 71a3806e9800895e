/**
 * The words the planner understands, as plain data: land use and scenario phrases beyond the
 * domain's aliases, and the cue words that point to each intent. Every phrase is written in
 * normalised form (lower case, hyphens as spaces), since it is matched against normalised tokens.
 */
import type { LandUseKey, ScenarioCode } from '../../domain/index.ts';

/** What a land use phrase names. */
export type UseTerm =
  | { kind: 'use'; use: LandUseKey }
  | { kind: 'agriculture' }
  | { kind: 'urbanization'; expansion: boolean }
  | { kind: 'generic' };

const use = (u: LandUseKey): UseTerm => ({ kind: 'use', use: u });
const growth: UseTerm = { kind: 'urbanization', expansion: false };
const expansion: UseTerm = { kind: 'urbanization', expansion: true };

/**
 * Land use phrases. Flow words ("urbanization", "development") are kept apart from the urban
 * land use itself because they ask for a change (urban expansion), not an area.
 * "Farmland", "farms" and "agricultural land" are Crop + Pasture, as people use them; "cropland" is Crop.
 */
export const USE_TERMS: ReadonlyArray<readonly [string, UseTerm]> = [
  ...['crop', 'crops', 'cropland', 'croplands', 'crop land', 'cultivated land', 'arable land']
    .concat(['row crops'])
    .map((p) => [p, use('crop')] as const),
  ...['pasture', 'pastures', 'pastureland', 'pasture land', 'hay', 'hayland', 'grazing land']
    .concat(['grazing', 'pasturelands'])
    .map((p) => [p, use('pasture')] as const),
  ...['rangeland', 'rangelands', 'range land', 'grassland', 'grasslands', 'shrubland', 'prairie']
    .concat(['prairies', 'scrubland', 'rangeland area'])
    .map((p) => [p, use('rangeland')] as const),
  ...['forest', 'forests', 'forestland', 'forest land', 'forested land', 'woodland', 'woodlands']
    .concat(['woods', 'timberland', 'trees', 'tree cover', 'forest cover', 'forested'])
    .concat(['deforestation', 'deforested', 'reforestation', 'afforestation'])
    .map((p) => [p, use('forest')] as const),
  ...['urban', 'urban land', 'urban area', 'urban areas', 'developed land', 'built up land']
    .concat(['built up', 'cities', 'urban cover', 'housing', 'houses', 'homes', 'suburbs'])
    .map((p) => [p, use('urban')] as const),
  ...['urbanization', 'urbanisation', 'urbanize', 'urbanise', 'urbanizes', 'urbanises']
    .concat(['urbanizing', 'urbanising', 'urbanized', 'urbanised', 'development', 'developing'])
    .concat(['develop', 'developed', 'urban development', 'urban growth', 'urban sprawl'])
    .concat(['sprawl', 'new development', 'new urban land', 'new developed land'])
    .map((p) => [p, growth] as const),
  ['urban expansion', expansion],
  ['urban land expansion', expansion],
  ...['agriculture', 'agricultural', 'agricultural land', 'agricultural lands', 'ag', 'ag land']
    .concat(['farm', 'farms', 'farming', 'farm and ranch land', 'farmland', 'farmlands'])
    .concat(['farm land'])
    .map((p) => [p, { kind: 'agriculture' }] as const),
  ...['land use', 'land uses', 'landuse', 'land cover', 'landscape', 'land use change'].map(
    (p) => [p, { kind: 'generic' }] as const,
  ),
];

/** Scenario phrases the domain's aliases leave out, or that must take a following word along. */
export const EXTRA_SCENARIO_PHRASES: ReadonlyArray<readonly [string, ScenarioCode]> = [
  ['fossil fueled development', 'HH'],
  ['fossil fuelled development', 'HH'],
  ['fossil fuel development', 'HH'],
  ['fossil fuel driven development', 'HH'],
  ['high growth', 'HH'],
  ['sustainable development', 'LM'],
  ['low emissions', 'LM'],
  ['lower emissions', 'LM'],
  ['business as usual', 'HM'],
  ['middle of the road', 'HM'],
  ['ensemble mean', 'OVERALL'],
  ['overall scenario', 'OVERALL'],
  // Generic words become names when "scenario" or "pathway" follows them.
  ['sustainability scenario', 'LM'],
  ['sustainable scenario', 'LM'],
  ['sustainability pathway', 'LM'],
  ['fastest growth scenario', 'HH'],
  ['high growth scenario', 'HH'],
  ['slow growth scenario', 'HL'],
  ['low growth scenario', 'HL'],
  ['low growth', 'HL'],
  ['slowest growth', 'HL'],
  ['high high', 'HH'],
  ['high moderate', 'HM'],
  ['high low', 'HL'],
  ['lower moderate', 'LM'],
  ['low moderate', 'LM'],
];

/**
 * Domain scenario aliases too generic to read as a scenario in a sentence: "average forest loss"
 * is not a request for the ensemble mean, and "the fastest growth" is not the HH pathway.
 */
export const GENERIC_SCENARIO_ALIASES: ReadonlySet<string> = new Set([
  'overall',
  'average',
  'mean',
  'default',
  'all scenarios',
  'all runs',
  'sustainable',
  'sustainability',
  'fastest growth',
  'slow growth',
  'fossil fuel',
  'fossil fuels',
]);

/** Cue patterns, matched against the normalised question (words spelt right). */
export const CUE_PATTERNS = {
  summary: [
    /\b(what|which) (kind of )?(data|datasets?|information|info)\b/,
    /\bavailable\b/,
    /\b(in|about|of) (the|this|your) (database|dataset|data set|data)\b/,
    /\bhow many (counties|states|scenarios|climate models|models|gcms|runs|periods|time periods|land uses|years)\b/,
    /\b(what|which) (scenarios|climate models|models|gcms|land uses|land use types|periods|time periods|years) (are|is|do|does|exist|can|there)\b/,
    /\bwhat (can|could) (you|i)\b/,
    /\bwhat do you (know|have|cover)\b/,
    /^help\b/,
    /\bdata ?summary\b/,
    /\b(describe|explain) the (data|dataset|scenarios)\b/,
    /\b(land|area|acres) (is |are )?(tracked|covered|included)\b/,
    /\bwhat (are|is) (the )?(rpa |available |different |possible )?(scenarios|climate models|gcms|land uses|land use types|periods|time periods)\b/,
    /\bwhere does (the|this) data come from\b/,
  ],
  climate_models: [
    /\b(gcms?|climate models?|general circulation models?|earth system models?)\b/,
    /\b(hot|hottest|warm|warmest|wet|wettest|dry|driest|cool|coolest|least warm|middle) (climate )?(model|gcm)s?\b/,
    /\bmodels? (spread|agree|agreement|disagree|differ|uncertainty|range)\b/,
    /\b(across|between|among|each|by|per|different|all|five|which) (the )?(five |5 )?models?\b/,
    /\b(spread|uncertainty|uncertain|disagree|disagreement)\b/,
    /\b(cnrm|hadgem\w*|ipsl|mri|noresm\w*)\b/,
  ],
  rank_counties: [
    /\bcounties\b/,
    /\b(which|what|top|each|every|per|by|biggest|largest) county\b/,
    /\bcounty (level|rankings?)\b/,
  ],
  compare_scenarios: [
    /\b(by|across|between|among|each|every|per|all|different|various|four|five|which|what|under) (of )?(the )?(four |five |4 |5 |rpa |different |future )?(scenarios?|pathways?|futures|storylines)\b/,
    /\bscenarios\b.*\b(compare|comparison|differ|differs|difference|differences|vs|versus|contrast)\b/,
    /\b(compare|comparison|differ|differs|difference|differences|vs|versus|contrast)\b.*\bscenarios\b/,
    /\bscenario (comparison|differences)\b/,
  ],
  rank_states: [
    /\b(which|what) ((?!is\b|are\b|was\b|were\b|the\b|a\b|an\b|do\b|does\b)\w+ ){0,2}states?\b/,
    /\brank(s|ed|ing|ings)?\b.*\bstates?\b/,
    /\bstates?\b.*\bran(k|ked|king)\b/,
    /\bstates? (with|that|where|having) (the )?(most|least|highest|lowest|largest|biggest|fastest|greatest|smallest|fewest)\b/,
    /\bwhere\b.*\b(most|least|highest|lowest|largest|biggest|fastest|greatest)\b/,
    /\b(which|what) (\w+ )?(regions?|parts?|areas?|places?)\b.*\b(most|least|highest|lowest|largest|biggest|fastest|greatest)\b/,
    /\b(by|per|each|every) state\b/,
    /\bstate by state\b/,
    /\btop (\d+ )?states\b/,
  ],
  compare: [
    /\b(compare|compared|comparing|comparison|versus|vs|contrast|differ|differs|difference|differences)\b/,
    /\b(more|less|fewer|bigger|larger|higher|lower|faster|slower)\b.*\b(or|than)\b/,
  ],
  time: [
    /\btrends?\b/,
    /\b(over|through|across) (time|the years|the decades|the projection|the century)\b/,
    /\btime ?series\b/,
    /\b(trajectory|timeline|progression|evolve|evolves|evolution)\b/,
    /\b(decade by decade|year by year|each decade|every decade|per decade|by decade)\b/,
  ],
  transition: [
    /\b(convert|converts|converted|converting|conversion|conversions|transitions?|transitioning|transitioned)\b/,
    /\b(turn|turns|turned|turning) into\b/,
    /\b(become|becomes|becoming|became|replaced|replacing)\b/,
    /\b(lose|loses|losing|lost|goes|go|going|shift|shifts|shifting|flows?|flowing)\b/,
  ],
  area: [
    /\bhow (much|many acres)\b/,
    /\b(acres of|acreage|area|areas|total|amount|extent|size|coverage|share|proportion)\b/,
    /\b(have|has|is there|are there|remain|remains|left)\b/,
  ],
  least: [/\b(least|fewest|lowest|smallest|slowest|minimum|bottom)\b/],
  overview: [/\b(tell me about|overview|profile|describe|summari[sz]e|land use in|look like)\b/],
} as const;

/** Change words: loss, gain, net, and a direction left open ("what happens to"). */
export const CHANGE_PATTERNS = {
  net: /\bnet\b/,
  loss: /\b(lose|loses|losing|lost|loss|losses|loose|looses|loosing|decline|declines|declining|declined|decrease|decreases|decreasing|decreased|shrink|shrinks|shrinking|shrank|shrunk|disappear|disappears|disappearing|deforestation|deforested|clearing|cleared|reduction|reduce|reduced|reduces|drops?|dropping|falls?|falling|converted|conversions?|converting|removal)\b/,
  gain: /\b(gain|gains|gained|gaining|add|adding|increase|increases|increased|increasing|grow|grows|grew|growing|growth|expand|expands|expanded|expanding|expansion|afforestation|reforestation|regrowth|added|adds|rise|rises|rising|new)\b/,
  change:
    /\b(change|changes|changed|changing|happen|happens|happened|happening|shift|shifts|impact|impacts|affect|affected|fare|future of)\b/,
} as const;

/** Words for numbers people spell out ("top ten"). */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  fifty: 50,
};

/**
 * Words never respelt into a domain word, though they are one edit from one ("countries" is not
 * "counties", "status" is not "states"), and common words the spell check should leave alone.
 */
export const PROTECTED_WORDS: ReadonlySet<string> = new Set([
  'countries',
  'country',
  'status',
  'statue',
  'forecast',
  'forecasts',
  'former',
  'crops',
  'prices',
  'price',
  'chance',
  'chances',
  'stocks',
  'shares',
  'changed',
  'ranged',
  'ranges',
  'urbane',
  'pasta',
  'forest',
  'trend',
  'trends',
  'where',
  'there',
  'these',
  'those',
  'their',
  'which',
  'should',
  'would',
  'could',
  'about',
  'under',
  'between',
  'versus',
  'weather',
  'whether',
]);
