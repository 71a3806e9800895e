/** States, Census regions and RPA regions and subregions of the conterminous US. */

export const CENSUS_REGIONS = ['Northeast', 'Midwest', 'South', 'West'] as const;
export type CensusRegion = (typeof CENSUS_REGIONS)[number];

export const RPA_REGIONS = ['North', 'South', 'Rocky Mountain', 'Pacific Coast'] as const;
export type RpaRegion = (typeof RPA_REGIONS)[number];

export const RPA_SUBREGIONS = [
  'Northeast',
  'North Central',
  'Southeast',
  'South Central',
  'Great Plains',
  'Intermountain',
  'Pacific Northwest',
  'Pacific Southwest',
] as const;
export type RpaSubregion = (typeof RPA_SUBREGIONS)[number];

/** The RPA region each subregion belongs to. */
const RPA_SUBREGION_REGION: Readonly<Record<RpaSubregion, RpaRegion>> = {
  Northeast: 'North',
  'North Central': 'North',
  Southeast: 'South',
  'South Central': 'South',
  'Great Plains': 'Rocky Mountain',
  Intermountain: 'Rocky Mountain',
  'Pacific Northwest': 'Pacific Coast',
  'Pacific Southwest': 'Pacific Coast',
};

export interface State {
  /** Two-digit state FIPS code, e.g. "06". */
  readonly fips: string;
  readonly name: string;
  /** USPS abbreviation, e.g. "CA". */
  readonly abbrev: string;
  readonly censusRegion: CensusRegion;
  readonly rpaRegion: RpaRegion;
  readonly rpaSubregion: RpaSubregion;
}

// fips, abbrev, name, Census region, RPA subregion (the RPA region follows from the subregion).
// DC is not named in the RPA's state lists; it sits inside Maryland, so it takes the Northeast.
const ROWS: ReadonlyArray<readonly [string, string, string, CensusRegion, RpaSubregion]> = [
  ['01', 'AL', 'Alabama', 'South', 'South Central'],
  ['04', 'AZ', 'Arizona', 'West', 'Intermountain'],
  ['05', 'AR', 'Arkansas', 'South', 'South Central'],
  ['06', 'CA', 'California', 'West', 'Pacific Southwest'],
  ['08', 'CO', 'Colorado', 'West', 'Intermountain'],
  ['09', 'CT', 'Connecticut', 'Northeast', 'Northeast'],
  ['10', 'DE', 'Delaware', 'South', 'Northeast'],
  ['11', 'DC', 'District of Columbia', 'South', 'Northeast'],
  ['12', 'FL', 'Florida', 'South', 'Southeast'],
  ['13', 'GA', 'Georgia', 'South', 'Southeast'],
  ['16', 'ID', 'Idaho', 'West', 'Intermountain'],
  ['17', 'IL', 'Illinois', 'Midwest', 'North Central'],
  ['18', 'IN', 'Indiana', 'Midwest', 'North Central'],
  ['19', 'IA', 'Iowa', 'Midwest', 'North Central'],
  ['20', 'KS', 'Kansas', 'Midwest', 'Great Plains'],
  ['21', 'KY', 'Kentucky', 'South', 'South Central'],
  ['22', 'LA', 'Louisiana', 'South', 'South Central'],
  ['23', 'ME', 'Maine', 'Northeast', 'Northeast'],
  ['24', 'MD', 'Maryland', 'South', 'Northeast'],
  ['25', 'MA', 'Massachusetts', 'Northeast', 'Northeast'],
  ['26', 'MI', 'Michigan', 'Midwest', 'North Central'],
  ['27', 'MN', 'Minnesota', 'Midwest', 'North Central'],
  ['28', 'MS', 'Mississippi', 'South', 'South Central'],
  ['29', 'MO', 'Missouri', 'Midwest', 'North Central'],
  ['30', 'MT', 'Montana', 'West', 'Intermountain'],
  ['31', 'NE', 'Nebraska', 'Midwest', 'Great Plains'],
  ['32', 'NV', 'Nevada', 'West', 'Intermountain'],
  ['33', 'NH', 'New Hampshire', 'Northeast', 'Northeast'],
  ['34', 'NJ', 'New Jersey', 'Northeast', 'Northeast'],
  ['35', 'NM', 'New Mexico', 'West', 'Intermountain'],
  ['36', 'NY', 'New York', 'Northeast', 'Northeast'],
  ['37', 'NC', 'North Carolina', 'South', 'Southeast'],
  ['38', 'ND', 'North Dakota', 'Midwest', 'Great Plains'],
  ['39', 'OH', 'Ohio', 'Midwest', 'North Central'],
  ['40', 'OK', 'Oklahoma', 'South', 'South Central'],
  ['41', 'OR', 'Oregon', 'West', 'Pacific Northwest'],
  ['42', 'PA', 'Pennsylvania', 'Northeast', 'Northeast'],
  ['44', 'RI', 'Rhode Island', 'Northeast', 'Northeast'],
  ['45', 'SC', 'South Carolina', 'South', 'Southeast'],
  ['46', 'SD', 'South Dakota', 'Midwest', 'Great Plains'],
  ['47', 'TN', 'Tennessee', 'South', 'South Central'],
  ['48', 'TX', 'Texas', 'South', 'South Central'],
  ['49', 'UT', 'Utah', 'West', 'Intermountain'],
  ['50', 'VT', 'Vermont', 'Northeast', 'Northeast'],
  ['51', 'VA', 'Virginia', 'South', 'Southeast'],
  ['53', 'WA', 'Washington', 'West', 'Pacific Northwest'],
  ['54', 'WV', 'West Virginia', 'South', 'Northeast'],
  ['55', 'WI', 'Wisconsin', 'Midwest', 'North Central'],
  ['56', 'WY', 'Wyoming', 'West', 'Intermountain'],
];

