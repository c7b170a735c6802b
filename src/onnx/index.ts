// torch.onnx
export { onnxExport as export, type ExportOptions } from "./export.ts";
