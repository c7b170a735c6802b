// F.affine_grid and F.grid_sample (spatial transformer networks), as composites of differentiable
// ops, following ATen's GridSampler: grid coordinates in [-1, 1] are unnormalized to pixel
// coordinates (align_corners: -1 and 1 are the corner pixels' centres; otherwise their outer
// edges), moved in by the padding mode (border: clipped; reflection: reflected about the edges,
// then clipped), and sampled: bilinear (trilinear for 5-D input) weights of the 2^d neighbours,
// or the nearest pixel (rounding half to even, as nearbyint). Neighbours outside the input read
// 0. The gradient with respect to the input is the gather's (a scatter-add of the weights), with
// respect to the grid the weights' (0 where clipped, sign-flipped where reflected, 0 for nearest),
// as ATen's backward kernels compute them. Bicubic is not implemented (NotImplementedError).
import { warnOnce } from "../../warnings.ts";
import { bool, checkTensor, ints, nullable, param, parseArgs, str, typeError, type Args } from "../../args.ts";
import { IndexError, NotImplementedError, RuntimeError, ValueError } from "../../errors.ts";
import { isFloating, scalarTypeName } from "../../dtype.ts";
import { fmtShape } from "../../layout.ts";
import { linspace } from "../../ops/creation.ts";
import { where } from "../../ops/elementwise.ts";
import { stack } from "../../ops/shape.ts";
import type { Tensor } from "../../tensor.ts";

const DEFAULT_ALIGN = "Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for details.";

/** PyTorch's align_corners=None: false, with its warning. */
function alignCornersOf(v: boolean | null): boolean {
  if (v !== null) return v;
  warnOnce(DEFAULT_ALIGN);
  return false;
}

/** The options of `F.affineGrid`. */
export interface AffineGridOptions {
  /** Whether -1 and 1 are the centres of the corner pixels (true) or their outer edges; PyTorch's default (null) false, with a warning. */
  alignCorners?: boolean | null;
}

/** ATen's linspace_from_neg_one: n points over [-1, 1], scaled by (n - 1) / n without align_corners; one point is 0. */
function steps(n: number, alignCorners: boolean, like: Tensor): Tensor {
  if (n <= 1) return linspace(0, 0, 1, { dtype: like.dtype, device: like.device });
  const r = linspace(-1, 1, n, { dtype: like.dtype, device: like.device });
  return alignCorners ? r : r.mul((n - 1) / n);
}

/**
 * F.affine_grid(theta, size, align_corners=None): the sampling grid [N, H, W, 2] ([N, D, H, W, 3])
 * of the affine maps theta [N, 2, 3] ([N, 3, 4]) for an output of size [N, C, H, W] ([N, C, D, H, W]).
 */
