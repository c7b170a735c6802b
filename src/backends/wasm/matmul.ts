// wasmMatmul: the float32 matmul of the CPU backend on the WebAssembly SIMD kernels.
// Operands are copied (memcpy where rows are contiguous, gathered otherwise) into the wasm
// memory laid out as sgemm.ts describes, the job is split into chunks over the threads of
// pool.ts, and C is copied out. It declines (returns false, so the TypeScript kernel runs)
// for other dtypes, for products too small to pay for the copies, and where WebAssembly SIMD
// is unavailable. Accumulation is in float32 (as BLAS sgemm), not float64 as the TS kernel.
import type { NumArray } from "../../dtype.ts";
import type { StridedView } from "../backend.ts";
import { MAX_CHUNKS, SCRATCH_BYTES, coresFree, dataBase, memoryViews, runJob, startThreads } from "./pool.ts";
import { ensureBytes, getLocalRuntime, getRuntime, type Runtime } from "./runtime.ts";
import { KIND, KIND_WORD, MR, NR, P } from "./sgemm.ts";
import { minMatrixWork, minWork, minWorkPerThread, roundUp } from "./thresholds.ts";

/** Depth of a packed B block (k blocking). */
const KC = 128;
/** Rows per A block reused across the packed B panels. */
const MC = 64;
/** Widest column block (panels of NR); KC * NC * 4 must fit the per-thread scratch. */
const NC_MAX = SCRATCH_BYTES / (KC * 4);

/** Block edge of the tiled transposing copy (32 x 32 floats: 4 KiB read and written per block). */
const TILE = 32;


/** dst[i*dstStride + j] = src[off + i*rs + j*cs] for a [rows, cols] block. */
function copyIn(src: Float32Array, off: number, rs: number, cs: number, rows: number, cols: number, dst: Float32Array, dstOff: number, dstStride: number): void {
  if (cs === 1 && (rs === cols || rows === 1) && dstStride === cols) {
    dst.set(src.subarray(off, off + rows * cols), dstOff);
  } else if (cs === 1 && cols >= 64) {
    for (let i = 0; i < rows; i++) dst.set(src.subarray(off + i * rs, off + i * rs + cols), dstOff + i * dstStride);
  } else if (Math.abs(rs) < Math.abs(cs)) {
    // Column-major-ish source (a transposed operand, every backward pass): a transpose in
    // TILE x TILE blocks, so both the strided reads and the strided writes stay within TILE
    // cache lines instead of touching a new line (and page) per element.
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(rows, i0 + TILE);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(cols, j0 + TILE);
        for (let j = j0; j < j1; j++) {
          let p = off + i0 * rs + j * cs;
          let q = dstOff + i0 * dstStride + j;
          for (let i = i0; i < i1; i++, p += rs, q += dstStride) dst[q] = src[p]!;
        }
      }
    }
  } else {
    for (let i = 0; i < rows; i++) {
      let p = off + i * rs;
      const q = dstOff + i * dstStride;
      for (let j = 0; j < cols; j++, p += cs) dst[q + j] = src[p]!;
    }
  }
}

/** out[off + i*cols + j] = src[srcOff + i*srcStride + j]. */
function copyOut(src: Float32Array, srcOff: number, srcStride: number, rows: number, cols: number, out: Float32Array, off: number): void {
  if (srcStride === cols) {
    out.set(src.subarray(srcOff, srcOff + rows * cols), off);
  } else if (cols >= 64) {
    for (let i = 0; i < rows; i++) out.set(src.subarray(srcOff + i * srcStride, srcOff + i * srcStride + cols), off + i * cols);
  } else {
    for (let i = 0; i < rows; i++) {
      const p = srcOff + i * srcStride;
      const q = off + i * cols;
      for (let j = 0; j < cols; j++) out[q + j] = src[p + j]!;
    }
  }
}

