// pytorch/examples' word_language_model (data.py, model.py, main.py as of PyTorch 1.13),
// ported line for line: an LSTM (or GRU, RNN_TANH, RNN_RELU) or a Transformer encoder with a
// causal mask learns to predict the next word, trained with plain SGD and gradient clipping.
//
//   npm run example:wordlm                          # LSTM, 3 epochs on the shipped corpus
//   npm run example:wordlm -- --model Transformer --lr 5 --epochs 3
//
// The corpus is shipped in examples/data/wordlm/ (chapters 1-6 of Moby Dick, lower-cased and
// split into words and punctuation, one paragraph a line, as WikiText-2's files; made by
// tools/gen_wordlm_fixture.py). The TransformerModel is the 1.13-era one, built from
// nn.TransformerEncoder (later versions of the example subclass nn.Transformer). With --dtype
// float64 the first epoch's batch losses equal PyTorch's (the same program,
// tools/gen_wordlm_fixture.py) to 1e-5 relative: test/wordlmExample.test.ts. Writes out/wordlm-loss.svg and out/wordlm-sample.txt
// (generate.py's sampling at the end).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as torch from "../src/index.ts";
import { choiceFlag, cliMain, intFlag, numberFlag, outDir, parseCli, progress, UsageError } from "./cli.ts";

const { nn, F } = torch;
type Tensor = torch.Tensor;

export const CORPUS = fileURLToPath(new URL("data/wordlm/", import.meta.url));

// ------------------------------------------------------------------ data.py

export class Dictionary {
  word2idx = new Map<string, number>();
  idx2word: string[] = [];

  addWord(word: string): number {
    if (!this.word2idx.has(word)) {
      this.idx2word.push(word);
      this.word2idx.set(word, this.idx2word.length - 1);
    }
    return this.word2idx.get(word)!;
  }

  get length(): number {
    return this.idx2word.length;
  }
}

export class Corpus {
  dictionary = new Dictionary();
  train: Tensor;
  valid: Tensor;
  test: Tensor;

  constructor(path: string) {
    this.train = this.tokenize(join(path, "train.txt"));
    this.valid = this.tokenize(join(path, "valid.txt"));
    this.test = this.tokenize(join(path, "test.txt"));
  }

  /** Tokenizes a text file: int64 ids, `<eos>` at the end of each line. */
  tokenize(path: string): Tensor {
    const lines = readFileSync(path, "utf8").split("\n");
    if (lines.at(-1) === "") lines.pop(); // Python's `for line in f` yields no empty last line
    const words = lines.map((line) => [...line.split(/\s+/).filter((w) => w !== ""), "<eos>"]);
    // Add words to the dictionary
    for (const ws of words) for (const word of ws) this.dictionary.addWord(word);
    // Tokenize file content
    const idss = words.map((ws) => torch.tensor(ws.map((w) => this.dictionary.word2idx.get(w)!), { dtype: "int64" }));
    return torch.cat(idss);
  }
}

// ------------------------------------------------------------------ model.py

export type RNNType = "LSTM" | "GRU" | "RNN_TANH" | "RNN_RELU";
type Hidden = Tensor | [Tensor, Tensor];

/** Container module with an encoder, a recurrent module, and a decoder. */
export class RNNModel extends nn.Module {
  ntoken: number;
  drop: torch.nn.Dropout;
  encoder: torch.nn.Embedding;
  rnn: torch.nn.LSTM | torch.nn.GRU | torch.nn.RNN;
  decoder: torch.nn.Linear;
  rnnType: RNNType;
  nhid: number;
  nlayers: number;

