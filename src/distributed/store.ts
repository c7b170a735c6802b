// torch.distributed's key-value stores. TCPStore speaks c10d's TCPStore protocol (PyTorch
// 1.13's), so a torch-ts worker and a PyTorch process (a torchrun agent, a Python script) can
// share one store either way round; its sockets live on the communication thread and every
// call blocks until answered, as in PyTorch. Keys are text; values text or bytes; get returns
// bytes. Timeouts are milliseconds.
import { bool, checkInt, describe, int, nullable, param, parseArgs, str, typeError } from "../args.ts";
import { RuntimeError, TorchTypeError } from "../errors.ts";
import { instance, timeoutMs } from "./args.ts";
import { commThread } from "./bridge.ts";
import type { StoreMethod } from "./wire/messages.ts";
import { DEFAULT_PORT, toBytes } from "./wire/storeProtocol.ts";

/** PyTorch's Store::kDefaultTimeout: 300 s. */
export const DEFAULT_STORE_TIMEOUT_MS = 300_000;

/** A value set in a store: a string (stored as its UTF-8 bytes) or bytes. */
export type Value = string | Uint8Array;

function checkKey(fn: string, key: unknown): Uint8Array {
  return toBytes(str(key, "key", fn));
}

function checkValue(fn: string, name: string, v: unknown): Uint8Array {
  if (typeof v !== "string" && !(v instanceof Uint8Array)) throw typeError(fn, name, "a string or a Uint8Array", v);
  return toBytes(v);
}

function checkKeys(fn: string, keys: unknown): string[] {
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) throw typeError(fn, "keys", "a list of strings", keys);
  return keys;
}

const TCPSTORE_ARGS = [
  param("hostName", str), param("port", int({ min: 0, max: 65535 }), DEFAULT_PORT), param("worldSize", nullable(int({ min: 1 })), null),
  param("isMaster", bool, false), param("timeout", timeoutMs, DEFAULT_STORE_TIMEOUT_MS), param("waitForWorkers", bool, true), param("multiTenant", bool, false),
];

/** The interface of c10d::Store. */
export abstract class Store {
  abstract set(key: string, value: Value): void;
  /** Waits (up to the timeout) for the key, then returns its value. */
  abstract get(key: string): Uint8Array;
  /** Adds amount to the integer stored under key (created as 0) and returns the result. */
  abstract add(key: string, amount: number): number;
  /** Stores desired when the current value equals expected (or the key is missing and expected is empty); returns the value now stored. */
  abstract compareSet(key: string, expected: Value, desired: Value): Uint8Array;
  /** Waits until every key exists, up to timeout ms (default: the store's timeout). */
  abstract wait(keys: string[], timeout?: number): void;
  /** Whether every key exists, without waiting. */
  abstract check(keys: string[]): boolean;
  abstract numKeys(): number;
  abstract deleteKey(key: string): boolean;
  abstract setTimeout(timeout: number): void;
  abstract get timeout(): number;
}

let nextStoreId = 1;

/**
 * c10d's TCPStore: `new TCPStore(hostName, port, worldSize?, isMaster?, timeout?, waitForWorkers?, multiTenant?)`
 * or the same as options. With isMaster the server runs in this process (port 0 picks a free
 * one: read `.port`). With worldSize and waitForWorkers every member counts itself in under
 * "init/" and the master waits for all of them, as PyTorch does.
 */
export class TCPStore extends Store {
  readonly host: string;
  readonly port: number;
  /** @internal the store's id on the communication thread. */
  readonly _id: number;
  private _timeout: number;
  private closed = false;