/** A GEMM whose operands are already in the wasm memory (byte addresses and byte strides). */
export interface GemmJob {
  /**
   * A [batch][mp][k] with element (i, p) at i*lda + p*aks, B [batch][k][>= np] and C
   * [batch][mp][>= np] row-major (mp, np: m, n rounded up to MR, NR).
   */
  A: number; B: number; C: number;
  /** Bytes between consecutive batches (0: one matrix shared by every batch). */
  aBatch: number; bBatch: number; cBatch: number;
  batch: number; m: number; k: number; n: number;
  lda: number; aks: number; ldb: number; ldc: number;
  /** B's byte step between columns: 4 (row-major, the default) or a transposed B's row bytes (then ldb = 4 and B is always packed). */
  bjs?: number;
  /** C += A @ B instead of C = A @ B. */
  accumulate?: boolean;
}

/** Threads a job of `work` multiply-adds uses (starting missing workers when it is worth it). */
export function jobThreads(rt: Runtime, work: number): number {
  const threads = work >= 2 * minWorkPerThread && coresFree() ? startThreads(rt) : 1;
  return Math.max(1, Math.min(threads, Math.floor(work / minWorkPerThread)));
}

/**
 * Splits a GEMM into chunks (column blocks of up to NC_MAX, then row groups until every
 * thread has ~4 chunks) and runs it. False if it has too many chunks or a chunk failed.
 * Padding columns of B only feed padding columns of C; padding rows of A are not multiplied.
 */
export function runGemm(rt: Runtime, threads: number, j: GemmJob): boolean {
  const total = writeGemm(memoryViews(rt).ctl, 0, threads, j);
  return total > 0 && runJob(rt, total, threads > 1);
}

/**
 * Writes the control block of a GEMM job at word `at` of `words` (chunks sized for `threads`)
 * and returns its chunk count (0 when it would have too many).
 */
export function writeGemm(prm: Int32Array, at: number, threads: number, j: GemmJob): number {
  const mp = roundUp(j.m, MR);
  const panels = roundUp(j.n, NR) / NR;
  const target = threads > 1 ? 4 * threads : 1;
  let ppb = Math.min(NC_MAX / NR, panels);
  if (threads > 1) ppb = Math.max(1, Math.min(ppb, Math.ceil(panels / Math.ceil(target / j.batch))));
  const colBlocks = Math.ceil(panels / ppb);
  let rowsPerGroup = mp;
  if (j.batch * colBlocks < target) rowsPerGroup = Math.max(MR, roundUp(Math.ceil(mp / Math.ceil(target / (j.batch * colBlocks))), MR));
  const rowGroups = Math.ceil(j.m / rowsPerGroup);
  const total = j.batch * rowGroups * colBlocks;
  if (total > MAX_CHUNKS) return 0;

  prm[at + P.A] = j.A; prm[at + P.B] = j.B; prm[at + P.C] = j.C;
  // M is the true row count: the kernel ends on smaller tiles, never multiplying padding rows
  prm[at + P.M] = j.m; prm[at + P.PANELS] = panels; prm[at + P.K] = j.k;
  prm[at + P.LDA] = j.lda; prm[at + P.AKS] = j.aks; prm[at + P.LDB] = j.ldb; prm[at + P.LDC] = j.ldc;
  prm[at + P.A_BATCH] = j.aBatch; prm[at + P.B_BATCH] = j.bBatch; prm[at + P.C_BATCH] = j.cBatch;
  prm[at + P.ROW_GROUPS] = rowGroups; prm[at + P.COL_BLOCKS] = colBlocks;
  prm[at + P.ROWS_PER_GROUP] = rowsPerGroup; prm[at + P.PANELS_PER_BLOCK] = ppb;
  prm[at + P.KC] = KC; prm[at + P.MC] = MC;
  // A packed panel is reused by every MR-row tile of the chunk; with two tiles or fewer (the
  // small-M products of convolutions) reading B in place costs less than copying it.
  const bjs = j.bjs ?? 4;
  prm[at + P.BJS] = bjs;
  prm[at + P.PACK_B] = Math.min(rowsPerGroup, mp) > 2 * MR || bjs !== 4 ? 1 : 0;
  prm[at + P.ACCUMULATE] = j.accumulate ? 1 : 0;
  prm[at + KIND_WORD] = KIND.GEMM;
  return total;
}

