// Protocol buffers through protobufjs, with the messages of the formats' own .proto files
// (proto/: ONNX's onnx.proto, TensorBoard's event/summary/graph/... definitions), compiled by
// tools/gen-proto.mjs into reflection modules. Field names are the .proto's (snake_case).
import type { Root, Type } from "protobufjs";
import onnxRoot from "./onnx.generated.js";
import tensorboardRoot from "./tensorboard.generated.js";

const cache = new Map<string, Type>();
function type(root: Root, name: string): Type {
  let t = cache.get(name);
  if (t === undefined) {
    t = root.lookupType(name);
    cache.set(name, t);
  }
  return t;
}

/** A message as a plain object with the .proto's field names (64-bit integers as numbers). */
export type Message = Record<string, unknown>;

function encode(root: Root, name: string, message: Message): Uint8Array {
  const t = type(root, name);
  const err = t.verify(message);
  if (err) throw new Error(`${name}: ${err}`);
  const b = t.encode(t.fromObject(message)).finish();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); // a plain Uint8Array, also where protobufjs gives a Node Buffer
}

/** Encodes an onnx.* message (e.g. "onnx.ModelProto"). */
export const encodeOnnx = (name: string, message: Message): Uint8Array => encode(onnxRoot, name, message);
/** Encodes a tensorboard.* message (e.g. "tensorboard.Event"). */
export const encodeTensorboard = (name: string, message: Message): Uint8Array => encode(tensorboardRoot, name, message);
