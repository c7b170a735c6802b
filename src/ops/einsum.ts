// torch.einsum(equation, ...operands), written with views, sums and batched matmul, so its
// gradient comes from those. Each operand first takes its repeated labels' diagonals and sums
// the labels no one else uses; then operands are contracted left to right: labels both share
// and the output keeps are batch dims, shared labels the output drops are the contraction.
import { checkTensor } from "../args.ts";
import { RuntimeError, TorchTypeError, ValueError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { diagonal } from "./diagonal.ts";

/** A term: an operand's labels, "..." expanded to one label per broadcast dim (upper-case-free "0".."9"). */
type Term = string[];

function parseEquation(equation: string, operands: readonly Tensor[]): { inputs: Term[]; output: Term } {
  const eq = equation.replace(/\s+/g, "");
  const arrow = eq.indexOf("->");
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const parts = lhs.split(",");
  if (parts.length !== operands.length) {
    throw new ValueError(`einsum(): more operands were provided than specified in the equation`.replace("more", parts.length < operands.length ? "more" : "fewer"));
  }
  const ellipses = parts.map((p, i) => {
    const t = operands[i]!;
    const dots = p.indexOf("...");
    const letters = p.replace("...", "");
    if (!/^[a-zA-Z]*$/.test(letters)) throw new RuntimeError(`einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
    const nEll = dots >= 0 ? t.ndim - letters.length : 0;
    if (nEll < 0 || (dots < 0 && letters.length !== t.ndim)) {
      throw new RuntimeError(`einsum(): the number of subscripts in the equation (${letters.length}) does not match the number of dimensions (${t.ndim}) for operand ${i}${dots < 0 ? " and no ellipsis was given" : ""}`);
    }
    return nEll;
  });
  // ellipsis dims broadcast from the right: label k of the widest one is "k"
  const ellipsisDims = Math.max(0, ...ellipses);
  const inputs: Term[] = parts.map((p, i) => {
    const dots = p.indexOf("...");
    const ell = Array.from({ length: ellipses[i]! }, (_, k) => String(k + ellipsisDims - ellipses[i]!));
    return dots < 0 ? [...p] : [...p.slice(0, dots), ...ell, ...p.slice(dots + 3)];
  });
  const allEll = Array.from({ length: ellipsisDims }, (_, k) => String(k));
  let output: Term;
  if (arrow >= 0) {
    const rhs = eq.slice(arrow + 2);
    const dots = rhs.indexOf("...");
    const letters = rhs.replace("...", "");
    if (!/^[a-zA-Z]*$/.test(letters)) throw new RuntimeError("einsum(): invalid subscript in the output");
    output = dots < 0 ? [...letters] : [...rhs.slice(0, dots), ...allEll, ...rhs.slice(dots + 3)];
    const seen = new Set<string>();
    for (const l of output) {
      if (seen.has(l)) throw new RuntimeError(`einsum(): output subscript ${l} appears more than once in the output`);
      if (!/\d/.test(l) && !inputs.some((t) => t.includes(l))) throw new RuntimeError(`einsum(): output subscript ${l} does not appear in the equation for any input operand`);
      seen.add(l);
    }
  } else {
    // implicit output: the ellipsis dims, then the labels that appear exactly once, sorted
    const counts = new Map<string, number>();
    for (const t of inputs) for (const l of t) if (!/\d/.test(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [...allEll, ...[...counts.keys()].filter((l) => counts.get(l) === 1).sort()];
  }
  return { inputs, output };
}

/** x with its labels made distinct: each repeated label's dims replaced by their diagonal (last). */
function distinctLabels(x: Tensor, term: Term): [Tensor, Term] {
  let t = x;
  let labels = term.slice();
  for (;;) {
    const dup = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (dup < 0) return [t, labels];
    const first = labels.indexOf(labels[dup]!);
    if (t.shape[first] !== t.shape[dup]) {
      throw new RuntimeError(`einsum(): subscript ${labels[dup]} is repeated for operand but the sizes don't match, ${t.shape[dup]} != ${t.shape[first]}`);
    }
    t = diagonal(t, 0, first, dup);
    labels = [...labels.filter((_, i) => i !== first && i !== dup), labels[dup]!];
  }
}

/** Sums away labels that no other term needs; returns the tensor and its remaining labels. */
function sumUnused(t: Tensor, labels: Term, needed: Set<string>): [Tensor, Term] {
  const drop = labels.map((l, i) => (needed.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (drop.length === 0) return [t, labels];
  return [t.sum(drop), labels.filter((_, i) => !drop.includes(i))];
}

/** Brings t's dims into `order` (labels missing from t become size-1 dims). */
function align(t: Tensor, labels: Term, order: Term): Tensor {
  const present = order.filter((l) => labels.includes(l));
  const perm = present.map((l) => labels.indexOf(l));
  const p = perm.length > 1 ? t.permute(perm) : t;
  return p.reshape(order.map((l) => (labels.includes(l) ? t.shape[labels.indexOf(l)]! : 1)));
}

/** Contracts a and b over the labels in `sum`, keeping the rest as [a-only..., shared..., b-only...] batch-matmul. */
function contract(a: Tensor, la: Term, b: Tensor, lb: Term, keep: Set<string>): [Tensor, Term] {
  const shared = la.filter((l) => lb.includes(l));
  const batch = shared.filter((l) => keep.has(l));
  const sum = shared.filter((l) => !keep.has(l));
  const aOnly = la.filter((l) => !lb.includes(l));
  const bOnly = lb.filter((l) => !la.includes(l));
  const size = (l: string): number => (la.includes(l) ? a.shape[la.indexOf(l)]! : b.shape[lb.indexOf(l)]!);
  const prod = (ls: Term): number => ls.reduce((p, l) => p * size(l), 1);
  // a -> [batch, aOnly, sum], b -> [batch, sum, bOnly], broadcasting size-1 batch dims
  const bs = batch.map((l) => Math.max(la.includes(l) ? a.shape[la.indexOf(l)]! : 1, lb.includes(l) ? b.shape[lb.indexOf(l)]! : 1));
  const A = align(a, la, [...batch, ...aOnly, ...sum]).expand([...bs, ...aOnly.map(size), ...sum.map(size)]).reshape([...bs, prod(aOnly), prod(sum)]);
  const B = align(b, lb, [...batch, ...sum, ...bOnly]).expand([...bs, ...sum.map(size), ...bOnly.map(size)]).reshape([...bs, prod(sum), prod(bOnly)]);
  const out = A.matmul(B).reshape([...bs, ...aOnly.map(size), ...bOnly.map(size)]);
  return [out, [...batch, ...aOnly, ...bOnly]];
}

/** torch.einsum(equation, *operands) (also einsum(equation, [operands])). */
export function einsum(equation: string, ...args: Array<Tensor | readonly Tensor[]>): Tensor {
  if (typeof equation !== "string") throw new TorchTypeError("einsum(): argument 'equation' must be a string");
  const operands = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as Tensor[];
  operands.forEach((t, i) => checkTensor(t, `operands[${i}]`, "einsum"));
  if (operands.length === 0) throw new ValueError("einsum(): must provide at least one operand");
  const { inputs, output } = parseEquation(equation, operands);
  const outSet = new Set(output);
  let terms = operands.map((t, i) => distinctLabels(t, inputs[i]!));
  // labels needed later: by the output or by another term
  const neededBy = (k: number): Set<string> => new Set([...output, ...terms.flatMap(([, l], j) => (j === k ? [] : l))]);
  terms = terms.map(([t, l], k) => sumUnused(t, l, neededBy(k)));
  let [acc, labels] = terms[0]!;
  for (let k = 1; k < terms.length; k++) {
    const later = new Set([...output, ...terms.slice(k + 1).flatMap(([, l]) => l)]);
    [acc, labels] = contract(acc, labels, terms[k]![0], terms[k]![1], later);
    [acc, labels] = sumUnused(acc, labels, later);
  }
  [acc, labels] = sumUnused(acc, labels, outSet);
  // broadcast ellipsis dims of size 1 that the output keeps are already in acc; order as output
  const perm = output.map((l) => labels.indexOf(l));
  return perm.length > 1 ? acc.permute(perm) : acc.reshape(output.map((l) => acc.shape[labels.indexOf(l)]!));
}
