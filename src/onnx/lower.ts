// Lowering: the traced ops (src/autograd/trace.ts) to ONNX nodes, one function per op name
// (the autograd node's name, or a scope's). Values computed only from constants are folded
// into initializers (doConstantFolding); numbers that depend on dynamic axes (found by
// src/onnx/dynamic.ts) are computed in the graph from the inputs' shapes.
import type { TraceOp, TraceValue } from "../autograd/trace.ts";
import { resultType, type DType } from "../dtype.ts";
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { type Analysis, type Dim, isDyn } from "./dynamic.ts";
import { type Attr, fold, float, GraphBuilder, int, ints, ONNX_DTYPE } from "./graph.ts";
import { lowerRnn } from "./rnn.ts";

/** What a lowering function sees of one traced op. */
export class OpCtx {
  constructor(readonly op: TraceOp, readonly low: Lowering) {}
  get g(): GraphBuilder {
    return this.low.g;
  }
  private input(i: number): TraceValue {
    const v = this.op.inputs[i];
    if (v === null || v === undefined) throw new RuntimeError(`torch.onnx.export: op '${this.op.name}' has no tensor input ${i}`);
    return v;
  }
  has(i: number): boolean {
    return this.op.inputs[i] !== null && this.op.inputs[i] !== undefined;
  }
  x(i: number): string {
    return this.low.value(this.input(i));
  }
  dtype(i: number): DType {
    return this.low.dtypeOf(this.input(i));
  }
  shape(i: number): Dim[] {
    return this.low.shapeOf(this.input(i));
  }
  /** The input's value when it is a constant the exporter may fold, else null. */
  known(i: number): Tensor | null {
    return this.has(i) ? this.low.knownValue(this.input(i)) : null;
  }
  /** Input i cast to dtype (folded when the input is a known constant). */
  xAs(i: number, dtype: DType): string {
    const k = this.known(i);
    if (k !== null && k.dtype !== dtype) return this.g.constant(fold(() => k.to(dtype)));
    return this.g.cast(this.x(i), this.dtype(i), dtype);
  }
  /** A tensor argument that is not an input (`index`, `condition`). */
  tensorAttr(name: string): string {
    return this.low.value(this.op.tensorAttrs[name]);
  }
  outShape(k = 0): Dim[] {
    return this.low.analysis.info.get(this.op)!.outShapes[k];
  }
  outDtype(k = 0): DType {
    return this.op.outputs[k].dtype;
  }
  attr(name: string): unknown {
    return this.low.analysis.info.get(this.op)!.attrs[name];
  }
  /** A number attribute that must not depend on the dynamic axes. */
  num(name: string): number {
    const v = this.attr(name);
    if (isDyn(v)) throw new RuntimeError(`torch.onnx.export: argument '${name}' of op '${this.op.name}' depends on the dynamic axes; ONNX needs it fixed`);
    return v as number;
  }
  nums(name: string): number[] {
    const v = this.attr(name) as unknown[];
    if (v.some(isDyn)) throw new RuntimeError(`torch.onnx.export: argument '${name}' of op '${this.op.name}' depends on the dynamic axes; ONNX needs it fixed`);
    return v as number[];
  }
  /** Operand i of a binary op as a tensor of dtype: the input, or its number from attrs (`self` / `other`). */
  operand(i: number, dtype: DType): string {
    if (this.has(i)) return this.xAs(i, dtype);
    return this.g.scalarOf(this.attr(i === 0 ? "self" : "other") as Dim, dtype);
  }
  /** The dtype of an operand (a number is a 0-dim double or long for promotion). */
  operandType(i: number): { dtype: DType; ndim: number } | number {
    if (this.has(i)) return { dtype: this.dtype(i), ndim: this.shape(i).length };
    return this.attr(i === 0 ? "self" : "other") as number;
  }
}

type Lower = (c: OpCtx) => string[];

const unary = (opType: string): Lower => (c) => [c.g.op(opType, [c.xAs(0, c.outDtype())])];
const binary = (opType: string): Lower => (c) => [c.g.op(opType, [c.operand(0, c.outDtype()), c.operand(1, c.outDtype())])];
const compare = (opType: string, negate = false): Lower => (c) => {
  const dtype = opType === "And" || opType === "Or" ? "bool" : resultType([c.operandType(0), c.operandType(1)]);
  const r = c.g.op(opType, [c.operand(0, dtype), c.operand(1, dtype)]);
  return [negate ? c.g.op("Not", [r]) : r];
};

