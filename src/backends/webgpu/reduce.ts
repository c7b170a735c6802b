// Reductions over the middle dim of a contiguous [outer, r, inner] block: sum, prod, max,
// min, argmax/argmin (first index; NaN wins), cumsum/cumprod (and cumprod's gradient), softmax
// and logSoftmax.
//
// Two layouts:
//   rows (inner == 1 and r >= ROW_MIN): one 256-wide workgroup per output; each invocation
//     folds a strided slice of the row, then a tree in workgroup memory folds the 256 partial
//     results;
//   columns (otherwise): one invocation per output, walking r with stride inner (for inner > 1
//     neighbouring invocations read neighbouring words). Short rows go here too: a workgroup
//     and its barriers per output cost far more than a short serial loop (on SwiftShader,
//     milliseconds per workgroup).
// When there are too few outputs to fill the device and r is long, r is cut into chunks:
// a first pass writes [outer, chunks, inner] partial results and the same kernel reduces
// those (argmax carries each partial result's index along).
import { RuntimeError } from "../../errors.ts";
import type { ReduceOp } from "../backend.ts";
import { scalarTypeName, type GPUArray, type GPUDType } from "./array.ts";
import { grid, type WebGPURuntime } from "./runtime.ts";
import { LIB, ParamWriter, load, paramsDecl, storageDecl, store, computeTypeOf, wgslType, type ComputeType } from "./wgsl.ts";

/** The shortest reduced length that gets a workgroup per output. */
const ROW_MIN = 1024;

const HEADER = (vec4s: number) => `${paramsDecl(vec4s)}\n${LIB}`;
const MAIN_WG = `@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>)`;
const MAIN_INV = `@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>)`;
/** The row layout's workgroup: its row o (of pu(0u)), the row length r and start, the invocation tid. */
const ROW_WORKGROUP = `let o = wid.x + wid.y * nwg.x;
  if (o >= pu(0u)) { return; }
  let r = pu(1u);
  let base = o * r;
  let tid = lid.x;`;
/**
 * The row layout's fold of every invocation's value of v through the workgroup array sh (256
 * f32) with combine(a, b), left in v in every invocation; the barrier after the read lets the
 * caller reuse sh.
 */
const workgroupFold = (v: string, combine: (a: string, b: string) => string) => `sh[tid] = ${v};
  workgroupBarrier();
  for (var h = 128u; h > 0u; h = h >> 1u) {
    if (tid < h) { sh[tid] = ${combine("sh[tid]", "sh[tid + h]")}; }
    workgroupBarrier();
  }
  ${v} = sh[0];
  workgroupBarrier();`;
const plus = (a: string, b: string) => `${a} + ${b}`;
/** A column-layout kernel (an invocation per line of r elements, inner apart, from base) around `body`. */
const columnKernel = (vec4s: number, decls: string, body: string) => `${HEADER(vec4s)}
${decls}
${MAIN_INV} {
  ${COLUMN_INVOCATION}
  let r = pu(1u);
  let base = (w / inner) * r * inner + w % inner;
${body}
}
`;
/** A row-layout kernel (a workgroup per row, sh for workgroupFold) around `body`. */
const rowKernel = (vec4s: number, decls: string, body: string) => `${HEADER(vec4s)}
${decls}
var<workgroup> sh: array<f32, 256>;
${MAIN_WG} {
  ${ROW_WORKGROUP}
${body}
}
`;
/** The column layout's invocation w (an output, or a chunk of one), and inner (word 2). */
const COLUMN_INVOCATION = `let w = gid.x + gid.y * nwg.x * 256u;
  if (w >= pu(0u)) { return; }
  let inner = pu(2u);`;

