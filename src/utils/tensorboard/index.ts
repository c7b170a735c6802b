// torch.utils.tensorboard
export { SummaryWriter, type SummaryWriterOptions } from "./writer.ts";
