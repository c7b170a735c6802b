// Convolution (groups = 1) on the wasm kernels: the image goes into the wasm memory once, its
// columns are built there by the im2col chunks (im2col.ts) as one [K, G*L] matrix for a group
// of G images (K = c*kh*kw, L = oh*ow; G such that the columns stay in cache, often the whole
// batch), and each of the three products is one GEMM per group:
//   forward      out[n, O, L]  = W[O, K] @ cols[K, n*L]           (copied out per (b, o) row)
//   input grad   dx[n, c, h, w] = col2im(W^T[K, O] @ g[O, n*L])   (W^T read through strides;
//                                                                  col2im chunks, in place)
//   weight grad  dW[O, K]      = (cols[K, n*L] @ g^T[n*L, O])^T
// A few GEMMs for the batch instead of n small ones, and no column matrix crosses the JS/wasm
// boundary. Each function returns false without touching `out` when it declines (not float32,
// too small to pay for the copies, no WebAssembly SIMD), and the caller runs the TypeScript
// path. Accumulation is in float32 (as BLAS); the weight gradient is summed over the batch in
// float32, group after group into the same C.
import type { NumArray } from "../../dtype.ts";
import type { Im2colGeometry } from "../backend.ts";
import { dataBase, memoryViews, runJob } from "./pool.ts";
import { Q } from "./im2col.ts";
import { jobThreads, minWork, roundUp, runGemm } from "./matmul.ts";
import { ensureBytes, getRuntime, type Runtime } from "./runtime.ts";
import { KIND, KIND_WORD, MR, NR } from "./sgemm.ts";
import { WASM_BINARY_OPS } from "./elementwise.ts";

const ADD = WASM_BINARY_OPS.indexOf("add");

/** Runs im2col or col2im over every (image, channel) plane: columns at `cols` with rows of `ld` floats. */
function runPlanes(rt: Runtime, threads: number, kind: number, src: number, dst: number, ld: number, g: Im2colGeometry): boolean {
  const { ctl } = memoryViews(rt);
  ctl[Q.SRC] = src; ctl[Q.DST] = dst; ctl[Q.LD] = ld;
  ctl[Q.C] = g.c; ctl[Q.H] = g.h; ctl[Q.W] = g.w; ctl[Q.KH] = g.kh; ctl[Q.KW] = g.kw;
  ctl[Q.SH] = g.sh; ctl[Q.SW] = g.sw; ctl[Q.PH] = g.ph; ctl[Q.PW] = g.pw; ctl[Q.DH] = g.dh; ctl[Q.DW] = g.dw;
  ctl[Q.OH] = g.oh; ctl[Q.OW] = g.ow;
  ctl[KIND_WORD] = kind;
  return runJob(rt, g.n * g.c, threads > 1);
}

/**
 * The runtime for a convolution product of `work` multiply-adds split into groups of `G` of
 * its n images, and the threads each group's jobs use (decided by a group's work: many small
 * jobs on two threads would spend more on waking the worker than they gain), or null to decline.
 */
function start(work: number, G: number, n: number, ...arrays: NumArray[]): { rt: Runtime; threads: number } | null {
  if (work === 0 || work < minWork || !arrays.every((a) => a instanceof Float32Array)) return null;
  const rt = getRuntime();
  return rt ? { rt, threads: jobThreads(rt, (work / n) * G) } : null;
}

/** Bump allocation of byte regions after the threads' scratch. */
function regions(base: number, ...sizes: number[]): number[] {
  const at: number[] = [];
  for (const s of sizes) {
    at.push(base);
    base += s * 4;
  }
  at.push(base);
  return at;
}

/** out[n, O, L] = W[O, K] @ im2col(x)[n, K, L] + bias[O] (x: contiguous image, w: contiguous [O, K]). */
export function wasmConvForward(x: NumArray, w: NumArray, bias: NumArray | null, g: Im2colGeometry, O: number, out: NumArray): boolean {
  const K = g.c * g.kh * g.kw, L = g.oh * g.ow, NL = g.n * L, image = g.n * g.c * g.h * g.w;
  // Images in groups whose columns (and C) stay in cache between im2col and the GEMM.
  const G = groupOf(K * L, g.n);
  const s = start(O * K * NL, G, g.n, x, w, out);
  if (!s) return false;
  const np = roundUp(G * L, NR), mp = roundUp(O, MR), planes = g.c * g.h * g.w;
  const [X, COLS, WM, C, BIAS, end] = regions(dataBase(s.threads), image, K * np, mp * K, mp * np, mp);
  if (!ensureBytes(s.rt, end!)) return false;
  const { mem } = memoryViews(s.rt);
  mem.set(x.subarray(0, image), X! / 4);
  mem.set(w.subarray(0, O * K), WM! / 4);
  if (bias) mem.set(bias.subarray(0, O), BIAS! / 4);
  for (let b0 = 0; b0 < g.n; b0 += G) {
    const n = Math.min(G, g.n - b0);
    if (!runPlanes(s.rt, s.threads, KIND.IM2COL, X! + b0 * planes * 4, COLS!, np, { ...g, n })) return false;
    const job = { A: WM!, B: COLS!, C: C!, aBatch: 0, bBatch: 0, cBatch: 0, batch: 1, m: O, k: K, n: n * L, lda: K * 4, aks: 4, ldb: np * 4, ldc: np * 4 };
    if (!runGemm(s.rt, s.threads, job)) return false;
    // bias[o] added to row o of C in place (the elementwise add, one float per row
    // broadcast along it), then the rows copied out into NCHW
    if (bias) s.rt.exports.binary(ADD, C!, np * 4, 0, BIAS!, 4, 1, C!, O, np * 4);
    for (let o = 0; o < O; o++) {
      const row = C! / 4 + o * np;
      for (let b = 0; b < n; b++) out.set(mem.subarray(row + b * L, row + (b + 1) * L), ((b0 + b) * O + o) * L);
    }
  }
  return true;
}

