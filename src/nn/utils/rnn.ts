// torch.nn.utils.rnn: PackedSequence and the functions that pack and pad variable-length
// sequences, as PyTorch 1.13 (torch/nn/utils/rnn.py and ATen's PackedSequence.cpp). Every
// function is composed of differentiable ops (narrow, cat, stack, indexSelect), so gradients flow
// from packed or padded results back to the sequences.
//
// A PackedSequence holds the time steps of a batch one after another: `data` [sum(lengths), *]
// has the batchSizes[0] sequences' first elements, then the batchSizes[1] still running at step
// 1, ...; sequences are ordered by decreasing length (sortedIndices maps that order to the
// caller's, unsortedIndices back).
import { bool, checkTensor, describe, int, nullable, num, param, parseArgs, type Args, type Checker } from "../../args.ts";
import { IndexError, RuntimeError, TorchTypeError, ValueError } from "../../errors.ts";
import { arange, full, tensor } from "../../ops/creation.ts";
import { cat, stack } from "../../ops/shape.ts";
import { Tensor } from "../../tensor.ts";
import type { DeviceLike } from "../../device.ts";
import type { DType } from "../../dtype.ts";

/** The int64 values of a 1-d index tensor as numbers. */
const ints = (t: Tensor): number[] => Array.from(t.contiguousData(), Number);

/** torch.nn.utils.rnn.invert_permutation: the inverse of a permutation tensor (null stays null). */
export function invertPermutation(permutation: Tensor | null | undefined): Tensor | null {
  if (permutation === null || permutation === undefined) return null;
  return permutation.clone().scatter_(0, permutation, arange(permutation.numel(), { dtype: permutation.dtype }));
}

export class PackedSequence {
  readonly data: Tensor;
  /** int64 [max length]: how many sequences are still running at each time step. */
  readonly batchSizes: Tensor;
  /** The caller's batch order sorted by decreasing length (null: the batch was already sorted). */
  readonly sortedIndices: Tensor | null;
  /** The inverse of sortedIndices. */
  readonly unsortedIndices: Tensor | null;

  /** PackedSequence(data, batch_sizes, sorted_indices=None, unsorted_indices=None); made by packPaddedSequence / packSequence. */
  constructor(data: Tensor, batchSizes: Tensor, sortedIndices: Tensor | null = null, unsortedIndices: Tensor | null = null) {
    checkTensor(data, "data", "PackedSequence");
    checkTensor(batchSizes, "batch_sizes", "PackedSequence");
    this.data = data;
    this.batchSizes = batchSizes;
    this.sortedIndices = sortedIndices ?? null;
    this.unsortedIndices = unsortedIndices ?? invertPermutation(sortedIndices);
  }

  /** A PackedSequence with data converted (the index tensors are kept). */
  /** Tensor.to's forms (dtype, device, both, options) applied to the packed data. */
  to(dtype: DType): PackedSequence;
  to(device: DeviceLike, dtype?: DType): PackedSequence;
  to(opts: { device?: DeviceLike; dtype?: DType }): PackedSequence;
  to(...args: unknown[]): PackedSequence {
    const data = (this.data.to as (...a: unknown[]) => Tensor).apply(this.data, args);
    return data === this.data ? this : new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }
  double(): PackedSequence {
    return this.to("float64");
  }
  float(): PackedSequence {
    return this.to("float32");
  }
  long(): PackedSequence {
    return this.to("int64");
  }
  int(): PackedSequence {
    return this.to("int32");
  }

  /** Unpacks as PyTorch's namedtuple does: `const [data, batchSizes, sortedIndices, unsortedIndices] = packed`. */
  *[Symbol.iterator](): IterableIterator<Tensor | null> {
    yield this.data;
    yield this.batchSizes;
    yield this.sortedIndices;
    yield this.unsortedIndices;
  }

  /** The sequence as PyTorch prints it: PackedSequence(data=..., batch_sizes=..., ...). */
  toString(): string {
    const s = (t: Tensor | null): string => (t === null ? "None" : String(t));
    return `PackedSequence(data=${s(this.data)}, batch_sizes=${s(this.batchSizes)}, sorted_indices=${s(this.sortedIndices)}, unsorted_indices=${s(this.unsortedIndices)})`;
  }
}

/** Lengths as an int64 tensor (torch.as_tensor(lengths, dtype=torch.int64)). */
const lengthsArg: Checker<Tensor> = (v, arg, fn) => {
  if (v instanceof Tensor) return v.to("int64");
  if (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x))) return tensor(v.map(Math.trunc), { dtype: "int64" });
  throw new TorchTypeError(`${fn}(): argument '${arg}' must be a Tensor or a list of numbers, but got ${describe(v)}`);
};

/** Options of packPaddedSequence: PyTorch's batchFirst (default false) and enforceSorted (default true). */
export interface PackPaddedSequenceOptions {
  batchFirst?: boolean;
  enforceSorted?: boolean;
}
const PACK_ARGS = [param("lengths", lengthsArg), param("batchFirst", bool, false), param("enforceSorted", bool, true)];

