// Reverse-mode engine: walks the graph once in topological order (Kahn's algorithm over
// dependency counts, never recursion per path), summing gradients per node before its vjp runs.
import { RuntimeError } from "../errors.ts";
import { sameShape, type Shape } from "../layout.ts";
import { Tensor } from "../tensor.ts";
import { gradMode } from "./gradMode.ts";
import { Node, SliceGrad, type Edge, type PostAccumulateGradHook } from "./node.ts";
import { zeros } from "../ops/alloc.ts";
import type { DType } from "../dtype.ts";
import { finishRecording, markEscaped, startRecording } from "../storagePool.ts";

export interface EngineOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** autograd.grad: capture gradients of these tensors instead of accumulating into leaves. */
  inputs?: readonly Tensor[];
  /**
   * backward(inputs=...): the leaves among `inputs` get their gradient accumulated into .grad
   * (the non-leaf ones through retainGrad, which the caller sets), every other leaf none, and
   * nothing is returned.
   */
  accumulateInputs?: boolean;
}

/** Sums a broadcast gradient back to the shape of the input it flows to: the one place this happens. */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  let r = dims.length ? g.sum(dims, true) : g;
  if (lead > 0 || !sameShape(r.shape, shape)) r = r.reshape(shape as number[]);
  return r;
}

function accumulate(prev: Tensor | undefined, g: Tensor): Tensor {
  return prev === undefined ? g : prev.add(g);
}

/**
 * Gradient sums per node or leaf. A buffer the engine allocated itself ("owned": no vjp,
 * hook or caller holds it) is summed into in place; anything else is summed out of place.
 * Owned buffers only exist outside createGraph, where in-place sums record nothing.
 */
class GradSums<K> {
  readonly map = new Map<K, Tensor>();
  private readonly owned = new Set<Tensor>();

  /** Removes and returns a finished sum; from then on it may be shared, so it is no longer owned. */
  take(key: K): Tensor | undefined {
    const g = this.map.get(key);
    if (g !== undefined) {
      this.map.delete(key);
      this.owned.delete(g);
    }
    return g;
  }

  add(key: K, g: Tensor | SliceGrad, shape: Shape, dtype: DType): void {
    const prev = this.map.get(key);
    if (g instanceof SliceGrad) {
      let buf = prev;
      if (buf === undefined) buf = zeros(shape, dtype, g.grad._box.device);
      else if (!this.owned.has(buf)) buf = buf.clone();
      this.owned.add(buf);
      this.map.set(key, buf);
      const piece = g.grad.dtype === dtype ? g.grad : g.grad.to(dtype);
      const len = piece.shape[g.dim];
      if (len > 0) buf.slice(g.dim, g.start, g.start + (len - 1) * g.step + 1, g.step).add_(piece);
      return;
    }
    if (prev === undefined) this.map.set(key, g);
    else if (this.owned.has(prev)) prev.add_(g);
    else {
      const sum = prev.add(g);
      if (!gradMode.enabled) this.owned.add(sum);
      this.map.set(key, sum);
    }
  }
}

/**
 * Runs the backward pass. Outside createGraph, the float32 storage it allocates is recorded
 * and, once it returns, whatever did not escape (to a leaf's .grad, retainGrad or the caller)
 * goes back to the storage pool (src/storagePool.ts) for reuse; nothing is reused when the
 * pass runs user code (a custom autograd.Function's backward, a gradient hook) or fails. Under createGraph the graph
 * built during backward keeps its tensors, so nothing is recorded.
 */
export function runBackward(roots: readonly Tensor[], rootGrads: readonly Tensor[], opts: EngineOptions): (Tensor | null)[] | null {
  const recording = !opts.createGraph && startRecording();
  if (recording) safeToRelease = true;
  let release = false;
  const callbacks: Array<() => void> = [];
  finalCallbacks.push(callbacks);
  try {
    const result = backwardPass(roots, rootGrads, opts);
    for (let i = 0; i < callbacks.length; i++) callbacks[i]();
    release = recording && safeToRelease;
    return result;
  } finally {
    finalCallbacks.pop();
    if (recording) finishRecording(release);
  }
}

/** Callbacks to run when the current backward pass (the innermost) has finished. */
const finalCallbacks: Array<Array<() => void>> = [];

/**
 * Runs cb once the backward pass now running has accumulated every gradient, before it
 * returns (PyTorch's Variable._execution_engine.queue_callback; DDP waits for its gradient
 * all-reduces here). cb must not keep tensors it creates: the pass may recycle them.
 */
