// Builds the demo into a folder: index.html, main.js and worker.js (esbuild bundles of main.ts
// and worker.ts with torch-ts's sources) and digits.bin (demo/digits.ts: 4,000 training and
// 1,000 held-out digits of examples/mnist.ts's seeded split).
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { splitDigits } from "../examples/mnist.ts";
import { DIGITS_FILE, PIXELS, encodeDigits, type DigitSet } from "./digits.ts";
import type * as torch from "../src/index.ts";

const HERE = import.meta.dirname;

/** The first `count` digits of a dataset of [image, label] pairs, as bytes. */
function bytes(ds: torch.utils.data.MapDataset<torch.Tensor[]>, count: number): DigitSet {
  const n = Math.min(count, ds.length);
  const pixels = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const [x, y] = ds.getItem(i) as torch.Tensor[];
    pixels.set(Array.from(x!.contiguousData() as Float32Array, (v) => Math.round(v * 255)), i * PIXELS);
    labels[i] = Number(y!.item());
  }
  return { pixels, labels };
}

export async function buildDemo(outDir: string, opts: { train?: number; test?: number } = {}): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { main: join(HERE, "main.ts"), worker: join(HERE, "worker.ts") },
    outdir: outDir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: true,
    logLevel: "warning",
  });
  copyFileSync(join(HERE, "index.html"), join(outDir, "index.html"));
  const { train, test } = splitDigits(42);
  writeFileSync(join(outDir, DIGITS_FILE), encodeDigits(bytes(train, opts.train ?? 4000), bytes(test, opts.test ?? 1000)));
}
