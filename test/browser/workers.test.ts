// DataLoader workers in a browser: headless Chromium loads the sources as ES modules, served
// as a dev server (Vite's dev mode) serves them: each .ts file compiled by esbuild when it is
// requested, the package's "#deps" import pointed at a pre-bundled module. A DataLoader with
// numWorkers 2 runs module Web Workers that import the dataset's module from its URL. Its
// batches, worker ids and random numbers must be Node's; WebDataset shards are fetched by the
// workers; an arrow collateFn gets the error that says why. Needs Debian's chromium (.ci/run
// installs it); elsewhere without it the test is skipped, saying so. DEBUG_PAGE=1 prints the
// requests and Chromium's console.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, normalize, sep } from "node:path";
import { test } from "node:test";
import { build, transform } from "esbuild";
import * as torch from "../../src/index.ts";
import { ShardWriter } from "../../src/utils/data/index.ts";
import { Squares } from "./workersDataset.ts";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = normalize(join(import.meta.dirname, "../.."));

test("DataLoader workers run as module Web Workers in Chromium and give Node's batches", { timeout: 300_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`CI needs ${CHROMIUM} (.ci/run installs Debian's chromium)`);
    t.skip(`${CHROMIUM} is not installed`);
    return;
  }
  const node: unknown[] = [];
  for await (const [sq, r, w] of new torch.utils.data.DataLoader(new Squares(10), { batchSize: 3, numWorkers: 2, generator: new torch.Generator().manualSeed(1) })) {
    node.push([sq.tolist(), r.tolist(), w.tolist()]);
  }
  const shards = mkdtempSync(join(tmpdir(), "torch-ts-browser-shards-"));
  const writer = new ShardWriter(join(shards, "b-%04d.tar"), { maxcount: 5 });
  for (let i = 0; i < 20; i++) writer.write({ __key__: `k${i}`, txt: `sample ${i}`, cls: i % 3 });
  writer.close();

  // protobufjs and fast-png (behind "#deps"), bundled once, as a dev server pre-bundles dependencies
  const deps = await build({ entryPoints: [join(ROOT, "lib", "deps.browser.js")], bundle: true, format: "esm", platform: "browser", write: false, logLevel: "silent" });

  let resolveResult!: (v: Record<string, any>) => void;
  const result = new Promise<Record<string, any>>((r) => (resolveResult = r));
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x").pathname;
    if (process.env.DEBUG_PAGE) console.error("GET", url);
    const send = (type: string, body: string | Uint8Array) => res.writeHead(200, { "content-type": type }).end(body);
    if (url === "/") return send("text/html", `<!doctype html><script type="module" src="/test/browser/workersPage.ts"></script>`);
    if (url === "/@deps.js") return send("text/javascript", deps.outputFiles[0]!.contents);
    if (url === "/result" && req.method === "POST") {
      let body = "";
      for await (const c of req) body += c;
      res.end("ok");
      return resolveResult(JSON.parse(body));
    }
    const file = url.startsWith("/shards/") ? join(shards, url.slice("/shards/".length)) : normalize(join(ROOT, url));
    if (!(file.startsWith(ROOT + sep) || file.startsWith(shards + sep)) || !existsSync(file)) return res.writeHead(404).end();
    if (file.endsWith(".ts")) {
      const js = await transform(readFileSync(file, "utf8"), { loader: "ts", format: "esm", target: "es2022" });
      return send("text/javascript", js.code.replace(/from "#deps"/g, 'from "/@deps.js"'));
    }
    if (file.endsWith(".js")) return send("text/javascript", readFileSync(file, "utf8").replace(/from "#deps"/g, 'from "/@deps.js"'));
    send(file.endsWith(".tar") ? "application/x-tar" : "application/octet-stream", readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const profile = mkdtempSync(join(tmpdir(), "torch-ts-chromium-"));
  const chromium = spawn(
    CHROMIUM,
    [
      ...(process.env.DEBUG_PAGE ? ["--enable-logging=stderr", "--v=0"] : []),
      "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`, `http://127.0.0.1:${port}/`,
    ],
    { detached: true, stdio: process.env.DEBUG_PAGE ? "inherit" : "ignore" },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const r = await Promise.race([
      result,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no result from the page in 240 s")), 240_000))),
    ]);
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual(r.squares, node); // the squares, the workers that loaded them and their random numbers
    assert.deepEqual([...r.keys].sort(), Array.from({ length: 20 }, (_, i) => `k${i}`).sort());
    assert.match(r.arrow, /^Caught TypeError in DataLoader worker 0 while starting .*function collateFn \(collateFn\) cannot be found by a DataLoader worker/);
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
    rmSync(shards, { recursive: true, force: true });
  }
});
