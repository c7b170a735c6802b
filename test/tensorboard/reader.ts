// An events-file reader for the tests, independent of the writer: it checks both CRCs of each
// record with its own bitwise CRC-32C and decodes events with protobufjs parsing TensorBoard's
// .proto files (proto/) at run time.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs";

/** Bitwise CRC-32C (Castagnoli, reflected 0x82F63B78), masked as TensorFlow masks it. */
export function maskedCrc(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  crc = (crc ^ 0xffffffff) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

export interface Records {
  records: Uint8Array[];
  /** Bytes after the last complete record (a record cut off by a crash). */
  trailing: number;
}

/** Splits framed records, throwing on a bad CRC; a truncated last record is reported, not read. */
export function readRecords(bytes: Uint8Array): Records {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at + 12 <= bytes.length) {
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskedCrc(bytes.subarray(at, at + 8))) throw new Error(`bad length CRC at byte ${at}`);
    if (at + 16 + len > bytes.length) break;
    const data = bytes.subarray(at + 12, at + 12 + len);
    if (view.getUint32(at + 12 + len, true) !== maskedCrc(data)) throw new Error(`bad data CRC at byte ${at}`);
    records.push(data);
    at += 16 + len;
  }
  return { records, trailing: bytes.length - at };
}

const PROTO = join(import.meta.dirname, "../../proto");
let root: protobuf.Root | null = null;
export function tensorboardProtos(): protobuf.Root {
  if (root === null) {
    const r = new protobuf.Root();
    r.resolvePath = (_origin, target) => (target.startsWith("google/protobuf/") ? target : join(PROTO, target));
    root = r.loadSync(["tensorboard/compat/proto/event.proto", "tensorboard/compat/proto/graph.proto", "tensorboard/plugins/hparams/plugin_data.proto", "tensorboard/plugins/text/plugin_data.proto"], { keepCase: true });
  }
  return root;
}

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A message as JSON-like data: int64 as strings, enums by name, bytes base64, snake_case keys. */
function toPlain(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  const o = type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: String });
  const fix = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(fix);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), fix(x)]));
    return v;
  };
  return fix(o) as Record<string, unknown>;
}

// Decoded messages, typed by the fields the tests read. The types say what a field holds when it
// is there (protobuf leaves default values out, so e.g. step 0 is absent: step is optional).
export interface PlainHisto {
  min: number; max: number; num: number; sum: number; sum_squares: number; bucket_limit: number[]; bucket: number[];
}
export interface PlainTensor {
  dtype: string; tensor_shape: { dim: Array<{ size: string }> }; string_val: string[]; double_val: number[];
}
export interface PlainValue {
  tag: string;
  simple_value: number;
  histo: PlainHisto;
  image: { height: number; width: number; colorspace: number; encoded_image_string: string };
  tensor: PlainTensor;
  metadata: { plugin_data: { plugin_name: string; content: unknown } };
}
export interface PlainNode {
  name: string; op: string; input?: string[];
  attr: Record<string, { s: string; list: { shape: Array<{ dim: Array<{ size: string }> }> } }>;
}
export interface PlainEvent {
  wall_time: number;
  step?: string;
  file_version: string;
  summary: { value: PlainValue[] };
  graph_def: { node: PlainNode[]; versions: unknown };
}

/** Decodes an Event, and inside it the graph_def and the plugin contents the writer nests as bytes. */
export function decodeEvent(bytes: Uint8Array): PlainEvent {
  const r = tensorboardProtos();
  const ev = toPlain(r.lookupType("tensorboard.Event"), bytes);
  if (typeof ev.graph_def === "string") ev.graph_def = toPlain(r.lookupType("tensorboard.GraphDef"), Buffer.from(ev.graph_def, "base64"));
  const values = (ev.summary as { value?: Array<Partial<PlainValue>> } | undefined)?.value ?? [];
  for (const v of values) {
    const pd = v.metadata?.plugin_data;
    if (pd === undefined || typeof pd.content !== "string") continue;
    const t = pd.plugin_name === "hparams" ? "tensorboard.hparams.HParamsPluginData" : pd.plugin_name === "text" ? "tensorboard.TextPluginData" : null;
    if (t !== null) pd.content = toPlain(r.lookupType(t), Buffer.from(pd.content, "base64"));
  }
  return ev as unknown as PlainEvent;
}

