// npm run lint: ESLint (eslint.config.mjs: the recommended rules of ESLint and typescript-eslint,
// and the formatting the code follows) finds nothing anywhere in the repository (CONTRIBUTING.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; message: string }[];
}

test("npm run lint: zero findings", { timeout: 300_000 }, () => {
  const r = spawnSync(process.execPath, ["node_modules/eslint/bin/eslint.js", "--format", "json", "."], { cwd: root, encoding: "utf8", timeout: 290_000, maxBuffer: 64 << 20 });
  assert.ok(r.stdout.startsWith("["), `eslint did not report: ${r.stderr}`);
  const results = JSON.parse(r.stdout) as LintResult[];
  assert.ok(results.some((f) => f.filePath.endsWith("src/index.ts")), "eslint did not check src/");
  const findings = results.flatMap((f) => f.messages.map((m) => `${f.filePath.slice(root.length)}:${m.line}:${m.column} ${m.ruleId ?? "error"}: ${m.message}`));
  assert.deepEqual(findings, []);
  assert.equal(r.status, 0, r.stderr);
});
