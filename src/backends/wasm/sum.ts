// Float32 sums as wasm functions, for the CPU backend's `reduce("sum")` (run by sumRows.ts on
// the calling thread). Each sum is accumulated in float64, element by element in the order the
// TypeScript kernel adds them, and rounded to float32 once, so the results are its bits: the
// lanes of a vector hold different sums (rows, or columns), never parts of one.
//
// sumRows(x, o, rows, rowBytes): o[i] = the sum of row i of `rows` contiguous rows (a multiple
// of 8; rowBytes a multiple of 16). Eight rows at a time: their vectors are interleaved in
// pairs, so that one float64x2 accumulator carries two rows, and the four accumulators are
// independent chains of adds.
// sumColumns(x, o, rows, rowBytes): o[j] = the sum of column j down `rows` rows of rowBytes
// (a multiple of 16). Eight columns at a time (four float64x2 accumulators), then a last four.
import { I32, V128, type FuncBuilder, type Local } from "./emitter.ts";

/** Lanes 0, 1 of a and 0, 1 of b interleaved: a0 b0 a1 b1. */
const LOW_PAIRS = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
/** Lanes 2, 3 of a and 2, 3 of b interleaved: a2 b2 a3 b3. */
const HIGH_PAIRS = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];

/** acc += the float64 of lanes 0, 1 of v (addLow), of lanes 2, 3 (addHigh). */
function addLow(f: FuncBuilder, acc: Local, v: Local): void {
  f.get(acc).get(v).f64x2PromoteLowF32x4().f64x2Add().set(acc);
}
function addHigh(f: FuncBuilder, acc: Local, v: Local): void {
  f.get(acc).promoteHighOf(v).f64x2Add().set(acc);
}
/** Stores at address `at` the four float32 roundings of accumulators a (lanes 0, 1) and b. */
function storeJoined(f: FuncBuilder, at: () => void, a: Local, b: Local): void {
  at();
  f.get(a).f32x4DemoteF64x2Zero().get(b).f32x4DemoteF64x2Zero().joinDemoted().v128Store();
}

export function emitSumRows(f: FuncBuilder): void {
  const [x, o, rows, rowBytes] = Array.from({ length: 4 }, (_, i) => f.param(i));
  const [g, j, p] = [f.local(I32), f.local(I32), f.local(I32)];
  const acc = Array.from({ length: 4 }, () => f.local(V128));
  const v = Array.from({ length: 8 }, () => f.local(V128));
  const [t0, t1] = [f.local(V128), f.local(V128)];
  f.forLoop(g, () => f.i32(0), () => f.get(rows), 8, () => {
    for (const a of acc) f.v128Zero().set(a);
    f.forLoop(j, () => f.i32(0), () => f.get(rowBytes), 16, () => {
      // p: element j of the group's first row; the other rows rowBytes apart
      f.get(x).get(g).get(rowBytes).mul().add().get(j).add().set(p);
      for (let r = 0; r < 8; r++) {
        f.get(p);
        if (r > 0) f.get(rowBytes).i32(r).mul().add();
        f.v128Load().set(v[r]!);
      }
      // rows 2q and 2q + 1 into acc[q], their elements j, j+1, j+2, j+3 in that order
      for (let q = 0; q < 4; q++) {
        f.get(v[2 * q]!).get(v[2 * q + 1]!).i8x16Shuffle(LOW_PAIRS).set(t0);
        f.get(v[2 * q]!).get(v[2 * q + 1]!).i8x16Shuffle(HIGH_PAIRS).set(t1);
        addLow(f, acc[q]!, t0); addHigh(f, acc[q]!, t0);
        addLow(f, acc[q]!, t1); addHigh(f, acc[q]!, t1);
      }
    });
    const at = (k: number) => () => { f.get(o).get(g).i32(4).mul().add().i32(16 * k).add(); };
    storeJoined(f, at(0), acc[0]!, acc[1]!);
    storeJoined(f, at(1), acc[2]!, acc[3]!);
  });
}

export function emitSumColumns(f: FuncBuilder): void {
  const [x, o, rows, rowBytes] = Array.from({ length: 4 }, (_, i) => f.param(i));
  const [c, i, p, c8] = Array.from({ length: 4 }, () => f.local(I32));
  const acc = Array.from({ length: 4 }, () => f.local(V128));
  const [v0, v1] = [f.local(V128), f.local(V128)];
  // c8: the byte offset after the last whole group of eight columns
  f.get(rowBytes).i32(-32).and().set(c8);
  f.forLoop(c, () => f.i32(0), () => f.get(c8), 32, () => {
    for (const a of acc) f.v128Zero().set(a);
    f.get(x).get(c).add().set(p);
    f.forLoop(i, () => f.i32(0), () => f.get(rows), 1, () => {
      f.get(p).v128Load().set(v0);
      f.get(p).v128Load(16).set(v1);
      addLow(f, acc[0]!, v0); addHigh(f, acc[1]!, v0);
      addLow(f, acc[2]!, v1); addHigh(f, acc[3]!, v1);
      f.get(p).get(rowBytes).add().set(p);
    });
    storeJoined(f, () => { f.get(o).get(c).add(); }, acc[0]!, acc[1]!);
    storeJoined(f, () => { f.get(o).get(c).add().i32(16).add(); }, acc[2]!, acc[3]!);
  });
  // a last group of four columns
  f.get(c8).get(rowBytes).ltS().if();
  f.v128Zero().set(acc[0]!);
  f.v128Zero().set(acc[1]!);
  f.get(x).get(c8).add().set(p);
  f.forLoop(i, () => f.i32(0), () => f.get(rows), 1, () => {
    f.get(p).v128Load().set(v0);
    addLow(f, acc[0]!, v0); addHigh(f, acc[1]!, v0);
    f.get(p).get(rowBytes).add().set(p);
  });
  storeJoined(f, () => { f.get(o).get(c8).add(); }, acc[0]!, acc[1]!);
  f.end();
}
