// The stated bounds of one load. Every allocation whose size comes from the file is charged
// here BEFORE it is made, so a hostile file is refused with a CheckpointLimitError instead of
// exhausting memory. What is charged (docs/CHECKPOINTS.md, "Limits"):
//   - tensor storages, at their byte size (inflated zip records at their declared size);
//   - float16/bfloat16 widening and views materialised for an adapter without view support;
//   - bookkeeping per decoded object: OBJECT_BYTES per pickle or JSON container,
//     TENSOR_BYTES per safetensors tensor, SLOT_BYTES per reference held (stack slot, list
//     element, dict item), and the length of every string or bytes value.
// The charges are set above V8's measured footprint (the hostile-input fuzz test checks the
// process's peak memory against the cap), so a load's peak memory stays below maxBytes plus
// the input itself and a constant.

import { CheckpointLimitError } from "./errors.ts";

/**
 * Default maxBytes: 1 GiB, or 8 times the file's size for larger files (room for a storage
 * copy plus its widening: float16 -> float32 doubles it, int8 -> int32 quadruples it).
 */
export const DEFAULT_MAX_BYTES_FLOOR = 2 ** 30;
export const DEFAULT_MAX_BYTES_PER_FILE_BYTE = 8;
/**
 * Charged per container a file decodes to (pickle list/dict/tuple, JSON object/array): the
 * V8 object with its backing store, and the JavaScript value it is converted to.
 */
export const OBJECT_BYTES = 512;
/** Charged per reference held: an unpickler stack slot, memo entry, list element or dict item. */
export const SLOT_BYTES = 96;
/** Charged per safetensors tensor on top of its data: its records, typed array and Tensor object. */
export const TENSOR_BYTES = 2048;

export function defaultMaxBytes(fileBytes: number): number {
  return Math.max(DEFAULT_MAX_BYTES_FLOOR, DEFAULT_MAX_BYTES_PER_FILE_BYTE * fileBytes);
}

/** A running total of what one load has allocated, against its cap. */
export class Budget {
  used = 0;
  constructor(readonly maxBytes: number) {}

  /** Charges `bytes` for `what` (a description, or a function making one only on failure). */
  charge(bytes: number, what: string | (() => string)): void {
    const total = this.used + bytes;
    if (!(total <= this.maxBytes)) {
      const desc = typeof what === "string" ? what : what();
      throw new CheckpointLimitError(
        `loading needs more than maxBytes = ${this.maxBytes} bytes: ${desc} (${bytes} bytes) would bring the total to ${total}. ` +
          "If you trust this file, pass a larger { maxBytes } to load / loadFromBuffer",
      );
    }
    this.used = total;
  }
}

/** A budget that never refuses (the format-layer functions' default when called directly). */
export const unlimited = (): Budget => new Budget(Infinity);

/** Validates a caller's maxBytes option. */
export function checkMaxBytes(v: unknown): number {
  if (typeof v !== "number" || Number.isNaN(v) || v < 0 || (!Number.isInteger(v) && v !== Infinity))
    throw new TypeError(`maxBytes must be a non-negative integer or Infinity, got ${typeof v === "number" ? v : typeof v}`);
  return v;
}
