import { allocateCapped } from './allocate.ts';
import { solveRising } from './solve.ts';
import { REGION_COUNT, URBAN_FROM_FOREST, type PeriodTarget } from './targets.ts';

// Use indexes (LAND_USE_CODES order), local on purpose: tsx compiles imported bindings to getter
// calls, which cost several times the whole step in these inner loops.
const CR = 0;
const PS = 1;
const RG = 2;
const FR = 3;
const UR = 4;
const USES = 5;

/** Fixed, per-county inputs of the period step (no randomness inside the step itself). */
export interface StepContext {
  readonly n: number;
  /** 1 where pasture and rangeland trade grazing land (the West and the Southern Plains). */
  readonly west: Uint8Array;
  /** Relative pull of new development (smooth lognormal, higher at metros and their suburbs). */
  readonly growth: Float64Array;
  /** Relative rate of rural exchanges (crop/pasture/range churn) per county. */
  readonly churn: Float64Array;
  /** County indexes of each RPA region (RPA_REGIONS order). */
  readonly members: readonly Int32Array[];
}

/** Most of a county's non-urban land that can become urban in a decade: keeps growth spread out. */
const URBAN_CAP = 0.12;
/** At most this share of a use's land converts to urban in one period. */
const USE_CAP = 0.5;
/** Relative readiness of crop, pasture and rangeland for development (forest's is solved for). */
const URBAN_PULL = [1.0, 1.2, 0.8];
/**
 * New urban land also goes to rural counties a little (per acre of rural land), not only to
 * existing cities.
 */
const EXURBAN = 0.01;
/** Most afforestation per decade, as a share of crop + pasture land. */
const AFFOREST_CAP = 0.05;
/** Most forest clearing per decade, as a share of forest. */
const CLEAR_CAP = 0.1;

/**
 * One period of one run: writes the 5x5 flows of every county into `out` at `offset`
 * (out[offset + county * 25 + from * 5 + to]) and returns the areas at the end of the period.
 * Order of work: urban growth (allocated per region, split by source so the forest share of each
 * region hits its target), then the forest balance (afforestation against clearing, solved per
 * region so forest net change hits its target), then rural churn; the diagonal takes the rest, so
 * every row sums to the start area exactly and every flow is non-negative.
 */
export function stepPeriod(
  ctx: StepContext,
  start: Float64Array,
  target: PeriodTarget,
  years: number,
  out: Float64Array,
  offset: number,
): Float64Array {
  const scale = years / 10;
  const { n } = ctx;
  // Off-diagonal flows of this period, [county * 25 + from * 5 + to]; diagonals filled at the end.
  const flow = new Float64Array(n * 25);
  for (let g = 0; g < REGION_COUNT; g++) {
    const idx = ctx.members[g]!;
    growUrban(ctx, idx, start, target.urban[g]!, URBAN_FROM_FOREST[g]!, scale, flow);
    balanceForest(idx, start, target.forestNet[g]!, target.rates.forestToAg, scale, flow);
  }
  churnRural(ctx, start, target, scale, flow);

  const end = new Float64Array(n * USES);
  for (let c = 0; c < n; c++) {
    const base = c * 25;
    for (let from = 0; from < USES; from++) {
      let off = 0;
      for (let to = 0; to < USES; to++) if (to !== from) off += flow[base + from * 5 + to]!;
      flow[base + from * 5 + from] = start[c * USES + from]! - off;
    }
    for (let k = 0; k < 25; k++) out[offset + base + k] = flow[base + k]!;
    for (let to = 0; to < USES; to++) {
      let sum = 0;
      for (let from = 0; from < USES; from++) sum += flow[base + from * 5 + to]!;
      end[c * USES + to] = sum;
    }
  }
  return end;
}

/** Areas left in a use after the flows already booked out of it. */
function left(start: Float64Array, flow: Float64Array, c: number, use: number): number {
  let out = 0;
  for (let to = 0; to < USES; to++) if (to !== use) out += flow[c * 25 + use * 5 + to]!;
  return start[c * USES + use]! - out;
}

/**
 * Shares `total` new urban land over a region's counties in proportion to existing urban land
 * (growth happens next to cities), capped per county, then splits each county's share by source
 * with a forest pull solved for so the region's forest share is `forestShare`.
 */
function growUrban(
  ctx: StepContext,
  idx: Int32Array,
  start: Float64Array,
  total: number,
  forestShare: number,
  scale: number,
  flow: Float64Array,
): void {
  const m = idx.length;
  const weights = new Float64Array(m);
  const caps = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const c = idx[j]!;
    const rural =
      start[c * USES + CR]! + start[c * USES + PS]! + start[c * USES + RG]! + start[c * USES + FR]!;
    weights[j] = ctx.growth[c]! * (start[c * USES + UR]! + EXURBAN * rural);
    caps[j] = URBAN_CAP * scale * rural;
  }
  const amount = new Float64Array(m);
  const built = allocateCapped(total, weights, caps, amount);

  const parts = new Float64Array(4);
  const forestAt = (logPull: number): number => {
    const pull = Math.exp(logPull);
    let sum = 0;
    for (let j = 0; j < m; j++) {
      splitSources(amount[j]!, start, idx[j]!, pull, parts);
      sum += parts[FR]!;
    }
    return sum;
  };
  const pull = Math.exp(solveRising((x) => forestAt(x) - forestShare * built, -8, 8, built));
  for (let j = 0; j < m; j++) {
    const c = idx[j]!;
    splitSources(amount[j]!, start, c, pull, parts);
    for (let k = 0; k < 4; k++) flow[c * 25 + k * 5 + UR] = parts[k]!;
  }
}

