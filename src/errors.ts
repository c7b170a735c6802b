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
export class TorchTypeError extends TypeError {
  override name = "TypeError";
}
export class NotImplementedError extends Error {
  override name = "NotImplementedError";
}
/** Python's AssertionError: what Captum's argument checks (assert statements) raise, mirrored by torch.interpret. */
export class AssertionError extends Error {
  override name = "AssertionError";
}