  constructor(hostName: string, port?: number, worldSize?: number | null, isMaster?: boolean, timeout?: number, waitForWorkers?: boolean, multiTenant?: boolean);
  constructor(hostName: string, port: number, opts: { worldSize?: number | null; isMaster?: boolean; timeout?: number; waitForWorkers?: boolean; multiTenant?: boolean });
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs<{ hostName: string; port: number; worldSize: number | null; isMaster: boolean; timeout: number; waitForWorkers: boolean; multiTenant: boolean }>(
      "TCPStore", TCPSTORE_ARGS, args);
    this.host = a.hostName;
    this._timeout = a.timeout;
    this._id = nextStoreId++;
    this.port = commThread().call({
      t: "store.open", storeId: this._id, host: this.host, port: a.port, isServer: a.isMaster, numWorkers: a.worldSize,
      waitWorkers: a.waitForWorkers, timeoutMs: this._timeout, multiTenant: a.multiTenant,
    }) as number;
  }

  private op(method: StoreMethod, args: unknown[]): unknown {
    if (this.closed) throw new RuntimeError("the TCPStore has been closed");
    return commThread().call({ t: "store.op", storeId: this._id, method, args });
  }

  set(key: string, value: Value): void {
    this.op("set", [checkKey("set", key), checkValue("set", "value", value)]);
  }
  get(key: string): Uint8Array {
    return this.op("get", [checkKey("get", key)]) as Uint8Array;
  }
  add(key: string, amount: number): number {
    return this.op("add", [checkKey("add", key), checkInt(amount, "amount", "add")]) as number;
  }
  compareSet(key: string, expected: Value, desired: Value): Uint8Array {
    return this.op("compareSet", [
      checkKey("compare_set", key), checkValue("compare_set", "expected_value", expected), checkValue("compare_set", "desired_value", desired),
    ]) as Uint8Array;
  }
  wait(keys: string[], timeout?: number): void {
    const t = timeout === undefined ? null : timeoutMs(timeout, "timeout", "wait");
    this.op("wait", [checkKeys("wait", keys).map(toBytes), t]);
  }
  check(keys: string[]): boolean {
    return this.op("check", [checkKeys("check", keys).map(toBytes)]) as boolean;
  }
  numKeys(): number {
    return this.op("numKeys", []) as number;
  }
  deleteKey(key: string): boolean {
    return this.op("deleteKey", [checkKey("delete_key", key)]) as boolean;
  }
  setTimeout(timeout: number): void {
    this._timeout = timeoutMs(timeout, "timeout", "set_timeout");
    this.op("setTimeout", [this._timeout]);
  }
  get timeout(): number {
    return this._timeout;
  }

  /** Closes the connection (and the server, when this store started it and no other store shares it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    commThread().call({ t: "store.close", storeId: this._id });
  }
}

/** c10d's PrefixStore: every key becomes `${prefix}/${key}` in the underlying store. */
export class PrefixStore extends Store {
  constructor(
    /** Prepended (with "/") to every key. */
    readonly prefix: string,
    /** The store the prefixed keys live in. */
    readonly underlyingStore: Store,
  ) {
    super();
    str(prefix, "prefix", "PrefixStore");
    instance(Store, "Store")(underlyingStore, "store", "PrefixStore");
  }
  private k(key: string): string {
    return `${this.prefix}/${key}`;
  }
  set(key: string, value: Value): void {
    this.underlyingStore.set(this.k(key), value);
  }
  get(key: string): Uint8Array {
    return this.underlyingStore.get(this.k(key));
  }
  add(key: string, amount: number): number {
    return this.underlyingStore.add(this.k(key), amount);
  }
  compareSet(key: string, expected: Value, desired: Value): Uint8Array {
    return this.underlyingStore.compareSet(this.k(key), expected, desired);
  }
  wait(keys: string[], timeout?: number): void {
    this.underlyingStore.wait(checkKeys("wait", keys).map((k) => this.k(k)), timeout);
  }
  check(keys: string[]): boolean {
    return this.underlyingStore.check(checkKeys("check", keys).map((k) => this.k(k)));
  }
  numKeys(): number {
    return this.underlyingStore.numKeys();
  }
  deleteKey(key: string): boolean {
    return this.underlyingStore.deleteKey(this.k(key));
  }
  setTimeout(timeout: number): void {
    this.underlyingStore.setTimeout(timeout);
  }
  get timeout(): number {
    return this.underlyingStore.timeout;
  }
}

/** The TCPStore under a chain of PrefixStores, and the key prefix the chain adds. */
export function resolveStore(store: Store): { tcp: TCPStore; prefix: string } {
  let prefix = "";
  let s: Store = store;
  while (s instanceof PrefixStore) {
    prefix = `${s.prefix}/${prefix}`;
    s = s.underlyingStore;
  }
  if (!(s instanceof TCPStore)) throw new TorchTypeError(`a process group needs a TCPStore (or a PrefixStore over one), got ${describe(s)}`);
  return { tcp: s, prefix };
}
