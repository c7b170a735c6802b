// Float32 elementwise ops as wasm functions, four lanes at a time, for the CPU backend's
// `binary` and `unary` kernels (run by elementwiseRows.ts on the calling thread). Only ops
// whose f32x4 instruction gives the very bits the TypeScript kernel stores are here: +, -, *,
// / and sqrt are correctly rounded in both (a float64 result rounded to float32 equals the
// float32 result for these), neg/abs are sign-bit operations, and the comparisons keep the
// TypeScript kernels' NaN and signed-zero rules; exp and sigmoid compute Math.exp's double
// in two f64x2 halves (expF64.ts: fdlibm's operations in fdlibm's order) and round it as the
// TypeScript kernel's store does. So the wasm path needs no tolerance.
//
// binary(op, a, aRow, aSplat, b, bRow, bSplat, o, rows, rowBytes): for each of `rows` rows,
// o[row] = op(A, B) over rowBytes / 4 floats (a multiple of four), where A is the row at
// a + row * aRow (aSplat = 0) or the float there broadcast along the row (aSplat = 1), and B
// likewise. Strides of 0 give a row or a scalar repeated over every row.
// unary(op, x, o, bytes): o = op(x) over bytes / 4 floats (a multiple of four).
// axpy(x, o, bytes, alphaAt): o += alpha * x over bytes / 4 floats, alpha the float64 at
// alphaAt: in doubles (the product, then the sum, each rounded as JavaScript's numbers
// round), rounded to float32 once, as the TypeScript kernel's `out[i] += alpha * x[i]`.
import { I32, V128, type FuncBuilder, type Local } from "./emitter.ts";
import { expRoutine, type Exp } from "./expF64.ts";
import { tanhRoutine, type Tanh } from "./tanhF64.ts";

type BinaryBody = (f: FuncBuilder, a: Local, b: Local, t: Local) => void;
/** The f64x2 exp and tanh routines (their constants loaded before the loop), for the ops built on them. */
type UnaryBody = (f: FuncBuilder, x: Local, fns: { exp: Exp; tanh: Tanh }) => void;

/** Each body pushes op(a, b) on the stack (t: a scratch v128 local). */
const binaryBodies = {
  add: (f, a, b) => { f.get(a).get(b).f32x4Add(); },
  sub: (f, a, b) => { f.get(a).get(b).f32x4Sub(); },
  mul: (f, a, b) => { f.get(a).get(b).f32x4Mul(); },
  div: (f, a, b) => { f.get(a).get(b).f32x4Div(); },
  // a !== a || a > b ? a : b (NaN propagates; a tie keeps b, as the TypeScript kernel)
  maximum: (f, a, b, t) => { f.get(a).get(a).f32x4Ne().get(a).get(b).f32x4Gt().v128Or().set(t); f.get(a).get(b).get(t).v128Bitselect(); },
  minimum: (f, a, b, t) => { f.get(a).get(a).f32x4Ne().get(a).get(b).f32x4Lt().v128Or().set(t); f.get(a).get(b).get(t).v128Bitselect(); },
  // b <= 0 ? 0 : a (a NaN in b keeps a)
  thresholdBackward: (f, a, b) => { f.get(a).get(b).v128Zero().f32x4Le().v128AndNot(); },
  // a * fround(1 - b * b): 1 - b * b in double (b * b exact), rounded to float32, then the float32 product
  tanhBackward: (f, a, b, t) => {
    f.f64x2Const(1).get(b).f64x2PromoteLowF32x4().get(b).f64x2PromoteLowF32x4().f64x2Mul().f64x2Sub().f32x4DemoteF64x2Zero();
    f.f64x2Const(1).promoteHighOf(b).promoteHighOf(b).f64x2Mul().f64x2Sub().f32x4DemoteF64x2Zero();
    f.joinDemoted().set(t);
    f.get(a).get(t).f32x4Mul();
  },
} satisfies Record<string, BinaryBody>;

const unaryBodies = {
  neg: (f, x) => { f.get(x).f32x4Neg(); },
  abs: (f, x) => { f.get(x).f32x4Abs(); },
  sqrt: (f, x) => { f.get(x).f32x4Sqrt(); },
  // x < 0 ? 0 : x (keeps -0 and NaN)
  relu: (f, x) => { f.get(x).get(x).v128Zero().f32x4Lt().v128AndNot(); },
  // a float32's floor, ceil, trunc and nearest-even are float32s: exact in both
  floor: (f, x) => { f.get(x).f32x4Floor(); },
  ceil: (f, x) => { f.get(x).f32x4Ceil(); },
  trunc: (f, x) => { f.get(x).f32x4Trunc(); },
  round: (f, x) => { f.get(x).f32x4Nearest(); },
  // 1 / Math.sqrt(x) in double, rounded to float32
  rsqrt: (f, x, { exp }) => { inDoubles(f, x, exp.x, () => { f.f64x2Const(1).get(exp.x).f64x2Sqrt().f64x2Div(); }); },
  // Math.exp(x) rounded to float32
  exp: (f, x, { exp }) => { inDoubles(f, x, exp.x, () => exp.emit()); },
  // 1 / (1 + Math.exp(-x)) in double, rounded to float32
  sigmoid: (f, x, { exp }) => { inDoubles(f, x, exp.x, () => { f.get(exp.x).f64x2Neg().set(exp.x); f.f64x2Const(1).f64x2Const(1); exp.emit(); f.f64x2Add().f64x2Div(); }); },
  // Math.tanh(x) rounded to float32
  tanh: (f, x, { tanh }) => { inDoubles(f, x, tanh.x, () => tanh.emit()); },
} satisfies Record<string, UnaryBody>;

