// L-BFGS, as PyTorch 1.13's torch.optim.LBFGS, with its optional strong-Wolfe line search
// (ported there from torch7's lswolfe.lua / polyinterp.lua).
//
// Invariants:
// - All parameters are handled as one flat vector (concatenated in group order); LBFGS
//   supports a single parameter group, as PyTorch.
// - Scalars PyTorch keeps in 0-dim tensors (t, H_diag, ro, al, the losses) are JS numbers
//   here; in float64 they hold the same values.
// - Its state lives, as PyTorch's, in the state entry of the first parameter, with
//   PyTorch's keys (func_evals, n_iter, d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad,
//   prev_loss, al).
import * as torch from "./core.ts";
import type { Tensor } from "./core.ts";
import { RuntimeError, ValueError } from "../errors.ts";
import { Optimizer, type Closure, type ParamState, type Params } from "./optimizer.ts";
import { int, nullable, param, str, type Args } from "../args.ts";
import { number, optimizerArgs } from "./validate.ts";

/** The options of `optim.LBFGS` (and of each of its parameter groups). */
export interface LBFGSOptions {
  lr?: number;
  maxIter?: number;
  /** default maxIter * 5 / 4 (rounded down) */
  maxEval?: number | null;
  toleranceGrad?: number;
  toleranceChange?: number;
  historySize?: number;
  /** null (fixed step) or "strong_wolfe" */
  lineSearchFn?: "strong_wolfe" | null;
}

const dot = (a: Tensor, b: Tensor): number => a.mul(b).sum().item();
const absMax = (a: Tensor): number => a.abs().amax().item();

function toNumber(v: Tensor | number): number {
  return typeof v === "number" ? v : v.item();
}

/** Minimizer of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to bounds (polyinterp.lua). */
export function cubicInterpolate(
  x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number],
): number {
  const [xminBound, xmaxBound] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2
      ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    // Python's min(max(minPos, xmin), xmax), comparison for comparison (NaN included)
    const lower = xminBound > minPos ? xminBound : minPos;
    return xmaxBound < lower ? xmaxBound : lower;
  }
  return (xminBound + xmaxBound) / 2;
}

type ObjFunc = (x: Tensor[], t: number, d: Tensor) => [number, Tensor];

/** Line search for a step satisfying the strong Wolfe conditions (lswolfe.lua). */
function strongWolfe(
  objFunc: ObjFunc, x: Tensor[], t: number, d: Tensor, f: number, g: Tensor, gtd: number,
  c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25,
): [number, Tensor, number, number] {
  const dNorm = absMax(d);
  g = g.clone();
  let [fNew, gNew] = objFunc(x, t, d);
  let lsFuncEvals = 1;
  let gtdNew = dot(gNew, d);

  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  // bracket an interval containing a point satisfying the Wolfe criteria
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew.clone()];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, gNew.clone()];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    // interpolate
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    // next step
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew.clone();
    gtdPrev = gtdNew;
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
  }
  // reached max number of iterations?
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
  }

  // zoom phase: refine the bracket until a point satisfies the criteria
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    // line-search bracket is so small
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    // compute new trial value
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    // t too close to a boundary: after insufficient progress (or at the boundary), move it
    // to 0.1 * the bracket's length from the nearest boundary
    const bMax = Math.max(...bracket);
    const bMin = Math.min(...bracket);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    // evaluate the new point
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals += 1;
    gtdNew = dot(gNew, d);
    lsIter += 1;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]!) {
      // Armijo condition not satisfied or not lower than the lowest point
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew.clone();
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true; // Wolfe conditions satisfied
      } else if (gtdNew * (bracket[highPos]! - bracket[lowPos]!) >= 0) {
        // old high becomes new low
        bracket[highPos] = bracket[lowPos]!;
        bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!;
        bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      // new point becomes new low
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew.clone();
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return [bracketF[lowPos]!, bracketG[lowPos]!, bracket[lowPos]!, lsFuncEvals];
}

// LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100, line_search_fn=None)
const POSITIONAL = [
  param("lr", number, 1), param("maxIter", int(), 20), param("maxEval", nullable(int()), null),
  param("toleranceGrad", number, 1e-7), param("toleranceChange", number, 1e-9), param("historySize", int(), 100),
  param("lineSearchFn", nullable(str), null),
];