export function queueCallback(cb: () => void): void {
  const top = finalCallbacks[finalCallbacks.length - 1];
  if (!top) throw new RuntimeError("Final callbacks can only be installed during backward pass.");
  top.push(cb);
}

/** Post-accumulate-grad hooks that create no tensor outliving them (the storage pool stays on). */
const poolSafeHooks = new WeakSet<PostAccumulateGradHook>();
export function markPoolSafe(hook: PostAccumulateGradHook): PostAccumulateGradHook {
  poolSafeHooks.add(hook);
  return hook;
}

/** False once the recording pass (or one nested in it) met user code: a custom backward or a hook may keep any tensor it makes. */
let safeToRelease = true;

function escape(t: Tensor): Tensor {
  markEscaped(t._box.data);
  return t;
}

function backwardPass(roots: readonly Tensor[], rootGrads: readonly Tensor[], opts: EngineOptions): (Tensor | null)[] | null {
  const nodeSums = new GradSums<Node>();
  const leafSums = new GradSums<Tensor>();
  const nodeGrads = nodeSums.map;
  const leafGrads = leafSums.map;
  const start: Node[] = [];
  roots.forEach((root, i) => {
    if (!root.requiresGrad) {
      throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    const g = rootGrads[i];
    if (root.gradFn) {
      nodeGrads.set(root.gradFn, accumulate(nodeGrads.get(root.gradFn), g));
      start.push(root.gradFn);
    } else leafGrads.set(root, accumulate(leafGrads.get(root), g));
  });

  // Dependency counts: how many edges from nodes of this graph point at each node, and at
  // each leaf (a leaf's gradient is complete, and accumulated at once, when its count is 0:
  // PyTorch's AccumulateGrad runs as soon as its inputs are ready).
  const deps = new Map<Node, number>();
  const leafDeps = new Map<Tensor, number>();
  const stack: Node[] = [];
  for (const n of start) {
    if (!deps.has(n)) {
      deps.set(n, 0);
      stack.push(n);
    }
  }
  while (stack.length) {
    const n = stack.pop()!;
    // every node the pass can reach is visited here once, so this is the one place to look
    if (n.userCode || n.hooks?.length) safeToRelease = false;
    for (const e of n.next) {
      if (e instanceof Node) {
        const d = deps.get(e);
        if (d === undefined) {
          deps.set(e, 1);
          stack.push(e);
        } else deps.set(e, d + 1);
      } else if (e !== null) leafDeps.set(e, (leafDeps.get(e) ?? 0) + 1);
    }
  }

  // autograd.grad: only nodes from which a requested input is reachable need to run.
  const inputs = opts.inputs;
  const wanted = inputs ? new Set<Edge>(inputs.map((t) => t.gradFn ?? t)) : null;
  let needed: Set<Node> | null = null;
  if (wanted) {
    needed = new Set();
    const memo = new Map<Node, boolean>();
    const reaches = (root: Node): boolean => {
      // Iterative post-order DFS so deep graphs do not overflow the call stack.
      const work: Array<[Node, number]> = [[root, 0]];
      while (work.length) {
        const top = work[work.length - 1];
        const [n, i] = top;
        if (memo.has(n) && i === 0) {
          work.pop();
          continue;
        }
        if (i < n.next.length) {
          top[1]++;
          const e = n.next[i];
          if (e instanceof Node && !memo.has(e)) work.push([e, 0]);
          continue;
        }
        let r = wanted.has(n);
        for (const e of n.next) if (e !== null && (wanted.has(e) || (e instanceof Node && memo.get(e)))) r = true;
        memo.set(n, r);
        work.pop();
      }
      return memo.get(root)!;
    };
    for (const n of deps.keys()) if (reaches(n)) needed.add(n);
  }
  const captured = new Map<Edge, Tensor>();
  // Storage the caller or another leaf already holds must not become a leaf's .grad.
  const handed = new Set(rootGrads.map((g) => g._box));
  /** One fewer edge pending into leaf; accumulates it when that was the last (not for autograd.grad). */
  const leafEdgeDone = (leaf: Tensor): void => {
    const d = leafDeps.get(leaf)! - 1;
    leafDeps.set(leaf, d);
    if (d === 0 && (!inputs || (opts.accumulateInputs && wanted!.has(leaf)))) {
      const g = leafSums.take(leaf);
      if (g !== undefined) finishLeaf(leaf, g, opts.createGraph, handed);
    }
  };

  const prevMode = gradMode.enabled;
  gradMode.enabled = opts.createGraph;
  try {
    const ready: Node[] = [];
    for (const n of start) if (deps.get(n) === 0 && !ready.includes(n)) ready.push(n);
    while (ready.length) {
      const node = ready.pop()!;
      let g = nodeSums.take(node)!;
      if (node.hooks) for (const h of node.hooks) g = h(g) ?? g;
      if (node.retained) {
        const t = node.retained;
        t.grad = escape(t.grad === null ? g.detach() : t.grad.add(g.detach()));
      }
      if (wanted?.has(node) && !opts.accumulateInputs) captured.set(node, escape(g));
      const run = needed === null || needed.has(node);
      const grads = run ? node.vjp(g, node.savedTensors()) : [];
      if (run && !opts.retainGraph) node.release();
      for (let i = 0; i < node.next.length; i++) {
        const e = node.next[i];
        if (e === null) continue;
        let gi = run ? grads[i] : undefined;
        if (gi instanceof Tensor) {
          gi = sumToShape(gi, node.inputShapes[i]);
          if (gi.dtype !== node.inputDtypes[i]) gi = gi.to(node.inputDtypes[i]);
        }
        if (e instanceof Node) {
          if (gi !== null && gi !== undefined) nodeSums.add(e, gi, node.inputShapes[i], node.inputDtypes[i]);
          const d = deps.get(e)! - 1;
          deps.set(e, d);
          if (d === 0) {
            if (nodeGrads.has(e)) ready.push(e);
            else releaseBranch(e, deps, nodeGrads, ready, leafEdgeDone);
          }
        } else {
          if (gi !== null && gi !== undefined) leafSums.add(e, gi, node.inputShapes[i], node.inputDtypes[i]);
          leafEdgeDone(e);
        }
      }
    }
  } finally {
    gradMode.enabled = prevMode;
  }

  if (inputs && opts.accumulateInputs) {
    // wanted leaves left: roots that are leaves (no edge led to them)
    for (const [leaf, g0] of leafGrads) if (wanted!.has(leaf)) finishLeaf(leaf, g0, opts.createGraph, handed);
    return null;
  }
  if (inputs) {
    for (const [leaf, g] of leafGrads) captured.set(leaf, escape(runLeafHooks(leaf, g)));
    return inputs.map((t) => captured.get(t.gradFn ?? t) ?? null);
  }
  // Leaves whose gradient did not complete in the loop: roots that are leaves.
  for (const [leaf, g0] of leafGrads) finishLeaf(leaf, g0, opts.createGraph, handed);
  return null;
}

/** A leaf's total gradient: its hooks, then AccumulateGrad, then its post-accumulate hooks. */
function finishLeaf(leaf: Tensor, g: Tensor, createGraph: boolean, handed: Set<unknown>): void {
  accumulateLeaf(leaf, runLeafHooks(leaf, g), createGraph, handed);
  const post = leaf._postAccumulateHooks;
  if (post) {
    for (const h of post) {
      if (!poolSafeHooks.has(h)) safeToRelease = false;
      h(leaf);
    }
  }
}

/** A node whose every consumer produced no gradient: its own inputs get none either. */
function releaseBranch(start: Node, deps: Map<Node, number>, grads: Map<Node, Tensor>, ready: Node[], leafDone: (t: Tensor) => void): void {
  const stack = [start];
  while (stack.length) {
    const n = stack.pop()!;
    for (const e of n.next) {
      if (e instanceof Tensor) leafDone(e);
      else if (e instanceof Node) {
        const d = deps.get(e)! - 1;
        deps.set(e, d);
        if (d === 0) {
          if (grads.has(e)) ready.push(e);
          else stack.push(e);
        }
      }
    }
  }
}

function runLeafHooks(leaf: Tensor, g: Tensor): Tensor {
  const hooks = leaf._hooks;
  if (hooks?.length) safeToRelease = false;
  if (hooks) for (const h of hooks) g = h(g) ?? g;
  return g;
}

/**
 * AccumulateGrad: the first gradient is stored as a fresh contiguous tensor (never one that
 * another leaf or the caller also holds); later ones are added in place unless createGraph.
 */
function accumulateLeaf(leaf: Tensor, g: Tensor, createGraph: boolean, handed: Set<unknown>): void {
  if (!createGraph) g = g.detach();
  if (leaf.grad === null) {
    const exclusive = !handed.has(g._box) && g.isContiguous() && g.offset === 0 && g._box.data.length === g.numel();
    leaf.grad = escape(exclusive ? g : g.clone());
    handed.add(leaf.grad._box);
  } else if (createGraph) leaf.grad = escape(leaf.grad.add(g));
  else leaf.grad.add_(g);
}
