// The browser demo (`npm run demo`), driven in headless Chromium as a user would: the page is
// built and served cross-origin isolated on loopback, trains the MNIST CNN in its Web Worker
// for a bounded number of steps (?steps=), and the loss must fall; then digits are drawn on
// the pad with mouse drags (strokes of a 0, a 1 and a 7) and each must be predicted as drawn,
// with its saliency maps. Served without COOP/COEP the page runs on one thread and says so.
// Screenshots go to test-output/demo/ (ignored by git). Needs Debian's chromium (.ci/run
// installs it); elsewhere without it the test is skipped, saying so.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildDemo } from "../../demo/build.ts";
import type { DemoState } from "../../demo/main.ts";
import { serveDemo } from "../../demo/serve.ts";
import { Browser, type ExceptionDetails, type RemoteObject } from "./cdp.ts";
import { haveChromium } from "./chromium.ts";

const STEPS = 100;
const SHOTS = join(import.meta.dirname, "../../test-output/demo");

/** Strokes in the pad's 280 x 280 pixels. */
const ellipse = (cx: number, cy: number, rx: number, ry: number): [number, number][] =>
  Array.from({ length: 41 }, (_, i) => [cx + rx * Math.sin((2 * Math.PI * i) / 40), cy - ry * Math.cos((2 * Math.PI * i) / 40)]);
const DIGITS: Array<[number, [number, number][]]> = [
  [0, ellipse(140, 140, 62, 95)],
  [1, [[150, 40], [145, 90], [140, 140], [135, 190], [130, 240]]],
  [7, [[70, 55], [140, 52], [210, 50], [180, 110], [150, 175], [125, 240]]],
];

/** More points along each segment, as a mouse reports them. */
function densify(points: [number, number][], step = 8): [number, number][] {
  const out: [number, number][] = [points[0]!];
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!;
    const [x1, y1] = points[i]!;
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step));
    for (let k = 1; k <= n; k++) out.push([x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n]);
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test("the demo trains the CNN in a worker and predicts digits drawn on its pad, in Chromium", { timeout: 240_000 }, async (t) => {
  if (!haveChromium(t)) return;
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "torch-ts-demo-"));
  const servers: Server[] = [];
  let browser: Browser | undefined;
  const errors: string[] = [];
  try {
    await buildDemo(dir);
    const served = await serveDemo(dir, { port: 0 });
    servers.push(served.server);
    browser = Browser.launch({ webgpu: true });
    browser.onEvent((method, event) => {
      const params = event as { exceptionDetails: ExceptionDetails; type: string; args: RemoteObject[] };
      if (method === "Runtime.exceptionThrown") errors.push(params.exceptionDetails.exception?.description ?? params.exceptionDetails.text);
      if (method === "Runtime.consoleAPICalled" && params.type === "error") errors.push(params.args.map((a) => a.value ?? a.description).join(" "));
    });
    const page = await browser.newPage();
    await page.send("Runtime.enable");
    await page.send("Emulation.setDeviceMetricsOverride", { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
    await page.send("Page.navigate", { url: `${served.url}?steps=${STEPS}&eval=50` });
    const state = () => page.evaluate<DemoState>("globalThis.demo");
    const describe = async () => JSON.stringify({ ...(await state().catch(() => null)), losses: undefined, errors });
    await page.waitFor(`globalThis.demo && (demo.phase === "trained" || demo.phase === "error")`, 120_000, describe);
    const trained = await state();
    const trainedAt = performance.now();
    assert.equal(trained.error, null);
    const env = trained.env!;
    t.diagnostic(`trained ${STEPS} steps in ${trained.trainSeconds!.toFixed(1)} s: ${JSON.stringify(env)}`);
    // Chromium runs with SwiftShader's WebGPU adapter: the page sees it, and says that it trains on the CPU.
    assert.equal(env.device, "cpu");
    assert.match(env.webgpu.adapter ?? "", /swiftshader/i);
    assert.match(env.webgpu.note, /^not used: /);
    assert.equal(env.crossOriginIsolated, true, "COOP/COEP headers make the page cross-origin isolated");
    assert.deepEqual(env.wasm && { shared: env.wasm.shared }, { shared: true }, "the wasm kernels get shared memory (threads)");
    assert.equal(env.threads, await page.evaluate<number>("navigator.hardwareConcurrency"));
    assert.equal(trained.losses.length, STEPS);
    const first = mean(trained.losses.slice(0, 10));
    const last = mean(trained.losses.slice(-10));
    assert.ok(last < 0.5 * first, `the training loss fell: ${first.toFixed(3)} over the first 10 steps, ${last.toFixed(3)} over the last 10`);
    assert.deepEqual(trained.evals.map((e) => e.step), [50, 100]);
    const accuracy = trained.evals[trained.evals.length - 1]!.accuracy;
    assert.ok(accuracy > 0.85, `held-out accuracy ${accuracy}`);

    const pad = await page.evaluate<{ x: number; y: number; w: number }>(
      `(() => { const r = document.getElementById("pad").getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width }; })()`,
    );
    mkdirSync(SHOTS, { recursive: true });
    for (const [digit, stroke] of DIGITS) {
      await page.evaluate(`document.getElementById("clear").click()`);
      await page.drag(densify(stroke).map(([x, y]) => [pad.x + (x * pad.w) / 280, pad.y + (y * pad.w) / 280]));
      await page.waitFor("demo.prediction", 20_000, describe);
      const p = (await state()).prediction!;
      writeFileSync(join(SHOTS, `digit-${digit}.png`), await page.screenshot());
      const probs = p.probabilities.map((q) => q.toFixed(3)).join(" ");
      assert.equal(p.predicted, digit, `drew a ${digit}, the page predicted ${p.predicted} (probabilities ${probs})`);
      assert.ok(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4, probs);
      // Integrated Gradients' completeness: the attributions add up to F(x) - F(black) up to delta.
      assert.ok(Math.abs(p.delta) < 0.05 * Math.abs(p.attributionSum), `convergence delta ${p.delta}, attributions' sum ${p.attributionSum}`);
      // The maps were painted: the saliency canvas is no longer blank.
      const painted = await page.evaluate<number>(
        `(() => { const d = document.getElementById("saliency").getContext("2d").getImageData(0, 0, 28, 28).data; let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0 ? 1 : 0; return n; })()`,
      );
      assert.equal(painted, 784);
    }

    // Served without COOP/COEP the page is not cross-origin isolated: no shared memory, one
    // thread, and it says so; it still trains.
    const plain = await serveDemo(dir, { port: 0, isolated: false });
    servers.push(plain.server);
    await page.send("Page.navigate", { url: `${plain.url}?steps=2&eval=2` });
    await page.waitFor(`globalThis.demo && (demo.phase === "trained" || demo.phase === "error")`, 60_000, describe);
    const single = await state();
    assert.equal(single.error, null);
    assert.deepEqual(
      [single.env!.crossOriginIsolated, single.env!.wasm?.shared, single.env!.threads, single.losses.length, single.evals.length],
      [false, false, 1, 2, 1],
    );
    assert.match(await page.evaluate<string>(`document.getElementById("env").textContent`), /on 1 thread \(the page is not cross-origin isolated: no shared memory\)/);
    assert.deepEqual(errors, []);
    t.diagnostic(`screenshots in ${SHOTS}; drawing and predicting took ${((performance.now() - trainedAt) / 1000).toFixed(1)} s, the whole test ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await browser?.close();
    for (const server of servers) {
      server.close();
      server.closeAllConnections();
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
