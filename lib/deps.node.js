// Runtime dependencies that only some APIs need (protobufjs for torch.onnx.export and the
// TensorBoard writer, fast-png for its images), loaded on first use so that importing
// torch-ts does not evaluate them (about half of its import time otherwise). Node takes this
// file (package.json "imports" #deps, condition "node"); bundles take deps.browser.js.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let protobuf;
let png;

/** protobufjs/light (CommonJS). */
export const protobufjs = () => (protobuf ??= require("protobufjs/light.js"));
/** fast-png (an ES module: require() of it needs Node >= 20.19). */
export const fastPng = () => (png ??= require("fast-png"));
