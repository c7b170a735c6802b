// F.ctc_loss: the connectionist temporal classification loss (Graves et al. 2006), computed as
// ATen's CPU kernels compute it (LossCTC.cpp): the forward variables alpha over the extended
// target l' (a blank before, between and after the labels) in log space, the loss -log p(l|x)
// from the last two; the gradient from the backward variables beta, in one host loop per
// sample. Every value stored in the input's dtype, and for float32 every operation rounded to
// float32, as ATen's float loops compute.
//
// The gradient is ATen's, which is not the derivative with respect to log_probs: it is
// exp(log_probs) - exp(log(sum of alpha * beta over l' positions of the class) + nll - log_probs),
// the first term added because log_probs are meant to come from log_softmax, whose backward
// removes it again (the class sum of either expression's softmax-weighted part is the same);
// so gradients through log_softmax are the derivative, and a log_probs leaf's .grad is PyTorch's.
//
// The lengths and targets are read on the host; log_probs on another device is refused with
// the asynchronous-read error (copy it to the CPU first).
import { bool, checkTensor, describe, int, param, parseArgs, type Args } from "../../args.ts";
import { RuntimeError, TorchTypeError } from "../../errors.ts";
import { isFloating, isIntegral, scalarTypeName, allocate, type NumArray } from "../../dtype.ts";
import { record } from "../../autograd/node.ts";
import { dense, fromHost, hostData, numberData } from "../../ops/alloc.ts";
import { where } from "../../ops/elementwise.ts";
import { CPU } from "../../device.ts";
import { Tensor } from "../../tensor.ts";
import { REDUCTION, type Reduction } from "../reduction.ts";

/** The options of `F.ctcLoss` (and `nn.CTCLoss`'s constructor) after the four inputs. */
export interface CtcLossOptions {
  /** The blank label's class index; PyTorch's default 0. */
  blank?: number;
  /** "none" (the per-sample losses), "mean" (each divided by its target length, then the batch mean) or "sum"; PyTorch's default "mean". */
  reduction?: Reduction;
  /** Infinite losses (inputs too short for their targets) and their gradients become 0; PyTorch's default false. */
  zeroInfinity?: boolean;
}
export const CTC_PARAMS = [param("blank", int(), 0), REDUCTION, param("zeroInfinity", bool, false)];
export type CtcPositional = [blank: number, reduction: Reduction, zeroInfinity: boolean];

/** Lengths as PyTorch takes them: a tensor of integers, or a list of them (both lengths the same kind). */
export type CtcLengths = Tensor | readonly number[];

const CHECKING = " (while checking arguments for ctc_loss_cpu)";

/** The lengths as numbers: an integral tensor's values, or a list of integers. */
function lengthsOf(v: CtcLengths, arg: string): number[] {
  if (v instanceof Tensor) {
    if (!isIntegral(v.dtype)) throw new RuntimeError(`${arg} must be integral`);
    return Array.from(numberData(v, "ctcLoss()", `F.ctcLoss with ${arg} on the CPU`));
  }
  return Array.from(v);
}

/** One batch of the problem, every array in row-major order. */
interface Problem {
  /** log_probs [T, N, C] in their dtype. */
  lp: NumArray;
  T: number; N: number; C: number;
  blank: number;
  inputLengths: number[];
  targetLengths: number[];
  /** Per sample, the extended target l' (2 * length + 1 classes): the blank at even s, label (s - 1) / 2 at odd s. */
  primes: Int32Array[];
  /** 2 * max target length + 1: the positions of alpha and beta per time step. */
  S: number;
  /** Rounding of every stored and computed value to the dtype (Math.fround for float32). */
  r: (x: number) => number;
}

/** log(e^a + e^b + e^c) as ATen's loops compute it: shifted by the largest, 0 when all are -inf. */
function logSum3(a: number, b: number, c: number, r: (x: number) => number): number {
  let m = a;
  if (b > m) m = b;
  if (c > m) m = c;
  if (m === -Infinity) m = 0;
  return r(r(Math.log(r(r(r(Math.exp(r(a - m))) + r(Math.exp(r(b - m)))) + r(Math.exp(r(c - m)))))) + m);
}