/** Images per group: columns of about GROUP_FLOATS floats (a few hundred KiB, within L2). */
const GROUP_FLOATS = 96 * 1024;
function groupOf(columnFloatsPerImage: number, n: number): number {
  return Math.max(1, Math.min(n, Math.floor(GROUP_FLOATS / columnFloatsPerImage)));
}

/** out[n, c, h, w] = col2im(W^T @ gy) for gy [n, O, L] and w [O, K], both contiguous. */
export function wasmConvInputGrad(gy: NumArray, w: NumArray, g: Im2colGeometry, O: number, out: NumArray): boolean {
  const K = g.c * g.kh * g.kw, L = g.oh * g.ow, NL = g.n * L, image = g.n * g.c * g.h * g.w;
  const G = groupOf(K * L, g.n);
  const s = start(O * K * NL, G, g.n, gy, w, out);
  if (!s) return false;
  const np = roundUp(G * L, NR), mk = roundUp(K, MR), planes = g.c * g.h * g.w;
  // W^T is W as stored, read by the kernel with row step 4 bytes and k step K * 4 (its padding
  // rows K..mk read past W's rows, into the next region: they only feed padding rows of C).
  const [WT, GY, DC, DX, end] = regions(dataBase(s.threads), O * K + mk, O * np, mk * np, image);
  if (!ensureBytes(s.rt, end!)) return false;
  const { mem } = memoryViews(s.rt);
  mem.set(w.subarray(0, O * K), WT! / 4);
  for (let b0 = 0; b0 < g.n; b0 += G) {
    const n = Math.min(G, g.n - b0);
    for (let o = 0; o < O; o++) {
      const row = GY! / 4 + o * np;
      for (let b = 0; b < n; b++) mem.set(gy.subarray(((b0 + b) * O + o) * L, ((b0 + b) * O + o + 1) * L), row + b * L);
    }
    const job = { A: WT!, B: GY!, C: DC!, aBatch: 0, bBatch: 0, cBatch: 0, batch: 1, m: K, k: O, n: n * L, lda: 4, aks: K * 4, ldb: np * 4, ldc: np * 4 };
    if (!runGemm(s.rt, s.threads, job)) return false;
    if (!runPlanes(s.rt, s.threads, KIND.COL2IM, DC!, DX! + b0 * planes * 4, np, { ...g, n })) return false;
  }
  out.set(mem.subarray(DX! / 4, DX! / 4 + image));
  return true;
}

/** out[O, K] = sum_b gy[b] @ im2col(x)[b]^T for x a contiguous image and gy [n, O, L] contiguous. */
export function wasmConvWeightGrad(x: NumArray, gy: NumArray, g: Im2colGeometry, O: number, out: NumArray): boolean {
  const K = g.c * g.kh * g.kw, L = g.oh * g.ow, NL = g.n * L, image = g.n * g.c * g.h * g.w;
  const G = groupOf(K * L, g.n);
  const s = start(O * K * NL, G, g.n, x, gy, out);
  if (!s) return false;
  const mk = roundUp(K, MR), no = roundUp(O, NR), ld = G * L, planes = g.c * g.h * g.w;
  const [X, GY, COLS, GT, C, end] = regions(dataBase(s.threads), image, g.n * O * L, mk * ld, ld * no, mk * no);
  if (!ensureBytes(s.rt, end!)) return false;
  const { mem } = memoryViews(s.rt);
  mem.set(x.subarray(0, image), X! / 4);
  mem.set(gy.subarray(0, g.n * O * L), GY! / 4);
  for (let b0 = 0; b0 < g.n; b0 += G) {
    const n = Math.min(G, g.n - b0);
    if (!runPlanes(s.rt, s.threads, KIND.IM2COL, X! + b0 * planes * 4, COLS!, ld, { ...g, n })) return false;
    // g^T [n*L, O] (rows of `no` floats): image b's [O, L] block transposed into rows b*L ..
    s.rt.exports.transpose(GY! + b0 * O * L * 4, GT!, n, O, L, no);
    const job = { A: COLS!, B: GT!, C: C!, aBatch: 0, bBatch: 0, cBatch: 0, batch: 1, m: K, k: n * L, n: O, lda: ld * 4, aks: 4, ldb: no * 4, ldc: no * 4, accumulate: b0 > 0 };
    if (!runGemm(s.rt, s.threads, job)) return false;
  }
  for (let k = 0, c = C! / 4; k < K; k++, c += no) for (let o = 0; o < O; o++) out[o * K + k] = mem[c + o]!;
  return true;
}

