// torch.distributed.ReduceOp. AVG divides the sum by the number of ranks (integers truncate
// toward zero, as NCCL's ncclAvg; PyTorch's gloo has no AVG at all). On bool tensors SUM and
// MAX are logical or, PRODUCT and MIN logical and. BAND/BOR/BXOR take integer and bool tensors.
import { RED, type RedCode } from "./wire/reduce.ts";

export class ReduceOp {
  /** The sum (logical or on bool). */
  static readonly SUM = new ReduceOp("SUM", RED.SUM);
  /** The sum divided by the number of ranks (integers truncate toward zero). */
  static readonly AVG = new ReduceOp("AVG", RED.AVG);
  /** The product (logical and on bool). */
  static readonly PRODUCT = new ReduceOp("PRODUCT", RED.PRODUCT);
  /** The minimum (logical and on bool). */
  static readonly MIN = new ReduceOp("MIN", RED.MIN);
  /** The maximum (logical or on bool). */
  static readonly MAX = new ReduceOp("MAX", RED.MAX);
  /** Bitwise and (integer and bool tensors). */
  static readonly BAND = new ReduceOp("BAND", RED.BAND);
  /** Bitwise or (integer and bool tensors). */
  static readonly BOR = new ReduceOp("BOR", RED.BOR);
  /** Bitwise xor (integer and bool tensors). */
  static readonly BXOR = new ReduceOp("BXOR", RED.BXOR);

  private constructor(
    /** The op's name: "SUM", "AVG", ... */
    readonly name: string,
    /** The op's code (c10d's enum order), as the wire carries it. */
    readonly value: RedCode,
  ) {}

  /** "ReduceOp.SUM" and so on. */
  toString(): string {
    return `ReduceOp.${this.name}`;
  }
}