/** The forward variables alpha [N, T, S] (log) and the per-sample losses (LossCTC.cpp's ctc_loss_cpu_template). */
function forward(p: Problem): { alpha: NumArray; nll: NumArray } {
  const { lp, T, N, C, S, blank, r } = p;
  const alpha = allocate(p.lp instanceof Float32Array ? "float32" : "float64", N * T * S) as NumArray;
  alpha.fill(-Infinity);
  const nll = allocate(p.lp instanceof Float32Array ? "float32" : "float64", N) as NumArray;
  for (let b = 0; b < N; b++) {
    const ext = p.primes[b]!;
    const il = p.inputLengths[b]!, tl = p.targetLengths[b]!;
    if (il === 0) {
      nll[b] = tl === 0 ? -0 : Infinity;
      continue;
    }
    const a = (t: number) => (b * T + t) * S;
    alpha[a(0)] = lp[b * C + blank]!;
    if (tl > 0) alpha[a(0) + 1] = lp[b * C + ext[1]!]!;
    for (let t = 1; t < il; t++) {
      const prev = a(t - 1), cur = a(t), row = (t * N + b) * C;
      for (let s = 0; s < 2 * tl + 1; s++) {
        const c = ext[s]!;
        const la2 = s > 0 ? alpha[prev + s - 1]! : -Infinity;
        const la3 = s > 1 && ext[s - 2] !== c ? alpha[prev + s - 2]! : -Infinity;
        alpha[cur + s] = r(logSum3(alpha[prev + s]!, la2, la3, r) + lp[row + c]!);
      }
    }
    const last = a(il - 1);
    if (tl === 0) nll[b] = -alpha[last]!;
    else {
      const l1 = alpha[last + 2 * tl]!, l2 = alpha[last + 2 * tl - 1]!;
      let m = l1 < l2 ? l2 : l1; // std::max(l1, l2)
      if (m === -Infinity) m = 0;
      nll[b] = -r(r(Math.log(r(r(Math.exp(r(l1 - m))) + r(Math.exp(r(l2 - m)))))) + m);
    }
  }
  return { alpha, nll };
}

/** ATen's gradient with respect to log_probs [T, N, C] (ctc_loss_backward_cpu_template), for upstream gradients `gr` [N]. */
function backward(p: Problem, alpha: NumArray, nll: NumArray, gr: NumArray, zeroInfinity: boolean): NumArray {
  const { lp, T, N, C, S, blank, r } = p;
  const grad = allocate(lp instanceof Float32Array ? "float32" : "float64", T * N * C) as NumArray;
  grad.fill(-Infinity); // the log of an empty sum, until the sums of alpha * beta are collected
  const beta = allocate(lp instanceof Float32Array ? "float32" : "float64", T * S) as NumArray;
  const at = (b: number, t: number, c: number) => (t * N + b) * C + c;
  for (let b = 0; b < N; b++) {
    const il = p.inputLengths[b]!, tl = p.targetLengths[b]!, ext = p.primes[b]!;
    const loss = nll[b]!;
    if (zeroInfinity && loss === Infinity) {
      for (let t = 0; t < T; t++) grad.fill(0, at(b, t, 0), at(b, t, C));
      continue;
    }
    const a = (t: number) => (b * T + t) * S;
    if (il > 0) {
      const e = (il - 1) * S;
      beta.fill(-Infinity, e, e + S);
      beta[e + 2 * tl] = lp[at(b, il - 1, blank)]!;
      grad[at(b, il - 1, blank)] = r(alpha[a(il - 1) + 2 * tl]! + beta[e + 2 * tl]!);
      if (tl > 0) {
        const c = ext[2 * tl - 1]!;
        beta[e + 2 * tl - 1] = lp[at(b, il - 1, c)]!;
        grad[at(b, il - 1, c)] = r(alpha[a(il - 1) + 2 * tl - 1]! + beta[e + 2 * tl - 1]!);
      }
    }
    for (let t = il - 2; t >= 0; t--) {
      const next = (t + 1) * S, cur = t * S;
      for (let s = 2 * tl; s >= 0; s--) {
        const c = ext[s]!;
        const lb2 = s < 2 * tl ? beta[next + s + 1]! : -Infinity;
        const lb3 = s < 2 * tl - 1 && ext[s + 2] !== c ? beta[next + s + 2]! : -Infinity;
        beta[cur + s] = r(logSum3(beta[next + s]!, lb2, lb3, r) + lp[at(b, t, c)]!);
        // collected[t, l'(s)] "log+=" alpha[t, s] + beta[t, s]
        const lab = r(alpha[a(t) + s]! + beta[cur + s]!);
        const i = at(b, t, c);
        const lcab = grad[i]!;
        if (lcab === -Infinity) grad[i] = lab;
        else {
          const m = lcab < lab ? lab : lcab;
          grad[i] = r(r(Math.log(r(r(Math.exp(r(lcab - m))) + r(Math.exp(r(lab - m)))))) + m);
        }
      }
    }
    const g = gr[b]!;
    for (let t = 0; t < il; t++) {
      for (let c = 0; c < C; c++) {
        const i = at(b, t, c);
        const x = lp[i]!;
        grad[i] = r(r(r(Math.exp(x)) - r(Math.exp(r(r(grad[i]! + loss) - x)))) * g);
      }
    }
    for (let t = il; t < T; t++) grad.fill(0, at(b, t, 0), at(b, t, C));
  }
  return grad;
}