  constructor(rnnType: RNNType, ntoken: number, ninp: number, nhid: number, nlayers: number, dropout = 0.5, tieWeights = false) {
    super();
    this.ntoken = ntoken;
    this.drop = new nn.Dropout(dropout);
    this.encoder = new nn.Embedding(ntoken, ninp);
    if (rnnType === "LSTM") this.rnn = new nn.LSTM(ninp, nhid, nlayers, { dropout });
    else if (rnnType === "GRU") this.rnn = new nn.GRU(ninp, nhid, nlayers, { dropout });
    else this.rnn = new nn.RNN(ninp, nhid, nlayers, { nonlinearity: rnnType === "RNN_TANH" ? "tanh" : "relu", dropout });
    this.decoder = new nn.Linear(nhid, ntoken);
    if (tieWeights) {
      if (nhid !== ninp) throw new UsageError("When using the tied flag, nhid must be equal to emsize");
      this.decoder.weight = this.encoder.weight;
    }
    this.initWeights();
    this.rnnType = rnnType;
    this.nhid = nhid;
    this.nlayers = nlayers;
  }

  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.encoder.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }

  override forward(input: Tensor, hidden: Hidden): [Tensor, Hidden] {
    const emb = this.drop.forward(this.encoder.forward(input));
    let output: Tensor;
    if (this.rnn instanceof nn.LSTM) [output, hidden] = this.rnn.forward(emb, hidden as [Tensor, Tensor]);
    else [output, hidden] = this.rnn.forward(emb, hidden as Tensor);
    output = this.drop.forward(output);
    let decoded = this.decoder.forward(output);
    decoded = decoded.view(-1, this.ntoken);
    return [F.logSoftmax(decoded, 1), hidden];
  }

  initHidden(bsz: number): Hidden {
    const weight = this.parameters()[0]!;
    if (this.rnnType === "LSTM") return [weight.newZeros(this.nlayers, bsz, this.nhid), weight.newZeros(this.nlayers, bsz, this.nhid)];
    return weight.newZeros(this.nlayers, bsz, this.nhid);
  }
}

/** Adds the sine/cosine position signal of "Attention Is All You Need" to the embeddings. */
export class PositionalEncoding extends nn.Module {
  dropout: torch.nn.Dropout;
  declare pe: Tensor;

  constructor(dModel: number, dropout = 0.1, maxLen = 5000) {
    super();
    this.dropout = new nn.Dropout(dropout);
    let pe = torch.zeros(maxLen, dModel);
    const position = torch.arange(0, maxLen, { dtype: "float32" }).unsqueeze(1);
    const divTerm = torch.exp(torch.arange(0, dModel, 2).float().mul(-Math.log(10000.0) / dModel));
    pe.indexPut_(":, 0::2", torch.sin(position.mul(divTerm)));
    pe.indexPut_(":, 1::2", torch.cos(position.mul(divTerm)));
    pe = pe.unsqueeze(0).transpose(0, 1);
    this.registerBuffer("pe", pe);
  }

  override forward(x: Tensor): Tensor {
    x = x.add(this.pe.index(`:${x.size(0)}, :`));
    return this.dropout.forward(x);
  }
}

/** Container module with an encoder, a transformer module, and a decoder. */
export class TransformerModel extends nn.Module {
  modelType = "Transformer";
  srcMask: Tensor | null = null;
  posEncoder: PositionalEncoding;
  transformerEncoder: torch.nn.TransformerEncoder;
  encoder: torch.nn.Embedding;
  ninp: number;
  decoder: torch.nn.Linear;

  constructor(ntoken: number, ninp: number, nhead: number, nhid: number, nlayers: number, dropout = 0.5) {
    super();
    this.posEncoder = new PositionalEncoding(ninp, dropout);
    const encoderLayers = new nn.TransformerEncoderLayer(ninp, nhead, nhid, dropout);
    this.transformerEncoder = new nn.TransformerEncoder(encoderLayers, nlayers);
    this.encoder = new nn.Embedding(ntoken, ninp);
    this.ninp = ninp;
    this.decoder = new nn.Linear(ninp, ntoken);
    this.initWeights();
  }

  generateSquareSubsequentMask(sz: number): Tensor {
    const mask = torch.triu(torch.ones(sz, sz)).eq(1).transpose(0, 1);
    return mask.float().maskedFill(mask.eq(0), -Infinity).maskedFill(mask.eq(1), 0.0);
  }

  initWeights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.encoder.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }

  override forward(src: Tensor, hasMask = true): Tensor {
    if (hasMask) {
      if (this.srcMask === null || this.srcMask.size(0) !== src.size(0)) {
        this.srcMask = this.generateSquareSubsequentMask(src.size(0));
      }
    } else {
      this.srcMask = null;
    }
    src = this.encoder.forward(src).mul(Math.sqrt(this.ninp));
    src = this.posEncoder.forward(src);
    let output = this.transformerEncoder.forward(src, this.srcMask ?? undefined);
    output = this.decoder.forward(output);
    return F.logSoftmax(output, -1);
  }
}

// ------------------------------------------------------------------ main.py

export interface Args {
  model: RNNType | "Transformer";
  emsize: number;
  nhid: number;
  nlayers: number;
  lr: number;
  clip: number;
  epochs: number;
  batchSize: number;
  bptt: number;
  dropout: number;
  tied: boolean;
  seed: number;
  nhead: number;
  dryRun: boolean;
  /** the default floating-point dtype the model is built and trained in */
  dtype?: "float32" | "float64";
  /** stop each epoch after this many batches */
  maxBatches?: number;
}

