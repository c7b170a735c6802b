#!/usr/bin/python3
"""Checkpoint fixtures for test/serialization*.test.ts, made with real PyTorch.

    /usr/bin/python3 tools/gen_checkpoint_fixtures.py            # (re)write the fixtures
    /usr/bin/python3 tools/gen_checkpoint_fixtures.py hostile    # only test/fixtures/checkpoints/hostile/
    /usr/bin/python3 tools/gen_checkpoint_fixtures.py check-views FILE EXPECTED.json
    /usr/bin/python3 tools/gen_checkpoint_fixtures.py check-safetensors FILE EXPECTED.json
    /usr/bin/python3 tools/gen_checkpoint_fixtures.py check-pt FILE EXPECTED.json [floats]

The two check modes verify files written by torch-ts (the TS tests call them when
/usr/bin/python3 exists): check-safetensors with a reader written here from the format
spec (struct + json, no safetensors package), check-pt with torch.load(weights_only=True)
and plain torch.load. With "floats", weights_only=True is required only from torch 2.0 on:
torch 1.13's weights_only unpickler has no BINFLOAT opcode, so it cannot read any pickled
Python float (an optimizer's lr), not even from files torch 1.13 itself wrote.
EXPECTED.json maps tensor names to {"dtype", "shape", "values"} (int64 values as strings,
float16/bfloat16 as raw uint16 bits).
"""
import json
import math
import os
import struct
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "checkpoints")

# safetensors dtype code -> (struct format char, item size)
ST_DTYPES = {
    "F64": ("d", 8), "F32": ("f", 4), "F16": ("H", 2), "BF16": ("H", 2),
    "I64": ("q", 8), "I32": ("i", 4), "U8": ("B", 1), "I8": ("b", 1), "BOOL": ("?", 1),
}
ST_TO_TORCH_NAME = {"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16",
                    "I64": "int64", "I32": "int32", "U8": "uint8", "I8": "int8", "BOOL": "bool"}


