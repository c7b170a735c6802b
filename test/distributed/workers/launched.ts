// A worker started by a launcher (torch-ts-run or torchrun): reports the environment it got,
// joins the job through env:// and all-reduces its rank. With --fail-rank R, rank R throws
// (with --first-attempt-only, only when TORCHELASTIC_RESTART_COUNT is 0). With --kill-rank R,
// every rank starts a 16 MB all-reduce and rank R kills itself (SIGKILL) in the middle of it.
import * as torch from "../../../src/index.ts";

const dist = torch.distributed;
const names = ["RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "GROUP_RANK", "ROLE_RANK", "ROLE_NAME", "MASTER_ADDR",
  "MASTER_PORT", "TORCHELASTIC_RESTART_COUNT", "TORCHELASTIC_MAX_RESTARTS", "TORCHELASTIC_RUN_ID", "TORCHELASTIC_USE_AGENT_STORE", "OMP_NUM_THREADS"];
const env = Object.fromEntries(names.map((k) => [k, process.env[k] ?? null]));
const failRank = process.argv.indexOf("--fail-rank");
dist.initProcessGroup("gloo", { timeout: 30_000 });
const firstAttemptOnly = process.argv.includes("--first-attempt-only");
if (failRank > 0 && dist.getRank() === Number(process.argv[failRank + 1]) && (!firstAttemptOnly || process.env.TORCHELASTIC_RESTART_COUNT === "0")) {
  throw new Error(`rank ${dist.getRank()} fails on purpose`);
}
const killRank = process.argv.indexOf("--kill-rank");
if (killRank > 0) {
  const big = torch.ones([4 << 20]);
  dist.barrier();
  if (dist.getRank() === Number(process.argv[killRank + 1])) {
    dist.allReduce(big, { asyncOp: true });
    const start = performance.now();
    while (performance.now() - start < 30) { /* let bytes flow */ }
    process.kill(process.pid, "SIGKILL");
  }
  dist.allReduce(big); // fails on the others, naming the lost rank, unless the launcher stops them first
}
const t = torch.tensor([dist.getRank()], { dtype: "float32" });
dist.allReduce(t);
dist.barrier();
console.log(`RESULT ${JSON.stringify({ env, sum: t.item(), launched: dist.isTorchelasticLaunched(), threads: torch.getNumThreads() })}`);
dist.destroyProcessGroup();
