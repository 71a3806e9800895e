/**
 * Capped proportional allocation ("water filling"): the tool that makes the demo's calibration hold
 * by construction. A regional total is shared among counties in proportion to a weight, but no
 * county takes more than its cap; what a capped county cannot take goes to the others.
 */

/**
 * Allocates `total` over items in proportion to `weights`, never more than `caps[i]` to item i.
 * Writes the shares into `out` and returns the amount allocated: `total`, or the sum of the caps
 * of the items with positive weight when they cannot hold it all.
 */
export function allocateCapped(
  total: number,
  weights: ArrayLike<number>,
  caps: ArrayLike<number>,
  out: Float64Array,
): number {
  const n = weights.length;
  const active: number[] = [];
  for (let i = 0; i < n; i++) {
    out[i] = 0;
    if (weights[i]! > 0 && caps[i]! > 0) active.push(i);
  }
  let remaining = total;
  let allocated = 0;
  let current = active;
  // Each pass fixes every item whose proportional share exceeds its cap. The level
  // remaining / weight only rises as capped items leave, so a fixed item never comes back.
  while (current.length > 0 && remaining > 0) {
    let weightSum = 0;
    for (const i of current) weightSum += weights[i]!;
    const level = remaining / weightSum;
    const next: number[] = [];
    for (const i of current) {
      const cap = caps[i]!;
      if (level * weights[i]! >= cap) {
        out[i] = cap;
        remaining -= cap;
        allocated += cap;
      } else {
        next.push(i);
      }
    }
    if (next.length === current.length) {
      for (const i of current) out[i] = level * weights[i]!;
      allocated += remaining;
      remaining = 0;
    }
    current = next;
  }
  return allocated;
}
