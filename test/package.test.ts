// The published entry: package.json's exports resolve to the built ESM + .d.ts (built by
// `npm install` through the prepare script), and plain Node (no tsx) can run it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));

test("package.json exports point at built files", () => {
  const entry = pkg.exports["."];
  for (const rel of [entry.import, entry.types, pkg.main, pkg.types]) {
    assert.ok(existsSync(new URL(rel, root)), `${rel} is missing: run npm run build (npm install runs it through prepare)`);
  }
});

test("the built package runs the seed under plain node and matches PyTorch's first draws", () => {
  const code = 'import * as torch from "torch-ts"; torch.manualSeed(0); console.log(JSON.stringify(torch.randn(3).tolist()), typeof torch.nn.Linear);';
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: new URL(".", root), encoding: "utf8" });
  assert.equal(out.trim(), "[1.5409960746765137,-0.293428897857666,-2.1787893772125244] function");
});

test("the built package loads a dataset module's class in DataLoader worker threads under plain node", () => {
  const dir = mkdtempSync(join(tmpdir(), "torch-ts-pkg-"));
  try {
    const torchUrl = new URL("dist/index.js", root).href;
    writeFileSync(
      join(dir, "squares.mjs"),
      `import * as torch from ${JSON.stringify(torchUrl)};\n` +
        "export class Squares extends torch.utils.data.Dataset {\n" +
        "  constructor(n) { super(); this.n = n; }\n" +
        "  getItem(i) { return [i * i, torch.utils.data.getWorkerInfo().id]; }\n" +
        "  get length() { return this.n; }\n}\n",
    );
    writeFileSync(
      join(dir, "main.mjs"),
      `import * as torch from ${JSON.stringify(torchUrl)};\nimport { Squares } from "./squares.mjs";\n` +
        "const out = [];\n" +
        "for await (const [sq, w] of new torch.utils.data.DataLoader(new Squares(7), { batchSize: 2, numWorkers: 2 })) out.push([sq.tolist(), w.tolist()]);\n" +
        "console.log(JSON.stringify(out));\n",
    );
    const out = execFileSync(process.execPath, [join(dir, "main.mjs")], { encoding: "utf8", timeout: 60_000 });
    assert.equal(out.trim(), JSON.stringify([[[0, 1], [0, 0]], [[4, 9], [1, 1]], [[16, 25], [0, 0]], [[36], [1]]]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
