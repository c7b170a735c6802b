// The published entry: package.json's exports resolve to the built ESM + .d.ts (built by
// `npm install` through the prepare script), and plain Node (no tsx) can run it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

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