/**
 * pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True): input [T, B, *]
 * ([B, T, *] with batchFirst) holding sequences of the given lengths. With enforceSorted the
 * lengths must be decreasing; otherwise the batch is sorted (stably) and the order kept in
 * sortedIndices.
 */
export function packPaddedSequence(input: Tensor, ...args: Args<[lengths: Tensor | number[], batchFirst: boolean, enforceSorted: boolean], PackPaddedSequenceOptions & { lengths?: Tensor | number[] }>): PackedSequence {
  checkTensor(input, "input", "packPaddedSequence");
  const a = parseArgs<{ lengths: Tensor; batchFirst: boolean; enforceSorted: boolean }>("packPaddedSequence", PACK_ARGS, args);
  let lengths = a.lengths;
  let sortedIndices: Tensor | null = null;
  let x = input;
  if (!a.enforceSorted) {
    if (lengths.dim() !== 1) throw new RuntimeError(`'lengths' argument should be a 1D CPU int64 tensor, but got ${lengths.dim()}D cpu Long tensor`);
    ({ values: lengths, indices: sortedIndices } = lengths.sort(0, true));
    x = x.indexSelect(a.batchFirst ? 0 : 1, sortedIndices);
  }
  const [data, batchSizes] = packPadded(x, lengths, a.batchFirst);
  return new PackedSequence(data, batchSizes, sortedIndices, null);
}

