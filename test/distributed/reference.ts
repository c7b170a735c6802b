// The scalar meaning of each reduction, against which the kernels and the collectives are
// checked: bool is logical (SUM/MAX/BOR or, PRODUCT/MIN/BAND and, BXOR xor), int64 wraps
// (BigInt), int32 wraps, float32 rounds each result; MIN/MAX let NaN win.
import { RED, type RedCode, type WireDType } from "../../src/distributed/wire/reduce.ts";

export type Scalar = number | bigint | boolean;

export function combine(dtype: WireDType, op: RedCode, a: Scalar, b: Scalar): Scalar {
  if (dtype === "bool") {
    const x = Boolean(a), y = Boolean(b);
    if (op === RED.BXOR) return x !== y;
    return op === RED.PRODUCT || op === RED.MIN || op === RED.BAND ? x && y : x || y;
  }
  if (dtype === "int64") {
    const x = a as bigint, y = b as bigint;
    const r = op === RED.SUM || op === RED.AVG ? x + y : op === RED.PRODUCT ? x * y : op === RED.MIN ? (y < x ? y : x)
      : op === RED.MAX ? (y > x ? y : x) : op === RED.BAND ? x & y : op === RED.BOR ? x | y : x ^ y;
    return BigInt.asIntN(64, r);
  }
  const x = a as number, y = b as number;
  const float = dtype !== "int32";
  let r: number;
  if (op === RED.SUM || op === RED.AVG) r = x + y;
  else if (op === RED.PRODUCT) r = float ? x * y : Math.imul(x, y);
  else if (op === RED.MIN) r = y < x || y !== y ? y : x;
  else if (op === RED.MAX) r = y > x || y !== y ? y : x;
  else r = op === RED.BAND ? x & y : op === RED.BOR ? x | y : x ^ y;
  return dtype === "float32" ? Math.fround(r) : dtype === "int32" ? r | 0 : r;
}
