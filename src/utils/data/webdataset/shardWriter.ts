// ShardWriter (webdataset.ShardWriter): writes samples into numbered .tar shards, starting a
// new shard when the current one holds `maxcount` samples or `maxsize` bytes. A sample is an
// object with `__key__` and one value per extension: { __key__: "000042", "input.npy": x,
// cls: 3, json: {...} } becomes the files 000042.input.npy, 000042.cls, 000042.json. Values
// are encoded by extension (codecs.ts); a Uint8Array is written as it is. Node only (files).
// Each shard is written to "<name>.partial" and renamed when complete, so a reader never sees
// half a shard.
import { TorchTypeError, ValueError } from "../../../errors.ts";
import { checkOptions } from "../../../args.ts";
import { DEFAULT_ENCODERS, extensionOf, type Encoder } from "./codecs.ts";
import { nodeFs } from "./sources.ts";
import { tarEnd, tarMember } from "./tar.ts";

export interface ShardWriterOptions {
  /** Samples per shard (default 100000). */
  maxcount?: number;
  /** Bytes per shard: a new shard starts once a shard reaches it (default 3e9). */
  maxsize?: number;
  /** Encoders by extension, used before the defaults; null writes that extension's values as strings. */
  encoders?: Record<string, Encoder | null>;
  /** Number of the first shard (default 0). */
  start?: number;
}

/** "data-%06d.tar" with n = 7 -> "data-000007.tar" (printf's %d, %0Nd, %Nd). */
function shardName(pattern: string, n: number): string {
  if (!/%0?\d*d/.test(pattern)) throw new ValueError(`ShardWriter: the pattern '${pattern}' has no %d (like data-%06d.tar)`);
  return pattern.replace(/%(0?)(\d*)d/, (_, zero: string, width: string) => String(n).padStart(Number(width || 0), zero ? "0" : " "));
}

const utf8 = new TextEncoder();

export class ShardWriter {
  readonly pattern: string;
  readonly maxcount: number;
  readonly maxsize: number;
  private readonly encoders: Record<string, Encoder | null>;
  /** Names of the shards written so far (the current one included). */
  readonly shards: string[] = [];
  private shard: number;
  private fd: number | null = null;
  private path = "";
  /** Samples and bytes in the current shard; samples written in all. */
  count = 0;
  size = 0;
  total = 0;

  constructor(pattern: string, opts: ShardWriterOptions = {}) {
    checkOptions("ShardWriter", opts, ["maxcount", "maxsize", "encoders", "start"]);
    this.pattern = pattern;
    shardName(pattern, 0);
    this.maxcount = opts.maxcount ?? 100000;
    this.maxsize = opts.maxsize ?? 3e9;
    if (!(this.maxcount > 0) || !(this.maxsize > 0)) throw new ValueError("ShardWriter: maxcount and maxsize must be positive");
    this.encoders = { ...opts.encoders };
    this.shard = opts.start ?? 0;
  }

  private encode(field: string, value: unknown): Uint8Array {
    if (value instanceof Uint8Array) return value;
    const ext = extensionOf(field);
    const enc = ext in this.encoders ? this.encoders[ext] : DEFAULT_ENCODERS[ext];
    if (enc) return enc(value);
    if (typeof value === "string") return utf8.encode(value);
    throw new TorchTypeError(
      `ShardWriter: no encoder for '${field}' (a ${value?.constructor?.name ?? typeof value}): give a Uint8Array or a string, or an encoder for '${ext}'`,
    );
  }

  private next(): void {
    this.finish();
    this.path = shardName(this.pattern, this.shard++);
    this.fd = nodeFs().openSync(this.path + ".partial", "w");
    this.shards.push(this.path);
    this.count = 0;
    this.size = 0;
  }

  private finish(): void {
    if (this.fd === null) return;
    const fs = nodeFs();
    this.put(tarEnd());
    fs.closeSync(this.fd);
    fs.renameSync(this.path + ".partial", this.path);
    this.fd = null;
  }

  /** Writes one sample (see the top of the file). */
  write(sample: Record<string, unknown>): void {
    const key = sample.__key__;
    if (typeof key !== "string" || key === "") throw new ValueError("ShardWriter: a sample needs a __key__ string");
    if (key.slice(key.lastIndexOf("/") + 1).includes(".")) {
      throw new ValueError(`ShardWriter: __key__ '${key}' has a '.' in its last path component: readers split names at the first dot`);
    }
    const files: [string, Uint8Array][] = [];
    for (const [field, value] of Object.entries(sample)) {
      if (field.startsWith("__")) continue;
      files.push([`${key}.${field}`, this.encode(field, value)]);
    }
    if (files.length === 0) throw new ValueError(`ShardWriter: sample ${key} has no fields to write`);
    if (this.fd === null || this.count >= this.maxcount || this.size >= this.maxsize) this.next();
    for (const [name, data] of files) for (const part of tarMember(name, data)) this.put(part);
    this.count++;
    this.total++;
  }

  private put(bytes: Uint8Array): void {
    const fs = nodeFs();
    for (let k = 0; k < bytes.length; ) k += fs.writeSync(this.fd!, bytes, k, bytes.length - k);
    this.size += bytes.length;
  }

  /** Ends the last shard. */
  close(): void {
    this.finish();
  }
}
