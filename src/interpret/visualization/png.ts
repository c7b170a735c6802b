// PNG encoding through the optional package fast-png (pure JavaScript, so the same in Node
// and the browser), loaded on first use.
import { RuntimeError } from "../../errors.ts";

interface FastPng {
  encode(png: { width: number; height: number; data: Uint8Array | Uint8ClampedArray; channels?: number; depth?: number }): Uint8Array;
}

let loaded: Promise<FastPng | null> | undefined;

function loadFastPng(): Promise<FastPng | null> {
  loaded ??= import("fast-png").then(
    (m) => m as unknown as FastPng,
    () => null,
  );
  return loaded;
}

/** 8-bit RGBA pixels as PNG file bytes. */
export async function encodePng(width: number, height: number, rgba: Uint8ClampedArray): Promise<Uint8Array> {
  const png = await loadFastPng();
  if (png === null) throw new RuntimeError("writing PNG needs the optional package fast-png (npm install fast-png); Figure.toSVG() needs nothing");
  return png.encode({ width, height, data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength), channels: 4, depth: 8 });
}
