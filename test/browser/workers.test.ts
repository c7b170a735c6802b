// DataLoader workers in a browser: headless Chromium loads the sources as ES modules, served
// as a dev server (Vite's dev mode) serves them: each .ts file compiled by esbuild when it is
// requested, the package's "#deps" import pointed at a pre-bundled module. A DataLoader with
// numWorkers 2 runs module Web Workers that import the dataset's module from its URL. Its
// batches, worker ids and random numbers must be Node's; WebDataset shards are fetched by the
// workers; an arrow collateFn gets the error that says why. Needs Debian's chromium (.ci/run
// installs it); elsewhere without it the test is skipped, saying so.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize, sep } from "node:path";
import { test } from "node:test";
import { build, transform } from "esbuild";
import * as torch from "../../src/index.ts";
import { ShardWriter } from "../../src/utils/data/index.ts";
import { haveChromium, runPage, send } from "./chromium.ts";
import { Squares } from "./workersDataset.ts";

const ROOT = normalize(join(import.meta.dirname, "../.."));

test("DataLoader workers run as module Web Workers in Chromium and give Node's batches", { timeout: 300_000 }, async (t) => {
  if (!haveChromium(t)) return;
  const node: unknown[] = [];
  for await (const [sq, r, w] of new torch.utils.data.DataLoader(new Squares(10), { batchSize: 3, numWorkers: 2, generator: new torch.Generator().manualSeed(1) })) {
    node.push([sq.tolist(), r.tolist(), w.tolist()]);
  }
  const shards = mkdtempSync(join(tmpdir(), "torch-ts-browser-shards-"));
  try {
    const writer = new ShardWriter(join(shards, "b-%04d.tar"), { maxcount: 5 });
    for (let i = 0; i < 20; i++) writer.write({ __key__: `k${i}`, txt: `sample ${i}`, cls: i % 3 });
    writer.close();
    // protobufjs and fast-png (behind "#deps"), bundled once, as a dev server pre-bundles dependencies
    const deps = await build({ entryPoints: [join(ROOT, "lib", "deps.browser.js")], bundle: true, format: "esm", platform: "browser", write: false, logLevel: "silent" });
    const js = (code: string): string => code.replace(/from "#deps"/g, 'from "/@deps.js"');
    const r = await runPage<{ error?: string; squares: unknown; keys: string[]; arrow: string }>(async (url, res) => {
      if (url === "/") return send(res, "text/html", `<!doctype html><script type="module" src="/test/browser/workersPage.ts"></script>`);
      if (url === "/@deps.js") return send(res, "text/javascript", deps.outputFiles[0]!.contents);
      const file = url.startsWith("/shards/") ? join(shards, url.slice("/shards/".length)) : normalize(join(ROOT, url));
      if (!(file.startsWith(ROOT + sep) || file.startsWith(shards + sep)) || !existsSync(file)) return false;
      if (file.endsWith(".ts")) return send(res, "text/javascript", js((await transform(readFileSync(file, "utf8"), { loader: "ts", format: "esm", target: "es2022" })).code));
      if (file.endsWith(".js")) return send(res, "text/javascript", js(readFileSync(file, "utf8")));
      return send(res, "application/octet-stream", readFileSync(file));
    });
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual(r.squares, node); // the squares, the workers that loaded them and their random numbers
    assert.deepEqual([...r.keys].sort(), Array.from({ length: 20 }, (_, i) => `k${i}`).sort());
    assert.match(r.arrow, /^Caught TypeError in DataLoader worker 0 while starting .*function collateFn \(collateFn\) cannot be found by a DataLoader worker/);
  } finally {
    rmSync(shards, { recursive: true, force: true });
  }
});