export function readEvents(file: string): PlainEvent[] {
  const { records, trailing } = readRecords(new Uint8Array(readFileSync(file)));
  if (trailing !== 0) throw new Error(`${file}: ${trailing} bytes of a cut-off record`);
  return records.map(decodeEvent);
}

/** The Python side: protoc compiles the same .proto files; events are decoded the same way. */
export const PYTHON_DECODER = String.raw`
import sys, json, base64, struct, subprocess, tempfile, os
proto, files = sys.argv[1], sys.argv[2:]
out = tempfile.mkdtemp()
srcs = ["tensorboard/compat/proto/" + f for f in os.listdir(os.path.join(proto, "tensorboard/compat/proto"))]
srcs += ["tensorboard/plugins/hparams/api.proto", "tensorboard/plugins/hparams/plugin_data.proto", "tensorboard/plugins/text/plugin_data.proto"]
subprocess.run(["protoc", "-I" + proto, "-I/usr/include", "--python_out=" + out] + srcs, check=True)
sys.path.insert(0, out)
from tensorboard.compat.proto import event_pb2, graph_pb2
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.plugins.text import plugin_data_pb2 as text_pb2
from google.protobuf.descriptor import FieldDescriptor as F

def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82f63b78 if crc & 1 else crc >> 1
    crc ^= 0xffffffff
    return (((crc >> 15) | (crc << 17)) + 0xa282ead8) & 0xffffffff

def plain(msg):
    d = {}
    for f, v in msg.ListFields():
        def one(x):
            if f.type == F.TYPE_MESSAGE: return plain(x)
            if f.type == F.TYPE_BYTES: return base64.b64encode(x).decode()
            if f.type == F.TYPE_ENUM: return f.enum_type.values_by_number[x].name
            if f.type in (F.TYPE_INT64, F.TYPE_UINT64, F.TYPE_SINT64, F.TYPE_FIXED64, F.TYPE_SFIXED64): return str(x)
            return x
        if f.message_type is not None and f.message_type.GetOptions().map_entry:
            vf = f.message_type.fields_by_name["value"]
            d[f.name] = {k: (plain(x) if vf.type == F.TYPE_MESSAGE else x) for k, x in v.items()}
        elif f.label == F.LABEL_REPEATED: d[f.name] = [one(x) for x in v]
        else: d[f.name] = one(v)
    return d

result = {}
for path in files:
    data = open(path, "rb").read()
    events, at = [], 0
    while at + 12 <= len(data):
        (n,) = struct.unpack("<Q", data[at:at + 8])
        assert struct.unpack("<I", data[at + 8:at + 12])[0] == crc32c(data[at:at + 8]), "length crc"
        body = data[at + 12:at + 12 + n]
        assert struct.unpack("<I", data[at + 12 + n:at + 16 + n])[0] == crc32c(body), "data crc"
        ev = event_pb2.Event.FromString(body)
        d = plain(ev)
        if ev.HasField("graph_def"): d["graph_def"] = plain(graph_pb2.GraphDef.FromString(ev.graph_def))
        for i, v in enumerate(ev.summary.value):
            pd = v.metadata.plugin_data
            if pd.plugin_name == "hparams" and pd.content: d["summary"]["value"][i]["metadata"]["plugin_data"]["content"] = plain(plugin_data_pb2.HParamsPluginData.FromString(pd.content))
            if pd.plugin_name == "text" and pd.content: d["summary"]["value"][i]["metadata"]["plugin_data"]["content"] = plain(text_pb2.TextPluginData.FromString(pd.content))
        events.append(d)
        at += 16 + n
    assert at == len(data), "trailing bytes"
    result[path] = events
print(json.dumps(result))
`;
