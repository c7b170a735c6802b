// PyTorch 1.13 CPU random kernels, written against flat typed arrays: each function fills
// `out` with exactly what the kernel writes into a contiguous tensor of out.length elements.
// Sources: ATen/core/TransformationHelper.h, ATen/core/DistributionsHelper.h,
// ATen/native/cpu/DistributionTemplates.h, ATen/native/TensorFactories.cpp (randperm),
// ATen/native/Distributions.cpp and native/cpu/MultinomialKernel.cpp (multinomial).
// Built without MKL (as Debian's torch): bernoulli_(p) and exponential_ use the generic
// kernels, not MKL's VSL streams.
import { RuntimeError } from "../errors.ts";
import { normalFill16Avx2 } from "./avxMathfun.ts";
import { fmaF32, fmaF64 } from "./fma.ts";
import type { Generator } from "./generator.ts";
import * as libm from "./libm.ts";

export type FloatArray = Float32Array | Float64Array;
export type IntOutArray = Int32Array | Float32Array | Float64Array | BigInt64Array;
export type AnyOutArray = Int32Array | Uint8Array | Float32Array | Float64Array | BigInt64Array;

/** 2.0 * c10::pi<double>, the constant both Box-Muller paths multiply u by. */
const TWO_PI = 6.283185307179586;

// ------------------------------------------------------------------ uniform

function checkFromTo(from: number, to: number, isFloat32: boolean): void {
  if (!(from <= to)) {
    throw new RuntimeError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
  }
  const max = isFloat32 ? 3.4028234663852886e38 : Number.MAX_VALUE;
  if (to - from > max) {
    throw new RuntimeError(
      `uniform_ expects to-from <= std::numeric_limits<${isFloat32 ? "float" : "double"}>::max(), ` +
        `but found to=${to} and from=${from} which result in to-from to exceed the limit`,
    );
  }
}

/**
 * torch.rand / uniform_(from, to). Per element (uniform_real_distribution):
 * float32: u = (random() & (2^24-1)) * 2^-24, out = fmaf(u, to - from, from) in float32;
 * float64: u = (random64() & (2^53-1)) * 2^-53, out = fma(u, to - from, from).
 */
export function fillUniform(gen: Generator, out: FloatArray, from = 0, to = 1): void {
  const isF32 = out instanceof Float32Array;
  checkFromTo(from, to, isF32);
  if (isF32) {
    const a = Math.fround(from);
    const range = Math.fround(Math.fround(to) - a);
    for (let i = 0; i < out.length; i++) out[i] = fmaF32(gen.uniformFloat(), range, a);
  } else {
    const range = to - from;
    for (let i = 0; i < out.length; i++) out[i] = fmaF64(gen.uniformDouble(), range, from);
  }
}

// ------------------------------------------------------------------ normal

/**
 * at::normal_distribution<double>: Box-Muller on two double uniforms (u1 -> angle,
 * u2 -> radius). It returns r*cos and caches r*sin in the generator; the next call returns
 * the cached value first. Results are fma(v, std, mean).
 */
export function normalDouble(gen: Generator, mean: number, std: number): number {
  const cached = gen.nextDoubleNormalSample;
  if (cached !== undefined) {
    gen.nextDoubleNormalSample = undefined;
    return fmaF64(cached, std, mean);
  }
  const u1 = gen.uniformDouble();
  const u2 = gen.uniformDouble();
  const r = Math.sqrt(-2.0 * libm.log(1.0 - u2));
  const theta = TWO_PI * u1;
  gen.nextDoubleNormalSample = r * libm.sin(theta);
  return fmaF64(r * libm.cos(theta), std, mean);
}

/** normal_fill_16 for double: lane j uses u1 = 1 - data[j] (radius) and u2 = data[j+8]. */
function normalFill16Double(data: Float64Array, off: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - data[off + j]!;
    const u2 = data[off + j + 8]!;
    const radius = Math.sqrt(-2 * libm.log(u1));
    const theta = TWO_PI * u2;
    data[off + j] = fmaF64(radius * libm.cos(theta), std, mean);
    data[off + j + 8] = fmaF64(radius * libm.sin(theta), std, mean);
  }
}

/**
 * torch.randn / normal_(mean, std) (normal_kernel):
 * - fewer than 16 elements: one at::normal_distribution<double> draw per element (uses and
 *   refills the generator's cached sample), cast to the dtype;
 * - 16 or more: draw all n uniforms in the dtype, transform each full block of 16 with
 *   Box-Muller; if n % 16 != 0, draw 16 fresh uniforms into the LAST 16 slots and transform
 *   them again (overwriting the tail of the previous blocks). float32 uses the AVX2 kernel
 *   (PyTorch's default CPU capability on x86-64 with AVX2).
 */
