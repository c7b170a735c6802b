"""References for torch.interpret.visualization (test/interpretVisualization.test.ts).

Writes test/fixtures/interpret_visualization.json:
- matplotlib's colour maps as Captum's visualize_image_attr uses them (RdWhGn =
  LinearSegmentedColormap.from_list over red, white, green; Greens, Reds, Blues, gray): the
  256-entry byte tables and cmap(x, bytes=True) at sample points, including the ends;
- Captum's _normalize_attr (captum/attr/_utils/visualization.py: channel sum, threshold at the
  (100 - outlier_perc)% cumulative sum of sorted |values|, divide, clip) computed with numpy on
  float32 [H, W, C] arrays, for every sign;
- the heat-map colours: cmap(Normalize(vmin, vmax)(normalised), bytes=True).

Run with Debian's packages: apt-get install python3-matplotlib; /usr/bin/python3 tools/gen_visualization_fixtures.py
"""
import json
import os

import matplotlib
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, Normalize


def cmap(name):
    if name == "RdWhGn":
        return LinearSegmentedColormap.from_list("RdWhGn", ["red", "white", "green"])
    return matplotlib.colormaps[name]


def threshold(values, percentile):
    """Captum's _cumulative_sum_threshold."""
    s = np.sort(values.flatten())
    c = np.cumsum(s)
    return s[np.where(c >= c[-1] * 0.01 * percentile)[0][0]]


def normalize(attr, sign, outlier_perc):
    """Captum's _normalize_attr with reduction_axis=2."""
    a = np.sum(attr, axis=2)
    if sign == "all":
        t = threshold(np.abs(a), 100.0 - outlier_perc)
    elif sign == "positive":
        a = (a > 0) * a
        t = threshold(a, 100.0 - outlier_perc)
    elif sign == "negative":
        a = (a < 0) * a
        t = -1 * threshold(np.abs(a), 100.0 - outlier_perc)
    else:
        a = np.abs(a)
        t = threshold(a, 100.0 - outlier_perc)
    return np.clip(a / t, -1, 1)


xs = np.concatenate([np.linspace(0, 1, 1001), [-0.5, -1e-9, 1.0, 1 + 1e-9, 2.0, 255 / 256, 255.5 / 256, 1 / 256, 0.5]])
maps = {}
for name in ("RdWhGn", "Greens", "Reds", "Blues", "gray"):
    c = cmap(name)
    c._init()
    maps[name] = {
        "lut": (c._lut[:256, :3] * 255).astype(np.uint8).reshape(-1).tolist(),
        "x": xs.tolist(),
        "rgb": c(xs, bytes=True)[:, :3].reshape(-1).tolist(),
    }

rng = np.random.default_rng(0)
norms = []
for shape in ((7, 9, 1), (6, 5, 3)):
    attr = rng.standard_normal(shape).astype(np.float32) * np.float32(0.3)
    for sign in ("all", "positive", "negative", "absolute_value"):
        for perc in (2, 10):
            n = normalize(attr, sign, perc)
            vmin, vmax = (-1, 1) if sign == "all" else (0, 1)
            default = {"all": "RdWhGn", "positive": "Greens", "negative": "Reds", "absolute_value": "Blues"}[sign]
            rgb = cmap(default)(Normalize(vmin, vmax)(n), bytes=True)[..., :3]
            norms.append({
                "shape": list(shape), "attr": attr.reshape(-1).tolist(), "sign": sign, "outlierPerc": perc,
                "normalized": n.reshape(-1).tolist(), "rgb": rgb.reshape(-1).tolist(),
            })

out = {"matplotlib": matplotlib.__version__, "numpy": np.__version__, "colormaps": maps, "normalize": norms}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "interpret_visualization.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path, os.path.getsize(path) // 1024, "KiB")
