// Data larger than memory: shards generated here (never committed) stream through a
// DataLoader in a child process whose peak RSS stays under 300 MB. CI streams 384 MB
// (TORCH_TS_STREAM_MB to change it); `npm run bench` streams 4 GB (bench/lib/data.ts).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, it } from "node:test";

const MB = Number(process.env.TORCH_TS_STREAM_MB ?? 384);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "torch-ts-stream-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Record<string, number> {
  const p = spawnSync(process.execPath, ["--import", "tsx", "bench/data/stream.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
  const line = p.stdout.split("\n").find((l) => l.startsWith("STREAM_RESULT "));
  assert.ok(line, `stream.ts ${args[0]} failed: ${p.stderr.slice(-2000)}`);
  return JSON.parse(line.slice("STREAM_RESULT ".length)) as Record<string, number>;
}

it(`streams ${MB} MB of shards with a peak RSS under 300 MB`, () => {
  const w = run(["write", dir, String(MB)]);
  assert.ok(w.bytes! >= MB * 2 ** 20);
  const last = String(w.shards! - 1).padStart(6, "0");
  const r = run(["read", join(dir, `stream-{000000..${last}}.tar`), "0"]);
  assert.equal(r.samples, w.samples);
  assert.equal(r.bytes, w.bytes);
  assert.ok(r.peakRssMB! < 300, `peak RSS ${r.peakRssMB} MB`);
});
