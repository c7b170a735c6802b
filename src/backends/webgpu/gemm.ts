// The tiled matrix product every matmul and convolution runs through.
//
// A 16x16 workgroup computes a 64x64 tile of C = A @ B, each invocation a 4x4 block of it
// (rows ly + 16i, columns lx + 16j, so neighbouring invocations write neighbouring words).
// K is walked 16 at a time: the workgroup copies a 64x16 tile of A and a 16x64 tile of B into
// workgroup memory, then every invocation does 16 x 16 multiply-adds from there.
//
// Operands are read through functions (readA(b, i, p), readB(b, p, j)), so a strided,
// transposed or broadcast matrix is read in place, and a convolution reads its im2col matrix
// straight from the image (implicit GEMM, no column buffer). Which way the 256 invocations
// walk a tile while copying it is chosen per operand: along K when the operand's K stride is
// the unit one (A row-major, B transposed), along M/N otherwise, so that neighbouring
// invocations always read neighbouring words: a transposed operand loads as fast as a
// plain one.
//
// splitK cuts K into `splits` ranges (the z grid dim); each writes its partial product to
// its own [M, N] slice of the output, which the caller sums (the weight gradient of a
// convolution has a long K = images * pixels and few outputs).
import type { WebGPURuntime } from "./runtime.ts";
import { LIB, paramsDecl } from "./wgsl.ts";

export const TILE = 64;
const TK = 16;

export interface GemmSpec {
  /** Pipeline cache key (the caller's operand kinds and layout flags). */
  key: string;
  /** Element type of the products: f32 or i32. */
  type: "f32" | "i32";
  /** Storage declarations, bindings 1.. (binding 0 is the parameters). */
  decls: string;
  /** WGSL: fn readA(b: u32, i: u32, p: u32) -> T, called for in-range i < M, p < K. */
  readA: string;
  /** WGSL: fn readB(b: u32, p: u32, j: u32) -> T. */
  readB: string;
  /** WGSL: fn writeC(b: u32, i: u32, j: u32, v: T) (b is the split index under splitK). */
  writeC: string;
  /** A's K stride is the unit stride (copy its tile walking K). */
  aAlongK: boolean;
  /** B's N stride is the unit stride (copy its tile walking N). */
  bAlongN: boolean;
  /** Helper functions the read/write functions use. */
  extra?: string;
}

/** Words 0..4 of the parameters are the GEMM's: M, N, K, first batch, K per split. Callers' own start at 8. */
export const GEMM_PARAMS = 8;

export function gemm(rt: WebGPURuntime, spec: GemmSpec, params: Uint32Array, buffers: GPUBuffer[], m: number, n: number, k: number, batch: number, splits = 1): void {
  if (m === 0 || n === 0 || batch === 0) return;
  const vec4s = Math.ceil(params.length / 4);
  const kern = rt.kernel(`gemm|${spec.key}`, vec4s, () => code(spec, vec4s));
  const kPer = splits > 1 ? Math.ceil(k / splits) : k;
  const gx = Math.ceil(n / TILE);
  const gy = Math.ceil(m / TILE);
  const zs = splits > 1 ? splits : batch;
  // z is at most 65535 per dispatch; larger batches go in slices (word 3: the first batch).
  for (let z0 = 0; z0 < zs; z0 += 65535) {
    const p = params.slice();
    p[0] = m;
    p[1] = n;
    p[2] = k;
    p[3] = z0;
    p[4] = kPer;
    p[5] = splits > 1 ? 1 : 0;
    rt.dispatch(kern, p, buffers, [gx, gy, Math.min(65535, zs - z0)]);
  }
}

function code(s: GemmSpec, vec4s: number): string {
  const T = s.type;
  const zero = T === "f32" ? "0.0" : "0";
  // Tile copy: element e (0..1023) of a tile -> (row-or-k, col) in the order that makes
  // neighbouring invocations read neighbouring words.
  const aIdx = s.aAlongK ? "let am = e / 16u; let ak = e % 16u;" : "let am = e % 64u; let ak = e / 64u;";
  const bIdx = s.bAlongN ? "let bn = e % 64u; let bk = e / 64u;" : "let bn = e / 16u; let bk = e % 16u;";
  let fma = "";
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) fma += `      c${i}${j} = c${i}${j} + a${i} * b${j};\n`;
  let decl = "";
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) decl += `  var c${i}${j}: ${T} = ${zero};\n`;
  let writes = "";
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      writes += `  { let gi = row0 + lid.y + ${16 * i}u; let gj = col0 + lid.x + ${16 * j}u; if (gi < M && gj < N) { writeC(b, gi, gj, c${i}${j}); } }\n`;
    }
  }
  return `${paramsDecl(vec4s)}
${s.decls}
${LIB}
${s.extra ?? ""}
${s.readA}
${s.readB}
${s.writeC}
var<workgroup> As: array<${T}, ${TILE * TK}>;
var<workgroup> Bs: array<${T}, ${TILE * TK}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = pu(0u);
  let N = pu(1u);
  let K = pu(2u);
  let z = wid.z + pu(3u);
  let split = pu(5u) == 1u;
  // Under splitK, z is the split: batch 0, K range [z * kPer, (z + 1) * kPer).
  let b = select(z, 0u, split);
  let kBegin = select(0u, z * pu(4u), split);
  let kEnd = select(K, min(K, kBegin + pu(4u)), split);
  let row0 = wid.y * ${TILE}u;
  let col0 = wid.x * ${TILE}u;
  let t = lid.y * 16u + lid.x;
${decl}
  for (var k0 = kBegin; k0 < kEnd; k0 += ${TK}u) {
    for (var q = 0u; q < 4u; q++) {
      let e = t + 256u * q;
      ${aIdx}
      var va: ${T} = ${zero};
      if (row0 + am < M && k0 + ak < kEnd) { va = readA(b, row0 + am, k0 + ak); }
      As[ak * 64u + am] = va;
      ${bIdx}
      var vb: ${T} = ${zero};
      if (col0 + bn < N && k0 + bk < kEnd) { vb = readB(b, k0 + bk, col0 + bn); }
      Bs[bk * 64u + bn] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${TK}u; kk++) {
      let ar = kk * 64u + lid.y;
      let br = kk * 64u + lid.x;
      let a0 = As[ar]; let a1 = As[ar + 16u]; let a2 = As[ar + 32u]; let a3 = As[ar + 48u];
      let b0 = Bs[br]; let b1 = Bs[br + 16u]; let b2 = Bs[br + 32u]; let b3 = Bs[br + 48u];
${fma}    }
    workgroupBarrier();
  }
  let bOut = select(b, z, split);
${writes.replaceAll("writeC(b,", "writeC(bOut,")}}
`;
}
