// nn.parallel.DistributedDataParallel: data-parallel training over torch.distributed.
//
// At construction rank 0's parameters and buffers are broadcast to every rank, and the
// parameters are split into buckets (buckets.ts; reverse registration order, the first
// bucket 1 MiB, the others bucketCapMb). Each bucket is one SharedArrayBuffer. During
// backward a post-accumulate-grad hook copies each parameter's gradient, divided by the
// world size, into its bucket the moment the engine has accumulated it; a full bucket is
// all-reduced at once, on the communication thread, while backward goes on computing the
// earlier layers' gradients. Buckets are launched in index order, the same order on every
// rank, whatever order they fill in. When backward has finished, a final callback waits for
// the all-reduces still running and copies the averages into the .grad tensors, so
// `loss.backward()` returns with the gradients averaged, as in PyTorch.
import { queueCallback, markPoolSafe } from "../../autograd/engine.ts";
import { isGradEnabled, noGrad } from "../../autograd/gradMode.ts";
import { Node } from "../../autograd/node.ts";
import type { DType } from "../../dtype.ts";
import { RuntimeError, ValueError } from "../../errors.ts";
import { Tensor, StorageBox } from "../../tensor.ts";
import { contiguousStrides } from "../../layout.ts";
import { any, bool, num, param, parseArgs } from "../../args.ts";
import { instance } from "../../distributed/args.ts";
import { _sharedCollective } from "../../distributed/collectives.ts";
import { NON_GROUP_MEMBER, ProcessGroup, resolveGroup } from "../../distributed/processGroup.ts";
import { ReduceOp } from "../../distributed/reduceOp.ts";
import { elementSize, stageIn, stageOut, typedView } from "../../distributed/staging.ts";
import type { Work } from "../../distributed/work.ts";
import { Module } from "../module.ts";
import type { Parameter } from "../parameter.ts";
import { DEFAULT_FIRST_BUCKET_BYTES, computeBucketAssignmentBySize } from "./buckets.ts";

/** Options of nn.parallel.DistributedDataParallel: PyTorch's keywords; deviceIds, outputDevice, dim, checkReduction, gradientAsBucketView and staticGraph are accepted and have no effect on the CPU. */
export interface DistributedDataParallelOptions {
  deviceIds?: number[] | null;
  outputDevice?: number | string | null;
  dim?: number;
  /** Broadcast rank 0's buffers (BatchNorm statistics) before every forward (default true). */
  broadcastBuffers?: boolean;
  processGroup?: ProcessGroup;
  /** Bucket size in MiB (default 25). */
  bucketCapMb?: number;
  /** Let parameters that a forward did not use count as ready (default false). */
  findUnusedParameters?: boolean;
  checkReduction?: boolean;
  gradientAsBucketView?: boolean;
  staticGraph?: boolean;
}

// PyTorch's parameters in its order. deviceIds/outputDevice/dim place a module on GPUs;
// checkReduction, gradientAsBucketView and staticGraph tune PyTorch's reducer and change no
// result: they are accepted for the same call to work, and have no effect here.
const DDP_ARGS = [
  param("module", instance(Module, "Module")), param("deviceIds", any, null), param("outputDevice", any, null), param("dim", any, 0),
  param("broadcastBuffers", bool, true), param("processGroup", any, undefined), param("bucketCapMb", num(), 25), param("findUnusedParameters", bool, false),
  param("checkReduction", any, false), param("gradientAsBucketView", any, false), param("staticGraph", any, false),
];

interface Bucket {
  dtype: DType;
  params: Parameter[];
  /** Element offset of each parameter's gradient in the bucket. */
  offsets: number[];
  numel: number;
  buffer: SharedArrayBuffer;
  pending: number;
  work: Work | null;
}

/** Which bucket a parameter is in, and where. */
interface Slot {
  bucket: Bucket;
  index: number;
  /** The parameter's index in the module's parameter list (PyTorch's error messages use it). */
  paramIndex: number;
}

