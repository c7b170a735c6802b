// The kernels' wasm module, written as code with the emitter: a register-blocked MR x NR
// micro-kernel of f32x4 accumulators and its tails, a B-panel packer and the GEMM chunk
// driver (here), im2col/col2im (im2col.ts) and softmax (softmax.ts), which run as jobs; and
// elementwise ops (elementwise.ts), row copies and gathers (rowCopies.ts) and 2x2
// max pooling and its gradient (maxPool.ts), called directly on the calling thread. Threads
// (src/backends/wasm/pool.ts) claim chunks of a job one by one, and every thread runs the
// same `chunk` export over the same shared memory; `chunk` reads the job's kind (KIND_WORD)
// and calls the right one. A GEMM chunk is a (batch, row group, column block) piece of C; a
// SEQ chunk runs whole sub-jobs (emitSeq). The same module also runs over an unshared memory
// on the calling thread alone (runtime.ts).
//
// Memory layout of a GEMM (byte addresses, set up by src/backends/wasm/matmul.ts and conv.ts):
//   A: [batch][mp][k]   element (i, p) at i*lda + p*aks bytes: row-major (lda = k*4, aks = 4)
//                       or a transposed source as it is stored (lda = 4, aks = its row bytes)
//                       (mp = m rounded up to MR)
//   B: [batch][k][np]   element (p, j) at p*ldb + j*bjs bytes: row-major (ldb >= np * 4,
//                       bjs = 4; np = n rounded up to NR), packed or read in place when
//                       PACK_B = 0; or a transposed source as it is stored (ldb = 4, bjs =
//                       its row bytes), always packed (the packing is the transpose)
//   C: [batch][mp][np]  row-major, ldc >= np * 4 bytes; overwritten, or added to (ACCUMULATE)
//   scratch per thread: one packed KC x (NC) block of B, as NR-wide panels of KC rows.
// Padding columns of B only feed padding columns of C, which are never copied out, so they
// need no zeroing; padding rows of A are not multiplied at all (the last rows of a block run
// on the tail kernels of 2 and 1 rows).
// Accumulation is in float32, in k order per element (as BLAS sgemm does).
import { I32, ModuleBuilder, V128, type FuncBuilder, type Local } from "./emitter.ts";
import { emitCol2im, emitIm2col } from "./im2col.ts";
import { emitSoftmax } from "./softmax.ts";
import { emitAxpy, emitBinary, emitUnary } from "./elementwise.ts";
import { emitSumColumns, emitSumRows } from "./sum.ts";
import { emitCopyRows, emitGatherRows } from "./rowCopies.ts";
import { emitMaxPool2x2, emitMaxPool2x2Backward } from "./maxPool.ts";
import { emitAdam } from "./adam.ts";

/** The tile shape the runtime uses (measured best, see docs/WASM.md). */
export const MR = 4;
export const NR = 8;

/** Word indices of a GEMM job's parameters in the control block (Int32Array at ctl; words 0..21). */
export const P = {
  A: 0, B: 1, C: 2, M: 3, PANELS: 4, K: 5, LDA: 6, LDB: 7, LDC: 8,
  A_BATCH: 9, B_BATCH: 10, C_BATCH: 11, ROW_GROUPS: 12, COL_BLOCKS: 13,
  ROWS_PER_GROUP: 14, PANELS_PER_BLOCK: 15, KC: 16, MC: 17, AKS: 18, PACK_B: 19, ACCUMULATE: 20, BJS: 21,
} as const;
/** Control-block word naming the kind of the job (every job kind shares the `chunk` export). */
export const KIND_WORD = 31;
export const KIND = { GEMM: 0, IM2COL: 1, COL2IM: 2, SOFTMAX: 3, SEQ: 4 } as const;
/**
 * Words of a SEQ job (a job whose chunk c runs whole sub-jobs one after the other, e.g. a
 * group of images' im2col and then its GEMM): DESC, the byte address of the descriptors, and
 * STEPS per chunk. Chunk c's descriptor, at DESC + c * STEPS * 8, is STEPS pairs (control
 * block address, chunk count): every chunk of each sub-job, in order, on this thread.
 */
export const SEQ = { DESC: 0, STEPS: 1 } as const;

