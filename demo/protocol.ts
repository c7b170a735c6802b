// The messages between the page (main.ts) and the training worker (worker.ts).

/** What the worker trains and computes on, as the page reports it. */
export interface Environment {
  /** "cpu": torch-ts tensors live on the CPU (the only device its Tensor API has on main). */
  device: "cpu";
  /** The wasm kernels: null where WebAssembly SIMD is missing (TypeScript kernels only). */
  wasm: { shared: boolean; relaxedSimd: boolean } | null;
  threads: number;
  crossOriginIsolated: boolean;
  /** The WebGPU adapter navigator.gpu gave, if any ("vendor architecture"), and why it is not used. */
  webgpu: { adapter: string | null; note: string };
  trainDigits: number;
  testDigits: number;
}

export interface TrainOptions {
  steps: number;
  batchSize: number;
  lr: number;
  /** Held-out accuracy every this many steps (and after the last). */
  evalEvery: number;
}

export type ToWorker =
  | { type: "train"; options: TrainOptions }
  | { type: "predict"; id: number; pixels: Float32Array };

export type FromWorker =
  | { type: "ready"; env: Environment }
  | { type: "step"; step: number; loss: number; batchAccuracy: number }
  | { type: "eval"; step: number; loss: number; accuracy: number }
  | { type: "done"; steps: number; seconds: number }
  | {
    type: "prediction";
    id: number;
    probabilities: number[];
    predicted: number;
    /** |d logit / d pixel| of the predicted class, 784 values. */
    saliency: Float32Array;
    /** Integrated Gradients from a black image, 784 signed values, and its convergence delta. */
    integratedGradients: Float32Array;
    /** The attributions' sum, which Integrated Gradients makes F(x) - F(black) up to `delta`. */
    attributionSum: number;
    delta: number;
    ms: number;
  }
  | { type: "error"; message: string };
