// The framing between torch-ts workers (a job's ranks are all torch-ts: this is not gloo's
// wire format). After a handshake each connection carries frames of a 24-byte little-endian
// header and a payload:
//   u32 magic "TTSF" | u8 kind | 3 bytes zero | u32 group | u32 seq | u32 tag | u32 payload bytes
// A collective is identified by (group, seq): seq counts the group's collectives, issued in
// the same order on every rank. tag numbers the messages of one collective between two
// ranks (the steps of a ring). DESC opens a collective towards a peer with its description
// (op, dtype, shape, ...), which the receiver checks against its own before any data.
// DATA frames carry raw element bytes; a message may span several frames, in order.
// P2P/P2P_DATA carry send/recv: seq numbers the messages from one rank to another.

export const FRAME_MAGIC = 0x46535454; // "TTSF"
export const HANDSHAKE_MAGIC = 0x48535454; // "TTSH"
export const PROTOCOL_VERSION = 1;
export const HEADER_BYTES = 24;
export const HANDSHAKE_BYTES = 32;
/** Frames are split below this so the length field (u32) never overflows. */
export const MAX_FRAME_PAYLOAD = 1 << 30;
/** Control payloads (descriptions, errors) above this are garbage. */
export const MAX_CONTROL_PAYLOAD = 1 << 20;

export const KIND = { DESC: 1, DATA: 2, ACK: 3, ABORT: 4, BYE: 5, P2P: 6, P2P_DATA: 7 } as const;
export type Kind = (typeof KIND)[keyof typeof KIND];

export interface Header {
  kind: number;
  group: number;
  seq: number;
  tag: number;
  length: number;
}

export function encodeHeader(kind: number, group: number, seq: number, tag: number, length: number): Uint8Array {
  const b = new Uint8Array(HEADER_BYTES);
  const v = new DataView(b.buffer);
  v.setUint32(0, FRAME_MAGIC, true);
  v.setUint8(4, kind);
  v.setUint32(8, group, true);
  v.setUint32(12, seq, true);
  v.setUint32(16, tag, true);
  v.setUint32(20, length, true);
  return b;
}

/** Decodes a header; null when its magic or kind is wrong (a stream that is not ours). */
export function decodeHeader(b: Uint8Array): Header | null {
  const v = new DataView(b.buffer, b.byteOffset, HEADER_BYTES);
  if (v.getUint32(0, true) !== FRAME_MAGIC) return null;
  const kind = v.getUint8(4);
  if (kind < KIND.DESC || kind > KIND.P2P_DATA || v.getUint8(5) || v.getUint16(6, true)) return null;
  return { kind, group: v.getUint32(8, true), seq: v.getUint32(12, true), tag: v.getUint32(16, true), length: v.getUint32(20, true) };
}

/**
 * Handshake, sent by the connecting (higher) rank and answered by the accepting one:
 *   u32 magic "TTSH" | u32 version | u32 rank | u32 world size | 16 bytes token
 * The token is the accepting rank's random token, which only a reader of this job's store
 * knows; the answer carries the same token back.
 */
export function encodeHandshake(rank: number, size: number, token: Uint8Array): Uint8Array {
  const b = new Uint8Array(HANDSHAKE_BYTES);
  const v = new DataView(b.buffer);
  v.setUint32(0, HANDSHAKE_MAGIC, true);
  v.setUint32(4, PROTOCOL_VERSION, true);
  v.setUint32(8, rank, true);
  v.setUint32(12, size, true);
  b.set(token, 16);
  return b;
}

export function decodeHandshake(b: Uint8Array): { rank: number; size: number; token: Uint8Array } | string {
  const v = new DataView(b.buffer, b.byteOffset, HANDSHAKE_BYTES);
  if (v.getUint32(0, true) !== HANDSHAKE_MAGIC) return "not a torch-ts peer (bad handshake magic)";
  const version = v.getUint32(4, true);
  if (version !== PROTOCOL_VERSION) return `protocol version ${version}, expected ${PROTOCOL_VERSION}`;
  return { rank: v.getUint32(8, true), size: v.getUint32(12, true), token: b.slice(16, 32) };
}

/** What a collective looks like on one rank; ranks compare theirs before exchanging data. */
export interface OpDesc {
  op: string;
  dtype: string;
  /** Shape of the tensor (per rank for list-taking collectives). */
  shape: number[];
  /** ReduceOp code, or -1. */
  redop: number;
  /** Root rank (group rank), or -1. */
  root: number;
}

export function describe(d: OpDesc): string {
  return `${d.dtype} [${d.shape.join(", ")}]`;
}

/** Why two ranks' descriptions of one collective disagree, or null when they agree. */
export function mismatch(mine: OpDesc, myRank: number, theirs: OpDesc, theirRank: number): string | null {
  if (mine.op !== theirs.op) return `rank ${theirRank} called ${theirs.op} where rank ${myRank} called ${mine.op}`;
  const what = (d: OpDesc): string => {
    if (d.dtype !== mine.dtype || d.dtype !== theirs.dtype || mine.shape.join() !== theirs.shape.join()) return describe(d);
    if (mine.redop !== theirs.redop) return `reduce op ${d.redop}`;
    return `root ${d.root}`;
  };
  if (mine.dtype === theirs.dtype && mine.shape.join() === theirs.shape.join() && mine.redop === theirs.redop && mine.root === theirs.root) return null;
  return `rank ${theirRank} passed ${what(theirs)}, rank ${myRank} passed ${what(mine)}`;
}
