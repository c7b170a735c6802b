// The wire protocol of c10d's TCPStore as PyTorch 1.13 speaks it (torch/csrc/distributed/c10d/
// TCPStore.cpp at v1.13.1), which is what Debian's python3-torch and its torchrun use. No
// handshake and no magic number (those came in 2.x): each query is one byte of QueryType
// followed by its arguments; strings and byte vectors are a uint64 length then the bytes;
// integers are little-endian int64. Responses:
//   SET(key, value)                      -> nothing
//   COMPARE_SET(key, expected, desired)  -> vector: the value now stored (see the server)
//   GET(key)                             -> vector (clients send WAIT(key) first)
//   ADD(key, int64 delta)                -> int64: the new value, stored as decimal text
//   CHECK(uint64 n, n keys)              -> uint8 CheckResponseType
//   WAIT(uint64 n, n keys)               -> uint8 STOP_WAITING once every key exists
//   GETNUMKEYS                           -> int64
//   WATCH_KEY(key)                       -> uint8 KEY_CALLBACK_REGISTERED, then per change of
//                                           the key: uint8 WatchResponseType, key, old, new
//   DELETE_KEY(key)                      -> int64: keys deleted (0 or 1)
// The TCPStore client prefixes every user key with "/" and counts joined workers under the
// unprefixed key "init/". A PyTorch client opens two connections (the second for watchKey
// callbacks) and sends nothing on the second until a watch is registered.

export const QUERY = {
  SET: 0,
  COMPARE_SET: 1,
  GET: 2,
  ADD: 3,
  CHECK: 4,
  WAIT: 5,
  GETNUMKEYS: 6,
  WATCH_KEY: 7,
  DELETE_KEY: 8,
} as const;

export const CHECK_RESPONSE = { READY: 0, NOT_READY: 1 } as const;
export const WAIT_RESPONSE = { STOP_WAITING: 0 } as const;
export const WATCH_RESPONSE = { KEY_UPDATED: 0, KEY_CREATED: 1, KEY_DELETED: 2, KEY_CALLBACK_REGISTERED: 3 } as const;

/** The TCPStore client's prefix for user keys, and its key counting joined workers. */
export const KEY_PREFIX = "/";
export const INIT_KEY = "init/";
/** Default TCPStore port (TCPStoreOptions::kDefaultPort). */
export const DEFAULT_PORT = 29500;
/** Keys and values longer than this are refused as garbage (PyTorch would try to allocate them). */
export const MAX_FIELD_BYTES = 1 << 30;

const enc = new TextEncoder();
/** A key or value given as text is sent as its UTF-8 bytes (as pybind11 encodes a str). */
export function toBytes(v: string | Uint8Array): Uint8Array {
  return typeof v === "string" ? enc.encode(v) : v;
}
/** Keys are byte strings; the server indexes them by their latin1 reading (one char per byte). */
export function keyString(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}
export function keyBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/**
 * std::stoll as the server's ADD applies it to the stored value: optional leading whitespace
 * and sign, then at least one digit; what follows the digits is ignored. null where stoll throws.
 */
export function parseStoll(b: Uint8Array): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(keyString(b));
  if (!m) return null;
  const v = BigInt(m[1]);
  return v === BigInt.asIntN(64, v) ? v : null;
}
