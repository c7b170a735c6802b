// The subscript fixture's cases (indexing.json, real PyTorch): x[index] and y[index] = v,
// values and gradients, on a device. Index tensors stay on the CPU, as PyTorch lets them index
// a tensor on any device (they are uploaded; bool masks are turned into positions on the host).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../src/index.ts";
import { toDevice, toHost, type DeviceName } from "./devices.ts";

type Stored = { shape: number[]; dtype: string; data: Array<number | boolean> };
type RawItem = number | boolean | null | string | { slice: Array<number | null> } | { t: unknown[]; dtype: string };
export type IndexCase = { kind: "read" | "write"; name: string; str: string | null; items: RawItem[]; out: Stored; up: Stored; gradX: Stored; v?: Stored; gradV?: Stored; gradFn?: string };
const fx = JSON.parse(readFileSync(new URL("./fixtures/indexing.json", import.meta.url), "utf8")) as { x: Stored; maskFull: Stored; cases: IndexCase[] };
export const indexCases = fx.cases;

const make = (s: Stored, requiresGrad = false): torch.Tensor => torch.tensor(s.data as number[], { dtype: s.dtype as torch.DType }).reshape(s.shape).requiresGrad_(requiresGrad);

async function close(t: torch.Tensor, want: Stored, what: string, device: DeviceName): Promise<void> {
  const got = await toHost(t);
  assert.deepEqual(got.shape, want.shape, `${what} shape`);
  const g = got.reshape(-1).tolist() as number[];
  // float64 to round-off on the CPU; float32's rounding where webgpu runs the float64 case in float32
  const tol = (w: number) => (device === "cpu" ? 1e-12 : 1e-6 * Math.max(1, Math.abs(w)));
  want.data.forEach((w, i) => assert.ok(Math.abs(g[i]! - (w as number)) <= tol(w as number), `${what}[${i}]: ${g[i]} vs ${w}`));
}
function item(r: RawItem): torch.IndexItem {
  if (r === "mask_full") return make(fx.maskFull);
  if (r !== null && typeof r === "object" && "slice" in r) return { start: r.slice[0], stop: r.slice[1], step: r.slice[2] };
  if (r !== null && typeof r === "object" && "t" in r) return torch.tensor(r.t as number[], { dtype: r.dtype as torch.DType });
  return r;
}
/** The case's index as items and, where it has one, as a subscript string. */
export const indexForms = (c: IndexCase): Array<[string, torch.Index]> => {
  const out: Array<[string, torch.Index]> = [["items", c.items.map(item)]];
  if (c.str !== null) out.push([`"${c.str}"`, c.str]);
  return out;
};

export async function checkIndexCase(c: IndexCase, index: torch.Index, device: DeviceName = "cpu"): Promise<void> {
  const x = toDevice(make(fx.x, true), device);
  if (c.kind === "read") {
    const out = x.index(index);
    await close(out, c.out, "value", device);
    out.mul(toDevice(make(c.up), device)).sum().backward();
    await close(x.grad!, c.gradX, "grad x", device);
    return;
  }
  const v = toDevice(make(c.v!, true), device);
  const y = x.mul(1);
  y.indexPut_(index, v.mul(1));
  await close(y, c.out, "value", device);
  y.mul(toDevice(make(c.up), device)).sum().backward();
  await close(x.grad!, c.gradX, "grad x", device);
  await close(v.grad!, c.gradV!, "grad v", device);
}