/** Reductions whose axes are an input from opset 13 (ReduceSum) or an attribute until 17 (the others). */
const reduce = (opType: string, axesAsInput = false): Lower => (c) => {
  const axes = c.nums("dim");
  const keepdims = int(c.attr("keepdim") ? 1 : 0);
  const boolean = c.outDtype() === "bool"; // amax of a bool tensor: ONNX reduces no bools
  const x = boolean ? c.g.cast(c.x(0), "bool", "int32") : c.xAs(0, c.outDtype());
  let y: string;
  if (axes.length === 0) y = c.g.op("Identity", [x]); // a 0-dim input
  else if (axesAsInput) y = c.g.op(opType, [x, c.g.int64s(axes)], { keepdims });
  else y = c.g.op(opType, [x], { axes: ints(axes), keepdims });
  return [boolean ? c.g.cast(y, "int32", "bool") : y];
};

const reshapeTo = (c: OpCtx, x: string, dims: Dim[], inDims: Dim[]): string => {
  if (dims.some((d) => d === 0)) return c.g.op("Reshape", [x, c.g.shape(dims)], { allowzero: int(1) });
  return c.g.op("Reshape", [x, c.g.shape(dims, inDims)]);
};

/** Sliding-window attributes (pads as ONNX's [top, left, bottom, right]). */
function windowAttrs(c: OpCtx): Record<string, Attr> {
  const [ph, pw] = c.nums("padding");
  return { kernel_shape: ints(c.nums("kernel_size")), strides: ints(c.nums("stride")), pads: ints([ph, pw, ph, pw]), dilations: ints(c.nums("dilation")) };
}

