// TFRecord framing, as TensorBoard reads event files (tensorboard/summary/writer/record_writer.py):
//
//   uint64 length (little-endian) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
//
// CRC-32C is the Castagnoli polynomial (reflected 0x82F63B78); the mask is
// ((crc >>> 15) | (crc << 17)) + 0xa282ead8, as TensorFlow's crc32c::Mask.
import { makeCrc32 } from "../../crc.ts";

export const crc32c = makeCrc32(0x82f63b78);

export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One record: the framed bytes of `data`. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
