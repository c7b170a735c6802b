"""Which BLAS a PyTorch process actually runs on, for bench/peers/pytorch.py.

torch.__config__.show() names the BLAS PyTorch was built against (BLAS_INFO): "mkl" or "open"
for wheels that link one, but "generic" for Debian's, which links the system libblas.so.3,
i.e. whatever the alternatives system points at (OpenBLAS, or the reference BLAS, ~10x slower
on matrix products). So the libraries mapped into the process (/proc/self/maps) decide:
an optimized BLAS among them (OpenBLAS, MKL, BLIS, ATLAS, Arm PL) or a BLAS_INFO naming one
is that BLAS; a libblas/libcblas/liblapack with none of those is the reference BLAS; nothing
BLAS-like at all is unknown. The benchmark refuses to report PyTorch on "reference" or
"unknown" (its numbers would not be PyTorch's as users run it).

Run as a script (tests): python3 blas.py '{"blasInfo": "generic", "maps": "<text>"}' prints
{"kind": ..., "libraries": [...]} without importing torch.
"""
import json
import re
import sys

# an optimized implementation's own library, by file name (group 1 names it)
OPTIMIZED = re.compile(r"/lib(openblas|mkl|blis|satlas|tatlas|atlas|armpl)[^/]*\.so")
# any BLAS/LAPACK interface library (the reference BLAS ships libblas.so.3, libcblas, liblapack)
BLAS_INTERFACE = re.compile(r"/lib(c?blas|lapack)[^/]*\.so")
# what the maps lines are filtered to: BLAS, LAPACK and the OpenMP runtimes next to them
RELEVANT = re.compile(r"/lib[^/]*(blas|lapack|mkl|blis|atlas|armpl|gomp|iomp|omp)[^/]*\.so")
# BLAS_INFO values that name an optimized BLAS linked into PyTorch itself
BUILT_IN = {"mkl": "mkl", "open": "openblas", "openblas": "openblas", "blis": "blis", "accelerate": "accelerate", "atlas": "atlas"}


def mapped_libraries(maps_text):
    """The distinct BLAS-related shared objects in /proc/<pid>/maps text."""
    return sorted({line.split()[-1] for line in maps_text.splitlines() if RELEVANT.search(line)})


def classify(blas_info, libraries):
    """'openblas', 'mkl', ... for an optimized BLAS; 'reference'; or 'unknown'."""
    for path in libraries:
        m = OPTIMIZED.search(path)
        if m:
            return "atlas" if m.group(1).endswith("atlas") else m.group(1)
    if blas_info in BUILT_IN:
        return BUILT_IN[blas_info]
    if any(BLAS_INTERFACE.search(p) for p in libraries):
        return "reference"
    return "unknown"


def blas_info_of(config_text):
    m = re.search(r"BLAS_INFO=([^,\s]+)", config_text)
    return m.group(1) if m else "unknown"


if __name__ == "__main__":
    arg = json.loads(sys.argv[1])
    libs = mapped_libraries(arg["maps"])
    print(json.dumps({"kind": classify(arg["blasInfo"], libs), "libraries": libs}))