/** Identity element and combining expression of a reduction in compute type ct. */
function fold(op: ReduceOp, ct: ComputeType): { id: string; f: (a: string, b: string) => string } {
  const t = wgslType(ct);
  switch (op) {
    case "sum":
      if (ct === "i64") return { id: "vec2<u32>(0u)", f: (a, b) => `i64_add(${a}, ${b})` };
      if (ct === "bool") break;
      return { id: `${t}(0)`, f: (a, b) => `(${a} + ${b})` };
    case "prod":
      if (ct === "i64") return { id: "vec2<u32>(1u, 0u)", f: (a, b) => `i64_mul(${a}, ${b})` };
      if (ct === "bool") return { id: "1u", f: (a, b) => `(${a} & ${b})` };
      return { id: `${t}(1)`, f: (a, b) => `(${a} * ${b})` };
    case "max":
    case "min": {
      const gt = op === "max";
      if (ct === "f32") return { id: gt ? "-f32_inf()" : "f32_inf()", f: (a, b) => `select(select(${b}, ${a}, ${a} ${gt ? ">" : "<"} ${b}), ${a}, is_nan(${a}))` };
      if (ct === "i32") return { id: gt ? "i32(-2147483648)" : "2147483647", f: (a, b) => `${op}(${a}, ${b})` };
      if (ct === "bool") return { id: gt ? "0u" : "1u", f: (a, b) => `${op}(${a}, ${b})` };
      return {
        id: gt ? "vec2<u32>(0u, 0x80000000u)" : "vec2<u32>(0xffffffffu, 0x7fffffffu)",
        f: (a, b) => `select(${b}, ${a}, i64_lt(${gt ? b : a}, ${gt ? a : b}))`,
      };
    }
  }
  throw new RuntimeError(`"${op}" not implemented for '${scalarTypeName(ctDtype(ct))}' on webgpu`);
}

const ctDtype = (ct: ComputeType): GPUDType => ({ f32: "float32", i32: "int32", bool: "bool", i64: "int64" })[ct] as GPUDType;

/** How many chunks to cut r into so that about `want` workers have work. */
function chunksFor(workers: number, r: number, want: number, minChunk: number): number {
  if (workers >= want || r <= minChunk) return 1;
  return Math.max(1, Math.min(Math.ceil(r / minChunk), Math.ceil(want / workers)));
}

interface ReducePass {
  x: GPUArray;
  /** Indices of x's elements (a previous pass's argmax), or null: an element's index is its position. */
  xIdx: GPUArray | null;
  outer: number;
  r: number;
  inner: number;
  chunks: number;
  chunk: number;
  out: GPUArray;
  outIdx: GPUArray | null;
}

