// torch.accelerator: PyTorch's device-generic API (the idiom of pytorch/examples):
//   const device = (await torch.accelerator.isAvailable()) ? torch.accelerator.currentAccelerator()! : torch.device("cpu");
// torch-ts's one accelerator is webgpu. isAvailable() is asynchronous (acquiring a WebGPU
// device is); currentAccelerator() is the synchronous answer once it resolved.
import { WEBGPU, type Device } from "./device.ts";
import * as webgpu from "./webgpu.ts";

/** Whether an accelerator (a WebGPU device) can be used; acquires it on the first call. */
export const isAvailable = (): Promise<boolean> => webgpu.isAvailable();

/** The accelerator's device once isAvailable() (or torch.webgpu.init()) succeeded, else null. */
export const currentAccelerator = (): Device | null => (webgpu.isInitialized() ? WEBGPU : null);

/** Accelerator devices ready for use: 1 after a successful isAvailable(), else 0. */
export const deviceCount = (): number => webgpu.deviceCount();

/** Waits for the accelerator's recorded work (and raises the errors it found); resolves at once without one. */
export const synchronize = (): Promise<void> => webgpu.synchronize();