const LOWER: Record<string, Lower> = {
  NegBackward0: unary("Neg"),
  ExpBackward0: unary("Exp"),
  LogBackward0: unary("Log"),
  Log1PBackward0: (c) => [c.g.op("Log", [c.g.op("Add", [c.xAs(0, c.outDtype()), c.g.scalar(1, c.outDtype())])])],
  Expm1Backward0: (c) => [c.g.op("Sub", [c.g.op("Exp", [c.xAs(0, c.outDtype())]), c.g.scalar(1, c.outDtype())])],
  SqrtBackward0: unary("Sqrt"),
  RsqrtBackward0: (c) => [c.g.op("Reciprocal", [c.g.op("Sqrt", [c.xAs(0, c.outDtype())])])],
  AbsBackward0: unary("Abs"),
  SignBackward0: unary("Sign"),
  SinBackward0: unary("Sin"),
  CosBackward0: unary("Cos"),
  TanhBackward0: unary("Tanh"),
  SigmoidBackward0: unary("Sigmoid"),
  ReluBackward0: unary("Relu"),
  FloorBackward0: unary("Floor"),
  CeilBackward0: unary("Ceil"),
  // ONNX's Round is half to even, as torch.round
  RoundBackward0: unary("Round"),
  SinhBackward0: unary("Sinh"),
  CoshBackward0: unary("Cosh"),
  AsinBackward0: unary("Asin"),
  AcosBackward0: unary("Acos"),
  AtanBackward0: unary("Atan"),
  AsinhBackward0: unary("Asinh"),
  AcoshBackward0: unary("Acosh"),
  AtanhBackward0: unary("Atanh"),
  ErfBackward0: unary("Erf"),
  // the activations recorded as one node each (nn/functional/activations.ts), as PyTorch's exporter writes them
  EluBackward0: (c) => {
    const [alpha, scale, inputScale] = [c.num("alpha"), c.num("scale"), c.num("input_scale")];
    const x = c.xAs(0, c.outDtype());
    if (scale === 1 && inputScale === 1) return [c.g.op("Elu", [x], { alpha: float(alpha) })];
    if (inputScale === 1) return [c.g.op("Selu", [x], { alpha: float(alpha), gamma: float(scale) })];
    throw new RuntimeError(`torch.onnx.export: elu with input_scale ${inputScale} has no ONNX lowering`);
  },
  CeluBackward0: (c) => [c.g.op("Celu", [c.xAs(0, c.outDtype())], { alpha: float(c.num("alpha")) })],
  SoftplusBackward0: (c) => {
    // ONNX's Softplus has no threshold: x itself where beta * x > threshold, as PyTorch computes
    const t = c.outDtype();
    const [beta, threshold] = [c.num("beta"), c.num("threshold")];
    const x = c.xAs(0, t);
    const bx = beta === 1 ? x : c.g.op("Mul", [x, c.g.scalar(beta, t)]);
    const soft = beta === 1 ? c.g.op("Softplus", [bx]) : c.g.op("Div", [c.g.op("Softplus", [bx]), c.g.scalar(beta, t)]);
    return [c.g.op("Where", [c.g.op("Greater", [bx, c.g.scalar(threshold, t)]), x, soft])];
  },
  HardsigmoidBackward0: (c) => [c.g.op("HardSigmoid", [c.xAs(0, c.outDtype())], { alpha: float(1 / 6), beta: float(0.5) })],
  HardswishBackward0: unary("HardSwish"),
  LogSigmoidBackward0: (c) => [c.g.op("Log", [c.g.op("Sigmoid", [c.xAs(0, c.outDtype())])])],
  ClampBackward1: (c) => {
    const t = c.outDtype();
    const lo = c.num("min");
    const hi = c.num("max");
    return [c.g.op("Clip", [c.xAs(0, t), lo === -Infinity ? "" : c.g.scalar(lo, t), hi === Infinity ? "" : c.g.scalar(hi, t)])];
  },
  logicalNot: (c) => [c.g.op("Not", [c.xAs(0, "bool")])],
  isnan: (c) => [c.g.op("IsNaN", [c.x(0)])],
  isfinite: (c) => [c.g.op("Not", [c.g.op("Or", [c.g.op("IsNaN", [c.x(0)]), c.g.op("IsInf", [c.x(0)])])])],

  AddBackward0: binary("Add"),
  SubBackward0: binary("Sub"),
  MulBackward0: binary("Mul"),
  DivBackward0: binary("Div"),
  PowBackward0: binary("Pow"),
  MaximumBackward0: binary("Max"),
  MinimumBackward0: binary("Min"),
  eq: compare("Equal"),
  ne: compare("Equal", true),
  lt: compare("Less"),
  le: compare("LessOrEqual"),
  gt: compare("Greater"),
  ge: compare("GreaterOrEqual"),
  logicalAnd: compare("And"),
  logicalOr: compare("Or"),
  WhereBackward0: (c) => {
    const [cond, a, b] = [c.tensorAttr("condition"), c.operand(0, c.outDtype()), c.operand(1, c.outDtype())];
    if (c.outDtype() !== "bool") return [c.g.op("Where", [cond, a, b])];
    // onnxruntime has no bool Where: (cond and a) or (not cond and b).
    return [c.g.op("Or", [c.g.op("And", [cond, a]), c.g.op("And", [c.g.op("Not", [cond]), b])])];
  },

  // the whole-tensor overloads (sum(), mean()) and the ones over dims (sum(dim), mean(dim))
  SumBackward0: reduce("ReduceSum", true),
  SumBackward1: reduce("ReduceSum", true),
  MeanBackward0: reduce("ReduceMean"),
  MeanBackward1: reduce("ReduceMean"),
  ProdBackward0: reduce("ReduceProd"),
  AmaxBackward0: reduce("ReduceMax"),
  AminBackward0: reduce("ReduceMin"),
  MaxBackward1: reduce("ReduceMax"),
  MinBackward1: reduce("ReduceMin"),
  MaxBackward0: (c) => [c.g.op("ReduceMax", [c.x(0)], { axes: ints([c.num("dim")]), keepdims: int(c.attr("keepdim") ? 1 : 0) })],
  MinBackward0: (c) => [c.g.op("ReduceMin", [c.x(0)], { axes: ints([c.num("dim")]), keepdims: int(c.attr("keepdim") ? 1 : 0) })],
  argmax: (c) => [c.g.cast(c.g.op("ArgMax", [c.x(0)], { axis: int(c.num("dim")), keepdims: int(c.attr("keepdim") ? 1 : 0) }), "int64", c.outDtype())],
  argmin: (c) => [c.g.cast(c.g.op("ArgMin", [c.x(0)], { axis: int(c.num("dim")), keepdims: int(c.attr("keepdim") ? 1 : 0) }), "int64", c.outDtype())],
  CumsumBackward0: (c) => [c.g.op("CumSum", [c.xAs(0, c.outDtype()), c.g.scalar(c.num("dim"), "int64")])],
  SoftmaxBackward0: (c) => [c.g.op("Softmax", [c.x(0)], { axis: int(c.num("dim")) })],
  LogSoftmaxBackward0: (c) => [c.g.op("LogSoftmax", [c.x(0)], { axis: int(c.num("dim")) })],

  BmmBackward0: (c) => [c.g.op("MatMul", [c.x(0), c.x(1)])],
  // mm is [a, b]; F.linear records PyTorch's nodes: mm(x, W.t()), or addmm(bias, x, W.t())
  MmBackward0: (c) => [c.g.op("MatMul", [c.x(0), c.x(1)])],
  AddmmBackward0: (c) => [c.g.op("Gemm", [c.x(1), c.x(2), c.x(0)])],
  TBackward0: (c) => [c.shape(0).length < 2 ? c.g.op("Identity", [c.x(0)]) : c.g.op("Transpose", [c.x(0)], { perm: ints([1, 0]) })],

  ViewBackward0: (c) => [reshapeTo(c, c.x(0), c.outShape(), c.shape(0))],
  PermuteBackward0: (c) => [c.g.op("Transpose", [c.x(0)], { perm: ints(c.nums("dims")) })],
  TransposeBackward0: (c) => {
    const perm = c.shape(0).map((_, i) => i);
    const [a, b] = [c.num("dim0"), c.num("dim1")];
    [perm[a], perm[b]] = [perm[b], perm[a]];
    return [c.g.op("Transpose", [c.x(0)], { perm: ints(perm) })];
  },
  SqueezeBackward0: (c) => [c.nums("dim").length === 0 ? c.g.op("Identity", [c.x(0)]) : c.g.op("Squeeze", [c.x(0), c.g.int64s(c.nums("dim"))])],
  UnsqueezeBackward0: (c) => [c.g.op("Unsqueeze", [c.x(0), c.g.int64s([c.num("dim")])])],
  ExpandBackward0: (c) => [c.g.op("Expand", [c.x(0), c.g.shape(c.outShape())])],
  SliceBackward0: (c) => {
    const dim = c.num("dim");
    const [start, end] = [c.attr("start") as Dim, c.attr("end") as Dim];
    return [c.g.op("Slice", [c.x(0), c.g.dim(start), c.g.dim(end), c.g.int64s([dim]), c.g.int64s([c.num("step")])])];
  },
  SelectBackward0: (c) => [c.g.op("Gather", [c.x(0), c.g.scalarOf(c.attr("index") as Dim, "int64")], { axis: int(c.num("dim")) })],
  CatBackward0: (c) => [c.g.op("Concat", c.op.inputs.map((_, i) => c.xAs(i, c.outDtype())), { axis: int(c.num("dim")) })],
  CloneBackward0: (c) => [c.g.op("Identity", [c.x(0)])],
  detach: (c) => [c.g.op("Identity", [c.x(0)])],
  ToCopyBackward0: (c) => [c.g.op("Cast", [c.x(0)], { to: int(ONNX_DTYPE[c.outDtype()]) })],
  copy_: (c) => [c.g.op("Expand", [c.xAs(0, c.outDtype()), c.g.shape(c.outShape())])],

  GatherBackward0: (c) => [c.g.op("GatherElements", [c.x(0), c.tensorAttr("index")], { axis: int(c.num("dim")) })],
  IndexSelectBackward0: (c) => [c.g.op("GatherElements", [c.x(0), c.tensorAttr("index")], { axis: int(c.num("dim")) })],
  ScatterAddBackward0: (c) => {
    const base = c.attr("zeros") ? zerosOfShape(c, c.outShape(), c.outDtype()) : c.xAs(0, c.outDtype());
    const src = c.attr("zeros") ? c.xAs(0, c.outDtype()) : c.xAs(1, c.outDtype());
    return [c.g.op("ScatterElements", [base, c.tensorAttr("index"), src], { axis: int(c.num("dim")), reduction: { s: "add" } })];
  },
  ScatterBackward0: (c) => [c.g.op("ScatterElements", [c.x(0), c.tensorAttr("index"), c.xAs(1, c.outDtype())], { axis: int(c.num("dim")) })],
  ScatterBackward1: (c) => {
    const src = c.g.op("Expand", [c.g.scalar(c.num("value"), c.outDtype()), c.g.op("Shape", [c.tensorAttr("index")])]);
    return [c.g.op("ScatterElements", [c.x(0), c.tensorAttr("index"), src], { axis: int(c.num("dim")) })];
  },

  ConvolutionBackward0: (c) => {
    const [kh, kw] = c.nums("kernel_size");
    const w2 = c.known(1);
    const [outC, K] = c.shape(1) as number[];
    const w4shape = [outC, K / (kh * kw), kh, kw];
    const w4 = w2 !== null ? c.g.constant(fold(() => w2.reshape(w4shape))) : c.g.op("Reshape", [c.x(1), c.g.int64s(w4shape)]);
    const y = c.g.op("Conv", c.has(2) ? [c.x(0), w4, c.x(2)] : [c.x(0), w4], { ...windowAttrs(c), group: int(1) });
    return [c.g.op("Reshape", [y, c.g.int64s([0, outC, -1])])];
  },
  Im2ColBackward0: (c) => {
    // im2col is a grouped convolution with one-hot kernels: channel ci's k-th kernel picks
    // window position k, so output channel ci*kh*kw + k is im2col's row (channel, ki, kj).
    if (c.num("pad_value") !== 0) throw new RuntimeError(`torch.onnx.export: im2col padded with ${c.num("pad_value")} has no ONNX form`);
    const [kh, kw] = c.nums("kernel_size");
    const ch = c.shape(0)[1] as number;
    const onehot = new Array<number>(ch * kh * kw * kh * kw).fill(0);
    for (let ci = 0; ci < ch; ci++) for (let k = 0; k < kh * kw; k++) onehot[(ci * kh * kw + k) * kh * kw + k] = 1;
    const w = c.g.constant(fold(() => c.low.makeTensor(onehot, [ch * kh * kw, 1, kh, kw], c.dtype(0))));
    const y = c.g.op("Conv", [c.x(0), w], { ...windowAttrs(c), group: int(ch) });
    return [c.g.op("Reshape", [y, c.g.int64s([0, ch * kh * kw, -1])])];
  },
  MaxPool2DWithIndicesBackward0: (c) => {
    const [h, w] = (c.shape(0) as number[]).slice(2);
    const [kh, kw] = c.nums("kernel_size");
    const [sh, sw] = c.nums("stride");
    const [ph, pw] = c.nums("padding");
    const [dh, dw] = c.nums("dilation");
    const [oh, ow] = c.nums("output_size");
    const floorSize = (n: number, k: number, s: number, p: number, d: number) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
    const ceilSize = (n: number, k: number, s: number, p: number, d: number) => Math.ceil((n + 2 * p - d * (k - 1) - 1) / s) + 1;
    let ceil = 0;
    if (oh !== floorSize(h, kh, sh, ph, dh) || ow !== floorSize(w, kw, sw, pw, dw)) {
      if (oh !== ceilSize(h, kh, sh, ph, dh) || ow !== ceilSize(w, kw, sw, pw, dw)) {
        throw new RuntimeError("torch.onnx.export: this max pooling's ceil_mode output size differs from ONNX MaxPool's rule");
      }
      ceil = 1;
    }
    const y = c.g.op("MaxPool", [c.x(0)], { ...windowAttrs(c), ceil_mode: int(ceil) });
    return [c.g.op("Reshape", [y, c.g.int64s([0, -1])])];
  },

  // Scopes: one ONNX op for a composite.
  layer_norm: (c) => {
    const shape = c.attr("normalized_shape") as number[];
    const t = c.dtype(0);
    const scale = c.has(1) ? c.x(1) : c.g.constant(fold(() => c.low.makeTensor(new Array<number>(shape.reduce((p, q) => p * q, 1)).fill(1), shape, t)));
    const inputs = c.has(2) ? [c.x(0), scale, c.x(2)] : [c.x(0), scale];
    return [c.g.op("LayerNormalization", inputs, { axis: int(-shape.length), epsilon: float(c.num("eps")) })];
  },
  batch_norm: (c) => {
    const n = c.shape(3)[0] as number;
    const t = c.dtype(0);
    const fill = (v: number) => c.g.constant(fold(() => c.low.makeTensor(new Array<number>(n).fill(v), [n], t)));
    const inputs = [c.x(0), c.has(1) ? c.x(1) : fill(1), c.has(2) ? c.x(2) : fill(0), c.x(3), c.x(4)];
    return [c.g.op("BatchNormalization", inputs, { epsilon: float(c.num("eps")) })];
  },
  embedding: (c) => [c.g.op("Gather", [c.x(1), c.x(0)], { axis: int(0) })],
  rnn: lowerRnn,
};