function reducePass(rt: WebGPURuntime, op: ReduceOp, arg: boolean, ct: ComputeType, s: ReducePass): void {
  const rows = s.inner === 1 && s.chunk >= ROW_MIN;
  const chunk = s.chunk;
  const outputs = s.outer * s.chunks * s.inner;
  const buffers: GPUBuffer[] = [s.x.buffer, s.out.buffer];
  if (s.xIdx) buffers.push(s.xIdx.buffer);
  if (s.outIdx) buffers.push(s.outIdx.buffer);
  const p = new ParamWriter(12);
  p.u32(outputs).u32(s.r).u32(s.inner).u32(s.chunks).u32(chunk).u32(s.x.offset).u32(s.out.offset);
  p.u32(s.xIdx?.offset ?? 0).u32(s.outIdx?.offset ?? 0);
  const key = `reduce|${op}|${arg}|${ct}|${s.x.dtype}|${s.out.dtype}|${rows}|${s.xIdx !== null}|${s.outIdx?.dtype ?? "-"}`;
  const k = rt.kernel(key, p.vec4s, () => {
    const { id, f } = fold(op, ct);
    const t = wgslType(ct);
    let b = 1;
    const decls = [storageDecl(b++, "X", s.x.dtype, false), storageDecl(b++, "O", s.out.dtype, true)];
    if (s.xIdx) decls.push(storageDecl(b++, "XI", "int32", false));
    if (s.outIdx) decls.push(storageDecl(b++, "OI", s.outIdx.dtype, true));
    const ld = (pos: string) => load("X", s.x.dtype, `pu(5u) + ${pos}`, ct);
    const idxOf = (pos: string, i: string) => (s.xIdx ? `XI[pu(7u) + ${pos}]` : `i32(${i})`);
    // better(a, b): a wins over b (first index on ties; NaN wins, the first NaN among NaNs).
    const cmp = op === "max" ? ">" : "<";
    const better =
      ct === "f32"
        ? `fn better(va: f32, ia: i32, vb: f32, ib: i32) -> bool {
  let na = is_nan(va); let nb = is_nan(vb);
  if (na || nb) { return select(na, ia < ib, na && nb); }
  if (va != vb) { return va ${cmp} vb; }
  return ia < ib;
}`
        : ct === "i64"
          ? `fn better(va: vec2<u32>, ia: i32, vb: vec2<u32>, ib: i32) -> bool {
  if (!i64_eq(va, vb)) { return ${op === "max" ? "i64_lt(vb, va)" : "i64_lt(va, vb)"}; }
  return ia < ib;
}`
          : `fn better(va: ${t}, ia: i32, vb: ${t}, ib: i32) -> bool {
  if (va != vb) { return va ${cmp} vb; }
  return ia < ib;
}`;
    const writeOut = (v: string, idx: string, at: string) =>
      `${store("O", s.out.dtype, `pu(6u) + ${at}`, v, ct)}${s.outIdx ? `\n    ${store("OI", s.outIdx.dtype, `pu(8u) + ${at}`, idx, "i32")}` : ""}`;
    // Fold positions [lo, hi) step st of the row/column starting at base into (acc, ai).
    const step = (pos: string, i: string) =>
      arg
        ? `{ let v = ${ld(pos)}; let vi = ${idxOf(pos, i)}; if (better(v, vi, acc, ai)) { acc = v; ai = vi; } }`
        : `acc = ${f("acc", ld(pos))};`;
    if (rows) {
      return `${HEADER(p.vec4s)}
${decls.join("\n")}
var<workgroup> sv: array<${t}, 256>;
var<workgroup> si: array<i32, 256>;
${arg ? better : ""}
${MAIN_WG} {
  let w = wid.x + wid.y * nwg.x;
  if (w >= pu(0u)) { return; }
  let o = w / pu(3u);
  let c = w % pu(3u);
  let lo = c * pu(4u);
  let hi = min(pu(1u), lo + pu(4u));
  let base = o * pu(1u);
  let tid = lid.x;
  var acc: ${t} = ${arg ? ld("base + lo") : id};
  var ai: i32 = ${arg ? idxOf("base + lo", "lo") : "0"};
  for (var i = lo + tid; i < hi; i += 256u) { ${step("base + i", "i")} }
  sv[tid] = acc;
  si[tid] = ai;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h = h >> 1u) {
    if (tid < h) {
      ${arg ? `if (better(sv[tid + h], si[tid + h], sv[tid], si[tid])) { sv[tid] = sv[tid + h]; si[tid] = si[tid + h]; }` : `sv[tid] = ${f("sv[tid]", "sv[tid + h]")};`}
    }
    workgroupBarrier();
  }
  if (tid == 0u) {
    ${writeOut("sv[0]", "si[0]", "w")}
  }
}
`;
    }
    return `${HEADER(p.vec4s)}
${decls.join("\n")}
${arg ? better : ""}
${MAIN_INV} {
  ${COLUMN_INVOCATION}
  let j = w % inner;
  let oc = w / inner;
  let o = oc / pu(3u);
  let c = oc % pu(3u);
  let lo = c * pu(4u);
  let hi = min(pu(1u), lo + pu(4u));
  let base = o * pu(1u) * inner + j;
  var acc: ${t} = ${arg ? ld("base + lo * inner") : id};
  var ai: i32 = ${arg ? idxOf("base + lo * inner", "lo") : "0"};
  for (var i = lo; i < hi; i++) { ${step("base + i * inner", "i")} }
  ${writeOut("acc", "ai", "w")}
}
`;
  });
  const groups = rows ? outputs : Math.ceil(outputs / 256);
  rt.dispatch(k, p.words(), buffers, grid(groups));
}