export function fillNormal(gen: Generator, out: FloatArray, mean = 0, std = 1): void {
  if (!(std >= 0)) throw new RuntimeError(`normal expects std >= 0.0, but found std ${std}`);
  const n = out.length;
  if (n < 16) {
    for (let i = 0; i < n; i++) out[i] = normalDouble(gen, mean, std);
    return;
  }
  if (out instanceof Float32Array) {
    const m = Math.fround(mean);
    const s = Math.fround(std);
    for (let i = 0; i < n; i++) out[i] = gen.uniformFloat();
    for (let i = 0; i + 16 <= n; i += 16) normalFill16Avx2(out, i, m, s);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = gen.uniformFloat();
      normalFill16Avx2(out, n - 16, m, s);
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = gen.uniformDouble();
    for (let i = 0; i + 16 <= n; i += 16) normalFill16Double(out, i, mean, std);
    if (n % 16 !== 0) {
      for (let i = n - 16; i < n; i++) out[i] = gen.uniformDouble();
      normalFill16Double(out, n - 16, mean, std);
    }
  }
}

// ------------------------------------------------------------------ randint

/**
 * torch.randint(low, high) / random_(from, to) (uniform_int_from_to_distribution):
 * range = high - low; value = low + draw % range, where draw is random64() when
 * range >= 2^32 and the dtype is int64/float32/float64, else random().
 * int64 results are written exactly into a BigInt64Array.
 */
export function fillRandint(gen: Generator, out: IntOutArray, low: number | bigint, high: number | bigint): void {
  const lo = BigInt(low);
  const hi = BigInt(high);
  if (lo >= hi) {
    throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
  }
  const range = hi - lo;
  const wide = range >= 1n << 32n && !(out instanceof Int32Array);
  if (out instanceof Int32Array && (lo < -(1n << 31n) || hi - 1n > (1n << 31n) - 1n)) {
    throw new RuntimeError(
      `random_ expects 'from' and 'to - 1' to be within [-2147483648, 2147483647] for int32, ` +
        `but got from=${lo} and to=${hi}`,
    );
  }
  if (!wide) {
    const r = Number(range);
    const base = Number(lo);
    if (out instanceof BigInt64Array) {
      for (let i = 0; i < out.length; i++) out[i] = BigInt((gen.random() % r) + base);
    } else {
      // draw % r < 2^32 and |base| < 2^63: for Int32Array / floats the sum is exact or is
      // rounded once, exactly as static_cast<scalar_t>(int64) does.
      for (let i = 0; i < out.length; i++) out[i] = (gen.random() % r) + base;
    }
    return;
  }
  for (let i = 0; i < out.length; i++) {
    const v = BigInt.asIntN(64, (gen.random64() % range) + lo);
    if (out instanceof BigInt64Array) out[i] = v;
    else out[i] = Number(v);
  }
}

// ------------------------------------------------------------------ randperm

/** Above this n PyTorch 1.13 switches to the random64() "inside-out" Fisher-Yates. */
const RANDPERM_SMALL_N = Math.floor(0xffffffff / 20);

/**
 * torch.randperm(n) (randperm_cpu): start from 0..n-1; for i in [0, n-1) swap element i with
 * element i + random() % (n - i). For n >= 2^32/20 PyTorch uses random64() % (i + 1) in an
 * inside-out shuffle instead (kept here for completeness).
 */
export function randperm(gen: Generator, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) {
    throw new RuntimeError(`Trying to create tensor with negative dimension ${n}: [${n}]`);
  }
  const r = new Int32Array(n);
  if (n < RANDPERM_SMALL_N) {
    for (let i = 0; i < n; i++) r[i] = i;
    for (let i = 0; i < n - 1; i++) {
      const z = gen.random() % (n - i);
      const sav = r[i]!;
      r[i] = r[z + i]!;
      r[z + i] = sav;
    }
    return r;
  }
  for (let i = 0; i < n; i++) {
    const z = Number(gen.random64() % BigInt(i + 1));
    r[i] = r[z]!;
    r[z] = i;
  }
  return r;
}

// ------------------------------------------------------------------ bernoulli

/**
 * bernoulli_(p) with a scalar p (bernoulli_distribution<double>): 1 if a double uniform
 * (random64) is < p, else 0.
 * torch.bernoulli(probs) / bernoulli_(probsTensor): per element, float64 probabilities use a
 * double uniform (random64); float32 probabilities a float uniform (random(), 24 bits)
 * compared in float32.
 */
export function fillBernoulli(gen: Generator, out: AnyOutArray, p: number | FloatArray): void {
  const write = (i: number, bit: boolean): void => {
    if (out instanceof BigInt64Array) out[i] = bit ? 1n : 0n;
    else out[i] = bit ? 1 : 0;
  };
  if (typeof p === "number") {
    if (!(p >= 0 && p <= 1)) throw new RuntimeError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
    for (let i = 0; i < out.length; i++) write(i, gen.uniformDouble() < p);
    return;
  }
  if (p.length !== out.length) {
    throw new RuntimeError(`bernoulli: probability tensor has ${p.length} elements but the output has ${out.length}`);
  }
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    if (!(pi >= 0 && pi <= 1)) {
      throw new RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
    }
  }
  if (p instanceof Float64Array) {
    for (let i = 0; i < out.length; i++) write(i, gen.uniformDouble() < p[i]!);
  } else {
    for (let i = 0; i < out.length; i++) write(i, gen.uniformFloat() < p[i]!);
  }
}

