/** A one-dimensional root finder for the calibration solves of the demo model. */

/**
 * The root of a rising function on [lo, hi] by the Illinois variant of regula falsi (a handful
 * of evaluations where bisection takes dozens); an end point when the root lies beyond it.
 * Stops when |f| is below 1e-10 of `magnitude`.
 */
export function solveRising(
  f: (x: number) => number,
  lo: number,
  hi: number,
  magnitude: number,
): number {
  let a = lo;
  let b = hi;
  let fa = f(a);
  let fb = f(b);
  if (fb <= 0) return b;
  if (fa >= 0) return a;
  const tolerance = 1e-10 * Math.max(magnitude, 1e-9);
  let side = 0;
  let x = a;
  for (let it = 0; it < 100; it++) {
    x = (a * fb - b * fa) / (fb - fa);
    const fx = f(x);
    if (Math.abs(fx) <= tolerance || b - a < 1e-12) break;
    if (fx > 0) {
      b = x;
      fb = fx;
      if (side === -1) fa /= 2;
      side = -1;
    } else {
      a = x;
      fa = fx;
      if (side === 1) fb /= 2;
      side = 1;
    }
  }
  return x;
}