/** A ConstantOfShape of zeros with the given (possibly dynamic) shape. */
function zerosOfShape(c: OpCtx, shape: Dim[], dtype: DType): string {
  return c.g.op("ConstantOfShape", [c.g.shape(shape)], { value: { t: c.low.makeTensor([0], [1], dtype) } });
}

/** Lowers the live ops of a trace into a GraphBuilder. */
export class Lowering {
  private readonly names = new Map<TraceValue | TraceOp, string[]>();
  private readonly constantNames = new Map<Tensor, string>();

  constructor(
    readonly analysis: Analysis,
    readonly g: GraphBuilder,
    private readonly inputNames: readonly string[],
    private readonly inputShapes: ReadonlyArray<readonly Dim[]>,
    /** Tensors that are graph inputs rather than constants (parameters with exportParams false), by name. */
    private readonly paramInputs: Map<Tensor, string>,
    private readonly foldConstants: boolean,
    readonly makeTensor: (values: number[], shape: number[], dtype: DType) => Tensor,
  ) {}

  run(): void {
    for (const op of this.analysis.ops) {
      if (this.foldable(op)) continue;
      const lower = LOWER[op.name];
      if (lower === undefined) {
        const where = op.scope.length ? ` (in ${op.scope.map(([cls, n]) => (n ? `${cls}[${n}]` : cls)).join("/")})` : "";
        throw new RuntimeError(`torch.onnx.export: op '${op.name}'${where} has no ONNX lowering at opset 17; the model cannot be exported`);
      }
      this.g.scope = op.scope.map(([, n]) => n).filter((n) => n !== "").map((n) => `/${n}`).join("");
      const out = lower(new OpCtx(op, this));
      this.names.set(op, out);
    }
    this.g.scope = "";
  }

