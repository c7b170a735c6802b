// One rank of the collectives test: every collective, reduce op and dtype, contiguous and
// strided tensors, blocking and asyncOp, on the whole world and on subgroups, checked
// element by element against the result computed here from every rank's (deterministic)
// input. Prints RESULT {checks, failures}.
import * as torch from "../../../src/index.ts";
import type { DType } from "../../../src/dtype.ts";
import type { Group, ReduceOp as Op } from "../../../src/distributed/index.ts";
import { combine, type Scalar } from "../reference.ts";

const dist = torch.distributed;
const { ReduceOp } = dist;
dist.initProcessGroup("gloo", { timeout: 60_000 });
const rank = dist.getRank(), world = dist.getWorldSize();
const failures: string[] = [];
let checks = 0;

const DTYPES: DType[] = ["float32", "float64", "int32", "int64", "bool"];
// 1 and 5 elements take the direct (latency) path, 20 000 the ring for every dtype but bool
// (20 KB: direct), 300 001 float32 the ring with pipelined chunks and uneven segments.
const SIZES = process.argv.includes("--quick") ? [1, 5, 20_000] : [1, 5, 1000, 20_000, 300_001];

/** Rank r's element i, as a JS value of dtype (int64 as bigint, spanning both 32-bit halves). */
function value(dtype: DType, r: number, i: number, forProduct = false): number | bigint | boolean {
  const small = forProduct ? [1, 2, -1, 1, -2][(r * 3 + i) % 5] : ((r * 7 + i * 3) % 11) - 5;
  switch (dtype) {
    case "bool": return (r + i) % 3 === 0;
    case "int64": return forProduct ? BigInt(small) : BigInt(small) * 4294967296n + BigInt((r * 977 + i * 131) % 100000) - 50000n;
    case "float32": case "float64": return forProduct ? small : small + 0.5 * ((r + i) % 2);
    default: return small;
  }
}

const cache = new Map<string, Array<number | bigint | boolean>>();
/** Rank r's first n elements, computed once. */
function values(dtype: DType, r: number, n: number, forProduct = false): Array<number | bigint | boolean> {
  const key = `${dtype}:${r}:${n}:${forProduct}`;
  let v = cache.get(key);
  if (!v) cache.set(key, (v = Array.from({ length: n }, (_, i) => value(dtype, r, i, forProduct))));
  return v;
}

function input(dtype: DType, r: number, n: number, forProduct = false): torch.Tensor {
  const vals = values(dtype, r, n, forProduct);
  if (dtype === "int64") {
    const t = torch.zeros([n], { dtype: "int64" });
    const data = t._box.data as BigInt64Array;
    vals.forEach((v, i) => (data[i] = v as bigint));
    return t;
  }
  return torch.tensor(vals as number[], { dtype });
}

function read(t: torch.Tensor): Array<number | bigint | boolean> {
  const c = t.contiguous();
  const d = c._box.data as ArrayLike<number | bigint>;
  return Array.from({ length: c.numel() }, (_, i) => {
    const v = d[c.offset + i];
    return t.dtype === "bool" ? v !== 0 : v;
  });
}

type V = Scalar;
/** The reduction of the ranks' inputs, element by element, as the collective must compute it. */
function reduced(dtype: DType, op: Op, ranks: number[], n: number, forProduct: boolean): V[] {
  const parts = ranks.map((r) => values(dtype, r, n, forProduct));
  return parts[0].map((first, i) => {
    let acc = first;
    for (let k = 1; k < parts.length; k++) acc = combine(dtype, op.value, acc, parts[k][i]);
    if (op === ReduceOp.AVG) {
      if (dtype === "int64") acc = (acc as bigint) / BigInt(ranks.length);
      else if (dtype === "int32") acc = Math.trunc((acc as number) / ranks.length);
      else acc = dtype === "float32" ? Math.fround((acc as number) / ranks.length) : (acc as number) / ranks.length;
    }
    return acc;
  });
}

function expectValues(what: string, got: torch.Tensor, want: readonly V[]): void {
  checks++;
  const vals = read(got);
  if (vals.length !== want.length) {
    failures.push(`${what}: ${vals.length} elements, expected ${want.length}`);
    return;
  }
  for (let i = 0; i < vals.length; i++) {
    if (vals[i] !== want[i]) {
      failures.push(`${what}: element ${i} is ${String(vals[i])}, expected ${String(want[i])}`);
      return;
    }
  }
}

