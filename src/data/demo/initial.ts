import type { RpaSubregion } from '../../domain/index.ts';
import type { County } from '../counties.ts';
import { smoothField } from './field.ts';
import { METRO_CORE_FIPS } from './metros.ts';
import { createRng, deriveSeed } from './rng.ts';

// Uses in LAND_USE_CODES order (cr ps rg fr ur): urban is the fifth of five.
const UR = 4;
const USES = 5;

/** National area tracked in 2012, in hundreds of acres (1.67 billion acres, as the RPA). */
const NATIONAL_TRACKED = 16_700_000;

/**
 * us-atlas's 1:10m geometry drops a few tiny independent cities (Falls Church, VA comes out with
 * zero area); every county gets at least this many acres so it still has land to report.
 */
const MIN_COUNTY_ACRES = 1_000;

/** The county's area for the model: its geometry's area, floored at MIN_COUNTY_ACRES. */
function countyAcres(county: County): number {
  return Math.max(MIN_COUNTY_ACRES, county.areaAcres);
}

/**
 * Land-use profile groups: the RPA subregions, with Texas and Oklahoma split from the rest of the
 * South Central because their western halves are rangeland, not forest.
 */
type ProfileKey = RpaSubregion | 'Southern Plains';

interface Profile {
  /** Share of the county's area that is private land the RPA tracks (federal land is not). */
  readonly tracked: number;
  /** Mean urban share of the tracked area. */
  readonly urban: number;
  /** Relative weights of crop, pasture, rangeland, forest in the non-urban rest. */
  readonly mix: readonly [number, number, number, number];
}

// Tuned so the national 2012 shares come out near the RPA's: crop ~28 %, pasture ~10 %,
// rangeland ~31 %, forest ~24.5 % (about 410 million acres, so the published -7.6 to -15 million
// acres of forest change are -1.9 % to -3.7 %), urban ~6.5 %.
const PROFILES: Readonly<Record<ProfileKey, Profile>> = {
  Northeast: { tracked: 0.92, urban: 0.13, mix: [0.17, 0.11, 0.004, 0.7] },
  'North Central': { tracked: 0.95, urban: 0.07, mix: [0.61, 0.12, 0.01, 0.26] },
  Southeast: { tracked: 0.9, urban: 0.13, mix: [0.18, 0.11, 0.01, 0.66] },
  'South Central': { tracked: 0.93, urban: 0.07, mix: [0.24, 0.22, 0.02, 0.53] },
  'Southern Plains': { tracked: 0.96, urban: 0.056, mix: [0.21, 0.14, 0.56, 0.09] },
  'Great Plains': { tracked: 0.96, urban: 0.023, mix: [0.57, 0.05, 0.36, 0.02] },
  Intermountain: { tracked: 0.74, urban: 0.029, mix: [0.12, 0.04, 0.78, 0.06] },
  'Pacific Northwest': { tracked: 0.72, urban: 0.056, mix: [0.24, 0.07, 0.2, 0.49] },
  'Pacific Southwest': { tracked: 0.62, urban: 0.1, mix: [0.18, 0.05, 0.5, 0.27] },
};

/**
 * Urban land of a metro core before regional scaling, in hundreds of acres (200,000 acres): a
 * number of acres, not a share, because western metro counties cover millions of acres.
 */
const METRO_URBAN = 2_000;
/** No county is more urban than this share of its tracked land (cities keep parks and yards). */
const MAX_URBAN_SHARE = 0.85;

/**
 * Urban land per county, hundreds of acres: a metro part (METRO_URBAN times the metro field) and
 * a dispersed part (a smooth lognormal field times inverse area, so small eastern counties are
 * denser), scaled per profile group so its urban share is the profile's.
 */
function urbanAreas(
  counties: readonly County[],
  tracked: Float64Array,
  field: Float64Array,
  metro: Float64Array,
): Float64Array {
  const n = counties.length;
  const medianArea = counties.map(countyAcres).sort((a, b) => a - b)[n >> 1]!;
  const metroPart = new Float64Array(n);
  const spread = new Float64Array(n);
  const sums = new Map<ProfileKey, { target: number; metro: number; spread: number }>();
  for (let i = 0; i < n; i++) {
    const c = counties[i]!;
    const k = profileKey(c);
    metroPart[i] = Math.min(0.6 * tracked[i]!, METRO_URBAN * metro[i]!);
    spread[i] = tracked[i]! * Math.exp(0.35 * field[i]!) * (medianArea / countyAcres(c)) ** 0.5;
    const s = sums.get(k) ?? { target: 0, metro: 0, spread: 0 };
    s.target += PROFILES[k].urban * tracked[i]!;
    s.metro += metroPart[i]!;
    s.spread += spread[i]!;
    sums.set(k, s);
  }
  const urban = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = sums.get(profileKey(counties[i]!))!;
    // Metros take at most 70 % of a group's urban land; dispersed towns the rest.
    const metroScale = Math.min(1, (0.7 * s.target) / Math.max(s.metro, 1e-9));
    const spreadScale = (s.target - metroScale * s.metro) / s.spread;
    urban[i] = Math.min(
      MAX_URBAN_SHARE * tracked[i]!,
      metroScale * metroPart[i]! + spreadScale * spread[i]!,
    );
  }
  return urban;
}

