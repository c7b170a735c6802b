// docs/PORTING.md: every ```ts block on the page runs (its import of "torch-ts" pointed at
// src/), and its console.assert lines hold.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

const root = new URL("..", import.meta.url);
const page = readFileSync(new URL("docs/PORTING.md", root), "utf8");
const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const src = new URL("src/index.ts", root).href;

test("docs/PORTING.md has its TypeScript examples", () => {
  assert.ok(blocks.length >= 7, `${blocks.length} blocks`);
  for (const b of blocks) assert.match(b, /^import \* as torch from "torch-ts";$/m);
});

blocks.forEach((block, i) => {
  const title = block.split("\n").find((l) => /^(class|const|for|let) /.test(l)) ?? "";
  test(`docs/PORTING.md block ${i + 1} runs and its assertions hold: ${title.slice(0, 60)}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "porting-"));
    const failed: string[] = [];
    const assertFn = console.assert;
    console.assert = (cond?: unknown, ...msg: unknown[]) => {
      if (!cond) failed.push(msg.map(String).join(" ") || "console.assert failed");
    };
    try {
      const file = join(dir, `block${i}.mts`);
      writeFileSync(file, block.replaceAll('from "torch-ts"', `from ${JSON.stringify(src)}`));
      await import(pathToFileURL(file).href);
    } finally {
      console.assert = assertFn;
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(failed, []);
    const asserts = block.match(/console\.assert\(/g)?.length ?? 0;
    assert.ok(asserts >= 1, "each block checks what it shows");
  });
});
