// The models the ONNX export is proven on: the project's examples and benchmark workloads
// (seed MLP, LeNet from bench W4, the MNIST CNN from examples/mnist.ts), an LSTM language
// model, a Transformer encoder, a tiny GPT (embedding, causal attention, layer norm, GELU)
// and a convolutional net with BatchNorm and Dropout (exported in eval mode).
import * as torch from "../../src/index.ts";
import { CNN } from "../../examples/mnistModels.ts";

const { nn, F } = torch;
type Tensor = torch.Tensor;

/** The seed program's network (DESIGN.md). */
export class SeedMLP extends nn.Module {
  fc1 = new nn.Linear(10, 5);
  fc2 = new nn.Linear(5, 1);
  override forward(x: Tensor): Tensor {
    return this.fc2.forward(torch.relu(this.fc1.forward(x)));
  }
}

/** LeNet-5 as bench W4 builds it. */
export class LeNet extends nn.Module {
  c1 = new nn.Conv2d(1, 6, 5, { padding: 2 });
  c2 = new nn.Conv2d(6, 16, 5);
  pool = new nn.MaxPool2d(2);
  fc1 = new nn.Linear(400, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  override forward(x: Tensor): Tensor {
    const pool = (t: Tensor): Tensor => this.pool.forward(t) as Tensor;
    x = pool(torch.relu(this.c2.forward(pool(torch.relu(this.c1.forward(x)))))).flatten(1);
    return this.fc3.forward(torch.relu(this.fc2.forward(torch.relu(this.fc1.forward(x)))));
  }
}

export { CNN };

/** Token ids [B, T] -> logits [B, T, V], and the final LSTM states. */
export class LstmLM extends nn.Module {
  embed = new nn.Embedding(50, 16);
  lstm = new nn.LSTM(16, 24, { numLayers: 2, batchFirst: true });
  head = new nn.Linear(24, 50);
  override forward(tokens: Tensor): Tensor[] {
    const [out, [h, c]] = this.lstm.forward(this.embed.forward(tokens));
    return [this.head.forward(out), h, c];
  }
}

/** Features [B, S, E] -> [B, S, E] through two post-norm encoder layers (batch first). */
export class Encoder extends nn.Module {
  encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(32, 4, { dimFeedforward: 64, batchFirst: true }), 2);
  override forward(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }
}

class GptBlock extends nn.Module {
  ln1: torch.nn.LayerNorm;
  qkv: torch.nn.Linear;
  proj: torch.nn.Linear;
  ln2: torch.nn.LayerNorm;
  fc1: torch.nn.Linear;
  gelu = new nn.GELU();
  fc2: torch.nn.Linear;
  drop = new nn.Dropout(0.1);
  constructor(readonly d: number, readonly heads: number) {
    super();
    this.ln1 = new nn.LayerNorm(d);
    this.qkv = new nn.Linear(d, 3 * d);
    this.proj = new nn.Linear(d, d);
    this.ln2 = new nn.LayerNorm(d);
    this.fc1 = new nn.Linear(d, 4 * d);
    this.fc2 = new nn.Linear(4 * d, d);
  }
  override forward(x: Tensor): Tensor {
    const [B, T, D] = x.shape;
    const hd = D / this.heads;
    const [q, k, v] = this.qkv.forward(this.ln1.forward(x)).chunk(3, -1).map((t) => t.reshape(B, T, this.heads, hd).transpose(1, 2));
    const a = F.scaledDotProductAttention(q, k, v, { isCausal: true }).transpose(1, 2).reshape(B, T, D);
    x = x.add(this.drop.forward(this.proj.forward(a)));
    return x.add(this.drop.forward(this.fc2.forward(this.gelu.forward(this.fc1.forward(this.ln2.forward(x))))));
  }
}

/** Token ids [B, T] -> next-token logits [B, T, V]. */
export class TinyGPT extends nn.Module {
  tok = new nn.Embedding(65, 32);
  pos = new nn.Embedding(16, 32);
  blocks = new nn.ModuleList([new GptBlock(32, 4), new GptBlock(32, 4)]);
  lnF = new nn.LayerNorm(32);
  head = new nn.Linear(32, 65, { bias: false });
  override forward(idx: Tensor): Tensor {
    const T = idx.size(1);
    let x = this.tok.forward(idx).add(this.pos.forward(torch.arange(T)));
    for (const b of this.blocks) x = (b as GptBlock).forward(x);
    return this.head.forward(this.lnF.forward(x));
  }
}

/** Conv -> BatchNorm -> ReLU -> Dropout -> Linear; eval mode uses the running statistics. */
export class BnNet extends nn.Module {
  conv = new nn.Conv2d(3, 8, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(8);
  drop = new nn.Dropout(0.5);
  bn1d = new nn.BatchNorm1d(8 * 8 * 8);
  fc = new nn.Linear(8 * 8 * 8, 4);
  override forward(x: Tensor): Tensor {
    const h = this.drop.forward(torch.relu(this.bn.forward(this.conv.forward(x))));
    return this.fc.forward(this.bn1d.forward(h.flatten(1)));
  }
}

/** A BnNet whose running statistics are not the initial ones (a few training steps of updates). */
export function trainedBnNet(): BnNet {
  const m = new BnNet();
  torch.noGrad(() => {
    for (let i = 0; i < 3; i++) m.forward(torch.randn(6, 3, 8, 8).mul(2).add(1));
  });
  return m.eval();
}