/** Reduction driver: one pass, or chunked passes until one partial result per output is left. */
function reduceAll(rt: WebGPURuntime, op: ReduceOp, arg: boolean, x: GPUArray, outer: number, r: number, inner: number, out: GPUArray, outIdx: GPUArray | null): void {
  if (outer * inner === 0) return;
  if (r === 0) throw new RuntimeError(`webgpu ${op}: reduction over an empty dim (the op fills its result instead)`);
  const ct = computeTypeOf(out.dtype);
  let xs = x;
  let xIdx: GPUArray | null = null;
  let len = r;
  for (;;) {
    const rows = inner === 1 && len >= ROW_MIN;
    const want = rows ? chunksFor(outer, len, 256, ROW_MIN) : chunksFor(outer * inner, len, 16384, 64);
    // Chunks of `chunk` elements, none empty (the last one may be shorter).
    const chunk = Math.ceil(len / want);
    const chunks = Math.ceil(len / chunk);
    if (chunks === 1) {
      reducePass(rt, op, arg, ct, { x: xs, xIdx, outer, r: len, inner, chunks: 1, chunk: len, out, outIdx });
      break;
    }
    const part = rt.empty(out.dtype, outer * chunks * inner);
    const partIdx = arg ? rt.empty("int32", outer * chunks * inner) : null;
    reducePass(rt, op, arg, ct, { x: xs, xIdx, outer, r: len, inner, chunks, chunk, out: part, outIdx: partIdx });
    if (xs !== x) xs.block.release();
    xIdx?.block.release();
    xs = part;
    xIdx = partIdx;
    len = chunks;
  }
  if (xs !== x) xs.block.release();
  xIdx?.block.release();
}

export function reduce(rt: WebGPURuntime, op: ReduceOp, x: GPUArray, outer: number, r: number, inner: number, out: GPUArray): void {
  reduceAll(rt, op, false, x, outer, r, inner, out, null);
}

export function argReduce(rt: WebGPURuntime, op: "max" | "min", x: GPUArray, outer: number, r: number, inner: number, indices: GPUArray, values: GPUArray | null): void {
  if (indices.dtype !== "int32" && indices.dtype !== "int64") throw new RuntimeError(`webgpu arg${op}: indices must be int32 or int64, got ${indices.dtype}`);
  // The values are needed to fold chunks; without a values output they go to scratch.
  const vals = values ?? rt.empty(x.dtype, outer * inner);
  reduceAll(rt, op, true, x, outer, r, inner, vals, indices);
  if (!values) vals.block.release();
}

/** cumsum or cumprod over r: an inclusive scan in the output's compute type. */
export function cumulative(rt: WebGPURuntime, op: "sum" | "prod", x: GPUArray, outer: number, r: number, inner: number, out: GPUArray): void {
  if (outer * r * inner === 0) return;
  const ct = computeTypeOf(out.dtype);
  if (ct === "bool") throw new RuntimeError(`"cum${op}" not implemented for 'Bool' outputs on webgpu`);
  const { id, f } = fold(op, ct);
  const t = wgslType(ct);
  const rows = inner === 1 && r >= ROW_MIN;
  const p = new ParamWriter(8);
  p.u32(rows ? outer : outer * inner).u32(r).u32(inner).u32(x.offset).u32(out.offset);
  const key = `cum${op}|${ct}|${x.dtype}|${out.dtype}|${rows}`;
  const k = rt.kernel(key, p.vec4s, () => {
    const decls = `${storageDecl(1, "X", x.dtype, false)}\n${storageDecl(2, "O", out.dtype, true)}`;
    const ld = (pos: string) => load("X", x.dtype, `pu(3u) + ${pos}`, ct);
    const st = (pos: string, v: string) => store("O", out.dtype, `pu(4u) + ${pos}`, v, ct);
    if (rows) {
      // One workgroup per row: 256 elements at a time, an inclusive scan in workgroup memory
      // (Hillis-Steele) plus the carry of the previous blocks.
      return `${HEADER(p.vec4s)}
${decls}
var<workgroup> sh: array<${t}, 256>;
${MAIN_WG} {
  ${ROW_WORKGROUP}
  var carry: ${t} = ${id};
  for (var b = 0u; b < r; b += 256u) {
    var v: ${t} = ${id};
    if (b + tid < r) { v = ${ld("base + b + tid")}; }
    sh[tid] = v;
    workgroupBarrier();
    for (var h = 1u; h < 256u; h = h << 1u) {
      var add: ${t} = ${id};
      if (tid >= h) { add = sh[tid - h]; }
      workgroupBarrier();
      sh[tid] = ${f("sh[tid]", "add")};
      workgroupBarrier();
    }
    if (b + tid < r) { ${st("base + b + tid", f("carry", "sh[tid]"))} }
    carry = ${f("carry", "sh[255]")};
    workgroupBarrier();
  }
}
`;
    }
    return `${HEADER(p.vec4s)}
${decls}
${MAIN_INV} {
  ${COLUMN_INVOCATION}
  let j = w % inner;
  let o = w / inner;
  var pos = o * pu(1u) * inner + j;
  var acc: ${t} = ${id};
  for (var i = 0u; i < pu(1u); i++) {
    acc = ${f("acc", ld("pos"))};
    ${st("pos", "acc")}
    pos += inner;
  }
}
`;
  });
  rt.dispatch(k, p.words(), [x.buffer, out.buffer], grid(rows ? outer : Math.ceil((outer * inner) / 256)));
}

