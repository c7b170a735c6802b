// wasmGatherRows: .contiguous() (the CPU backend's copy into a contiguous float32 destination)
// of a view whose last dimension is contiguous, such as attention heads transposed
// [B, T, H, d] <-> [B, H, T, d], on the wasm gatherRows of rowCopies.ts: the storage the view
// spans is copied in, its rows are gathered four floats at a time, and the result copied out.
// V8's scalar loop takes ~2.4 ns per element on rows of 16 floats (W5's heads). It declines
// (returns false) for other dtypes, small views, rows under four floats or not contiguous,
// rows of maxGatherRow floats or more (the TypeScript copy moves each row with one memcpy,
// one pass where this takes three), more than four dimensions after merging, negative
// strides, and views that span more than twice their size (a small slice of a big tensor:
// copying its span in would not pay).
import type { StridedView } from "../backend.ts";
import { coalesce } from "../cpu/strided.ts";
import { maxGatherRow, minElementwise } from "./thresholds.ts";
import { dataBase, memoryViews } from "./pool.ts";
import { ensureBytes, getLocalRuntime } from "./runtime.ts";

/** out[o0 + i] = the i-th element of src in row-major order; false when declined. */
export function wasmGatherRows(src: StridedView, out: Float32Array, o0: number): boolean {
  const x = src.data;
  if (!(x instanceof Float32Array)) return false;
  const { shape, strides } = coalesce(src.shape, [src.strides]);
  const st = strides[0]!;
  const nd = shape.length;
  if (nd < 2 || nd > 4 || st[nd - 1] !== 1 || shape[nd - 1]! < 4 || shape[nd - 1]! >= maxGatherRow) return false;
  let n = 1, span = 1;
  for (let d = 0; d < nd; d++) {
    if (st[d]! < 0) return false;
    n *= shape[d]!;
    span += (shape[d]! - 1) * st[d]!;
  }
  if (n < minElementwise || span > 2 * n || src.offset + span > x.length) return false;
  const rt = getLocalRuntime();
  if (!rt) return false;
  const S = dataBase(rt, 1), D = S + span * 4;
  if (!ensureBytes(rt, D + n * 4)) return false;
  const { mem } = memoryViews(rt);
  mem.set(x.subarray(src.offset, src.offset + span), S / 4);
  // outer dimensions padded to three (leading ones of size 1)
  const outer = shape.slice(0, nd - 1), os = st.slice(0, nd - 1);
  while (outer.length < 3) { outer.unshift(1); os.unshift(0); }
  rt.exports.gatherRows(S, D, outer[0]!, outer[1]!, outer[2]!, os[0]! * 4, os[1]! * 4, os[2]! * 4, shape[nd - 1]!);
  out.set(mem.subarray(D / 4, D / 4 + n), o0);
  return true;
}
