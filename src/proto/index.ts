// Protocol buffers through protobufjs, with the messages of the formats' own .proto files
// (proto/: ONNX's onnx.proto, TensorBoard's event/summary/graph/... definitions), compiled by
// tools/gen-proto.mjs into descriptors; a reflection root is built from one on first use, so
// importing torch-ts costs no reflection work. Field names are the .proto's (snake_case).
import type { INamespace, Root, Type } from "protobufjs";
import { protobufjs } from "#deps";
import onnxDescriptor from "./onnx.generated.js";
import tensorboardDescriptor from "./tensorboard.generated.js";

const roots = new Map<object, Root>();
const cache = new Map<string, Type>();
function type(descriptor: INamespace, name: string): Type {
  let t = cache.get(name);
  if (t === undefined) {
    let root = roots.get(descriptor);
    if (root === undefined) {
      root = protobufjs().Root.fromJSON(descriptor);
      roots.set(descriptor, root);
    }
    t = root.lookupType(name);
    cache.set(name, t);
  }
  return t;
}

/** A message as a plain object with the .proto's field names (64-bit integers as numbers). */
export type Message = Record<string, unknown>;

/** Every key must be a field of the message (fromObject would drop a misspelt one silently). */
function checkFields(t: Type, obj: Message, where: string): void {
  for (const [k, v] of Object.entries(obj)) {
    const field = t.fields[k];
    if (field === undefined) throw new Error(`${where}: ${t.name} has no field '${k}'`);
    const sub = field.resolve().resolvedType;
    if (!(sub instanceof protobufjs().Type) || v === null || v === undefined) continue;
    const items = field.map ? Object.values(v as object) : field.repeated ? (v as Message[]) : [v as Message];
    for (const item of items) if (!(item instanceof Uint8Array)) checkFields(sub, item as Message, `${where}.${k}`);
  }
}

function encode(descriptor: INamespace, name: string, message: Message): Uint8Array {
  const t = type(descriptor, name);
  checkFields(t, message, name);
  const m = t.fromObject(message);
  const err = t.verify(m);
  if (err) throw new Error(`${name}: ${err}`);
  const b = t.encode(m).finish();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); // a plain Uint8Array, also where protobufjs gives a Node Buffer
}

/** Encodes an onnx.* message (e.g. "onnx.ModelProto"). */
export const encodeOnnx = (name: string, message: Message): Uint8Array => encode(onnxDescriptor, name, message);
/** Encodes a tensorboard.* message (e.g. "tensorboard.Event"). */
export const encodeTensorboard = (name: string, message: Message): Uint8Array => encode(tensorboardDescriptor, name, message);
