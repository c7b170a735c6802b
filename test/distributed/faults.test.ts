// Jobs that go wrong end in seconds with errors that say what happened, on every rank:
// a rank killed in the middle of an all-reduce, a rank that never joins, an unreachable
// master, a master port in use, tensors that differ between ranks, strangers sending bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import * as torch from "../../src/index.ts";
import { describeRun, freePort, runJob } from "./spawn.ts";

interface Out {
  errors: string[];
  ms: number;
  opMs?: number;
  after?: number[];
  sum?: number[];
}
const out = (r: { result: unknown }): Out => r.result as Out;

test("a rank killed in the middle of an all-reduce: the others fail within seconds, naming it", async () => {
  const runs = await runJob("faults.ts", { world: 3, args: ["kill"], env: { TEST_TIMEOUT_MS: "20000" }, timeoutMs: 120_000 });
  const killed = runs.find((r) => r.rank === 2)!;
  assert.equal(killed.signal, "SIGKILL", describeRun(killed));
  const named: number[] = [];
  for (const r of runs.filter((x) => x.rank !== 2)) {
    assert.equal(r.code, 3, describeRun(r));
    const o = out(r);
    assert.equal(o.errors.length, 1, describeRun(r));
    // "failed: ..." when it was running; "cannot run: ..." when the rank was gone before it started.
    // A survivor names the connection it lost first: rank 2's, or that of the other survivor when
    // that one failed (and exited) on rank 2's loss before this one noticed it directly.
    const m = /^RuntimeError: \[Rank \d\] allReduce \(group 0, collective #1\) (failed|cannot run): .*the connection to rank (\d) \(127\.0\.0\.1:\d+\) was lost/.exec(o.errors[0]!);
    assert.ok(m !== null && Number(m[2]) !== r.rank, `rank ${r.rank}: ${o.errors[0]}`);
    named.push(Number(m![2]));
    // well within the 20 s timeout: the broken connection is noticed, not waited out
    assert.ok(o.opMs! < 10_000, `rank ${r.rank} took ${o.opMs} ms to notice`);
  }
  assert.ok(named.includes(2), `no survivor named the killed rank 2: ${named.join(", ")}`);
});

test("a rank that never joins: every rank that did fails after the timeout, naming it", async () => {
  const runs = await runJob("faults.ts", { world: 3, ranks: [0, 1], args: ["ok"], env: { TEST_TIMEOUT_MS: "3000" }, timeoutMs: 60_000 });
  for (const r of runs) {
    assert.equal(r.code, 3, describeRun(r));
    assert.match(out(r).errors[0], /RuntimeError: rank 2 did not (join the process group|connect to rank \d) within 3s/, describeRun(r));
    assert.ok(out(r).ms < 20_000);
  }
});

test("an unreachable master: the client gives up after the timeout", async () => {
  // rank 1 alone: the store it needs (rank 0's) never comes up
  const runs = await runJob("faults.ts", { world: 2, ranks: [1], args: ["ok"], env: { TEST_TIMEOUT_MS: "2000" }, timeoutMs: 60_000 });
  const r = runs[0];
  assert.equal(r.code, 3, describeRun(r));
  assert.match(out(r).errors[0], /The client socket has timed out after 2s while trying to connect to \(127\.0\.0\.1, \d+\)/);
});

test("a master port already in use: rank 0 says so", async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const runs = await runJob("faults.ts", { world: 2, ranks: [0], port, args: ["ok"], env: { TEST_TIMEOUT_MS: "2000" }, timeoutMs: 60_000 });
    assert.equal(runs[0].code, 3, describeRun(runs[0]));
    assert.match(out(runs[0]).errors[0], new RegExp(`failed to bind to 127\\.0\\.0\\.1:${port} \\(errno: \\d+ - Address already in use\\)`));
  } finally {
    blocker.close();
  }
});

test("tensors that differ between ranks: an error on every rank, and the group still works", async () => {
  const runs = await runJob("faults.ts", { world: 2, args: ["mismatch"], env: { TEST_TIMEOUT_MS: "20000" }, timeoutMs: 120_000 });
  for (const r of runs) {
    assert.equal(r.code, 0, describeRun(r));
    const o = out(r);
    assert.equal(o.errors.length, 6, describeRun(r));
    assert.match(o.errors[0], /allReduce \(group 0, collective #0\): the ranks disagree: rank \d passed float32 \[\d\], rank \d passed float32 \[\d\]/);
    assert.match(o.errors[1], /the ranks disagree: rank \d passed float(32|64) \[131072\], rank \d passed float(32|64) \[131072\]/);
    assert.match(o.errors[2], /the ranks disagree: rank \d passed float32 \[(2, 3|3, 2)\], rank \d passed float32 \[(2, 3|3, 2)\]/);
    assert.match(o.errors[3], /the ranks disagree: rank \d called (allReduce|broadcast) where rank \d called (allReduce|broadcast)/);
    assert.match(o.errors[4], /broadcast .*the ranks disagree/);
    assert.match(o.errors[5], /the ranks disagree: rank \d passed reduce op \d, rank \d passed reduce op \d/);
    assert.deepEqual(o.after, [3, 3, 3]);
  }
});

test("strangers connecting to a rank's port or the store during rendezvous are turned away; the job runs", async () => {
  const port = await freePort();
  const job = runJob("faults.ts", { world: 2, ranks: [0], port, args: ["ok"], env: { TEST_TIMEOUT_MS: "30000" }, timeoutMs: 90_000 });
  // Read rank 0's published address from its store, then poke its peer port and the store port.
  const store = new torch.distributed.TCPStore("127.0.0.1", port, { timeout: 30_000 });
  const rec = JSON.parse(new TextDecoder().decode(store.get("default_pg/torchts/peer/0"))) as { host: string; port: number };
  const poke = (p: number, bytes: Uint8Array): Promise<void> => new Promise((resolve) => {
    const s = net.connect(p, "127.0.0.1", () => s.write(bytes));
    s.on("error", () => {});
    s.on("close", () => resolve());
    setTimeout(() => s.destroy(), 2000);
  });
  const random = Uint8Array.from({ length: 64 }, (_, i) => (i * 193 + 7) & 255);
  const fakeHandshake = new Uint8Array(32);
  new DataView(fakeHandshake.buffer).setUint32(0, 0x48535454, true); // right magic, version 0, no token
  await Promise.all([poke(rec.port, random), poke(rec.port, fakeHandshake), poke(port, random)]);
  store.close();
  const rank1 = runJob("faults.ts", { world: 2, ranks: [1], port, args: ["ok"], env: { TEST_TIMEOUT_MS: "30000" }, timeoutMs: 90_000 });
  const [[r0], [r1]] = await Promise.all([job, rank1]);
  for (const r of [r0, r1]) {
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(out(r).sum, [3, 3, 3]);
  }
  assert.match(r0.stderr, /rejected a connection from 127\.0\.0\.1:\d+: not a torch-ts peer/);
  assert.match(r0.stderr, /rejected a connection from 127\.0\.0\.1:\d+: protocol version 0/);
});
