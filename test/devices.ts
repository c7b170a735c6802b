// The devices the fixture suites run on: "cpu" always, "webgpu" where a WebGPU adapter exists
// (SwiftShader on machines without a GPU: tools/run-tests.sh sets it up). WGSL has no float64,
// so on webgpu a float64 fixture case runs in float32 ("demoted"): its inputs are cast before
// they move, and its results are compared with the float32 tolerance of the suite, widened
// for demotion where the suite says so (PyTorch computed the expected values in float64).
import * as torch from "../src/index.ts";

type Tensor = torch.Tensor;
export type DeviceName = "cpu" | "webgpu";

/**
 * Acquires the webgpu device: "" when it is there, else the reason the webgpu suite is
 * skipped, said plainly ("webgpu suite did not run: ...").
 */
export async function webgpuSkipReason(): Promise<string> {
  try {
    await torch.webgpu.init();
    return "";
  } catch (e) {
    return webgpuUnavailable(e as Error);
  }
}

/**
 * The skip reason for a failed WebGPU init. CI installs chromium, whose SwiftShader driver
 * gives an adapter: there, no adapter is an error, never a skipped suite.
 */
export function webgpuUnavailable(e: Error): string {
  if (process.env.CI) throw new Error(`CI needs a WebGPU adapter (.ci/run installs chromium for SwiftShader): ${e.message}`);
  return `webgpu suite did not run: ${e.message}`;
}

/** The dtype a fixture dtype runs in on `device`. */
export const runDtype = (dtype: torch.DType, device: DeviceName): torch.DType => (device === "webgpu" && dtype === "float64" ? "float32" : dtype);

/** A fixture tensor (built on the CPU) as a leaf on `device`, float64 demoted there. */
export function toDevice(t: Tensor, device: DeviceName): Tensor {
  if (device === "cpu") return t;
  const out = t.detach().to(device, runDtype(t.dtype, device));
  return t.requiresGrad ? out.requiresGrad_(true) : out;
}

/**
 * A result as a CPU tensor of the dtype the fixture expects: read back from the device, and a
 * demoted float32 result widened to float64 (exactly) so the suite's dtype check still holds.
 */
export async function toHost(t: Tensor, expected?: torch.DType): Promise<Tensor> {
  const host = t.device.type === "cpu" ? t : await t.cpuAsync();
  return expected === "float64" && host.dtype === "float32" && t.device.type !== "cpu" ? host.to("float64") : host;
}