/**
 * cumprod's gradient without division (the CPU's formula): per line, S_i = g_i + x_{i+1} S_{i+1}
 * from the end, then out_i = (x_0 ... x_{i-1}) S_i; one invocation per line.
 */
export function cumprodBackward(rt: WebGPURuntime, x: GPUArray, g: GPUArray, outer: number, r: number, inner: number, out: GPUArray): void {
  if (outer * r * inner === 0) return;
  if (x.dtype !== "float32" || g.dtype !== "float32" || out.dtype !== "float32") throw new RuntimeError(`cumprod's gradient is not implemented for '${scalarTypeName(x.dtype)}' on webgpu`);
  const p = new ParamWriter(8);
  p.u32(outer * inner).u32(r).u32(inner).u32(x.offset).u32(g.offset).u32(out.offset);
  const k = rt.kernel("cumprodBackward", p.vec4s, () => `${HEADER(p.vec4s)}
${storageDecl(1, "X", "float32", false)}
${storageDecl(2, "G", "float32", false)}
${storageDecl(3, "O", "float32", true)}
${MAIN_INV} {
  ${COLUMN_INVOCATION}
  let r = pu(1u);
  let base = (w / inner) * r * inner + w % inner;
  var s: f32 = 0.0;
  for (var i = r; i > 0u; i--) {
    let pos = base + (i - 1u) * inner;
    if (i < r) { s = G[pu(4u) + pos] + X[pu(3u) + pos + inner] * s; } else { s = G[pu(4u) + pos]; }
    O[pu(5u) + pos] = s;
  }
  var prefix: f32 = 1.0;
  for (var i = 0u; i < r; i++) {
    let pos = base + i * inner;
    O[pu(5u) + pos] = prefix * O[pu(5u) + pos];
    prefix = prefix * X[pu(3u) + pos];
  }
}
`);
  rt.dispatch(k, p.words(), [x.buffer, g.buffer, out.buffer], grid(Math.ceil((outer * inner) / 256)));
}