/**
 * Splits a county's new urban land over crop, pasture, rangeland and forest in proportion to
 * area times pull, no use giving more than USE_CAP of its land (the excess goes to the others).
 */
function splitSources(
  total: number,
  start: Float64Array,
  c: number,
  forestPull: number,
  out: Float64Array,
): void {
  let remaining = total;
  let open = 0b1111;
  for (let k = 0; k < 4; k++) out[k] = 0;
  while (remaining > 0 && open !== 0) {
    let wsum = 0;
    for (let k = 0; k < 4; k++) {
      if (open & (1 << k)) wsum += start[c * USES + k]! * (k === FR ? forestPull : URBAN_PULL[k]!);
    }
    if (wsum <= 0) break;
    const level = remaining / wsum;
    let capped = false;
    for (let k = 0; k < 4; k++) {
      if (!(open & (1 << k))) continue;
      const a = start[c * USES + k]!;
      const want = level * a * (k === FR ? forestPull : URBAN_PULL[k]!);
      if (want >= USE_CAP * a) {
        out[k] = USE_CAP * a;
        remaining -= USE_CAP * a;
        open &= ~(1 << k);
        capped = true;
      }
    }
    if (!capped) {
      for (let k = 0; k < 4; k++) {
        if (open & (1 << k)) {
          out[k] = level * start[c * USES + k]! * (k === FR ? forestPull : URBAN_PULL[k]!);
        }
      }
      remaining = 0;
    }
  }
}

/**
 * Solves a region's forest exchange with agriculture so forest net change (gains minus losses,
 * urban included) equals `net`: baseline clearing for pasture and crop where there is farmland,
 * and afforestation of crop and pasture near forest making up the difference.
 */
function balanceForest(
  idx: Int32Array,
  start: Float64Array,
  net: number,
  clearRate: number,
  scale: number,
  flow: Float64Array,
): void {
  const m = idx.length;
  let toUrban = 0;
  const clearBase = new Float64Array(m);
  const clearCap = new Float64Array(m);
  const plantWeight = new Float64Array(m);
  const plantCap = new Float64Array(m);
  let clearSum = 0;
  for (let j = 0; j < m; j++) {
    const c = idx[j]!;
    toUrban += flow[c * 25 + FR * 5 + UR]!;
    const cr = left(start, flow, c, CR);
    const ps = left(start, flow, c, PS);
    const rg = left(start, flow, c, RG);
    const fr = left(start, flow, c, FR);
    const rural = cr + ps + rg + fr;
    const agShare = rural > 0 ? (cr + ps) / rural : 0;
    clearBase[j] = clearRate * scale * fr * Math.min(1, 3 * agShare);
    clearCap[j] = CLEAR_CAP * scale * fr;
    clearSum += clearBase[j]!;
    // Trees come back on farmland where forest is already part of the landscape.
    plantWeight[j] = (0.4 * cr + ps) * ((rural > 0 ? fr / rural : 0) + 0.02);
    plantCap[j] = AFFOREST_CAP * scale * (cr + ps);
  }
  // Gains needed: gains - clearing - toUrban = net.
  let plant = net + toUrban + clearSum;
  const clear = new Float64Array(m);
  const minPlant = 0.25 * clearSum;
  if (plant >= minPlant) {
    clear.set(clearBase);
  } else {
    // Forest must shrink faster than urban growth alone explains: clear more.
    plant = minPlant;
    allocateCapped(minPlant - net - toUrban, clearBase, clearCap, clear);
  }
  const planted = new Float64Array(m);
  allocateCapped(plant, plantWeight, plantCap, planted);
  for (let j = 0; j < m; j++) {
    const c = idx[j]!;
    const cr = left(start, flow, c, CR);
    const ps = left(start, flow, c, PS);
    const w = 0.4 * cr + ps;
    const fromCrop = w > 0 ? (planted[j]! * 0.4 * cr) / w : 0;
    flow[c * 25 + CR * 5 + FR] = fromCrop;
    flow[c * 25 + PS * 5 + FR] = planted[j]! - fromCrop;
    flow[c * 25 + FR * 5 + PS] = 0.8 * clear[j]!;
    flow[c * 25 + FR * 5 + CR] = 0.2 * clear[j]!;
  }
}

/** Gross exchanges among crop, pasture and rangeland, as rates of the land still unassigned. */
function churnRural(
  ctx: StepContext,
  start: Float64Array,
  target: PeriodTarget,
  scale: number,
  flow: Float64Array,
): void {
  const r = target.rates;
  for (let c = 0; c < ctx.n; c++) {
    const k = scale * ctx.churn[c]!;
    const cr = left(start, flow, c, CR);
    const ps = left(start, flow, c, PS);
    const rg = left(start, flow, c, RG);
    const b = c * 25;
    flow[b + CR * 5 + PS] = k * r.cropToPasture * cr;
    flow[b + PS * 5 + CR] = k * r.pastureToCrop * ps;
    flow[b + RG * 5 + CR] = k * r.rangeToCrop * rg;
    if (ctx.west[c]) {
      flow[b + PS * 5 + RG] = k * r.pastureToRange * ps;
      flow[b + RG * 5 + PS] = k * r.rangeToPasture * rg;
      flow[b + CR * 5 + RG] = k * r.cropToRange * cr;
    } else {
      // East of the Plains the little rangeland left drifts into pasture.
      flow[b + RG * 5 + PS] = k * 0.01 * rg;
    }
  }
}
