// The map kernel: out[i] = f(inputs[i]) over one shape, every operand a strided view (stride
// 0 where broadcast) or a host scalar passed as a parameter. One invocation per output
// element; its flat index is split into coordinates with the shape (after merging dims that
// are contiguous for every operand, as the CPU backend does), and each operand's offset is
// the dot product of those coordinates with its strides. Every elementwise kernel of the
// backend (unary, binary, where, clamp, axpy, copy with casts, fill, erf) is one of these.
import { RuntimeError } from "../../errors.ts";
import type { Shape } from "../../layout.ts";
import type { Operand, StridedView } from "../backend.ts";
import { coalesce } from "../cpu/strided.ts";
import { GPUArray } from "./array.ts";
import { grid, type WebGPURuntime } from "./runtime.ts";
import { FLAT_INDEX, LIB, MAIN_256, ParamWriter, load, paramsDecl, param, storageDecl, store, type ComputeType } from "./wgsl.ts";

export interface MapInput {
  /** The WGSL name the expression uses for this input's value. */
  name: string;
  view: Operand<GPUArray>;
  /** The compute type the value is loaded as. */
  ct: ComputeType;
}

/** A value the expression reads as a parameter (clamp's bounds, axpy's alpha, fill's value). */
export interface MapConstant {
  name: string;
  ct: ComputeType;
  value: number | bigint;
}

export interface MapSpec {
  /** Identifies the expression in the pipeline cache (with the operand types and layout). */
  op: string;
  shape: Shape;
  inputs: readonly MapInput[];
  constants?: readonly MapConstant[];
  out: StridedView<GPUArray>;
  /** The compute type of `expr`; the stored value is converted to out's dtype. */
  outCt: ComputeType;
  /** WGSL expression of type outCt over the input and constant names. */
  expr: string;
}

/** A host operand's single value (a broadcast scalar). */
export function hostScalar(v: StridedView<Float64Array> | Operand<GPUArray>): number | bigint {
  const d = v.data as unknown as ArrayLike<number | bigint>;
  return d[v.offset]!;
}

export const isHost = (v: Operand<GPUArray>): v is StridedView<Float64Array> => !(v.data instanceof GPUArray);

function checkHost(v: Operand<GPUArray>, op: string): void {
  if (v.strides.some((s, k) => s !== 0 && v.shape[k] !== 1)) {
    throw new RuntimeError(`webgpu ${op}: an operand in host memory must be a broadcast scalar (all strides 0); move the tensor to the device first`);
  }
}

/**
 * WGSL declaring `var <name>: i32` for each operand: its element offset for the flat index
 * `i`. Parameters: the nd dims of the shape at word shapeAt, then per operand (from word
 * operandsAt on) its offset and nd strides.
 */
export function offsetsCode(nd: number, shapeAt: number, names: readonly string[], operandsAt: number): string {
  const base = (v: number) => operandsAt + v * (nd + 1);
  let code = `  var r = i;\n`;
  names.forEach((nm, v) => (code += `  var ${nm} = pi(${base(v)}u);\n`));
  for (let d = nd - 1; d >= 0; d--) {
    code += `  { let c = i32(r % pu(${shapeAt + d}u)); r = r / pu(${shapeAt + d}u);`;
    names.forEach((nm, v) => (code += ` ${nm} += c * pi(${base(v) + 1 + d}u);`));
    code += ` }\n`;
  }
  return code;
}

let writer = new ParamWriter(64);

export function runMap(rt: WebGPURuntime, spec: MapSpec): void {
  const { shape, inputs, out } = spec;
  let n = 1;
  for (const s of shape) n *= s;
  if (n === 0) return;
  const strided: { view: StridedView<GPUArray>; name: string; ct: ComputeType }[] = [];
  const scalars: MapInput[] = [];
  for (const inp of inputs) {
    if (isHost(inp.view)) {
      checkHost(inp.view, spec.op);
      scalars.push(inp);
    } else strided.push({ view: inp.view as StridedView<GPUArray>, name: inp.name, ct: inp.ct });
  }
  const merged = coalesce(shape, [out.strides, ...strided.map((s) => s.view.strides)]);
  const nd = merged.shape.length;
  // One binding per distinct buffer: the output's first (read_write); an input on the same
  // buffer reads through it (WebGPU forbids binding a buffer writable and readable at once).
  const buffers: GPUBuffer[] = [out.data.buffer];
  const dtypes = [out.data.dtype];
  const bindingOf = strided.map((s) => {
    let b = buffers.indexOf(s.view.data.buffer);
    if (b < 0) {
      b = buffers.push(s.view.data.buffer) - 1;
      dtypes.push(s.view.data.dtype);
    }
    return b;
  });
  const constants = spec.constants ?? [];
  const key =
    `map|${spec.op}|${spec.outCt}|${out.data.dtype}|${nd}|` +
    strided.map((s, k) => `${s.name}:${s.view.data.dtype}:${s.ct}:${bindingOf[k]}`).join(",") +
    "|" + scalars.map((s) => `${s.name}:${s.ct}`).join(",") +
    "|" + constants.map((c) => `${c.name}:${c.ct}`).join(",");

  // Parameters: n, shape, then per strided operand (out first) offset + strides, then scalars.
  const need = 1 + nd + (strided.length + 1) * (nd + 1) + 2 * (scalars.length + constants.length);
  if (writer.u.length < need) writer = new ParamWriter(need * 2);
  const p = writer;
  p.length = 0;
  p.u32(n);
  for (const s of merged.shape) p.u32(s);
  const views = [out, ...strided.map((s) => s.view)];
  views.forEach((v, k) => {
    p.i32(v.data.offset + v.offset);
    for (const st of merged.strides[k]!) p.i32(st);
  });
  const scalarAt: number[] = [];
  for (const s of scalars) {
    scalarAt.push(p.length);
    p.value(hostScalar(s.view), s.ct);
  }
  const constAt: number[] = [];
  for (const c of constants) {
    constAt.push(p.length);
    p.value(c.value, c.ct);
  }
  const vec4s = p.vec4s;

  const k = rt.kernel(key, vec4s, () => {
    const decls = buffers.map((_, b) => storageDecl(b + 1, `buf${b}`, dtypes[b]!, b === 0)).join("\n");
    let body = offsetsCode(nd, 1, ["o_out", ...strided.map((s) => `o_${s.name}`)], 1 + nd);
    strided.forEach((s, v) => (body += `  let ${s.name} = ${load(`buf${bindingOf[v]}`, s.view.data.dtype, `o_${s.name}`, s.ct)};\n`));
    scalars.forEach((s, v) => (body += `  let ${s.name} = ${param(scalarAt[v]!, s.ct)};\n`));
    constants.forEach((c, v) => (body += `  let ${c.name} = ${param(constAt[v]!, c.ct)};\n`));
    body += `  ${store("buf0", out.data.dtype, "o_out", `(${spec.expr})`, spec.outCt)}\n`;
    return `${paramsDecl(vec4s)}\n${decls}\n${LIB}\n${MAIN_256} {\n  ${FLAT_INDEX}\n  if (i >= pu(0u)) { return; }\n${body}}\n`;
  });
  rt.dispatch(k, p.words(), buffers, grid(Math.ceil(n / 256)));
}
