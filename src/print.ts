// PyTorch's tensor repr (torch/_tensor_str.py, its print options), so printed output reads
// exactly as it does in Python: tensor([[ 1.5410, -0.2934]], requires_grad=True).
import { bool, int, nullable, param, parseArgs, str, type Args } from "./args.ts";
import { getDefaultDtype, isFloating } from "./dtype.ts";
import { CPU, type Device } from "./device.ts";
import { nestedValues, type Tensor } from "./tensor.ts";

/** PyTorch's PRINT_OPTS: digits after the point, the element count above which a repr summarizes, the items kept at each edge then, the line width, and sci_mode (null: chosen from the values). */
const opts = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null as boolean | null };
const PROFILES = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

/** Options of torch.set_printoptions (PyTorch's keywords, camelCase). */
export interface PrintOptions {
  /** Digits after the decimal point (PyTorch's default 4). */
  precision?: number | null;
  /** Elements above which a repr summarizes with "..." (default 1000). */
  threshold?: number | null;
  /** Items kept at each edge of a summarized dimension (default 3). */
  edgeitems?: number | null;
  /** Characters per line before wrapping (default 80). */
  linewidth?: number | null;
  /** "default", "short" (precision 2, edgeitems 2) or "full" (never summarize), applied before the others. */
  profile?: "default" | "short" | "full" | (string & {}) | null;
  /** Scientific notation always (true), never (false), or as the values call for (null, the default). */
  sciMode?: boolean | null;
}
const count = nullable((v: unknown, arg: string, fn: string) => (v === Infinity ? Infinity : int({ min: 0 })(v, arg, fn)));
const PRINT_ARGS = [param("precision", count, null), param("threshold", count, null), param("edgeitems", count, null), param("linewidth", count, null),
  param("profile", nullable(str), null), param("sciMode", nullable(bool), null)];

/**
 * torch.set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
 * profile=None, sci_mode=None): how tensors print from now on. As in PyTorch, an option left
 * out keeps its value (the profile, when given, first resets the four numbers), except
 * sciMode, which every call sets (null: automatic).
 */
export function setPrintoptions(...args: Args<[precision: number | null, threshold: number | null, edgeitems: number | null, linewidth: number | null, profile: PrintOptions["profile"], sciMode: boolean | null], PrintOptions>): void {
  const o = parseArgs<Required<PrintOptions>>("set_printoptions", PRINT_ARGS, args);
  // (PyTorch ignores a profile it does not know)
  if (o.profile !== null && Object.hasOwn(PROFILES, o.profile)) Object.assign(opts, PROFILES[o.profile as keyof typeof PROFILES]);
  if (o.precision !== null) opts.precision = o.precision;
  if (o.threshold !== null) opts.threshold = o.threshold;
  if (o.edgeitems !== null) opts.edgeitems = o.edgeitems;
  if (o.linewidth !== null) opts.linewidth = o.linewidth;
  opts.sciMode = o.sciMode;
}

/** Python's '{:.Ne}': at least two exponent digits. */
function sci(v: number, width = 0): string {
  let s: string;
  if (!Number.isFinite(v)) s = Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  else s = v.toExponential(opts.precision).replace(/e([+-])(\d)$/, "e$10$2");
  return s.padStart(width);
}
function fixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  const s = v.toFixed(digits);
  return Object.is(v, -0) || (v < 0 && /^0\.?0*$/.test(s)) ? "-" + s : s;
}

class Formatter {
  floating: boolean;
  intMode = true;
  sciMode = false;
  maxWidth = 1;

  constructor(values: ReadonlyArray<number | boolean>, floating: boolean) {
    this.floating = floating;
    if (!floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.plain(v).length);
      return;
    }
    const nz = (values as number[]).filter((v) => Number.isFinite(v) && v !== 0);
    // (PyTorch returns here before applying sci_mode: all-zero or non-finite values never print in scientific notation)
    if (nz.length === 0) return;
    const abs = nz.map(Math.abs);
    const lo = Math.min(...abs);
    const hi = Math.max(...abs);
    this.intMode = nz.every((v) => v === Math.ceil(v));
    if (this.intMode) {
      if (hi / lo > 1000 || hi > 1e8) {
        this.sciMode = true;
        for (const v of nz) this.maxWidth = Math.max(this.maxWidth, sci(v).length);
      } else for (const v of nz) this.maxWidth = Math.max(this.maxWidth, fixed(v, 0).length + 1);
    } else if (hi / lo > 1000 || hi > 1e8 || lo < 1e-4) {
      this.sciMode = true;
      for (const v of nz) this.maxWidth = Math.max(this.maxWidth, sci(v).length);
    } else for (const v of nz) this.maxWidth = Math.max(this.maxWidth, fixed(v, opts.precision).length);
    if (opts.sciMode !== null) this.sciMode = opts.sciMode;
  }

  private plain(v: number | boolean): string {
    return typeof v === "boolean" ? (v ? "True" : "False") : String(v);
  }

  format(v: number | boolean): string {
    let s: string;
    if (!this.floating) s = this.plain(v);
    else if (this.sciMode) s = sci(v as number, this.maxWidth);
    else if (this.intMode) {
      s = fixed(v as number, 0);
      if (Number.isFinite(v)) s += ".";
    } else s = fixed(v as number, opts.precision);
    return s.padStart(this.maxWidth);
  }
}

