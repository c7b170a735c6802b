// argsort: the positions that sort each line over r of a contiguous [outer, r, inner] block, as
// the CPU's (stable: ties keep their order; NaN greater than every number, so last ascending and
// first descending).
//
// A bitonic sorting network over each line's positions padded to P = 2^ceil(log2 r): a scratch
// array of P positions per line starts as 0..P-1, and log2(P) (log2(P) + 1) / 2 passes of
// compare-exchange (one dispatch each, every line at once) sort it. The comparison is a total
// order on positions — by value, ties by position, padding (positions >= r) after everything —
// so the unstable network gives exactly the stable order. The first r entries are the result.
import { RuntimeError } from "../../errors.ts";
import { scalarTypeName, type GPUArray } from "./array.ts";
import { grid, type WebGPURuntime } from "./runtime.ts";
import { LIB, MAIN_256, ParamWriter, computeTypeOf, load, paramsDecl, storageDecl, type ComputeType } from "./wgsl.ts";

/** WGSL: `va` orders strictly before `vb` by value (ascending), NaN greatest; ties are false. */
function valueLess(ct: ComputeType): string {
  switch (ct) {
    case "f32":
      return `fn value_less(va: f32, vb: f32) -> bool {
  if (is_nan(va)) { return false; }
  if (is_nan(vb)) { return true; }
  return va < vb;
}`;
    case "i64":
      return `fn value_less(va: vec2<u32>, vb: vec2<u32>) -> bool { return i64_lt(va, vb); }`;
    case "i32":
      return `fn value_less(va: i32, vb: i32) -> bool { return va < vb; }`;
    case "bool":
      return `fn value_less(va: u32, vb: u32) -> bool { return va < vb; }`;
  }
}

export function argsort(rt: WebGPURuntime, x: GPUArray, outer: number, r: number, inner: number, descending: boolean, out: GPUArray): void {
  if (outer * r * inner === 0) return;
  if (out.dtype !== "int32") throw new RuntimeError(`webgpu argsort: positions are int32, got ${scalarTypeName(out.dtype)}`);
  const lines = outer * inner;
  let P = 1;
  while (P < r) P *= 2;
  const ct = computeTypeOf(x.dtype);
  const scratch = rt.empty("int32", lines * P);
  const header = `${paramsDecl(3)}\n${LIB}`;
  // words: lines, r, inner, P, j, k, x offset, out offset
  const params = (j: number, k: number) => new ParamWriter(12).u32(lines).u32(r).u32(inner).u32(P).u32(j).u32(k).u32(x.offset).u32(out.offset).words();
  const init = rt.kernel("argsort|init", 3, () => `${header}
${storageDecl(1, "S", "int32", true)}
${MAIN_256} {
  let t = gid.x + gid.y * nwg.x * 256u;
  if (t >= pu(0u) * pu(3u)) { return; }
  S[t] = i32(t % pu(3u));
}
`);
  rt.dispatch(init, params(0, 0), [scratch.buffer], grid(Math.ceil((lines * P) / 256)));
  if (P > 1) {
    const pass = rt.kernel(`argsort|pass|${x.dtype}|${descending}`, 3, () => `${header}
${storageDecl(1, "X", x.dtype, false)}
${storageDecl(2, "S", "int32", true)}
${valueLess(ct)}
/** Position a of the line at base goes before position b: a total order (value, then position). */
fn before(a: i32, b: i32, base: u32) -> bool {
  let r = i32(pu(1u));
  if (a >= r || b >= r) { return b >= r && (a < b || a < r); }
  let va = ${load("X", x.dtype, "pu(6u) + base + u32(a) * pu(2u)", ct)};
  let vb = ${load("X", x.dtype, "pu(6u) + base + u32(b) * pu(2u)", ct)};
  if (${descending ? "value_less(vb, va)" : "value_less(va, vb)"}) { return true; }
  if (${descending ? "value_less(va, vb)" : "value_less(vb, va)"}) { return false; }
  return a < b;
}
${MAIN_256} {
  let t = gid.x + gid.y * nwg.x * 256u;
  let half = pu(3u) / 2u;
  if (t >= pu(0u) * half) { return; }
  let line = t / half;
  let q = t % half;
  let j = pu(4u);
  let i = (q / j) * 2u * j + q % j;
  let l = i + j;
  let inner = pu(2u);
  let base = (line / inner) * pu(1u) * inner + line % inner;
  let si = line * pu(3u) + i;
  let sl = line * pu(3u) + l;
  let a = S[si];
  let b = S[sl];
  let ascending = (i & pu(5u)) == 0u;
  if (select(before(a, b, base), before(b, a, base), ascending)) {
    S[si] = b;
    S[sl] = a;
  }
}
`);
    const groups = grid(Math.ceil((lines * P) / 2 / 256));
    for (let k = 2; k <= P; k *= 2) {
      for (let j = k / 2; j >= 1; j /= 2) rt.dispatch(pass, params(j, k), [x.buffer, scratch.buffer], groups);
    }
  }
  const finish = rt.kernel("argsort|finish", 3, () => `${header}
${storageDecl(1, "S", "int32", false)}
${storageDecl(2, "O", "int32", true)}
${MAIN_256} {
  let t = gid.x + gid.y * nwg.x * 256u;
  let r = pu(1u);
  if (t >= pu(0u) * r) { return; }
  let line = t / r;
  let i = t % r;
  let inner = pu(2u);
  O[pu(7u) + (line / inner) * r * inner + i * inner + line % inner] = S[line * pu(3u) + i];
}
`);
  rt.dispatch(finish, params(0, 0), [scratch.buffer, out.buffer], grid(Math.ceil((lines * r) / 256)));
  scratch.block.release();
}
