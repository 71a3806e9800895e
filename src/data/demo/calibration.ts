import {
  LAND_USE_CODES,
  RPA_REGIONS,
  parseRunName,
  type LandUseCode,
  type RpaRegion,
  type ScenarioCode,
} from '../../domain/index.ts';
import type { DemoDataset } from './model.ts';

/**
 * The demo's calibration figures for 2020-2070, the numbers DATA.md promises and the test checks.
 * All in acres (the dataset holds hundreds of acres).
 */

/** Figures of one run or one combined scenario, 2020-2070, in acres. */
interface DemoFigures {
  /** Area tracked (all five uses) in 2020. */
  totalAcres: number;
  /** Area of each use in 2020. */
  area2020: Record<LandUseCode, number>;
  /** New urban land (to = ur, from <> ur). */
  urbanExpansion: number;
  urbanExpansionByRegion: Record<RpaRegion, number>;
  /** New urban land taken from forest, and its share of all new urban land. */
  urbanFromForest: number;
  urbanFromForestShare: number;
  /** Forest area 2070 minus 2020, and as a percent of 2020 forest. */
  forestNetChange: number;
  forestNetChangePct: number;
  /** Forest net change in the South RPA region. */
  southForestNetChange: number;
}

/** Figures of one of the 20 runs. */
export interface RunFigures extends DemoFigures {
  run: string;
  model: string;
  scenario: ScenarioCode;
}

/** Figures of a combined scenario: the mean over its runs (5 per pathway, 20 for OVERALL). */
export interface ScenarioFigures extends DemoFigures {
  scenario: ScenarioCode;
  runs: number;
}

/** The calibration summary: combined scenarios (OVERALL, LM, HM, HL, HH) and every run. */
export interface DemoSummary {
  years: '2020-2070';
  scenarios: ScenarioFigures[];
  runs: RunFigures[];
}

const HUNDRED = 100;
const U = LAND_USE_CODES.length;
const FR = LAND_USE_CODES.indexOf('fr');
const UR = LAND_USE_CODES.indexOf('ur');

/**
 * Summarizes a demo dataset over the projection years 2020-2070. Combined scenarios average the
 * acres of their runs, and their percent and share are taken from those means (as the database's
 * combined scenarios would give them), not averaged run by run. On a county subset the figures
 * are those of the subset.
 */
export function summarizeDemo(ds: DemoDataset): DemoSummary {
  const runs = ds.runs.map((run, r) => runFigures(ds, r, run));
  const groups: ScenarioCode[] = ['OVERALL', 'LM', 'HM', 'HL', 'HH'];
  const scenarios = groups.flatMap((code) => {
    const members = runs.filter((f) => code === 'OVERALL' || f.scenario === code);
    return members.length === 0 ? [] : [{ scenario: code, runs: members.length, ...mean(members) }];
  });
  return { years: '2020-2070', scenarios, runs };
}

function runFigures(ds: DemoDataset, r: number, run: string): RunFigures {
  const parsed = parseRunName(run);
  const n = ds.counties.length;
  const periods = ds.periods.length;
  const first = ds.periods.findIndex((p) => p.start === 2020);
  const last = ds.periods.findIndex((p) => p.end === 2070);
  const region = ds.counties.map((c) => c.state.rpaRegion);
  const byRegion = zeroRegions();
  const area2020 = new Float64Array(U);
  let urban = 0;
  let fromForest = 0;
  let forest2070 = 0;
  let southForest2020 = 0;
  let southForest2070 = 0;
  for (let p = first; p <= last; p++) {
    for (let c = 0; c < n; c++) {
      const o = ((r * periods + p) * n + c) * U * U;
      const south = region[c] === 'South';
      for (let from = 0; from < U; from++) {
        if (from !== UR) {
          const v = ds.flows[o + from * U + UR]!;
          urban += v;
          byRegion[region[c]!] += v;
          if (from === FR) fromForest += v;
        }
        if (p === first) {
          const start = rowSum(ds.flows, o + from * U);
          area2020[from] = area2020[from]! + start;
          if (south && from === FR) southForest2020 += start;
        }
        if (p === last && from !== FR) {
          // Column sums of the last period: forest in 2070 (the diagonal is added below).
          const v = ds.flows[o + from * U + FR]!;
          forest2070 += v;
          if (south) southForest2070 += v;
        }
      }
      if (p === last) {
        forest2070 += ds.flows[o + FR * U + FR]!;
        if (south) southForest2070 += ds.flows[o + FR * U + FR]!;
      }
    }
  }
  const forest2020 = area2020[FR]!;
  for (const g of RPA_REGIONS) byRegion[g] *= HUNDRED;
  return {
    run,
    model: parsed?.climateModel.name ?? run,
    scenario: parsed?.scenario.code ?? 'OVERALL',
    totalAcres: area2020.reduce((a, b) => a + b, 0) * HUNDRED,
    area2020: Object.fromEntries(
      LAND_USE_CODES.map((code, u) => [code, area2020[u]! * HUNDRED]),
    ) as Record<LandUseCode, number>,
    urbanExpansion: urban * HUNDRED,
    urbanExpansionByRegion: byRegion,
    urbanFromForest: fromForest * HUNDRED,
    urbanFromForestShare: urban > 0 ? fromForest / urban : 0,
    forestNetChange: (forest2070 - forest2020) * HUNDRED,
    forestNetChangePct: forest2020 > 0 ? (100 * (forest2070 - forest2020)) / forest2020 : 0,
    southForestNetChange: (southForest2070 - southForest2020) * HUNDRED,
  };
}

function rowSum(flows: Float64Array, offset: number): number {
  let s = 0;
  for (let to = 0; to < U; to++) s += flows[offset + to]!;
  return s;
}

function zeroRegions(): Record<RpaRegion, number> {
  return Object.fromEntries(RPA_REGIONS.map((g) => [g, 0])) as Record<RpaRegion, number>;
}

/** The mean of run figures, with percent and share recomputed from the mean acres. */
function mean(runs: readonly DemoFigures[]): DemoFigures {
  const k = runs.length;
  const avg = (pick: (f: DemoFigures) => number) => runs.reduce((s, f) => s + pick(f), 0) / k;
  const byRegion = zeroRegions();
  for (const g of RPA_REGIONS) byRegion[g] = avg((f) => f.urbanExpansionByRegion[g]);
  const area2020 = Object.fromEntries(
    LAND_USE_CODES.map((code) => [code, avg((f) => f.area2020[code])]),
  ) as Record<LandUseCode, number>;
  const urbanExpansion = avg((f) => f.urbanExpansion);
  const urbanFromForest = avg((f) => f.urbanFromForest);
  const forestNetChange = avg((f) => f.forestNetChange);
  return {
    totalAcres: avg((f) => f.totalAcres),
    area2020,
    urbanExpansion,
    urbanExpansionByRegion: byRegion,
    urbanFromForest,
    urbanFromForestShare: urbanExpansion > 0 ? urbanFromForest / urbanExpansion : 0,
    forestNetChange,
    forestNetChangePct: area2020.fr > 0 ? (100 * forestNetChange) / area2020.fr : 0,
    southForestNetChange: avg((f) => f.southForestNetChange),
  };
}