def read_safetensors_spec(path):
    """A safetensors reader written from the spec, validating as strictly as the reference."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 8:
        raise ValueError("file too small")
    (n,) = struct.unpack("<Q", buf[:8])
    if 8 + n > len(buf):
        raise ValueError("header length beyond file")
    if n % 8 != 0:
        raise ValueError("header length %d is not a multiple of 8 (the reference writer pads)" % n)
    text = buf[8:8 + n].decode("utf-8")
    if text != text.rstrip(" ") + " " * (len(text) - len(text.rstrip(" "))):
        raise ValueError("bad padding")
    header = json.loads(text)
    meta = header.pop("__metadata__", {})
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()), "metadata must be str->str"
    data = buf[8 + n:]
    pos = 0
    out = {}
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        b, e = info["data_offsets"]
        if b != pos:
            raise ValueError("%s: offsets not contiguous" % name)
        fmt, size = ST_DTYPES[info["dtype"]]
        numel = math.prod(info["shape"])
        if e - b != numel * size:
            raise ValueError("%s: byte length mismatch" % name)
        if b % size != 0:
            raise ValueError("%s: data not aligned to its item size" % name)
        vals = list(struct.unpack("<%d%s" % (numel, fmt), data[b:e]))
        out[name] = {"dtype": ST_TO_TORCH_NAME[info["dtype"]], "shape": info["shape"], "values": vals}
        pos = e
    if pos != len(data):
        raise ValueError("data buffer not fully covered")
    return out, meta


def jsonable(o):
    """JSON has no inf/nan: write them as the strings "Infinity", "-Infinity", "NaN"."""
    if isinstance(o, float) and not math.isfinite(o):
        return "NaN" if math.isnan(o) else ("Infinity" if o > 0 else "-Infinity")
    if isinstance(o, dict):
        return {k: jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [jsonable(v) for v in o]
    return o


def normalize_expected(entry):
    vals = entry["values"]
    if entry["dtype"] in ("float32", "float64"):
        vals = [float(v) for v in vals]  # accepts "NaN", "Infinity", "-0"
    if entry["dtype"] == "int64":
        vals = [int(v) for v in vals]
    if entry["dtype"] == "bool":
        vals = [bool(v) for v in vals]
    return {"dtype": entry["dtype"], "shape": list(entry["shape"]), "values": vals}


def same_values(dtype, got, want):
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if dtype in ("float32", "float64") and isinstance(w, float) and math.isnan(w):
            if not math.isnan(g):
                return False
        elif g != w or (isinstance(w, float) and math.copysign(1, g) != math.copysign(1, w)):
            return False
    return True


def check_safetensors(path, expected_path):
    with open(expected_path) as f:
        expected = json.load(f)
    got, meta = read_safetensors_spec(path)
    want_t = expected["tensors"]
    if sorted(got) != sorted(want_t):
        fail("tensor names differ: %s vs %s" % (sorted(got), sorted(want_t)))
    for name, w in want_t.items():
        w = normalize_expected(w)
        g = got[name]
        if g["dtype"] != w["dtype"] or g["shape"] != w["shape"] or not same_values(w["dtype"], g["values"], w["values"]):
            fail("tensor %s differs: got %s, want %s" % (name, g, w))
    if meta != expected.get("metadata", {}):
        fail("metadata differs: %s vs %s" % (meta, expected.get("metadata")))
    print("OK safetensors %d tensors" % len(got))


def tensor_entry(t):
    import torch
    t = t.detach().contiguous()
    dtype = str(t.dtype).replace("torch.", "")
    if dtype in ("float16", "bfloat16"):
        vals = t.view(torch.int16).flatten().tolist()
        vals = [v & 0xFFFF for v in vals]
    elif dtype == "int64":
        vals = [str(v) for v in t.flatten().tolist()]
    else:
        vals = t.flatten().tolist()
    return {"dtype": dtype, "shape": list(t.shape), "values": vals}


def check_pt(path, expected_path, has_floats):
    import torch
    with open(expected_path) as f:
        expected = json.load(f)
    loaded = [torch.load(path)]
    try:
        loaded.append(torch.load(path, weights_only=True))
        print("weights_only=True: loaded")
    except Exception as e:  # noqa: BLE001
        old = int(torch.__version__.split(".")[0]) < 2
        if not (has_floats and old and "Unsupported operand 71" in str(e)):
            fail("weights_only=True load failed: %s" % e)
        print("weights_only=True: torch %s cannot read pickled floats (BINFLOAT)" % torch.__version__)

    def walk(a, e, where):
        if isinstance(e, dict) and "__tensor__" in e:
            if not isinstance(a, torch.Tensor):
                fail("%s: expected a tensor, got %r" % (where, type(a)))
            g = normalize_expected(tensor_entry(a))
            w = normalize_expected(e["__tensor__"])
            if g["dtype"] != w["dtype"] or g["shape"] != w["shape"] or not same_values(w["dtype"], g["values"], w["values"]):
                fail("%s: tensor differs: got %s, want %s" % (where, g, w))
            if a.requires_grad != e.get("requires_grad", False):
                fail("%s: requires_grad %s" % (where, a.requires_grad))
        elif isinstance(e, dict) and "__dict__" in e:
            if not isinstance(a, dict):
                fail("%s: expected dict, got %r" % (where, type(a)))
            pairs = e["__dict__"]
            if [k for k, _ in pairs] != list(a.keys()):
                fail("%s: keys %r vs %r" % (where, list(a.keys()), [k for k, _ in pairs]))
            for k, v in pairs:
                walk(a[k], v, "%s.%s" % (where, k))
        elif isinstance(e, list):
            if not isinstance(a, list) or len(a) != len(e):
                fail("%s: expected list of %d, got %r" % (where, len(e), a))
            for i, (x, y) in enumerate(zip(a, e)):
                walk(x, y, "%s.%d" % (where, i))
        elif isinstance(e, dict) and "__int__" in e:
            if type(a) is not int or a != int(e["__int__"]):
                fail("%s: expected int %s, got %r" % (where, e["__int__"], a))
        elif isinstance(e, dict) and "__float__" in e:
            if type(a) is not float or not (a == float(e["__float__"]) or (math.isnan(a) and e["__float__"] == "nan")):
                fail("%s: expected float %s, got %r" % (where, e["__float__"], a))
        else:
            if a != e or type(a) != type(e):
                fail("%s: expected %r, got %r" % (where, e, a))

    for obj in loaded:
        walk(obj, expected["value"], "root")
    obj = loaded[-1]
    for a, b in expected.get("same_object", []):
        if get_path(obj, a) is not get_path(obj, b) and get_path(obj, a).data_ptr() != get_path(obj, b).data_ptr():
            fail("%s and %s should share storage" % (a, b))
    print("OK pt")


def get_path(obj, path):
    for k in path:
        obj = obj[k]
    return obj


def fail(msg):
    print("MISMATCH: " + msg)
    sys.exit(1)


# ---------------------------------------------------------------- fixture generation

def write_safetensors_by_hand(path, tensors, metadata):
    """A second, independent writer from the spec: header in name order (not the reference's
    dtype order), json.dumps default separators (with spaces), data in name order."""
    header = {"__metadata__": metadata}
    blobs = []
    pos = 0
    for name in sorted(tensors):
        code, shape, fmt, vals = tensors[name]
        b = struct.pack("<%d%s" % (len(vals), fmt), *vals)
        # The spec forbids gaps, so alignment comes from the sizes chosen below (multiples of 8).
        header[name] = {"dtype": code, "shape": shape, "data_offsets": [pos, pos + len(b)]}
        blobs.append(b)
        pos += len(b)
    text = json.dumps(header).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def generate():
    import torch
    from torch import nn

    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3, padding=1)
            self.bn = nn.BatchNorm2d(2)
            self.lstm = nn.LSTM(8, 5, batch_first=True)
            self.fc = nn.Linear(5, 3)
            self.out = nn.Linear(3, 3, bias=False)
            self.out2 = nn.Linear(3, 3, bias=False)
            self.out2.weight = self.out.weight  # tied: one tensor under two keys
            base = torch.randn(3, 3)
            self.register_buffer("mix", base.t())  # non-contiguous view of `base`
            self.register_buffer("mix_row", base[1])  # another view of the same storage, offset 3

        def forward(self, x):
            n = x.shape[0]
            h = torch.relu(self.bn(self.conv(x)))  # [N, 2, 4, 4]
            seq = h.permute(0, 2, 1, 3).reshape(n, 4, 8)  # time = image row, features = (channel, col)
            _, (hn, _) = self.lstm(seq)  # hn: [1, N, 5]
            y = self.fc(hn[0])  # [N, 3]
            return self.out(y) + self.out2(y) @ self.mix + self.mix_row

    net = Net()
    net.train()
    for _ in range(3):  # moves BN running stats; num_batches_tracked = 3
        net(torch.randn(4, 1, 4, 4))
    net.eval()
    sd = net.state_dict()
    assert not sd["mix"].is_contiguous()
    assert sd["mix"].storage().data_ptr() == sd["mix_row"].storage().data_ptr()
    # state_dict() detaches, so these are two tensor objects over one storage.
    assert sd["out.weight"].data_ptr() == sd["out2.weight"].data_ptr()
    model_path = os.path.join(OUT, "model.pt")
    torch.save(sd, model_path)
    x = torch.randn(2, 1, 4, 4)
    with torch.no_grad():
        y = net(x)

    # The same archive with deflate-compressed entries (as a zip tool would re-pack it).
    deflated = os.path.join(OUT, "model_deflated.pt")
    with zipfile.ZipFile(model_path) as src, zipfile.ZipFile(deflated, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():  # fixed timestamps keep the fixture reproducible
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0)), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    re = torch.load(deflated, weights_only=True)
    assert all(torch.equal(re[k], sd[k]) for k in sd)

    model_json = {
        "forward": "h = relu(bn(conv(x))); seq = h.permute(0,2,1,3).reshape(N,4,8); "
                   "_, (hn, _) = lstm(seq) (batch_first); y = fc(hn[0]); "
                   "out = out(y) + out2(y) @ mix + mix_row; eval mode",
        "modules": {"conv": "Conv2d(1, 2, 3, padding=1)", "bn": "BatchNorm2d(2)",
                    "lstm": "LSTM(8, 5, batch_first=True)", "fc": "Linear(5, 3)",
                    "out": "Linear(3, 3, bias=False)", "out2": "Linear(3, 3, bias=False), weight tied to out.weight",
                    "mix": "buffer: randn(3, 3).t() (non-contiguous)", "mix_row": "buffer: the same randn(3, 3)[1]"},
        "input": tensor_entry(x),
        "output": tensor_entry(y),
        "state_dict": {},
    }
    for k, v in sd.items():
        e = tensor_entry(v)
        e["stride"] = list(v.stride())
        e["storage_offset"] = v.storage_offset()
        model_json["state_dict"][k] = e

    # Layouts and dtypes.
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    param = nn.Parameter(torch.tensor([0.5, -1.5]))
    views = {
        "slice": base[1:3, 2:5],
        "transposed": base.t(),
        "row": base[2],
        "expanded": torch.tensor([1.0, 2.0, 3.0]).expand(4, 3),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "f64": torch.tensor([[1.0 / 3, -2.5e300], [float("inf"), -0.0]], dtype=torch.float64),
        "f16": torch.tensor([1.0, -2.5, 65504.0, 6e-8, float("-inf")], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -2.5, 3.0e38, 1e-3], dtype=torch.bfloat16),
        "i64": torch.tensor([0, -1, 2 ** 40, -(2 ** 62), 2 ** 63 - 1], dtype=torch.int64),
        "i32": torch.tensor([[1, -2], [2 ** 31 - 1, -(2 ** 31)]], dtype=torch.int32),
        "u8": torch.tensor([0, 1, 255], dtype=torch.uint8),
        "i8": torch.tensor([-128, 0, 127], dtype=torch.int8),
        "bool": torch.tensor([True, False, True]),
        "param": param,
        "nested": {"list": [1, 2.5, "x", None, True], "tuple": (1, 2), "int_keys": {0: "a", 7: "b"},
                   "big": 2 ** 70, "neg": -5, "float": 0.1},
    }
    torch.save(views, os.path.join(OUT, "views.pt"))
    views_json = {}
    for k, v in views.items():
        if isinstance(v, torch.Tensor):
            e = tensor_entry(v)
            e["stride"] = list(v.stride())
            e["storage_offset"] = v.storage_offset()
            e["requires_grad"] = v.requires_grad
            views_json[k] = e
    if views["f16"].dtype == torch.float16:
        views_json["f16"]["float32"] = views["f16"].float().tolist()
        views_json["bf16"]["float32"] = views["bf16"].float().tolist()

    # An optimizer state dict: int keys, tuples, floats, bools, None, scalar tensors.
    torch.manual_seed(1)
    lin = nn.Linear(3, 2)
    opt = torch.optim.Adam(lin.parameters(), lr=0.01, betas=(0.8, 0.99))
    for _ in range(2):
        opt.zero_grad()
        lin(torch.randn(4, 3)).pow(2).sum().backward()
        opt.step()
    osd = opt.state_dict()
    torch.save(osd, os.path.join(OUT, "optim.pt"))

    def plain(o):
        if isinstance(o, torch.Tensor):
            return {"__tensor__": tensor_entry(o)}
        if isinstance(o, dict):
            return {"__dict__": [[str(k) if not isinstance(k, int) else k, plain(v)] for k, v in o.items()]}
        if isinstance(o, (list, tuple)):
            return [plain(v) for v in o]
        return o
    optim_json = plain(osd)

    # A pickle that would run code under a plain unpickler; must be refused.
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))
    torch.save({"w": torch.ones(2), "evil": Evil()}, os.path.join(OUT, "evil.pt"))

    # safetensors from an independent writer.
    st = {
        "a.f32": ("F32", [2, 3], "f", [0.5, -1.0, 2.25, 3.0, 1e-20, -7.75]),
        "b.f64": ("F64", [2], "d", [1.0 / 3, -1e300]),
        "c.i64": ("I64", [3], "q", [-(2 ** 62), 0, 2 ** 53 + 1]),
        "d.i32": ("I32", [2], "i", [-(2 ** 31), 12345]),
        "e.f16": ("F16", [4], "H", [0x3C00, 0xC100, 0x7BFF, 0x0001]),  # 1, -2.5, 65504, 2^-24
        "f.bf16": ("BF16", [4], "H", [0x3F80, 0xC020, 0x7F7F, 0x0001]),
        "g.u8": ("U8", [8], "B", [0, 1, 2, 3, 250, 251, 254, 255]),
        "h.i8": ("I8", [8], "b", [-128, -1, 0, 1, 2, 3, 4, 127]),
        "i.bool": ("BOOL", [2, 4], "?", [True, False, False, True, True, True, False, False]),
    }
    st_meta = {"format": "pt", "note": "written by gen_checkpoint_fixtures.py"}
    st_path = os.path.join(OUT, "reference.safetensors")
    write_safetensors_by_hand(st_path, st, st_meta)
    read_back, meta = read_safetensors_spec(st_path)
    assert meta == st_meta
    st_json = {"metadata": st_meta, "tensors": {}}
    for name, (code, shape, fmt, vals) in st.items():
        e = {"dtype": ST_TO_TORCH_NAME[code], "shape": shape,
             "values": [str(v) for v in vals] if code == "I64" else vals}
        if code in ("F16", "BF16"):
            dt = torch.float16 if code == "F16" else torch.bfloat16
            e["float32"] = torch.tensor(vals, dtype=torch.int32).to(torch.int16).view(dt).float().tolist()
        st_json["tensors"][name] = e

    with open(os.path.join(OUT, "checkpoints.json"), "w") as f:
        json.dump(jsonable({"torch_version": torch.__version__, "model": model_json, "views": views_json,
                            "optim": optim_json, "safetensors": st_json}), f, indent=1, allow_nan=False)
    total = sum(os.path.getsize(os.path.join(OUT, p)) for p in os.listdir(OUT))
    print("wrote fixtures to %s (%d bytes)" % (OUT, total))
    generate_hostile()


def view_entry(t):
    """A tensor's layout as PyTorch keeps it: size, stride, offset, storage size, values."""
    e = tensor_entry(t)
    e["stride"] = list(t.stride())
    e["storage_offset"] = t.storage_offset()
    e["storage_numel"] = t.storage().size()
    return e


