// A JSON parser for text that comes from files (the safetensors header, torch-ts's structure
// metadata). Unlike JSON.parse it
//   - bounds nesting (`maxDepth`, as serde_json's recursion limit does for the reference
//     safetensors reader), and never recurses: its own stack is an array;
//   - returns objects as Maps, so a key such as "__proto__" or "constructor" is only ever
//     data, and refuses duplicate keys (which JSON readers resolve differently);
//   - charges what it builds to the load's Budget as it goes.
// Time is linear in the text.

import { SafetensorError } from "./errors.ts";
import { type Budget, OBJECT_BYTES, SLOT_BYTES } from "./limits.ts";

export type Json = null | boolean | number | string | Json[] | JsonObject;
export type JsonObject = Map<string, Json>;

export interface ParseJsonOptions {
  /** Most nested arrays/objects (the outermost one is depth 1). */
  maxDepth: number;
  /** What the text is, for error messages ("header", "__metadata__['torch-ts.structure']"). */
  what: string;
  budget?: Budget;
}

const WS = new Uint8Array(128);
for (const c of " \t\n\r") WS[c.charCodeAt(0)] = 1;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
// eslint-disable-next-line no-control-regex -- JSON escapes exactly these: the quote, the backslash and U+0000-U+001F
const SPECIAL = /["\\\u0000-\u001f]/g;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

type Frame = { arr: Json[] } | { obj: JsonObject; key: string };

export function parseJson(text: string, opts: ParseJsonOptions): Json {
  const { maxDepth, what, budget } = opts;
  let i = 0;
  const n = text.length;
  const fail = (msg: string): never => {
    throw new SafetensorError(`${what} is not valid JSON: ${msg} at position ${i}`);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c >= 128 || !WS[c]) break;
      i++;
    }
  };
  const string = (): string => {
    // text[i] is the opening quote
    i++;
    let out = "";
    let start = i;
    for (;;) {
      SPECIAL.lastIndex = i; // jump to the next quote, backslash or control character
      i = SPECIAL.test(text) ? SPECIAL.lastIndex - 1 : n;
      if (i >= n) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail("control character in string");
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          const r = e !== undefined && Object.hasOwn(ESCAPES, e) ? ESCAPES[e]! : fail("bad escape");
          out += r;
          i += 2;
        }
        start = i;
      }
    }
    out += text.slice(start, i);
    i++;
    budget?.charge(out.length + SLOT_BYTES, () => `a ${out.length}-character string in the ${what}`);
    return out;
  };
  const scalar = (): Json => {
    const c = text[i];
    if (c === '"') return string();
    if (text.startsWith("true", i)) return (i += 4), true;
    if (text.startsWith("false", i)) return (i += 5), false;
    if (text.startsWith("null", i)) return (i += 4), null;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail(i >= n ? "unexpected end" : `unexpected character ${JSON.stringify(c)}`);
    i += m[0].length;
    return Number(m[0]);
  };
  const key = (): string => {
    ws();
    if (text[i] !== '"') fail("expected a string key");
    const k = string();
    ws();
    if (text[i] !== ":") fail("expected ':'");
    i++;
    return k;
  };
  const open = (stack: Frame[]) => {
    if (stack.length >= maxDepth) throw new SafetensorError(`${what} nests deeper than ${maxDepth} levels (at position ${i})`);
    budget?.charge(OBJECT_BYTES, () => `a container in the ${what}`);
  };

  const stack: Frame[] = [];
  for (;;) {
    // Expecting a value.
    ws();
    let v: Json;
    const c = text[i];
    if (c === "{" || c === "[") {
      open(stack);
      i++;
      ws();
      if (c === "{") {
        if (text[i] === "}") {
          i++;
          v = new Map();
        } else {
          stack.push({ obj: new Map(), key: key() });
          continue;
        }
      } else if (text[i] === "]") {
        i++;
        v = [];
      } else {
        stack.push({ arr: [] });
        continue;
      }
    } else {
      v = scalar();
    }
    // A complete value: attach it to its parents, closing every container that ends here.
    for (;;) {
      const f = stack[stack.length - 1];
      if (!f) {
        ws();
        if (i !== n) fail("trailing characters");
        return v;
      }
      budget?.charge(SLOT_BYTES, () => `an element in the ${what}`);
      ws();
      if ("arr" in f) {
        f.arr.push(v);
        if (text[i] === ",") {
          i++;
          break;
        }
        if (text[i] !== "]") fail("expected ',' or ']'");
        i++;
        v = f.arr;
      } else {
        if (f.obj.has(f.key)) fail(`duplicate key ${JSON.stringify(f.key.slice(0, 64))}`);
        f.obj.set(f.key, v);
        if (text[i] === ",") {
          i++;
          f.key = key();
          break;
        }
        if (text[i] !== "}") fail("expected ',' or '}'");
        i++;
        v = f.obj;
      }
      stack.pop();
    }
  }
}

/** A short, bounded description of a JSON value for error messages (never recursive). */
export function describeJson(v: Json): string {
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  if (v instanceof Map) return `an object with ${plural(v.size, "key")}`;
  if (Array.isArray(v)) {
    if (v.length <= 8 && v.every((x) => x === null || typeof x !== "object")) return `[${v.map((x) => describeJson(x)).join(", ")}]`;
    return `an array of ${plural(v.length, "item")}`;
  }
  if (typeof v === "string") return JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}...` : v);
  return String(v);
}