/** The 48 conterminous states and DC, ordered by FIPS code. */
export const STATES: readonly State[] = ROWS.map(([fips, abbrev, name, censusRegion, sub]) => ({
  fips,
  abbrev,
  name,
  censusRegion,
  rpaRegion: RPA_SUBREGION_REGION[sub],
  rpaSubregion: sub,
}));

const byFips = new Map(STATES.map((s) => [s.fips, s]));
const byAbbrev = new Map(STATES.map((s) => [s.abbrev, s]));
const byName = new Map(STATES.map((s) => [s.name.toLowerCase(), s]));

/** The state with this two-digit FIPS code, or undefined (Alaska, Hawaii, territories). */
export function stateByFips(fips: string): State | undefined {
  return byFips.get(fips);
}

/** The state with this USPS abbreviation or full name (case-insensitive), or undefined. */
export function stateByNameOrAbbrev(text: string): State | undefined {
  const t = text.trim();
  return byAbbrev.get(t.toUpperCase()) ?? byName.get(t.toLowerCase());
}

/** States of an RPA region, RPA subregion or Census region. */
export function statesIn(
  kind: 'rpaRegion' | 'rpaSubregion' | 'censusRegion',
  name: string,
): State[] {
  return STATES.filter((s) => s[kind] === name);
}

/** Other names people use for a state, lower case (the names and abbreviations are implied). */
export const STATE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  DC: ['washington dc', 'washington d.c.', 'd.c.', 'the district'],
};

/**
 * Other names people use for the RPA regions and subregions and the Census regions, lower case
 * (the names themselves are implied). "Northeast" and "South" are both RPA and Census names: the
 * lookups give them their RPA meaning unless the text says "census" (DATA.md).
 */
export const REGION_ALIASES: {
  readonly rpaRegion: Readonly<Record<RpaRegion, readonly string[]>>;
  readonly rpaSubregion: Readonly<Record<RpaSubregion, readonly string[]>>;
  readonly censusRegion: Readonly<Record<CensusRegion, readonly string[]>>;
} = {
  rpaRegion: {
    North: ['the north'],
    South: ['the south'],
    'Rocky Mountain': ['rocky mountains', 'the rockies', 'rockies', 'rocky mountain west'],
    'Pacific Coast': ['west coast', 'the west coast', 'pacific coast states'],
  },
  rpaSubregion: {
    Northeast: ['north east', 'north-east', 'northeastern'],
    'North Central': ['north-central'],
    Southeast: ['south east', 'south-east', 'southeastern'],
    'South Central': ['south-central'],
    'Great Plains': ['the great plains', 'plains', 'the plains', 'plains states'],
    Intermountain: ['intermountain west', 'mountain west', 'interior west'],
    'Pacific Northwest': ['pnw', 'northwest', 'the northwest', 'pacific north west'],
    'Pacific Southwest': ['pacific south west'],
  },
  censusRegion: {
    Northeast: [],
    Midwest: ['mid west', 'mid-west', 'midwestern', 'the midwest'],
    South: [],
    West: ['the west', 'western', 'western us', 'western states'],
  },
};
