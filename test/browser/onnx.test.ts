// ONNX in the browser: a briefly trained MNIST CNN is exported by torch-ts *in headless
// Chromium* (torch.onnx.export returning bytes) and run there by onnxruntime-web on WASM; its
// predictions must equal torch-ts's, in the page and in Node. Needs Debian's chromium (.ci/run
// installs it); elsewhere without it the test is skipped, saying so.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { build } from "esbuild";
import * as torch from "../../src/index.ts";
import { CNN, splitDigits } from "../../examples/mnist.ts";

const CHROMIUM = "/usr/bin/chromium";
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
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`CI needs ${CHROMIUM} (.ci/run installs Debian's chromium)`);
    t.skip(`${CHROMIUM} is not installed`);
    return;
  }
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

  let resolveResult!: (v: Record<string, any>) => void;
  const result = new Promise<Record<string, any>>((r) => (resolveResult = r));
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const send = (type: string, body: string | Uint8Array) => {
      res.writeHead(200, { "content-type": type });
      res.end(body);
    };
    if (url === "/") send("text/html", `<!doctype html><script type="module" src="/page.js"></script>`);
    else if (url === "/page.js") send("text/javascript", page.outputFiles[0].contents);
    else if (url === "/data") send("application/json", data);
    else if (url.startsWith("/ort/") && /^[\w.-]+$/.test(url.slice(5)) && existsSync(join(ORT_DIST, url.slice(5)))) {
      send(url.endsWith(".wasm") ? "application/wasm" : "text/javascript", readFileSync(join(ORT_DIST, url.slice(5))));
    } else if (url === "/result" && req.method === "POST") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        res.end("ok");
        resolveResult(JSON.parse(body));
      });
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const profile = mkdtempSync(join(tmpdir(), "torch-ts-chromium-"));
  const chromium = spawn(
    CHROMIUM,
    [
      "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, `http://127.0.0.1:${port}/`,
    ],
    { detached: true, stdio: "ignore" },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const r = await Promise.race([
      result,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no result from the page in 240 s")), 240_000))),
    ]);
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
  } finally {
    clearTimeout(timer);
    try {
      process.kill(-chromium.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    rmSync(profile, { recursive: true, force: true });
  }
});