const opsFor = (dtype: DType) => {
  const ops = [ReduceOp.SUM, ReduceOp.PRODUCT, ReduceOp.MIN, ReduceOp.MAX];
  if (dtype !== "bool") ops.push(ReduceOp.AVG);
  if (dtype !== "float32" && dtype !== "float64") ops.push(ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR);
  return ops;
};

/** A strided view holding input(dtype, r, n): the transpose of a contiguous [k, n/k] tensor, made contiguous-looking by permute. */
function strided(t: torch.Tensor): torch.Tensor {
  // every other element of a tensor twice as long, holding t's values at even positions
  const n = t.numel();
  const wide = torch.zeros([2 * n], { dtype: t.dtype });
  wide.slice(0, 0, 2 * n, 2).copy_(t);
  const v = wide.slice(0, 0, 2 * n, 2);
  if (v.isContiguous() && n > 1) throw new Error("expected a strided view");
  return v;
}

const all = Array.from({ length: world }, (_, i) => i);

function collectivesOn(ranks: number[], group: Group | undefined, tag: string): void {
  const me = ranks.indexOf(rank);
  for (const dtype of DTYPES) {
    for (const n of SIZES) {
      if (n > 100_000 && dtype !== "float32") continue; // one dtype is enough for the multi-chunk ring
      const sizes = n;
      // all_reduce, every op; strided on odd sizes; asyncOp for PRODUCT
      for (const op of opsFor(dtype)) {
        const forProduct = op === ReduceOp.PRODUCT;
        let t = input(dtype, rank, sizes, forProduct);
        if (n % 2 === 1 && n > 1) t = strided(t);
        if (op === ReduceOp.PRODUCT) dist.allReduce(t, op, { group, asyncOp: true }).wait();
        else dist.allReduce(t, op, group);
        expectValues(`${tag} allReduce ${op} ${dtype} [${n}]`, t, reduced(dtype, op, ranks, n, forProduct));
      }
      // broadcast and reduce from each root
      for (const root of ranks) {
        const b = rank === root ? input(dtype, rank, n) : torch.zeros([n], { dtype });
        dist.broadcast(b, root, group);
        expectValues(`${tag} broadcast ${dtype} [${n}] from ${root}`, b, values(dtype, root, n));
        const op = dtype === "bool" ? ReduceOp.MAX : ReduceOp.SUM;
        const r = input(dtype, rank, n);
        const w = dist.reduce(r, root, op, { group, asyncOp: true });
        w.wait();
        if (rank === root) expectValues(`${tag} reduce ${dtype} [${n}] to ${root}`, r, reduced(dtype, op, ranks, n, false));
        else expectValues(`${tag} reduce ${dtype} [${n}] leaves rank ${rank}'s tensor`, r, values(dtype, rank, n));
      }
      // all_gather (list and into one tensor)
      const mine = input(dtype, rank, n);
      const list = ranks.map(() => torch.zeros([n], { dtype }));
      dist.allGather(list, n % 2 === 1 && n > 1 ? strided(mine) : mine, group);
      list.forEach((o, k) => expectValues(`${tag} allGather ${dtype} [${n}] piece ${k}`, o, values(dtype, ranks[k], n)));
      const flat = torch.zeros([ranks.length, n], { dtype });
      dist.allGatherIntoTensor(flat, mine, { group, asyncOp: true }).wait();
      ranks.forEach((src, k) => expectValues(`${tag} allGatherIntoTensor ${dtype} [${n}] row ${k}`, flat.select(0, k), values(dtype, src, n)));
      // reduce_scatter: input piece k of rank r is input(dtype, r * 10 + k)
      const op = dtype === "bool" ? ReduceOp.MIN : ReduceOp.SUM;
      const pieces = ranks.map((_, k) => input(dtype, rank * 10 + k, n));
      const out = torch.zeros([n], { dtype });
      dist.reduceScatter(out, pieces, op, group);
      const contributors = ranks.map((r) => r * 10 + me);
      expectValues(`${tag} reduceScatter ${dtype} [${n}]`, out, reduced(dtype, op, contributors, n, false));
      const out2 = torch.zeros([n], { dtype });
      dist.reduceScatterTensor(out2, torch.cat(pieces), op, { group, asyncOp: true }).wait();
      expectValues(`${tag} reduceScatterTensor ${dtype} [${n}]`, out2, reduced(dtype, op, contributors, n, false));
      // gather and scatter, root = last member
      const root = ranks[ranks.length - 1];
      const gl = rank === root ? ranks.map(() => torch.zeros([n], { dtype })) : undefined;
      dist.gather(mine, gl, root, group);
      if (gl) gl.forEach((o, k) => expectValues(`${tag} gather ${dtype} [${n}] piece ${k}`, o, values(dtype, ranks[k], n)));
      const sl = rank === root ? ranks.map((r) => input(dtype, r + 20, n)) : undefined;
      const recvd = torch.zeros([n], { dtype });
      dist.scatter(recvd, sl, root, { group, asyncOp: true }).wait();
      expectValues(`${tag} scatter ${dtype} [${n}]`, recvd, values(dtype, rank + 20, n));
    }
  }
  dist.barrier(group);
  dist.barrier(group, true).wait();
  checks++;
}

