// torch.nn.utils.rnn and recurrent layers on PackedSequences against PyTorch 1.13
// (test/fixtures/nn_rnn_utils.json, tools/gen_rnn_utils_fixtures.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { assertThrowsCase, checkFCase, loadJson, type ErrorCase, type FCase } from "./names-io.ts";
import { checkModuleCase, type ModuleCase } from "./seq-fixture-io.ts";

const { nn } = torch;
const R = nn.utils.rnn;
type Tensor = torch.Tensor;
type PackedCase = ModuleCase & { forwardSeed: number | null; call: { lengths: number[] } };
const fx = loadJson<{ functional: FCase[]; modules: PackedCase[]; errors: ErrorCase[]; repr: string }>("nn_rnn_utils.json");

const parts = (p: torch.nn.utils.rnn.PackedSequence): Tensor[] => [p.data, p.batchSizes, ...(p.sortedIndices ? [p.sortedIndices, p.unsortedIndices!] : [])];
const lengths = (...l: number[]): Tensor => torch.tensor(l, { dtype: "int64" });

const CALLS: Record<string, (...xs: Tensor[]) => Tensor | Tensor[]> = {
  padSequence: (...s) => R.padSequence(s),
  "padSequence.batchFirst_value": (...s) => R.padSequence(s, true, -1.5),
  "padSequence.1d": (...s) => R.padSequence(s, { batchFirst: true }),
  "padSequence.int64": (...s) => R.padSequence(s, { paddingValue: -1 }),
  "packPaddedSequence.sorted": (x) => parts(R.packPaddedSequence(x, [4, 2, 2])),
  "packPaddedSequence.unsorted_batchFirst": (x) => parts(R.packPaddedSequence(x, lengths(2, 5, 1, 5), { batchFirst: true, enforceSorted: false })),
  "packPaddedSequence.transposed": (x) => parts(R.packPaddedSequence(x, [3, 3, 1], true, false)),
  padPackedSequence: (d) => R.padPackedSequence(new R.PackedSequence(d, lengths(3, 2, 2, 1))),
  "padPackedSequence.unsorted_batchFirst_total": (x) =>
    R.padPackedSequence(R.packPaddedSequence(x, [2, 4, 1], { enforceSorted: false }), { batchFirst: true, paddingValue: 9, totalLength: 6 }),
  packSequence: (...s) => parts(R.packSequence(s, false)),
  "packSequence.sorted": (...s) => parts(R.packSequence(s)),
  unpackSequence: (...s) => R.unpackSequence(R.packSequence(s, { enforceSorted: false })),
  unpadSequence: (x) => R.unpadSequence(x, lengths(3, 1, 2)),
};

test("every nn.utils.rnn fixture has a torch-ts call", () => {
  assert.deepEqual(Object.keys(CALLS).sort(), [...new Set(fx.functional.map((c) => c.name.replace(/\/float32$/, "")))].sort());
});
for (const c of fx.functional) {
  test(`nn.utils.rnn.${c.name} matches PyTorch${c.gradcheck ? " (and gradcheck)" : ""}`, () => checkFCase(c, CALLS[c.name.replace(/\/float32$/, "")]!));
}

const x = torch.randn(3, 2, 2);
const p = R.packSequence([torch.randn(3, 2), torch.randn(2, 2)]);
const ERROR_CALLS: Record<string, () => unknown> = {
  "padSequence.empty": () => R.padSequence([]),
  "padSequence.trailing": () => R.padSequence([torch.randn(3, 2), torch.randn(2, 3)]),
  "packPaddedSequence.unsorted": () => R.packPaddedSequence(x, [1, 3]),
  "packPaddedSequence.count": () => R.packPaddedSequence(x, [3, 1, 1]),
  "packPaddedSequence.zero": () => R.packPaddedSequence(x, [3, 0]),
  "packPaddedSequence.empty": () => R.packPaddedSequence(torch.randn(0, 2, 3), [0, 0]),
  "packPaddedSequence.lengths2d": () => R.packPaddedSequence(x, torch.tensor([[3, 1]])),
  "padPackedSequence.total": () => R.padPackedSequence(p, { totalLength: 2 }),
  "LSTM.packed3d": () => new nn.LSTM(2, 3).forward(new R.PackedSequence(torch.randn(3, 2, 2), lengths(2, 1))),
  "LSTM.packed_features": () => new nn.LSTM(2, 3).forward(R.packSequence([torch.randn(3, 4)])),
  "GRU.packed_hidden": () => new nn.GRU(2, 3).forward(p, torch.zeros(1, 3, 3)),
};
test("every nn.utils.rnn error fixture has a torch-ts call", () => {
  assert.deepEqual(Object.keys(ERROR_CALLS).sort(), fx.errors.map((e) => e.name).sort());
});
for (const e of fx.errors) {
  test(`${e.name} raises PyTorch's ${e.type}`, () => assertThrowsCase(fx.errors, e.name, ERROR_CALLS[e.name]!));
}

