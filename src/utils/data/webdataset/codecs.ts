// What a WebDataset sample's files become, by extension (webdataset's default decoders), and
// what ShardWriter makes of a sample's values (its encoders). The extension is the part of a
// file's name after its last dot: "cls", "json", "seg.npy" -> "npy".
//   json, jsn                 JSON.parse of the UTF-8 text
//   txt, text, transcript     the UTF-8 text
//   cls, cls2, class, count, index, inx, id
//                             an integer (a class label): collated like any number
//   npy                       a Tensor (npy.ts)
//   safetensors, st           a record of Tensors (torch-ts's safetensors reader)
//   pth, pt                   what torch.load gives (PyTorch's zip format or safetensors)
// Anything else (jpg, png, wav, ...) stays a Uint8Array unless a decoder is given for it.
import { ValueError } from "../../../errors.ts";
import { loadFromBuffer, saveToBuffer } from "../../../serialization/tensorAdapter.ts";
import { Tensor } from "../../../tensor.ts";
import { decodeNpy, encodeNpy } from "./npy.ts";

/** A decoder gets the file's bytes and the sample so far (its __key__, __url__, ...). */
export type Decoder = (data: Uint8Array, sample: Record<string, unknown>) => unknown;
/** Decoders by extension; `null` keeps that extension's bytes as they are. */
export type Decoders = Record<string, Decoder | null>;
/** An encoder turns a sample's value for an extension into the file's bytes. */
export type Encoder = (value: unknown) => Uint8Array;

const text = new TextDecoder("utf-8");
const bytesOf = new TextEncoder();

function integer(data: Uint8Array, sample: Record<string, unknown>): number {
  const s = text.decode(data).trim();
  const v = Number(s);
  if (s === "" || !Number.isInteger(v)) throw new ValueError(`sample ${String(sample.__key__)}: class label '${s}' is not an integer`);
  return v;
}

const json: Decoder = (d) => JSON.parse(text.decode(d));
const txt: Decoder = (d) => text.decode(d);
const load: Decoder = (d) => loadFromBuffer(d);

export const DEFAULT_DECODERS: Readonly<Decoders> = {
  json, jsn: json,
  txt, text: txt, transcript: txt,
  cls: integer, cls2: integer, class: integer, count: integer, index: integer, inx: integer, id: integer,
  npy: (d, s) => decodeNpy(d, `sample ${String(s.__key__)}`, false), // the member's bytes become the storage
  safetensors: load, st: load, pth: load, pt: load,
};

export const extensionOf = (field: string): string => field.slice(field.lastIndexOf(".") + 1).toLowerCase();

const utf8 = (v: unknown): Uint8Array => bytesOf.encode(String(v));

export const DEFAULT_ENCODERS: Readonly<Record<string, Encoder>> = {
  json: (v) => bytesOf.encode(JSON.stringify(v)),
  jsn: (v) => bytesOf.encode(JSON.stringify(v)),
  txt: utf8, text: utf8, transcript: utf8,
  cls: utf8, cls2: utf8, class: utf8, count: utf8, index: utf8, inx: utf8, id: utf8,
  npy: (v) => {
    if (!(v instanceof Tensor)) throw new ValueError(`.npy values must be Tensors, got ${typeof v}`);
    return encodeNpy(v);
  },
  safetensors: (v) => saveToBuffer(v),
  st: (v) => saveToBuffer(v),
  pth: (v) => saveToBuffer(v, { format: "pt" }),
  pt: (v) => saveToBuffer(v, { format: "pt" }),
};
