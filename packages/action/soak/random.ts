/**
 * The soak's randomness: a small seeded generator, and the seed of each stream of a lifecycle's decisions
 * (a function of the soak's seed and the lifecycle's number alone).
 */

/** Mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
export type Random = ReturnType<typeof generator>;

/** Murmur3's finalizer: every bit of the input moves every bit of the output. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The seed of one stream of lifecycle `n`'s decisions: a function of (seed, n, stream) alone, so no
 * lifecycle's decisions depend on another's. Stream 0 draws the steps, deliveries and faults.
 */
export function lifecycleSeed(seed: number, n: number, stream = 0): number {
  return mix(mix(mix(seed >>> 0) ^ Math.imul(n, 0x9e3779b9)) ^ Math.imul(stream + 1, 0x7f4a7c15));
}