export function softmax(rt: WebGPURuntime, x: GPUArray, outer: number, r: number, inner: number, out: GPUArray, log: boolean): void {
  if (outer * r * inner === 0) return;
  if (x.dtype !== "float32" || out.dtype !== "float32") throw new RuntimeError(`"softmax" not implemented for '${scalarTypeName(x.dtype)}' on webgpu`);
  const rows = inner === 1 && r >= ROW_MIN;
  const p = new ParamWriter(8);
  p.u32(rows ? outer : outer * inner).u32(r).u32(inner).u32(x.offset).u32(out.offset);
  const key = `softmax|${log}|${rows}`;
  // max (NaN sticks), then the sum of exp(x - max), then the outputs: an all -inf row is NaN, as PyTorch.
  const write = log ? "X[pu(3u) + q] - m - ls" : "exp_f32(X[pu(3u) + q] - m) / s";
  const k = rt.kernel(key, p.vec4s, () => {
    const decls = `${storageDecl(1, "X", "float32", false)}\n${storageDecl(2, "O", "float32", true)}`;
    const maxOf = (a: string, b: string) => `select(select(${b}, ${a}, ${a} > ${b}), ${a}, is_nan(${a}))`;
    if (rows) {
      return rowKernel(p.vec4s, decls, `  var m = -f32_inf();
  for (var i = tid; i < r; i += 256u) { m = ${maxOf("m", "X[pu(3u) + base + i]")}; }
  ${workgroupFold("m", maxOf)}
  var s = 0.0;
  for (var i = tid; i < r; i += 256u) { s += exp_f32(X[pu(3u) + base + i] - m); }
  ${workgroupFold("s", plus)}
  let ls = log_f32(s);
  for (var i = tid; i < r; i += 256u) { let q = base + i; O[pu(4u) + q] = ${write}; }`);
    }
    return columnKernel(p.vec4s, decls, `  var m = -f32_inf();
  for (var i = 0u; i < r; i++) { m = ${maxOf("m", "X[pu(3u) + base + i * inner]")}; }
  var s = 0.0;
  for (var i = 0u; i < r; i++) { s += exp_f32(X[pu(3u) + base + i * inner] - m); }
  let ls = log_f32(s);
  for (var i = 0u; i < r; i++) { let q = base + i * inner; O[pu(4u) + q] = ${write}; }`);
  });
  rt.dispatch(k, p.words(), [x.buffer, out.buffer], grid(rows ? outer : Math.ceil((outer * inner) / 256)));
}

/**
 * softmax's (log: logSoftmax's) input gradient from its output Y and upstream gradient G (ATen's
 * _softmax_backward_data), the same two layouts as softmax: the row's sum of G * Y (log: of G),
 * then (G - sum) * Y (log: G - exp(Y) * sum).
 */
export function softmaxBackward(rt: WebGPURuntime, y: GPUArray, g: GPUArray, outer: number, r: number, inner: number, out: GPUArray, log: boolean): void {
  if (outer * r * inner === 0) return;
  if (y.dtype !== "float32" || g.dtype !== "float32" || out.dtype !== "float32") throw new RuntimeError(`"softmax_backward_data" not implemented for '${scalarTypeName(y.dtype)}' on webgpu`);
  const rows = inner === 1 && r >= ROW_MIN;
  const p = new ParamWriter(8);
  p.u32(rows ? outer : outer * inner).u32(r).u32(inner).u32(y.offset).u32(g.offset).u32(out.offset);
  const key = `softmaxBackward|${log}|${rows}`;
  const term = (q: string) => (log ? `G[pu(4u) + ${q}]` : `G[pu(4u) + ${q}] * Y[pu(3u) + ${q}]`);
  const write = (q: string) => (log ? `G[pu(4u) + ${q}] - exp_f32(Y[pu(3u) + ${q}]) * s` : `(G[pu(4u) + ${q}] - s) * Y[pu(3u) + ${q}]`);
  const k = rt.kernel(key, p.vec4s, () => {
    const decls = `${storageDecl(1, "Y", "float32", false)}\n${storageDecl(2, "G", "float32", false)}\n${storageDecl(3, "O", "float32", true)}`;
    if (rows) {
      return rowKernel(p.vec4s, decls, `  var s = 0.0;
  for (var i = tid; i < r; i += 256u) { let q = base + i; s += ${term("q")}; }
  ${workgroupFold("s", plus)}
  for (var i = tid; i < r; i += 256u) { let q = base + i; O[pu(5u) + q] = ${write("q")}; }`);
    }
    return columnKernel(p.vec4s, decls, `  var s = 0.0;
  for (var i = 0u; i < r; i++) { let q = base + i * inner; s += ${term("q")}; }
  for (var i = 0u; i < r; i++) { let q = base + i * inner; O[pu(5u) + q] = ${write("q")}; }`);
  });
  rt.dispatch(k, p.words(), [y.buffer, g.buffer, out.buffer], grid(rows ? outer : Math.ceil((outer * inner) / 256)));
}
