// The fused Adam/AdamW update of float32 arrays (src/backends/cpu/optim.ts) as a wasm
// function, four floats at a time: PyTorch 1.13's _single_tensor_adam(w) ops in their order,
// each rounded to float32 as ATen's float kernels round, with the Python scalars rounded to
// float32 as ATen casts them. Three of those ops are multiply-adds that ATen's vectorized
// kernels fuse (add with alpha: vec::fmadd; addcmul, contracted by the compiler): here the
// product and the sum run in double and round once to float32, which is the fused result
// except when the double sum falls exactly on a float32 rounding midpoint. The TypeScript
// kernel does the same ops in the same precisions, so the results are its bits (each float32
// op is a double op rounded to float32: double has more than 2 * 24 + 2 bits), and on
// PyTorch's own float32 Adam steps they were PyTorch's bits (test/fixtures/adam_float32.json).
//
// adam(p, g, m, v, vmax, bytes, hp, flags): over bytes / 4 floats (a multiple of four) of the
// arrays at p, g, m, v (and vmax when amsgrad), in place. hp is the byte address of the
// hyper-parameters (HP, float32 each; SIGN an int32 xor-ed into g: the sign bit to maximize);
// flags: FLAG.COUPLED (g += weightDecay * p), FLAG.DECOUPLED (p *= 1 - lr * weightDecay),
// FLAG.AMSGRAD (vmax = max(vmax, v), which the denominator then uses).
import { I32, V128, type FuncBuilder, type Local } from "./emitter.ts";

/** Byte offsets of the hyper-parameters (float32 each) in the block at hp. */
export const HP = { BETA1: 0, A1: 4, BETA2: 8, A2: 12, KEEP: 16, WD: 20, NEG_STEP_SIZE: 24, BC2_SQRT: 28, EPS: 32, SIGN: 36 } as const;
export const HP_BYTES = 48;
export const FLAG = { COUPLED: 1, DECOUPLED: 2, AMSGRAD: 4 } as const;

export function emitAdam(f: FuncBuilder): void {
  const [p, g, m, v, vmax, bytes, hp, flags] = Array.from({ length: 8 }, (_, i) => f.param(i));
  const j = f.local(I32);
  const V = () => f.local(V128);
  const [P, G, M, Vs, A] = [V(), V(), V(), V(), V()];
  // the hyper-parameters, splat once
  const k = Object.fromEntries(Object.entries(HP).map(([name, off]) => {
    const l = V();
    f.get(hp).v128Load32Splat(off).set(l);
    return [name, l];
  })) as Record<keyof typeof HP, ReturnType<typeof V>>;

  const lo = (x: Local) => f.get(x).f64x2PromoteLowF32x4();
  const hi = (x: Local) => f.promoteHighOf(x);
  /** Pushes the f32x4 of a * b + c per lane: the exact product plus c in double, rounded once to float32. */
  const fma = (a: Local, b: Local, c: Local) => {
    for (const half of [lo, hi]) { half(a); half(b); f.f64x2Mul(); half(c); f.f64x2Add(); f.f32x4DemoteF64x2Zero(); }
    f.joinDemoted();
  };
  const loop = (coupled: boolean, decoupled: boolean, amsgrad: boolean) =>
    f.forLoop(j, () => f.i32(0), () => f.get(bytes), 16, () => {
      f.get(p).get(j).add().v128Load().set(P);
      f.get(g).get(j).add().v128Load().get(k.SIGN).v128Xor().set(G);
      // AdamW: p = p * keep.  Adam with weight decay: g = wd * p + g (fused)
      if (decoupled) f.get(P).get(k.KEEP).f32x4Mul().set(P);
      if (coupled) { fma(k.WD, P, G); f.set(G); }
      // m = a1 * g + m * beta1 (fused);  v = g * (a2 * g) + v * beta2 (fused)
      f.get(m).get(j).add().v128Load().get(k.BETA1).f32x4Mul().set(M);
      fma(k.A1, G, M); f.set(M);
      f.get(v).get(j).add().v128Load().get(k.BETA2).f32x4Mul().set(Vs);
      f.get(k.A2).get(G).f32x4Mul().set(A);
      fma(G, A, Vs); f.set(Vs);
      f.get(m).get(j).add().get(M).v128Store();
      f.get(v).get(j).add().get(Vs).v128Store();
      if (amsgrad) {
        // vmax = vmax !== vmax || vmax > v ? vmax : v; the denominator reads vmax
        f.get(vmax).get(j).add().v128Load().set(A);
        f.get(A).get(Vs).get(A).get(A).f32x4Ne().get(A).get(Vs).f32x4Gt().v128Or().v128Bitselect().set(Vs);
        f.get(vmax).get(j).add().get(Vs).v128Store();
      }
      // p = p + (-stepSize * m) / (sqrt(v) / bc2Sqrt + eps)
      f.get(p).get(j).add();
      f.get(P).get(k.NEG_STEP_SIZE).get(M).f32x4Mul();
      f.get(Vs).f32x4Sqrt().get(k.BC2_SQRT).f32x4Div().get(k.EPS).f32x4Add();
      f.f32x4Div().f32x4Add();
      f.v128Store();
    });

  const on = (bit: number) => f.get(flags).i32(bit).and();
  on(FLAG.AMSGRAD).if();
  branches(f, on, (c, d) => loop(c, d, true));
  f.else();
  branches(f, on, (c, d) => loop(c, d, false));
  f.end();
}

/** if COUPLED: body(true, false) else if DECOUPLED: body(false, true) else body(false, false). */
function branches(f: FuncBuilder, on: (bit: number) => void, body: (coupled: boolean, decoupled: boolean) => void): void {
  on(FLAG.COUPLED); f.if();
  body(true, false);
  f.else();
  on(FLAG.DECOUPLED); f.if();
  body(false, true);
  f.else();
  body(false, false);
  f.end();
  f.end();
}
