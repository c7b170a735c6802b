// torch.interpret.visualization against matplotlib's colour maps and Captum's normalisation
// (tools/gen_visualization_fixtures.py) and Captum's HTML for token attributions.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { decode } from "fast-png";
import * as torch from "../src/index.ts";

const vis = torch.interpret.visualization;
const fx = JSON.parse(readFileSync(new URL("./fixtures/interpret_visualization.json", import.meta.url), "utf8"));

test("colour maps are matplotlib's: byte tables and lookups (ends, out of range)", () => {
  for (const [name, m] of Object.entries(fx.colormaps as Record<string, { lut: number[]; x: number[]; rgb: number[] }>)) {
    const cmap = vis.getColormap(name);
    assert.deepEqual([...cmap.lut], m.lut, name);
    m.x.forEach((x, i) => assert.deepEqual(vis.colorAt(cmap, x), m.rgb.slice(i * 3, i * 3 + 3), `${name}(${x})`));
  }
  assert.throws(() => vis.getColormap("viridis"), { name: "ValueError", message: /'viridis' is not a valid value for cmap/ });
});

test("normalisation and heat-map colours are Captum's (_normalize_attr, default colour maps)", () => {
  for (const c of fx.normalize as Array<{ shape: number[]; attr: number[]; sign: "all"; outlierPerc: number; normalized: number[]; rgb: number[] }>) {
    const attr = torch.tensor(c.attr).reshape(c.shape);
    const n = vis.normalizeImageAttr(attr, c.sign, c.outlierPerc);
    assert.deepEqual([...n.values], c.normalized, `${c.sign} ${c.outlierPerc} ${c.shape}`);
    const fig = vis.visualizeImageAttr(attr, null, "heat_map", c.sign, { outlierPerc: c.outlierPerc });
    assert.equal(fig.width, c.shape[1]);
    assert.equal(fig.height, c.shape[0]);
    const rgb = [...fig.data].filter((_, i) => i % 4 !== 3);
    assert.deepEqual(rgb, c.rgb, `${c.sign} colours`);
  }
});

