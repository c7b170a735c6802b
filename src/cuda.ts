// torch.cuda as on a PyTorch built without CUDA, which is what torch-ts is: ported code that
// asks (`torch.cuda.isAvailable() ? "cuda" : "cpu"`) takes its CPU branch, the seeding and
// cache calls such code makes unconditionally are silently ignored as PyTorch ignores them, and
// anything that needs a CUDA device raises PyTorch's AssertionError. torch-ts's GPU device is
// webgpu (torch.accelerator, torch.webgpu).
import { AssertionError } from "./errors.ts";

const notCompiled = (): never => {
  throw new AssertionError("Torch not compiled with CUDA enabled");
};

/** False: there is no CUDA device. */
export const isAvailable = (): boolean => false;
/** 0 CUDA devices. */
export const deviceCount = (): number => 0;
/** False: CUDA is never initialized. */
export const isInitialized = (): boolean => false;
/** Ignored without CUDA, as in PyTorch (the CPU generator is torch.manualSeed's). */
export const manualSeed = (_seed: number | bigint): void => {};
/** Ignored without CUDA, as in PyTorch. */
export const manualSeedAll = (_seed: number | bigint): void => {};
/** Nothing to free without CUDA, as in PyTorch. */
export const emptyCache = (): void => {};
/** PyTorch's AssertionError: there is no CUDA device to wait for. */
export const synchronize = (): never => notCompiled();
/** PyTorch's AssertionError: there is no current CUDA device. */
export const currentDevice = (): never => notCompiled();
/** PyTorch's AssertionError: there is no CUDA device to name. */
export const getDeviceName = (_device?: number): never => notCompiled();