/**
 * out[t] = a[t] @ b[t] (a [batch, m, k], b [batch, k, n], any strides, out contiguous) on
 * the wasm kernels. Returns false without touching `out` when it declines.
 */
export function wasmMatmul(a: StridedView, b: StridedView, out: NumArray, batch: number, m: number, k: number, n: number): boolean {
  if (!(out instanceof Float32Array) || !(a.data instanceof Float32Array) || !(b.data instanceof Float32Array)) return false;
  const work = batch * m * k * n;
  if (work === 0 || work < minWork || m * k * n < minMatrixWork) return false;
  const threaded = getRuntime();
  if (!threaded) return false;
  const threads = jobThreads(threaded, work);
  // one thread: the unshared runtime, whose copies in and out are plain memcpy (runtime.ts)
  const rt = threads > 1 ? threaded : getLocalRuntime()!;

  const mp = roundUp(m, MR);
  const np = roundUp(n, NR);
  const [abs, ars, acs] = a.strides as [number, number, number];
  const [bbs, brs, bcs] = b.strides as [number, number, number];
  const aBatches = abs === 0 ? 1 : batch;
  const bBatches = bbs === 0 ? 1 : batch;

  // layout (bytes): A | B | C after the control block and every thread's scratch
  const base = dataBase(rt, threads);
  // A column-major A (a transposed operand: every weight gradient x^T @ g) is copied as it is
  // stored, [k][mp], and the kernel walks it with row step 4 bytes and k step mp * 4.
  const aT = ars === 1 && acs !== 1;
  // Likewise a transposed B stored densely ([n, k] per batch: x @ w^T) is copied as it is
  // stored and packed straight from there (the packing does the transpose).
  const bT = brs === 1 && bcs === k && k > 1;
  const aBytes = mp * k * 4;
  const bBytes = bT ? n * k * 4 : k * np * 4;
  const cBytes = mp * np * 4;
  const A = base;
  const B = A + aBatches * aBytes;
  // a transposed B's last panel reads np - n source rows past its end (they feed padding
  // columns only): room for them before C
  const C = B + bBatches * bBytes + (bT ? (np - n) * k * 4 : 0);
  const end = C + batch * cBytes;
  if (!ensureBytes(rt, end)) return false;

  const { mem } = memoryViews(rt);
  for (let t = 0; t < aBatches; t++) {
    const dst = (A + t * aBytes) / 4;
    if (aT) copyIn(a.data, a.offset + t * abs, acs, ars, k, m, mem, dst, mp);
    else copyIn(a.data, a.offset + t * abs, ars, acs, m, k, mem, dst, k);
  }
  for (let t = 0; t < bBatches; t++) {
    if (bT) mem.set(b.data.subarray(b.offset + t * bbs, b.offset + t * bbs + n * k), (B + t * bBytes) / 4);
    else copyIn(b.data, b.offset + t * bbs, brs, bcs, k, n, mem, (B + t * bBytes) / 4, np);
  }
  const ok = runGemm(rt, threads, {
    A, B, C, batch, m, k, n, lda: aT ? 4 : k * 4, aks: aT ? mp * 4 : 4, ldb: bT ? 4 : np * 4, bjs: bT ? k * 4 : 4, ldc: np * 4,
    aBatch: aBatches === 1 ? 0 : aBytes, bBatch: bBatches === 1 ? 0 : bBytes, cBatch: cBytes,
  });
  if (!ok) return false;
  for (let t = 0; t < batch; t++) copyOut(mem, (C + t * cBytes) / 4, np, m, n, out, t * m * n);
  return true;
}