/** Tensors anywhere in a forward's output (PyTorch's _find_tensors). */
function findTensors(x: unknown, out: Tensor[] = [], seen = new Set<unknown>()): Tensor[] {
  if (x instanceof Tensor) out.push(x);
  else if (x && typeof x === "object" && !seen.has(x)) {
    seen.add(x);
    for (const v of Array.isArray(x) ? x : x instanceof Map ? x.values() : Object.values(x)) findTensors(v, out, seen);
  }
  return out;
}

/** The leaves (parameters) the graphs of these outputs reach. */
function reachedLeaves(outputs: Tensor[]): Set<Tensor> {
  const leaves = new Set<Tensor>();
  const seen = new Set<Node>();
  const stack: Node[] = [];
  for (const t of outputs) {
    if (t.gradFn) stack.push(t.gradFn);
    else if (t.requiresGrad) leaves.add(t);
  }
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const e of n.next) {
      if (e instanceof Node) stack.push(e);
      else if (e !== null) leaves.add(e);
    }
  }
  return leaves;
}

class Reducer {
  readonly buckets: Bucket[];
  private readonly slots = new Map<Tensor, Slot>();
  private readonly params: Parameter[];
  /** Gradients this backward has to sync (set by a forward with sync on). */
  private expectHooks = false;
  private ready = new Set<Tensor>();
  private nextBucket = 0;
  private unused: Parameter[] = [];
  /** Buckets launched while backward was still computing gradients, in the last backward. */
  private early = 0;
  lastOverlap = { buckets: 0, launchedDuringBackward: 0 };

  constructor(private readonly group: ProcessGroup, params: Parameter[], firstBytes: number, capBytes: number, private readonly findUnused: boolean) {
    this.params = params;
    const assignment = computeBucketAssignmentBySize(params, [firstBytes, capBytes]).reverse();
    this.buckets = assignment.map((indices) => {
      const ps = indices.map((i) => params[i]);
      const offsets: number[] = [];
      let numel = 0;
      for (const p of ps) {
        offsets.push(numel);
        numel += p.numel();
      }
      const dtype = ps[0].dtype;
      return { dtype, params: ps, offsets, numel, buffer: new SharedArrayBuffer(Math.max(8, numel * elementSize(dtype))), pending: ps.length, work: null };
    });
    this.buckets.forEach((b) => b.params.forEach((p, index) => this.slots.set(p, { bucket: b, index, paramIndex: params.indexOf(p) })));
    for (const p of params) p.registerPostAccumulateGradHook(markPoolSafe((t) => this.gradReady(t)));
  }

  /** Called by forward (grad mode on, sync on): the next backward all-reduces. */
  prepare(outputs: unknown): void {
    this.checkPriorFinished();
    this.expectHooks = true;
    this.ready.clear();
    this.nextBucket = 0;
    this.early = 0;
    for (const b of this.buckets) {
      b.pending = b.params.length;
      b.work = null;
    }
    this.unused = [];
    if (this.findUnused) {
      const reached = reachedLeaves(findTensors(outputs));
      this.unused = this.params.filter((p) => !reached.has(p));
    }
  }

  /** A forward that will not sync (noSync, or no grad): its backward leaves the gradients local. */
  skip(): void {
    this.checkPriorFinished();
    this.expectHooks = false;
  }

  private checkPriorFinished(): void {
    if (!this.expectHooks || this.ready.size === 0 || this.nextBucket === this.buckets.length) return;
    const missing = this.params.map((p, i) => (this.ready.has(p) ? -1 : i)).filter((i) => i >= 0);
    throw new RuntimeError(
      "Expected to have finished reduction in the prior iteration before starting a new one. This error indicates that your " +
        "module has parameters that were not used in producing loss. You can enable unused parameter detection by passing the " +
        "keyword argument `findUnusedParameters: true` to `torch.nn.parallel.DistributedDataParallel`, and by making sure all " +
        "`forward` function outputs participate in calculating loss.\n" +
        `Parameter indices which did not receive grad for rank ${this.group.rank()}: ${missing.join(" ")}`,
    );
  }

