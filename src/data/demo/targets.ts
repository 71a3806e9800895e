import {
  PERIODS,
  RPA_REGIONS,
  RUN_NAMES,
  parseRunName,
  type PathwayCode,
} from '../../domain/index.ts';
import { createRng, deriveSeed } from './rng.ts';

/**
 * The calibration targets of the demo model and their spread over the 20 runs. Every regional
 * number here is met by the model by construction (allocation with caps, not luck), so the demo
 * reproduces the published 2020 RPA results (Mihiar, Lewis & Coulston 2023) that DATA.md lists.
 */

/** Index of each RPA region in the per-region arrays below (RPA_REGIONS order). */
export const REGION_COUNT = RPA_REGIONS.length;

/** Million acres to the model's unit, hundreds of acres. */
const MILLION = 10_000;

// New urban land 2020-2070 by region (North, South, Rocky Mountain, Pacific Coast), million acres.
// HL and HH are the low and high ends DATA.md gives per region; LM and HM sit between them in
// proportion to their national totals (47 and 51 million).
const URBAN_2020_2070: Readonly<Record<PathwayCode, readonly number[]>> = {
  HL: [10.6, 18.4, 6.4, 5.6],
  LM: [11.84, 20.87, 7.3, 6.99],
  HM: [12.66, 22.53, 7.9, 7.91],
  HH: [13.9, 25.0, 8.8, 9.3],
};

// National forest net change 2020-2070, million acres, and its split over the regions: the South
// carries about 61 % (4.6 to 9.2 million acres of loss), the North most of the rest.
const FOREST_NET_2020_2070: Readonly<Record<PathwayCode, number>> = {
  LM: -7.6,
  HL: -9.5,
  HM: -11.5,
  HH: -15.0,
};
const FOREST_NET_SPLIT = [0.22, 0.61, 0.03, 0.14];

/**
 * Share of each region's new urban land taken from forest. Weighted by the regional urban targets
 * this gives about 46 % nationally; the Rocky Mountain region builds mostly on rangeland.
 */
export const URBAN_FROM_FOREST: readonly number[] = [0.5, 0.58, 0.12, 0.38];

// How each pathway's new urban land spreads over the five decades: slowing growth in SSP1 and
// SSP3 (population peaks), steady in SSP2, accelerating in SSP5.
const DECADE_PROFILE: Readonly<Record<PathwayCode, readonly number[]>> = {
  LM: [0.215, 0.205, 0.2, 0.195, 0.185],
  HL: [0.22, 0.21, 0.2, 0.19, 0.18],
  HM: [0.205, 0.2025, 0.2, 0.1975, 0.195],
  HH: [0.18, 0.19, 0.2, 0.21, 0.22],
};

// 2012-2020 (8 years), the same in every run: about 1 million acres a year of new urban land,
// and a small net forest loss.
const HISTORICAL_URBAN = [2.0, 3.5, 1.25, 1.25];
const HISTORICAL_FOREST_NET = [-0.3, -0.5, -0.05, -0.15];

/** Gross exchange rates between the rural uses, as fractions per decade of the area left. */
export interface ExchangeRates {
  readonly cropToPasture: number;
  readonly pastureToCrop: number;
  /** Western counties only: grazing land moves both ways between pasture and rangeland. */
  readonly pastureToRange: number;
  readonly rangeToPasture: number;
  readonly rangeToCrop: number;
  readonly cropToRange: number;
  /** Baseline forest clearing for pasture and crop, before the forest balance is solved. */
  readonly forestToAg: number;
}

const BASE_RATES: ExchangeRates = {
  cropToPasture: 0.012,
  pastureToCrop: 0.03,
  pastureToRange: 0.012,
  rangeToPasture: 0.002,
  rangeToCrop: 0.0015,
  cropToRange: 0.004,
  forestToAg: 0.004,
};

// Consistent differences between the climate models. The hot and dry models push marginal crop
// to pasture and range and clear a little more forest; the least warm model (MRI) the reverse,
// and it also builds a little more (milder climate keeps growth where it is).
const MODEL_EFFECTS: Readonly<Record<string, { urban: number; forest: number; dryness: number }>> =
  {
    CNRM_CM5: { urban: 1.0, forest: 0.98, dryness: 0.9 },
    HadGEM2_ES365: { urban: 0.975, forest: 1.05, dryness: 1.15 },
    IPSL_CM5A_MR: { urban: 0.99, forest: 1.03, dryness: 1.15 },
    MRI_CGCM3: { urban: 1.035, forest: 0.94, dryness: 0.85 },
    NorESM1_M: { urban: 1.0, forest: 1.0, dryness: 1.0 },
  };

