// Matrix products. One primitive (batched matmul over 3-D strided views); mm, bmm and
// matmul's 1-D and broadcast cases are views around it, so strided and broadcast operands
// (stride 0 batch) reach the kernel without copies.
import { gradMode } from "../autograd/gradMode.ts";
import { record } from "../autograd/node.ts";
import { tracing } from "../autograd/trace.ts";
import { RuntimeError } from "../errors.ts";
import { checkTensor } from "../args.ts";
import { broadcastShapes, fmtShape, numelOf, viewStrides } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
import { backendOf, output, sv } from "./alloc.ts";
import { t } from "./shape.ts";

const typeName = (d: string): string => ({ float32: "float", float64: "double", int32: "int", int64: "long", bool: "bool" })[d] ?? d;

/** The primitive: a [B, m, k] @ b [B, k, n] -> [B, m, n]. */
function bmmCore(a: Tensor, b: Tensor): Tensor {
  const [batch, m, k] = a.shape;
  const n = b.shape[2];
  const backend = backendOf(a, b);
  const out = output([batch, m, n], a.dtype, a._box.device);
  if (k === 0) backend.fill(out._box.data, 0);
  else backend.matmul(sv(a), sv(b), out._box.data, batch, m, k, n);
  return record(out, "BmmBackward0", [a, b], [a, b], (g, [a, b]) => [
    a.requiresGrad ? g.bmm(b.transpose(1, 2)) : null,
    b.requiresGrad ? a.transpose(1, 2).bmm(g) : null,
  ]);
}

function sameDtype(a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) throw new RuntimeError(`expected scalar type ${typeName(a.dtype)} but found ${typeName(b.dtype)}`);
}

export function mm(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "input", "mm");
  checkTensor(b, "mat2", "mm");
  if (a.shape.length !== 2) throw new RuntimeError(`self must be a matrix`);
  if (b.shape.length !== 2) throw new RuntimeError(`mat2 must be a matrix`);
  if (a.shape[1] !== b.shape[0]) {
    throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  }
  sameDtype(a, b);
  const [m, k] = a.shape;
  const n = b.shape[1];
  const backend = backendOf(a, b);
  const out = output([m, n], a.dtype, a._box.device);
  const as3 = { ...sv(a), shape: [1, m, k], strides: [0, a.strides[0], a.strides[1]] };
  const bs3 = { ...sv(b), shape: [1, k, n], strides: [0, b.strides[0], b.strides[1]] };
  if (k === 0) backend.fill(out._box.data, 0);
  else backend.matmul(as3, bs3, out._box.data, 1, m, k, n);
  return record(out, "MmBackward0", [a, b], [a, b], (g, [a, b]) => [
    a.requiresGrad ? g.mm(b.t()) : null,
    b.requiresGrad ? a.t().mm(g) : null,
  ]);
}

/**
 * F.linear's primitive: y = x W^T + b for x [rows, in], W [out, in], b [out]. One kernel
 * instead of transpose + mm + add, because the seed program is bound by per-op cost. The
 * graph it records is PyTorch's for F.linear on 2-d input: AddmmBackward0 (MmBackward0
 * without bias) over (bias, x, W.t()), with W.t() a TBackward0 view, so graph pictures and
 * anything walking nextFunctions see PyTorch's nodes. The weight's gradient is computed as
 * g^T x ([out, in], contiguous) and handed through the two transposes as views.
 */
