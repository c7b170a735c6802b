// Deterministic test data from xorshift32, so a failing case reproduces from its seed.

/** A generator of xorshift32's successive states as unsigned 32-bit numbers (seed made odd). */
export function xorshift32(seed: number): () => number {
  let s = seed | 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** n float32 values uniform in [-scale, scale). */
export function uniformArray(n: number, seed: number, scale = 1): Float32Array {
  const next = xorshift32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (next() / 2 ** 31 - 1) * scale;
  return out;
}

/**
 * n float32 values: with probability p one of `special` (chosen by the state's high bits),
 * else f(u) for u uniform in [0, 1).
 */
export function mixedArray(n: number, seed: number, special: readonly number[], p: number, f: (u: number) => number): Float32Array {
  const next = xorshift32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    const u = r / 2 ** 32;
    out[i] = u < p ? special[(r >>> 8) % special.length]! : f(u);
  }
  return out;
}

/** mulberry32: a 32-bit seeded generator of uniform floats in [0, 1) (the fuzz tests' source). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
