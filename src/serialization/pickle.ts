// A restricted pickle reader and a small protocol-2 writer.
//
// Reader: implements the opcodes that torch.save emits (protocol 2) plus the binary opcodes
// of protocols 3-5, and nothing that executes code. A GLOBAL is resolved only through the
// caller's allow-list (the weights_only policy lives in pt.ts); anything else throws
// `UnpicklingError: Unsupported global: GLOBAL module.name` before anything is constructed.
//
// Value model: None -> null, bool -> boolean, int -> number (bigint beyond 2^53),
// float -> number, str -> string, bytes -> Uint8Array, list -> array, tuple -> frozen array,
// dict / OrderedDict -> Map (keys keep their Python types and order).

import { CheckpointLimitError, UnpicklingError } from "./errors.ts";
import { type Budget, OBJECT_BYTES, SLOT_BYTES } from "./limits.ts";

/** A resolved, allow-listed global. `call` implements REDUCE on it; absent: not callable. */
export interface PyGlobal {
  readonly kind: "global";
  readonly module: string;
  readonly name: string;
  readonly call?: (args: unknown[]) => unknown;
  /** BUILD with this object's state; absent: BUILD is refused. */
  readonly build?: (inst: unknown, state: unknown) => void;
}

export interface UnpicklerOptions {
  /** Allow-list: "module.name" -> global. */
  globals: ReadonlyMap<string, PyGlobal>;
  /** persistent_load; absent: persistent ids are refused. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Charged for every object the pickle builds (see limits.ts); absent: unlimited. */
  budget?: Budget;
}

/** Attributes set by BUILD on an OrderedDict (a state_dict's `_metadata`). */
export const dictAttributes = new WeakMap<Map<unknown, unknown>, Map<unknown, unknown>>();

export function isTuple(x: unknown): x is readonly unknown[] {
  return Array.isArray(x) && Object.isFrozen(x);
}

/**
 * Marks tuples whose items are all hashable (Python: usable as a dict key). Decided once,
 * when the tuple is made from items that already exist, so the check is linear in the pickle
 * even for a DAG of tuples that shares sub-tuples (a tree walk would be exponential). A
 * non-enumerable property rather than a WeakSet: millions of WeakSet entries make every
 * garbage collection slow.
 */
const HASHABLE = Symbol("hashable tuple");

export const isHashable = (k: unknown): boolean =>
  k === null || typeof k !== "object" || (k as { [HASHABLE]?: true })[HASHABLE] === true;