export function linear2d(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const [m, k] = x.shape;
  const n = w.shape[0];
  if (w.shape[1] !== k) throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${w.shape[1]}x${n})`);
  if (b !== null && (b.shape.length !== 1 || b.shape[0] !== n)) {
    throw new RuntimeError(`linear: bias of shape [${b.shape.join(", ")}] does not match the ${n} output features`);
  }
  sameDtype(x, w);
  const backend = backendOf(x, w, b);
  const out = output([m, n], x.dtype, x._box.device);
  const o = out._box.data;
  const xs = { ...sv(x), shape: [1, m, k], strides: [0, x.strides[0], x.strides[1]] };
  const wt = { ...sv(w), shape: [1, k, n], strides: [0, w.strides[1], w.strides[0]] };
  if (k > 0) backend.matmul(xs, wt, o, 1, m, k, n);
  else backend.fill(o, 0); // a device's empty is not zeroed
  // out += b, each row (in place: the elementwise kernels read an element before writing it)
  if (b !== null) backend.binary("add", sv(out), sv(b, [0, b.strides[0]], [m, n]), o);
  // record only builds the graph (and a trace's ops) when one of them will be used
  if (tracing.active === null && (!gradMode.enabled || !(x.requiresGrad || w.requiresGrad || (b !== null && b.requiresGrad)))) return out;
  // As ATen: mat1 is saved when mat2 needs a gradient and mat2 when mat1 does; each one's
  // strides are kept when its own gradient is needed (the attributes graph pictures show).
  const mat2 = t(w);
  const needX = x.requiresGrad;
  const needW = mat2.requiresGrad;
  const saved = needX && needW ? [x, mat2] : needW ? [x] : needX ? [mat2] : [];
  const vjp = (g: Tensor, s: readonly Tensor[]): Array<Tensor | null> => [
    needX ? g.mm(s[needW ? 1 : 0].t()) : null,
    needW ? g.t().mm(s[0]).t() : null,
  ];
  const x1 = needW ? undefined : null;
  const x2 = needX ? undefined : null;
  const strides1 = needX ? x.strides : [];
  const strides2 = needW ? mat2.strides : [];
  if (b === null) {
    const attrs = { self: x1, self_sym_sizes: x.shape, self_sym_strides: strides1, mat2: x2, mat2_sym_sizes: mat2.shape, mat2_sym_strides: strides2 };
    return record(out, "MmBackward0", [x, mat2], saved, vjp, attrs, needX && needW ? MM_SAVED : needW ? MM_SAVED_1 : MM_SAVED_2);
  }
  const attrs = { alpha: 1, beta: 1, mat1: x1, mat1_sym_sizes: x.shape, mat1_sym_strides: strides1, mat2: x2, mat2_sym_sizes: mat2.shape, mat2_sym_strides: strides2 };
  const names = needX && needW ? ADDMM_SAVED : needW ? ADDMM_SAVED_1 : MM_SAVED_2;
  return record(out, "AddmmBackward0", [b, x, mat2], saved, (g, s) => [b.requiresGrad ? g.sum(0) : null, ...vjp(g, s)], attrs, names);
}
const ADDMM_SAVED = ["mat1", "mat2"];
const ADDMM_SAVED_1 = ["mat1"];
const MM_SAVED = ["self", "mat2"];
const MM_SAVED_1 = ["self"];
const MM_SAVED_2 = ["mat2"];

export function bmm(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "input", "bmm");
  checkTensor(b, "mat2", "bmm");
  if (a.shape.length !== 3) throw new RuntimeError(`batch1 must be a 3D tensor`);
  if (b.shape.length !== 3) throw new RuntimeError(`batch2 must be a 3D tensor`);
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`);
  }
  sameDtype(a, b);
  return bmmCore(a, b);
}

/** Views [...batch, r, c] as [B, r, c] without copying when the batch dims allow it. */
function asBatch3(x: Tensor, batch: readonly number[]): Tensor {
  const r = x.shape[x.shape.length - 2];
  const c = x.shape[x.shape.length - 1];
  const e = x.expand([...batch, r, c]);
  const target = [numelOf(batch), r, c];
  return viewStrides(e.shape, e.strides, target) ? e.view(target) : e.reshape(target);
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "input", "matmul");
  checkTensor(b, "other", "matmul");
  const da = a.shape.length;
  const db = b.shape.length;
  if (da === 0 || db === 0) throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  if (da === 1 && db === 1) {
    if (a.shape[0] !== b.shape[0]) {
      throw new RuntimeError(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
    }
    return mm(a.unsqueeze(0), b.unsqueeze(1)).reshape([]);
  }
  if (da <= 2 && db <= 2) {
    const a2 = da === 1 ? a.unsqueeze(0) : a;
    const b2 = db === 1 ? b.unsqueeze(1) : b;
    const r = mm(a2, b2);
    return da === 1 ? r.squeeze(0) : db === 1 ? r.squeeze(1) : r;
  }
  const a2 = da === 1 ? a.unsqueeze(0) : a;
  const b2 = db === 1 ? b.unsqueeze(1) : b;
  const [m, k] = a2.shape.slice(-2);
  const [k2, n] = b2.shape.slice(-2);
  if (k !== k2) {
    throw new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: [${numelOf(a2.shape.slice(0, -2))}, ${k}] but got: [${numelOf(b2.shape.slice(0, -2))}, ${k2}].`);
  }
  sameDtype(a, b);
  let batch: number[];
  try {
    batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  } catch {
    throw new RuntimeError(`matmul: batch dimensions of ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be broadcast`);
  }
  let r = bmmCore(asBatch3(a2, batch), asBatch3(b2, batch)).reshape([...batch, m, n]);
  if (da === 1) r = r.squeeze(-2);
  if (db === 1) r = r.squeeze(-1);
  return r;
}