type Nested = number | boolean | Nested[];

/** The values the formatter sizes itself on: only the printed edges when summarizing. */
function summarized(t: Nested, shape: readonly number[], summarize: boolean): Array<number | boolean> {
  if (shape.length === 0) return [t as number];
  const rows = t as Nested[];
  const edge = opts.edgeitems;
  const picked = summarize && shape[0] > 2 * edge ? [...rows.slice(0, edge), ...(edge > 0 ? rows.slice(-edge) : [])] : rows;
  return picked.flatMap((r) => (shape.length === 1 ? [r as number] : summarized(r, shape.slice(1), summarize)));
}

function vectorStr(v: Array<number | boolean>, indent: number, summarize: boolean, f: Formatter): string {
  const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / (f.maxWidth + 2)));
  const edge = opts.edgeitems;
  const data = summarize && v.length > 2 * edge ? [...v.slice(0, edge).map((x) => f.format(x)), " ...", ...(edge > 0 ? v.slice(-edge) : []).map((x) => f.format(x))] : v.map((x) => f.format(x));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(", "));
  return "[" + lines.join(",\n" + " ".repeat(indent + 1)) + "]";
}

function tensorStr(t: Nested, shape: readonly number[], indent: number, summarize: boolean, f: Formatter): string {
  if (shape.length === 0) return f.format(t as number);
  if (shape.length === 1) return vectorStr(t as Array<number | boolean>, indent, summarize, f);
  const rows = t as Nested[];
  const sub = (r: Nested) => tensorStr(r, shape.slice(1), indent + 1, summarize, f);
  const edge = opts.edgeitems;
  const slices = summarize && shape[0] > 2 * edge ? [...rows.slice(0, edge).map(sub), "...", ...(edge > 0 ? rows.slice(-edge) : []).map(sub)] : rows.map(sub);
  return "[" + slices.join("," + "\n".repeat(shape.length - 1) + " ".repeat(indent + 1)) + "]";
}

/**
 * The repr of a tensor. A device tensor's values cannot be read synchronously: its repr says
 * where it is and how to read it, without waiting; `await t.toStringAsync()` prints the
 * values (formatTensor of the host copy, naming the device).
 */
export function formatTensor(t: Tensor, device: Device = t.device): string {
  const prefix = "tensor(";
  const indent = prefix.length;
  const suffixes: string[] = [];
  const defaultType = t.dtype === getDefaultDtype() || t.dtype === "int64" || t.dtype === "bool";
  let body: string;
  if (device !== CPU) suffixes.push(`device='${device}'`);
  if (t.device !== CPU) {
    body = `<${t.numel()} values on ${t.device}: print(await t.toStringAsync()) or read await t.tolistAsync()>`;
    suffixes.push(`size=(${t.shape.join(", ")}${t.shape.length === 1 ? "," : ""})`);
    if (!defaultType) suffixes.push(`dtype=torch.${t.dtype}`);
  } else if (t.numel() === 0) {
    if (t.shape.length !== 1) suffixes.push(`size=(${t.shape.join(", ")}${t.shape.length === 1 ? "," : ""})`);
    if (t.dtype !== getDefaultDtype()) suffixes.push(`dtype=torch.${t.dtype}`);
    body = "[]";
  } else {
    if (!defaultType) suffixes.push(`dtype=torch.${t.dtype}`);
    const summarize = t.numel() > opts.threshold;
    // int64 values print exactly: bigints are formatted with String, as numbers are
    const values = (t.dtype === "int64" ? nestedValues(t, (v) => v) : t.tolist()) as Nested;
    const f = new Formatter(summarized(values, t.shape, summarize), isFloating(t.dtype));
    body = tensorStr(values, t.shape, indent, summarize, f);
  }
  if (t.gradFn) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push("requires_grad=True");
  let out = prefix + body;
  let lastLen = out.length - out.lastIndexOf("\n") + 1;
  for (const s of suffixes) {
    if (lastLen + s.length + 2 > opts.linewidth) {
      out += ",\n" + " ".repeat(indent) + s;
      lastLen = indent + s.length;
    } else {
      out += ", " + s;
      lastLen += s.length + 2;
    }
  }
  return out + ")";
}
