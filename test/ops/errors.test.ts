// Bad input must fail with PyTorch's error: the same exception kind (err.name is PyTorch's
// class name: RuntimeError, IndexError, ValueError) and a message containing the parts of
// PyTorch 1.13's real message stored in test/fixtures/ops-errors.json (with the shapes).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { loadErrorCases } from "./fixture-io.ts";

const f64 = (shape: number[], requiresGrad = false) =>
  torch.randn(shape, { dtype: "float64", requiresGrad });
const r = (...shape: number[]) => torch.randn(shape);

/** Each entry does what the same-named entry of ERRORS in tools/gen_op_fixtures.py does. */
const THUNKS: Record<string, () => unknown> = {
  "add.shape_mismatch": () => r(2, 3).add(r(2, 4)),
  "mul.shape_mismatch": () => torch.mul(r(5, 3), r(2, 1)),
  "mm.shape_mismatch": () => torch.mm(r(3, 2), r(3, 2)),
  "matmul.shape_mismatch": () => torch.matmul(r(2, 3), r(4, 5)),
  "bmm.shape_mismatch": () => torch.bmm(r(2, 3, 4), r(2, 5, 6)),
  "sum.bad_dim": () => r(2, 3).sum(2),
  "softmax.bad_dim": () => torch.softmax(r(2, 3), -3),
  "transpose.bad_dim": () => r(2, 3).transpose(0, 3),
  "unsqueeze.bad_dim": () => r(2, 3).unsqueeze(3),
  "gather.index_dtype": () => r(3, 4).gather(1, torch.zeros(3, 2)),
  "gather.index_out_of_range": () => r(3, 4).gather(1, torch.tensor([[0, 4], [1, 1], [2, 2]])),
  "indexSelect.index_out_of_range": () => r(3, 4).indexSelect(0, torch.tensor([0, 3])),
  "select.index_out_of_range": () => r(2, 3).select(0, 5),
  "reshape.invalid": () => r(2, 3).reshape(4, 4),
  "view.noncontig": () => r(2, 3).t().view(6),
  "expand.invalid": () => r(2, 3).expand(2, 4),
  "cat.shapes": () => torch.cat([r(2, 3), r(2, 4)], 0),
  "stack.shapes": () => torch.stack([r(2, 3), r(2, 4)], 0),
  "where.cond_dtype": () => torch.where(torch.ones(2, 3), r(2, 3), r(2, 3)),
  "item.not_scalar": () => r(2, 3).item(),
  "backward.non_scalar": () => torch.randn([2, 3], { requiresGrad: true }).mul(2).backward(),
  "backward.no_grad_fn": () => r(2, 3).sum().backward(),
  "grad.input_not_requiring_grad": () =>
    torch.autograd.grad([torch.randn([3], { requiresGrad: true }).mul(2).sum()], [r(3)]),
  "backward.twice": () => {
    const x = torch.tensor([1, 2, 3], { dtype: "float32", requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    y.backward();
  },
  "inplace.saved_modified": () => {
    // exp saves its result for backward; modifying it in place bumps its version to 1.
    const x = torch.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    const y = x.exp();
    y.add_(1);
    y.sum().backward();
  },
  "inplace.leaf_requires_grad": () => f64([3], true).add_(1),
  "fmod.int_zero": () => torch.fmod(torch.tensor([3, 4], { dtype: "int64" }), torch.tensor([1, 0], { dtype: "int64" })),
  "remainder.int_zero": () => torch.remainder(torch.tensor([3], { dtype: "int64" }), 0),
  "floorDivide.int_zero": () => torch.floorDivide(torch.tensor([3], { dtype: "int32" }), 0),
  "floor.bool": () => torch.floor(torch.tensor([true])),
  "round.decimals_int": () => torch.round(torch.tensor([3], { dtype: "int64" }), { decimals: 1 }),
  "frac.int": () => torch.frac(torch.tensor([3], { dtype: "int64" })),
  "fmod.bool": () => torch.fmod(torch.tensor([true]), torch.tensor([true])),
  "hypot.int": () => torch.hypot(torch.tensor([1], { dtype: "int64" }), torch.tensor([2], { dtype: "int64" })),
  "logaddexp.int": () => torch.logaddexp(torch.tensor([1], { dtype: "int64" }), torch.tensor([2], { dtype: "int64" })),
  "atan2.scalar_other": () => torch.atan2(torch.tensor([1.0]), 2 as unknown as torch.Tensor),
  "isclose.dtype": () => torch.isclose(r(2), f64([2])),
  "isclose.negative_rtol": () => torch.isclose(r(2), r(2), { rtol: -1 }),
  "allclose.negative_atol": () => torch.allclose(r(2), r(2), { atol: -0.5 }),
  "isclose.shape_mismatch": () => torch.isclose(r(2, 3), r(4)),
  "addmm.shape_mismatch": () => torch.addmm(r(4), r(2, 3), r(4, 4)),
  "addmm.input_shape": () => torch.addmm(r(3, 4), r(2, 3), r(3, 4)),
  "addmm.not_matrix": () => torch.addmm(r(4), r(3), r(3, 4)),
  "addmm.dtype": () => torch.addmm(r(2, 4), r(2, 3), f64([3, 4])),
  "mv.shape_mismatch": () => torch.mv(r(2, 3), r(4)),
  "mv.not_vector": () => torch.mv(r(2, 3), r(3, 1)),
  "addmv.shape_mismatch": () => torch.addmv(r(3), r(2, 3), r(3)),
  "dot.not_1d": () => torch.dot(r(2, 3), r(3)),
  "dot.size": () => torch.dot(r(3), r(4)),
  "dot.dtype": () => torch.dot(r(3), f64([3])),
  "baddbmm.input_shape": () => torch.baddbmm(r(2, 3, 5), r(2, 3, 4), r(2, 4, 4)),
  "baddbmm.batches": () => torch.baddbmm(r(2, 3, 4), r(2, 3, 4), r(3, 4, 4)),
  "addbmm.sizes": () => torch.addbmm(r(3, 4), r(2, 3, 4), r(2, 5, 4)),
  "addcmul.shape_mismatch": () => torch.addcmul(r(2), r(3), r(2)),
  "addcdiv.integer": () => torch.addcdiv(torch.tensor([1]), torch.tensor([1]), torch.tensor([2])),
  "lerp.end_dtype": () => torch.lerp(r(2), f64([2]), 0.5),
  "lerp.weight_dtype": () => torch.lerp(r(2), r(2), f64([2])),
  "lerp.integer": () => torch.lerp(torch.tensor([1]), torch.tensor([2]), 0.5),
  "hstack.empty": () => torch.hstack([]),
  "vstack.shapes": () => torch.vstack([r(2), r(3)]),
  "columnStack.empty": () => torch.columnStack([]),
  "broadcastTo.shape": () => torch.broadcastTo(r(3), [2, 4]),
  "broadcastTensors.shapes": () => torch.broadcastTensors(r(2, 3), r(4)),
  "meshgrid.2d": () => torch.meshgrid(r(2, 2), { indexing: "ij" }),
  "meshgrid.dtype": () => torch.meshgrid(r(2), f64([2]), { indexing: "ij" }),
  "meshgrid.empty": () => torch.meshgrid(),
  "trace.not_matrix": () => torch.trace(r(3)),
  "takeAlongDim.ndim": () => torch.takeAlongDim(r(2, 3), torch.zeros([2], { dtype: "int64" }), 1),
  "takeAlongDim.dtype": () => torch.takeAlongDim(r(2, 3), torch.zeros(2, 1), 1),
  "indexAdd.count": () => torch.indexAdd(r(3, 4), 0, torch.tensor([0, 1, 2]), r(2, 4)),
  "indexAdd.range": () => torch.indexAdd(r(3, 4), 0, torch.tensor([0, 3]), r(2, 4)),
  "indexAdd.dtype": () => torch.indexAdd(r(3, 4), 0, torch.tensor([0, 1]), f64([2, 4])),
  "indexCopy.count": () => torch.indexCopy(r(3, 4), 0, torch.tensor([0, 1, 2]), r(2, 4)),
  "indexFill.range": () => torch.indexFill(r(3, 4), 0, torch.tensor([0, 5]), 1),
  "indexFill.index_dtype": () => torch.indexFill(r(3, 4), 0, torch.tensor([0, 1], { dtype: "float32" }), 1),
  "tensordot.sizes": () => torch.tensordot(r(2, 3), r(4, 5), { dims: 1 }),
  "tensordot.lists": () => torch.tensordot(r(2, 3), r(3, 5), [[1, 0], [0]]),
  "cross.no_size_3": () => torch.cross(r(2, 4), r(2, 4)),
  "cross.dim_size": () => torch.cross(r(3, 4), r(3, 4), { dim: 1 }),
  "cdist.columns": () => torch.cdist(r(2, 3), r(4, 5)),
  "cdist.negative_p": () => torch.cdist(r(2, 3), r(4, 3), { p: -1 }),
  "cdist.integer": () => torch.cdist(torch.ones([2, 3], { dtype: "int64" }), torch.ones([4, 3], { dtype: "int64" })),
  "cdist.1d": () => torch.cdist(r(3), r(3)),
  "rot90.same_dims": () => torch.rot90(r(2, 3), 1, [0, 0]),
  "rot90.1d": () => torch.rot90(r(3), 1, [0, 1]),
  "rot90.three_dims": () => torch.rot90(r(2, 3), 1, [0, 1, 2]),
  "diagEmbed.same_dims": () => torch.diagEmbed(r(3), 0, 0, 0),
  "triuIndices.negative_row": () => torch.triuIndices(-1, 3),
  "kthvalue.range": () => r(2, 4).kthvalue(5, 1),
  "quantile.q_range": () => torch.quantile(r(3, 4), 1.5),
  "quantile.q_values": () => torch.quantile(r(3, 4), torch.tensor([0.5, -1], { dtype: "float32" })),
  "quantile.q_dtype": () => torch.quantile(r(3, 4), f64([1]).mul(0).add(0.5)),
  "quantile.q_2d": () => torch.quantile(r(3, 4), torch.tensor([[0.5]], { dtype: "float32" })),
  "quantile.integer": () => torch.quantile(torch.tensor([1, 2]), 0.5),
  "quantile.interpolation": () => torch.quantile(r(3, 4), 0.5, { interpolation: "foo" as never }),
  "unique.backward": () => (torch.unique(torch.tensor([1, 2], { dtype: "float32", requiresGrad: true })) as torch.Tensor).sum().backward(),
  "unique_dim.backward": () => (torch.unique(torch.tensor([[1, 2]], { dtype: "float32", requiresGrad: true }), { dim: 0 }) as torch.Tensor).sum().backward(),
  "bincount.float": () => torch.bincount(torch.tensor([1], { dtype: "float32" })),
  "bincount.negative": () => torch.bincount(torch.tensor([1, -1])),
  "bincount.2d": () => torch.bincount(torch.tensor([[1]])),
  "bincount.weights_length": () => torch.bincount(torch.tensor([1, 2]), torch.tensor([1], { dtype: "float32" })),
  "bincount.minlength": () => torch.bincount(torch.tensor([1]), { minlength: -1 }),
  "histc.int": () => torch.histc(torch.tensor([1, 2]), { bins: 2 }),
  "histc.bins": () => torch.histc(torch.tensor([1, 2], { dtype: "float32" }), { bins: 0 }),
  "histc.range": () => torch.histc(torch.tensor([1, 2], { dtype: "float32" }), 2, 3, 1),
  "histc.not_finite": () => torch.histc(torch.tensor([1, Infinity], { dtype: "float32" }), { bins: 2 }),
  "searchsorted.shapes": () => torch.searchsorted(torch.tensor([[1, 2]], { dtype: "float32" }), torch.tensor([1], { dtype: "float32" })),
  "searchsorted.side": () => torch.searchsorted(torch.tensor([1, 2], { dtype: "float32" }), torch.tensor([1], { dtype: "float32" }), { side: "middle" as never }),
  "searchsorted.opposites": () => torch.searchsorted(torch.tensor([1, 2], { dtype: "float32" }), torch.tensor([1], { dtype: "float32" }), { side: "left", right: true }),
  "searchsorted.0d": () => torch.searchsorted(torch.tensor(1, { dtype: "float32" }), torch.tensor([1], { dtype: "float32" })),
  "bucketize.2d": () => torch.bucketize(torch.tensor([1], { dtype: "float32" }), torch.tensor([[1]], { dtype: "float32" })),
  "diff.0d": () => torch.diff(torch.tensor(1, { dtype: "float32" })),
  "nanmean.int": () => torch.nanmean(torch.tensor([1, 2])),
  "aminmax.empty": () => torch.aminmax(torch.tensor([], { dtype: "float32" })),
  "aminmax.empty_dim": () => torch.aminmax(torch.zeros(2, 0), { dim: 1 }),
  "aminmax.backward": () => torch.aminmax(torch.tensor([1, 2], { dtype: "float32", requiresGrad: true })).min.backward(),
  "take.range": () => torch.take(torch.zeros(6), torch.tensor([6])),
  "take.negative_range": () => torch.take(torch.zeros(6), torch.tensor([-7])),
  "take.index_dtype": () => torch.take(torch.zeros(6), torch.tensor([1], { dtype: "int32" })),
  "inner.shapes": () => torch.inner(torch.zeros(2, 3), torch.zeros(4)),
  "tensor_split.zero": () => torch.tensorSplit(torch.zeros(3), 0),
  "vsplit.1d": () => torch.vsplit(torch.zeros(4), 2),
  "hsplit.indivisible": () => torch.hsplit(torch.zeros(5, 5), 2),
  "dsplit.2d": () => torch.dsplit(torch.zeros(2, 2), 2),
  "flipud.0d": () => torch.flipud(torch.tensor(1, { dtype: "float32" })),
  "fliplr.1d": () => torch.fliplr(torch.zeros(3)),
  "normal.std_negative": () => torch.normal(torch.zeros(2), -1),
  "normal.std_tensor_negative": () => torch.normal(torch.zeros(2), torch.tensor([1, -1], { dtype: "float32" })),
  "normal.shapes": () => torch.normal(torch.zeros(2), torch.ones(3)),
  "mode.empty": () => torch.mode(torch.zeros(2, 0), 1),
  "logcumsumexp.int": () => torch.logcumsumexp(torch.tensor([1, 2]), 0),
  "heaviside.dtypes": () => torch.heaviside(torch.tensor([1], { dtype: "float32" }), torch.tensor([1])),
  "heaviside.backward": () => torch.heaviside(torch.tensor([1], { dtype: "float32", requiresGrad: true }), torch.tensor([0.5], { dtype: "float32" })).sum().backward(),
  "cov.3d": () => torch.cov(torch.zeros(2, 2, 2)),
  "cov.fweights_numel": () => torch.cov(torch.zeros(2, 3), { fweights: torch.tensor([1, 2]) }),
  "cov.fweights_float": () => torch.cov(torch.zeros(2, 3), { fweights: torch.tensor([1, 2, 1], { dtype: "float32" }) }),
  "block_diag.3d": () => torch.blockDiag(torch.zeros(1, 1, 1)),
  "combinations.2d": () => torch.combinations(torch.zeros(2, 2)),
  "cartesian_prod.2d": () => torch.cartesianProd(torch.zeros(2), torch.zeros(2, 2)),
  "pdist.1d": () => torch.pdist(torch.zeros(3)),
  "pdist.negative_p": () => torch.pdist(torch.zeros(2, 2), -1),
  "pdist.int": () => torch.pdist(torch.zeros([2, 2], { dtype: "int64" })),
  "polygamma.negative_n": () => torch.polygamma(-1, torch.tensor([1], { dtype: "float32" })),
  "bitwise_and.float": () => torch.bitwiseAnd(torch.zeros(2), torch.zeros(2)),
  "bitwise_or.double_scalar": () => torch.bitwiseOr(torch.tensor([1]), 2.5),
  "bitwise_xor.double": () => torch.bitwiseXor(torch.zeros([2], { dtype: "float64" }), torch.tensor([1, 2])),
  "bitwise_not.float": () => torch.bitwiseNot(torch.zeros(2)),
  "bitwise_left_shift.bool": () => torch.bitwiseLeftShift(torch.tensor([true]), torch.tensor([true])),
  "bitwise_right_shift.float": () => torch.bitwiseRightShift(torch.zeros(2), 1),
  "bitwise_and.shape_mismatch": () => torch.bitwiseAnd(torch.tensor([1, 2]), torch.tensor([1, 2, 3])),
  "unique_consecutive.backward": () => (torch.uniqueConsecutive(torch.tensor([1, 2], { dtype: "float32", requiresGrad: true })) as torch.Tensor).sum().backward(),
};

const cases = loadErrorCases();

test("every error case has a torch-ts reproduction and every reproduction is used", () => {
  const names = new Set(cases.map((c) => c.name));
  assert.deepEqual(cases.filter((c) => !(c.name in THUNKS)).map((c) => c.name), []);
  assert.deepEqual(Object.keys(THUNKS).filter((n) => !names.has(n)), []);
});

for (const c of cases) {
  test(`${c.name}: ${c.type}: ${c.message.slice(0, 90)}`, () => {
    const thunk = THUNKS[c.name]!;
    let thrown: unknown = undefined;
    let returned: unknown = undefined;
    try {
      returned = thunk();
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown !== undefined, `expected ${c.type}("${c.message}"), but it returned ${String(returned)}`);
    assert.ok(thrown instanceof Error, `expected an Error, got ${String(thrown)}`);
    assert.equal(thrown.name, c.type, `exception kind (message: ${thrown.message})`);
    for (const fragment of c.fragments) {
      assert.ok(
        thrown.message.includes(fragment),
        `message ${JSON.stringify(thrown.message)}\n  lacks PyTorch's ${JSON.stringify(fragment)}`,
      );
    }
  });
}
