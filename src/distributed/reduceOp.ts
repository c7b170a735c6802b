// torch.distributed.ReduceOp. AVG divides the sum by the number of ranks (integers truncate
// toward zero, as NCCL's ncclAvg; PyTorch's gloo has no AVG at all). On bool tensors SUM and
// MAX are logical or, PRODUCT and MIN logical and. BAND/BOR/BXOR take integer and bool tensors.
import { RED, type RedCode } from "./wire/reduce.ts";

export class ReduceOp {
  static readonly SUM = new ReduceOp("SUM", RED.SUM);
  static readonly AVG = new ReduceOp("AVG", RED.AVG);
  static readonly PRODUCT = new ReduceOp("PRODUCT", RED.PRODUCT);
  static readonly MIN = new ReduceOp("MIN", RED.MIN);
  static readonly MAX = new ReduceOp("MAX", RED.MAX);
  static readonly BAND = new ReduceOp("BAND", RED.BAND);
  static readonly BOR = new ReduceOp("BOR", RED.BOR);
  static readonly BXOR = new ReduceOp("BXOR", RED.BXOR);

  private constructor(readonly name: string, readonly value: RedCode) {}

  toString(): string {
    return `ReduceOp.${this.name}`;
  }
}