  /** The post-accumulate hook: the parameter's gradient of this backward is complete. */
  private gradReady(p: Tensor): void {
    if (!this.expectHooks) return;
    if (this.ready.size === 0) {
      queueCallback(() => this.finalize());
      // Parameters the forward did not use get no gradient: they count as ready (zeros) now.
      for (const u of this.unused) this.markReady(u, null);
    }
    if (this.ready.has(p)) {
      throw new RuntimeError(
        `Expected to mark a variable ready only once. This error is caused by one of the following reasons: 1) Use of a module parameter outside the \`forward\` function. 2) Reused parameters in multiple reentrant backward passes. Parameter index ${this.slots.get(p)!.paramIndex} has been marked as ready twice.`,
      );
    }
    this.markReady(p, p.grad);
  }

  private markReady(p: Tensor, grad: Tensor | null): void {
    const slot = this.slots.get(p)!;
    const b = slot.bucket;
    const n = p.numel(), es = elementSize(b.dtype);
    const off = b.offsets[slot.index] * es;
    this.ready.add(p);
    if (grad === null) typedView(b.dtype, b.buffer, off, n).fill(0 as never);
    else {
      // Divides while copying into the bucket (as PyTorch 1.13's reducer), saving a pass.
      const world = this.group.size();
      const dst = typedView(b.dtype, b.buffer, off, n);
      if (grad.isContiguous() && (b.dtype === "float32" || b.dtype === "float64")) {
        const src = grad._box.data as Float32Array;
        const o = grad.offset;
        const inv = b.dtype === "float32" ? Math.fround(1 / world) : 1 / world;
        const d = dst as Float32Array;
        for (let i = 0; i < n; i++) d[i] = src[o + i] * inv;
      } else {
        stageIn(grad, b.buffer, off);
        if (b.dtype === "float32" || b.dtype === "float64") {
          const d = dst as Float32Array;
          for (let i = 0; i < n; i++) d[i] /= world;
        }
      }
    }
    if (--b.pending === 0) this.launchReady();
  }

  /** Launches every full bucket from nextBucket on, in index order (the same on every rank). */
  private launchReady(): void {
    while (this.nextBucket < this.buckets.length && this.buckets[this.nextBucket].pending === 0) {
      const b = this.buckets[this.nextBucket++];
      if (this.ready.size < this.params.length) this.early++;
      b.work = _sharedCollective("allReduce", this.group, b.buffer, b.numel * elementSize(b.dtype), b.dtype, [b.numel], { redop: ReduceOp.SUM });
    }
  }

  /** End of backward: wait for the all-reduces and write the averages into the gradients. */
  private finalize(): void {
    if (this.nextBucket < this.buckets.length) return; // a parameter got no gradient: the next forward reports it
    for (const b of this.buckets) b.work!.wait();
    this.lastOverlap = { buckets: this.buckets.length, launchedDuringBackward: this.early };
    // Parameters unused on every rank keep their .grad untouched (PyTorch's global unused map).
    let globallyUnused = new Set<Tensor>();
    if (this.findUnused) globallyUnused = this.globallyUnused();
    noGrad(() => {
      for (const b of this.buckets) {
        b.params.forEach((p, i) => {
          if (globallyUnused.has(p)) return;
          const off = b.offsets[i] * elementSize(b.dtype);
          if (p.grad === null) {
            const g = new Tensor(new StorageBox(typedView(b.dtype, b.buffer, off, p.numel()).slice()), [...p.shape], contiguousStrides(p.shape), 0, b.dtype);
            p.grad = g;
          } else stageOut(b.buffer, off, p.grad);
        });
      }
    });
    this.expectHooks = false;
    this.ready.clear();
    this.nextBucket = 0;
  }

