// The page of test/browser/onnx.test.ts: in the browser, build the MNIST CNN from a trained
// state dict, export it with torch.onnx.export (bytes, no path), run it in onnxruntime-web
// (WASM) and report both libraries' predictions to the test's server.
import * as torch from "../../src/index.ts";
import { CNN } from "../../examples/mnistModels.ts";

type Ort = typeof import("onnxruntime-web");

async function main(): Promise<unknown> {
  const ort = (await import(String("/ort/ort.wasm.min.mjs"))) as Ort;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = "/ort/";
  const data = (await (await fetch("/data")).json()) as { n: number; pixels: number[]; state: string };
  const net = new CNN();
  const state = Uint8Array.from(atob(data.state), (c) => c.charCodeAt(0));
  net.loadStateDict(torch.loadFromBuffer(state) as Record<string, torch.Tensor>);
  net.eval();
  const digits = torch.tensor(Float32Array.from(data.pixels)).reshape(data.n, 1, 28, 28);
  const model = torch.onnx.export(net, [digits.narrow(0, 0, 4)], undefined, { inputNames: ["x"], outputNames: ["logits"], dynamicAxes: { x: { 0: "batch" } } });
  const session = await ort.InferenceSession.create(model, { executionProviders: ["wasm"] });
  const report: Record<string, unknown> = { bytes: model.length, backend: "wasm" };
  for (const batch of [data.n, 5]) {
    const x = digits.narrow(0, 0, batch).contiguous();
    const out = await session.run({ x: new ort.Tensor("float32", x.contiguousData() as Float32Array, x.shape) });
    const logits = out.logits.data as Float32Array;
    const want = torch.noGrad(() => net.forward(x));
    const w = want.contiguousData() as Float32Array;
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < w.length; i++) {
      diff = Math.max(diff, Math.abs(logits[i] - w[i]));
      scale = Math.max(scale, Math.abs(w[i]));
    }
    const argmax = (row: ArrayLike<number>, r: number) => {
      let best = 0;
      for (let j = 1; j < 10; j++) if (row[r * 10 + j] > row[r * 10 + best]) best = j;
      return best;
    };
    report[`batch${batch}`] = {
      dims: out.logits.dims,
      ort: Array.from({ length: batch }, (_, r) => argmax(logits, r)),
      torch: Array.from({ length: batch }, (_, r) => argmax(w, r)),
      relError: diff / scale,
    };
  }
  return report;
}

main().then(
  (r) => fetch("/result", { method: "POST", body: JSON.stringify(r) }),
  (e: Error) => fetch("/result", { method: "POST", body: JSON.stringify({ error: `${e.name}: ${e.message}\n${e.stack}` }) }),
);