def generate_hostile():
    """Small real-PyTorch files for test/serialization.hostile.test.ts (issue 22)."""
    import torch
    out = os.path.join(OUT, "hostile")
    os.makedirs(out, exist_ok=True)
    # 1. The 1.2 KB file that took 13 s and 4.2 GB when expands were gathered (PyTorch: 0 s).
    torch.save({"w%d" % i: torch.zeros(1).expand(2 ** 28) for i in range(4)}, os.path.join(out, "expand.pt"))
    # Overlapping and stride-0 views with distinct values, to check every element's address.
    base = torch.arange(10, dtype=torch.float32)
    views = {
        "rows": base.as_strided((4, 3), (2, 1)),          # overlapping rows
        "diag_rep": base.as_strided((3, 3), (0, 1), 2),   # stride 0 on dim 0, offset 2
        "scalar_rep": base[7].expand(2, 3),                # stride (0, 0) at offset 7
        "same": base.as_strided((2, 2, 2), (1, 0, 1), 1),  # mixed
        "long": torch.tensor([5, -6], dtype=torch.int64).expand(3, 2),
    }
    torch.save(views, os.path.join(out, "overlap.pt"))
    # 3. A list that contains itself: PyTorch loads it (also with weights_only=True) as [[...]].
    cyc = []
    cyc.append(cyc)
    torch.save(cyc, os.path.join(out, "cyclic.pt"))
    # 8. A TorchScript archive: its data.pkl names __torch__ classes.
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), os.path.join(out, "torchscript.pt"))
    with open(os.path.join(out, "hostile.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "overlap": {k: view_entry(v) for k, v in views.items()}}, f, indent=1)
    print("wrote %s" % ", ".join(sorted(os.listdir(out))))


def check_views(path, expected_path):
    """A file written by torch-ts keeps views as PyTorch does: stride, offset, small storage."""
    import torch
    with open(expected_path) as f:
        expected = json.load(f)
    for loaded in (torch.load(path), torch.load(path, weights_only=True)):
        for k, want in expected.items():
            got = view_entry(loaded[k])
            for field in ("dtype", "shape", "stride", "storage_offset", "storage_numel"):
                if got[field] != want[field]:
                    fail("%s: %s is %r, want %r" % (k, field, got[field], want[field]))
            if not same_values(want["dtype"], normalize_expected(got)["values"], normalize_expected(want)["values"]):
                fail("%s: values differ" % k)
    print("OK views")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "check-safetensors":
        check_safetensors(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "check-views":
        check_views(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 2 and sys.argv[1] == "hostile":
        generate_hostile()
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "check-pt":
        check_pt(sys.argv[2], sys.argv[3], sys.argv[4:] == ["floats"])
    elif len(sys.argv) == 1:
        generate()
    else:
        print(__doc__)
        sys.exit(2)
