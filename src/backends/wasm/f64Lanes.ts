// What the f64x2 ports of fdlibm (expF64.ts, tanhF64.ts) share: fdlibm's constants of the
// ln 2 argument reduction and its thresholds on |x|, and a pool of v128 constants loaded once
// before a loop (a v128.const inside the loop body costs several instructions per use).
import { V128, type FuncBuilder, type Local } from "./emitter.ts";

export const LN2_HI = 6.93147180369123816490e-01;
export const LN2_LO = 1.90821492927058770002e-10;
export const INV_LN2 = 1.44269504088896338700e+00;
/** The double whose high word is `hi` and low word 0: fdlibm's tests on |x|'s high word as a comparison of |x|. */
const fromHigh = (hi: number) => new Float64Array(new Uint32Array([0, hi]).buffer)[0]!;
/** |x| > 0.5 ln2 is fdlibm's hx > 0x3fd62e42, that is |x| >= this. */
export const HALF_LN2_UP = fromHigh(0x3fd62e43);
/** |x| < 1.5 ln2 is fdlibm's hx < 0x3ff0a2b2. */
export const THREE_HALVES_LN2 = fromHigh(0x3ff0a2b2);
export const TWO_M28 = 2 ** -28;

export interface ConstantPool {
  /** Pushes the f64x2 of c in both lanes (-0, the sign bit alone, is its own constant). */
  K(c: number): void;
  /** The i64x2 lanes 1023, 1023 (the exponent bias for 2^k from k). */
  bias: Local;
  /** Emits the loads of every constant; call once, before the loop that uses them. */
  init(): void;
  /** Pushes a where mask, else b (v128.bitselect). */
  choose(a: () => void, b: () => void, mask: Local): void;
}

export function constantPool(f: FuncBuilder, values: readonly number[]): ConstantPool {
  const key = (c: number) => (Object.is(c, -0) ? "-0" : String(c));
  const consts = new Map(values.map((c) => [key(c), { c, local: f.local(V128) }]));
  const bias = f.local(V128);
  return {
    K: (c) => { f.get(consts.get(key(c))!.local); },
    bias,
    init: () => {
      for (const { c, local } of consts.values()) f.f64x2Const(c).set(local);
      f.v128ConstI32([1023, 0, 1023, 0]).set(bias);
    },
    choose: (a, b, mask) => { a(); b(); f.get(mask).v128Bitselect(); },
  };
}
