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
  test(`nn.Transformer ${c.name} matches PyTorch (output, input and parameter gradients)`, async () => {
    await checkModuleCase(c, (cc) => new nn.Transformer(...(cc.args as [number, number]), cc.opts as torch.nn.TransformerOptions), (m, ins, cc) => {
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

// pytorch/examples' word_language_model TransformerModel, written as a PyTorch user ports it:
// an nn.Transformer subclass whose decoder is replaced by a Linear (tools/gen_transformer_fixtures.py).
class PositionalEncoding extends nn.Module {
  dropout: torch.nn.Dropout;
  declare pe: Tensor;
  constructor(dModel: number, dropout = 0.1, maxLen = 64) {
    super();
    this.dropout = new nn.Dropout(dropout);
    const position = torch.arange(0, maxLen, { dtype: "float32" }).unsqueeze(1);
    const divTerm = torch.arange(0, dModel, 2).float().mul(-Math.log(10000.0) / dModel).exp();
    const angle = position.mul(divTerm);
    // pe[:, 0::2] = sin, pe[:, 1::2] = cos: interleaved by stacking on a last dim.
    const pe = torch.stack([angle.sin(), angle.cos()], -1).reshape(maxLen, dModel);
    this.registerBuffer("pe", pe.unsqueeze(0).transpose(0, 1));
  }
  override forward(x: Tensor): Tensor {
    return this.dropout.forward(x.add(this.pe.narrow(0, 0, x.shape[0]!)));
  }
}

class TransformerModel extends nn.Transformer {
  src_mask: Tensor | null = null;
  pos_encoder: PositionalEncoding;
  input_emb: torch.nn.Embedding;
  ninp: number;
  constructor(ntoken: number, ninp: number, nhead: number, nhid: number, nlayers: number, dropout = 0.5) {
    super({ dModel: ninp, nhead, dimFeedforward: nhid, numEncoderLayers: nlayers });
    this.pos_encoder = new PositionalEncoding(ninp, dropout);
    this.input_emb = new nn.Embedding(ntoken, ninp);
    this.ninp = ninp;
    this.decoder = new nn.Linear(ninp, ntoken);
    this.initWeights();
  }
  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.input_emb.weight, -initrange, initrange);
    nn.init.zeros_((this.decoder as torch.nn.Linear).bias!);
    nn.init.uniform_((this.decoder as torch.nn.Linear).weight, -initrange, initrange);
  }
  // TypeScript checks an override against nn.Transformer.forward(src, tgt, ...masks) (Python does
  // not): the second parameter must also accept a Tensor, and further arguments must be accepted.
  override forward(src: Tensor, hasMask: boolean | Tensor = true, ..._unused: unknown[]): Tensor {
    if (hasMask !== false) {
      if (this.src_mask === null || this.src_mask.shape[0] !== src.shape[0]) this.src_mask = torch.ones(src.shape[0]!, src.shape[0]!).tril().log();
    } else this.src_mask = null;
    let x = this.input_emb.forward(src).mul(Math.sqrt(this.ninp));
    x = this.pos_encoder.forward(x);
    const output = (this.encoder as torch.nn.TransformerEncoder).forward(x, { mask: this.src_mask });
    return torch.F.logSoftmax((this.decoder as torch.nn.Linear).forward(output), -1);
  }
}

interface WordLMCase extends Case {
  target: StoredTensor;
  loss: StoredTensor;
  eval: StoredTensor;
}
const lm = fx as unknown as { wordLM: { args: [number, number, number, number, number, number]; seed: number; init: Record<string, StoredTensor>; after: StoredTensor; repr: string; cases: WordLMCase[] } };

test("word_language_model's TransformerModel after manualSeed: PyTorch's state-dict keys, initial values, repr and generator position", () => {
  const w = lm.wordLM;
  torch.manualSeed(w.seed);
  const m = new TransformerModel(...w.args);
  assert.deepEqual(torch.rand(3).tolist(), w.after.data, "generator position after construction");
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), Object.keys(w.init));
  for (const [k, want] of Object.entries(w.init)) assert.equal(mismatch(sd[k]!, want), null, k);
  assert.equal(String(m), w.repr);
});

for (const c of lm.wordLM.cases) {
  test(`word_language_model's TransformerModel ${c.name}: training forward with dropout, gradients, NLL loss and eval forward match PyTorch`, async () => {
    const m = await checkModuleCase(c, () => new TransformerModel(...lm.wordLM.args), (mm, ins) => {
      torch.manualSeed(c.forwardSeed!);
      return [mm.forward(ins.src!)];
    });
    // The training loss as the example computes it, after the same seed.
    torch.manualSeed(c.forwardSeed!);
    const src = makeTensor(c.inputs.src!);
    const loss = torch.F.nllLoss(m.forward(src).view(-1, lm.wordLM.args[0]), makeTensor(c.target));
    assert.equal(mismatch(loss, c.loss), null, "loss");
    m.eval();
    const ev = torch.noGrad(() => m.forward(src));
    assert.equal(mismatch(ev, c.eval), null, "eval forward");
  });
}
