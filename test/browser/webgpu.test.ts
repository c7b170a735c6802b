// WebGPU in a real browser: the library bundled for the browser runs the seed program's
// training loop on webgpu (navigator.gpu) in headless Chromium on SwiftShader's adapter, and
// its losses match real PyTorch's (test/fixtures/seed_program.json) step by step. Needs
// Debian's chromium (.ci/run installs it); skipped, saying so, where it is absent.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { build } from "esbuild";
import { haveChromium, runPage, send } from "./chromium.ts";

/** What the page posts back. */
interface PageResult {
  error?: string;
  device: string;
  adapter: string;
  paramDevices: string[];
  losses: number[];
}
const STEPS = 100;

test("the seed program's loop trains on webgpu in headless Chromium with PyTorch's losses", { timeout: 300_000 }, async (t) => {
  if (!haveChromium(t)) return;
  const fx = JSON.parse(readFileSync(new URL("../fixtures/seed_program.json", import.meta.url), "utf8")) as { losses: number[] };
  const page = await build({
    entryPoints: [join(import.meta.dirname, "webgpuPage.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const r = await runPage<PageResult>((url, res) => {
    if (url === "/") return send(res, "text/html", `<!doctype html><script type="module" src="/page.js"></script>`);
    if (url === "/page.js") return send(res, "text/javascript", page.outputFiles[0]!.contents);
    if (url === "/data") return send(res, "application/json", JSON.stringify({ steps: STEPS }));
    return false;
  }, { webgpu: true });
  assert.equal(r.error, undefined, r.error);
  assert.equal(r.device, "webgpu:0");
  assert.match(r.adapter, /swiftshader/i);
  assert.deepEqual(r.paramDevices, ["webgpu:0", "webgpu:0", "webgpu:0", "webgpu:0"]);
  assert.equal(r.losses.length, STEPS);
  // float32 on the device against PyTorch's float32 CPU run: sums in a different order
  for (let i = 0; i < STEPS; i++) {
    const err = Math.abs(r.losses[i] - fx.losses[i]!) / fx.losses[i]!;
    assert.ok(err < 1e-5, `step ${i}: PyTorch ${fx.losses[i]}, the page ${r.losses[i]} (rel ${err})`);
  }
});