/** ATen's _pack_padded_sequence: the steps of decreasing batch size, concatenated. */
function packPadded(input: Tensor, lengthsT: Tensor, batchFirst: boolean): [Tensor, Tensor] {
  if (input.numel() === 0) throw new RuntimeError("Cannot pack empty tensors.");
  const x = batchFirst ? input.transpose(0, 1) : input;
  if (lengthsT.dim() !== 1) throw new RuntimeError(`'lengths' argument should be a 1D CPU int64 tensor, but got ${lengthsT.dim()}D cpu Long tensor`);
  const lengths = ints(lengthsT);
  const batch = x.shape[1]!;
  if (lengths.length !== batch) throw new RuntimeError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lengths.length} (batch_size=${batch})`);
  if (!(lengths[batch - 1]! > 0)) throw new RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  for (let i = 0; i < batch - 1; i++) {
    if (lengths[batch - 1 - i]! > lengths[batch - 2 - i]!) {
      throw new RuntimeError(
        "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.",
      );
    }
  }
  if (lengths[0]! > x.shape[0]!) {
    throw new RuntimeError(`pack_padded_sequence: a length of ${lengths[0]} exceeds the ${x.shape[0]} time steps of the padded input`);
  }
  const steps: Tensor[] = [];
  const batchSizes: number[] = [];
  let prev = 0;
  for (let i = 0; i < batch; i++) {
    const l = lengths[batch - 1 - i]!;
    if (l > prev) {
      const running = batch - i;
      steps.push(x.narrow(0, prev, l - prev).narrow(1, 0, running).reshape([-1, ...x.shape.slice(2)]));
      for (let j = prev; j < l; j++) batchSizes.push(running);
      prev = l;
    }
  }
  return [steps.length === 1 ? steps[0]! : cat(steps, 0), tensor(batchSizes, { dtype: "int64" })];
}

/** Options of padPackedSequence: PyTorch's batchFirst (default false), paddingValue (default 0) and totalLength (default the longest sequence). */
export interface PadPackedSequenceOptions {
  batchFirst?: boolean;
  paddingValue?: number;
  totalLength?: number | null;
}
const PAD_PACKED_ARGS = [param("batchFirst", bool, false), param("paddingValue", num(), 0), param("totalLength", nullable(int()), null)];

/**
 * pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None) ->
 * [padded [T, B, *] ([B, T, *] with batchFirst), lengths int64 [B]], in the caller's batch order.
 */
export function padPackedSequence(sequence: PackedSequence, ...args: Args<[batchFirst: boolean, paddingValue: number, totalLength: number | null], PadPackedSequenceOptions>): [Tensor, Tensor] {
  if (!(sequence instanceof PackedSequence)) throw new TorchTypeError(`padPackedSequence(): argument 'sequence' must be a PackedSequence, but got ${describe(sequence)}`);
  const a = parseArgs<Required<PadPackedSequenceOptions>>("padPackedSequence", PAD_PACKED_ARGS, args);
  const batchSizes = ints(sequence.batchSizes);
  let maxLength = batchSizes.length;
  if (a.totalLength !== null) {
    if (a.totalLength < maxLength) {
      throw new ValueError(`Expected total_length to be at least the length of the longest sequence in input, but got total_length=${a.totalLength} and max sequence length being ${maxLength}`);
    }
    maxLength = a.totalLength;
  }
  const { data } = sequence;
  const maxBatch = batchSizes[0]!;
  const feature = data.shape.slice(1);
  const padRows = (rows: number): Tensor => full([rows, ...feature], a.paddingValue, { dtype: data.dtype });
  const rows: Tensor[] = [];
  let offset = 0;
  for (const bs of batchSizes) {
    const step = data.narrow(0, offset, bs);
    offset += bs;
    rows.push(bs < maxBatch ? cat([step, padRows(maxBatch - bs)], 0) : step);
  }
  for (let t = batchSizes.length; t < maxLength; t++) rows.push(padRows(maxBatch));
  let padded = stack(rows, 0);
  const lengths = new Array<number>(maxBatch).fill(0);
  for (let t = 0; t < batchSizes.length; t++) for (let b = 0; b < batchSizes[t]!; b++) lengths[b] = t + 1;
  let lengthsT = tensor(lengths, { dtype: "int64" });
  if (a.batchFirst) padded = padded.transpose(0, 1);
  if (sequence.unsortedIndices !== null) {
    padded = padded.indexSelect(a.batchFirst ? 0 : 1, sequence.unsortedIndices);
    lengthsT = lengthsT.indexSelect(0, sequence.unsortedIndices);
  }
  return [padded, lengthsT];
}

/** Options of padSequence: PyTorch's batchFirst (default false) and paddingValue (default 0). */
export interface PadSequenceOptions {
  batchFirst?: boolean;
  paddingValue?: number;
}
const PAD_SEQUENCE_ARGS = [param("batchFirst", bool, false), param("paddingValue", num(), 0)];

/**
 * pad_sequence(sequences, batch_first=False, padding_value=0.0): a list of [L_i, *] tensors (or a
 * tensor, read as the list of its rows) -> [max L, B, *] ([B, max L, *] with batchFirst) in the
 * first sequence's dtype, padded with paddingValue.
 */
export function padSequence(sequences: readonly Tensor[] | Tensor, ...args: Args<[batchFirst: boolean, paddingValue: number], PadSequenceOptions>): Tensor {
  if (!Array.isArray(sequences) && !(sequences instanceof Tensor)) {
    throw new RuntimeError(`pad_sequence: Expected iterable for input sequences, but got arg of type: ${describe(sequences)}`);
  }
  const seqs = [...(sequences as Iterable<Tensor>)].map((s, i) => checkTensor(s, `sequences[${i}]`, "padSequence"));
  const a = parseArgs<Required<PadSequenceOptions>>("padSequence", PAD_SEQUENCE_ARGS, args);
  if (seqs.length === 0) throw new RuntimeError("received an empty list of sequences");
  if (seqs.some((s) => s.dim() === 0)) throw new IndexError("Dimension specified as 0 but tensor has no dimensions");
  const dtype = seqs[0]!.dtype;
  const trailing = seqs[0]!.shape.slice(1);
  const maxLen = Math.max(...seqs.map((s) => s.shape[0]!));
  const padded = seqs.map((s) => {
    const tail = s.shape.slice(1);
    for (let k = tail.length - 1, j = trailing.length - 1; k >= 0 && j >= 0; k--, j--) {
      if (tail[k] !== trailing[j] && tail[k] !== 1) {
        throw new RuntimeError(`The size of tensor a (${trailing[j]}) must match the size of tensor b (${tail[k]}) at non-singleton dimension ${j + 1}`);
      }
    }
    const t = s.to(dtype).expand([s.shape[0]!, ...trailing]);
    const len = t.shape[0]!;
    return len < maxLen ? cat([t, full([maxLen - len, ...trailing], a.paddingValue, { dtype })], 0) : t;
  });
  return stack(padded, a.batchFirst ? 0 : 1);
}

/** pack_sequence(sequences, enforce_sorted=True) = packPaddedSequence(padSequence(sequences), lengths). */
export function packSequence(sequences: readonly Tensor[], ...args: Args<[enforceSorted: boolean], { enforceSorted?: boolean }>): PackedSequence {
  const { enforceSorted } = parseArgs<{ enforceSorted: boolean }>("packSequence", [param("enforceSorted", bool, true)], args);
  const seqs = [...sequences];
  const lengths = seqs.map((s) => checkTensor(s, "sequences", "packSequence").shape[0] ?? 0);
  return packPaddedSequence(padSequence(seqs), lengths, { enforceSorted });
}

/**
 * unpad_sequence(padded_sequences, lengths, batch_first=False): the list of [L_i, *] sequences.
 * (PyTorch transposes its argument in place when batch_first is False; this reads it through a view.)
 */
export function unpadSequence(paddedSequences: Tensor, ...args: Args<[lengths: Tensor | number[], batchFirst: boolean], { lengths?: Tensor | number[]; batchFirst?: boolean }>): Tensor[] {
  checkTensor(paddedSequences, "padded_sequences", "unpadSequence");
  const a = parseArgs<{ lengths: Tensor; batchFirst: boolean }>("unpadSequence", [param("lengths", lengthsArg), param("batchFirst", bool, false)], args);
  const batchMajor = a.batchFirst ? paddedSequences : paddedSequences.transpose(0, 1);
  return ints(a.lengths).map((len, i) => batchMajor.select(0, i).narrow(0, 0, len));
}

/** unpack_sequence(packed_sequences): the list of sequences, in the caller's order. */
export function unpackSequence(packedSequences: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(packedSequences, true);
  return unpadSequence(padded, lengths, true);
}