/**
 * The per-sample losses of log_probs [T, N, C] (CtcLossBackward0 in the graph), after ATen's
 * argument checks in its order.
 */
function ctcNll(logProbs: Tensor, targets: Tensor, inputLengths: number[], targetLengths: number[], blank: number, zeroInfinity: boolean): Tensor {
  if (logProbs.ndim !== 3) throw new RuntimeError(`Expected 3-dimensional tensor, but got ${logProbs.ndim}-dimensional tensor for argument #1 'log_probs'${CHECKING}`);
  if (targets.ndim < 1 || targets.ndim > 2) throw new RuntimeError(`Expected 1 to 2 dimensions, but got ${targets.ndim}-dimensional tensor for argument #2 'targets'${CHECKING}`);
  const [T, N, C] = logProbs.shape as [number, number, number];
  if (blank < 0 || blank >= C) throw new RuntimeError("blank must be in label range");
  if (inputLengths.length !== N) throw new RuntimeError("input_lengths must be of size batch_size");
  if (targetLengths.length !== N) throw new RuntimeError("target_lengths must be of size batch_size");
  for (const tl of targetLengths) {
    if (tl < 0) throw new RuntimeError(`Expected target_lengths to have value at least 0, but got value ${tl}${CHECKING}`);
  }
  const maxTl = targetLengths.reduce((m, v) => Math.max(m, v), 0);
  // targets: concatenated (1-d, sum of the lengths) or padded [N, >= max length]
  // (the labels are read densely: sample b's k-th label at offsets[b] + k)
  const offsets: number[] = [];
  if (targets.ndim === 1) {
    let pos = 0;
    for (const tl of targetLengths) {
      offsets.push(pos);
      pos += tl;
    }
    if (targets.shape[0] !== pos) throw new RuntimeError(`Expected tensor to have size ${pos} at dimension 0, but got size ${targets.shape[0]} for argument #2 'targets'${CHECKING}`);
  } else {
    const [rows, cols] = targets.shape as [number, number];
    for (let b = 0; b < N; b++) offsets.push(b * cols);
    if (rows !== N) throw new RuntimeError(`Expected tensor to have size ${N} at dimension 0, but got size ${rows} for argument #2 'targets'${CHECKING}`);
    if (cols < maxTl) throw new RuntimeError(`Expected tensor to have size at least ${maxTl} at dimension 1, but got size ${cols} for argument #2 'targets'${CHECKING}`);
  }
  for (const il of inputLengths) {
    if (il < 0) throw new RuntimeError(`Expected input_lengths to have value at least 0, but got value ${il}${CHECKING}`);
    if (il > T) throw new RuntimeError(`Expected input_lengths to have value at most ${T}, but got value ${il}${CHECKING}`);
  }
  // labels as ATen reads them: converted to int64 (a float label truncated)
  const labels = Array.from(numberData(targets, "ctcLoss()", "F.ctcLoss with targets on the CPU"), Math.trunc);
  // ATen reads a label outside [0, C) past the row's end; here it is an error
  for (let b = 0; b < N; b++) {
    for (let k = 0; k < targetLengths[b]!; k++) {
      const v = labels[offsets[b]! + k]!;
      if (!(v >= 0 && v < C)) throw new RuntimeError(`Target ${v} is out of bounds for ${C} classes (sample ${b}, position ${k}) for argument #2 'targets'${CHECKING}`);
    }
  }
  const problem: Problem = {
    lp: hostData(logProbs, "ctcLoss()", "F.ctcLoss(await logProbs.cpuAsync(), ...)") as NumArray,
    T, N, C, blank, inputLengths, targetLengths, S: 2 * maxTl + 1,
    primes: targetLengths.map((tl, b) => Int32Array.from({ length: 2 * tl + 1 }, (_, s) => (s % 2 === 0 ? blank : labels[offsets[b]! + (s - 1) / 2]!))),
    r: logProbs.dtype === "float32" ? Math.fround : (x) => x,
  };
  const { alpha, nll } = forward(problem);
  const out = fromHost(nll, [N], logProbs.dtype, CPU);
  return record(out, "CtcLossBackward0", [logProbs], [logProbs], (g, [lp]) => {
    const grad = fromHost(backward(problem, alpha, nll, dense(g) as NumArray, zeroInfinity), [T, N, C], logProbs.dtype, CPU);
    // a graph of the gradient (createGraph) has no derivative, as in PyTorch
    return [record(grad, "NotImplemented", [g, lp!], [], () => { throw new RuntimeError("derivative for aten::_ctc_loss_backward is not implemented"); })];
  }, { blank, zero_infinity: zeroInfinity, input_lengths: inputLengths, target_lengths: targetLengths });
}