/** Pushes the f32x4 of body() (which leaves an f64x2) run on each half of x widened to doubles (in d), rounded back. */
function inDoubles(f: FuncBuilder, x: Local, d: Local, body: () => void): void {
  f.get(x).f64x2PromoteLowF32x4().set(d);
  body();
  f.f32x4DemoteF64x2Zero();
  f.promoteHighOf(x).set(d);
  body();
  f.f32x4DemoteF64x2Zero();
  f.joinDemoted();
}

export type WasmBinaryOp = keyof typeof binaryBodies;
export type WasmUnaryOp = keyof typeof unaryBodies;
/** The op codes the exported functions take: an op's index in these lists. */
export const WASM_BINARY_OPS = Object.keys(binaryBodies) as WasmBinaryOp[];
export const WASM_UNARY_OPS = Object.keys(unaryBodies) as WasmUnaryOp[];

/** Emits `if (op == 0) case(0) else if (op == 1) case(1) ...` over n cases. */
function switchOn(f: FuncBuilder, op: Local, n: number, emitCase: (i: number) => void): void {
  for (let i = 0; i < n; i++) {
    f.get(op).i32(i).eq().if();
    emitCase(i);
    if (i < n - 1) f.else();
  }
  for (let i = 0; i < n; i++) f.end();
}

export function emitBinary(f: FuncBuilder): void {
  const [op, a, aRow, aSplat, b, bRow, bSplat, o, rows, rowBytes] = Array.from({ length: 10 }, (_, i) => f.param(i));
  const [row, j] = [f.local(I32), f.local(I32)];
  const [va, vb, t] = [f.local(V128), f.local(V128), f.local(V128)];
  switchOn(f, op, WASM_BINARY_OPS.length, (i) => {
    const body = binaryBodies[WASM_BINARY_OPS[i]!] as BinaryBody;
    /** The row loop: a and b's loads (vector or the splat already in va/vb), op, store. */
    const overRow = (loadA: boolean, loadB: boolean) => f.forLoop(j, () => f.i32(0), () => f.get(rowBytes), 16, () => {
      if (loadA) f.get(a).get(j).add().v128Load().set(va);
      if (loadB) f.get(b).get(j).add().v128Load().set(vb);
      f.get(o).get(j).add();
      body(f, va, vb, t);
      f.v128Store();
    });
    f.forLoop(row, () => f.i32(0), () => f.get(rows), 1, () => {
      f.get(aSplat).if();
      f.get(a).v128Load32Splat().set(va);
      overRow(false, true);
      f.else();
      f.get(bSplat).if();
      f.get(b).v128Load32Splat().set(vb);
      overRow(true, false);
      f.else();
      overRow(true, true);
      f.end();
      f.end();
      f.get(a).get(aRow).add().set(a);
      f.get(b).get(bRow).add().set(b);
      f.get(o).get(rowBytes).add().set(o);
    });
  });
}

export function emitUnary(f: FuncBuilder): void {
  const [op, x, o, bytes] = Array.from({ length: 4 }, (_, i) => f.param(i));
  const j = f.local(I32);
  const v = f.local(V128);
  const fns = { exp: expRoutine(f), tanh: tanhRoutine(f) };
  fns.exp.init();
  fns.tanh.init();
  switchOn(f, op, WASM_UNARY_OPS.length, (i) => {
    const body = unaryBodies[WASM_UNARY_OPS[i]!] as UnaryBody;
    f.forLoop(j, () => f.i32(0), () => f.get(bytes), 16, () => {
      f.get(x).get(j).add().v128Load().set(v);
      f.get(o).get(j).add();
      body(f, v, fns);
      f.v128Store();
    });
  });
}

export function emitAxpy(f: FuncBuilder): void {
  const [x, o, bytes, alphaAt] = Array.from({ length: 4 }, (_, i) => f.param(i));
  const j = f.local(I32);
  const [vx, vo, alpha] = [f.local(V128), f.local(V128), f.local(V128)];
  f.get(alphaAt).v128Load64Splat().set(alpha);
  f.forLoop(j, () => f.i32(0), () => f.get(bytes), 16, () => {
    f.get(x).get(j).add().v128Load().set(vx);
    f.get(o).get(j).add().v128Load().set(vo);
    f.get(o).get(j).add();
    f.get(vo).f64x2PromoteLowF32x4().get(vx).f64x2PromoteLowF32x4().get(alpha).f64x2Mul().f64x2Add().f32x4DemoteF64x2Zero();
    f.promoteHighOf(vo).promoteHighOf(vx).get(alpha).f64x2Mul().f64x2Add().f32x4DemoteF64x2Zero();
    f.joinDemoted().v128Store();
  });
}
