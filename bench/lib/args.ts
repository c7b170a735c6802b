// Command-line flags of bench/run.ts (documented at the top of that file).
import { WORKLOADS, type WorkloadId } from "./protocol.ts";

export interface Options {
  only: WorkloadId[];
  engines: string[] | null;
  /** 0 = the mode's default. */
  repeats: number;
  quick: boolean;
  /** -1 = the mode's default. */
  memSteps: number;
  memAll: boolean;
  /** Interleaved rounds per (engine, workload) (bench/lib/rounds.ts). */
  rounds: number;
  /** The data-loading section (bench/lib/data.ts): on by default, or when --only names D. */
  data: boolean;
  /** GB of shards D2 streams (0 = the mode's default: 4, quick 0.5). */
  streamGB: number;
  /** Run torch.distributed's benchmarks (bench/distributed/run.ts) instead of W0-W5. */
  distributed: boolean;
}

export function parseArgs(argv: string[]): Options {
  const o: Options = { only: [...WORKLOADS], engines: null, repeats: 0, quick: false, memSteps: -1, memAll: false, rounds: 1, data: true, streamGB: 0, distributed: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--only") {
      const names = next().split(",").map((w) => w.trim().toUpperCase());
      o.data = names.includes("D");
      o.only = names.filter((w) => w !== "D") as WorkloadId[];
      const bad = o.only.filter((w) => !WORKLOADS.includes(w));
      if (bad.length) throw new Error(`unknown workload(s) ${bad.join(", ")}; choose from ${WORKLOADS.join(", ")}, D`);
    } else if (a === "--engines") o.engines = next().split(",").map((e) => e.trim());
    else if (a === "--repeats") o.repeats = Number(next());
    else if (a === "--quick") o.quick = true;
    else if (a === "--mem-steps") o.memSteps = Number(next());
    else if (a === "--mem-all") o.memAll = true;
    else if (a === "--rounds") o.rounds = Number(next());
    else if (a === "--stream-gb") o.streamGB = Number(next());
    else if (a === "--distributed") o.distributed = true;
    else throw new Error(`unknown flag ${a} (see the comment at the top of bench/run.ts)`);
  }
  if (!(o.repeats >= 0) || !Number.isInteger(o.repeats)) throw new Error(`--repeats must be a positive integer, got ${o.repeats}`);
  if (!(Number.isInteger(o.rounds) && o.rounds >= 1)) throw new Error(`--rounds must be a positive integer, got ${o.rounds}`);
  if (!(o.streamGB >= 0)) throw new Error(`--stream-gb must be a positive number, got ${o.streamGB}`);
  if (o.memSteps !== -1 && !(Number.isInteger(o.memSteps) && o.memSteps >= 0)) throw new Error(`--mem-steps must be a non-negative integer, got ${o.memSteps}`);
  return o;
}