export class LBFGS extends Optimizer<LBFGSOptions> {
  private readonly params: Tensor[];
  private numelCache: number | null = null;

  constructor(
    params: Params<LBFGSOptions>,
    ...args: Args<[lr: number, maxIter: number, maxEval: number | null, toleranceGrad: number, toleranceChange: number, historySize: number, lineSearchFn: "strong_wolfe" | null], LBFGSOptions>
  ) {
    const { options, specs } = optimizerArgs<LBFGSOptions>("LBFGS", POSITIONAL, [], args);
    const { lr, maxIter, toleranceGrad, toleranceChange, historySize, lineSearchFn } = options;
    const maxEval = options.maxEval ?? Math.floor((maxIter * 5) / 4);
    if (lineSearchFn !== null && lineSearchFn !== "strong_wolfe") throw new RuntimeError("only 'strong_wolfe' is supported");
    super(params, { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn }, specs);
    if (this.paramGroups.length !== 1) throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
    this.params = this.paramGroups[0]!.params;
  }

  private numel(): number {
    if (this.numelCache === null) this.numelCache = this.params.reduce((n, p) => n + p.numel(), 0);
    return this.numelCache;
  }

  private gatherFlatGrad(): Tensor {
    const views = this.params.map((p) =>
      p.grad === null || p.grad === undefined ? torch.zeros([p.numel()], { dtype: p.dtype, device: p.device }) : p.grad.reshape(-1),
    );
    return torch.cat(views, 0);
  }

