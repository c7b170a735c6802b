// --rounds N: every (engine, workload) child runs N times, the rounds interleaved across the
// engines of a workload (engine A, B, C, then A, B, C again, ...), so a machine whose speed
// drifts during the run (a shared VM) slows every engine's rounds alike. Each metric's
// median is then the median of the rounds' medians, its best the best of the rounds' bests
// (its GC share, CPU use and warm-up the medians of the rounds' values).
import type { RunResult } from "./engines.ts";
import { median } from "./measure.ts";

export function mergeRounds(rounds: RunResult[]): RunResult {
  const ok = rounds.filter((r) => r.status === "ok");
  if (ok.length === 0) return rounds[0]!;
  const first = ok[0]!;
  const metrics = first.metrics.map((m) => {
    const same = ok.map((r) => r.metrics.find((x) => x.key === m.key)).filter((x) => x !== undefined);
    const higherIsBetter = m.unit === "GFLOP/s";
    return {
      ...m,
      median: median(same.map((x) => x.median)),
      best: higherIsBetter ? Math.max(...same.map((x) => x.best)) : Math.min(...same.map((x) => x.best)),
      repeats: same.reduce((s, x) => s + x.repeats, 0),
      roundMedians: same.map((x) => x.median),
      ...(same.every((x) => x.gcShare !== undefined) ? { gcShare: median(same.map((x) => x.gcShare!)) } : {}),
      ...(same.every((x) => x.cpuCores != null) ? { cpuCores: median(same.map((x) => x.cpuCores!)) } : {}),
      ...(same.every((x) => x.warmupS != null) ? { warmupS: median(same.map((x) => x.warmupS!)), warmupUnits: median(same.map((x) => x.warmupUnits ?? 0)) } : {}),
    };
  });
  const peaks = ok.map((r) => r.peakRssMB).filter((x): x is number => x !== undefined);
  return {
    ...first,
    metrics,
    ...(peaks.length ? { peakRssMB: Math.max(...peaks) } : {}),
    memory: ok.find((r) => r.memory)?.memory,
    wallS: rounds.reduce((s, r) => s + r.wallS, 0),
    rounds: ok.length,
  };
}
