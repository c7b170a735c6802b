// Dynamic axes, found by tracing the model at several sizes of each dynamic axis.
//
// A trace only holds numbers: the shapes and arguments of the run it watched. To know which
// of them change with, say, the batch size, the exporter traces again with each dynamic axis
// one longer (and once with all of them two longer, as a check), lines the traces up op by
// op, and fits every number that differs as c + k * (product of the axes it depends on).
// Whatever does not line up (an op that appears only at some sizes, a constant whose values
// change, a number no such formula explains) is an error: the graph would be wrong at other
// sizes. The exporter then lowers every trace and requires the ONNX graphs to be identical,
// which checks that no size was baked in by the lowering itself.
import { RuntimeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { liveOps, type Trace, type TraceOp, type TraceValue } from "../autograd/trace.ts";

/** A size that depends on the dynamic axes: c + k * product of the symbols' sizes. */
export interface DynExpr {
  readonly k: number;
  readonly c: number;
  readonly syms: readonly number[];
}
export type Dim = number | DynExpr;
export const isDyn = (d: unknown): d is DynExpr => typeof d === "object" && d !== null && "syms" in d;
export const exprKey = (e: DynExpr): string => `${e.c}+${e.k}*${e.syms.map((s) => `d${s}`).join("*")}`;

/** One traced run: the trace, its outputs, and the size of each dynamic symbol in it. */
export interface Run {
  trace: Trace;
  outputs: readonly TraceValue[];
  sizes: readonly number[];
}

/** The live ops of the base run, with the numbers that depend on the dynamic axes replaced by DynExprs. */
export interface OpInfo {
  attrs: Record<string, unknown>;
  outShapes: Dim[][];
}
export interface ConstInfo {
  shape: Dim[];
  /** Set when the shape is dynamic: every element has this value (a ConstantOfShape). */
  fill?: number;
}
export interface Analysis {
  ops: TraceOp[];
  info: Map<TraceOp, OpInfo>;
  consts: Map<Tensor, ConstInfo>;
}

/** The static analysis of a single run (no dynamic axes). */
export function staticAnalysis(outputs: readonly TraceValue[]): Analysis {
  const ops = liveOps(outputs);
  const info = new Map<TraceOp, OpInfo>();
  const consts = new Map<Tensor, ConstInfo>();
  const addConst = (v: TraceValue | null): void => {
    if (v?.kind === "constant") consts.set(v.tensor, { shape: v.tensor.shape.slice() });
  };
  for (const op of ops) {
    info.set(op, { attrs: { ...op.attrs }, outShapes: op.outputs.map((o) => o.shape.slice()) });
    op.inputs.forEach(addConst);
    Object.values(op.tensorAttrs).forEach(addConst);
  }
  outputs.forEach(addConst);
  return { ops, info, consts };
}

/** Structure and numbers of a run, in a fixed walk order. */
interface Walk {
  skeleton: string[];
  leaves: number[];
  /** Where each leaf goes in the run's analysis. */
  setters: Array<(d: DynExpr) => void>;
  constants: Tensor[];
  ops: TraceOp[];
}

function walk(run: Run, a: Analysis): Walk {
  const ops = liveOps(run.outputs);
  const pos = new Map(ops.map((op, i) => [op, i]));
  const w: Walk = { skeleton: [], leaves: [], setters: [], constants: [], ops };
  const constIndex = new Map<Tensor, number>();
  const ref = (v: TraceValue | null): string => {
    if (v === null) return "-";
    if (v.kind === "op") return `o${pos.get(v.op)}.${v.index}`;
    if (v.kind === "input") return `i${v.index}`;
    let j = constIndex.get(v.tensor);
    if (j === undefined) {
      j = w.constants.length;
      constIndex.set(v.tensor, j);
      w.constants.push(v.tensor);
    }
    return `c${j}`;
  };
  const leaf = (v: number, set: ((d: DynExpr) => void) | null): string => {
    w.leaves.push(v);
    if (set) w.setters.push(set);
    return "#";
  };
  // Numbers in attrs become leaves; everything else is structure.
  const attrSkeleton = (v: unknown, set: ((d: unknown) => void) | null): string => {
    if (typeof v === "number") return leaf(v, set);
    if (Array.isArray(v)) {
      const copy = v.slice();
      if (set) set(copy);
      return `[${copy.map((x, i) => attrSkeleton(x, set ? (d) => (copy[i] = d) : null)).join(",")}]`;
    }
    return JSON.stringify(v) ?? "undefined";
  };
  for (const op of ops) {
    const inf = a.info.get(op);
    const tensorAttrs = Object.keys(op.tensorAttrs).sort().map((k) => `${k}=${ref(op.tensorAttrs[k])}`);
    w.skeleton.push(op.name, op.inputs.map(ref).join(","), tensorAttrs.join(","));
    for (const key of Object.keys(op.attrs).sort()) {
      w.skeleton.push(key, attrSkeleton(op.attrs[key], inf ? (d) => (inf.attrs[key] = d) : null));
    }
    op.outputs.forEach((o, k) => {
      w.skeleton.push(o.dtype, o.shape.map((s, i) => leaf(s, inf ? (d) => (inf.outShapes[k][i] = d) : null)).join(","));
    });
  }
  w.skeleton.push(run.outputs.map(ref).join(","));
  w.constants.forEach((t) => {
    const inf = a.consts.get(t);
    w.skeleton.push(t.dtype, t.shape.map((s, i) => leaf(s, inf ? (d) => (inf.shape[i] = d) : null)).join(","));
  });
  return w;
}

/**
 * Fits values seen at several sizes as c + k * product of the symbols they change with.
 * runs[0] is the base, runs[1 + i] changes symbol i only, later runs change several (checks).
 */
export function fit(values: readonly number[], sizes: ReadonlyArray<readonly number[]>): DynExpr | null {
  const nsym = sizes[0].length;
  const syms = Array.from({ length: nsym }, (_, i) => i).filter((i) => values[1 + i] !== values[0]);
  if (syms.length === 0) return null;
  const product = (r: number): number => syms.reduce((p, s) => p * sizes[r][s], 1);
  const i = syms[0];
  const k = (values[1 + i] - values[0]) / (product(1 + i) - product(0));
  const c = values[0] - k * product(0);
  for (let r = 0; r < values.length; r++) if (c + k * product(r) !== values[r]) return null;
  return { k, c, syms };
}

const describe = (op: TraceOp | undefined): string => (op ? `'${op.name}'${op.scope.length ? ` in ${op.scope.map(([c, n]) => (n ? `${c}[${n}]` : c)).join("/")}` : ""}` : "the graph outputs");

/**
 * Lines up the runs and marks every number that changes with the dynamic axes, in the
 * analysis of each run (so that every run can be lowered, and the graphs compared).
 */
export function analyze(runs: readonly Run[], symbolNames: readonly string[]): Analysis[] {
  const analyses = runs.map((r) => staticAnalysis(r.outputs));
  const walks = runs.map((r, i) => walk(r, analyses[i]));
  const b = walks[0];
  const sizes = runs.map((r) => r.sizes);
  for (let r = 1; r < walks.length; r++) {
    const w = walks[r];
    const n = Math.min(w.skeleton.length, b.skeleton.length);
    let at = 0;
    while (at < n && w.skeleton[at] === b.skeleton[at]) at++;
    if (at < n || w.skeleton.length !== b.skeleton.length || w.leaves.length !== b.leaves.length) {
      const opAt = b.ops[Math.min(Math.floor(at / 3), b.ops.length - 1)];
      throw new RuntimeError(
        `torch.onnx.export: the traced graph changes with the size of the dynamic axes (${symbolNames.join(", ")}) near op ${describe(opAt)}: ` +
          "the model takes a different path at other sizes, so no single graph is right for all of them. Export without those dynamic axes.",
      );
    }
  }
  // Constants: equal at every size, or one repeated value whose shape follows the axes.
  b.constants.forEach((t, j) => {
    const all = walks.map((w) => w.constants[j]);
    if (all.every((c) => c.shape.join() === t.shape.join())) {
      if (all.some((c) => !sameValues(c, t))) {
        throw new RuntimeError(`torch.onnx.export: a constant of shape [${t.shape.join(", ")}] has different values at different sizes of the dynamic axes (computed from tensor data or random?); it cannot be exported as a constant`);
      }
      return;
    }
    const fill = uniformValue(t);
    if (fill === null || all.some((c) => uniformValue(c) !== fill)) {
      throw new RuntimeError(`torch.onnx.export: a constant of shape [${t.shape.join(", ")}] created in forward changes shape with the dynamic axes and is not filled with one value; create it from the input (e.g. zerosLike) or export without dynamic axes`);
    }
    all.forEach((c, r) => (analyses[r].consts.get(c)!.fill = fill));
  });
  b.leaves.forEach((v0, li) => {
    const values = walks.map((w) => w.leaves[li]);
    if (values.every((v) => v === v0)) return;
    const e = fit(values, sizes);
    if (e === null) {
      throw new RuntimeError(
        `torch.onnx.export: a number in the trace (${values.join(", ")} at sizes ${sizes.map((s) => s.join("x")).join(", ")} of ${symbolNames.join(", ")}) ` +
          "depends on the dynamic axes in a way an ONNX graph cannot compute (not c + k * product of sizes)",
      );
    }
    for (const w of walks) w.setters[li](e);
  });
  return analyses;
}

function sameValues(a: Tensor, b: Tensor): boolean {
  const x = a.contiguousData() as ArrayLike<number | bigint>;
  const y = b.contiguousData() as ArrayLike<number | bigint>;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

function uniformValue(t: Tensor): number | null {
  const x = t.contiguousData() as ArrayLike<number | bigint>;
  if (x.length === 0) return null;
  for (let i = 1; i < x.length; i++) if (!Object.is(x[i], x[0])) return null;
  return Number(x[0]);
}