/**
 * F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean',
 * zero_infinity=False). log_probs [T, N, C] (or [T, C] unbatched), log-probabilities over C
 * classes (blank included); targets padded [N, S] or concatenated (1-d, the sum of the target
 * lengths), labels in [0, C); the lengths as integer tensors or arrays (one-element arrays
 * or 0-d tensors unbatched). The loss per sample is -log p(target | input); "mean" divides each by its target
 * length (at least 1), then takes the batch mean.
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: CtcLengths, targetLengths: CtcLengths, ...args: Args<CtcPositional, CtcLossOptions>): Tensor;
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: CtcLengths, targetLengths: CtcLengths, ...args: unknown[]): Tensor {
  const fn = "ctcLoss";
  checkTensor(logProbs, "log_probs", fn);
  checkTensor(targets, "targets", fn);
  const o = parseArgs<{ blank: number; reduction: Reduction; zeroInfinity: boolean }>(fn, CTC_PARAMS, args);
  const tensors = inputLengths instanceof Tensor, lists = Array.isArray(inputLengths);
  if (!(tensors ? targetLengths instanceof Tensor : lists && Array.isArray(targetLengths))) {
    throw new TorchTypeError(`${fn}(): input_lengths and target_lengths must both be tensors of integers or both arrays of integers, but got ${kindOf(inputLengths)} and ${kindOf(targetLengths)}`);
  }
  if (lists) {
    for (const [arg, v] of [["input_lengths", inputLengths], ["target_lengths", targetLengths]] as const) {
      const i = (v as readonly unknown[]).findIndex((x) => typeof x !== "number" || !Number.isInteger(x));
      if (i >= 0) throw new TorchTypeError(`${fn}(): argument '${arg}' must be an array of integers, but element ${i} is ${describe((v as readonly unknown[])[i])}`);
    }
  }
  const il = lengthsOf(inputLengths, "input_lengths"), tl = lengthsOf(targetLengths, "target_lengths");
  if (!isFloating(logProbs.dtype)) throw new RuntimeError(`"ctc_loss_cpu" not implemented for '${scalarTypeName(logProbs.dtype)}'`);
  const batched = logProbs.ndim === 3;
  let res = ctcNll(batched ? logProbs : logProbs.unsqueeze(1), targets, il, tl, o.blank, o.zeroInfinity);
  if (o.zeroInfinity) res = where(res.eq(Infinity), 0, res);
  if (o.reduction === "mean") {
    const lengths = allocate(res.dtype, tl.length) as NumArray;
    tl.forEach((v, i) => { lengths[i] = Math.max(v, 1); });
    return res.div(fromHost(lengths, [tl.length], res.dtype, CPU)).mean();
  }
  if (o.reduction === "sum") return res.sum();
  return batched ? res : res.squeeze(0);
}

function kindOf(v: unknown): string {
  if (v instanceof Tensor) return "a Tensor";
  if (Array.isArray(v)) return "an array";
  return v === null ? "null" : typeof v;
}
