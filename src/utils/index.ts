// torch.utils
export * as data from "./data/index.ts";
export * as tensorboard from "./tensorboard/index.ts";
