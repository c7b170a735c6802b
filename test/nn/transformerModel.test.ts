// nn.Transformer (the encoder-decoder model) against PyTorch 1.13
// (test/fixtures/nn_transformer_model.json, tools/gen_transformer_fixtures.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { makeTensor, mismatch, type StoredTensor } from "../ops/fixture-io.ts";
import { assertThrowsCase, loadJson, type ErrorCase } from "./names-io.ts";
import { checkModuleCase, type ModuleCase } from "./seq-fixture-io.ts";

const { nn } = torch;
type Tensor = torch.Tensor;
type Case = ModuleCase & { forwardSeed: number | null };
interface InitCase {
  seed: number;
  args: number[];
  opts: torch.nn.TransformerOptions;
  repr: string;
  state: Record<string, StoredTensor>;
  after: StoredTensor;
}
const fx = loadJson<{ cases: Case[]; inits: InitCase[]; errors: ErrorCase[]; mask: StoredTensor }>("nn_transformer_model.json");

const MASKS = ["srcMask", "tgtMask", "memoryMask", "srcKeyPaddingMask", "tgtKeyPaddingMask", "memoryKeyPaddingMask"] as const;
const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

for (const c of fx.cases) {
  test(`nn.Transformer ${c.name} matches PyTorch (output, input and parameter gradients)`, () => {
    checkModuleCase(c, (cc) => new nn.Transformer(...(cc.args as [number, number]), cc.opts as torch.nn.TransformerOptions), (m, ins, cc) => {
      if ((cc as Case).forwardSeed !== null) torch.manualSeed((cc as Case).forwardSeed!);
      const opts = Object.fromEntries(MASKS.filter((k) => ins[snake(k)]).map((k) => [k, ins[snake(k)]!]));
      return [m.forward(ins.src!, ins.tgt!, opts)];
    });
  });
}

for (const ic of fx.inits) {
  test(`nn.Transformer(${ic.args.join(", ")}) after manualSeed(${ic.seed}): PyTorch's state-dict keys and initial values`, () => {
    torch.manualSeed(ic.seed);
    const m = Object.keys(ic.opts).length ? new nn.Transformer(...(ic.args as [number]), ic.opts) : new nn.Transformer(...(ic.args as [number]));
    assert.deepEqual(torch.rand(3).tolist(), ic.after.data, "generator position after construction");
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(ic.state));
    for (const [k, want] of Object.entries(ic.state)) assert.equal(mismatch(sd[k]!, want), null, k);
  });
  test(`nn.Transformer(${ic.args.join(", ")}): repr is PyTorch's`, () => {
    const m = Object.keys(ic.opts).length ? new nn.Transformer(...(ic.args as [number]), ic.opts) : new nn.Transformer(...(ic.args as [number]));
    assert.equal(String(m), ic.repr);
  });
}

test("Transformer.generateSquareSubsequentMask, static and on an instance, is PyTorch's", () => {
  assert.equal(mismatch(nn.Transformer.generateSquareSubsequentMask(4), fx.mask), null);
  assert.equal(mismatch(new nn.Transformer(8, 2, 1, 1, 16).generateSquareSubsequentMask(4), fx.mask), null);
});

test("nn.Transformer's errors are PyTorch's; unknown options and wrong types are TypeErrors", () => {
  const x = torch.randn(5, 2, 8);
  const m = new nn.Transformer(8, 2, 1, 1, 16);
  assertThrowsCase(fx.errors, "Transformer.batch", () => m.forward(x, torch.randn(4, 3, 8)));
  assertThrowsCase(fx.errors, "Transformer.batch_first", () => new nn.Transformer(8, 2, 1, 1, 16, { batchFirst: true }).forward(x, torch.randn(3, 4, 8)));
  assertThrowsCase(fx.errors, "Transformer.features", () => m.forward(x, torch.randn(4, 2, 9)));
  assertThrowsCase(fx.errors, "Transformer.features_src", () => m.forward(torch.randn(5, 2, 10), torch.randn(4, 2, 8)));
  assert.throws(() => new nn.Transformer(8, 2, { numEncoderLayer: 1 } as never), /Transformer\(\) got an unexpected keyword argument 'numEncoderLayer'/);
  assert.throws(() => new nn.Transformer(8.5), /argument 'dModel' must be an integer/);
  assert.throws(() => m.forward(x, torch.randn(4, 2, 8), { tgtmask: null } as never), /unexpected keyword argument 'tgtmask'/);
  assert.throws(() => m.forward(x, [1] as never), /argument 'tgt' must be a Tensor/);
});

test("nn.Transformer takes custom encoder and decoder modules, and positional masks in PyTorch's order", () => {
  torch.manualSeed(0);
  const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), 1);
  const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), 1);
  const m = new nn.Transformer(8, 2, { customEncoder: enc, customDecoder: dec, dropout: 0 });
  assert.equal(m.encoder, enc);
  assert.equal(m.decoder, dec);
  assert.deepEqual(Object.keys(m.stateDict()).slice(0, 1), ["encoder.layers.0.self_attn.in_proj_weight"]);
  const src = torch.randn(5, 2, 8);
  const tgt = torch.randn(4, 2, 8);
  const mask = nn.Transformer.generateSquareSubsequentMask(4);
  const a = m.forward(src, tgt, null, mask);
  const b = m.forward(src, tgt, { tgtMask: mask });
  const direct = dec.forward(tgt, enc.forward(src), { tgtMask: mask });
  assert.deepEqual(a.tolist(), b.tolist());
  assert.deepEqual(a.tolist(), direct.tolist());
  const t: Tensor = a;
  assert.deepEqual(t.shape, [4, 2, 8]);
});