/** A Python tuple: a frozen array, with its hashability recorded. */
export function tuple(items: unknown[]): readonly unknown[] {
  if (items.every(isHashable)) Object.defineProperty(items, HASHABLE, { value: true });
  return Object.freeze(items);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Little-endian two's-complement bytes -> int; linear in the length (hex parsing is). */
function decodeLong(b: Uint8Array): number | bigint {
  const n = b.length;
  if (n === 0) return 0;
  let v: bigint;
  if (n <= 6) {
    let x = 0;
    for (let i = n - 1; i >= 0; i--) x = x * 256 + b[i]!;
    if (b[n - 1]! & 0x80) x -= 2 ** (8 * n);
    return x;
  }
  const hex = new Array<string>(n);
  for (let i = 0; i < n; i++) hex[i] = HEX[b[n - 1 - i]!]!;
  v = BigInt(`0x${hex.join("")}`);
  if (b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * REDUCE calls walk their arguments (OrderedDict copies a list of pairs, torch.Size a
 * tuple). One argument can be shared through the memo and passed to millions of calls, so
 * the elements all calls walk are bounded: at most the pickle's size plus this allowance.
 */
export const CALL_WORK_ALLOWANCE = 1 << 20;

export function unpickle(bytes: Uint8Array, opts: UnpicklerOptions): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  const utf8 = new TextDecoder("utf-8", { fatal: true });

  const budget = opts.budget;
  const maxWork = bytes.length + CALL_WORK_ALLOWANCE;
  let work = 0;
  const err = (msg: string): never => {
    throw new UnpicklingError(msg);
  };
  /** Every value pushed costs a slot; a new container or string costs what it holds. */
  const push = (v: unknown, extra = 0) => {
    budget?.charge(SLOT_BYTES + extra, () => `pickle value at offset ${pos}`);
    stack.push(v);
  };
  const pushNew = (v: unknown) => push(v, OBJECT_BYTES);
  const need = (n: number) => {
    if (n < 0 || pos + n > bytes.length) err(`pickle data was truncated (needed ${n} bytes at offset ${pos})`);
  };
  const u8 = () => (need(1), bytes[pos++]!);
  const u16 = () => (need(2), (pos += 2), dv.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), dv.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), dv.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) err(`length ${v} at offset ${pos - 8} exceeds the pickle size`);
    return Number(v);
  };
  const take = (n: number) => (need(n), (pos += n), bytes.subarray(pos - n, pos));
  const str = (n: number) => {
    const b = take(n);
    budget?.charge(n, () => `a ${n}-byte string at offset ${pos - n}`);
    try {
      return utf8.decode(b);
    } catch {
      return err(`invalid UTF-8 in string at offset ${pos - n}`);
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) err("pickle data was truncated (missing newline)");
    const s = str(end - pos);
    pos++;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1]!)) err(`unpickling stack underflow at offset ${pos - 1}`);
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1]!)) err(`unpickling stack underflow at offset ${pos - 1}`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) err(`could not find MARK (offset ${pos - 1})`);
    return stack.splice(m!);
  };
  const memoGet = (i: number) => {
    if (!memo.has(i)) err(`memo value ${i} not found (offset ${pos})`);
    return memo.get(i);
  };
  const memoPut = (i: number) => {
    budget?.charge(SLOT_BYTES, () => `memo entry at offset ${pos}`);
    memo.set(i, top());
  };
  const bytesValue = (n: number) => {
    const b = take(n);
    budget?.charge(n + OBJECT_BYTES, () => `a ${n}-byte bytes value at offset ${pos - n}`);
    push(b.slice());
  };
  const resolve = (module: string, name: string) => {
    const g = opts.globals.get(`${module}.${name}`);
    if (!g) err(`Unsupported global: GLOBAL ${module}.${name} was not an allowed global by default`);
    push(g);
  };
  const long = (n: number) => {
    const b = take(n);
    budget?.charge(n, () => `a ${n}-byte int at offset ${pos - n}`);
    return decodeLong(b);
  };
  const newTuple = (items: unknown[]) => pushNew(tuple(items));
  /** Elements a REDUCE call walks: its arguments and the items of those that are containers. */
  const chargeCall = (args: readonly unknown[], fn: string): number => {
    let w = args.length;
    for (const a of args) if (Array.isArray(a)) w += a.length;
    work += w;
    if (work > maxWork)
      throw new CheckpointLimitError(
        `pickle calls walk more than ${maxWork} elements (the pickle's ${bytes.length} bytes plus ${CALL_WORK_ALLOWANCE}), at ${fn} (offset ${pos - 1}): the same containers are passed to calls over and over`,
      );
    return w;
  };
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) err(`SETITEM(S) on a ${typeName(dict)}, expected a dict`);
    if (items.length % 2) err("SETITEMS with an odd number of items");
    for (let i = 0; i < items.length; i += 2) {
      if (!isHashable(items[i])) err(`unhashable dict key of type ${typeName(items[i])}`);
      (dict as Map<unknown, unknown>).set(items[i], items[i + 1]);
    }
  };
  const appendItems = (list: unknown, items: unknown[]) => {
    if (!Array.isArray(list) || Object.isFrozen(list)) err(`APPEND(S) on a ${typeName(list)}, expected a list`);
    for (const x of items) (list as unknown[]).push(x);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: { // PROTO
        const v = u8();
        if (v > 5) err(`unsupported pickle protocol: ${v}`);
        break;
      }
      case 0x95: // FRAME: framing is only a read-ahead hint
        u64();
        break;
      case 0x2e: { // STOP
        if (marks.length) err("STOP inside an open MARK");
        if (stack.length !== 1) err(`STOP with ${stack.length} items on the stack`);
        if (pos !== bytes.length) err(`${bytes.length - pos} trailing bytes after STOP`);
        return stack[0];
      }
      case 0x28: budget?.charge(SLOT_BYTES, "a MARK"); marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4a: push(i32()); break; // BININT
      case 0x4b: push(u8()); break; // BININT1
      case 0x4d: push(u16()); break; // BININT2
      case 0x8a: push(long(u8())); break; // LONG1
      case 0x8b: { // LONG4
        const n = i32();
        if (n < 0) err("LONG4 with negative length");
        push(long(n));
        break;
      }
      case 0x47: { // BINFLOAT (big-endian double)
        need(8);
        push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case 0x58: push(str(u32())); break; // BINUNICODE
      case 0x8c: push(str(u8())); break; // SHORT_BINUNICODE
      case 0x8d: push(str(u64())); break; // BINUNICODE8
      case 0x42: bytesValue(u32()); break; // BINBYTES
      case 0x43: bytesValue(u8()); break; // SHORT_BINBYTES
      case 0x8e: bytesValue(u64()); break; // BINBYTES8
      case 0x29: newTuple([]); break; // EMPTY_TUPLE
      case 0x74: newTuple(popMark()); break; // TUPLE
      case 0x85: newTuple([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); newTuple([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); newTuple([a, b, c]); break; } // TUPLE3
      case 0x5d: pushNew([]); break; // EMPTY_LIST
      case 0x6c: pushNew(popMark()); break; // LIST
      case 0x61: { const x = pop(); appendItems(top(), [x]); break; } // APPEND
      case 0x65: { const items = popMark(); appendItems(top(), items); break; } // APPENDS
      case 0x7d: pushNew(new Map()); break; // EMPTY_DICT
      case 0x64: { const items = popMark(); const d = new Map(); setItems(d, items); pushNew(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x63: { const module = line(); const name = line(); resolve(module, name); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") err("STACK_GLOBAL requires two strings");
        resolve(module as string, name as string);
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const fn = pop();
        if (!isTuple(args)) err(`REDUCE arguments must be a tuple, got ${typeName(args)}`);
        const g = fn as PyGlobal;
        if (!isGlobal(fn) || !g.call) err(`REDUCE on ${typeName(fn)}, which is not callable`);
        const w = chargeCall(args as readonly unknown[], `${g.module}.${g.name}`);
        budget?.charge(OBJECT_BYTES + SLOT_BYTES * w, () => `the result of ${g.module}.${g.name} at offset ${pos - 1}`);
        const out = g.call!([...(args as readonly unknown[])]);
        push(out);
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const inst = top();
        const cls = inst instanceof Map ? opts.globals.get("collections.OrderedDict") : undefined;
        if (!cls?.build) err(`BUILD on a ${typeName(inst)} is not supported`);
        cls!.build!(inst, state);
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!opts.persistentLoad) err("A load persistent id instruction was encountered, but no persistent_load function was specified");
        push(opts.persistentLoad!(pid));
        break;
      }
      case 0x71: memoPut(u8()); break; // BINPUT
      case 0x72: memoPut(u32()); break; // LONG_BINPUT
      case 0x94: memoPut(memo.size); break; // MEMOIZE
      case 0x68: push(memoGet(u8())); break; // BINGET
      case 0x6a: push(memoGet(u32())); break; // LONG_BINGET
      default:
        err(`unsupported pickle opcode 0x${op.toString(16).padStart(2, "0")} (${JSON.stringify(String.fromCharCode(op))}) at offset ${pos - 1}`);
    }
  }
}

function isGlobal(x: unknown): x is PyGlobal {
  return typeof x === "object" && x !== null && (x as PyGlobal).kind === "global";
}

export function typeName(x: unknown): string {
  if (x === null) return "None";
  if (isGlobal(x)) return `${x.module}.${x.name}`;
  if (isTuple(x)) return "tuple";
  if (Array.isArray(x)) return "list";
  if (x instanceof Map) return "dict";
  if (x instanceof Uint8Array) return "bytes";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (typeof x === "bigint") return "int";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}

// ---------------------------------------------------------------- writer

/** Emits protocol-2 pickles. Higher layers drive it for objects it does not know (tensors). */
export class Pickler {
  private buf = new Uint8Array(1024);
  private len = 0;
  private readonly memo = new Map<object, number>();
  private readonly enc = new TextEncoder();

  constructor() {
    this.bytes(0x80, 2); // PROTO 2
  }

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  bytes(...b: number[]): void {
    this.grow(b.length);
    for (const x of b) this.buf[this.len++] = x;
  }
  raw(b: Uint8Array): void {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  private u32(v: number): void {
    this.bytes(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }

  mark(): void { this.bytes(0x28); }
  tupleFromMark(): void { this.bytes(0x74); }
  emptyTuple(): void { this.bytes(0x29); }
  reduce(): void { this.bytes(0x52); }
  binpersid(): void { this.bytes(0x51); }
  none(): void { this.bytes(0x4e); }
  bool(b: boolean): void { this.bytes(b ? 0x88 : 0x89); }

  global(module: string, name: string): void {
    this.bytes(0x63);
    this.raw(this.enc.encode(`${module}\n${name}\n`));
  }

  int(v: number | bigint): void {
    if (typeof v === "number" && !Number.isSafeInteger(v)) throw new TypeError(`cannot pickle ${v} as an int`);
    const b = BigInt(v);
    if (b >= 0n && b < 256n) return this.bytes(0x4b, Number(b));
    if (b >= 0n && b < 65536n) return this.bytes(0x4d, Number(b) & 0xff, Number(b) >> 8);
    if (b >= -(2n ** 31n) && b < 2n ** 31n) return this.bytes(0x4a), this.u32(Number(b) >>> 0);
    // LONG1: minimal little-endian two's complement.
    const out: number[] = [];
    let x = b;
    for (;;) {
      out.push(Number(x & 0xffn));
      x >>= 8n;
      const sign = out[out.length - 1]! & 0x80;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    if (out.length > 255) throw new TypeError("int too large to pickle");
    this.bytes(0x8a, out.length, ...out);
  }

  float(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    this.bytes(0x47);
    this.raw(b);
  }

  string(s: string): void {
    const b = this.enc.encode(s);
    this.bytes(0x58);
    this.u32(b.length);
    this.raw(b);
  }

  /** Emits `emit()` once per object; later occurrences refer to the memo (shared identity). */
  memoized(obj: object, emit: () => void): void {
    const idx = this.memo.get(obj);
    if (idx !== undefined) {
      if (idx < 256) this.bytes(0x68, idx);
      else {
        this.bytes(0x6a);
        this.u32(idx);
      }
      return;
    }
    emit();
    const i = this.memo.size;
    this.memo.set(obj, i);
    if (i < 256) this.bytes(0x71, i);
    else {
      this.bytes(0x72);
      this.u32(i);
    }
  }

  emptyList(): void { this.bytes(0x5d); }
  appends(): void { this.bytes(0x65); }
  emptyDict(): void { this.bytes(0x7d); }
  setitems(): void { this.bytes(0x75); }

  finish(): Uint8Array {
    this.bytes(0x2e); // STOP
    return this.buf.slice(0, this.len);
  }
}
