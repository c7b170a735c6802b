// The API reference (npm run docs) builds with zero warnings: every exported symbol is
// documented (a written comment, or the PyTorch link tools/typedoc/pytorch.mjs adds for a name
// PyTorch has), every referenced type is exported, every link resolves. The debt it started
// with is listed in tools/typedoc/baseline.json, which only shrinks (CONTRIBUTING.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

const root = fileURLToPath(new URL("../", import.meta.url));

test("npm run docs: TypeDoc validates the public API with zero warnings", { timeout: 300_000 }, () => {
  // The same configuration as npm run docs (typedoc.json, warnings are errors), without writing HTML.
  const r = spawnSync(process.execPath, ["node_modules/typedoc/bin/typedoc", "--emit", "none"], { cwd: root, encoding: "utf8", timeout: 290_000 });
  const out = stripVTControlCharacters(`${r.stdout}${r.stderr}`);
  assert.doesNotMatch(out, /\[(warning|error)\]/, out);
  assert.equal(r.status, 0, out);
  assert.match(out, /Loaded plugin .*pytorch\.mjs/);
});