collectivesOn(all, undefined, "world");

// point to point: a ring of sends, then isend/irecv with tags, then a receive from any rank
{
  const next = (rank + 1) % world, prev = (rank + world - 1) % world;
  for (const dtype of DTYPES) {
    const n = 1000;
    if (rank % 2 === 0) {
      dist.send(input(dtype, rank, n), next);
      const r = torch.zeros([n], { dtype });
      const from = dist.recv(r, prev);
      expectValues(`recv ${dtype} from ${from}`, r, values(dtype, prev, n));
    } else {
      const r = torch.zeros([n], { dtype });
      dist.recv(r, prev);
      expectValues(`recv ${dtype}`, r, values(dtype, prev, n));
      dist.send(input(dtype, rank, n), next);
    }
  }
  const a = torch.zeros([3]), b = torch.zeros([3]);
  const wa = dist.irecv(a, prev, { tag: 7 }), wb = dist.irecv(b, prev, { tag: 8 });
  const s8 = dist.isend(torch.full([3], 8, { dtype: "float32" }), next, { tag: 8 }), s7 = dist.isend(torch.full([3], 7, { dtype: "float32" }), next, { tag: 7 });
  for (const w of [wa, wb, s8, s7]) w.wait();
  expectValues("irecv tag 7", a, [7, 7, 7]);
  expectValues("irecv tag 8", b, [8, 8, 8]);
  if (rank === 0) {
    const seen = new Set<number>();
    for (let k = 1; k < world; k++) {
      const t = torch.zeros([2]);
      const from = dist.recv(t);
      seen.add(from);
      expectValues(`recv from any rank (${from})`, t, [from * 100, from * 100]);
    }
    checks++;
    if (seen.size !== world - 1) failures.push(`recv from any: got ranks ${[...seen]}`);
  } else dist.send(torch.full([2], rank * 100, { dtype: "float32" }), 0);
}

// subgroups: every rank creates every group, in the same order
if (world >= 3) {
  const groups: number[][] = [[0, 2], all.slice(1)];
  for (const ranks of groups) {
    const g = dist.newGroup(ranks);
    if (ranks.includes(rank)) {
      checks++;
      if (dist.getRank(g) !== ranks.indexOf(rank) || dist.getWorldSize(g) !== ranks.length) failures.push(`group ${ranks}: rank/size wrong`);
      collectivesOn(ranks, g, `group [${ranks}]`);
    } else {
      checks++;
      if (dist.getRank(g) !== -1) failures.push(`non-member rank ${rank} has group rank ${dist.getRank(g)}`);
      const t = torch.ones(2);
      dist.allReduce(t, ReduceOp.SUM, g); // a non-member's call does nothing
      expectValues("non-member allReduce leaves the tensor", t, [1, 1]);
    }
  }
}

dist.barrier();
dist.destroyProcessGroup();
console.log(`RESULT ${JSON.stringify({ rank, checks, failures: failures.slice(0, 20) })}`);
