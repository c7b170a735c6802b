// `npm run demo` as a user runs it: builds demo/dist/ and serves it on loopback with the
// headers that make the page cross-origin isolated; prints the URL; files outside the folder
// are not served. (The page itself is driven in Chromium by test/browser/demo.test.ts.)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { get } from "node:http";
import { test } from "node:test";
import { decodeDigits } from "../demo/digits.ts";

const ROOT = new URL("..", import.meta.url).pathname;

test("npm run demo builds the page and serves it cross-origin isolated", { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "demo/serve.ts", "--port", "0"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 90 s: ${out} ${err}`)), 90_000);
      child.stdout.on("data", (c: Buffer) => {
        out += c;
        const m = /torch-ts demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${out} ${err}`)));
    });
    assert.match(out, /^built .*demo\/dist in [\d.]+ s$/m);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("cross-origin-opener-policy"), "same-origin");
    assert.equal(page.headers.get("cross-origin-embedder-policy"), "require-corp");
    assert.match(page.headers.get("content-type")!, /^text\/html/);
    assert.match(await page.text(), /<script type="module" src="main.js"><\/script>/);
    for (const file of ["main.js", "worker.js"]) {
      const r = await fetch(new URL(file, url));
      assert.equal(r.status, 200, file);
      assert.match(r.headers.get("content-type")!, /^text\/javascript/);
      assert.equal(r.headers.get("cross-origin-embedder-policy"), "require-corp");
      await r.arrayBuffer();
    }
    const digits = decodeDigits(new Uint8Array(await (await fetch(new URL("digits.bin", url))).arrayBuffer()));
    assert.deepEqual([digits.train.labels.length, digits.test.labels.length], [4000, 1000]);
    assert.deepEqual(new Set(digits.train.labels), new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    assert.equal((await fetch(new URL("nothing.js", url))).status, 404);
    // ../../package.json (the repository's) with the slashes escaped, so that no URL parser resolves it first
    const escaped = await new Promise<number>((resolve, reject) =>
      get(`${url}..%2f..%2fpackage.json`, (r) => resolve(r.resume().statusCode!)).on("error", reject),
    );
    assert.equal(escaped, 404);
    assert.equal((await fetch(url, { method: "POST" })).status, 405);
  } finally {
    child.kill("SIGKILL");
  }
});
