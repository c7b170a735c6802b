// Atomic checkpoint writes: the bytes go to a temporary file in the destination's
// directory, are fsync'ed, and only then renamed over the destination. rename() within one
// file system is atomic, so a crash or a full disk leaves either the old checkpoint or the
// complete new one, never a truncated file.

import type * as NodeFs from "node:fs";
import type * as NodePath from "node:path";

/**
 * Node's modules, fetched when a path is used, so that importing torch-ts in a browser
 * bundle pulls in no node: module. `use` names what needed it, for the error elsewhere.
 */
export function builtin<T>(name: string, use = "torch.save / torch.load with a file path (in a browser use saveToBuffer / loadFromBuffer)"): T {
  const get = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process?.getBuiltinModule;
  const m = get?.(name);
  if (!m) throw new Error(`${use} needs Node's ${name}`);
  return m as T;
}
const nodeFs = new Proxy({} as typeof NodeFs, { get: (_t, k) => (builtin<typeof NodeFs>("node:fs") as unknown as Record<PropertyKey, unknown>)[k] });
const path = (): typeof NodePath => builtin<typeof NodePath>("node:path");

/** The fs calls used; tests inject failures through this. */
export type FsLike = Pick<
  typeof NodeFs,
  "openSync" | "writeSync" | "fsyncSync" | "closeSync" | "renameSync" | "unlinkSync" | "statSync" | "readFileSync"
>;

let counter = 0;

export function atomicWriteFileSync(file: string, data: Uint8Array, fs: FsLike = nodeFs): void {
  const { basename, dirname, join, resolve } = path();
  const target = resolve(file);
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${Date.now().toString(36)}.${counter++}.tmp`);
  let mode = 0o644;
  try {
    mode = fs.statSync(target).mode & 0o777; // keep the permissions of the file being replaced
  } catch {
    /* new file */
  }
  const fd = fs.openSync(tmp, "wx", mode);
  let ok = false;
  try {
    for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fsyncSync(fd);
    ok = true;
  } finally {
    fs.closeSync(fd);
    if (!ok) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        /* already gone */
      }
    }
  }
  try {
    fs.renameSync(tmp, target);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  // Persist the rename itself (directory entry). Not possible on every platform (Windows).
  try {
    const dfd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* best effort */
  }
}

export function readFileBytes(path: string, fs: FsLike = nodeFs): Uint8Array {
  const b = fs.readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
