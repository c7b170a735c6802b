// Map-style datasets over files of fixed-size records, read by range: sample i is bytes
// [offset + i * recordBytes, offset + (i + 1) * recordBytes) of the file, so a file larger than
// memory gives random access (a shuffled DataLoader) without being loaded. Local files are read
// synchronously at an offset (getItem returns a Tensor; plain `for` loops work); URLs with HTTP
// Range requests (getItem returns a Promise: `for await`, and `await open(url)` to read the
// header first).
//   NpyArrayDataset   a C-order .npy file: sample i is arr[i] (shape arr.shape[1:])
//   RawArrayDataset   headerless records: a dtype, a record shape, an optional header to skip
import { IndexError, ValueError } from "../../../errors.ts";
import type { Tensor } from "../../../tensor.ts";
import { Dataset } from "../dataset.ts";
import { checkOptions } from "../../../args.ts";
import { npyElements, parseNpyHeader, type NpyHeader } from "./npy.ts";
import { absoluteSource, isFetched, RangeReader } from "./sources.ts";

/** Raw record dtypes: torch-ts's, and the small integers (read widened to int32, as .npy files are). */
export type RecordDtype = "float32" | "float64" | "int32" | "int64" | "bool" | "uint8" | "int8" | "int16" | "uint16";
const DESCR: Record<RecordDtype, string> = {
  float32: "f4", float64: "f8", int32: "i4", int64: "i8", bool: "b1", uint8: "u1", int8: "i1", int16: "i2", uint16: "u2",
};

/** What both datasets share: a header (dtype, byte order), a record shape, the data's offset and record count. */
abstract class RecordFile extends Dataset<Tensor> {
  declare private reader: RangeReader | undefined;
  readonly src: string;
  constructor(
    src: string,
    readonly header: NpyHeader,
    readonly recordShape: number[],
    readonly records: number,
  ) {
    super();
    this.src = absoluteSource(src);
    Object.defineProperty(this, "reader", { value: undefined, writable: true, enumerable: false }); // reopened in each worker
  }

  get recordBytes(): number {
    return this.recordShape.reduce((a, b) => a * b, 1) * this.header.itemsize;
  }

  get length(): number {
    return this.records;
  }

  private rangeReader(): RangeReader {
    return (this.reader ??= new RangeReader(this.src));
  }

  private index(i: number): number {
    const j = i < 0 ? i + this.records : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.records) {
      throw new IndexError(`index ${i} is out of bounds for axis 0 with size ${this.records}`);
    }
    return j;
  }

  getItem(i: number): Tensor | Promise<Tensor> {
    const at = this.header.dataOffset + this.index(i) * this.recordBytes;
    const what = `${this.src} record ${i}`;
    if (isFetched(this.src)) return this.rangeReader().read(at, this.recordBytes).then((b) => npyElements(this.header, b, this.recordShape, what, false));
    return npyElements(this.header, this.rangeReader().readSync(at, this.recordBytes), this.recordShape, what, false);
  }

  /** Closes the file (also done when the dataset is garbage collected). */
  close(): void {
    this.reader?.close();
  }
}

async function readHead(src: string, n: number): Promise<Uint8Array> {
  const r = new RangeReader(src);
  try {
    return await r.read(0, n, true);
  } finally {
    r.close();
  }
}

function npyLayout(src: string, head: Uint8Array, size: number | undefined): { header: NpyHeader; shape: number[] } {
  const h = parseNpyHeader(head, src);
  if (h.needed !== undefined) throw new ValueError(`${src}: the .npy header is longer than the bytes read`);
  if (h.fortranOrder) throw new ValueError(`${src}: a Fortran-order .npy array cannot be read by row; save it in C order`);
  if (h.shape.length === 0) throw new ValueError(`${src}: a 0-d .npy array has no rows`);
  const n = h.shape.reduce((a, b) => a * b, 1);
  if (size !== undefined && size < h.dataOffset + n * h.itemsize) {
    throw new ValueError(`${src}: the file has ${size} bytes, the .npy header describes ${h.dataOffset + n * h.itemsize}`);
  }
  return { header: h, shape: h.shape };
}