/**
 * 1 at metro core counties, spreading to their neighbours (suburbs): one pass of neighbour
 * averaging, rescaled so the cores average 1. One ring only, because western neighbours are
 * millions of acres and a wider spread would build cities in the desert.
 */
export function metroField(counties: readonly County[]): Float64Array {
  const cores = new Set(METRO_CORE_FIPS);
  let m = Float64Array.from(counties, (c) => (cores.has(c.fips) ? 1 : 0));
  for (let pass = 0; pass < 1; pass++) {
    const next = new Float64Array(m.length);
    for (let i = 0; i < m.length; i++) {
      const nb = counties[i]!.neighbors;
      // The county keeps half its own value so cores stay the peaks.
      let sum = 0;
      for (const j of nb) sum += m[j]!;
      next[i] = nb.length > 0 ? 0.6 * m[i]! + (0.4 * sum) / nb.length : m[i]!;
    }
    m = next;
  }
  let coreMean = 0;
  let count = 0;
  counties.forEach((c, i) => {
    if (cores.has(c.fips)) {
      coreMean += m[i]!;
      count++;
    }
  });
  coreMean = count > 0 ? coreMean / count : 1;
  return m.map((v) => Math.min(1.5, v / coreMean));
}

/** The profile group of a county. */
export function profileKey(county: County): ProfileKey {
  const st = county.state.abbrev;
  return st === 'TX' || st === 'OK' ? 'Southern Plains' : county.state.rpaSubregion;
}

/**
 * The 2012 area of each use in each county, in hundreds of acres, laid out [county * 5 + use].
 * Tracked area is a regional share of the county's area, scaled so the nation sums to
 * NATIONAL_TRACKED; urban land sits in real metro cores and their suburbs plus a smooth random
 * field, denser in small counties as eastern ones are (see urbanAreas); the rest is split by the
 * regional mix with smooth lognormal noise per use (a Dirichlet-like draw that keeps neighbours
 * alike).
 */
export function initialAreas(counties: readonly County[], seed: number): Float64Array {
  const n = counties.length;
  const rng = createRng(deriveSeed(seed, 'initial'));
  const trackedNoise = smoothField(counties, rng, 1);
  const urbanField = smoothField(counties, rng, 3);
  const mixFields = [0, 1, 2, 3].map(() => smoothField(counties, rng, 2));
  const white = new Float64Array(n * 4);
  for (let i = 0; i < white.length; i++) white[i] = rng.normal();

  // Tracked area before national scaling; capped below the county's area.
  const tracked = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const c = counties[i]!;
    const share = Math.min(
      0.97,
      PROFILES[profileKey(c)].tracked * Math.exp(0.04 * trackedNoise[i]!),
    );
    tracked[i] = (share * countyAcres(c)) / 100;
    sum += tracked[i]!;
  }
  const scale = NATIONAL_TRACKED / sum;
  // The profiles are set so this scale is close to 1 (about 1.02): shares stay below the area.
  for (let i = 0; i < n; i++) tracked[i] = tracked[i]! * scale;

  const urban = urbanAreas(counties, tracked, urbanField, metroField(counties));

  const areas = new Float64Array(n * USES);
  for (let i = 0; i < n; i++) {
    const c = counties[i]!;
    const profile = PROFILES[profileKey(c)];
    const weights = profile.mix.map(
      (m, u) => m * Math.exp(0.45 * mixFields[u]![i]! + 0.25 * white[i * 4 + u]!),
    );
    const wsum = weights.reduce((a, b) => a + b, 0);
    const rest = tracked[i]! - urban[i]!;
    for (let u = 0; u < 4; u++) areas[i * USES + u] = (rest * weights[u]!) / wsum;
    areas[i * USES + UR] = urban[i]!;
  }
  return areas;
}