/** What one period of one run must deliver, in hundreds of acres. */
export interface PeriodTarget {
  /** New urban land per RPA region. */
  readonly urban: readonly number[];
  /** Forest net change (end minus start) per RPA region. */
  readonly forestNet: readonly number[];
  readonly rates: ExchangeRates;
}

/** The targets of one run: its pathway, climate model and six period targets. */
interface RunPlan {
  readonly run: string;
  readonly pathway: PathwayCode;
  readonly model: string;
  /** PERIODS order; entry 0 (2012-2020) is the same object in every run. */
  readonly periods: readonly PeriodTarget[];
}

/**
 * The 20 run plans, RUN_NAMES order. Each run scales its pathway's regional targets by a
 * climate-model effect and a little lognormal noise, then the factors are centred so the mean of
 * a pathway's five runs is exactly the pathway target: the spread is real, the calibration exact.
 */
export function planRuns(seed: number): RunPlan[] {
  const rng = createRng(deriveSeed(seed, 'targets'));
  const parsed = RUN_NAMES.map((run) => {
    const p = parseRunName(run);
    if (!p) throw new Error(`unparseable run name ${run}`);
    return { run, pathway: p.scenario.code as PathwayCode, model: p.climateModel.name };
  });
  const effect = (model: string) => MODEL_EFFECTS[model] ?? { urban: 1, forest: 1, dryness: 1 };
  const urbanFactor = parsed.map(({ model }) =>
    RPA_REGIONS.map(() => effect(model).urban * rng.lognormal(0, 0.015)),
  );
  const forestFactor = parsed.map(({ model }) =>
    RPA_REGIONS.map(() => effect(model).forest * rng.lognormal(0, 0.03)),
  );
  centre(parsed, urbanFactor);
  centre(parsed, forestFactor);

  const historical: PeriodTarget = {
    urban: HISTORICAL_URBAN.map((v) => v * MILLION),
    forestNet: HISTORICAL_FOREST_NET.map((v) => v * MILLION),
    rates: BASE_RATES,
  };
  return parsed.map(({ run, pathway, model }, r) => {
    const dryness = effect(model).dryness;
    const rates: ExchangeRates = {
      ...BASE_RATES,
      cropToPasture: BASE_RATES.cropToPasture * dryness,
      pastureToCrop: (BASE_RATES.pastureToCrop * (pathway === 'HH' ? 1.1 : 1)) / dryness,
      cropToRange: BASE_RATES.cropToRange * dryness,
      forestToAg: BASE_RATES.forestToAg * effect(model).forest,
    };
    const weights = DECADE_PROFILE[pathway].map((w) => w * rng.lognormal(0, 0.02));
    const wsum = weights.reduce((a, b) => a + b, 0);
    const periods = PERIODS.map((_, p): PeriodTarget => {
      if (p === 0) return historical;
      const share = weights[p - 1]! / wsum;
      return {
        urban: URBAN_2020_2070[pathway].map((v, g) => v * MILLION * share * urbanFactor[r]![g]!),
        forestNet: FOREST_NET_SPLIT.map(
          (s, g) => FOREST_NET_2020_2070[pathway] * s * MILLION * share * forestFactor[r]![g]!,
        ),
        rates,
      };
    });
    return { run, pathway, model, periods };
  });
}

/** Divides each run's factors by the mean over the runs of its pathway, region by region. */
function centre(runs: readonly { pathway: PathwayCode }[], factors: number[][]): void {
  const pathways = new Set(runs.map((r) => r.pathway));
  for (const pathway of pathways) {
    const members = runs.flatMap((r, i) => (r.pathway === pathway ? [i] : []));
    for (let g = 0; g < REGION_COUNT; g++) {
      const mean = members.reduce((s, i) => s + factors[i]![g]!, 0) / members.length;
      for (const i of members) factors[i]![g] = factors[i]![g]! / mean;
    }
  }
}