export interface EpochResult {
  epoch: number;
  /** The loss of every training batch. */
  losses: number[];
  valLoss: number;
  seconds: number;
}

/** main.py: trains args.epochs epochs (annealing the learning rate as it does), then tests. */
export function run(args: Args, onEpoch: (r: EpochResult) => void = () => {}) {
  torch.setDefaultDtype(args.dtype ?? "float32");
  // Set the random seed manually for reproducibility.
  torch.manualSeed(args.seed);

  // Load data
  const corpus = new Corpus(CORPUS);

  // Starting from sequential data, batchify arranges the dataset into columns.
  const batchify = (data: Tensor, bsz: number): Tensor => {
    // Work out how cleanly we can divide the dataset into bsz parts.
    const nbatch = Math.floor(data.size(0) / bsz);
    // Trim off any extra elements that wouldn't cleanly fit (remainders).
    data = data.narrow(0, 0, nbatch * bsz);
    // Evenly divide the data across the bsz batches.
    return data.view(bsz, -1).t().contiguous();
  };

  const evalBatchSize = 10;
  const trainData = batchify(corpus.train, args.batchSize);
  const valData = batchify(corpus.valid, evalBatchSize);
  const testData = batchify(corpus.test, evalBatchSize);

  // Build the model
  const ntokens = corpus.dictionary.length;
  const model = args.model === "Transformer"
    ? new TransformerModel(ntokens, args.emsize, args.nhead, args.nhid, args.nlayers, args.dropout)
    : new RNNModel(args.model, ntokens, args.emsize, args.nhid, args.nlayers, args.dropout, args.tied);
  const criterion = new nn.NLLLoss();

  // Wraps hidden states in new Tensors, to detach them from their history.
  const repackageHidden = (h: Hidden): Hidden => (h instanceof torch.Tensor ? h.detach() : [h[0].detach(), h[1].detach()]);

  // get_batch subdivides the source data into chunks of length args.bptt; the target is the
  // data shifted by one word.
  const getBatch = (source: Tensor, i: number): [Tensor, Tensor] => {
    const seqLen = Math.min(args.bptt, source.size(0) - 1 - i);
    const data = source.index(`${i}:${i + seqLen}`);
    const target = source.index(`${i + 1}:${i + 1 + seqLen}`).view(-1);
    return [data, target];
  };

  const forward = (data: Tensor, hidden: Hidden | null): [Tensor, Hidden | null] => {
    if (model instanceof TransformerModel) return [model.forward(data).view(-1, ntokens), null];
    return model.forward(data, hidden!);
  };

  const evaluate = (dataSource: Tensor): number => {
    // Turn on evaluation mode which disables dropout.
    model.eval();
    let totalLoss = 0;
    let hidden = model instanceof RNNModel ? model.initHidden(evalBatchSize) : null;
    using _ = torch.noGrad();
    for (let i = 0; i < dataSource.size(0) - 1; i += args.bptt) {
      const [data, targets] = getBatch(dataSource, i);
      const [output, h] = forward(data, hidden);
      hidden = h === null ? null : repackageHidden(h);
      totalLoss += data.size(0) * criterion.forward(output, targets).item();
    }
    return totalLoss / (dataSource.size(0) - 1);
  };

  let lr = args.lr;
  const bar = progress("batches");
  const train = (epoch: number): number[] => {
    // Turn on training mode which enables dropout.
    model.train();
    const losses: number[] = [];
    const nbatches = Math.min(Math.ceil((trainData.size(0) - 1) / args.bptt), args.maxBatches ?? Infinity);
    bar.start(nbatches, `${args.model} epoch ${epoch}/${args.epochs}`);
    let hidden = model instanceof RNNModel ? model.initHidden(args.batchSize) : null;
    for (let batch = 0, i = 0; i < trainData.size(0) - 1 && batch < nbatches; batch++, i += args.bptt) {
      const [data, targets] = getBatch(trainData, i);
      // Starting each batch, we detach the hidden state from how it was previously produced.
      // If we didn't, the model would try backpropagating all the way to start of the dataset.
      model.zeroGrad();
      if (hidden !== null) hidden = repackageHidden(hidden);
      const [output, h] = forward(data, hidden);
      hidden = h;
      const loss = criterion.forward(output, targets);
      loss.backward();

      // `clip_grad_norm` helps prevent the exploding gradient problem in RNNs / LSTMs.
      nn.utils.clipGradNorm_(model.parameters(), args.clip);
      for (const p of model.parameters()) p.data.add_(p.grad!, { alpha: -lr });

      losses.push(loss.item());
      const mean = losses.reduce((s, l) => s + l, 0) / losses.length;
      bar.update(batch + 1, `lr ${lr} | loss ${mean.toFixed(2)} | ppl ${Math.exp(mean).toFixed(1)}`);
      if (args.dryRun) break;
    }
    bar.stop();
    return losses;
  };

  // Loop over epochs.
  let bestValLoss: number | null = null;
  let best = model.stateDict();
  const results: EpochResult[] = [];
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    const t0 = performance.now();
    const losses = train(epoch);
    const valLoss = evaluate(valData);
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `| end of epoch ${String(epoch).padStart(3)} | time: ${seconds.toFixed(2)}s | valid loss ${valLoss.toFixed(2)} | valid ppl ${Math.exp(valLoss).toFixed(2).padStart(8)}`,
    );
    const r = { epoch, losses, valLoss, seconds };
    results.push(r);
    onEpoch(r);
    // Save the model if the validation loss is the best we've seen so far.
    if (bestValLoss === null || valLoss < bestValLoss) {
      best = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.clone()]));
      bestValLoss = valLoss;
    } else {
      // Anneal the learning rate if no improvement has been seen in the validation dataset.
      lr /= 4.0;
    }
  }
  // Load the best saved model and run it on the test data.
  model.loadStateDict(best);
  const testLoss = evaluate(testData);
  console.log(`| End of training | test loss ${testLoss.toFixed(2)} | test ppl ${Math.exp(testLoss).toFixed(2).padStart(8)}`);
  return { model, corpus, results, testLoss };
}

