// init_process_group and friends, with PyTorch's rendezvous (torch/distributed/rendezvous.py):
//   env://            MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE from the environment (what
//                     torchrun, torch-ts-run and Kubeflow's PyTorchJob set)
//   tcp://host:port   rank and worldSize given as arguments (or ?rank=&world_size=)
// Under a torchelastic agent (TORCHELASTIC_USE_AGENT_STORE=True: torchrun's static
// rendezvous, torch-ts-run) the agent hosts the TCPStore and every worker is a client of it,
// under the prefix /worker/attempt_<restart count>; otherwise rank 0 hosts it.
import type * as NodeOs from "node:os";
import { RuntimeError, ValueError } from "../errors.ts";
import { any, int, nullable, param, parseArgs, str, typeError, type Checker } from "../args.ts";
import { instance, timeoutMs as timeout } from "./args.ts";
import { commThread } from "./bridge.ts";
import { NON_GROUP_MEMBER, ProcessGroup, getState, requireWorld, resolveGroup, setState, type Group } from "./processGroup.ts";
import { PrefixStore, Store, TCPStore, resolveStore } from "./store.ts";

/** PyTorch's default_pg_timeout: 30 minutes. */
export const DEFAULT_PG_TIMEOUT_MS = 30 * 60 * 1000;

