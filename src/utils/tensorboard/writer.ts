/// <reference lib="esnext.disposable" preserve="true" />
// torch.utils.tensorboard.SummaryWriter: events files that TensorBoard reads, written as
// PyTorch's writer (with TensorBoard's EventFileWriter) writes them. Node only (files).
//
// A file is `events.out.tfevents.<10-digit seconds>.<host>.<pid>.<n><suffix>`, opened for
// appending only; its first event is file_version "brain.Event:2". Events wait in memory (at
// most maxQueue of them) and are written as whole records (src/utils/tensorboard/record.ts)
// every flushSecs, on flush() and close(), when the queue fills, and when the process exits,
// so a crashed run keeps what was written and a reader finds no half record before the end.
import type * as NodeFs from "node:fs";
import type * as NodeOs from "node:os";
import type * as NodePath from "node:path";
import { ValueError } from "../../errors.ts";
import { any, type Args, bool, checkOptions, nullable, num, param, parseArgs, str } from "../../args.ts";
import type { Module } from "../../nn/module.ts";
import { encodeTensorboard, type Message } from "../../proto/index.ts";
import { builtin } from "../../serialization/file.ts";
import { Tensor } from "../../tensor.ts";
import { graphDef } from "./graph.ts";
import { frameRecord } from "./record.ts";
import * as S from "./summary.ts";

const USE = "torch.utils.tensorboard.SummaryWriter (it writes files)";
const fs = (): typeof NodeFs => builtin<typeof NodeFs>("node:fs", USE);
const path = (): typeof NodePath => builtin<typeof NodePath>("node:path", USE);
const os = (): typeof NodeOs => builtin<typeof NodeOs>("node:os", USE);

/** Writers with unwritten events, flushed when the process exits. */
const open = new Set<EventFileWriter>();
let exitHook = false;

let fileCounter = 0;

export class EventFileWriter {
  readonly file: string;
  private fd: number | null;
  private queue: Uint8Array[] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(readonly logDir: string, private readonly maxQueue = 10, flushSecs = 120, filenameSuffix = "") {
    fs().mkdirSync(logDir, { recursive: true });
    const secs = String(Math.floor(Date.now() / 1000)).padStart(10, "0");
    this.file = path().join(logDir, `events.out.tfevents.${secs}.${os().hostname()}.${process.pid}.${fileCounter++}${filenameSuffix}`);
    this.fd = fs().openSync(this.file, "a");
    this.timer = setInterval(() => this.flush(), flushSecs * 1000);
    (this.timer as { unref?: () => void }).unref?.(); // the timer never keeps a process alive
    open.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => {
        for (const w of open) w.flush();
      });
    }
    this.addEvent({ wall_time: Date.now() / 1000, file_version: "brain.Event:2", source_metadata: { writer: "torch-ts" } });
    this.flush();
  }

  addEvent(event: Message): void {
    if (this.fd === null) throw new ValueError(`the events file ${this.file} is closed`);
    this.queue.push(frameRecord(encodeTensorboard("tensorboard.Event", event)));
    if (this.queue.length >= this.maxQueue) this.flush();
  }

  /** Appends the queued records to the file. */
  flush(): void {
    if (this.fd === null || this.queue.length === 0) return;
    const total = this.queue.reduce((n, r) => n + r.length, 0);
    const buf = new Uint8Array(total);
    let off = 0;
    for (const r of this.queue) {
      buf.set(r, off);
      off += r.length;
    }
    this.queue = [];
    for (let at = 0; at < total; ) at += fs().writeSync(this.fd, buf, at, total - at);
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    clearInterval(this.timer);
    fs().fsyncSync(this.fd);
    fs().closeSync(this.fd);
    this.fd = null;
    open.delete(this);
  }
}

