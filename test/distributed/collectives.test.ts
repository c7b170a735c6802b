// Every collective, reduce op and dtype (strided inputs, asyncOp, subgroups, send/recv) on 2,
// 3 and 4 processes over loopback, each result checked against the one computed on one rank
// (workers/collectives.ts); and one all-reduce of 64M elements.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeJob, runJob } from "./spawn.ts";

interface Result {
  rank: number;
  checks: number;
  failures: string[];
}

async function collectives(world: number, args: string[] = []): Promise<void> {
  const runs = await runJob("collectives.ts", { world, args, timeoutMs: 240_000 });
  for (const r of runs) {
    assert.equal(r.code, 0, describeJob(runs));
    const res = r.result as Result;
    assert.deepEqual(res.failures, [], describeJob(runs));
    assert.ok(res.checks > 100, `rank ${r.rank} ran ${res.checks} checks`);
  }
}

test("2 ranks: every collective, op and dtype, 1 to 300 001 elements", () => collectives(2));
test("3 ranks: every collective, op and dtype, uneven ring segments, subgroups", () => collectives(3));
test("4 ranks: every collective, op and dtype, 1 to 20 000 elements, subgroups", () => collectives(4, ["--quick"]));

test("2 ranks: all-reduce of 64M float32 elements", async () => {
  const runs = await runJob("big.ts", { world: 2, timeoutMs: 240_000 });
  for (const r of runs) {
    assert.equal(r.code, 0, describeJob(runs));
    assert.deepEqual({ bad: (r.result as { bad: number }).bad }, { bad: 0 }, describeJob(runs));
  }
});
