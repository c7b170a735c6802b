// Shard lists written as one pattern, as webdataset and the braceexpand package read them:
//   "data-{000000..000099}.tar"   a numeric range; zero-padded to the wider bound when either
//                                 bound has a leading zero; "{0..20..5}" steps by 5
//   "{train,val}-{0..3}.tar"      alternatives, and the product of several braces
//   "{a..e}"                      a range of single characters
//   "a{b,c{d,e}}"                 nesting; "\{" is a literal brace
// Several patterns can be joined with "::" (webdataset's separator).
import { ValueError } from "../../../errors.ts";

/** Splits the body of a brace group at its top-level commas. */
function splitTop(s: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "\\" && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") depth--;
    if (c === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts.length > 1 ? parts : null;
}

function range(body: string): string[] | null {
  const num = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(body);
  if (num) {
    const [a, b] = [num[1]!, num[2]!];
    const step = Math.abs(Number(num[3] ?? 1)) || 1;
    const pad = /^-?0\d/.test(a) || /^-?0\d/.test(b) ? Math.max(a.length, b.length) : 0;
    const [from, to] = [Number(a), Number(b)];
    if (Math.abs(to - from) / step > 1e7) throw new ValueError(`brace range {${body}} has more than 10 million items`);
    const out: string[] = [];
    const dir = to >= from ? 1 : -1;
    for (let v = from; dir > 0 ? v <= to : v >= to; v += dir * step) {
      const s = String(Math.abs(v)).padStart(pad - (v < 0 ? 1 : 0), "0");
      out.push(v < 0 ? `-${s}` : s);
    }
    return out;
  }
  const chr = /^([^\\])\.\.([^\\])(?:\.\.(-?\d+))?$/.exec(body);
  if (chr) {
    const [from, to] = [chr[1]!.charCodeAt(0), chr[2]!.charCodeAt(0)];
    const step = Math.abs(Number(chr[3] ?? 1)) || 1;
    const dir = to >= from ? 1 : -1;
    const out: string[] = [];
    for (let v = from; dir > 0 ? v <= to : v >= to; v += dir * step) out.push(String.fromCharCode(v));
    return out;
  }
  return null;
}

function expandOne(pattern: string): string[] {
  // the first top-level brace group that expands to something
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "{") {
      if (depth === 0) open = i;
      depth++;
    } else if (c === "}" && depth > 0) {
      depth--;
      if (depth === 0) {
        const body = pattern.slice(open + 1, i);
        const items = range(body) ?? splitTop(body);
        if (items === null) continue; // "{x}" stays literal, as in bash
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        return items.flatMap((it) => expandOne(head + it + tail));
      }
    }
  }
  return [pattern];
}

/** Every name a shard pattern stands for, in order (see the top of this file). */
export function braceExpand(pattern: string): string[] {
  return pattern
    .split("::")
    .flatMap((p) => expandOne(p))
    .map((s) => s.replace(/\\([{}\\,])/g, "$1"));
}
