// Finding a GPUDevice: `navigator.gpu` in browsers (and Deno), the optional npm package
// `webgpu` (Dawn's Node bindings) in Node. Acquisition is asynchronous (requestAdapter and
// requestDevice return promises) and happens once, on the first request; a failure is kept
// with its reason so every later request reports the same thing instead of retrying.

/** Why no device could be had, in words a user can act on. */
export class WebGPUUnavailableError extends Error {
  override name = "RuntimeError";
}

export interface AcquiredDevice {
  device: GPUDevice;
  /** "Vendor architecture (description)" as the adapter reports it, e.g. SwiftShader's. */
  adapterName: string;
  /** Where the device came from: "navigator.gpu" or "node:webgpu". */
  source: string;
}

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

interface NodeProcess {
  versions?: { node?: string };
  platform?: string;
  env?: Record<string, string | undefined>;
}
const nodeProcess = (globalThis as { process?: NodeProcess }).process;
const inNode = typeof nodeProcess?.versions?.node === "string";

/** The package's `create` keeps Dawn's instance alive: it must stay referenced for the device's life. */
let dawnInstance: GPU | null = null;

async function findGPU(): Promise<{ gpu: GPU; source: string }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu, source: "navigator.gpu" };
  if (!inNode) {
    throw new WebGPUUnavailableError("webgpu is not available: this JavaScript environment has no navigator.gpu (browsers: Chrome/Edge 113+, Safari 26+, Firefox 141+ on Windows; the page must be served over https or localhost)");
  }
  // A variable specifier keeps bundlers from resolving the optional Node-only package.
  const specifier = "webgpu";
  let mod: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as typeof mod;
  } catch (e) {
    throw new WebGPUUnavailableError(`webgpu is not available: the optional dependency "webgpu" (Dawn's Node bindings) could not be loaded: install it with \`npm install webgpu\` (${(e as Error).message})`);
  }
  // GPUBufferUsage, GPUMapMode, ... are globals in browsers; Dawn's package exports them.
  for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  dawnInstance ??= mod.create([]);
  return { gpu: dawnInstance, source: "node:webgpu" };
}

function noAdapterHint(source: string): string {
  if (source !== "node:webgpu") return "the browser offers WebGPU but returned no adapter (blocklisted GPU or driver, or WebGPU disabled in its flags)";
  if (nodeProcess?.platform !== "linux") return "Dawn found no GPU adapter";
  const icd = nodeProcess.env?.VK_ICD_FILENAMES;
  return (
    "Dawn found no Vulkan adapter. It needs libvulkan.so.1 (Debian: apt-get install libvulkan1, or LD_LIBRARY_PATH=/usr/lib/chromium, which ships one) " +
    "and a Vulkan driver; without a GPU, SwiftShader from Debian's chromium package is one: " +
    (icd ? `VK_ICD_FILENAMES is set (${icd}) but gave no adapter` : `VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`)
  );
}

let pending: Promise<AcquiredDevice> | null = null;

/** The device, acquired on the first call (later calls share it, or share the failure). */
export function acquireDevice(): Promise<AcquiredDevice> {
  pending ??= (async () => {
    const { gpu, source } = await findGPU();
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) throw new WebGPUUnavailableError(`webgpu is not available: ${noAdapterHint(source)}`);
    const lim = adapter.limits;
    // Everything the kernels can use, up to what the adapter allows (the defaults are far lower:
    // 128 MiB bindings, 16 KiB workgroup memory).
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxBufferSize: lim.maxBufferSize,
        maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
        maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage,
        maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: lim.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: lim.maxComputeWorkgroupSizeX,
        maxComputeWorkgroupSizeY: lim.maxComputeWorkgroupSizeY,
      },
    });
    const info = adapter.info;
    const adapterName = [info?.vendor, info?.architecture, info?.description].filter((s) => s).join(" ") || "unknown adapter";
    return { device, adapterName, source };
  })();
  return pending;
}
