// One rank of a job that goes wrong (argv[2] says how). Errors are caught and printed as
// RESULT {errors, ms, ...}; the process then exits 3 so the test can tell it ended itself.
import * as torch from "../../../src/index.ts";

const dist = torch.distributed;
const mode = process.argv[2];
const timeout = Number(process.env.TEST_TIMEOUT_MS ?? 5000);
const errors: string[] = [];
const out: Record<string, unknown> = { errors };
const t0 = performance.now();

function attempt(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    errors.push(`${(e as Error).name}: ${(e as Error).message}`);
    return false;
  }
}

function finish(code: number): never {
  out.ms = performance.now() - t0;
  console.log(`RESULT ${JSON.stringify(out)}`);
  process.exit(code);
}

if (!attempt(() => dist.initProcessGroup("gloo", { timeout }))) finish(3);
const rank = dist.getRank();

switch (mode) {
  case "kill": {
    // Every rank starts a 64 MB all-reduce; the last rank dies in the middle of it.
    const big = torch.ones([16 << 20]);
    dist.allReduce(torch.ones(4));
    const start = performance.now();
    if (rank === dist.getWorldSize() - 1) {
      dist.allReduce(big, { asyncOp: true });
      while (performance.now() - start < 30) { /* let bytes flow */ }
      process.kill(process.pid, "SIGKILL");
    }
    const ok = attempt(() => dist.allReduce(big));
    out.opMs = performance.now() - start;
    finish(ok ? 0 : 3);
    break;
  }
  case "mismatch": {
    // Shapes, then dtypes, then collectives that differ; then a correct one still works.
    attempt(() => dist.allReduce(torch.ones(rank === 0 ? 4 : 5)));
    attempt(() => dist.allReduce(torch.ones([1 << 17], { dtype: rank === 0 ? "float32" : "float64" })));
    attempt(() => dist.allReduce(torch.ones([2, 3]).reshape(rank === 0 ? [2, 3] : [3, 2])));
    attempt(() => (rank === 0 ? dist.allReduce(torch.ones(3)) : dist.broadcast(torch.ones(3), 0)));
    attempt(() => dist.broadcast(torch.ones(rank === 0 ? 3 : 2), 0));
    attempt(() => dist.allReduce(torch.ones(3), rank === 0 ? dist.ReduceOp.SUM : dist.ReduceOp.MAX));
    const t = torch.full([3], rank + 1, { dtype: "float32" });
    attempt(() => dist.allReduce(t));
    out.after = t.tolist();
    dist.destroyProcessGroup();
    finish(0);
    break;
  }
  case "ok": {
    // A healthy job (the garbage test pokes at it from outside while it starts).
    const t = torch.full([3], rank + 1, { dtype: "float32" });
    dist.allReduce(t);
    out.sum = t.tolist();
    dist.destroyProcessGroup();
    finish(0);
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