/** generate.py: `words` words sampled from the model, starting from a random word. */
export function generate(model: RNNModel | TransformerModel, dictionary: Dictionary, words: number, temperature: number, seed: number): string {
  const ntokens = dictionary.length;
  const generator = new torch.Generator().manualSeed(seed);
  model.eval();
  let input = torch.randint(ntokens, [1, 1], { generator });
  let hidden = model instanceof RNNModel ? model.initHidden(1) : null;
  const out: string[] = [];
  using _ = torch.noGrad(); // no tracking history
  for (let i = 0; i < words; i++) {
    let wordWeights: Tensor;
    if (model instanceof TransformerModel) {
      const output = model.forward(input, true);
      wordWeights = output.index("-1").squeeze().div(temperature).exp();
    } else {
      const [output, h] = model.forward(input, hidden!);
      hidden = h;
      wordWeights = output.squeeze().div(temperature).exp();
    }
    const wordIdx = torch.multinomial(wordWeights, 1, { generator }).index("0");
    if (model instanceof TransformerModel) {
      input = torch.cat([input, wordIdx.view(1, 1)], 0);
    } else {
      input.fill_(wordIdx.item());
    }
    const word = dictionary.idx2word[wordIdx.item()]!;
    out.push(word === "<eos>" ? "\n" : `${word} `);
  }
  return out.join("").replace(/ \n/g, "\n");
}

/** Train loss per batch (light), its mean per epoch and the validation loss (dots), as SVG. */
export function lossSvg(model: string, results: EpochResult[]): string {
  const W = 640;
  const H = 320;
  const m = { l: 48, r: 12, t: 28, b: 36 };
  const all = results.flatMap((r) => r.losses);
  const per = results[0]?.losses.length ?? 1;
  const n = Math.max(all.length, 1);
  const hi = Math.ceil(Math.max(...all, ...results.map((r) => r.valLoss)));
  const lo = Math.floor(Math.min(...all, ...results.map((r) => r.valLoss)));
  const sx = (s: number) => (m.l + (s / n) * (W - m.l - m.r)).toFixed(1);
  const sy = (v: number) => (m.t + ((hi - v) / Math.max(hi - lo, 1e-9)) * (H - m.t - m.b)).toFixed(1);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle">word language model (${model}): negative log-likelihood per word</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`,
    ...Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).map((v) => `<text x="${m.l - 6}" y="${Number(sy(v)) + 4}" text-anchor="end">${v}</text>`),
    `<text x="${m.l}" y="${H - 14}">0</text><text x="${W - m.r}" y="${H - 14}" text-anchor="end">${results.length} epochs</text>`,
    `<polyline fill="none" stroke="#9ecae1" stroke-width="1" points="${all.map((l, i) => `${sx(i + 1)},${sy(l)}`).join(" ")}"/>`,
    ...results.map((r) => `<circle cx="${sx(r.epoch * per)}" cy="${sy(r.valLoss)}" r="4" fill="#d62728"/>`),
    `<text x="${W - m.r - 8}" y="${m.t + 16}" text-anchor="end" fill="#1f77b4">training batches</text>`,
    `<text x="${W - m.r - 8}" y="${m.t + 32}" text-anchor="end" fill="#d62728">validation, after each epoch</text>`,
    `</svg>`,
    "",
  ].join("\n");
}