test("blended_heat_map, masked_image, alpha_scaling and original_image follow Captum's formulas", () => {
  const attr = torch.tensor([[0.5, -1], [2, 0]]).reshape(2, 2, 1);
  const img = torch.tensor([[0.2, 0.4], [1, 0]]).reshape(2, 2, 1);
  // absolute_value with outlierPerc 0: threshold = 2, so the normalised map is [0.25, 0.5, 1, 0]
  const n = vis.normalizeImageAttr(attr, "absolute_value", 0);
  assert.deepEqual([...n.values], [0.25, 0.5, 1, 0]);
  const pixels = (f: torch.interpret.visualization.Figure) => [...f.data];
  // the image as Captum prepares it: max <= 1, so int(v * 255): 51, 102, 255, 0
  assert.deepEqual(pixels(vis.visualizeImageAttr(attr, img, "original_image")), [51, 51, 51, 255, 102, 102, 102, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
  assert.deepEqual(pixels(vis.visualizeImageAttr(attr, img, "masked_image", "absolute_value", { outlierPerc: 0 })), [12, 12, 12, 255, 51, 51, 51, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
  assert.deepEqual(pixels(vis.visualizeImageAttr(attr, img, "alpha_scaling", "absolute_value", { outlierPerc: 0 })), [51, 51, 51, 63, 102, 102, 102, 127, 255, 255, 255, 255, 0, 0, 0, 0]);
  // blended: grey scaled to the image's own range (imshow), the heat map at alpha 0.5 over it
  const blues = vis.getColormap("Blues");
  const grey = [51 / 255, 102 / 255, 1, 0].map((v) => vis.colorAt(vis.getColormap("gray"), v)![0]);
  const heat = [0.25, 0.5, 1, 0].map((v) => vis.colorAt(blues, v)!);
  const want = heat.flatMap((h, p) => [...h.map((v) => Math.round(0.5 * v + 0.5 * grey[p]!)), 255]);
  assert.deepEqual(pixels(vis.visualizeImageAttr(attr, img, "blended_heat_map", "absolute_value", { outlierPerc: 0 })), want);
  assert.throws(() => vis.visualizeImageAttr(attr, img, "masked_image", "all"), { name: "AssertionError", message: /Cannot display masked image with both positive and negative/ });
  assert.throws(() => vis.visualizeImageAttr(attr, null, "blended_heat_map"), { name: "ValueError", message: /Original Image must be provided/ });
  assert.throws(() => vis.visualizeImageAttr(attr, { sign: "both" as never }), { name: "ValueError" });
  assert.throws(() => vis.visualizeImageAttr(attr, { method: "heat_map", cmaps: "x" } as never), { name: "TypeError", message: /unexpected keyword argument 'cmaps'/ });
});

test("a figure becomes a PNG (fast-png) with its pixels, an SVG of runs, and grids of figures", async () => {
  const attr = torch.tensor([[0.5, -1, -1], [2, 0, 0]]).reshape(2, 3, 1);
  const fig = vis.visualizeImageAttr(attr, { sign: "all", outlierPerc: 0, title: "a <title>", showColorbar: true });
  const png = decode(await fig.scaled(3).toPNG());
  assert.deepEqual([png.width, png.height, png.channels, png.depth], [9, 6, 4, 8]);
  const big = fig.scaled(3).data;
  assert.deepEqual([...png.data], [...big]);
  assert.deepEqual([...big.subarray(0, 4)], [...fig.data.subarray(0, 4)]);
  const svg = fig.toSVG({ scale: 5 });
  // row 0: [0.25, -0.5, -0.5] -> two runs; row 1: [1, 0, 0] -> two runs
  assert.equal(svg.match(/height="5" fill="#/g)!.length, 4);
  assert.match(svg, /<rect x="5" y="20" width="10" height="5" fill="#/);
  assert.match(svg, /a &lt;title&gt;/);
  assert.match(svg, /<linearGradient id="cbar">/);
  const grid = vis.Figure.grid([[fig, null], [fig, fig]], { gap: 1 });
  assert.deepEqual([grid.width, grid.height], [3 * 2 + 3, 2 * 2 + 3]);
  // the bottom-right cell starts at (1 + 3 + 1, 1 + 2 + 1)
  assert.deepEqual([...grid.data.subarray((4 * grid.width + 5) * 4, (4 * grid.width + 5) * 4 + 4)], [...fig.data.subarray(0, 4)]);
  assert.deepEqual([...grid.data.subarray((1 * grid.width + 5) * 4, (1 * grid.width + 5) * 4 + 4)], [255, 255, 255, 255]);
  const multi = vis.visualizeImageAttrMultiple(attr, attr.abs(), ["heat_map", "masked_image"], ["all", "absolute_value"], { titles: ["a", "b"] });
  assert.equal(multi.width, 3 * 2 + 2 * 3);
});

test("token attributions as Captum's HTML", () => {
  const R = vis.VisualizationDataRecord;
  const recs = [
    new R(torch.tensor([0.8, -0.25, 0.0, 1.7]), 0.875, 1, 1, 1, 0.125, ["great", "<pad>", "movie", "!"], 0.01),
    new R([-0.6, 0.3], 0.4, "neg", "pos", "neg", -1.005, ["not", "good"], 0.0),
  ];
  // printed by Captum's visualize_text (captum/attr/_utils/visualization.py, pytorch/captum@faac0877)
  // for these records: tools cannot run Captum, so its output is kept here
  const mark = (color: string, word: string) => `<mark style="background-color: ${color}; opacity:1.0;                     line-height:1.75"><font color="black"> ${word}                    </font></mark>`;
  const cls = (v: string) => `<td><text style="padding-right:2em"><b>${v}</b></text></td>`;
  const head = "<tr><th>True Label</th><th>Predicted Label</th><th>Attribution Label</th><th>Attribution Score</th><th>Word Importance</th>";
  const row2 = `<tr>${cls("pos")}${cls("neg (0.40)")}${cls("neg")}${cls("-1.00")}<td>${mark("hsl(0, 75%, 76%)", "not")}${mark("hsl(120, 75%, 85%)", "good")}</td><tr>`;
  const row1 = `<tr>${cls("1")}${cls("1 (0.88)")}${cls("1")}${cls("0.12")}<td>${mark("hsl(120, 75%, 60%)", "great")}${mark("hsl(0, 75%, 90%)", "#pad")}${mark("hsl(0, 75%, 100%)", "movie")}${mark("hsl(120, 75%, 50%)", "!")}</td><tr>`;
  const swatch = (c: string, l: string) => `<span style="display: inline-block; width: 10px; height: 10px;                 border: 1px solid; background-color:                 ${c}"></span> ${l}  `;
  const legend = `<div style="border-top: 1px solid; margin-top: 5px;             padding-top: 5px; display: inline-block"><b>Legend: </b>${swatch("hsl(0, 75%, 60%)", "Negative")}${swatch("hsl(0, 75%, 100%)", "Neutral")}${swatch("hsl(120, 75%, 50%)", "Positive")}</div>`;
  assert.equal(vis.visualizeText(recs), `<table width: 100%>${legend}${head}${row1}${row2}</table>`);
  assert.equal(vis.visualizeText(recs.slice(1), false), `<table width: 100%>${head}${row2}</table>`);
  assert.equal(vis.formatWordImportances(["a"], []), "<td></td>");
  assert.throws(() => vis.formatWordImportances(["a", "b"], [1]), { name: "AssertionError" });
});