  /** All-reduces which parameters each rank used; those used nowhere. */
  private globallyUnused(): Set<Tensor> {
    const used = new SharedArrayBuffer(Math.max(8, this.params.length * 4));
    const view = new Int32Array(used, 0, this.params.length);
    const unusedHere = new Set<Tensor>(this.unused);
    this.params.forEach((p, i) => (view[i] = unusedHere.has(p) ? 0 : 1));
    _sharedCollective("allReduce", this.group, used, this.params.length * 4, "int32", [this.params.length], { redop: ReduceOp.SUM }).wait();
    return new Set(this.params.filter((_, i) => view[i] === 0));
  }
}

/**
 * `new DistributedDataParallel(module, { bucketCapMb, findUnusedParameters, broadcastBuffers, processGroup })`
 * after `dist.initProcessGroup()`. forward runs the module; backward returns with every
 * parameter's gradient averaged over the ranks. State dict keys carry the "module." prefix,
 * as PyTorch's.
 */
export class DistributedDataParallel extends Module {
  /**
   * The size limit of the bucket holding the first-defined parameters (whose gradients come
   * last in backward): PyTorch's dist._DEFAULT_FIRST_BUCKET_BYTES, 1 MiB. Set it before
   * constructing to split a small model into several buckets.
   */
  static firstBucketBytes = DEFAULT_FIRST_BUCKET_BYTES;
  module: Module;
  readonly broadcastBuffers: boolean;
  readonly findUnusedParameters: boolean;
  /** The gradient bucket size in bytes (bucketCapMb MiB). */
  readonly bucketBytesCap: number;
  readonly #group: ProcessGroup;
  readonly #reducer: Reducer;
  #requireBackwardGradSync = true;

