// ONNX in the browser: a briefly trained MNIST CNN is exported by torch-ts *in headless
// Chromium* (torch.onnx.export returning bytes) and run there by onnxruntime-web on WASM; its
// predictions must equal torch-ts's, in the page and in Node. Needs Debian's chromium (.ci/run
// installs it); elsewhere without it the test is skipped, saying so.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { build } from "esbuild";
import * as torch from "../../src/index.ts";
import { CNN, splitDigits } from "../../examples/mnist.ts";
import { haveChromium, runPage, send } from "./chromium.ts";

const ORT_DIST = join(import.meta.dirname, "../../node_modules/onnxruntime-web/dist");

/** A CNN trained for a few dozen steps (enough for mostly right answers) and 16 held-out digits. */
function trainedCnn(): { net: CNN; pixels: torch.Tensor } {
  torch.manualSeed(0);
  const net = new CNN();
  const { train, test: heldOut } = splitDigits(42);
  const opt = new torch.optim.Adam(net.parameters(), { lr: 2e-3 });
  const loader = new torch.utils.data.DataLoader(train, { batchSize: 64, shuffle: true, generator: new torch.Generator().manualSeed(1) });
  let step = 0;
  for (const [x, y] of loader) {
    const loss = torch.F.crossEntropy(net.forward(x!), y!);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    if (++step === 40) break;
  }
  net.eval();
  const pixels = torch.stack(Array.from({ length: 16 }, (_, i) => (heldOut.getItem(i) as torch.Tensor[])[0]!));
  return { net, pixels };
}

test("the MNIST CNN exported in the browser runs in onnxruntime-web (WASM) with torch-ts's predictions", { timeout: 300_000 }, async (t) => {
  if (!haveChromium(t)) return;
  const { net, pixels } = trainedCnn();
  const nodePredictions = torch.noGrad(() => net.forward(pixels).argmax(1)).tolist() as number[];
  const page = await build({
    entryPoints: [join(import.meta.dirname, "onnxPage.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const data = JSON.stringify({
    n: 16,
    pixels: Array.from(pixels.contiguousData() as Float32Array),
    state: Buffer.from(torch.saveToBuffer(net.stateDict())).toString("base64"),
  });

  type Batch = { dims: number[]; ort: number[]; torch: number[]; relError: number };
  const r = await runPage<{ error?: string } & Record<`batch${number}`, Batch>>((url, res) => {
    if (url === "/") return send(res, "text/html", `<!doctype html><script type="module" src="/page.js"></script>`);
    if (url === "/page.js") return send(res, "text/javascript", page.outputFiles[0].contents);
    if (url === "/data") return send(res, "application/json", data);
    if (url.startsWith("/ort/") && /^[\w.-]+$/.test(url.slice(5)) && existsSync(join(ORT_DIST, url.slice(5)))) {
      return send(res, url.endsWith(".wasm") ? "application/wasm" : "text/javascript", readFileSync(join(ORT_DIST, url.slice(5))));
    }
    return false;
  });
  assert.equal(r.error, undefined, r.error);
  for (const batch of [16, 5]) {
    const b = r[`batch${batch}`];
    assert.deepEqual(b.dims, [batch, 10]);
    assert.deepEqual(b.ort, b.torch, `batch ${batch}: onnxruntime-web and torch-ts in the page`);
    assert.deepEqual(b.torch, nodePredictions.slice(0, batch), `batch ${batch}: the page and Node`);
    assert.ok(b.relError <= 1e-5, `relative error ${b.relError}`);
  }
  // A model that learned something: most held-out digits right.
  const labels = Array.from({ length: 16 }, (_, i) => (splitDigits(42).test.getItem(i) as torch.Tensor[])[1]!.item());
  assert.ok(nodePredictions.filter((p, i) => p === labels[i]).length >= 10, `predictions ${nodePredictions} labels ${labels}`);
});
