// A dataset streamed lazily from a text file, one sample per line (Node only).
//
// Browser bundles must not break because of it: node:fs and node:readline are imported
// only when a pass over the file starts, through a specifier bundlers do not resolve
// statically, and only types are imported at the top (erased at compile time).
import type * as FsModule from "node:fs";
import type * as ReadlineModule from "node:readline";
import { IterableDataset } from "./dataset.ts";
import { checkOptions } from "../../args.ts";

/** import() that bundlers leave alone (they only follow string literals). */
const importNode = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);

export interface TextLineDatasetOptions<T> {
  /** Turns a line (and its 0-based line number) into a sample; default: the line itself. */
  transform?: (line: string, lineNumber: number) => T;
  /** Skip lines that are empty or only whitespace (default false). */
  skipEmpty?: boolean;
  /** Lines to skip at the start, e.g. 1 for a CSV header (default 0). */
  skipLines?: number;
  /** The file's text encoding (default "utf8"). */
  encoding?: TextEncodingName;
}

/** The text encodings Node's fs reads (its BufferEncoding, spelled out so that the published types need no @types/node). */
export type TextEncodingName =
  | "ascii" | "utf8" | "utf-8" | "utf16le" | "utf-16le" | "ucs2" | "ucs-2" | "base64" | "base64url" | "latin1" | "binary" | "hex";

/**
 * The lines of a file as an async IterableDataset: each `for await` pass opens the file and
 * reads it chunk by chunk, so a file larger than memory streams through a DataLoader with
 * only the batches in flight held at once. Closing the pass early (break) closes the file.
 */
export class TextLineDataset<T = string> extends IterableDataset<T> {
  constructor(
    readonly path: string | URL,
    readonly opts: TextLineDatasetOptions<T> = {},
  ) {
    super();
    checkOptions("TextLineDataset", opts, ["transform", "skipEmpty", "skipLines", "encoding"]);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    const fs = (await importNode("node:fs")) as typeof FsModule;
    const readline = (await importNode("node:readline")) as typeof ReadlineModule;
    const stream = fs.createReadStream(this.path, { encoding: this.opts.encoding ?? "utf8" });
    const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
    const skip = this.opts.skipLines ?? 0;
    const transform = this.opts.transform;
    let lineNumber = -1;
    try {
      for await (const line of lines) {
        lineNumber++;
        if (lineNumber < skip) continue;
        if (this.opts.skipEmpty && line.trim() === "") continue;
        yield transform ? transform(line, lineNumber) : (line as unknown as T);
      }
    } finally {
      lines.close();
      stream.destroy();
    }
  }
}
