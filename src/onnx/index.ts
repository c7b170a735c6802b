// torch.onnx
export { onnxExport as export, type ExportOptions, type Forward } from "./export.ts";
