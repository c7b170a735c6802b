// demo/preprocess.ts: a drawing turned into an MNIST-style 28 x 28 digit. MNIST's digits are
// already size-normalized and centred that way, so a held-out digit drawn 10x larger, off
// centre, must come back normalized the same way (and as it was when its ink is 20 pixels wide); and the demo's digits file must round-trip.
import assert from "node:assert/strict";
import { test } from "node:test";
import { splitDigits } from "../examples/mnist.ts";
import { decodeDigits, encodeDigits } from "../demo/digits.ts";
import { toMnist } from "../demo/preprocess.ts";
import type * as torch from "../src/index.ts";

/** A 28 x 28 image drawn `k` times larger (each pixel a k x k square) at (ox, oy) on a w x w canvas. */
function enlarge(img: Float32Array, k: number, w: number, ox: number, oy: number): Float32Array {
  const out = new Float32Array(w * w);
  for (let y = 0; y < 28 * k; y++) for (let x = 0; x < 28 * k; x++) out[(y + oy) * w + x + ox] = img[Math.floor(y / k) * 28 + Math.floor(x / k)]!;
  return out;
}

/** The side of the ink's bounding box (its longer one) and the ink's centre of mass (pixel centres at +0.5). */
function inkBox(img: Float32Array): { side: number; cx: number; cy: number } {
  let [x0, y0, x1, y1, mass, mx, my] = [28, 28, -1, -1, 0, 0, 0];
  img.forEach((v, i) => {
    if (v <= 0) return;
    const [x, y] = [i % 28, Math.floor(i / 28)];
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    mass += v;
    mx += v * (x + 0.5);
    my += v * (y + 0.5);
  });
  return { side: Math.max(x1 - x0 + 1, y1 - y0 + 1), cx: mx / mass, cy: my / mass };
}

test("toMnist normalizes held-out digits drawn 10x larger and off centre as MNIST did", () => {
  const { test: heldOut } = splitDigits(42);
  let exact = 0;
  for (let i = 0; i < 30; i++) {
    const img = (heldOut.getItem(i) as torch.Tensor[])[0]!.contiguousData() as Float32Array;
    const back = toMnist(enlarge(img, 10, 400, 37 + 3 * i, 91 - 2 * i), 400, 400);
    assert.equal(back.length, 784);
    assert.ok(Math.max(...back) <= 1 && Math.min(...back) >= 0);
    const box = inkBox(back);
    // the longer side of the ink fills 20 pixels; the centre of mass is within half a pixel of pixel (14, 14)'s centre
    assert.equal(box.side, 20, `digit ${i}: ink ${box.side} pixels wide`);
    assert.ok(Math.abs(box.cx - 14.5) <= 0.5 && Math.abs(box.cy - 14.5) <= 0.5, `digit ${i}: centre of mass (${box.cx}, ${box.cy})`);
    // MNIST's digits are 20 pixels on their longer side: each is averaged back to itself
    if (inkBox(img).side === 20) {
      exact++;
      assert.ok(back.every((v, j) => Math.abs(v - img[j]!) < 1e-5), `digit ${i} comes back as it was`);
    }
  }
  assert.equal(exact, 30);
});

test("toMnist: no ink gives zeros; ink smaller than 20 x 20 is centred, not enlarged", () => {
  assert.deepEqual(Array.from(toMnist(new Float32Array(100 * 100), 100, 100)), new Array(784).fill(0));
  const dot = new Float32Array(100 * 100);
  for (let y = 3; y < 6; y++) for (let x = 90; x < 93; x++) dot[y * 100 + x] = 1;
  const out = toMnist(dot, 100, 100);
  const inked = [...out.keys()].filter((i) => out[i]! > 0);
  // 3 x 3 pixels of ink stay 3 x 3 pixels of full ink around pixel (14, 14)
  assert.deepEqual(inked.map((i) => [i % 28, Math.floor(i / 28)]), [13, 14, 15].flatMap((y) => [13, 14, 15].map((x) => [x, y])));
  assert.deepEqual(inked.map((i) => out[i]), new Array(9).fill(1));
});

test("the demo's digits file round-trips, and a wrong length says so", () => {
  const train = { pixels: Uint8Array.from({ length: 2 * 784 }, (_, i) => i % 256), labels: Uint8Array.of(3, 9) };
  const held = { pixels: Uint8Array.from({ length: 784 }, (_, i) => (7 * i) % 256), labels: Uint8Array.of(0) };
  const bytes = encodeDigits(train, held);
  assert.equal(bytes.length, 8 + 3 * 785);
  const back = decodeDigits(bytes);
  assert.deepEqual([back.train.pixels, back.train.labels, back.test.pixels, back.test.labels], [train.pixels, train.labels, held.pixels, held.labels]);
  assert.throws(() => decodeDigits(bytes.subarray(0, bytes.length - 1)), /digits.bin: 2362 bytes do not hold 2 \+ 1 digits/);
});