export interface SgemmOptions {
  /** Use f32x4.relaxed_madd instead of mul + add. */
  fma: boolean;
  /** Unroll factor of the k loop. */
  unroll: number;
  /** Tile rows (A rows per micro-kernel tile). */
  mr: number;
  /** Tile columns, a multiple of 4 (one f32x4 per 4 columns); also the packed panel width. */
  nr: number;
  shared: boolean;
  maximumPages: number;
}

/**
 * kernel(a, lda, aks, bp, bks, c, ldc, kc, rows, accumulate) for a tile height MR (o.mr for
 * the kernel, and half of it, a quarter, ... down to 1 for the rows left over; each one a
 * function of its own, since TurboFan compiled the main loop 15% slower with the tails inside
 * it): for each MR-row tile r < rows (a multiple of MR),
 * C[r..r+MR, 0..NR] (+)= A[r..r+MR, 0..kc] * B[0..kc, 0..NR]; a/bp/c are byte addresses,
 * lda/ldc byte strides between rows, aks the byte step of A along k, bks B's (NR * 4 for a
 * packed panel, ldb when B is read in place).
 */
function emitKernel(f: FuncBuilder, o: SgemmOptions, MR: number): void {
  const NR = o.nr;
  const [a, lda, aks, bp0, bks, c, ldc, kc, rows, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => f.param(i));
  const r = f.local(I32);
  const kk = f.local(I32);
  const bp = f.local(I32);
  const ap: Local[] = [];
  for (let i = 0; i < MR; i++) ap.push(f.local(I32));
  const acc: Local[][] = [];
  for (let i = 0; i < MR; i++) {
    acc.push([]);
    for (let j = 0; j < NR / 4; j++) acc[i]!.push(f.local(V128));
  }
  const bv: Local[] = [];
  for (let j = 0; j < NR / 4; j++) bv.push(f.local(V128));
  const s = f.local(V128);
  const U = o.unroll;

  /** One k step: B from bp, A at the row pointers; then they move on by bks and aks. */
  const step = () => {
    for (let j = 0; j < NR / 4; j++) f.get(bp).v128Load(j * 16).set(bv[j]!);
    f.get(bp).get(bks).add().set(bp);
    for (let i = 0; i < MR; i++) {
      f.get(ap[i]!).v128Load32Splat(0).set(s);
      f.get(ap[i]!).get(aks).add().set(ap[i]!);
      for (let j = 0; j < NR / 4; j++) {
        if (o.fma) {
          f.get(s).get(bv[j]!).get(acc[i]![j]!).f32x4RelaxedMadd().set(acc[i]![j]!);
        } else {
          f.get(acc[i]![j]!).get(s).get(bv[j]!).f32x4Mul().f32x4Add().set(acc[i]![j]!);
        }
      }
    }
  };
  const advance = (u: number) => {
    f.get(kk).i32(u).sub().set(kk);
  };

  f.forLoop(r, () => f.i32(0), () => f.get(rows), MR, () => {
    // row pointers of this tile
    f.get(a).set(ap[0]!);
    for (let i = 1; i < MR; i++) f.get(ap[i - 1]!).get(lda).add().set(ap[i]!);
    f.get(bp0).set(bp);
    f.get(kc).set(kk);
    // accumulators: C tile or zero
    f.get(accumulate).if();
    for (let i = 0; i < MR; i++) {
      for (let j = 0; j < NR / 4; j++) {
        f.get(c);
        if (i > 0) f.get(ldc).i32(i).mul().add();
        f.v128Load(j * 16).set(acc[i]![j]!);
      }
    }
    f.else();
    for (let i = 0; i < MR; i++) for (let j = 0; j < NR / 4; j++) f.v128Zero().set(acc[i]![j]!);
    f.end();
    // unrolled k loop
    f.block().loop();
    f.get(kk).i32(U).ltS().brIf(1);
    for (let u = 0; u < U; u++) step();
    advance(U);
    f.br(0).end().end();
    // remainder (k steps left over by the unrolled loop)
    if (U > 1) {
      f.block().loop();
      f.get(kk).i32(1).ltS().brIf(1);
      step();
      advance(1);
      f.br(0).end().end();
    }
    // store the tile
    for (let i = 0; i < MR; i++) {
      for (let j = 0; j < NR / 4; j++) {
        f.get(c);
        if (i > 0) f.get(ldc).i32(i).mul().add();
        f.get(acc[i]![j]!).v128Store(j * 16);
      }
    }
    f.get(c).get(ldc).i32(MR).mul().add().set(c);
    f.get(a).get(lda).i32(MR).mul().add().set(a);
  });
}