/** The rows of a .npy file, read on demand: getItem(i) is arr[i]. */
export class NpyArrayDataset extends RecordFile {
  /** A local .npy file (its header is read now); for a URL use `await NpyArrayDataset.open(url)`. */
  constructor(path: string, layout?: { header: NpyHeader; shape: number[] }) {
    if (layout === undefined && isFetched(path)) throw new ValueError(`NpyArrayDataset: ${path} is a URL: use \`await NpyArrayDataset.open(url)\``);
    let l = layout;
    if (l === undefined) {
      const r = new RangeReader(path);
      try {
        const size = r.sizeSync();
        let head = r.readSync(0, Math.min(size, 4096));
        const h = parseNpyHeader(head, path);
        if (h.needed !== undefined && h.needed <= size) head = r.readSync(0, h.needed);
        l = npyLayout(path, head, size);
      } finally {
        r.close();
      }
    }
    super(path, l.header, l.shape.slice(1), l.shape[0]!);
  }

  /** Opens a local path or a URL (reading the header with a Range request). */
  static async open(src: string): Promise<NpyArrayDataset> {
    if (!isFetched(src)) return new NpyArrayDataset(src);
    let head = await readHead(src, 4096);
    const h = parseNpyHeader(head, src);
    if (h.needed !== undefined) head = await readHead(src, h.needed);
    return new NpyArrayDataset(src, npyLayout(src, head, undefined));
  }

  /** The whole array's shape. */
  get shape(): number[] {
    return [this.records, ...this.recordShape];
  }
}

export interface RawArrayOptions {
  dtype: RecordDtype;
  /** The shape of one record (default []: one element per record). */
  shape?: number[];
  /** Bytes to skip at the start of the file (default 0). */
  offset?: number;
  /** Byte order of the file (default "little"). */
  byteOrder?: "little" | "big";
  /** Records in the file; needed for URLs, checked against the size for local files. */
  length?: number;
}

/** Headerless fixed-size records (a raw dump of an array): getItem(i) is record i as a Tensor. */
export class RawArrayDataset extends RecordFile {
  constructor(src: string, opts: RawArrayOptions) {
    checkOptions("RawArrayDataset", opts, ["dtype", "shape", "offset", "byteOrder", "length"]);
    const kind = DESCR[opts.dtype];
    if (kind === undefined) throw new ValueError(`RawArrayDataset: unsupported dtype ${String(opts.dtype)}`);
    const shape = opts.shape ?? [];
    const offset = opts.offset ?? 0;
    const itemsize = Number(kind.slice(1));
    const header: NpyHeader = { descr: (opts.byteOrder === "big" ? ">" : "<") + kind, fortranOrder: false, shape: [], dataOffset: offset, itemsize };
    const recordBytes = shape.reduce((a, b) => a * b, 1) * itemsize;
    if (recordBytes <= 0) throw new ValueError(`RawArrayDataset: a record of shape [${shape.join(", ")}] has no bytes`);
    let records = opts.length;
    if (!isFetched(src)) {
      const r = new RangeReader(src);
      const size = r.sizeSync() - offset;
      r.close();
      if (size % recordBytes !== 0) {
        throw new ValueError(`RawArrayDataset: ${src} holds ${size} bytes after the offset, not a whole number of ${recordBytes}-byte records`);
      }
      if (records !== undefined && records !== size / recordBytes) throw new ValueError(`RawArrayDataset: ${src} holds ${size / recordBytes} records, not ${records}`);
      records = size / recordBytes;
    } else if (records === undefined) throw new ValueError(`RawArrayDataset: give \`length\` for a URL (${src})`);
    super(src, header, shape, records);
  }
}