export const HELP = `
pytorch/examples' word-level language model (RNN/LSTM/GRU or Transformer) on a small corpus
shipped in examples/data/wordlm/.
Usage: npm run example:wordlm -- [options]`;

export const FLAGS = {
  model: { type: "string", default: "LSTM", help: "type of network (RNN_TANH, RNN_RELU, LSTM, GRU, Transformer)" },
  emsize: { type: "string", default: "64", help: "size of word embeddings (the original: 200)" },
  nhid: { type: "string", default: "64", help: "number of hidden units per layer (the original: 200)" },
  nlayers: { type: "string", default: "2", help: "number of layers" },
  lr: { type: "string", default: "20", help: "initial learning rate" },
  clip: { type: "string", default: "0.25", help: "gradient clipping" },
  epochs: { type: "string", default: "3", help: "upper epoch limit (the original: 40)" },
  "batch-size": { type: "string", default: "20", help: "batch size" },
  bptt: { type: "string", default: "35", help: "sequence length" },
  dropout: { type: "string", default: "0.2", help: "dropout applied to layers (0 = no dropout)" },
  tied: { type: "boolean", help: "tie the word embedding and softmax weights" },
  seed: { type: "string", default: "1111", help: "random seed" },
  nhead: { type: "string", default: "2", help: "the number of heads in the encoder of the transformer model" },
  "dry-run": { type: "boolean", help: "verify the code and the model" },
  dtype: { type: "string", default: "float32", help: "float32 or float64" },
  words: { type: "string", default: "100", help: "number of words to generate at the end" },
  temperature: { type: "string", default: "1.0", help: "temperature of the sampling" },
  out: { type: "string", default: "out", help: "output folder" },
} as const;

function main(): void {
  const a = parseCli(HELP, FLAGS);
  const args: Args = {
    model: choiceFlag("model", a.model, ["RNN_TANH", "RNN_RELU", "LSTM", "GRU", "Transformer"]),
    emsize: intFlag("emsize", a.emsize),
    nhid: intFlag("nhid", a.nhid),
    nlayers: intFlag("nlayers", a.nlayers),
    lr: numberFlag("lr", a.lr),
    clip: numberFlag("clip", a.clip),
    epochs: intFlag("epochs", a.epochs),
    batchSize: intFlag("batch-size", a["batch-size"]),
    bptt: intFlag("bptt", a.bptt),
    dropout: numberFlag("dropout", a.dropout, true),
    tied: a.tied ?? false,
    seed: intFlag("seed", a.seed, 0),
    nhead: intFlag("nhead", a.nhead),
    dryRun: a["dry-run"] ?? false,
    dtype: choiceFlag("dtype", a.dtype, ["float32", "float64"]),
  };
  if (args.dropout >= 1) throw new UsageError(`--dropout must be below 1, got ${args.dropout}`);
  if (args.model === "Transformer" && args.emsize % args.nhead !== 0) throw new UsageError(`--emsize (${args.emsize}) must be a multiple of --nhead (${args.nhead})`);
  const words = intFlag("words", a.words, 0);
  const temperature = numberFlag("temperature", a.temperature);
  if (temperature < 1e-3) throw new UsageError("--temperature has to be greater or equal 1e-3");
  const dir = outDir(a.out);
  const { model, corpus, results } = run(args);
  writeFileSync(join(dir, "wordlm-loss.svg"), lossSvg(args.model, results));
  const text = generate(model, corpus.dictionary, words, temperature, args.seed);
  writeFileSync(join(dir, "wordlm-sample.txt"), text);
  console.log(`\n--- ${words} words sampled (temperature ${temperature}) ---\n${text}\n---\nwrote ${join(dir, "wordlm-loss.svg")} and ${join(dir, "wordlm-sample.txt")}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await cliMain(main);
}