  constructor(module: Module, opts?: DistributedDataParallelOptions);
  constructor(module: Module, deviceIds?: number[] | null, outputDevice?: number | string | null, dim?: number, broadcastBuffers?: boolean, processGroup?: ProcessGroup, bucketCapMb?: number, findUnusedParameters?: boolean, checkReduction?: boolean, gradientAsBucketView?: boolean, staticGraph?: boolean);
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ module: Module; deviceIds: unknown; broadcastBuffers: boolean; processGroup: unknown; bucketCapMb: number; findUnusedParameters: boolean }>(
      "DistributedDataParallel", DDP_ARGS, args);
    this.module = a.module;
    if (a.deviceIds !== null) {
      throw new ValueError("DistributedDataParallel device_ids and output_device arguments only work with single-device/multiple-device GPU modules or CPU modules, but got device_ids [" + String(a.deviceIds) + "] for a CPU module.");
    }
    this.broadcastBuffers = a.broadcastBuffers;
    this.findUnusedParameters = a.findUnusedParameters;
    if (!(a.bucketCapMb > 0)) throw new ValueError(`bucket_cap_mb must be positive, got ${a.bucketCapMb}`);
    this.bucketBytesCap = Math.floor(a.bucketCapMb * 1024 * 1024);
    const g = resolveGroup(a.processGroup);
    if (g === NON_GROUP_MEMBER) throw new RuntimeError("DistributedDataParallel: this rank is not a member of the process group");
    this.#group = g;

    const params = this.module.parameters().filter((p) => p.requiresGrad);
    if (params.length === 0) {
      throw new RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter that requires a gradient.");
    }
    this.verifyParamShapes(params);
    // Every rank starts from rank 0's weights and buffers.
    this.broadcastCoalesced([...this.module.parameters(), ...this.module.buffers()]);
    this.#reducer = new Reducer(g, params, DistributedDataParallel.firstBucketBytes, this.bucketBytesCap, this.findUnusedParameters);
  }

  /** PyTorch's _verify_param_shape_across_processes: the same parameters, in the same shapes, on every rank. */
  private verifyParamShapes(params: Parameter[]): void {
    const sig = params.map((p) => `${p.dtype}[${p.shape.join(",")}]`).join(";");
    let h = 0x811c9dc5;
    for (let i = 0; i < sig.length; i++) h = Math.imul(h ^ sig.charCodeAt(i), 0x01000193);
    const n = this.#group.size();
    const buf = new SharedArrayBuffer(8 * n);
    const mine = new Int32Array(buf, 8 * this.#group.rank(), 2);
    mine[0] = params.length;
    mine[1] = h;
    _sharedCollective("allGather", this.#group, buf, 8 * n, "int32", [2], { piece: 8 }).wait();
    const all = new Int32Array(buf);
    for (let r = 0; r < n; r++) {
      if (all[2 * r] !== params.length) {
        throw new RuntimeError(`DDP expects same model across all ranks, but Rank ${this.#group.rank()} has ${params.length} params, while rank ${r} has inconsistent ${all[2 * r]} params.`);
      }
      if (all[2 * r + 1] !== h) {
        throw new RuntimeError(`DDP expects same model across all ranks, but the parameter shapes or dtypes of rank ${r} differ from rank ${this.#group.rank()}'s (${sig})`);
      }
    }
  }

  /** Broadcasts tensors from the group's rank 0, one collective per dtype. */
  private broadcastCoalesced(tensors: Tensor[]): void {
    const byDtype = new Map<DType, Tensor[]>();
    for (const t of tensors) {
      const l = byDtype.get(t.dtype);
      if (l) l.push(t);
      else byDtype.set(t.dtype, [t]);
    }
    const root = this.#group._ranks[0];
    const isRoot = this.#group._globalRank === root;
    for (const [dtype, list] of byDtype) {
      const es = elementSize(dtype);
      const total = list.reduce((s, t) => s + t.numel(), 0);
      const buf = new SharedArrayBuffer(Math.max(8, total * es));
      let off = 0;
      if (isRoot) for (const t of list) {
        stageIn(t, buf, off);
        off += t.numel() * es;
      }
      _sharedCollective("broadcast", this.#group, buf, total * es, dtype, list.map((t) => t.numel()), { root: 0 }).wait();
      if (!isRoot) {
        off = 0;
        noGrad(() => {
          for (const t of list) {
            stageOut(buf, off, t);
            off += t.numel() * es;
          }
        });
      }
    }
  }

  override forward(...inputs: unknown[]): unknown {
    const sync = isGradEnabled() && this.#requireBackwardGradSync;
    if (this.broadcastBuffers && this.#group.size() > 1) {
      const buffers = this.module.buffers();
      if (buffers.length) this.broadcastCoalesced(buffers);
    }
    const out = (this.module.forward as (...a: unknown[]) => unknown)(...inputs);
    if (sync) this.#reducer.prepare(out);
    else this.#reducer.skip();
    return out;
  }

  /**
   * Runs fn with gradient synchronization off (PyTorch's `with ddp.no_sync():`): backward
   * passes of forwards run inside accumulate local gradients; the first synced backward
   * afterwards all-reduces the accumulated sum.
   */
  noSync<T>(fn: () => T): T {
    const old = this.#requireBackwardGradSync;
    this.#requireBackwardGradSync = false;
    try {
      return fn();
    } finally {
      this.#requireBackwardGradSync = old;
    }
  }

  /** How many buckets, and which parameters (names) each holds, in launch order. */
  bucketNames(): string[][] {
    const names = new Map<Tensor, string>(this.module.namedParameters().map(([n, p]) => [p, n]));
    return this.#reducer.buckets.map((b) => b.params.map((p) => names.get(p)!));
  }

  /** @internal how many buckets the last backward had, and how many it launched before its last gradient. */
  get _lastOverlap(): { buckets: number; launchedDuringBackward: number } {
    return this.#reducer.lastOverlap;
  }
}

export { DistributedDataParallel as DDP };
