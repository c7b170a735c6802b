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
  // Area averaging into a 20 x 20 box: each input pixel adds its ink, weighted by the output
  // pixel area it covers (scale^2), to the output pixel holding its centre.
  const box = new Float32Array(20 * 20);
  const ox = (side - (x1 - x0 + 1)) / 2;
  const oy = (side - (y1 - y0 + 1)) / 2;
  for (let y = y0; y <= y1; y++) {
    const by = Math.min(19, Math.floor((y - y0 + oy + 0.5) * scale));
    for (let x = x0; x <= x1; x++) {
      const v = ink[y * width + x]!;
      if (v > 0) box[by * 20 + Math.min(19, Math.floor((x - x0 + ox + 0.5) * scale))]! += v * scale * scale;
    }
  }
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 20; x++) {
      const v = Math.min(1, box[y * 20 + x]!);
      box[y * 20 + x] = v;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  // Shift so that the centre of mass lands on (14, 14), keeping the box inside the image.
  const dx = Math.min(8, Math.max(0, Math.round(14 - mx / mass)));
  const dy = Math.min(8, Math.max(0, Math.round(14 - my / mass)));
  for (let y = 0; y < 20; y++) out.set(box.subarray(y * 20, y * 20 + 20), (y + dy) * 28 + dx);
  return out;
}
