// PyTorch's exception kinds. Messages follow PyTorch's wording, with shapes in them.
/** Python's RuntimeError: what PyTorch raises for shape, dtype and state errors of an op. */
export class RuntimeError extends Error {
  /** Python's exception name, "RuntimeError". */
  override name = "RuntimeError";
}
/** Python's IndexError: an index or a dimension out of range. */
export class IndexError extends Error {
  /** Python's exception name, "IndexError". */
  override name = "IndexError";
}
/** Python's ValueError: an argument of the right type with a wrong value. */
export class ValueError extends Error {
  /** Python's exception name, "ValueError". */
  override name = "ValueError";
}
/** Python's AttributeError (a missing key of nn.ParameterDict, which PyTorch looks up as an attribute). */
export class AttributeError extends Error {
  /** Python's exception name, "AttributeError". */
  override name = "AttributeError";
}
/** Python's TypeError (a JavaScript TypeError too): an argument of the wrong type, an unknown option, a call form PyTorch has not. */
export class TorchTypeError extends TypeError {
  /** Python's exception name, "TypeError". */
  override name = "TypeError";
}
/** Python's NotImplementedError: what PyTorch has and torch-ts does not implement (the message says what). */
export class NotImplementedError extends Error {
  /** Python's exception name, "NotImplementedError". */
  override name = "NotImplementedError";
}
/** Python's AssertionError: what some PyTorch constructors raise (`assert embed_dim % num_heads == 0`) and Captum's argument checks, mirrored by torch.interpret. */
export class AssertionError extends Error {
  /** Python's exception name, "AssertionError". */
  override name = "AssertionError";
}
/** Python's KeyError (a bad module or buffer name, a missing dictionary key). */
export class KeyError extends Error {
  /** Python's exception name, "KeyError". */
  override name = "KeyError";
}
