// A tiny WebAssembly binary emitter: just enough of the format (types, an imported memory,
// functions, exports) and of the instruction set (i32 arithmetic, structured control flow,
// scalar and SIMD128 loads/stores, f32x4 arithmetic) to write the SGEMM kernels in
// src/backends/wasm/sgemm.ts as code. The bytes are produced at run time and compiled with
// WebAssembly.Module/compile, so Node and browsers load the very same module and the
// project needs no external toolchain.

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

export function uleb(n: number, out: number[] = []): number[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`uleb: expected a non-negative integer, got ${n}`);
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

export function sleb(n: number, out: number[] = []): number[] {
  if (!Number.isInteger(n)) throw new RangeError(`sleb: expected an integer, got ${n}`);
  for (;;) {
    const byte = n & 0x7f;
    n = Math.floor(n / 128);
    const signBitSet = (byte & 0x40) !== 0;
    if ((n === 0 && !signBitSet) || (n === -1 && signBitSet)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A local variable index. */
export type Local = number & { readonly __local: unique symbol };

/** One function body under construction: typed locals plus a flat instruction stream. */
/** Bytes 8..15 of a vector moved to 0..7: its lanes 2 and 3 where promote_low reads. */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** Lanes 0, 1 of a and lanes 0, 1 of b. */
const JOIN_LOWS = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

export class FuncBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  private depth = 0;

  constructor(readonly name: string, readonly params: readonly ValType[], readonly results: readonly ValType[]) {}

  param(i: number): Local {
    if (i >= this.params.length) throw new RangeError(`${this.name}: no parameter ${i}`);
    return i as Local;
  }

  local(type: ValType): Local {
    this.localTypes.push(type);
    return (this.params.length + this.localTypes.length - 1) as Local;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private simd(opcode: number, ...rest: number[]): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    this.code.push(...rest);
    return this;
  }

  private memarg(alignLog2: number, offset: number): number[] {
    return [...uleb(alignLog2), ...uleb(offset)];
  }

  // --- locals and constants
  get(l: Local): this { return this.op(0x20, ...uleb(l)); }
  set(l: Local): this { return this.op(0x21, ...uleb(l)); }
  tee(l: Local): this { return this.op(0x22, ...uleb(l)); }
  i32(v: number): this { return this.op(0x41, ...sleb(v | 0)); }
  /** f32.const: v rounded to float32. */
  f32(v: number): this { return this.op(0x43, ...new Uint8Array(new Float32Array([v]).buffer)); }

  // --- i32 arithmetic and comparisons
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  divU(): this { return this.op(0x6e); }
  remU(): this { return this.op(0x70); }
  shl(): this { return this.op(0x74); }
  shrU(): this { return this.op(0x76); }
  ltS(): this { return this.op(0x48); }
  gtS(): this { return this.op(0x4a); }
  leS(): this { return this.op(0x4c); }
  geS(): this { return this.op(0x4e); }
  ltU(): this { return this.op(0x49); }
  geU(): this { return this.op(0x4f); }
  eq(): this { return this.op(0x46); }
  and(): this { return this.op(0x71); }
  or(): this { return this.op(0x72); }
  eqz(): this { return this.op(0x45); }
  select(): this { return this.op(0x1b); }
  drop(): this { return this.op(0x1a); }

  // --- control flow (blocks have no result type)
  block(): this { this.depth++; return this.op(0x02, 0x40); }
  loop(): this { this.depth++; return this.op(0x03, 0x40); }
  if(): this { this.depth++; return this.op(0x04, 0x40); }
  else(): this { return this.op(0x05); }
  end(): this { this.depth--; return this.op(0x0b); }
  br(label: number): this { return this.op(0x0c, ...uleb(label)); }
  brIf(label: number): this { return this.op(0x0d, ...uleb(label)); }
  call(funcIndex: number): this { return this.op(0x10, ...uleb(funcIndex)); }

  // --- memory
  i32Load(offset = 0): this { return this.op(0x28, ...this.memarg(2, offset)); }
  f32Load(offset = 0): this { return this.op(0x2a, ...this.memarg(2, offset)); }
  f32Store(offset = 0): this { return this.op(0x38, ...this.memarg(2, offset)); }
  i32Store(offset = 0): this { return this.op(0x36, ...this.memarg(2, offset)); }
  v128Load(offset = 0): this { return this.simd(0x00, ...this.memarg(0, offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, ...this.memarg(0, offset)); }
  /** Loads one f32 and splats it over all four lanes. */
  v128Load32Splat(offset = 0): this { return this.simd(0x09, ...this.memarg(2, offset)); }
  /** Loads one f64 and splats it over both lanes. */
  v128Load64Splat(offset = 0): this { return this.simd(0x0a, ...this.memarg(3, offset)); }

  // --- SIMD arithmetic
  v128Zero(): this { return this.simd(0x0c, ...new Array<number>(16).fill(0)); }
  f32Add(): this { return this.op(0x92); }
  f32Sub(): this { return this.op(0x93); }
  f32Mul(): this { return this.op(0x94); }
  f32Div(): this { return this.op(0x95); }
  f32Lt(): this { return this.op(0x5d); }
  f32Eq(): this { return this.op(0x5b); }
  f32ConvertI32S(): this { return this.op(0xb2); }
  i32ReinterpretF32(): this { return this.op(0xbc); }
  f32ReinterpretI32(): this { return this.op(0xbe); }
  /** v128.const of four i32 lanes. */
  v128ConstI32(lanes: readonly [number, number, number, number]): this { return this.simd(0x0c, ...new Uint8Array(new Int32Array(lanes).buffer)); }
  i32x4LtS(): this { return this.simd(0x39); }
  /** f32.max: NaN if either operand is NaN. */
  f32Max(): this { return this.op(0x97); }
  i32x4Splat(): this { return this.simd(0x11); }
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4ExtractLane(lane: number): this { return this.simd(0x1f, lane); }
  /** i8x16.shuffle(a, b): byte i of the result is byte lanes[i] of a:b (0-15 a, 16-31 b). */
  i8x16Shuffle(lanes: readonly number[]): this { return this.simd(0x0d, ...lanes); }
  f32x4Ne(): this { return this.simd(0x42); }
  f32x4Lt(): this { return this.simd(0x43); }
  f32x4Gt(): this { return this.simd(0x44); }
  f32x4Le(): this { return this.simd(0x45); }
  v128And(): this { return this.simd(0x4e); }
  v128Or(): this { return this.simd(0x50); }
  /** v128.bitselect(a, b, mask): a where mask bits are 1, b elsewhere. */
  v128Bitselect(): this { return this.simd(0x52); }
  /** v128.andnot: a & ~b. */
  v128AndNot(): this { return this.simd(0x4f); }
  v128Xor(): this { return this.simd(0x51); }
  f32x4Nearest(): this { return this.simd(0x6a); }
  f32x4Ceil(): this { return this.simd(0x67); }
  f32x4Floor(): this { return this.simd(0x68); }
  f32x4Trunc(): this { return this.simd(0x69); }
  i32x4Shl(): this { return this.simd(0xab); }
  i32x4Add(): this { return this.simd(0xae); }
  i32x4Eq(): this { return this.simd(0x37); }
  f32x4Abs(): this { return this.simd(0xe0); }
  f32x4Neg(): this { return this.simd(0xe1); }
  f32x4Sqrt(): this { return this.simd(0xe3); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Div(): this { return this.simd(0xe7); }
  /** f32x4.pmax: b < a ? a : b lane-wise (one maxps on x86; a NaN in b is kept, one in a is not). */
  f32x4Pmax(): this { return this.simd(0xeb); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Mul(): this { return this.simd(0xe6); }
  /** Relaxed SIMD fused multiply-add a * b + c (may or may not round once). */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }
  // f64x2: IEEE double arithmetic, two lanes (the same roundings as JavaScript's numbers)
  f64x2Sqrt(): this { return this.simd(0xef); }
  f64x2Add(): this { return this.simd(0xf0); }
  f64x2Sub(): this { return this.simd(0xf1); }
  f64x2Mul(): this { return this.simd(0xf2); }
  f64x2Div(): this { return this.simd(0xf3); }
  /** f64x2.promote_low_f32x4: lanes 0 and 1 widened exactly. */
  f64x2PromoteLowF32x4(): this { return this.simd(0x5f); }
  /** Pushes the float64x2 of lanes 2, 3 of the f32x4 in `x` (lanes 0, 1: get(x).f64x2PromoteLowF32x4()). */
  promoteHighOf(x: Local): this { return this.get(x).get(x).i8x16Shuffle(HIGH_HALF).f64x2PromoteLowF32x4(); }
  /** Joins two demoted f32x4 on the stack (lanes 0, 1 of each) into one: a0 a1 b0 b1. */
  joinDemoted(): this { return this.i8x16Shuffle(JOIN_LOWS); }
  /** f32x4.demote_f64x2_zero: both lanes rounded to nearest float32 (lanes 2, 3 zero), as a Float32Array store rounds. */
  f32x4DemoteF64x2Zero(): this { return this.simd(0x5e); }
  /** Both lanes the double v (a v128.const). */
  f64x2Const(v: number): this { return this.simd(0x0c, ...new Uint8Array(new Float64Array([v, v]).buffer)); }
  f64x2Abs(): this { return this.simd(0xec); }
  f64x2Neg(): this { return this.simd(0xed); }
  f64x2Lt(): this { return this.simd(0x49); }
  f64x2Le(): this { return this.simd(0x4b); }
  f64x2Eq(): this { return this.simd(0x47); }
  i64x2Neg(): this { return this.simd(0xc1); }
  /** f64x2.trunc: toward zero, as C's (int) of a double in range. */
  f64x2Trunc(): this { return this.simd(0x7a); }
  /** i32x4.trunc_sat_f64x2_s_zero: lanes 0, 1 as i32 (toward zero), lanes 2, 3 zero. */
  i32x4TruncSatF64x2SZero(): this { return this.simd(0xfc); }
  i64x2ExtendLowI32x4S(): this { return this.simd(0xc7); }
  i64x2Add(): this { return this.simd(0xce); }
  i64x2Shl(): this { return this.simd(0xcb); }

  /** `for (i = start; i < end; i += step) body()`, start/end pushed by the callbacks. */
  forLoop(i: Local, start: () => void, end: () => void, step: number, body: () => void): this {
    start();
    this.set(i);
    this.block().loop();
    this.get(i);
    end();
    this.geS().brIf(1);
    body();
    if (step !== 0) this.get(i).i32(step).add().set(i); // step 0: the body advances i itself
    this.br(0).end().end();
    return this;
  }

  /**
   * Copies a row of at least four floats from byte address s to d (locals, both clobbered, as
   * is e): its last four first, from `last` bytes in (a local), then four at a time up to
   * them, the last of those stores possibly overlapping. Every store stays inside [d, d + last
   * + 16), so rows may abut.
   */
  copyFloatRow(d: Local, s: Local, last: Local, e: Local): this {
    this.get(d).get(last).add().set(e);
    this.get(e).get(s).get(last).add().v128Load().v128Store();
    this.block().loop();
    this.get(d).get(e).geU().brIf(1);
    this.get(d).get(s).v128Load().v128Store();
    this.get(d).i32(16).add().set(d);
    this.get(s).i32(16).add().set(s);
    this.br(0).end().end();
    return this;
  }

  /** The function body as the code section wants it (size-prefixed, locals run-length encoded). */
  encode(): number[] {
    if (this.depth !== 0) throw new Error(`${this.name}: unbalanced blocks (depth ${this.depth})`);
    const groups: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body: number[] = [];
    uleb(groups.length, body);
    for (const [count, t] of groups) body.push(...uleb(count), t);
    body.push(...this.code, 0x0b);
    return [...uleb(body.length), ...body];
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

export interface MemoryImport {
  module: string;
  field: string;
  initialPages: number;
  maximumPages: number;
  shared: boolean;
}

/** A module: one imported memory, functions (all exported under their names). */
export class ModuleBuilder {
  private readonly funcs: FuncBuilder[] = [];

  constructor(private readonly memory: MemoryImport) {}

  /** Declares a function; its index (for `call`) is the declaration order. */
  func(name: string, params: ValType[], results: ValType[] = []): { f: FuncBuilder; index: number } {
    const f = new FuncBuilder(name, params, results);
    this.funcs.push(f);
    return { f, index: this.funcs.length - 1 };
  }

  encode(): Uint8Array {
    const types = this.funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
    const m = this.memory;
    const limits = m.shared ? [0x03, ...uleb(m.initialPages), ...uleb(m.maximumPages)] : [0x01, ...uleb(m.initialPages), ...uleb(m.maximumPages)];
    const imports = vec([[...name(m.module), ...name(m.field), 0x02, ...limits]]);
    const funcSec = vec(this.funcs.map((_, i) => uleb(i)));
    const exportSec = vec(this.funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
    const code = vec(this.funcs.map((f) => f.encode()));
    return new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, vec(types)),
      ...section(2, imports),
      ...section(3, funcSec),
      ...section(7, exportSec),
      ...section(10, code),
    ]);
  }
}