// ------------------------------------------------------------------ exponential / multinomial

/** exponential_(lambd) (generic CPU kernel): -1/lambda * log(1 - u), u a double uniform. */
export function fillExponential(gen: Generator, out: FloatArray, lambd = 1): void {
  if (!(lambd >= 0)) throw new RuntimeError(`exponential_ expects lambda >= 0.0, but found lambda=${lambd}`);
  for (let i = 0; i < out.length; i++) out[i] = (-1.0 / lambd) * libm.log(1.0 - gen.uniformDouble());
}

/**
 * torch.multinomial(probs, numSamples, replacement) for `rows` distributions of `cols`
 * categories (probs row-major). Returns rows * numSamples indices.
 * - without replacement: the exponential race
 *   q = probs / Exp(1) (q in the probs dtype), then argmax (1 sample) or topk (largest first);
 * - with replacement: per row a normalised cumulative sum in the probs dtype, then per sample
 *   a double uniform (random64) and a binary search for the first cum >= u.
 */
export function multinomial(
  gen: Generator,
  probs: FloatArray,
  rows: number,
  cols: number,
  numSamples: number,
  replacement = false,
): Int32Array {
  if (probs.length !== rows * cols) {
    throw new RuntimeError(`multinomial: probs has ${probs.length} elements, expected ${rows}x${cols}`);
  }
  if (!(numSamples > 0)) throw new RuntimeError("cannot sample n_sample <= 0 samples");
  if (!replacement && numSamples > cols) {
    throw new RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  }
  const result = new Int32Array(rows * numSamples);
  const isF32 = probs instanceof Float32Array;

  if (!replacement) {
    let bad = false;
    for (let i = 0; i < probs.length; i++) if (!(probs[i]! >= 0 && probs[i]! < Infinity)) bad = true;
    if (bad) throw new RuntimeError("probability tensor contains either `inf`, `nan` or element < 0");
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += probs[r * cols + c]!;
      if (sum === 0) throw new RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)");
    }
    const q = isF32 ? new Float32Array(probs.length) : new Float64Array(probs.length);
    fillExponential(gen, q, 1);
    for (let i = 0; i < q.length; i++) q[i] = probs[i]! / q[i]!;
    for (let r = 0; r < rows; r++) {
      const row = Array.from({ length: cols }, (_, c) => c);
      // Largest first; NaN (0/0) never wins; ties keep the lower index.
      row.sort((a, b) => {
        const qa = q[r * cols + a]!;
        const qb = q[r * cols + b]!;
        if (qa === qb || (qa !== qa && qb !== qb)) return a - b;
        if (qa !== qa) return 1;
        if (qb !== qb) return -1;
        return qb - qa;
      });
      for (let k = 0; k < numSamples; k++) result[r * numSamples + k] = row[k]!;
    }
    return result;
  }

  const cum = isF32 ? new Float32Array(cols) : new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const v = probs[r * cols + c]!;
      if (!(v >= 0)) throw new RuntimeError("invalid multinomial distribution (encountering probability entry < 0)");
      if (!Number.isFinite(v)) {
        throw new RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
      }
      sum = isF32 ? Math.fround(sum + v) : sum + v;
      cum[c] = sum;
    }
    if (!(sum > 0)) throw new RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)");
    for (let c = 0; c < cols; c++) cum[c] = cum[c]! / sum; // rounded to the dtype by the store
    cum[cols - 1] = 1;
    for (let k = 0; k < numSamples; k++) {
      const u = gen.uniformDouble();
      let left = 0;
      let right = cols;
      while (right - left > 0) {
        const mid = left + ((right - left) >> 1);
        if (cum[mid]! < u) left = mid + 1;
        else right = mid;
      }
      result[r * numSamples + k] = left;
    }
  }
  return result;
}


// ------------------------------------------------------------------ random_ (no bounds)

/**
 * x.random_() without bounds (random_kernel / uniform_int_distribution): for int64 and float64
 * random64() % (max + 1) with max 2^63 - 1 resp. 2^53; for the other dtypes random() % (max + 1)
 * with max 2^24 (float32), 2^31 - 1 (int32); bool takes the draw's low bit.
 */
export function fillRandomFull(gen: Generator, out: AnyOutArray, dtype: "float32" | "float64" | "int32" | "int64" | "bool"): void {
  switch (dtype) {
    case "int64":
      for (let i = 0; i < out.length; i++) (out as BigInt64Array)[i] = gen.random64() % (1n << 63n);
      return;
    case "float64":
      for (let i = 0; i < out.length; i++) (out as Float64Array)[i] = Number(gen.random64() % ((1n << 53n) + 1n));
      return;
    case "float32":
      for (let i = 0; i < out.length; i++) (out as Float32Array)[i] = gen.random() % (2 ** 24 + 1);
      return;
    case "int32":
      for (let i = 0; i < out.length; i++) (out as Int32Array)[i] = gen.random() % 2 ** 31;
      return;
    case "bool":
      for (let i = 0; i < out.length; i++) (out as Uint8Array)[i] = gen.random() & 1;
  }
}