test("PackedSequence prints and unpacks like PyTorch's namedtuple", () => {
  const packed = R.packPaddedSequence(torch.arange(6, { dtype: "float32" }).view(3, 2, 1), [3, 2], { enforceSorted: false });
  assert.equal(String(packed), fx.repr);
  const [data, batchSizes, sorted, unsorted] = packed;
  assert.equal(data, packed.data);
  assert.deepEqual(batchSizes!.tolist(), [2, 2, 1]);
  assert.deepEqual([sorted!.tolist(), unsorted!.tolist()], [[0, 1], [0, 1]]);
  assert.equal(packed.double().data.dtype, "float64");
  assert.equal(packed.double().batchSizes, packed.batchSizes);
  assert.deepEqual(R.invertPermutation(torch.tensor([2, 0, 1]))!.tolist(), [1, 2, 0]);
  assert.equal(R.invertPermutation(null), null);
});

test("nn.utils.rnn rejects what it cannot read: lengths beyond the padded time steps, wrong types, unknown options", () => {
  assert.throws(() => R.packPaddedSequence(x, [4, 1]), /a length of 4 exceeds the 3 time steps of the padded input/);
  assert.throws(() => R.packPaddedSequence(x, "3" as never), /argument 'lengths' must be a Tensor or a list of numbers/);
  assert.throws(() => R.packPaddedSequence(x, [3, 1], { batch_first: true } as never), /unexpected keyword argument 'batch_first'/);
  assert.throws(() => R.padPackedSequence(x as never), /argument 'sequence' must be a PackedSequence/);
  assert.throws(() => R.padSequence(5 as never), /pad_sequence: Expected iterable for input sequences/);
  assert.throws(() => R.padSequence([torch.tensor(1), torch.tensor(2)]), /Dimension specified as 0 but tensor has no dimensions/);
});

type Recurrent = torch.nn.RNN | torch.nn.LSTM | torch.nn.GRU;
for (const c of fx.modules) {
  test(`nn.${c.module} ${c.name} on a PackedSequence matches PyTorch (packed output data, final states, input, state and parameter gradients)`, async () => {
    await checkModuleCase<Recurrent>(c, (cc) => new (nn as unknown as Record<string, new (...a: unknown[]) => Recurrent>)[cc.module]!(...cc.args, cc.opts), (m, ins, cc) => {
      const pc = cc as PackedCase;
      const packed = R.packPaddedSequence(ins.input!, pc.call.lengths, { batchFirst: m.batchFirst, enforceSorted: false });
      if (pc.forwardSeed !== null) torch.manualSeed(pc.forwardSeed);
      if (m instanceof nn.LSTM) {
        const [out, [h, c2]] = m.forward(packed, ins.h0 ? [ins.h0, ins.c0!] : null);
        assert.ok(out instanceof R.PackedSequence);
        assert.deepEqual(out.batchSizes.tolist(), packed.batchSizes.tolist());
        return [out.data, h, c2];
      }
      const [out, h] = m.forward(packed, ins.h0 ?? null);
      return [out.data, h];
    });
  });
}

test("a packed batch gives each sequence the outputs and final state of running it alone", () => {
  torch.manualSeed(0);
  const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
  const seqs = [torch.randn(2, 3), torch.randn(5, 3), torch.randn(3, 3)];
  const [out, [h]] = lstm.forward(R.packSequence(seqs, { enforceSorted: false }));
  const [padded] = R.padPackedSequence(out);
  seqs.forEach((s, b) => {
    const [alone, [hAlone]] = lstm.forward(s.unsqueeze(1));
    const close = (a: Tensor, e: Tensor): boolean => a.sub(e).abs().max().item() < 1e-6;
    assert.ok(close(padded.narrow(0, 0, s.shape[0]!).select(1, b), alone.select(1, 0)), `outputs of sequence ${b}`);
    assert.ok(close(h.select(1, b), hAlone.select(1, 0)), `final states of sequence ${b}`);
  });
});
