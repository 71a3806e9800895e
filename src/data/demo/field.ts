import type { County } from '../counties.ts';
import type { Rng } from './rng.ts';

/**
 * A spatially correlated standard-normal field over the counties: white noise averaged with the
 * neighbours a few times, then standardized. Land use is regional, not county-by-county noise, so
 * every random county attribute of the demo (urban intensity, use mix, growth) is drawn from one
 * of these; more passes give larger patches (metro clusters, farm belts).
 */
export function smoothField(counties: readonly County[], rng: Rng, passes: number): Float64Array {
  const n = counties.length;
  let z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = rng.normal();
  for (let pass = 0; pass < passes; pass++) {
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const nb = counties[i]!.neighbors;
      let sum = z[i]!;
      for (const j of nb) sum += z[j]!;
      next[i] = sum / (1 + nb.length);
    }
    z = next;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += z[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (z[i]! - mean) ** 2;
  const sd = Math.sqrt(variance / n) || 1;
  for (let i = 0; i < n; i++) z[i] = (z[i]! - mean) / sd;
  return z;
}
