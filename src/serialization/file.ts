// Atomic checkpoint writes: the bytes go to a temporary file in the destination's
// directory, are fsync'ed, and only then renamed over the destination. rename() within one
// file system is atomic, so a crash or a full disk leaves either the old checkpoint or the
// complete new one, never a truncated file.
//
// - A symlink is written through (as PyTorch's open(path, "wb") does): the temp file goes
//   next to the link's final target, and the rename replaces the target, not the link.
// - A process killed mid-save (kill -9, power loss) leaves its hidden temp file behind. Temp
//   names carry a host tag and the writer's pid, `.<name>.<host>.<pid>.<time>.<n>.tmp`; the
//   next save to the same path removes those of this host whose writer is no longer alive,
//   so a stale file survives at most until the next save.
// - Errors name the checkpoint being saved (the temp file is only mentioned after it).

import type * as NodeFs from "node:fs";
import type * as NodePath from "node:path";
import type * as NodeOs from "node:os";

/**
 * @internal
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

/** @internal The fs calls used; tests inject failures through this (Node's types: kept out of the published declarations). */
export type FsLike = Pick<
  typeof NodeFs,
  | "openSync"
  | "writeSync"
  | "fsyncSync"
  | "closeSync"
  | "renameSync"
  | "unlinkSync"
  | "statSync"
  | "readFileSync"
  | "lstatSync"
  | "readlinkSync"
  | "readdirSync"
>;

let counter = 0;

/** Symlink hops followed before giving up, as the kernel's ELOOP limit. */
const MAX_LINKS = 40;

/** An 8-hex-digit tag of this machine's host name (temp files of other hosts are never touched). */
function hostTag(): string {
  const name = builtin<typeof NodeOs>("node:os").hostname();
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** Follows symlinks (dangling ones included) to the file a write would replace. */
function finalTarget(file: string, fs: FsLike): string {
  const { dirname, resolve } = path();
  let target = resolve(file);
  for (let hops = 0; ; hops++) {
    let st: NodeFs.Stats;
    try {
      st = fs.lstatSync(target);
    } catch {
      return target; // does not exist yet
    }
    if (!st.isSymbolicLink()) {
      if (st.isDirectory()) throw saveError(file, `'${file}' is a directory`, "EISDIR");
      return target;
    }
    if (hops >= MAX_LINKS) throw saveError(file, `too many levels of symbolic links at '${file}'`, "ELOOP");
    target = resolve(dirname(target), String(fs.readlinkSync(target)));
  }
}

function saveError(file: string, why: string, code?: string, cause?: unknown): Error {
  const e = new Error(`cannot save to '${file}': ${why}`, cause === undefined ? undefined : { cause });
  if (code) (e as NodeJS.ErrnoException).code = code;
  return e;
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message}` : String((e as Error)?.message ?? e);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/** Removes temp files of earlier saves to `target` from this host whose writer has died. */
function removeStaleTemps(target: string, fs: FsLike): void {
  const { basename, dirname, join } = path();
  const dir = dirname(target);
  const prefix = `.${basename(target)}.${hostTag()}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir) as string[];
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith(".tmp")) continue;
    const m = /^(\d+)\.[0-9a-z]+\.\d+\.tmp$/.exec(n.slice(prefix.length));
    if (!m || isAlive(Number(m[1]))) continue;
    try {
      fs.unlinkSync(join(dir, n));
    } catch {
      /* removed concurrently, or not ours to remove */
    }
  }
}

/** @internal Writes `data` to `file` atomically (temp file, fsync, rename); `fs` is for tests. */
export function atomicWriteFileSync(file: string, data: Uint8Array, fs: FsLike = nodeFs): void {
  if (typeof file !== "string" || file === "")
    throw new TypeError(`save() needs a file path, got ${typeof file === "string" ? "an empty string" : typeof file}`);
  const { basename, dirname, join } = path();
  const target = finalTarget(file, fs);
  const dir = dirname(target);
  removeStaleTemps(target, fs);
  const tmp = join(dir, `.${basename(target)}.${hostTag()}.${process.pid}.${Date.now().toString(36)}.${counter++}.tmp`);
  let mode = 0o644;
  try {
    mode = fs.statSync(target).mode & 0o777; // keep the permissions of the file being replaced
  } catch {
    /* new file */
  }
  let fd: number;
  try {
    fd = fs.openSync(tmp, "wx", mode);
  } catch (e) {
    throw saveError(file, `cannot create a temporary file in '${dir}' (${describeFsError(e)})`, (e as NodeJS.ErrnoException).code, e);
  }
  let ok = false;
  try {
    for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fsyncSync(fd);
    ok = true;
  } catch (e) {
    throw saveError(file, `writing failed (${describeFsError(e)}); '${file}' is unchanged`, (e as NodeJS.ErrnoException).code, e);
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
    throw saveError(file, `renaming the temporary file over it failed (${describeFsError(e)}); '${file}' is unchanged`, (e as NodeJS.ErrnoException).code, e);
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

/** @internal The bytes of a file; `fs` is for tests. */
export function readFileBytes(path: string, fs: FsLike = nodeFs): Uint8Array {
  const b = fs.readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
