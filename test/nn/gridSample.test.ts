// F.affineGrid and F.gridSample beyond their fixtures (nn_functional.json and nn_errors.json from
// real PyTorch): the identity transform reproduces the input, PyTorch's align_corners=None
// warning, and bicubic's refusal.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { F } = torch;

test("the identity affine grid samples every pixel at its centre: the input comes back", () => {
  const x = torch.randn([2, 3, 4, 5], { dtype: "float64" });
  const eye = torch.tensor([[[1, 0, 0], [0, 1, 0]]], { dtype: "float64" }).expand([2, 2, 3]);
  for (const alignCorners of [false, true]) {
    for (const mode of ["bilinear", "nearest"] as const) {
      const y = F.gridSample(x, F.affineGrid(eye, [2, 3, 4, 5], { alignCorners }), { mode, alignCorners });
      assert.ok(y.sub(x).abs().max().item() < 1e-12, `alignCorners=${alignCorners} ${mode}`);
    }
  }
});

test("align_corners left unset is false, with PyTorch's warning once", () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  let a: torch.Tensor, b: torch.Tensor;
  try {
    const theta = torch.randn([1, 2, 3]);
    a = F.affineGrid(theta, [1, 1, 3, 3]);
    b = F.gridSample(torch.randn([1, 1, 3, 3]), a);
    F.gridSample(torch.randn([1, 1, 3, 3]), a);
    assert.deepEqual(a.tolist(), F.affineGrid(theta, [1, 1, 3, 3], false).tolist());
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(b.shape, [1, 1, 3, 3]);
  assert.deepEqual(warnings, ["UserWarning: Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for details."]);
});

test("mode='bicubic' on 4-D input is refused as not implemented (PyTorch has it; torch-ts has bilinear and nearest)", () => {
  assert.throws(() => F.gridSample(torch.randn([1, 1, 3, 3]), torch.rand([1, 2, 2, 2]), { mode: "bicubic", alignCorners: false }), {
    name: "NotImplementedError",
    message: "grid_sample: mode='bicubic' is not implemented in torch-ts ('bilinear' and 'nearest' are)",
  });
});

test("hostile arguments: a 0-dim input or grid (PyTorch's IndexError), a size that is not a list", () => {
  assert.throws(() => F.gridSample(torch.tensor(1), torch.tensor(1)), { name: "IndexError", message: "Dimension specified as 0 but tensor has no dimensions" });
  assert.throws(() => F.gridSample(torch.randn([1, 1, 2, 2]), torch.tensor(1)), { name: "IndexError" });
  assert.throws(() => F.affineGrid(torch.zeros([1, 2, 3]), "1,1,2,2" as never, false), { name: "TypeError", message: `affineGrid(): argument 'size' must be a list of integers, but got string "1,1,2,2"` });
});
