// The work one unit of a workload asks of the machine, counted on torch-ts's backend: every
// kernel call while the unit runs, with its floating-point operations (matrix products and
// convolutions, 2 per multiply-add; elementwise and reduction kernels are memory-bound and
// count as traffic only) and its bytes (each operand it reads once, each result it writes
// once, an array updated in place twice). With the machine's measured GEMM rate and memory
// bandwidth this gives the unit's "limit": the time the same kernel calls would take if each
// ran at the machine's peak rate for what it does (bench/lib/limits.ts).
import type { Work } from "./protocol.ts";

interface View { data: ArrayBufferView & { BYTES_PER_ELEMENT: number }; shape: readonly number[]; strides: readonly number[] }
interface Geometry { n: number; c: number; kh: number; kw: number; oh: number; ow: number }

const isView = (x: unknown): x is View =>
  typeof x === "object" && x !== null && ArrayBuffer.isView((x as View).data) && Array.isArray((x as View).shape);

/** Bytes of the distinct elements a strided view reads (broadcast dims, stride 0, once). */
function viewBytes(v: View): number {
  let n = 1;
  v.shape.forEach((d, i) => { if (v.strides[i] !== 0) n *= d; });
  return n * v.data.BYTES_PER_ELEMENT;
}

const arrayBytes = (x: unknown): number => (ArrayBuffer.isView(x) ? x.byteLength : isView(x) ? viewBytes(x) : 0);
const sum = (xs: unknown[]) => xs.reduce((s: number, x) => s + arrayBytes(x), 0);

/** Multiply-adds of a convolution: every output element of every image takes c*kh*kw. */
const convMacs = (g: Geometry, outChannels: number) => g.n * outChannels * g.c * g.kh * g.kw * g.oh * g.ow;

/** The work of one kernel call, by kernel name (arguments as the Backend interface orders them). */
function callWork(name: string, args: unknown[]): Work {
  switch (name) {
    case "matmul": {
      const [a, b, out, batch, m, k, n] = args as [View, View, ArrayBufferView, number, number, number, number];
      return { flop: 2 * batch * m * k * n, bytes: viewBytes(a) + viewBytes(b) + out.byteLength };
    }
    case "convForward": return { flop: 2 * convMacs(args[3] as Geometry, args[4] as number), bytes: sum([args[0], args[1], args[2], args[5]]) };
    case "convInputGrad":
    case "convWeightGrad": return { flop: 2 * convMacs(args[2] as Geometry, args[3] as number), bytes: sum([args[0], args[1], args[4]]) };
    // read and written: the parameter and its moments; read: the gradient
    case "adamUpdate": return { flop: 0, bytes: arrayBytes(args[1]) + 2 * sum([args[0], args[2], args[3], args[4]]) };
    // out += alpha * x; scatter into a pre-filled out
    case "axpy": return { flop: 0, bytes: arrayBytes(args[1]) + 2 * arrayBytes(args[2]) };
    case "scatter": return { flop: 0, bytes: 2 * arrayBytes(args[0]) + sum(args.slice(2)) };
    default: return { flop: 0, bytes: sum(args) };
  }
}

/** Runs `unit` with every function of `backend` counting its work (outermost calls only), then restores them. */
export function countWork(backend: object, unit: () => void): Work {
  const b = backend as Record<string, unknown>;
  const saved = new Map<string, (...a: unknown[]) => unknown>();
  const total: Work = { flop: 0, bytes: 0 };
  let depth = 0;
  for (const [name, f] of Object.entries(b)) {
    if (typeof f !== "function") continue;
    saved.set(name, f as (...a: unknown[]) => unknown);
    b[name] = function (this: unknown, ...args: unknown[]) {
      if (depth === 0) {
        const w = callWork(name, args);
        total.flop += w.flop;
        total.bytes += w.bytes;
      }
      depth++;
      try {
        return (f as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        depth--;
      }
    };
  }
  try {
    unit();
  } finally {
    for (const [name, f] of saved) b[name] = f;
  }
  return total;
}
