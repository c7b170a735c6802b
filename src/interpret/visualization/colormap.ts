// The colour maps Captum's visualize_image_attr uses, built as matplotlib builds them
// (LinearSegmentedColormap.from_list over evenly spaced colours, a 256-entry lookup table by
// matplotlib's _create_lookup_table) and looked up as matplotlib's Colormap.__call__ with
// bytes=True: index floor(x * 256) clipped to [0, 255], channel = floor(lut * 255).
import { ValueError } from "../../errors.ts";

/** A color: red, green and blue, each 0 to 255. */
export type Rgb = [number, number, number];

// ColorBrewer's 9-class sequential schemes, as matplotlib's _cm.py writes them (its decimals,
// which are not always the nearest doubles to the hex colours / 255, and the bytes show it)
const SCHEMES: Record<string, Rgb[]> = {
  Greens: [
    [0.9686274509803922, 0.9882352941176471, 0.9607843137254902],
    [0.8980392156862745, 0.9607843137254902, 0.8784313725490196],
    [0.7803921568627451, 0.9137254901960784, 0.7529411764705882],
    [0.6313725490196078, 0.8509803921568627, 0.6078431372549019],
    [0.4549019607843137, 0.7686274509803922, 0.4627450980392157],
    [0.2549019607843137, 0.6705882352941176, 0.36470588235294116],
    [0.13725490196078433, 0.5450980392156862, 0.27058823529411763],
    [0.0, 0.42745098039215684, 0.17254901960784313],
    [0.0, 0.26666666666666666, 0.10588235294117647],
  ],
  Reds: [
    [1.0, 0.9607843137254902, 0.9411764705882353],
    [0.996078431372549, 0.8784313725490196, 0.8235294117647058],
    [0.9882352941176471, 0.7333333333333333, 0.6313725490196078],
    [0.9882352941176471, 0.5725490196078431, 0.4470588235294118],
    [0.984313725490196, 0.41568627450980394, 0.2901960784313726],
    [0.9372549019607843, 0.23137254901960785, 0.17254901960784313],
    [0.796078431372549, 0.09411764705882353, 0.11372549019607843],
    [0.6470588235294118, 0.058823529411764705, 0.08235294117647057],
    [0.403921568627451, 0.0, 0.05098039215686274],
  ],
  Blues: [
    [0.9686274509803922, 0.984313725490196, 1.0],
    [0.8705882352941177, 0.9215686274509803, 0.9686274509803922],
    [0.7764705882352941, 0.8588235294117647, 0.9372549019607843],
    [0.6196078431372549, 0.792156862745098, 0.8823529411764706],
    [0.4196078431372549, 0.6823529411764706, 0.8392156862745098],
    [0.25882352941176473, 0.5725490196078431, 0.7764705882352941],
    [0.12941176470588237, 0.44313725490196076, 0.7098039215686275],
    [0.03137254901960784, 0.3176470588235294, 0.611764705882353],
    [0.03137254901960784, 0.18823529411764706, 0.4196078431372549],
  ],
  gray: [[0, 0, 0], [1, 1, 1]],
  // Captum's diverging default for signed attributions: from_list("RdWhGn", ["red", "white", "green"])
  RdWhGn: [[1, 0, 0], [1, 1, 1], [0, 128 / 255, 0]],
};

export const COLORMAPS = Object.keys(SCHEMES);

/** numpy.linspace(0, 1, n) as numpy computes it: i * (1 / (n - 1)), the last one exactly 1. */
function linspace01(n: number): number[] {
  const step = 1 / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? 1 : i * step));
}

/** matplotlib's _create_lookup_table for one channel given at evenly spaced positions. */
function lookupTable(n: number, values: readonly number[]): Float64Array {
  const x = linspace01(values.length).map((p) => p * (n - 1));
  const xind = linspace01(n).map((p) => (n - 1) * p);
  const lut = new Float64Array(n);
  lut[0] = values[0]!;
  lut[n - 1] = values[values.length - 1]!;
  for (let i = 1; i < n - 1; i++) {
    let ind = 0;
    while (ind < x.length && x[ind]! < xind[i]!) ind++; // numpy.searchsorted, side="left"
    const distance = (xind[i]! - x[ind - 1]!) / (x[ind]! - x[ind - 1]!);
    lut[i] = Math.min(1, Math.max(0, distance * (values[ind]! - values[ind - 1]!) + values[ind - 1]!));
  }
  return lut;
}

export interface Colormap {
  name: string;
  /** 256 x RGB bytes. */
  lut: Uint8Array;
}

const cache = new Map<string, Colormap>();

export function getColormap(name: string): Colormap {
  const hit = cache.get(name);
  if (hit) return hit;
  const colors = SCHEMES[name];
  if (!colors) throw new ValueError(`'${name}' is not a valid value for cmap; supported values are ${COLORMAPS.map((c) => `'${c}'`).join(", ")}`);
  const lut = new Uint8Array(256 * 3);
  for (let c = 0; c < 3; c++) {
    const t = lookupTable(256, colors.map((rgb) => rgb[c]!));
    for (let i = 0; i < 256; i++) lut[i * 3 + c] = Math.floor(t[i]! * 255);
  }
  const cmap = { name, lut };
  cache.set(name, cmap);
  return cmap;
}

/** The colour of a value already normalised to [0, 1] (matplotlib's index rule; NaN maps to null). */
export function colorAt(cmap: Colormap, x: number): Rgb | null {
  if (Number.isNaN(x)) return null;
  let i = x * 256;
  if (i < 0) i = 0;
  else if (i >= 256) i = 255;
  i = Math.floor(i);
  return [cmap.lut[i * 3]!, cmap.lut[i * 3 + 1]!, cmap.lut[i * 3 + 2]!];
}