/**
 * packB(src, ldb, bjs, dst, kc, panels): panel q, row p -> dst[(q*kc + p)*NR + j] = the float
 * at src + p*ldb + (q*NR + j)*bjs: vector copies for a row-major B (bjs = 4), one float at a
 * time for a transposed one (each panel then reads NR source rows side by side).
 */
function emitPackB(f: FuncBuilder, NR: number): void {
  const [src, ldb, bjs, dst, kc, panels] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i));
  const q = f.local(I32);
  const p = f.local(I32);
  const sp = f.local(I32);
  f.get(bjs).i32(4).eq().if();
  f.forLoop(q, () => f.i32(0), () => f.get(panels), 1, () => {
    f.get(src).get(q).i32(NR * 4).mul().add().set(sp);
    f.forLoop(p, () => f.i32(0), () => f.get(kc), 1, () => {
      for (let j = 0; j < NR / 4; j++) f.get(dst).get(sp).v128Load(j * 16).v128Store(j * 16);
      f.get(sp).get(ldb).add().set(sp);
      f.get(dst).i32(NR * 4).add().set(dst);
    });
  });
  f.else();
  f.forLoop(q, () => f.i32(0), () => f.get(panels), 1, () => {
    f.get(src).get(q).i32(NR).mul().get(bjs).mul().add().set(sp);
    f.forLoop(p, () => f.i32(0), () => f.get(kc), 1, () => {
      for (let j = 0; j < NR; j++) {
        f.get(dst).get(sp);
        if (j > 0) f.get(bjs).i32(j).mul().add();
        f.f32Load().f32Store(j * 4);
      }
      f.get(sp).get(ldb).add().set(sp);
      f.get(dst).i32(NR * 4).add().set(dst);
    });
  });
  f.end();
}

/**
 * gemm(ctl, c, scratch): computes chunk c = (batch t, row group g, column block cb) of the
 * job described at ctl, packing B blocks into this thread's scratch. Loop order is GotoBLAS's:
 * k blocks of KC, packed B block reused over row blocks of MC, one packed NR panel (L1) reused
 * over every MR-row tile of the row block.
 */
