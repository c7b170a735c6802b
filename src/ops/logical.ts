// Truth reductions and closeness tests: all, any, isclose, allclose, equal. Built from the
// comparison and sum kernels, so they run wherever those do; the outputs are bool (no gradient).
// allclose and equal answer a JavaScript boolean, which reads the values on the host.
import { noGrad } from "../autograd/gradMode.ts";
import { getDefaultDtype, isFloating, scalarTypeName } from "../dtype.ts";
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { bool, checkTensor, dims as dimsArg, int, num, param, parseArgs, type Args } from "../args.ts";
import type { Dims } from "./reduce.ts";
import { sameShape } from "../layout.ts";
import type { Tensor } from "../tensor.ts";
import { asyncReadError, onHost } from "./alloc.ts";

const TRUTH_ARGS = [param<number | undefined>("dim", int(), undefined), param<boolean | undefined>("keepdim", bool, undefined)];

/** Options of all/any: PyTorch 1.13 reduces one dim (an int; tuples of dims came in 2.2) or all of them. */
export interface TruthOptions {
  /** The dimension to reduce; absent reduces all elements. */
  dim?: number;
  /** Keeps the reduced dimension with size 1 (default false); only with `dim`, as PyTorch 1.13's overloads. */
  keepdim?: boolean;
}
/** The call forms of all/any: (), (dim, keepdim?), or the options object. */
export type TruthArgs = Args<[dim: number, keepdim: boolean], TruthOptions>;

/** all: no zero element (counts the zeros); any: some nonzero element (counts those). */
function truth(fn: "all" | "any", x: Tensor, args: readonly unknown[]): Tensor {
  checkTensor(x, "input", fn);
  const { dim, keepdim } = parseArgs<{ dim?: number; keepdim?: boolean }>(fn, TRUTH_ARGS, args);
  if (dim === undefined && keepdim !== undefined) throw new TorchTypeError(`${fn}() missing 1 required positional argument: 'dim'`);
  return noGrad(() => {
    const nonzero = nonzeroMask(x);
    const counted = fn === "all" ? nonzero.logicalNot() : nonzero;
    const n = counted.sum(dim ?? null, keepdim ?? false);
    return fn === "all" ? n.eq(0) : n.gt(0);
  });
}

/** Where x is nonzero: NaN counts (as PyTorch's), said with isnan, as a device's NaN != 0 may be false. */
const nonzeroMask = (x: Tensor): Tensor => (x.dtype === "bool" ? x : isFloating(x.dtype) ? x.ne(0).logicalOr(x.isnan()) : x.ne(0));

const COUNT_ARGS = [param("dim", dimsArg, null)];
/** torch.count_nonzero(input, dim=None): the number of nonzero elements (over dim: an int or a list), int64. */
export function countNonzero(x: Tensor, ...args: Args<[dim: Dims | null], { dim?: Dims | null }>): Tensor {
  checkTensor(x, "input", "count_nonzero");
  const { dim } = parseArgs<{ dim: Dims | null }>("count_nonzero", COUNT_ARGS, args);
  return noGrad(() => nonzeroMask(x).sum(dim));
}

/** torch.all(input) / torch.all(input, dim, keepdim=False): whether every element is nonzero; bool. */
export function all(x: Tensor, ...args: TruthArgs): Tensor {
  return truth("all", x, args);
}
/** torch.any(input) / torch.any(input, dim, keepdim=False): whether some element is nonzero; bool. */
export function any(x: Tensor, ...args: TruthArgs): Tensor {
  return truth("any", x, args);
}

/** Keywords of isclose and allclose. */
export interface IscloseOptions {
  /** Relative tolerance (default 1e-5): |input - other| <= atol + rtol * |other|. */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** NaN equals NaN (default false). */
  equalNan?: boolean;
}
/** The call forms of isclose/allclose after (input, other): (rtol, atol, equalNan) positionally or as options. */
export type IscloseArgs = Args<[rtol: number, atol: number, equalNan: boolean], IscloseOptions>;
const ISCLOSE_ARGS = [param("rtol", num(), 1e-5), param("atol", num(), 1e-8), param("equalNan", bool, false)];

/**
 * torch.isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False): elementwise
 * input == other, or both finite apart by at most atol + rtol * |other| (ATen's formula: infinities
 * are close only to themselves). Same dtype required; broadcasts.
 */
export function isclose(x: Tensor, other: Tensor, ...args: IscloseArgs): Tensor {
  return iscloseOf("isclose", x, other, args);
}
function iscloseOf(fn: string, x: Tensor, other: Tensor, args: readonly unknown[]): Tensor {
  checkTensor(x, "input", fn);
  checkTensor(other, "other", fn);
  const { rtol, atol, equalNan } = parseArgs<Required<IscloseOptions>>(fn, ISCLOSE_ARGS, args);
  if (x.dtype !== other.dtype) throw new RuntimeError(`${scalarTypeName(x.dtype)} did not match ${scalarTypeName(other.dtype)}`);
  if (rtol < 0) throw new RuntimeError(`rtol must be greater than or equal to zero, but got ${rtol}`);
  if (atol < 0) throw new RuntimeError(`atol must be greater than or equal to zero, but got ${atol}`);
  return noGrad(() => {
    let close = x.eq(other);
    if (equalNan && isFloating(x.dtype)) close = close.logicalOr(x.isnan().logicalAnd(other.isnan()));
    if (rtol === 0 && atol === 0) return close;
    // bools are compared as numbers of the default dtype, as ATen does
    const a = x.dtype === "bool" ? x.to(getDefaultDtype()) : x;
    const b = other.dtype === "bool" ? other.to(getDefaultDtype()) : other;
    const allowed = b.mul(rtol).abs().add(atol);
    const actual = a.sub(b).abs();
    return close.logicalOr(actual.isfinite().logicalAnd(actual.le(allowed)));
  });
}

/** A bool tensor of one element read as a boolean; on a device, the async-read error naming `asyncForm`. */
function readBool(t: Tensor, fn: string, asyncForm: string): boolean {
  if (!onHost(t)) throw asyncReadError(t, `${fn}()`, asyncForm);
  return t.item() !== 0;
}

/** torch.allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False): isclose everywhere, as a boolean. */
export function allclose(x: Tensor, other: Tensor, ...args: IscloseArgs): boolean {
  const close = iscloseOf("allclose", x, other, args);
  return readBool(all(close), "allclose", "await torch.isclose(input, other).all().itemAsync()");
}

/** torch.equal(input, other): the same shape and equal values (compared after type promotion, as PyTorch 1.13), as a boolean. */
export function equal(x: Tensor, other: Tensor): boolean {
  checkTensor(x, "input", "equal");
  checkTensor(other, "other", "equal");
  if (!sameShape(x.shape, other.shape)) return false;
  return readBool(all(noGrad(() => x.eq(other))), "equal", "await torch.eq(input, other).all().itemAsync() (and the shapes equal)");
}
