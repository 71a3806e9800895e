/**
 * A small seeded pseudo-random generator for the demo data. Math.random cannot be seeded, and the
 * demo file must be byte-identical for a seed so tests, docs and benchmarks agree on its numbers.
 */

/** A deterministic stream of random numbers. */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Normal with this mean and standard deviation (default standard normal). */
  normal(mean?: number, sd?: number): number;
  /** exp(normal(mu, sigma)): positive, median exp(mu); multiplicative noise. */
  lognormal(mu?: number, sigma?: number): number;
}

/**
 * Mixes a seed with a label into a new 32-bit seed (FNV-1a over the label, then a murmur-style
 * finalizer). Each part of the model draws from its own labelled stream, so adding a draw in one
 * part never shifts the numbers of another.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A mulberry32 generator: 32 bits of state, fast, and good enough for synthetic data (not for
 * cryptography). Normals come from Box-Muller, keeping the second value of each pair.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  let spare: number | undefined;

  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const standardNormal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };

  return {
    uniform,
    normal: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    lognormal: (mu = 0, sigma = 1) => Math.exp(mu + sigma * standardNormal()),
  };
}
