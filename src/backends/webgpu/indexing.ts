// gather and scatter(add): one invocation per index element. The index is int32 or int64
// (its low word, when the high word is the sign extension); an index outside [0, size) writes
// nothing (gather: 0) and raises the runtime's error flag with the value, the dim and the
// size, which the next read of any value throws (runtime.ts). index_select is a gather with
// the index broadcast along the other dims (ops/indexing.ts), so it runs here too.
//
// scatter with accumulate adds with atomics: int32 with atomicAdd, bool with atomicOr,
// float32 with a compare-exchange loop on the word's bits (WGSL has no float atomics), so
// the order of additions into one element, and the last bits of float sums, depend on
// scheduling, as with CUDA's index_add. Plain scatter of duplicate indices keeps one of the
// values, unspecified which (PyTorch documents the same).
import { RuntimeError } from "../../errors.ts";
import { contiguousStrides, type Shape } from "../../layout.ts";
import type { Operand, StridedView } from "../backend.ts";
import { coalesce } from "../cpu/strided.ts";
import { scalarTypeName, type GPUArray } from "./array.ts";
import { hostScalar, isHost, offsetsCode } from "./map.ts";
import { grid, type WebGPURuntime } from "./runtime.ts";
import { FLAT_INDEX, LIB, MAIN_256, ParamWriter, computeTypeOf, load, param, paramsDecl, storageDecl, store } from "./wgsl.ts";

const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/** WGSL: `let v: i32` = the index at o_idx (-1 when an int64 index does not fit in i32), and the raw words for the error report. */
function readIndex(index: GPUArray): string {
  if (index.dtype === "int64") return `let raw = vec2<u32>(IDX[2u * u32(o_idx)], IDX[2u * u32(o_idx) + 1u]);\n  let v = i64_index(raw);`;
  if (index.dtype !== "int32") throw new RuntimeError(`gather(): Expected dtype int32 or int64 for index, got ${index.dtype}`);
  return `let v = IDX[o_idx];\n  let raw = vec2<u32>(bitcast<u32>(v), select(0u, 0xffffffffu, v < 0));`;
}

/** WGSL reporting index `raw` out of range for dim (word dimAt) of size (word sizeAt): the first report wins. */
const reportError = (dimAt: number, sizeAt: number) =>
  `if (atomicAdd(&ERR[0], 1u) == 0u) { atomicStore(&ERR[1], raw.x); atomicStore(&ERR[2], raw.y); atomicStore(&ERR[3], pu(${dimAt}u)); atomicStore(&ERR[4], pu(${sizeAt}u)); }`;

const ERR_DECL = (b: number) => `@group(0) @binding(${b}) var<storage, read_write> ERR: array<atomic<u32>, 8>;`;

export function gather(rt: WebGPURuntime, x: StridedView<GPUArray>, index: StridedView<GPUArray>, dim: number, out: GPUArray): void {
  const shape = index.shape;
  const n = numel(shape);
  if (n === 0) return;
  const size = x.shape[dim]!;
  const xBase = x.strides.map((s, k) => (k === dim ? 0 : s));
  const m = coalesce(shape, [contiguousStrides(shape), index.strides, xBase]);
  const nd = m.shape.length;
  const p = new ParamWriter(4 + nd + 3 * (nd + 1));
  p.u32(n);
  for (const s of m.shape) p.u32(s);
  const offsets = [out.offset, index.data.offset + index.offset, x.data.offset + x.offset];
  offsets.forEach((o, v) => {
    p.i32(o);
    for (const s of m.strides[v]!) p.i32(s);
  });
  const at = p.length;
  p.i32(x.strides[dim]!).u32(size).u32(dim);
  const sameXI = x.data.buffer === index.data.buffer;
  const ct = computeTypeOf(out.dtype);
  const key = `gather|${x.data.dtype}|${index.data.dtype}|${nd}|${sameXI}`;
  const k = rt.kernel(key, p.vec4s, () => `${paramsDecl(p.vec4s)}
${storageDecl(1, "OUT", out.dtype, true)}
${storageDecl(2, "X", x.data.dtype, false)}
${sameXI ? "" : storageDecl(3, "IDX", index.data.dtype, false)}
${ERR_DECL(sameXI ? 3 : 4)}
${LIB}
${MAIN_256} {
  ${FLAT_INDEX}
  if (i >= pu(0u)) { return; }
${offsetsCode(nd, 1, ["o_out", "o_idx", "o_x"], 1 + nd)}
  ${readIndex(index.data).replaceAll("IDX", sameXI ? "X" : "IDX")}
  if (v < 0 || v >= pi(${at + 1}u)) {
    ${reportError(at + 2, at + 1)}
    ${store("OUT", out.dtype, "o_out", ct === "f32" ? "0.0" : ct === "i32" ? "0" : ct === "bool" ? "0u" : "vec2<u32>(0u)", ct)}
    return;
  }
  ${store("OUT", out.dtype, "o_out", load("X", x.data.dtype, "o_x + v * pi(" + at + "u)", ct), ct)}
}
`);
  const buffers = sameXI ? [out.buffer, x.data.buffer, rt.errors] : [out.buffer, x.data.buffer, index.data.buffer, rt.errors];
  rt.dispatch(k, p.words(), buffers, grid(Math.ceil(n / 256)));
}