function env(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/** Options of initProcessGroup: PyTorch's keywords; rank and worldSize default to the RANK and WORLD_SIZE environment variables. */
export interface InitProcessGroupOptions {
  /** The backend (default "gloo", the only one torch-ts speaks). */
  backend?: string;
  /** The rendezvous URL ("env://", the default, or "tcp://host:port"); exclusive with store. */
  initMethod?: string;
  /** Milliseconds for rendezvous and for each collective. */
  timeout?: number;
  /** The number of processes (default -1: from WORLD_SIZE). */
  worldSize?: number;
  /** This process's rank (default -1: from RANK). */
  rank?: number;
  /** A store for rendezvous instead of initMethod. */
  store?: Store;
  /** The group's name (default ""). */
  groupName?: string;
}

const INIT_ARGS = [
  param("backend", str, "gloo"), param("initMethod", nullable(str), null), param("timeout", timeout, DEFAULT_PG_TIMEOUT_MS),
  param("worldSize", int(), -1), param("rank", int(), -1), param("store", nullable(instance(Store, "Store")), null), param("groupName", str, ""),
];

/**
 * Joins this process to the job: `initProcessGroup("gloo")` under torchrun / torch-ts-run /
 * Kubernetes (env://), or `initProcessGroup({ initMethod: "tcp://10.0.0.1:23456", rank, worldSize })`.
 * Returns when every rank has joined (or fails after `timeout`, naming the missing ranks).
 */
export function initProcessGroup(opts?: InitProcessGroupOptions): void;
export function initProcessGroup(backend?: string, opts?: Omit<InitProcessGroupOptions, "backend">): void;
export function initProcessGroup(
  backend?: string, initMethod?: string, timeout?: number, worldSize?: number, rank?: number, store?: Store, groupName?: string,
): void;
export function initProcessGroup(...args: unknown[]): void {
  const a = parseArgs<{ backend: string; initMethod: string | null; timeout: number; worldSize: number; rank: number; store: Store | null }>(
    "init_process_group", INIT_ARGS, args);
  if (getState()) throw new RuntimeError("trying to initialize the default process group twice!");
  const backend = a.backend.toLowerCase();
  if (backend !== "gloo" && backend !== "cpu:gloo") {
    throw new RuntimeError(`torch-ts's process group runs CPU tensors over TCP (the part of PyTorch's "gloo" backend); backend '${a.backend}' is not available`);
  }
  const timeoutMs = a.timeout;
  let { rank, worldSize } = a;

  let store: Store;
  let owned: TCPStore | null = null;
  if (a.store !== null) {
    if (a.initMethod !== null) throw new ValueError("Cannot specify both init_method and store.");
    if (worldSize <= 0) throw new ValueError("world_size must be positive if using store");
    if (rank < 0) throw new ValueError("rank must be non-negative if using store");
    store = a.store;
  } else {
    const url = a.initMethod ?? "env://";
    ({ store: owned, rank, worldSize } = rendezvous(url, rank, worldSize, timeoutMs));
    store = useAgentStore() ? new PrefixStore(`/worker/attempt_${env().TORCHELASTIC_RESTART_COUNT ?? "0"}`, owned) : owned;
  }
  if (rank >= worldSize) throw new ValueError(`rank ${rank} is not below world_size ${worldSize}`);

  const { tcp, prefix } = resolveStore(store);
  const thread = commThread();
  try {
    thread.call({ t: "pg.init", storeId: tcp._id, prefix: `${prefix}default_pg/`, rank, size: worldSize, timeoutMs, host: socketHost() });
  } catch (e) {
    owned?.close();
    throw e;
  }
  const world = new ProcessGroup(0, Array.from({ length: worldSize }, (_, i) => i), rank, timeoutMs);
  thread.call({ t: "group.new", group: { id: 0, ranks: [...world._ranks], timeoutMs } });
  setState({ world, store, groups: 0, close: () => owned?.close() });
}

function useAgentStore(): boolean {
  return env().TORCHELASTIC_USE_AGENT_STORE === "True";
}

/** The address peers should connect to: GLOO_SOCKET_IFNAME's address when set, else the interface that reaches the store. */
function socketHost(): string | null {
  const ifname = env().GLOO_SOCKET_IFNAME;
  if (!ifname) return null;
  const os = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process?.getBuiltinModule?.("node:os") as typeof NodeOs;
  const addrs = os.networkInterfaces()[ifname.split(",")[0]];
  const a = addrs?.find((x) => x.family === "IPv4") ?? addrs?.[0];
  if (!a) throw new RuntimeError(`GLOO_SOCKET_IFNAME=${ifname}: no such network interface with an address`);
  return a.address;
}

function rendezvous(url: string, rank: number, worldSize: number, timeoutMs: number): { store: TCPStore; rank: number; worldSize: number } {
  const m = /^([a-z]+):\/\/(.*)$/.exec(url);
  if (!m) throw new RuntimeError(`No rendezvous handler for ${url}`);
  const [scheme, rest] = [m[1], m[2]];
  const query = new URLSearchParams(rest.includes("?") ? rest.slice(rest.indexOf("?") + 1) : "");
  const q = (name: string): number | undefined => (query.has(name) ? Number(query.get(name)) : undefined);
  if (scheme === "env") {
    const fail = (v: string): never => {
      throw new ValueError(`Error initializing torch.distributed using env:// rendezvous: environment variable ${v} expected, but not set`);
    };
    const get = (v: string): string => env()[v] || fail(v);
    rank = q("rank") ?? (rank >= 0 ? rank : Number(get("RANK")));
    worldSize = q("world_size") ?? (worldSize > 0 ? worldSize : Number(get("WORLD_SIZE")));
    const host = get("MASTER_ADDR");
    const port = Number(get("MASTER_PORT"));
    return { store: createStore(host, port, rank, worldSize, timeoutMs), rank, worldSize };
  }
  if (scheme === "tcp") {
    const hp = /^\[?([^\]]*?)\]?:(\d+)(?:[/?].*)?$/.exec(rest);
    if (!hp) throw new ValueError(`Error initializing torch.distributed using tcp:// rendezvous: port number missing`);
    rank = q("rank") ?? rank;
    worldSize = q("world_size") ?? worldSize;
    if (rank < 0) throw new ValueError("Error initializing torch.distributed using tcp:// rendezvous: rank parameter missing");
    if (worldSize <= 0) throw new ValueError("Error initializing torch.distributed using tcp:// rendezvous: world size parameter missing");
    return { store: createStore(hp[1], Number(hp[2]), rank, worldSize, timeoutMs), rank, worldSize };
  }
  throw new RuntimeError(`No rendezvous handler for ${scheme}:// (torch-ts has env:// and tcp://)`);
}

/**
 * PyTorch's _create_c10d_store, except that the store does not count workers in ("init/"):
 * the process group's rendezvous waits for every rank itself and, when one never comes,
 * says which.
 */