  private addGrad(stepSize: number, update: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(update.narrow(0, offset, n).reshape(p.shape), { alpha: stepSize });
      offset += n;
    }
    if (offset !== this.numel()) throw new RuntimeError("LBFGS: parameter sizes changed during the step");
  }

  private cloneParam(): Tensor[] {
    return this.params.map((p) => p.clone());
  }

  private setParam(data: Tensor[]): void {
    this.params.forEach((p, i) => p.copy_(data[i]!));
  }

  private directionalEvaluate(closure: () => number, x: Tensor[], t: number, d: Tensor): [number, Tensor] {
    this.addGrad(t, d);
    const loss = closure();
    const flatGrad = this.gatherFlatGrad();
    this.setParam(x);
    return [loss, flatGrad];
  }

  /** Runs up to maxIter L-BFGS iterations; `closure` must clear the gradients, compute the loss, call backward and return it. */
  step<L extends Tensor | number>(closure?: Closure<L>): L | undefined {
    if (closure === undefined) throw new RuntimeError("LBFGS requires a closure: optimizer.step(closure)");
    const onDevice = this.params.find((p) => p.device.type !== "cpu");
    if (onDevice) {
      throw new RuntimeError(`LBFGS is not available for parameters on ${onDevice.device} yet: it reads the loss and directional derivatives on the host at every iteration (keep the model on the CPU)`);
    }
    const userClosure = closure;
    const evalLoss = (): number => toNumber(torch.enableGrad(() => userClosure()));
    return torch.noGrad(() => {
      const group = this.paramGroups[0]!;
      const { lr, maxIter, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
      const maxEval = group.maxEval ?? Math.floor((maxIter * 5) / 4);
      // LBFGS has only global state, registered under the first parameter (as PyTorch)
      const state = this.stateOf(this.params[0]!);
      state.func_evals ??= 0;
      state.n_iter ??= 0;

      // evaluate initial f(x) and df/dx
      const origLoss = torch.enableGrad(() => userClosure());
      let loss = toNumber(origLoss);
      let currentEvals = 1;
      state.func_evals = (state.func_evals as number) + 1;
      let flatGrad = this.gatherFlatGrad();
      let optCond = absMax(flatGrad) <= toleranceGrad;
      if (optCond) return origLoss;

      let d = state.d as Tensor | undefined;
      let t = state.t as number | undefined;
      let oldDirs = state.old_dirs as Tensor[] | undefined;
      let oldStps = state.old_stps as Tensor[] | undefined;
      let ro = state.ro as number[] | undefined;
      let hDiag = state.H_diag as number | undefined;
      let prevFlatGrad = state.prev_flat_grad as Tensor | undefined;
      let prevLoss = state.prev_loss as number | undefined;

      let nIter = 0;
      while (nIter < maxIter) {
        nIter += 1;
        state.n_iter = (state.n_iter as number) + 1;

        // compute the descent direction
        if (state.n_iter === 1) {
          d = flatGrad.neg();
          oldDirs = [];
          oldStps = [];
          ro = [];
          hDiag = 1;
        } else {
          // update the memory with the last step
          const y = flatGrad.sub(prevFlatGrad!);
          const s = d!.mul(t!);
          const ys = dot(y, s);
          if (ys > 1e-10) {
            if (oldDirs!.length === historySize) {
              // shift history by one (limited memory)
              oldDirs!.shift();
              oldStps!.shift();
              ro!.shift();
            }
            oldDirs!.push(y);
            oldStps!.push(s);
            ro!.push(1 / ys);
            // scale of the initial Hessian approximation
            hDiag = ys / dot(y, y);
          }
          // the L-BFGS two-loop recursion: approximate inverse Hessian times the gradient
          const numOld = oldDirs!.length;
          if (state.al === undefined) state.al = new Array<number | null>(historySize).fill(null);
          const al = state.al as number[];
          const q = flatGrad.neg();
          for (let i = numOld - 1; i >= 0; i--) {
            al[i] = dot(oldStps![i]!, q) * ro![i]!;
            q.add_(oldDirs![i]!, { alpha: -al[i]! });
          }
          const r = q.mul(hDiag!);
          d = r;
          for (let i = 0; i < numOld; i++) {
            const beI = dot(oldDirs![i]!, r) * ro![i]!;
            r.add_(oldStps![i]!, { alpha: al[i]! - beI });
          }
        }

        if (prevFlatGrad === undefined || prevFlatGrad === null) prevFlatGrad = flatGrad.clone();
        else prevFlatGrad.copy_(flatGrad);
        prevLoss = loss;

        // step length: the first iteration ever scales by the gradient's l1 norm
        if (state.n_iter === 1) t = Math.min(1, 1 / flatGrad.abs().sum().item()) * lr;
        else t = lr;

        // directional derivative below tolerance
        const gtd = dot(flatGrad, d!);
        if (gtd > -toleranceChange) break;

        let lsFuncEvals = 0;
        if (lineSearchFn !== null) {
          const xInit = this.cloneParam();
          const objFunc: ObjFunc = (x, tt, dd) => this.directionalEvaluate(evalLoss, x, tt, dd);
          [loss, flatGrad, t, lsFuncEvals] = strongWolfe(objFunc, xInit, t!, d!, loss, flatGrad, gtd);
          this.addGrad(t, d!);
          optCond = absMax(flatGrad) <= toleranceGrad;
        } else {
          // fixed step, no line search
          this.addGrad(t!, d!);
          if (nIter !== maxIter) {
            // re-evaluate only when another iteration follows (no use in a stochastic setting)
            loss = evalLoss();
            flatGrad = this.gatherFlatGrad();
            optCond = absMax(flatGrad) <= toleranceGrad;
            lsFuncEvals = 1;
          }
        }
        currentEvals += lsFuncEvals;
        state.func_evals = (state.func_evals as number) + lsFuncEvals;

        // stopping conditions
        if (nIter === maxIter) break;
        if (currentEvals >= maxEval) break;
        if (optCond) break;
        if (absMax(d!.mul(t!)) <= toleranceChange) break; // lack of progress
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }

      state.d = d;
      state.t = t;
      state.old_dirs = oldDirs;
      state.old_stps = oldStps;
      state.ro = ro;
      state.H_diag = hDiag;
      state.prev_flat_grad = prevFlatGrad;
      state.prev_loss = prevLoss;
      return origLoss;
    });
  }

  /** Loaded 0-dim tensors (PyTorch stores t, H_diag, ro, al as tensors) become numbers. */
  protected override unpackState(_param: Tensor, s: Record<string, unknown>): ParamState {
    const num = (v: unknown): unknown => (v instanceof torch.Tensor && v.numel() === 1 && v.dim() === 0 ? v.item() : v);
    for (const key of ["t", "H_diag", "prev_loss", "func_evals", "n_iter"]) if (key in s) s[key] = num(s[key]);
    for (const key of ["ro", "al"]) if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map(num);
    return s;
  }
}
