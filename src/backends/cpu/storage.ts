// The CPU backend's storage kernels: host typed arrays are the storage, so reading needs no
// wait and uploading is a copy.
import { allocate, type Storage } from "../../dtype.ts";
import type { StorageKernels } from "../backend.ts";

export const cpuStorage: StorageKernels<Storage> = {
  empty: (dtype, n) => allocate(dtype, n),
  fill(out, value) {
    if (out instanceof BigInt64Array) out.fill(BigInt(Math.trunc(value)));
    else out.fill(out instanceof Uint8Array ? (value !== 0 ? 1 : 0) : value);
  },
  upload: (data) => data.slice(),
  read: (src) => Promise.resolve(src.slice()),
  readSync: (src) => src,
};
