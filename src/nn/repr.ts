// Python's spelling of values in module reprs and messages, so `String(module)` reads as
// PyTorch's `repr(module)`: floats as Python's repr (`1e-05`, `2.0`), booleans `True`/`False`,
// sequences as tuples `(3,)`, absent values `None`.

/** Python's repr of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16, `.0` on integral values. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, e] = x.toExponential().split("e"); // shortest digits that round-trip
  const exp = Number(e);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  const s = String(x); // fixed notation in this range
  return Number.isInteger(x) ? `${s}.0` : s;
}

/** A parameter whose PyTorch default is an int but that takes floats too (Softplus beta): ints as ints, others as Python floats. */
export const pyNum = (x: number): string => (Number.isInteger(x) ? String(x) : pyFloat(x));

export const pyBool = (b: boolean): string => (b ? "True" : "False");

/** A sequence of ints as a Python tuple: `(3,)`, `(2, 3)`. */
export const pyTuple = (a: readonly (number | null)[]): string => `(${a.map((v) => (v === null ? "None" : String(v))).join(", ")}${a.length === 1 ? "," : ""})`;

/** An int, a tuple of ints, or None, as PyTorch keeps it (kernel_size=2 or kernel_size=(2, 3)). */
export const pyValue = (v: number | readonly (number | null)[] | null | undefined): string =>
  v === null || v === undefined ? "None" : typeof v === "number" ? String(v) : pyTuple(v);

/** A float, a tuple of floats or None (Upsample's scale_factor). */
export const pyFloats = (v: number | readonly number[] | null): string =>
  v === null ? "None" : typeof v === "number" ? pyFloat(v) : `(${v.map(pyFloat).join(", ")}${v.length === 1 ? "," : ""})`;

/** Python's type name of a JavaScript value, for messages PyTorch words with it ("int is not a Module subclass"). */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "list";
  if (typeof v === "function") return "function";
  const name = (v as object).constructor?.name;
  if (name === "Tensor") return "torch.Tensor";
  return !name || name === "Object" ? "dict" : name;
}
