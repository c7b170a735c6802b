#!/usr/bin/env python3
"""Writes small tar shards with Python's tarfile into test/fixtures/data/tar/ (run with /usr/bin/python3).

Each archive holds WebDataset-style samples (key.ext files) in one of tarfile's formats:
  pax.tar    PAX_FORMAT (tarfile's default): a 130-character and a non-ASCII member name go in
             pax 'x' headers; a directory and a symlink entry (skipped by readers)
  gnu.tar    GNU_FORMAT: the long name goes in a GNU 'L' entry; one member is 9 KiB
  ustar.tar  USTAR_FORMAT: a 115-character name split into prefix + name
  tensors.tar  .npy (numpy.save: float32 C order, int64, uint8, a Fortran-order float64,
             a big-endian int32), .safetensors (written by hand: the format is a JSON header and
             raw little-endian bytes) and .pth (torch.save) members
expected.json lists, per archive, the members (name, size, first bytes as hex) and the
decoded values the tests compare with.
"""
import io
import json
import os
import struct
import tarfile

import numpy as np
import torch

HERE = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "data", "tar")
os.makedirs(HERE, exist_ok=True)


def add(tf, name, data, mtime=1_700_000_000):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = mtime
    tf.addfile(info, io.BytesIO(data))


def npy(arr):
    b = io.BytesIO()
    np.save(b, arr)
    return b.getvalue()


def safetensors(tensors):
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": {"float32": "F32", "int64": "I64"}[arr.dtype.name],
                        "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


expected = {}
long_key = "deep/" + "x" * 120  # a 125-character key: the member name needs a long-name record
unicode_key = "échantillon_ü"


def samples_common():
    return [
        ("sample000", {"json": {"a": 1, "b": [1, 2]}, "txt": "hello", "cls": 3}),
        ("sample001", {"json": {"a": 2}, "txt": "wörld", "cls": 7}),
        (long_key, {"txt": "long name", "cls": 0}),
        (unicode_key, {"txt": "unicode key", "cls": 1}),
    ]


def encode(ext, v):
    if ext == "json":
        return json.dumps(v).encode()
    return str(v).encode()


def write(path, fmt, extra=None):
    members = []
    with tarfile.open(os.path.join(HERE, path), "w", format=fmt) as tf:
        if fmt == tarfile.PAX_FORMAT:
            d = tarfile.TarInfo("somedir")
            d.type = tarfile.DIRTYPE
            tf.addfile(d)
        for key, fields in samples_common():
            if fmt == tarfile.USTAR_FORMAT and key in (unicode_key, long_key):
                continue  # ustar stores neither non-ASCII names nor a base name over 100 bytes
            for ext, v in fields.items():
                data = encode(ext, v)
                add(tf, f"{key}.{ext}", data)
                members.append({"name": f"{key}.{ext}", "size": len(data), "head": data[:16].hex()})
        if fmt == tarfile.PAX_FORMAT:
            s = tarfile.TarInfo("link.txt")
            s.type = tarfile.SYMTYPE
            s.linkname = "sample000.txt"
            tf.addfile(s)
        for name, data in (extra or []):
            add(tf, name, data)
            members.append({"name": name, "size": len(data), "head": data[:16].hex()})
    expected[path] = {"members": members}


write("pax.tar", tarfile.PAX_FORMAT)
big = bytes((i * 7) % 251 for i in range(9 * 1024))
write("gnu.tar", tarfile.GNU_FORMAT, extra=[("blob.bin", big)])
write("ustar.tar", tarfile.USTAR_FORMAT, extra=[("p" * 60 + "/" + "y" * 50 + ".txt", b"split name")])

# tensors
f32 = np.arange(12, dtype=np.float32).reshape(3, 4) / 8
i64 = np.array([-(2**40), 5, 2**53 + 1], dtype=np.int64)
u8 = np.array([[0, 255], [7, 128]], dtype=np.uint8)
fort = np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3))
be = np.array([1, -2, 300000], dtype=">i4")
st = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "n": np.array([3, 4], dtype=np.int64)}
pth = io.BytesIO()
torch.save({"x": torch.arange(4, dtype=torch.float32), "k": torch.tensor([1, 2])}, pth)
with tarfile.open(os.path.join(HERE, "tensors.tar"), "w") as tf:
    add(tf, "t0.f32.npy", npy(f32))
    add(tf, "t0.i64.npy", npy(i64))
    add(tf, "t0.u8.npy", npy(u8))
    add(tf, "t0.fort.npy", npy(fort))
    add(tf, "t0.be.npy", npy(be))
    add(tf, "t0.safetensors", safetensors(st))
    add(tf, "t0.pth", pth.getvalue())
    add(tf, "t0.cls", b"4")
expected["tensors.tar"] = {
    "f32": f32.tolist(), "i64": [str(v) for v in i64.tolist()], "u8": u8.tolist(), "fort": fort.tolist(), "be": be.tolist(),
    "safetensors": {k: v.tolist() for k, v in st.items()},
    "pth": {"x": [0.0, 1.0, 2.0, 3.0], "k": [1, 2]},
}
# a standalone .npy file for the record datasets: 50 rows of 3 float32 values
rows = (np.arange(150, dtype=np.float32) * 0.5).reshape(50, 3)
np.save(os.path.join(HERE, "rows.npy"), rows)
expected["rows.npy"] = rows.tolist()

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, ensure_ascii=False)
print("wrote", sorted(os.listdir(HERE)))