export function affineGrid(theta: Tensor, size: readonly number[], ...args: Args<[alignCorners: boolean | null], AffineGridOptions>): Tensor {
  const fn = "affineGrid";
  checkTensor(theta, "theta", fn);
  if (!Array.isArray(size)) throw typeError(fn, "size", "a list of integers", size);
  const sz = ints(Math.max(size.length, 1))(size, "size", fn);
  const a = parseArgs<{ alignCorners: boolean | null }>(fn, [param("alignCorners", nullable(bool), null)], args);
  const alignCorners = alignCornersOf(a.alignCorners);
  if (!isFloating(theta.dtype)) throw new ValueError(`Expected theta to have floating point type, but got torch.${theta.dtype}`);
  const sizeStr = `[${sz.join(", ")}]`;
  let spatial: number[];
  if (sz.length === 4) {
    if (theta.ndim !== 3 || theta.shape[1] !== 2 || theta.shape[2] !== 3) throw new ValueError(`Expected a batch of 2D affine matrices of shape Nx2x3 for size ${sizeStr}. Got torch.Size([${theta.shape.join(", ")}]).`);
    spatial = sz.slice(2);
  } else if (sz.length === 5) {
    if (theta.ndim !== 3 || theta.shape[1] !== 3 || theta.shape[2] !== 4) throw new ValueError(`Expected a batch of 3D affine matrices of shape Nx3x4 for size ${sizeStr}. Got torch.Size([${theta.shape.join(", ")}]).`);
    spatial = sz.slice(2);
  } else {
    throw new NotImplementedError(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${sizeStr}.`);
  }
  if (alignCorners && Math.min(...spatial) === 1) {
    warnOnce("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when align_corners=True. This is not an intended use case of affine_grid. See the documentation of affine_grid for details.");
  } else if (Math.min(...sz) <= 0) throw new ValueError(`Expected non-zero, positive output size. Got ${sizeStr}`);
  const n = sz[0]!;
  if (theta.shape[0] !== n) throw new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: [${n}, ${spatial.length + 1}] but got: [${theta.shape[0]}, ${theta.shape[2]}].`);
  // base grid [*spatial, d + 1]: (x, y[, z], 1) with x along the last dim
  const d = spatial.length;
  const axes = spatial.map((s, i) => {
    const shape = spatial.map((_, j) => (j === i ? s : 1));
    return steps(s, alignCorners, theta).reshape(shape).expand(spatial);
  });
  const coords = [...axes.reverse(), axes[0]!.mul(0).add(1)];
  const points = spatial.reduce((m, v) => m * v, 1);
  const base = stack(coords, -1).reshape(1, points, d + 1).expand([n, points, d + 1]);
  return base.bmm(theta.transpose(1, 2)).reshape([n, ...spatial, d]);
}

/** The options of `F.gridSample`. */
export interface GridSampleOptions {
  /** "bilinear" (trilinear for 5-D input; PyTorch's default) or "nearest"; "bicubic" is not implemented. */
  mode?: "bilinear" | "nearest" | "bicubic";
  /** Where outside points read from: "zeros" (PyTorch's default), "border" or "reflection". */
  paddingMode?: "zeros" | "border" | "reflection";
  /** See affineGrid; PyTorch's default (null) false, with a warning. */
  alignCorners?: boolean | null;
}
const GRID_SAMPLE = [param("mode", str, "bilinear"), param("paddingMode", str, "zeros"), param("alignCorners", nullable(bool), null)];

/** ATen's reflect_coordinates: x reflected into [twiceLow / 2, twiceHigh / 2]. */
function reflect(x: Tensor, twiceLow: number, twiceHigh: number): Tensor {
  if (twiceLow === twiceHigh) return x.mul(0);
  const min = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
  const t = x.sub(min).abs();
  const extra = t.fmod(span);
  const even = t.div(span).floor().remainder(2).eq(0);
  return where(even, extra.add(min), extra.neg().add(span + min));
}

/** A grid coordinate to a pixel coordinate along a dim of `size` pixels (ATen's grid_sampler_compute_source_index). */
function sourceIndex(coord: Tensor, size: number, padding: string, alignCorners: boolean): Tensor {
  let x = alignCorners ? coord.add(1).mul((size - 1) / 2) : coord.add(1).mul(size).sub(1).div(2);
  if (padding === "zeros") return x;
  if (padding === "reflection") x = alignCorners ? reflect(x, 0, 2 * (size - 1)) : reflect(x, -1, 2 * size - 1);
  // ATen clips with min(limit, max(x, 0)) on vectors, whose max gives 0 for NaN: a NaN (or a
  // reflected infinity) samples pixel 0, where clamp would keep the NaN
  x = x.clamp(0, size - 1);
  return where(x.isnan(), 0, x);
}

/**
 * F.grid_sample(input, grid, mode='bilinear', padding_mode='zeros', align_corners=None): input
 * [N, C, H, W] ([N, C, D, H, W]) sampled at grid [N, Ho, Wo, 2] ([N, Do, Ho, Wo, 3]) of (x, y[, z])
 * coordinates in [-1, 1]: [N, C, Ho, Wo] ([N, C, Do, Ho, Wo]).
 */
export function gridSample(input: Tensor, grid: Tensor, ...args: Args<[mode: "bilinear" | "nearest" | "bicubic", paddingMode: "zeros" | "border" | "reflection", alignCorners: boolean | null], GridSampleOptions>): Tensor {
  const fn = "gridSample";
  checkTensor(input, "input", fn);
  checkTensor(grid, "grid", fn);
  const a = parseArgs<{ mode: string; paddingMode: string; alignCorners: boolean | null }>(fn, GRID_SAMPLE, args);
  if (a.mode !== "bilinear" && a.mode !== "nearest" && a.mode !== "bicubic") throw new ValueError(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${a.mode}'`);
  if (a.paddingMode !== "zeros" && a.paddingMode !== "border" && a.paddingMode !== "reflection") {
    throw new ValueError(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${a.paddingMode}'`);
  }
  const alignCorners = alignCornersOf(a.alignCorners);
  // ATen's check_grid_sampler_common, then the 2-d / 3-d kernels' checks, in their order
  if (input.ndim === 0 || grid.ndim === 0) throw new IndexError("Dimension specified as 0 but tensor has no dimensions");
  const sizes = `input with sizes ${fmtShape(input.shape)} and grid with sizes ${fmtShape(grid.shape)}`;
  if (input.shape[0] !== grid.shape[0]) throw new RuntimeError(`grid_sampler(): expected grid and input to have same batch size, but got ${sizes}`);
  const d = input.ndim - 2;
  if (grid.shape[grid.ndim - 1] !== d) throw new RuntimeError(`grid_sampler(): expected grid to have size ${d} in last dimension, but got grid with sizes ${fmtShape(grid.shape)}`);
  for (let i = 2; i < input.ndim; i++) {
    if (input.shape[i] === 0) throw new RuntimeError(`grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes ${fmtShape(input.shape)} with dimension ${i} being empty`);
  }
  const kd = input.ndim === 4 ? 4 : 5;
  if (input.ndim !== kd || grid.ndim !== kd) throw new RuntimeError(`grid_sampler(): expected ${kd}D input and grid with same number of dimensions, but got ${sizes}`);
  if (a.mode === "bicubic") {
    if (kd === 5) throw new RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input");
    throw new NotImplementedError("grid_sample: mode='bicubic' is not implemented in torch-ts ('bilinear' and 'nearest' are)");
  }
  if (!isFloating(input.dtype)) throw new RuntimeError(`grid_sampler_${d}d_cpu not implemented for ${scalarTypeName(input.dtype)}`);
  if (grid.dtype !== input.dtype) throw new RuntimeError(`expected scalar type ${scalarTypeName(input.dtype)} but found ${scalarTypeName(grid.dtype)}`);

  const [n, c] = input.shape as [number, number];
  const inSpatial = input.shape.slice(2); // [D,] H, W
  const outSpatial = grid.shape.slice(1, -1);
  const points = outSpatial.reduce((m, v) => m * v, 1);
  const plane = inSpatial.reduce((m, v) => m * v, 1);
  const flat = input.reshape(n, c, plane);
  const g = grid.reshape(n, points, d);
  // pixel coordinates per input dim, in the input's dim order (the grid holds x first)
  const coords = inSpatial.map((size, i) => sourceIndex(g.select(2, d - 1 - i), size, a.paddingMode, alignCorners));
  /** The input at integer positions `at` (one [N, P] tensor per dim), 0 outside: [N, C, P]. */
  const read = (at: Tensor[]): Tensor => {
    let inside: Tensor | null = null;
    let index: Tensor | null = null;
    at.forEach((p, i) => {
      const ok = p.ge(0).logicalAnd(p.le(inSpatial[i]! - 1));
      inside = inside === null ? ok : inside.logicalAnd(ok);
      // outside (or NaN) positions read element 0, which `inside` then masks out
      const safe = where(ok, p, 0);
      index = index === null ? safe : index.mul(inSpatial[i]!).add(safe);
    });
    const idx = index!.to("int64").unsqueeze(1).expand([n, c, points]);
    return where(inside!.unsqueeze(1), flat.gather(2, idx), 0);
  };
  let out: Tensor | null = null;
  if (a.mode === "nearest") out = read(coords.map((x) => x.detach().round()));
  else {
    const lo = coords.map((x) => x.detach().floor());
    for (let corner = 0; corner < 1 << d; corner++) {
      let w: Tensor | null = null;
      const at = lo.map((l, i) => {
        const high = ((corner >> (d - 1 - i)) & 1) === 1;
        // the weight along dim i: x - floor(x) for the upper neighbour, floor(x) + 1 - x for the lower
        const wi = high ? coords[i]!.sub(l) : l.add(1).sub(coords[i]!);
        w = w === null ? wi : w.mul(wi);
        return high ? l.add(1) : l;
      });
      const term = read(at).mul(w!.unsqueeze(1));
      out = out === null ? term : out.add(term);
    }
  }
  return out!.reshape([n, c, ...outSpatial]);
}