function emitGemmChunk(f: FuncBuilder, kernels: { index: number; mr: number }[], packIndex: number, NR: number): void {
  const [ctl, c, scratch] = [0, 1, 2].map((i) => f.param(i));
  const L = () => f.local(I32);
  const [t, g, cb, r0, r1, q0, nq, A, B, C, pc, kc, ic, rows, q, per, rem, r, h] = Array.from({ length: 19 }, L);
  const prm = (w: number) => f.get(ctl).i32Load(w * 4);
  const min = (x: () => void, y: () => void) => { x(); y(); x(); y(); f.ltS().select(); };

  // per = rowGroups * colBlocks; t = c / per; rem = c % per; g = rem / colBlocks; cb = rem % colBlocks
  prm(P.ROW_GROUPS); prm(P.COL_BLOCKS); f.mul().set(per);
  f.get(c).get(per).divU().set(t);
  f.get(c).get(per).remU().set(rem);
  f.get(rem); prm(P.COL_BLOCKS); f.divU().set(g);
  f.get(rem); prm(P.COL_BLOCKS); f.remU().set(cb);
  // rows [r0, r1), panels [q0, q0 + nq)
  f.get(g); prm(P.ROWS_PER_GROUP); f.mul().set(r0);
  min(() => { f.get(r0); prm(P.ROWS_PER_GROUP); f.add(); }, () => prm(P.M)); f.set(r1);
  f.get(cb); prm(P.PANELS_PER_BLOCK); f.mul().set(q0);
  min(() => prm(P.PANELS_PER_BLOCK), () => { prm(P.PANELS); f.get(q0).sub(); }); f.set(nq);
  // operand bases for batch t
  prm(P.A); f.get(t); prm(P.A_BATCH); f.mul().add().set(A);
  prm(P.B); f.get(t); prm(P.B_BATCH); f.mul().add().get(q0).i32(NR); prm(P.BJS); f.mul().mul().add().set(B);
  prm(P.C); f.get(t); prm(P.C_BATCH); f.mul().add().get(q0).i32(NR * 4).mul().add().set(C);

  f.forLoop(pc, () => f.i32(0), () => prm(P.K), 0, () => {
    min(() => prm(P.KC), () => { prm(P.K); f.get(pc).sub(); }); f.set(kc);
    // packB(B + pc*ldb, ldb, bjs, scratch, kc, nq), unless B is read in place (PACK_B = 0:
    // each panel serves so few row tiles that packing it would cost more than it saves)
    prm(P.PACK_B); f.if();
    f.get(B).get(pc); prm(P.LDB); f.mul().add(); prm(P.LDB); prm(P.BJS); f.get(scratch).get(kc).get(nq).call(packIndex);
    f.end();
    f.forLoop(ic, () => f.get(r0), () => f.get(r1), 0, () => {
      min(() => prm(P.MC), () => { f.get(r1).get(ic).sub(); }); f.set(rows);
      f.forLoop(q, () => f.i32(0), () => f.get(nq), 1, () => {
        // the block's rows in whole tiles of each kernel's height, tallest first: rows
        // [r, r + h) with h = rows rounded down to the height (MR, then the tails)
        f.i32(0).set(r);
        for (const k of kernels) {
          f.get(rows).get(r).sub().i32(-k.mr).and().set(h);
          f.get(h).if();
          // kernel(A + (ic+r)*lda + pc*aks, lda, aks, panel q, its k step, C + (ic+r)*ldc + q*NR*4, ldc, kc, h, pc > 0 | ACCUMULATE)
          f.get(A).get(ic).get(r).add(); prm(P.LDA); f.mul().add().get(pc); prm(P.AKS); f.mul().add();
          prm(P.LDA);
          prm(P.AKS);
          // packed: scratch + q*kc*NR*4 with step NR*4; in place: B + pc*ldb + q*NR*4 with step ldb
          f.get(scratch).get(q).get(kc).mul().i32(NR * 4).mul().add();
          f.get(B).get(pc); prm(P.LDB); f.mul().add().get(q).i32(NR * 4).mul().add();
          prm(P.PACK_B); f.select();
          f.i32(NR * 4);
          prm(P.LDB);
          prm(P.PACK_B); f.select();
          f.get(C).get(ic).get(r).add(); prm(P.LDC); f.mul().add().get(q).i32(NR * 4).mul().add();
          prm(P.LDC);
          // accumulate into C after the first k block, or from the start when the job says so
          f.get(kc).get(h).get(pc).i32(0).gtS(); prm(P.ACCUMULATE); f.or();
          f.call(k.index);
          f.get(r).get(h).add().set(r);
          f.end();
        }
      });
      f.get(ic).get(rows).add().set(ic); // step 0 above: advance by this block's rows
    });
    f.get(pc).get(kc).add().set(pc);
  });
}

/** seq(ctl, c, scratch): the sub-jobs of chunk c of a SEQ job (see SEQ), through `chunk`. */
function emitSeq(f: FuncBuilder, chunkIndex: number): void {
  const [ctl, c, scratch] = [0, 1, 2].map((i) => f.param(i));
  const [d, end, block, count, i] = Array.from({ length: 5 }, () => f.local(I32));
  f.get(ctl).i32Load(SEQ.DESC * 4).get(c).get(ctl).i32Load(SEQ.STEPS * 4).mul().i32(8).mul().add().set(d);
  f.get(d).get(ctl).i32Load(SEQ.STEPS * 4).i32(8).mul().add().set(end);
  f.forLoop(d, () => f.get(d), () => f.get(end), 8, () => {
    f.get(d).i32Load(0).set(block);
    f.get(d).i32Load(4).set(count);
    f.forLoop(i, () => f.i32(0), () => f.get(count), 1, () => {
      f.get(block).get(i).get(scratch).call(chunkIndex);
    });
  });
}

