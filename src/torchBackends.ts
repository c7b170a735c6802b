// torch.backends: the switches ported code sets or reads. torch-ts has neither cuDNN nor MPS:
// their availability reads false, and the cuDNN flags are plain settings with PyTorch's
// defaults that nothing consults (as on a PyTorch without CUDA).

/** torch.backends.cudnn: PyTorch's flags and their defaults. */
export const cudnn = {
  /** Whether cuDNN is used where available (PyTorch's default true). */
  enabled: true,
  /** Choose deterministic algorithms (PyTorch's default false). */
  deterministic: false,
  /** Let cuDNN benchmark algorithms (PyTorch's default false). */
  benchmark: false,
  /** False: there is no cuDNN. */
  isAvailable: (): boolean => false,
};

/** torch.backends.mps: Apple's Metal device, which torch-ts does not have. */
export const mps = {
  /** False: there is no MPS device. */
  isAvailable: (): boolean => false,
  /** False: torch-ts is not built with MPS. */
  isBuilt: (): boolean => false,
};
