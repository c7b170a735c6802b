// The sequence fixtures' cases (tools/gen_nn_seq_fixtures.py, real PyTorch) as checks on a
// device: RNN/LSTM/GRU and their cells, scaledDotProductAttention and MultiheadAttention, the
// Transformer layers and stacks. Each builds the module, runs PyTorch's call and compares
// outputs and gradients (seq-fixture-io.ts checkModuleCase). The CPU suites (rnn, attention,
// transformer .test.ts) and the webgpu suite run them.
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { scaledDotProductAttention } from "../../src/nn/functional/attention.ts";
import { MultiheadAttention } from "../../src/nn/modules/attention.ts";
import { LayerNorm } from "../../src/nn/modules/normalization.ts";
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from "../../src/nn/modules/rnn.ts";
import {
  TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer, type TransformerLayerOptions,
} from "../../src/nn/modules/transformer.ts";
import { toDevice, toHost, type DeviceName } from "../devices.ts";
import { checkModuleCase, compare, loadFixture, makeTensor, type ModuleCase, type StoredTensor } from "./seq-fixture-io.ts";

type Tensor = torch.Tensor;
export type SeededCase = ModuleCase & { forwardSeed: number | null };

// ---- RNN / LSTM / GRU ---------------------------------------------------------------------

const CLASSES = { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } as const;
type AnyRnn = RNN | LSTM | GRU | RNNCell | LSTMCell | GRUCell;

function buildRnn(c: ModuleCase): AnyRnn {
  const Cls = CLASSES[c.module as keyof typeof CLASSES] as unknown as new (i: number, h: number, o: object) => AnyRnn;
  return new Cls(c.args[0]!, c.args[1]!, c.opts);
}

/** The outputs in PyTorch's order: LSTM -> output, h_n, c_n; LSTMCell -> h, c; others -> as returned. */
function runRnn(m: AnyRnn, ins: Record<string, Tensor>, c: ModuleCase & { forwardSeed?: number | null }): Tensor[] {
  if (c.forwardSeed !== null && c.forwardSeed !== undefined) torch.manualSeed(c.forwardSeed);
  if (m instanceof LSTM) {
    const [out, [h, cc]] = m.forward(ins.input!, ins.h0 ? [ins.h0, ins.c0!] : undefined);
    return [out, h, cc];
  }
  if (m instanceof LSTMCell) return m.forward(ins.input!, ins.h0 ? [ins.h0, ins.c0!] : undefined);
  if (m instanceof RNN || m instanceof GRU) return m.forward(ins.input!, ins.hx);
  return [m.forward(ins.input!, ins.hx)];
}

export async function checkRnnCase(c: SeededCase, device: DeviceName = "cpu"): Promise<void> {
  await checkModuleCase(c, buildRnn, runRnn, device);
}

// ---- attention ----------------------------------------------------------------------------

export interface SdpaCase {
  name: string;
  q: StoredTensor;
  k: StoredTensor;
  v: StoredTensor;
  attnMask: StoredTensor | null;
  isCausal: boolean;
  scale: number | null;
  output: StoredTensor;
  gradOutput: StoredTensor;
  grads: StoredTensor[];
}

export async function checkSdpaCase(c: SdpaCase, device: DeviceName = "cpu"): Promise<void> {
  const demoted = device !== "cpu" && c.q.dtype === "float64";
  const [q, k, v] = [c.q, c.k, c.v].map((s) => toDevice(makeTensor(s, true), device));
  const out = scaledDotProductAttention(q!, k!, v!, {
    attnMask: c.attnMask ? toDevice(makeTensor(c.attnMask), device) : null,
    isCausal: c.isCausal,
    scale: c.scale,
  });
  const errors: string[] = [];
  const d = compare(await toHost(out, c.output.dtype), c.output, demoted);
  if (d) errors.push(`output: ${d}`);
  const grads = torch.autograd.grad(out, [q!, k!, v!], { gradOutputs: [toDevice(makeTensor(c.gradOutput), device)] });
  for (let i = 0; i < grads.length; i++) {
    const e = compare(await toHost(grads[i]!, c.grads[i]!.dtype), c.grads[i]!, demoted);
    if (e) errors.push(`grad ${"qkv"[i]}: ${e}`);
  }
  assert.deepEqual(errors, []);
}

