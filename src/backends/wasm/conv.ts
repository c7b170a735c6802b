// Convolution (groups = 1) on the wasm kernels: the image goes into the wasm memory once, and
// the batch is split into groups of G images (K = c*kh*kw, L = oh*ow; G such that a group's
// columns, a [K, G*L] matrix, stay in cache for its GEMM). On one thread, or when a column
// buffer per lane would pass PARALLEL_BYTES, the groups run in turn through one buffer, each
// group's im2col and GEMM jobs split over the threads; otherwise each product is one SEQ job
// (sgemm.ts) whose chunk is a lane (every 2*threads-th group, each group's im2col then GEMM,
// through the lane's own buffer) on one thread, lanes in parallel:
//   forward      out[n, O, L]  = [W | bias][O, K+1] @ [cols; 1][K+1, n*L]  (a GEMM per image into
//                                NCHW when L is whole panels, else per group, reordered by copyRows)
//   input grad   dx[n, c, h, w] = col2im(W^T[K, O] @ g[O, n*L])   (W^T read through strides;
//                                                                  col2im writes the group's planes)
//   weight grad  dW[O, K]      = (sum over images of cols_b[K, L] @ g_b^T[L, O])^T, one GEMM
//                                per image (g_b^T packed from g as stored), or for small
//                                planes per group (g regrouped as [O, G*L] rows), all adding
//                                into one product (per lane when parallel)
// No column matrix crosses the JS/wasm boundary. Each function returns false without touching
// `out` when it declines (not float32, too small to pay for the copies, no WebAssembly SIMD),
// and the caller runs the TypeScript path. Accumulation is in float32 (as BLAS); the weight
// gradient's groups accumulate into the GEMM's output, lanes summed in lane order.
import type { NumArray } from "../../dtype.ts";
import type { Im2colGeometry } from "../backend.ts";
import { coresFree, dataBase, memoryViews, runJob, startThreads } from "./pool.ts";
import { Q } from "./im2col.ts";
import { writeGemm, type GemmJob } from "./matmul.ts";
import { minConvWorkPerThread, minWork, roundUp } from "./thresholds.ts";
import { ensureBytes, getLocalRuntime, getRuntime, type Runtime } from "./runtime.ts";
import { KIND, KIND_WORD, MR, NR, SEQ } from "./sgemm.ts";

/** Words per sub-job control block (KIND_WORD is its last). */
const BLOCK_WORDS = 32;

