// torch.utils.tensorboard
export { SummaryWriter, type SummaryWriterOptions, type Step, type When } from "./writer.ts";
export type { HParamValue } from "./summary.ts";
