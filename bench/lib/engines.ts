// The engine configurations `npm run bench` runs, each in its own child process per workload.
import type { ChildResult } from "./protocol.ts";

export interface EngineConfig {
  /** Column name in the tables, e.g. "tfjs-wasm 2t". */
  id: string;
  /** Program and arguments; the ChildConfig JSON is appended. */
  command: string[];
  threads: number;
  backend?: string;
  /** Environment changes: a string sets, undefined removes. */
  env?: Record<string, string | undefined>;
  isTorchTs?: boolean;
  /** The thread count torch-ts is compared at for this peer (single-threaded peers: 1). */
  compareThreads: number;
  /** A /proc/cpuinfo flag the config needs; run.ts leaves it out (with a note) where the CPU lacks it. */
  cpuFlag?: string;
}

const node = (peer: string) => [process.execPath, "--expose-gc", "--import", "tsx", `bench/peers/${peer}.ts`];
const python = ["/usr/bin/python3", "bench/peers/pytorch.py"];
/** OpenBLAS's AVX-512 kernels; the plain configs run the core type OpenBLAS detects (or the environment's OPENBLAS_CORETYPE). */
const avx512Env = { OPENBLAS_CORETYPE: "SkylakeX", OPENBLAS_L2_SIZE: undefined };

export const ENGINES: EngineConfig[] = [
  { id: "torch-ts 1t", command: node("torch-ts"), threads: 1, isTorchTs: true, compareThreads: 1 },
  { id: "torch-ts 2t", command: node("torch-ts"), threads: 2, isTorchTs: true, compareThreads: 2 },
  { id: "pytorch 1t", command: python, threads: 1, compareThreads: 1 },
  { id: "pytorch 2t", command: python, threads: 2, compareThreads: 2 },
  // OpenBLAS's SkylakeX kernels stop on an illegal instruction where there is no AVX-512
  { id: "pytorch-avx512 1t", command: python, threads: 1, env: avx512Env, compareThreads: 1, cpuFlag: "avx512f" },
  { id: "pytorch-avx512 2t", command: python, threads: 2, env: avx512Env, compareThreads: 2, cpuFlag: "avx512f" },
  { id: "tfjs-wasm 1t", command: node("tfjs"), backend: "wasm", threads: 1, compareThreads: 1 },
  { id: "tfjs-wasm 2t", command: node("tfjs"), backend: "wasm", threads: 2, compareThreads: 2 },
  { id: "tfjs-cpu", command: node("tfjs"), backend: "cpu", threads: 0, compareThreads: 1 },
  { id: "js-pytorch", command: node("js-pytorch"), threads: 0, compareThreads: 1 },
];

export interface RunResult extends ChildResult {
  config: string;
  wallS: number;
  /** 1-minute load average when the child started (the machine may be shared). */
  loadAvg1?: number;
  /** Rounds merged into this result (--rounds). */
  rounds?: number;
}