/** Python's datetime.now().strftime("%b%d_%H-%M-%S") in the C locale. */
function runName(d = new Date()): string {
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getMonth()];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${month}${p(d.getDate())}_${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

export interface SummaryWriterOptions {
  /** Appended to the default log directory's name. */
  comment?: string;
  /** Hide events at or after this step from an earlier, crashed run in the same directory. */
  purgeStep?: number | null;
  /** Events held in memory before they are written (default 10). */
  maxQueue?: number;
  /** Seconds between writes of the held events (default 120). */
  flushSecs?: number;
  filenameSuffix?: string;
}

/** A global step or wall time: null/undefined for "not given". */
export type Step = number | null | undefined;
/** The step and time options of the add* methods. */
export type When = {
  /** The training step the value belongs to (default none). */
  globalStep?: Step;
  /** Seconds since the epoch the event records (default now). */
  walltime?: Step;
};
const WHEN = [param("globalStep", nullable(num()), null), param("walltime", nullable(num()), null)];

export class SummaryWriter {
  readonly logDir: string;
  private readonly maxQueue: number;
  private readonly flushSecs: number;
  private readonly filenameSuffix: string;
  private writers: Map<string, EventFileWriter> | null = null;
  private purgeStep: number | null;

  constructor(logDir?: string | null, opts: SummaryWriterOptions = {}) {
    checkOptions("SummaryWriter", opts, ["comment", "purgeStep", "maxQueue", "flushSecs", "filenameSuffix"]);
    this.logDir = logDir || path().join("runs", `${runName()}_${os().hostname()}${opts.comment ?? ""}`);
    this.maxQueue = opts.maxQueue ?? 10;
    this.flushSecs = opts.flushSecs ?? 120;
    this.filenameSuffix = opts.filenameSuffix ?? "";
    this.purgeStep = opts.purgeStep ?? null;
    this.fileWriter();
  }

  getLogdir(): string {
    return this.logDir;
  }

  /** The writer of the log directory itself (reopened after close, in a new file). */
  private fileWriter(dir = this.logDir): EventFileWriter {
    this.writers ??= new Map();
    let w = this.writers.get(dir);
    if (w === undefined) {
      w = new EventFileWriter(dir, this.maxQueue, this.flushSecs, this.filenameSuffix);
      this.writers.set(dir, w);
      if (dir === this.logDir && this.purgeStep !== null) {
        w.addEvent({ wall_time: Date.now() / 1000, step: this.purgeStep, file_version: "brain.Event:2" });
        w.addEvent({ wall_time: Date.now() / 1000, step: this.purgeStep, session_log: { status: "START" } });
        this.purgeStep = null;
      }
    }
    return w;
  }

  private summary(summary: Message, when: When, writer = this.fileWriter()): void {
    const event: Message = { wall_time: when.walltime ?? Date.now() / 1000, summary };
    if (when.globalStep !== undefined && when.globalStep !== null) event.step = Math.trunc(when.globalStep);
    writer.addEvent(event);
  }

  /** addScalar(tag, value, globalStep?, walltime?, newStyle?, doublePrecision?), or options for any of the optional ones. */
  addScalar(tag: string, scalarValue: number | Tensor, ...args: Args<[globalStep: Step, walltime: Step, newStyle: boolean, doublePrecision: boolean], { globalStep?: Step; walltime?: Step; newStyle?: boolean; doublePrecision?: boolean }>): void {
    const a = parseArgs<When & { newStyle: boolean; doublePrecision: boolean }>("add_scalar", [...WHEN, param("newStyle", bool, false), param("doublePrecision", bool, false)], args);
    this.summary(S.scalar(tag, S.scalarValue(scalarValue, "add_scalar"), a.newStyle, a.doublePrecision), a);
  }

  /** Several scalars on one chart: each goes to the run `<logDir>/<mainTag>_<tag>` under the tag mainTag. */
  addScalars(mainTag: string, tagScalarDict: Record<string, number | Tensor>, ...args: Args<[globalStep: Step, walltime: Step], When>): void {
    const a = parseArgs<When>("add_scalars", WHEN, args);
    const when = { globalStep: a.globalStep, walltime: a.walltime ?? Date.now() / 1000 };
    for (const [tag, v] of Object.entries(tagScalarDict)) {
      const dir = `${this.fileWriter().logDir}/${mainTag.replaceAll("/", "_")}_${tag}`;
      this.summary(S.scalar(mainTag, S.scalarValue(v, "add_scalars")), when, this.fileWriter(dir));
    }
  }

  /** bins: "tensorflow" (TensorBoard's default buckets), a bin count, or the bin edges. */
  addHistogram(tag: string, values: Tensor, ...args: Args<[globalStep: Step, bins: "tensorflow" | number | readonly number[], walltime: Step, maxBins: number | null], When & { bins?: "tensorflow" | number | readonly number[]; maxBins?: number | null }>): void {
    const a = parseArgs<When & { bins: unknown; maxBins: number | null }>("add_histogram", [WHEN[0], param("bins", any, "tensorflow"), WHEN[1], param("maxBins", nullable(num()), null)], args);
    const bins = a.bins;
    if (typeof bins === "string" && bins !== "tensorflow") throw new ValueError(`add_histogram: bins '${bins}' is not supported (use "tensorflow", a count or the edges)`);
    this.summary(S.histogram(tag, values, bins === "tensorflow" ? S.DEFAULT_BINS : (bins as number | number[]), a.maxBins), a);
  }

  /** One image, CHW by default (dataformats also HWC, HW, ...); float in [0, 1] or integers in 0..255. */
  addImage(tag: string, imgTensor: Tensor, ...args: Args<[globalStep: Step, walltime: Step, dataformats: string], When & { dataformats?: string }>): void {
    const a = parseArgs<When & { dataformats: string }>("add_image", [...WHEN, param("dataformats", str, "CHW")], args);
    this.summary(S.image(tag, imgTensor, a.dataformats), a);
  }

  /** A batch of images (NCHW by default), laid out on a grid as one picture. */
  addImages(tag: string, imgTensor: Tensor, ...args: Args<[globalStep: Step, walltime: Step, dataformats: string], When & { dataformats?: string }>): void {
    const a = parseArgs<When & { dataformats: string }>("add_images", [...WHEN, param("dataformats", str, "NCHW")], args);
    this.summary(S.image(tag, imgTensor, a.dataformats), a);
  }

  addText(tag: string, textString: string, ...args: Args<[globalStep: Step, walltime: Step], When>): void {
    const a = parseArgs<When>("add_text", WHEN, args);
    this.summary(S.text(tag, textString), a);
  }

  /**
   * Hyperparameters and their metrics for the HParams dashboard, written (as PyTorch does) to
   * the run `<logDir>/<runName>` (default: the time), with each metric also as a scalar there.
   */
  addHparams(
    hparamDict: Record<string, S.HParamValue | null | undefined>,
    metricDict: Record<string, number | Tensor>,
    ...args: Args<[hparamDomainDiscrete: Record<string, unknown[]> | null, runName: string | null, globalStep: Step], { hparamDomainDiscrete?: Record<string, unknown[]> | null; runName?: string | null; globalStep?: Step }>
  ): void {
    if (typeof hparamDict !== "object" || hparamDict === null || typeof metricDict !== "object" || metricDict === null) {
      throw new TypeError("hparam_dict and metric_dict should be dictionary.");
    }
    const a = parseArgs<{ hparamDomainDiscrete: Record<string, unknown[]> | null; runName: string | null; globalStep: Step }>(
      "add_hparams", [param("hparamDomainDiscrete", any, null), param("runName", nullable(str), null), WHEN[0]], args,
    );
    const [exp, ssi, sei] = S.hparams(hparamDict, metricDict, a.hparamDomainDiscrete ?? {});
    const run = a.runName || String(Date.now() / 1000);
    const w = new SummaryWriter(path().join(this.fileWriter().logDir, run), { maxQueue: this.maxQueue, flushSecs: this.flushSecs, filenameSuffix: this.filenameSuffix });
    try {
      const when = { globalStep: a.globalStep };
      for (const s of [exp, ssi, sei]) w.summary(s, when);
      for (const [k, v] of Object.entries(metricDict)) w.addScalar(k, v, when.globalStep ?? null);
    } finally {
      w.close();
    }
  }

  /** The graph of model.forward(...inputToModel), traced in eval mode, for the Graphs dashboard. */
  addGraph(model: Module, inputToModel?: Tensor | readonly Tensor[], ...args: Args<[verbose: boolean], { verbose?: boolean }>): void {
    const a = parseArgs<{ verbose: boolean }>("add_graph", [param("verbose", bool, false)], args);
    const inputs = inputToModel === undefined ? [] : inputToModel instanceof Tensor ? [inputToModel] : [...inputToModel];
    const graph = graphDef(model, inputs);
    if (a.verbose) console.log(JSON.stringify(graph, (_k, v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : v), 1));
    this.fileWriter().addEvent({ wall_time: Date.now() / 1000, graph_def: encodeTensorboard("tensorboard.GraphDef", graph) });
  }

  /** Writes every held event of this writer's files. */
  flush(): void {
    for (const w of this.writers?.values() ?? []) w.flush();
  }

  /** Writes and closes the files; a later add* opens a new file in the same directory. */
  close(): void {
    for (const w of this.writers?.values() ?? []) w.close();
    this.writers = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
