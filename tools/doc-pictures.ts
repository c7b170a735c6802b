// Regenerates the pictures in docs/img that README.md and docs/INTERPRET.md show:
//   npx tsx tools/doc-pictures.ts
// seed-graph.svg (the seed program's first loss, torch.utils.makeDot), and from
// examples/explain.ts with a fixed 300 training steps (no time cap, so the pictures do not
// depend on the machine's speed): cnn-graph.svg, digits.png, tokens.html, and tokens.png when
// Chromium is installed (a screenshot of tokens.html). docs/img/demo.png is not made here: it
// is the screenshot test/browser/demo.test.ts writes to test-output/demo/digit-7.png.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as torch from "../src/index.ts";
import { explainDigits, pickDigits, sheet, tokenAttributions, trainCnn } from "../examples/explain.ts";

const dir = new URL("../docs/img/", import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const { nn, F } = torch;

class Net extends nn.Module {
  fc1 = new nn.Linear(10, 5);
  fc2 = new nn.Linear(5, 1);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(torch.relu(this.fc1.forward(x)));
  }
}
torch.manualSeed(0);
const net = new Net();
const loss = new nn.MSELoss().forward(net.forward(torch.randn(100, 10)), torch.randn(100, 1));
writeFileSync(join(dir, "seed-graph.svg"), await torch.utils.makeDot(loss, { params: net.namedParameters() }).pipe("svg", { renderer: "graphviz" }));

const r = await trainCnn({ steps: 300, seconds: Infinity });
console.log(`CNN: ${r.steps} steps, held-out accuracy ${(100 * r.accuracy).toFixed(2)}%`);
const { images, labels } = pickDigits(r.data.test);
const cnnLoss = F.crossEntropy(r.net.forward(images), torch.tensor(labels));
writeFileSync(join(dir, "cnn-graph.svg"), await torch.utils.makeDot(cnnLoss, { params: r.net.namedParameters() }).pipe("svg", { renderer: "graphviz" }));
const e = explainDigits(r.net, images);
console.log(`IG deltas (50 steps): ${(e.delta.tolist() as number[]).map((d) => d.toExponential(1)).join(" ")}`);
const rows = sheet(images, e).map((row) => row.map((f) => f.scaled(3)));
writeFileSync(join(dir, "digits.png"), await torch.interpret.visualization.Figure.grid(rows, { gap: 3 }).toPNG());
writeFileSync(join(dir, "tokens.html"), tokenAttributions());
const shot = spawnSync("chromium", ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", `--screenshot=${join(dir, "tokens.png")}`, "--window-size=680,175", `file://${join(dir, "tokens.html")}`], { timeout: 60_000 });
console.log(shot.status === 0 ? "tokens.png written" : "no Chromium: tokens.png not updated");
