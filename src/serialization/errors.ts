// Error classes of the checkpoint layer. Every failure to read a checkpoint is one of
// these (the fuzz test asserts it), never a TypeError/RangeError from deep inside a parser.

/** A safetensors file that breaks the format (named like the reference library's error). */
export class SafetensorError extends Error {
  /** The error's name, "SafetensorError". */
  override name = "SafetensorError";
}

/** A pickle that cannot be read, or that asks for a global outside the allow-list. */
export class UnpicklingError extends Error {
  /** Python's exception name, "UnpicklingError". */
  override name = "UnpicklingError";
}

/** A broken or unsupported checkpoint container (zip archive, .pt layout). */
export class CheckpointError extends Error {
  /** The error's name, "CheckpointError". */
  override name = "CheckpointError";
}

/**
 * A load that would exceed a stated limit (`maxBytes`, the pickle's work bound, nesting
 * depth). The file may be valid: raise the limit in the load options if you trust it.
 */
export class CheckpointLimitError extends CheckpointError {
  /** The error's name, "CheckpointLimitError". */
  override name = "CheckpointLimitError";
}
