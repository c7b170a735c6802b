// Python's warnings.warn for torch-ts: a UserWarning on the console, each message once (Python's
// default filter shows a warning once per call site; a message names its site).
const shown = new Set<string>();

/** Prints `UserWarning: <message>` the first time this message is warned. */
export function warnOnce(message: string): void {
  if (shown.has(message)) return;
  shown.add(message);
  console.warn(`UserWarning: ${message}`);
}
