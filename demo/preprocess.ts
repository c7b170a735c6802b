// A drawing as MNIST's digits were made (LeCun et al.): the ink's bounding box scaled to fit
// 20 x 20 (aspect kept, ink averaged over the area each output pixel covers), placed in a
// 28 x 28 image so that the ink's centre of mass is at the centre.

/**
 * `ink`: width x height values in 0..1 (row-major). Returns 784 values in 0..1, all zero when
 * there is no ink.
 */
export function toMnist(ink: Float32Array, width: number, height: number): Float32Array {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  const out = new Float32Array(28 * 28);
  if (x1 < 0) return out;
  // ink smaller than 20 x 20 pixels is centred, not enlarged
  const side = Math.max(x1 - x0 + 1, y1 - y0 + 1, 20);
  const scale = 20 / side; // output pixels per input pixel, <= 1
  // Area averaging into a box of at most 20 x 20: each input pixel adds its ink, weighted by
  // the output pixel area it covers (scale^2), to the output pixel holding its centre.
  const bw = Math.ceil((x1 - x0 + 1) * scale - 1e-9);
  const bh = Math.ceil((y1 - y0 + 1) * scale - 1e-9);
  const box = new Float32Array(bw * bh);
  for (let y = y0; y <= y1; y++) {
    const by = Math.min(bh - 1, Math.floor((y - y0 + 0.5) * scale));
    for (let x = x0; x <= x1; x++) {
      const v = ink[y * width + x]!;
      if (v > 0) box[by * bw + Math.min(bw - 1, Math.floor((x - x0 + 0.5) * scale))]! += v * scale * scale;
    }
  }
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const v = Math.min(1, box[y * bw + x]!);
      box[y * bw + x] = v;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  // Shift by whole pixels so that the centre of mass lands nearest pixel (14, 14)'s centre,
  // (14.5, 14.5) here, where MNIST's digits have it (their centres of mass, pixel centres at
  // +0.5, lie in 14..15), keeping the box inside the image.
  const dx = Math.min(28 - bw, Math.max(0, Math.round(14.5 - mx / mass)));
  const dy = Math.min(28 - bh, Math.max(0, Math.round(14.5 - my / mass)));
  for (let y = 0; y < bh; y++) out.set(box.subarray(y * bw, y * bw + bw), (y + dy) * 28 + dx);
  return out;
}
