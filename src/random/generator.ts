// torch.Generator for the CPU: PyTorch's CPUGeneratorImpl (ATen/CPUGeneratorImpl.cpp).
//
// State = the mt19937 engine + the two cached Box-Muller samples
// (`next_float_normal_sample_`, `next_double_normal_sample_`). manualSeed resets both caches,
// exactly as CPUGeneratorImpl::set_current_seed does; nothing else touches them except the
// scalar normal path (see sampling.ts), so a cached sample survives across calls.
import { RuntimeError } from "../errors.ts";
import { MT19937, MT_N } from "./mt19937.ts";

/** c10::detail::default_rng_seed_val: the seed of a fresh `new Generator()`. */
export const DEFAULT_RNG_SEED = 67280421310721n;

const TWO_POW_32 = 4294967296;

/**
 * Converts a seed as THPGenerator_manualSeed does: an unsigned 64-bit value, or a negative
 * signed 64-bit value reinterpreted as unsigned (two's complement). Anything else is an error.
 */
export function normalizeSeed(seed: number | bigint): bigint {
  let s: bigint;
  if (typeof seed === "bigint") {
    s = seed;
  } else if (typeof seed === "number" && Number.isInteger(seed)) {
    s = BigInt(seed);
  } else {
    const kind = typeof seed === "number" ? "float" : typeof seed;
    throw new RuntimeError(`manual_seed expected a long, but got ${kind}`);
  }
  if (s < -(1n << 63n) || s >= 1n << 64n) throw new RuntimeError("Overflow when unpacking long");
  return BigInt.asUintN(64, s);
}

/** A 64-bit seed from the platform's entropy source (PyTorch: /dev/urandom). */
function nonDeterministicSeed(): bigint {
  const words = new Uint32Array(2);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues) {
    c.getRandomValues(words);
  } else {
    words[0] = Math.floor(Math.random() * TWO_POW_32);
    words[1] = Math.floor(Math.random() * TWO_POW_32);
  }
  return (BigInt(words[0]!) << 32n) | BigInt(words[1]!);
}

// getState layout (ours, not PyTorch's): 624 state words, left, next (u32 each), seed (u64),
// then for each cache (float, double): a validity byte padded to 8 and a float64 value.
const STATE_BYTES = MT_N * 4 + 4 + 4 + 8 + 2 * 16;

export class Generator {
  readonly device = "cpu";
  /** @internal */ readonly engine = new MT19937(DEFAULT_RNG_SEED);
  /** @internal cached second Box-Muller sample of normal_distribution<double>. */
  nextDoubleNormalSample: number | undefined = undefined;
  /** @internal cached second Box-Muller sample of normal_distribution<float>. */
  nextFloatNormalSample: number | undefined = undefined;

  /** Seeds the generator (PyTorch: Generator.manual_seed). Negative seeds wrap as int64. */
  manualSeed(seed: number | bigint): this {
    this.setCurrentSeed(normalizeSeed(seed));
    return this;
  }

  /** Seeds from a non-deterministic source and returns that seed (PyTorch: Generator.seed). */
  seed(): bigint {
    const s = nonDeterministicSeed();
    this.setCurrentSeed(s);
    return s;
  }

  /** The seed last set (PyTorch: Generator.initial_seed), as an unsigned 64-bit bigint. */
  initialSeed(): bigint {
    return this.engine.seed;
  }

  /** Serialises the whole state; setState(getState()) restores the exact stream. */
  getState(): Uint8Array {
    const bytes = new Uint8Array(STATE_BYTES);
    const view = new DataView(bytes.buffer);
    let o = 0;
    for (let i = 0; i < MT_N; i++, o += 4) view.setUint32(o, this.engine.state[i]!, true);
    view.setUint32(o, this.engine.left, true);
    view.setUint32(o + 4, this.engine.next, true);
    view.setBigUint64(o + 8, this.engine.seed, true);
    o += 16;
    for (const v of [this.nextFloatNormalSample, this.nextDoubleNormalSample]) {
      bytes[o] = v === undefined ? 0 : 1;
      view.setFloat64(o + 8, v ?? 0, true);
      o += 16;
    }
    return bytes;
  }

  setState(state: Uint8Array): this {
    if (!(state instanceof Uint8Array) || state.length !== STATE_BYTES) {
      const size = state instanceof Uint8Array ? state.length : String(state);
      throw new RuntimeError(
        `Expected a Generator state of size ${STATE_BYTES} but found the input RNG state size to be ${size}`,
      );
    }
    const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
    let o = 0;
    for (let i = 0; i < MT_N; i++, o += 4) this.engine.state[i] = view.getUint32(o, true);
    const left = view.getUint32(o, true);
    const next = view.getUint32(o + 4, true);
    // mt19937 keeps left + next == 625 between draws, except right after seeding (1, 0).
    const fresh = left === 1 && next === 0;
    if (!fresh && !(left >= 1 && left <= MT_N && left + next === MT_N + 1)) {
      throw new RuntimeError(`Invalid mt19937 state: left=${left}, next=${next}`);
    }
    this.engine.left = left;
    this.engine.next = next;
    this.engine.seed = view.getBigUint64(o + 8, true);
    o += 16;
    const caches: (number | undefined)[] = [];
    for (let k = 0; k < 2; k++, o += 16) caches.push(state[o] ? view.getFloat64(o + 8, true) : undefined);
    this.nextFloatNormalSample = caches[0];
    this.nextDoubleNormalSample = caches[1];
    return this;
  }

  /** CPUGeneratorImpl::set_current_seed. */
  private setCurrentSeed(seed: bigint): void {
    this.nextFloatNormalSample = undefined;
    this.nextDoubleNormalSample = undefined;
    this.engine.initWithUint32(seed);
  }

  // ---- internal draws (CPUGeneratorImpl::random / random64 and the uniform transforms) ----

  /** @internal CPUGeneratorImpl::random(): one 32-bit draw. */
  random(): number {
    return this.engine.nextUint32();
  }

  /** @internal CPUGeneratorImpl::random64() as a bigint: the FIRST 32-bit draw is the high word. */
  random64(): bigint {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * @internal uniform_real_distribution<float>(0,1): the low 24 bits of random() times 2^-24.
   * Exact in float32 (the result is a float32 value).
   */
  uniformFloat(): number {
    return (this.engine.nextUint32() & 0xffffff) * 5.9604644775390625e-8;
  }

  /**
   * @internal uniform_real_distribution<double>(0,1): the low 53 bits of random64() times
   * 2^-53. The low 53 bits are (hi & 0x1fffff) * 2^32 + lo, exact in a double.
   */
  uniformDouble(): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return ((hi & 0x1fffff) * TWO_POW_32 + lo) * 1.1102230246251565e-16;
  }
}

/** The default CPU generator. PyTorch seeds it non-deterministically at start-up. */
export const defaultGenerator: Generator = new Generator();
defaultGenerator.seed();

/** torch.manual_seed: seeds the default generator and returns it. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** torch.seed: seeds the default generator non-deterministically and returns the seed. */
export function seed(): bigint {
  return defaultGenerator.seed();
}

/** torch.initial_seed. */
export function initialSeed(): bigint {
  return defaultGenerator.initialSeed();
}

/** torch.get_rng_state / torch.set_rng_state for the default generator. */
export function getRngState(): Uint8Array {
  return defaultGenerator.getState();
}
export function setRngState(state: Uint8Array): void {
  defaultGenerator.setState(state);
}
