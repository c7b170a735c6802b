// What every example shares: its command line (node:util's parseArgs, strict, with --help),
// its progress bar and its output folder.
import { mkdirSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import cliProgress from "cli-progress";

export interface Flag {
  type: "string" | "boolean";
  default?: string | boolean;
  short?: string;
  help: string;
}

/** A flag's value: its type, or undefined when it has no default and was not given. */
type Values<F extends Record<string, Flag>> = {
  [K in keyof F]: (F[K]["type"] extends "boolean" ? boolean : string) | (F[K] extends { default: string | boolean } ? never : undefined);
};

/** The usage text: the header, then one line per flag with its default. */
export function usage(header: string, flags: Record<string, Flag>): string {
  const lines = Object.entries({ ...flags, help: { type: "boolean", help: "print this help and exit" } as Flag }).map(([name, f]) => {
    const left = `  ${f.short ? `-${f.short}, ` : ""}--${name}${f.type === "string" ? " VALUE" : ""}`;
    const def = f.default === undefined || f.default === false ? "" : ` (default ${String(f.default)})`;
    return `${left.padEnd(26)} ${f.help}${def}`;
  });
  return `${header.trim()}\n\nOptions:\n${lines.join("\n")}\n`;
}

/** A wrong command line (exit status 2) or --help (status 0, the usage on stdout). */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

/**
 * Parses process.argv (or `argv`) strictly: an unknown flag, a missing value or a stray
 * argument throws a UsageError with the usage; --help throws one with exit status 0.
 */
export function parseCli<F extends Record<string, Flag>>(header: string, flags: F, argv = process.argv.slice(2)): Values<F> {
  const options: NonNullable<ParseArgsConfig["options"]> = { help: { type: "boolean" } };
  for (const [name, f] of Object.entries(flags)) {
    options[name] = f.short === undefined ? { type: f.type } : { type: f.type, short: f.short };
    if (f.default !== undefined) options[name]!.default = f.default as string & boolean;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage(header, flags)}`);
  }
  if (values.help) throw new UsageError(usage(header, flags), 0);
  return values as Values<F>;
}

/** A flag's value as an integer >= min. */
export function intFlag(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

/** A flag's value as a finite number > 0 (or >= 0 with `zero`). */
export function numberFlag(name: string, value: string, zero = false): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || (n === 0 && !zero)) {
    throw new UsageError(`--${name} must be a number ${zero ? ">=" : ">"} 0, got '${value}'`);
  }
  return n;
}

/** A flag's value out of a list of choices. */
export function choiceFlag<const C extends string>(name: string, value: string, choices: readonly C[]): C {
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got '${value}'`);
  return value as C;
}

/** Runs an example's main: a UsageError prints its message and exits with its status. */
export async function cliMain(main: () => unknown): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.exitCode === 0) process.stdout.write(e.message);
    else process.stderr.write(`error: ${e.message}\n`);
    process.exit(e.exitCode);
  }
}

/** The output folder (created); examples write there only. Ignored by git when it is out/. */
export function outDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface Progress {
  start(total: number, title: string): void;
  /** `done` of `total`; `info` is the text after the bar (loss, speed, ...). */
  update(done: number, info: string): void;
  /** A line printed above the bar, which goes on where it was. */
  note(message: string): void;
  stop(): void;
}

/**
 * A cli-progress bar on a terminal; otherwise (a pipe, a test) one plain line at each
 * quarter of the total.
 */
export function progress(unit: string): Progress {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `{title} |{bar}| {value}/{total} ${unit} | {info} | eta {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let last = { total: 0, title: "", done: 0, info: "" };
    return {
      start: (total, title) => {
        last = { total, title, done: 0, info: "" };
        bar.start(total, 0, { title, info: "" });
      },
      update: (done, info) => {
        last = { ...last, done, info };
        bar.update(done, { info });
      },
      note: (message) => {
        bar.stop();
        console.log(message);
        bar.start(last.total, last.done, { title: last.title, info: last.info });
      },
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let title = "";
  let nextMark = 0;
  return {
    start: (t, name) => {
      total = t;
      title = name;
      nextMark = Math.ceil(t / 4);
    },
    update: (done, info) => {
      if (done < nextMark && done < total) return;
      nextMark += Math.ceil(total / 4);
      console.log(`${title} ${done}/${total} ${unit} | ${info}`);
    },
    note: (message) => console.log(message),
    stop: () => {},
  };
}