/** Images per group: columns of about GROUP_FLOATS floats (a few hundred KiB, within L2). */
const GROUP_FLOATS = 96 * 1024;
function groupOf(columnFloatsPerImage: number, n: number): number {
  return Math.max(1, Math.min(n, Math.floor(GROUP_FLOATS / columnFloatsPerImage)));
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

/** Writes an im2col/col2im control block at word `at`: planes of g.n images from src to columns at dst (rows of ld floats). */
function writePlanes(words: Int32Array, at: number, kind: number, src: number, dst: number, ld: number, g: Im2colGeometry): number {
  words[at + Q.SRC] = src; words[at + Q.DST] = dst; words[at + Q.LD] = ld;
  words[at + Q.C] = g.c; words[at + Q.H] = g.h; words[at + Q.W] = g.w; words[at + Q.KH] = g.kh; words[at + Q.KW] = g.kw;
  words[at + Q.SH] = g.sh; words[at + Q.SW] = g.sw; words[at + Q.PH] = g.ph; words[at + Q.PW] = g.pw; words[at + Q.DH] = g.dh; words[at + Q.DW] = g.dw;
  words[at + Q.OH] = g.oh; words[at + Q.OW] = g.ow;
  words[at + KIND_WORD] = kind;
  return g.n * g.c;
}

/** A convolution product's plan: the runtime, its threads, and its groups of images. */
interface Plan {
  rt: Runtime;
  threads: number;
  /** Images per group, and the groups' first images. */
  G: number;
  starts: number[];
}

function plan(work: number, columnFloatsPerImage: number, n: number, ...arrays: NumArray[]): Plan | null {
  if (work === 0 || work < minWork || !arrays.every((a) => a instanceof Float32Array)) return null;
  const rt = getRuntime();
  if (!rt) return null;
  const G = groupOf(columnFloatsPerImage, n);
  const starts: number[] = [];
  for (let b0 = 0; b0 < n; b0 += G) starts.push(b0);
  const threads = Math.max(1, starts.length > 1 && work >= 2 * minConvWorkPerThread && coresFree() ? Math.min(startThreads(rt), Math.floor(work / minConvWorkPerThread)) : 1);
  // one thread: the unshared runtime (plain memcpy in and out, runtime.ts)
  return { rt: threads > 1 ? rt : getLocalRuntime()!, threads, G, starts };
}

/** Writes one sub-job's control block at word `at`, its chunks sized for `threads`; returns its chunk count. */
type Step = (at: number, threads: number) => number;

/** Output planes (floats) from which the weight gradient runs a GEMM per image (measured: below 64, k = L was too short for one). */
const PER_IMAGE_PLANE = 64;

/** Above this many bytes of per-lane buffers the groups share one buffer and run in turn. */
const PARALLEL_BYTES = 64 * 2 ** 20;

/** Lanes of a parallel product: chunks that each run every lanes-th group through a buffer of their own. */
const lanesOf = (p: Plan) => Math.min(p.starts.length, 2 * p.threads);

/**
 * How many copies of a per-group buffer of `floats` floats the product needs: one per lane
 * when the groups run in parallel (more than one thread, more than one group, and those
 * copies within PARALLEL_BYTES), else one, shared by the groups in turn.
 */
function slots(p: Plan, floats: number): number {
  const lanes = lanesOf(p);
  return p.threads > 1 && p.starts.length > 1 && lanes * floats * 4 <= PARALLEL_BYTES ? lanes : 1;
}

/**
 * Runs every group's steps (steps(i, slot): group i's sub-jobs in order, at most `perGroup`,
 * writing into buffer copy `slot`). With one slot per lane, one SEQ job whose chunk l (a lane) runs groups l,
 * l + lanes, ... through buffer copy l on one thread, lanes in parallel: each buffer is reused
 * by one thread (a buffer per group, as before, measured the same speed with up to 8x the
 * memory). Otherwise group after group, each sub-job a job of its own split over the threads.
 * False if a chunk failed.
 */
function runGroups(p: Plan, nslots: number, perGroup: number, blocks: number, desc: number, steps: (i: number, slot: number) => Step[]): boolean {
  const { ctl } = memoryViews(p.rt);
  const groups = p.starts.length;
  if (nslots === 1) {
    for (let i = 0; i < groups; i++) {
      for (const step of steps(i, 0)) {
        const count = step(0, p.threads);
        if (count === 0 || !runJob(p.rt, count, p.threads > 1)) return false;
      }
    }
    return true;
  }
  const { words } = memoryViews(p.rt);
  const lanes = nslots, perLane = Math.ceil(groups / lanes), stepsPerChunk = perLane * perGroup;
  for (let lane = 0; lane < lanes; lane++) {
    for (let j = 0; j < perLane; j++) {
      const i = lane + j * lanes;
      const at = desc / 4 + (lane * stepsPerChunk + j * perGroup) * 2;
      // a lane with one group fewer, or a group with fewer steps: steps of no chunks
      for (let k = 0; k < perGroup; k++) { words[at + 2 * k] = blocks; words[at + 2 * k + 1] = 0; }
      if (i >= groups) continue;
      steps(i, lane).forEach((step, k) => {
        const block = blocks + (i * perGroup + k) * BLOCK_WORDS * 4;
        words[at + 2 * k] = block;
        words[at + 2 * k + 1] = step(block / 4, 1);
      });
    }
  }
  ctl[SEQ.DESC] = desc;
  ctl[SEQ.STEPS] = stepsPerChunk;
  ctl[KIND_WORD] = KIND.SEQ;
  return runJob(p.rt, lanes, true);
}

/** Sizes of a SEQ job's control blocks and descriptors (lanes padded to whole groups) for `perGroup` sub-jobs a group, in floats (for regions()). */
const blockFloats = (groups: number, perGroup: number) => groups * perGroup * BLOCK_WORDS;
const descFloats = (groups: number, perGroup: number) => 2 * groups * perGroup * 2;

/** out[n, O, L] = W[O, K] @ im2col(x)[n, K, L] + bias[O] (x: contiguous image, w: contiguous [O, K]). */
export function wasmConvForward(x: NumArray, w: NumArray, bias: NumArray | null, g: Im2colGeometry, O: number, out: NumArray): boolean {
  const K = g.c * g.kh * g.kw, L = g.oh * g.ow, image = g.n * g.c * g.h * g.w;
  const p = plan(O * K * g.n * L, K * L, g.n, x, w, out);
  if (!p) return false;
  // The bias is one more k: W's rows [w_o | bias_o] against columns whose row K is all ones,
  // so the GEMM adds bias_o last into each float32 sum, the bits an add after it gave.
  const K1 = bias ? K + 1 : K;
  // Where an image's plane is whole panels (L a multiple of NR), each image's GEMM writes its
  // [O, L] block of the NCHW result itself; otherwise a GEMM per group writes C [O, G*L],
  // reordered into NCHW after.
  const direct = L % NR === 0;
  const groups = p.starts.length, np = roundUp(p.G * L, NR), mp = roundUp(O, MR), planes = g.c * g.h * g.w;
  const n1 = slots(p, K1 * np), perGroup = direct ? 1 + p.G : 2;
  const [X, WM, COLS, C, OUT, BLOCKS, DESC, end] = regions(dataBase(p.rt, p.threads), image, mp * K1, n1 * K1 * np, direct ? 0 : groups * mp * np, g.n * O * L, blockFloats(groups, perGroup), descFloats(groups, perGroup));
  if (!ensureBytes(p.rt, end!)) return false;
  const { mem, words } = memoryViews(p.rt);
  mem.set(x.subarray(0, image), X! / 4);
  if (bias) {
    for (let o = 0; o < O; o++) {
      mem.set(w.subarray(o * K, o * K + K), WM! / 4 + o * K1);
      mem[WM! / 4 + o * K1 + K] = bias[o]!;
    }
    // row K of every column buffer (im2col writes rows 0 .. K - 1 only)
    for (let slot = 0; slot < n1; slot++) mem.fill(1, COLS! / 4 + (slot * K1 + K) * np, COLS! / 4 + (slot * K1 + K + 1) * np);
  } else mem.set(w.subarray(0, O * K), WM! / 4);
  const ok = runGroups(p, n1, perGroup, BLOCKS!, DESC!, (i, slot) => {
    const b0 = p.starts[i]!, n = Math.min(p.G, g.n - b0);
    const cols = COLS! + slot * K1 * np * 4;
    const gemm = (B: number, Cat: number, columns: number, ldc: number): Step => {
      const job: GemmJob = { A: WM!, B, C: Cat, aBatch: 0, bBatch: 0, cBatch: 0, batch: 1, m: O, k: K1, n: columns, lda: K1 * 4, aks: 4, ldb: np * 4, ldc };
      return (at, threads) => writeGemm(words, at, threads, job);
    };
    const steps: Step[] = [(at) => writePlanes(words, at, KIND.IM2COL, X! + b0 * planes * 4, cols, np, { ...g, n })];
    if (direct) for (let j = 0; j < n; j++) steps.push(gemm(cols + j * L * 4, OUT! + (b0 + j) * O * L * 4, L, L * 4));
    else steps.push(gemm(cols, C! + i * mp * np * 4, n * L, np * 4));
    return steps;
  });
  if (!ok) return false;
  // C [O, G*L] of every group reordered into NCHW [n, O, L]
  if (!direct) {
    p.starts.forEach((b0, i) => {
      const n = Math.min(p.G, g.n - b0);
      p.rt.exports.copyRows(C! + i * mp * np * 4, OUT! + b0 * O * L * 4, O, n, L, np * 4, L * 4, L * 4, O * L * 4);
    });
  }
  out.set(mem.subarray(OUT! / 4, OUT! / 4 + g.n * O * L));
  return true;
}

/** out[n, c, h, w] = col2im(W^T @ gy) for gy [n, O, L] and w [O, K], both contiguous. */
export function wasmConvInputGrad(gy: NumArray, w: NumArray, g: Im2colGeometry, O: number, out: NumArray): boolean {
  const K = g.c * g.kh * g.kw, L = g.oh * g.ow, image = g.n * g.c * g.h * g.w;
  const p = plan(O * K * g.n * L, K * L, g.n, gy, w, out);
  if (!p) return false;
  const groups = p.starts.length, np = roundUp(p.G * L, NR), mk = roundUp(K, MR), planes = g.c * g.h * g.w;
  // W^T is W as stored, read by the kernel with row step 4 bytes and k step K * 4 (its padding
  // rows K..mk read past W's rows, into the next region: they only feed padding rows of C).
  const n1 = slots(p, mk * np);
  const [WT, GYIN, GY, DC, DX, BLOCKS, DESC, end] = regions(dataBase(p.rt, p.threads), O * K + mk, g.n * O * L, groups * O * np, n1 * mk * np, image, blockFloats(groups, 2), descFloats(groups, 2));
  if (!ensureBytes(p.rt, end!)) return false;
  const { mem, words } = memoryViews(p.rt);
  mem.set(w.subarray(0, O * K), WT! / 4);
  mem.set(gy.subarray(0, g.n * O * L), GYIN! / 4);
  // each group's g as [O, G*L]: row o holds its images' planes o side by side
  p.starts.forEach((b0, i) => {
    const n = Math.min(p.G, g.n - b0);
    p.rt.exports.copyRows(GYIN! + b0 * O * L * 4, GY! + i * O * np * 4, O, n, L, L * 4, O * L * 4, np * 4, L * 4);
  });
  const ok = runGroups(p, n1, 2, BLOCKS!, DESC!, (i, slot) => {
    const b0 = p.starts[i]!, n = Math.min(p.G, g.n - b0);
    const dc = DC! + slot * mk * np * 4;
    const job: GemmJob = { A: WT!, B: GY! + i * O * np * 4, C: dc, aBatch: 0, bBatch: 0, cBatch: 0, batch: 1, m: K, k: O, n: n * L, lda: 4, aks: K * 4, ldb: np * 4, ldc: np * 4 };
    return [
      (at, threads) => writeGemm(words, at, threads, job),
      (at) => writePlanes(words, at, KIND.COL2IM, dc, DX! + b0 * planes * 4, np, { ...g, n }),
    ];
  });
  if (!ok) return false;
  out.set(mem.subarray(DX! / 4, DX! / 4 + image));
  return true;
}

/** out[O, K] = sum_b gy[b] @ im2col(x)[b]^T for x a contiguous image and gy [n, O, L] contiguous. */
export function wasmConvWeightGrad(x: NumArray, gy: NumArray, g: Im2colGeometry, O: number, out: NumArray): boolean {
  const K = g.c * g.kh * g.kw, L = g.oh * g.ow, image = g.n * g.c * g.h * g.w;
  const p = plan(O * K * g.n * L, K * L, g.n, x, gy, out);
  if (!p) return false;
  const groups = p.starts.length, mk = roundUp(K, MR), no = roundUp(O, NR), ld = p.G * L, planes = g.c * g.h * g.w;
  // g^T as a transposed B (the packing does the transpose, in each lane): with planes of
  // PER_IMAGE_PLANE floats or more, each image's GEMM reads its own [O, L] block of g as
  // copied in; smaller planes would make GEMMs too short (k = L), so each group's g is first
  // laid out as [O, G*L] rows (one serial copyRows) for one GEMM over the group
  const perImage = L >= PER_IMAGE_PLANE;
  const n1 = slots(p, mk * ld), perGroup = perImage ? 1 + p.G : 2;
  // NR rows of slack after g: a last panel reads up to NR - 1 rows past its block (they feed
  // padding columns of the product only)
  const gFloats = perImage ? g.n * O * L : g.n * O * L + groups * O * ld;
  const [X, GY, COLS, C, BLOCKS, DESC, end] = regions(dataBase(p.rt, p.threads), image, gFloats + NR * ld, n1 * mk * ld, n1 * mk * no, blockFloats(groups, perGroup), descFloats(groups, perGroup));
  if (!ensureBytes(p.rt, end!)) return false;
  const { mem, words } = memoryViews(p.rt);
  mem.set(x.subarray(0, image), X! / 4);
  mem.set(gy.subarray(0, g.n * O * L), GY! / 4);
  const GR = GY! + g.n * O * L * 4;
  if (!perImage) {
    p.starts.forEach((b0, i) => {
      const n = Math.min(p.G, g.n - b0);
      p.rt.exports.copyRows(GY! + b0 * O * L * 4, GR + i * O * ld * 4, O, n, L, L * 4, O * L * 4, ld * 4, L * 4);
    });
  }
  const ok = runGroups(p, n1, perGroup, BLOCKS!, DESC!, (i, slot) => {
    const b0 = p.starts[i]!, n = Math.min(p.G, g.n - b0);
    const cols = COLS! + slot * mk * ld * 4;
    // every product adds into the slot's [K, O] product (the slot's first one writes it): one
    // long k-sum over the slot's images in order, as a single GEMM over them would make
    const gemm = (A: number, B: number, k: number, bjs: number, first: boolean): Step => {
      const job: GemmJob = { A, B, C: C! + slot * mk * no * 4, aBatch: 0, bBatch: 0, cBatch: 0, batch: 1, m: K, k, n: O, lda: ld * 4, aks: 4, ldb: 4, bjs, ldc: no * 4, accumulate: !first };
      return (at, threads) => writeGemm(words, at, threads, job);
    };
    const steps: Step[] = [(at) => writePlanes(words, at, KIND.IM2COL, X! + b0 * planes * 4, cols, ld, { ...g, n })];
    if (perImage) for (let j = 0; j < n; j++) steps.push(gemm(cols + j * L * 4, GY! + (b0 + j) * O * L * 4, L, L * 4, i < n1 && j === 0));
    else steps.push(gemm(cols, GR + i * O * ld * 4, n * L, ld * 4, i < n1));
    return steps;
  });
  if (!ok) return false;
  // the slots' products (one, or one per lane) summed in slot order, transposed into [O, K]
  const c0 = C! / 4;
  for (let k = 0; k < K; k++) {
    for (let o = 0; o < O; o++) {
      let s = mem[c0 + k * no + o]!;
      for (let i = 1; i < n1; i++) s = Math.fround(s + mem[c0 + (i * mk + k) * no + o]!);
      out[o * K + k] = s;
    }
  }
  return true;
}