function buildMha(c: ModuleCase): MultiheadAttention {
  return new MultiheadAttention(c.args[0]!, c.args[1]!, c.opts);
}
function runMha(m: MultiheadAttention, ins: Record<string, Tensor>, c: ModuleCase): Array<Tensor | null> {
  const call = c.call as { needWeights: boolean; averageAttnWeights: boolean; selfAttention: boolean };
  const q = ins.query!;
  const self = call.selfAttention;
  if ((c as SeededCase).forwardSeed !== null) torch.manualSeed((c as SeededCase).forwardSeed!);
  return m.forward(q, self ? q : ins.key!, self ? q : ins.value!, {
    keyPaddingMask: ins.keyPaddingMask,
    attnMask: ins.attnMask,
    needWeights: call.needWeights,
    averageAttnWeights: call.averageAttnWeights,
  });
}

export async function checkMhaCase(c: SeededCase, device: DeviceName = "cpu"): Promise<void> {
  await checkModuleCase(c, buildMha, runMha, device);
}

// ---- Transformer --------------------------------------------------------------------------

type AnyT = TransformerEncoderLayer | TransformerDecoderLayer | TransformerEncoder | TransformerDecoder;

function buildTransformer(c: ModuleCase): AnyT {
  const opts = c.opts as TransformerLayerOptions & { dModel?: number; nhead?: number };
  switch (c.module) {
    case "TransformerEncoderLayer":
      return new TransformerEncoderLayer(c.args[0]!, c.args[1]!, opts);
    case "TransformerDecoderLayer":
      return new TransformerDecoderLayer(c.args[0]!, c.args[1]!, opts);
    case "TransformerEncoder": {
      const { dModel, nhead, ...layerOpts } = opts;
      const layer = new TransformerEncoderLayer(dModel!, nhead!, layerOpts);
      return new TransformerEncoder(layer, c.args[0]!, { norm: new LayerNorm(dModel!) });
    }
    case "TransformerDecoder": {
      const { dModel, nhead, ...layerOpts } = opts;
      const layer = new TransformerDecoderLayer(dModel!, nhead!, layerOpts);
      return new TransformerDecoder(layer, c.args[0]!, { norm: new LayerNorm(dModel!) });
    }
    default:
      throw new Error(`unknown module ${c.module}`);
  }
}

function runTransformer(m: AnyT, ins: Record<string, Tensor>, c: ModuleCase): Tensor[] {
  const seed = (c as SeededCase).forwardSeed;
  if (seed !== null) torch.manualSeed(seed);
  if (m instanceof TransformerEncoderLayer) return [m.forward(ins.src!, { srcMask: ins.srcMask, srcKeyPaddingMask: ins.srcKeyPaddingMask })];
  if (m instanceof TransformerEncoder) return [m.forward(ins.src!, { mask: ins.mask, srcKeyPaddingMask: ins.srcKeyPaddingMask })];
  return [m.forward(ins.tgt!, ins.memory!, {
    tgtMask: ins.tgtMask,
    memoryMask: ins.memoryMask,
    tgtKeyPaddingMask: ins.tgtKeyPaddingMask,
    memoryKeyPaddingMask: ins.memoryKeyPaddingMask,
  })];
}

export async function checkTransformerCase(c: SeededCase, device: DeviceName = "cpu"): Promise<void> {
  await checkModuleCase(c, buildTransformer, runTransformer, device);
}

export const loadSeqCases = () => ({
  rnn: loadFixture<{ cases: SeededCase[] }>("nn_seq_rnn.json").cases,
  sdpa: loadFixture<{ sdpa: SdpaCase[] }>("nn_seq_attention.json").sdpa,
  mha: loadFixture<{ cases: SeededCase[] }>("nn_seq_attention.json").cases,
  transformer: loadFixture<{ cases: SeededCase[] }>("nn_seq_transformer.json").cases,
});