  /** An op whose inputs are all known constants, and whose numbers are all fixed, is computed here. */
  private foldable(op: TraceOp): boolean {
    if (!this.foldConstants) return false;
    const inf = this.analysis.info.get(op)!;
    if (inf.outShapes.some((s) => s.some(isDyn)) || Object.values(inf.attrs).some((v) => isDyn(v) || (Array.isArray(v) && v.some(isDyn)))) return false;
    if (op.outputs.some((o, k) => o._box.version !== op.outputVersions[k])) return false;
    return [...op.inputs, ...Object.values(op.tensorAttrs)].every((v) => v === null || this.knownValue(v) !== null);
  }

  /** The value when it is a constant the graph may hold (not a graph input, not dynamic), else null. */
  knownValue(v: TraceValue): Tensor | null {
    if (v.kind === "input") return null;
    if (v.kind === "constant") {
      if (this.paramInputs.has(v.tensor) || this.analysis.consts.get(v.tensor)?.fill !== undefined) return null;
      return v.tensor;
    }
    return this.foldable(v.op) ? v.op.outputs[v.index] : null;
  }

  value(v: TraceValue): string {
    if (v.kind === "input") return this.inputNames[v.index];
    const known = this.knownValue(v);
    if (known !== null) return this.g.constant(known);
    if (v.kind === "constant") {
      const p = this.paramInputs.get(v.tensor);
      if (p !== undefined) return p;
      let name = this.constantNames.get(v.tensor);
      if (name === undefined) {
        const c = this.analysis.consts.get(v.tensor)!;
        const value = this.makeTensor([c.fill!], [1], v.tensor.dtype);
        name = this.g.op("ConstantOfShape", [this.g.shape(c.shape)], { value: { t: value } });
        this.constantNames.set(v.tensor, name);
      }
      return name;
    }
    const out = this.names.get(v.op);
    if (out === undefined || out[v.index] === undefined) throw new RuntimeError(`torch.onnx.export: output ${v.index} of op '${v.op.name}' has no ONNX value`);
    return out[v.index];
  }

  shapeOf(v: TraceValue): Dim[] {
    if (v.kind === "input") return this.inputShapes[v.index].slice();
    if (v.kind === "constant") return (this.analysis.consts.get(v.tensor)?.shape ?? v.tensor.shape).slice();
    return this.analysis.info.get(v.op)!.outShapes[v.index].slice();
  }

  dtypeOf(v: TraceValue): DType {
    return v.kind === "op" ? v.op.outputs[v.index].dtype : v.tensor.dtype;
  }
}

export { ONNX_DTYPE };