function createStore(host: string, port: number, rank: number, worldSize: number, timeoutMs: number): TCPStore {
  if (!(port >= 0 && port < 65536 && Number.isInteger(port))) throw new ValueError(`port must have value from 0 to 65535 but was ${port}.`);
  const opts = { worldSize, timeout: timeoutMs, waitForWorkers: false };
  if (useAgentStore()) return new TCPStore(host, port, opts);
  return new TCPStore(host, port, { ...opts, isMaster: rank === 0, multiTenant: true });
}

/** Leaves the job (group omitted: the whole default group, closing its connections and store). */
export function destroyProcessGroup(group?: Group): void {
  const s = requireWorld();
  if (group !== undefined && group !== s.world) return; // subgroups share WORLD's connections: nothing to close
  setState(null);
  try {
    commThread().call({ t: "pg.destroy" });
  } finally {
    s.close();
  }
}

export function isInitialized(): boolean {
  return getState() !== null;
}

/** torch.distributed works wherever Node's worker threads and sockets do. */
export function isAvailable(): boolean {
  const p = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  return typeof p?.getBuiltinModule === "function" && typeof SharedArrayBuffer === "function";
}

/** Whether this process was started by torchrun / torch-ts-run (PyTorch's is_torchelastic_launched). */
export function isTorchelasticLaunched(): boolean {
  return env().TORCHELASTIC_RUN_ID !== undefined;
}

/** This process's rank in the group; -1 when it is not a member. */
export function getRank(group?: Group): number {
  const g = resolveGroup(group);
  return g === NON_GROUP_MEMBER ? -1 : g.rank();
}

export function getWorldSize(group?: Group): number {
  const g = resolveGroup(group);
  return g === NON_GROUP_MEMBER ? -1 : g.size();
}

export function getBackend(group?: Group): string {
  const g = resolveGroup(group);
  if (g === NON_GROUP_MEMBER) throw new RuntimeError("Invalid process group specified");
  return g.name();
}

/**
 * A group of some ranks (default: all). Every rank must call it, in the same order, even
 * ranks outside the group (they get GroupMember.NON_GROUP_MEMBER), as in PyTorch.
 */
export function newGroup(ranks?: number[], timeout?: number, backend?: string): Group;
export function newGroup(opts: { ranks?: number[]; timeout?: number; backend?: string }): Group;
export function newGroup(...args: unknown[]): Group {
  const a = parseArgs<{ ranks: number[] | null; timeout: number | null; backend: string | null }>("new_group", [
    param("ranks", nullable(ints), null), param("timeout", nullable(timeout), null), param("backend", nullable(str), null), param("pgOptions", any, undefined),
  ], args);
  const s = requireWorld();
  const size = s.world.size();
  let ranks: number[];
  if (a.ranks === null) ranks = [...s.world._ranks];
  else {
    ranks = [...new Set(a.ranks)].sort((x, y) => x - y);
    for (const r of ranks) if (r < 0 || r >= size) throw new RuntimeError(`The new group's rank should be within the the world_size set by init_process_group`);
  }
  const timeoutMs = a.timeout ?? s.world._timeoutMs;
  if (a.backend !== null && a.backend.toLowerCase() !== "gloo") throw new RuntimeError(`backend '${a.backend}' is not available (torch-ts has gloo's CPU collectives)`);
  const id = ++s.groups;
  const me = s.world._globalRank;
  if (!ranks.includes(me)) return NON_GROUP_MEMBER;
  commThread().call({ t: "group.new", group: { id, ranks, timeoutMs } });
  return new ProcessGroup(id, ranks, me, timeoutMs);
}

/** A list of integers (ranks). */
const ints: Checker<number[]> = (v, arg, fn) => {
  if (!Array.isArray(v) || !v.every((r) => Number.isInteger(r))) throw typeError(fn, arg, "a list of integers", v);
  return v as number[];
};

/** PyTorch's GroupMember: WORLD is the default group once initialized. */
export const GroupMember = {
  get WORLD(): ProcessGroup | null {
    return getState()?.world ?? null;
  },
  NON_GROUP_MEMBER,
};

export { requireWorld };