export function scatter(rt: WebGPURuntime, out: GPUArray, outShape: Shape, index: StridedView<GPUArray>, src: Operand<GPUArray>, dim: number, accumulate: boolean): void {
  const shape = index.shape;
  const n = numel(shape);
  if (n === 0) return;
  const size = outShape[dim]!;
  const outStrides = contiguousStrides(outShape);
  const outBase = outStrides.map((s, k) => (k === dim ? 0 : s));
  const host = isHost(src);
  const srcArr = host ? null : (src.data as GPUArray);
  const m = coalesce(shape, host ? [outBase, index.strides] : [outBase, index.strides, src.strides]);
  const nd = m.shape.length;
  const ct = computeTypeOf(out.dtype);
  if (accumulate && ct === "i64") throw new RuntimeError(`"scatter_add" not implemented for '${scalarTypeName(out.dtype)}' on webgpu`);
  const p = new ParamWriter(8 + nd + 3 * (nd + 1));
  p.u32(n);
  for (const s of m.shape) p.u32(s);
  const offsets = [out.offset, index.data.offset + index.offset, ...(srcArr ? [srcArr.offset + src.offset] : [])];
  offsets.forEach((o, v) => {
    p.i32(o);
    for (const s of m.strides[v]!) p.i32(s);
  });
  const at = p.length;
  p.i32(outStrides[dim]!).u32(size).u32(dim);
  const valueAt = p.length;
  if (host) p.value(hostScalar(src), ct);
  const value = srcArr ? load("SRC", srcArr.dtype, "o_src", ct) : param(valueAt, ct);
  let write: string;
  if (!accumulate) write = store("OUT", out.dtype, "t", "val", ct);
  else if (ct === "i32") write = "atomicAdd(&OUT[t], val);";
  else if (ct === "bool") write = "atomicOr(&OUT[t], val);";
  else {
    write = `loop {
    let old = atomicLoad(&OUT[t]);
    let res = atomicCompareExchangeWeak(&OUT[t], old, bitcast<u32>(bitcast<f32>(old) + val));
    if (res.exchanged) { break; }
  }`;
  }
  const outDecl = accumulate
    ? `@group(0) @binding(1) var<storage, read_write> OUT: array<atomic<${ct === "i32" ? "i32" : "u32"}>>;`
    : storageDecl(1, "OUT", out.dtype, true);
  const key = `scatter|${out.dtype}|${index.data.dtype}|${srcArr?.dtype ?? "host"}|${accumulate}|${nd}`;
  const k = rt.kernel(key, p.vec4s, () => `${paramsDecl(p.vec4s)}
${outDecl}
${storageDecl(2, "IDX", index.data.dtype, false)}
${srcArr ? storageDecl(3, "SRC", srcArr.dtype, false) : ""}
${ERR_DECL(srcArr ? 4 : 3)}
${LIB}
${MAIN_256} {
  ${FLAT_INDEX}
  if (i >= pu(0u)) { return; }
${offsetsCode(nd, 1, ["o_out", "o_idx", ...(srcArr ? ["o_src"] : [])], 1 + nd)}
  ${readIndex(index.data)}
  if (v < 0 || v >= pi(${at + 1}u)) {
    ${reportError(at + 2, at + 1)}
    return;
  }
  let t = o_out + v * pi(${at}u);
  let val = ${value};
  ${write}
}
`);
  if (srcArr && (srcArr.buffer === out.buffer || srcArr.buffer === index.data.buffer)) {
    throw new RuntimeError("webgpu scatter: src shares storage with the output or the index; clone it first");
  }
  const buffers = [out.buffer, index.data.buffer, ...(srcArr ? [srcArr.buffer] : []), rt.errors];
  rt.dispatch(k, p.words(), buffers, grid(Math.ceil(n / 256)));
}
