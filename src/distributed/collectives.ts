// The collectives and point-to-point calls of torch.distributed, with PyTorch 1.13's
// signatures: positional arguments in PyTorch's order, or a trailing options object
// ({ op, group, asyncOp, ... }). A call blocks until its result is in the tensors; with
// asyncOp (and isend/irecv) it returns a Work at once and the result lands at work.wait().
// The tensors are copied into shared memory when the call is made, so changing them before
// the collective finishes changes nothing.
import { RuntimeError, ValueError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { any, bool, int, nullable, param, parseArgs, tensor } from "../args.ts";
import { instance, tensorList } from "./args.ts";
import { acquireShared, commThread, releaseShared } from "./bridge.ts";
import { NON_GROUP_MEMBER, ProcessGroup, groupRank, resolveGroup, type Group } from "./processGroup.ts";
import { ReduceOp } from "./reduceOp.ts";
import { elementSize, stageIn, stageOut } from "./staging.ts";
import type { CollectiveName } from "./wire/messages.ts";
import { unsupportedReduction } from "./wire/reduce.ts";
import { Work } from "./work.ts";

interface Plan {
  op: CollectiveName | "send" | "recv";
  group: ProcessGroup;
  /** The tensor whose dtype and shape describe the collective to the other ranks. */
  like: Tensor | null;
  bytes: number;
  fill(buf: SharedArrayBuffer): void;
  finish(buf: SharedArrayBuffer, value: unknown): void;
  outputs: Tensor[];
  redop?: ReduceOp;
  root?: number;
  piece?: number;
  peer?: number;
  tag?: number;
}

/** Stages the tensors, hands the collective to the communication thread, and waits unless asyncOp. */
function issue(plan: Plan, asyncOp: boolean): Work {
  const thread = commThread();
  const buf = acquireShared(plan.bytes);
  plan.fill(buf);
  const g = plan.group;
  const id = thread.start({
    t: "op", op: plan.op, group: g._id, regions: [{ buffer: buf, offset: 0, length: plan.bytes }],
    dtype: plan.like?.dtype ?? "bool", shape: plan.like ? [...plan.like.shape] : [], redop: plan.redop?.value ?? -1,
    root: plan.root ?? -1, piece: plan.piece ?? 0, peer: plan.peer ?? -1, tag: plan.tag ?? 0, timeoutMs: g._timeoutMs,
  });
  const work = new Work(thread, id, plan.outputs, (v) => {
    plan.finish(buf, v);
    releaseShared(buf);
  }, () => releaseShared(buf));
  if (!asyncOp) work.wait();
  return work;
}

/** What a call outside its group returns (PyTorch returns None and does nothing). */
function nothing(asyncOp: boolean): Work | undefined {
  return asyncOp ? new Work(null, 0, [], () => {}) : undefined;
}

function memberGroup(group: unknown): ProcessGroup | null {
  const g = resolveGroup(group);
  return g === NON_GROUP_MEMBER ? null : g;
}

// The parameters every collective shares (PyTorch's group=None, async_op=False).
const TENSOR = param("tensor", tensor);
const OP = param("op", instance(ReduceOp, "ReduceOp"), ReduceOp.SUM);
const GROUP = param("group", any, undefined);
const ASYNC = param("asyncOp", bool, false);
const rank = (name: string, ...dflt: [] | [number]) => param(name, int({ min: 0 }), ...dflt);

/** The reduce op, when the tensor's dtype has it. */
function checkReduction(op: ReduceOp, t: Tensor): ReduceOp {
  const why = unsupportedReduction(t.dtype, op.value);
  if (why) throw new RuntimeError(why);
  return op;
}

/** A global rank's index in the group. */
function rootOf(fn: string, name: string, g: ProcessGroup, r: number): number {
  return groupRank(g, r, `${fn} ${name}`);
}

function bytesOf(t: Tensor): number {
  return t.numel() * elementSize(t.dtype);
}

function sameAs(fn: string, what: string, like: Tensor, list: Tensor[]): void {
  list.forEach((t, i) => {
    if (t.dtype !== like.dtype || t.numel() !== like.numel()) {
      throw new RuntimeError(`${fn}: ${what} ${i} is ${t.dtype} [${t.shape.join(", ")}], expected ${like.numel()} elements of ${like.dtype} like the input`);
    }
  });
}

function listLength(fn: string, what: string, list: Tensor[], g: ProcessGroup): void {
  if (list.length !== g.size()) throw new RuntimeError(`${fn}: ${what} has ${list.length} tensors, the group has ${g.size()} ranks`);
}

/**
 * gather's gatherList / scatter's scatterList: required on the root (one tensor like t per
 * rank), refused elsewhere, with PyTorch's messages. null off the root.
 */
function rootList(fn: string, name: string, rootName: string, list: Tensor[] | null, t: Tensor, g: ProcessGroup, isRoot: boolean): Tensor[] | null {
  if (!isRoot) {
    if (list?.length) throw new ValueError(`Argument \`\`${name}\`\` must NOT be specified on non-${rootName} ranks.`);
    return null;
  }
  if (list === null) throw new ValueError(`Argument \`\`${name}\`\` must be specified on ${rootName} rank.`);
  listLength(fn, name, list, g);
  sameAs(fn, `${name} entry`, t, list);
  return list;
}

/** The asynchronous form of a collective: it returns a {@link Work} to wait on. */
export type Async = {
  /** Returns a Work instead of waiting (PyTorch's `async_op=True`). */
  asyncOp: true;
};
/** The synchronous form of a collective (PyTorch's default): it returns when the tensors hold the result. */
export type Sync = {
  /** False or absent: wait for the result (PyTorch's default). */
  asyncOp?: false;
};
/** The process group option of every collective. */
export interface GroupOpts {
  /** The group to work on (default the world group of initProcessGroup). */
  group?: Group;
}
/** Options of the reducing collectives: the group and the reduction. */
export interface ReduceOpts extends GroupOpts {
  /** How the ranks' tensors combine (default ReduceOp.SUM). */
  op?: ReduceOp;
}

// ---- all_reduce ---------------------------------------------------------------------------
/** Reduces the tensor across the group; every rank ends with the result (in place). */
export function allReduce(tensor: Tensor, opts: ReduceOpts & Async): Work;
export function allReduce(tensor: Tensor, op: ReduceOp | undefined, opts: GroupOpts & Async): Work;
export function allReduce(tensor: Tensor, op: ReduceOp | undefined, group: Group | undefined, asyncOp: true): Work;
export function allReduce(tensor: Tensor, opts?: ReduceOpts & Sync): void;
export function allReduce(tensor: Tensor, op?: ReduceOp, opts?: GroupOpts & Sync): void;
export function allReduce(tensor: Tensor, op?: ReduceOp, group?: Group, asyncOp?: boolean): void;
export function allReduce(...args: unknown[]): Work | void {
  const { tensor: t, op: o, group, asyncOp } = parseArgs<{ tensor: Tensor; op: ReduceOp; group: unknown; asyncOp: boolean }>("all_reduce", [TENSOR, OP, GROUP, ASYNC], args);
  const op = checkReduction(o, t);
  const g = memberGroup(group);
  if (!g) return nothing(asyncOp);
  const w = issue({
    op: "allReduce", group: g, like: t, bytes: bytesOf(t), redop: op, outputs: [t],
    fill: (b) => stageIn(t, b, 0), finish: (b) => stageOut(b, 0, t),
  }, asyncOp);
  return asyncOp ? w : undefined;
}

// ---- broadcast ----------------------------------------------------------------------------
/** Copies src's tensor into every rank's tensor. */
export function broadcast(tensor: Tensor, src: number, opts: GroupOpts & Async): Work;
export function broadcast(tensor: Tensor, src: number, group: Group | undefined, asyncOp: true): Work;
export function broadcast(tensor: Tensor, src: number, opts?: GroupOpts & Sync): void;
export function broadcast(tensor: Tensor, src: number, group?: Group, asyncOp?: boolean): void;
export function broadcast(tensor: Tensor, opts: { src: number } & GroupOpts & Sync): void;
export function broadcast(tensor: Tensor, opts: { src: number } & GroupOpts & Async): Work;
export function broadcast(...args: unknown[]): Work | void {
  const { tensor: t, src, group, asyncOp } = parseArgs<{ tensor: Tensor; src: number; group: unknown; asyncOp: boolean }>("broadcast", [TENSOR, rank("src"), GROUP, ASYNC], args);
  const g = memberGroup(group);
  if (!g) return nothing(asyncOp);
  const root = rootOf("broadcast", "src", g, src);
  const isRoot = root === g.rank();
  const w = issue({
    op: "broadcast", group: g, like: t, bytes: bytesOf(t), root, outputs: [t],
    fill: (b) => isRoot && stageIn(t, b, 0), finish: (b) => !isRoot && stageOut(b, 0, t),
  }, asyncOp);
  return asyncOp ? w : undefined;
}

// ---- reduce -------------------------------------------------------------------------------
/** Reduces the tensor across the group into dst's tensor; the others' tensors are unchanged. */
export function reduce(tensor: Tensor, dst: number, opts: ReduceOpts & Async): Work;
export function reduce(tensor: Tensor, dst: number, op: ReduceOp | undefined, opts: GroupOpts & Async): Work;
export function reduce(tensor: Tensor, dst: number, op: ReduceOp | undefined, group: Group | undefined, asyncOp: true): Work;
export function reduce(tensor: Tensor, dst: number, opts?: ReduceOpts & Sync): void;
export function reduce(tensor: Tensor, dst: number, op?: ReduceOp, opts?: GroupOpts & Sync): void;
export function reduce(tensor: Tensor, dst: number, op?: ReduceOp, group?: Group, asyncOp?: boolean): void;
export function reduce(tensor: Tensor, opts: { dst: number } & ReduceOpts & Sync): void;
export function reduce(tensor: Tensor, opts: { dst: number } & ReduceOpts & Async): Work;
export function reduce(...args: unknown[]): Work | void {
  const { tensor: t, dst, op: o, group, asyncOp } = parseArgs<{ tensor: Tensor; dst: number; op: ReduceOp; group: unknown; asyncOp: boolean }>(
    "reduce", [TENSOR, rank("dst"), OP, GROUP, ASYNC], args);
  const op = checkReduction(o, t);
  const g = memberGroup(group);
  if (!g) return nothing(asyncOp);
  const root = rootOf("reduce", "dst", g, dst);
  const isRoot = root === g.rank();
  const w = issue({
    op: "reduce", group: g, like: t, bytes: bytesOf(t), redop: op, root, outputs: [t],
    fill: (b) => stageIn(t, b, 0), finish: (b) => isRoot && stageOut(b, 0, t),
  }, asyncOp);
  return asyncOp ? w : undefined;
}

// ---- all_gather ---------------------------------------------------------------------------
/** tensorList[i] receives rank i's tensor, on every rank. */
export function allGather(tensorList: Tensor[], tensor: Tensor, opts: GroupOpts & Async): Work;
export function allGather(tensorList: Tensor[], tensor: Tensor, group: Group | undefined, asyncOp: true): Work;
export function allGather(tensorList: Tensor[], tensor: Tensor, opts?: GroupOpts & Sync): void;
export function allGather(tensorList: Tensor[], tensor: Tensor, group?: Group, asyncOp?: boolean): void;
export function allGather(...args: unknown[]): Work | void {
  const { tensorList: list, tensor: t, group, asyncOp } = parseArgs<{ tensorList: Tensor[]; tensor: Tensor; group: unknown; asyncOp: boolean }>(
    "all_gather", [param("tensorList", tensorList), TENSOR, GROUP, ASYNC], args);
  const g = memberGroup(group);
  if (!g) return nothing(asyncOp);
  listLength("all_gather", "tensorList", list, g);
  sameAs("all_gather", "tensorList entry", t, list);
  const S = bytesOf(t), me = g.rank();
  const w = issue({
    op: "allGather", group: g, like: t, bytes: S * g.size(), piece: S, outputs: list,
    fill: (b) => stageIn(t, b, me * S), finish: (b) => list.forEach((o, i) => stageOut(b, i * S, o)),
  }, asyncOp);
  return asyncOp ? w : undefined;
}

/** outputTensor (world size times the input's elements) receives every rank's input, in rank order. */
export function allGatherIntoTensor(outputTensor: Tensor, inputTensor: Tensor, opts: GroupOpts & Async): Work;
export function allGatherIntoTensor(outputTensor: Tensor, inputTensor: Tensor, group: Group | undefined, asyncOp: true): Work;
export function allGatherIntoTensor(outputTensor: Tensor, inputTensor: Tensor, opts?: GroupOpts & Sync): void;
export function allGatherIntoTensor(outputTensor: Tensor, inputTensor: Tensor, group?: Group, asyncOp?: boolean): void;
export function allGatherIntoTensor(...args: unknown[]): Work | void {
  const fn = "all_gather_into_tensor";
  const { outputTensor: out, inputTensor: input, group, asyncOp } = parseArgs<{ outputTensor: Tensor; inputTensor: Tensor; group: unknown; asyncOp: boolean }>(
    fn, [param("outputTensor", tensor), param("inputTensor", tensor), GROUP, ASYNC], args);
  const g = memberGroup(group);
  if (!g) return nothing(asyncOp);
  if (out.dtype !== input.dtype) throw new RuntimeError(`${fn}: output tensor is ${out.dtype}, input tensor ${input.dtype}`);
  if (out.numel() !== input.numel() * g.size()) throw new ValueError(`${fn}: output tensor size must be equal to world_size times input tensor size (${out.numel()} vs ${g.size()} x ${input.numel()})`);
  const S = bytesOf(input), me = g.rank();
  const w = issue({
    op: "allGather", group: g, like: input, bytes: S * g.size(), piece: S, outputs: [out],
    fill: (b) => stageIn(input, b, me * S), finish: (b) => stageOut(b, 0, out),
  }, asyncOp);
  return asyncOp ? w : undefined;
}

// ---- reduce_scatter -----------------------------------------------------------------------
/** Reduces inputList[i] across the group into rank i's output. */
export function reduceScatter(output: Tensor, inputList: Tensor[], opts: ReduceOpts & Async): Work;
export function reduceScatter(output: Tensor, inputList: Tensor[], op: ReduceOp | undefined, opts: GroupOpts & Async): Work;
export function reduceScatter(output: Tensor, inputList: Tensor[], op: ReduceOp | undefined, group: Group | undefined, asyncOp: true): Work;
export function reduceScatter(output: Tensor, inputList: Tensor[], opts?: ReduceOpts & Sync): void;
export function reduceScatter(output: Tensor, inputList: Tensor[], op?: ReduceOp, opts?: GroupOpts & Sync): void;
export function reduceScatter(output: Tensor, inputList: Tensor[], op?: ReduceOp, group?: Group, asyncOp?: boolean): void;
export function reduceScatter(...args: unknown[]): Work | void {
  const { output: out, inputList: list, op: o, group, asyncOp } = parseArgs<{ output: Tensor; inputList: Tensor[]; op: ReduceOp; group: unknown; asyncOp: boolean }>(
    "reduce_scatter", [param("output", tensor), param("inputList", tensorList), OP, GROUP, ASYNC], args);
  const op = checkReduction(o, out);
  const g = memberGroup(group);
  if (!g) return nothing(asyncOp);
  listLength("reduce_scatter", "inputList", list, g);
  sameAs("reduce_scatter", "inputList entry", out, list);
  const S = bytesOf(out), me = g.rank();
  const w = issue({
    op: "reduceScatter", group: g, like: out, bytes: S * g.size(), piece: S, redop: op, outputs: [out],
    fill: (b) => list.forEach((t, i) => stageIn(t, b, i * S)), finish: (b) => stageOut(b, me * S, out),
  }, asyncOp);
  return asyncOp ? w : undefined;
}

/** Reduces input (world size times output's elements) across the group; rank i gets the i-th part. */
export function reduceScatterTensor(output: Tensor, input: Tensor, opts: ReduceOpts & Async): Work;
export function reduceScatterTensor(output: Tensor, input: Tensor, op: ReduceOp | undefined, opts: GroupOpts & Async): Work;
export function reduceScatterTensor(output: Tensor, input: Tensor, op: ReduceOp | undefined, group: Group | undefined, asyncOp: true): Work;
export function reduceScatterTensor(output: Tensor, input: Tensor, opts?: ReduceOpts & Sync): void;
export function reduceScatterTensor(output: Tensor, input: Tensor, op?: ReduceOp, opts?: GroupOpts & Sync): void;
export function reduceScatterTensor(output: Tensor, input: Tensor, op?: ReduceOp, group?: Group, asyncOp?: boolean): void;
export function reduceScatterTensor(...args: unknown[]): Work | void {
  const fn = "reduce_scatter_tensor";
  const { output: out, input, op: o, group, asyncOp } = parseArgs<{ output: Tensor; input: Tensor; op: ReduceOp; group: unknown; asyncOp: boolean }>(
    fn, [param("output", tensor), param("input", tensor), OP, GROUP, ASYNC], args);
  const op = checkReduction(o, out);
  const g = memberGroup(group);
  if (!g) return nothing(asyncOp);
  if (out.dtype !== input.dtype) throw new RuntimeError(`${fn}: output tensor is ${out.dtype}, input tensor ${input.dtype}`);
  if (input.numel() !== out.numel() * g.size()) throw new ValueError(`${fn}: input tensor must be the same size as output size times world size (${input.numel()} vs ${g.size()} x ${out.numel()})`);
  const S = bytesOf(out), me = g.rank();
  const w = issue({
    op: "reduceScatter", group: g, like: out, bytes: S * g.size(), piece: S, redop: op, outputs: [out],
    fill: (b) => stageIn(input, b, 0), finish: (b) => stageOut(b, me * S, out),
  }, asyncOp);
  return asyncOp ? w : undefined;
}

// ---- gather / scatter ---------------------------------------------------------------------
/** Options of gather. */
export interface GatherOpts extends GroupOpts {
  /** On dst only: one tensor per rank, receiving that rank's tensor (absent on the other ranks). */
  gatherList?: Tensor[];
  /** The rank that gathers (default 0). */
  dst?: number;
}
/** dst's gatherList[i] receives rank i's tensor. */
export function gather(tensor: Tensor, opts: GatherOpts & Async): Work;
export function gather(tensor: Tensor, gatherList: Tensor[] | undefined, dst: number | undefined, group: Group | undefined, asyncOp: true): Work;
export function gather(tensor: Tensor, gatherList?: Tensor[], dst?: number, group?: Group, asyncOp?: boolean): void;
export function gather(tensor: Tensor, gatherList: Tensor[] | undefined, opts: Omit<GatherOpts, "gatherList"> & Sync): void;
export function gather(tensor: Tensor, gatherList: Tensor[] | undefined, opts: Omit<GatherOpts, "gatherList"> & Async): Work;
export function gather(tensor: Tensor, opts?: GatherOpts & Sync): void;
export function gather(tensor: Tensor, gatherList: Tensor[] | undefined, dst: number, opts: GroupOpts & Sync): void;
export function gather(tensor: Tensor, gatherList: Tensor[] | undefined, dst: number, opts: GroupOpts & Async): Work;
export function gather(...args: unknown[]): Work | void {
  const { tensor: t, gatherList, dst, group, asyncOp } = parseArgs<{ tensor: Tensor; gatherList: Tensor[] | null; dst: number; group: unknown; asyncOp: boolean }>(
    "gather", [TENSOR, param("gatherList", nullable(tensorList), null), rank("dst", 0), GROUP, ASYNC], args);
  const g = memberGroup(group);
  if (!g) return nothing(asyncOp);
  const root = rootOf("gather", "dst", g, dst);
  const me = g.rank(), S = bytesOf(t);
  const list = rootList("gather", "gatherList", "destination", gatherList, t, g, me === root);
  const w = issue(list ? {
    op: "gather", group: g, like: t, bytes: S * g.size(), root, outputs: list,
    fill: (b) => stageIn(t, b, me * S), finish: (b) => list.forEach((o, i) => stageOut(b, i * S, o)),
  } : { op: "gather", group: g, like: t, bytes: S, root, outputs: [], fill: (b) => stageIn(t, b, 0), finish: () => {} }, asyncOp);
  return asyncOp ? w : undefined;
}

/** Options of scatter. */
export interface ScatterOpts extends GroupOpts {
  /** On src only: one tensor per rank, sent to that rank (absent on the other ranks). */
  scatterList?: Tensor[];
  /** The rank that scatters (default 0). */
  src?: number;
}
/** Rank i's tensor receives src's scatterList[i]. */
export function scatter(tensor: Tensor, opts: ScatterOpts & Async): Work;
export function scatter(tensor: Tensor, scatterList: Tensor[] | undefined, src: number | undefined, group: Group | undefined, asyncOp: true): Work;
export function scatter(tensor: Tensor, scatterList?: Tensor[], src?: number, group?: Group, asyncOp?: boolean): void;
export function scatter(tensor: Tensor, scatterList: Tensor[] | undefined, opts: Omit<ScatterOpts, "scatterList"> & Sync): void;
export function scatter(tensor: Tensor, scatterList: Tensor[] | undefined, opts: Omit<ScatterOpts, "scatterList"> & Async): Work;
export function scatter(tensor: Tensor, opts?: ScatterOpts & Sync): void;
export function scatter(tensor: Tensor, scatterList: Tensor[] | undefined, src: number, opts: GroupOpts & Sync): void;
export function scatter(tensor: Tensor, scatterList: Tensor[] | undefined, src: number, opts: GroupOpts & Async): Work;
export function scatter(...args: unknown[]): Work | void {
  const { tensor: t, scatterList, src, group, asyncOp } = parseArgs<{ tensor: Tensor; scatterList: Tensor[] | null; src: number; group: unknown; asyncOp: boolean }>(
    "scatter", [TENSOR, param("scatterList", nullable(tensorList), null), rank("src", 0), GROUP, ASYNC], args);
  const g = memberGroup(group);
  if (!g) return nothing(asyncOp);
  const root = rootOf("scatter", "src", g, src);
  const me = g.rank(), S = bytesOf(t);
  const list = rootList("scatter", "scatterList", "source", scatterList, t, g, me === root);
  const w = issue(list ? {
    op: "scatter", group: g, like: t, bytes: S * g.size(), root, outputs: [t],
    fill: (b) => list.forEach((x, i) => stageIn(x, b, i * S)), finish: (b) => stageOut(b, me * S, t),
  } : { op: "scatter", group: g, like: t, bytes: S, root, outputs: [t], fill: () => {}, finish: (b) => stageOut(b, 0, t) }, asyncOp);
  return asyncOp ? w : undefined;
}

// ---- barrier ------------------------------------------------------------------------------
/** Returns when every rank of the group has called barrier. */
export function barrier(opts: GroupOpts & Async): Work;
export function barrier(group: Group | undefined, asyncOp: true): Work;
export function barrier(group?: Group, asyncOp?: boolean): void;
export function barrier(opts?: GroupOpts & Sync & { deviceIds?: number[] }): void;
export function barrier(...args: unknown[]): Work | void {
  const { group, asyncOp } = parseArgs<{ group: unknown; asyncOp: boolean }>("barrier", [GROUP, ASYNC, param("deviceIds", any, undefined)], args);
  const g = memberGroup(group);
  if (!g) return nothing(asyncOp);
  const w = issue({ op: "barrier", group: g, like: null, bytes: 0, outputs: [], fill: () => {}, finish: () => {} }, asyncOp);
  return asyncOp ? w : undefined;
}

// ---- point to point -----------------------------------------------------------------------
/** Options of send, recv, isend and irecv. */
export interface P2POpts extends GroupOpts {
  /** Matches a send with the recv of the same tag (default 0). */
  tag?: number;
}

function p2p(fn: string, send: boolean, args: unknown[]): Work {
  const peerName = send ? "dst" : "src";
  // send's dst is required; recv's src may be null (any rank)
  const a = parseArgs<Record<string, unknown> & { tensor: Tensor; group: unknown; tag: number }>(
    fn, [TENSOR, send ? rank("dst") : param("src", nullable(int({ min: 0 })), null), GROUP, param("tag", int(), 0)], args);
  const t = a.tensor, tag = a.tag;
  const g = memberGroup(a.group);
  if (!g) return new Work(null, 0, [], () => {});
  let peer = -1;
  if (a[peerName] !== null) {
    peer = a[peerName] as number;
    groupRank(g, peer, `${fn} ${peerName}`);
    if (peer === g._globalRank) throw new ValueError(`Invalid ${send ? "destination" : "source"} rank: should not be the same as the rank of the current process.`);
  }
  return issue({
    op: send ? "send" : "recv", group: g, like: t, bytes: bytesOf(t), peer, tag, outputs: send ? [] : [t],
    fill: (b) => send && stageIn(t, b, 0), finish: (b) => !send && stageOut(b, 0, t),
  }, true);
}

/** Sends the tensor to rank dst; returns once the bytes are on their way (the receiver need not have called recv). */
export function send(tensor: Tensor, dst: number, group?: Group, tag?: number): void;
export function send(tensor: Tensor, dst: number, opts: P2POpts): void;
export function send(...args: unknown[]): void {
  p2p("send", true, args).wait();
}

/** Receives into the tensor from rank src (omitted: any rank); returns the sender's rank. */
export function recv(tensor: Tensor, src?: number | null, group?: Group, tag?: number): number;
export function recv(tensor: Tensor, src: number | null | undefined, opts: P2POpts): number;
export function recv(tensor: Tensor, opts: P2POpts & { src?: number | null }): number;
export function recv(...args: unknown[]): number {
  return p2p("recv", false, args)._value() as number;
}

export function isend(tensor: Tensor, dst: number, group?: Group, tag?: number): Work;
export function isend(tensor: Tensor, dst: number, opts: P2POpts): Work;
export function isend(...args: unknown[]): Work {
  return p2p("isend", true, args);
}

export function irecv(tensor: Tensor, src?: number | null, group?: Group, tag?: number): Work;
export function irecv(tensor: Tensor, src: number | null | undefined, opts: P2POpts): Work;
export function irecv(...args: unknown[]): Work {
  return p2p("irecv", false, args);
}

/**
 * @internal A collective on bytes already in shared memory (DDP's gradient buckets, its
 * coalesced broadcasts): no staging, the result stays in `buffer`. `shape` describes the
 * data to the other ranks' checks.
 */
export function _sharedCollective(
  op: "allReduce" | "broadcast" | "allGather", group: ProcessGroup, buffer: SharedArrayBuffer, bytes: number,
  dtype: Tensor["dtype"], shape: number[], extra: { redop?: ReduceOp; root?: number; piece?: number } = {},
): Work {
  const thread = commThread();
  const id = thread.start({
    t: "op", op, group: group._id, regions: [{ buffer, offset: 0, length: bytes }], dtype, shape, redop: extra.redop?.value ?? -1,
    root: extra.root ?? -1, piece: extra.piece ?? 0, peer: -1, tag: 0, timeoutMs: group._timeoutMs,
  });
  return new Work(thread, id, [], () => {});
}
