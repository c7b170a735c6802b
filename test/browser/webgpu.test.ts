// WebGPU in a real browser: the library bundled for the browser runs the seed program's
// training loop on webgpu (navigator.gpu) in headless Chromium on SwiftShader's adapter, and
// its losses match real PyTorch's (test/fixtures/seed_program.json) step by step. Needs
// Debian's chromium (.ci/run installs it); skipped, saying so, where it is absent.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { build } from "esbuild";

/** What the page posts back. */
interface PageResult {
  error?: string;
  device: string;
  adapter: string;
  paramDevices: string[];
  losses: number[];
}
const CHROMIUM = "/usr/bin/chromium";
const STEPS = 100;

test("the seed program's loop trains on webgpu in headless Chromium with PyTorch's losses", { timeout: 300_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`CI needs ${CHROMIUM} (.ci/run installs Debian's chromium)`);
    t.skip(`${CHROMIUM} is not installed`);
    return;
  }
  const fx = JSON.parse(readFileSync(new URL("../fixtures/seed_program.json", import.meta.url), "utf8")) as { losses: number[] };
  const page = await build({
    entryPoints: [join(import.meta.dirname, "webgpuPage.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  let resolveResult!: (v: PageResult) => void;
  const result = new Promise<PageResult>((r) => (resolveResult = r));
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const send = (type: string, body: string | Uint8Array) => {
      res.writeHead(200, { "content-type": type });
      res.end(body);
    };
    if (url === "/") send("text/html", `<!doctype html><script type="module" src="/page.js"></script>`);
    else if (url === "/page.js") send("text/javascript", page.outputFiles[0]!.contents);
    else if (url === "/data") send("application/json", JSON.stringify({ steps: STEPS }));
    else if (url === "/result" && req.method === "POST") {
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
      "--headless=new", "--no-sandbox", "--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, `http://127.0.0.1:${port}/`,
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
    assert.equal(r.device, "webgpu:0");
    assert.match(r.adapter, /swiftshader/i);
    assert.deepEqual(r.paramDevices, ["webgpu:0", "webgpu:0", "webgpu:0", "webgpu:0"]);
    assert.equal(r.losses.length, STEPS);
    // float32 on the device against PyTorch's float32 CPU run: sums in a different order
    for (let i = 0; i < STEPS; i++) {
      const err = Math.abs(r.losses[i] - fx.losses[i]!) / fx.losses[i]!;
      assert.ok(err < 1e-5, `step ${i}: PyTorch ${fx.losses[i]}, the page ${r.losses[i]} (rel ${err})`);
    }
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
