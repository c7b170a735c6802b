// Table-driven reflected CRC-32s: the ZIP/gzip one (polynomial 0xEDB88320, checkpoints) and
// CRC-32C (Castagnoli, 0x82F63B78, TensorBoard's record framing). Slicing-by-8: eight tables,
// T[k][b] the CRC of byte b followed by k zero bytes, so a step consumes eight bytes.

/** The CRC-32 function of a reflected polynomial (initial value and final xor all ones). */
export function makeCrc32(poly: number): (bytes: Uint8Array) => number {
  const T = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
    T[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) for (let k = 1; k < 8; k++) T[k * 256 + n] = (T[(k - 1) * 256 + n]! >>> 8) ^ T[T[(k - 1) * 256 + n]! & 0xff]!;
  return (bytes) => {
    let c = 0xffffffff;
    let i = 0;
    for (const end = bytes.length - 8; i <= end; i += 8) {
      const a = c ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
      c =
        T[1792 + (a & 0xff)]! ^ T[1536 + ((a >>> 8) & 0xff)]! ^ T[1280 + ((a >>> 16) & 0xff)]! ^ T[1024 + (a >>> 24)]! ^
        T[768 + bytes[i + 4]!]! ^ T[512 + bytes[i + 5]!]! ^ T[256 + bytes[i + 6]!]! ^ T[bytes[i + 7]!]!;
    }
    for (; i < bytes.length; i++) c = T[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
}
