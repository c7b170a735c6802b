// PyTorch's exception kinds. Messages follow PyTorch's wording, with shapes in them.
export class RuntimeError extends Error {
  override name = "RuntimeError";
}
export class IndexError extends Error {
  override name = "IndexError";
}
export class ValueError extends Error {
  override name = "ValueError";
}
/** Python's AttributeError (a missing key of nn.ParameterDict, which PyTorch looks up as an attribute). */
export class AttributeError extends Error {
  override name = "AttributeError";
}
export class TorchTypeError extends TypeError {
  override name = "TypeError";
}
export class NotImplementedError extends Error {
  override name = "NotImplementedError";
}
/** Python's AssertionError: what some PyTorch constructors raise (`assert embed_dim % num_heads == 0`) and Captum's argument checks, mirrored by torch.interpret. */
export class AssertionError extends Error {
  override name = "AssertionError";
}
/** Python's KeyError (a bad module or buffer name, a missing dictionary key). */
export class KeyError extends Error {
  /** Python's exception name, "KeyError". */
  override name = "KeyError";
}