export function emitSgemm(o: SgemmOptions): Uint8Array {
  const mod = new ModuleBuilder({ module: "env", field: "memory", initialPages: 1, maximumPages: o.maximumPages, shared: o.shared });
  if (o.mr & (o.mr - 1)) throw new RangeError(`the tile height must be a power of two, got ${o.mr}`);
  // the kernel (tiles of o.mr rows) and its tails (o.mr / 2, ..., 1 rows)
  const kernels: { index: number; mr: number; f: FuncBuilder }[] = [];
  for (let mr = o.mr; mr >= 1; mr >>= 1) {
    const k = mod.func(mr === o.mr ? "kernel" : `kernel${mr}`, [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
    kernels.push({ index: k.index, mr, f: k.f });
  }
  const pack = mod.func("packB", [I32, I32, I32, I32, I32, I32]);
  const gemm = mod.func("gemm", [I32, I32, I32]);
  const im2col = mod.func("im2col", [I32, I32]);
  const col2im = mod.func("col2im", [I32, I32]);
  const softmax = mod.func("softmax", [I32, I32]);
  const chunk = mod.func("chunk", [I32, I32, I32]);
  const seq = mod.func("seq", [I32, I32, I32]);
  emitBinary(mod.func("binary", [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]).f);
  emitUnary(mod.func("unary", [I32, I32, I32, I32]).f);
  emitAxpy(mod.func("axpy", [I32, I32, I32, I32]).f);
  emitSumRows(mod.func("sumRows", [I32, I32, I32, I32]).f);
  emitSumColumns(mod.func("sumColumns", [I32, I32, I32, I32]).f);
  emitCopyRows(mod.func("copyRows", new Array(9).fill(I32)).f);
  emitGatherRows(mod.func("gatherRows", new Array(9).fill(I32)).f);
  emitMaxPool2x2(mod.func("maxPool2x2", new Array(9).fill(I32)).f);
  emitMaxPool2x2Backward(mod.func("maxPool2x2Backward", new Array(9).fill(I32)).f);
  emitAdam(mod.func("adam", new Array(8).fill(I32)).f);
  for (const k of kernels) emitKernel(k.f, o, k.mr);
  emitPackB(pack.f, o.nr);
  emitGemmChunk(gemm.f, kernels, pack.index, o.nr);
  emitIm2col(im2col.f);
  emitCol2im(col2im.f);
  emitSoftmax(softmax.f);
  // chunk(ctl, c, scratch): chunk c of whichever kind of job the control block describes
  const f = chunk.f;
  const [ctl, c, scratch] = [0, 1, 2].map((i) => f.param(i));
  const kind = f.local(I32);
  f.get(ctl).i32Load(KIND_WORD * 4).set(kind);
  f.get(kind).i32(KIND.IM2COL).eq().if();
  f.get(ctl).get(c).call(im2col.index);
  f.else();
  f.get(kind).i32(KIND.COL2IM).eq().if();
  f.get(ctl).get(c).call(col2im.index);
  f.else();
  f.get(kind).i32(KIND.SOFTMAX).eq().if();
  f.get(ctl).get(c).call(softmax.index);
  f.else();
  f.get(kind).i32(KIND.SEQ).eq().if();
  f.get(ctl).get(c).get(scratch).call(seq.index);
  f.else();
  f.get(ctl).get(c).get(scratch).call(gemm.index);
  f.end();
  f.end();
  f.end();
  f.end();
  emitSeq(seq.f, chunk.index);
  return mod.encode();
}

/** A one-instruction module using f32x4.relaxed_madd: validates only where relaxed SIMD is on. */
export function relaxedSimdProbe(): Uint8Array {
  const mod = new ModuleBuilder({ module: "env", field: "memory", initialPages: 1, maximumPages: 1, shared: false });
  const { f } = mod.func("madd", [V128, V128, V128], [V128]);
  f.get(f.param(0)).get(f.param(1)).get(f.param(2)).f32x4RelaxedMadd();
  return mod.encode();
}

/** A module with one f32x4.add: validates where SIMD128 is supported. */
export function simdProbe(): Uint8Array {
  const mod = new ModuleBuilder({ module: "env", field: "memory", initialPages: 1, maximumPages: 1, shared: false });
  const { f } = mod.func("add", [V128, V128], [V128]);
  f.get(f.param(0)).get(f.param(1)).f32x4Add();
  return mod.encode();
}

