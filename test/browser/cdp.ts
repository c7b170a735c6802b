// Headless Chromium driven through the DevTools protocol over a pipe (--remote-debugging-pipe:
// Chromium reads NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4),
// so a test can type, click, draw and take screenshots without a WebSocket client or a
// browser download. Chromium is Debian's (chromium.ts: CHROMIUM, haveChromium).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { CHROMIUM, headlessArgs } from "./chromium.ts";

/** A command's parameters, result or an event's parameters: JSON whose fields each method documents. */
type Params = Record<string, unknown>;
/** Runtime.RemoteObject: a value of the page (`value` when returned by value). */
export interface RemoteObject { value?: unknown; description?: string }
/** Runtime.ExceptionDetails: an exception thrown in the page. */
export interface ExceptionDetails { text: string; exception?: RemoteObject }
interface Message {
  id?: number;
  method?: string;
  params?: Params;
  result?: Params;
  error?: { message: string };
  sessionId?: string;
}

export class Browser {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: Params) => void; reject: (e: Error) => void; method: string }>();
  private listeners: Array<(m: Message) => void> = [];
  private exited: Error | null = null;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly profile: string,
  ) {
    const out = proc.stdio[4] as Readable;
    let buf = Buffer.alloc(0);
    out.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (let end = buf.indexOf(0); end >= 0; end = buf.indexOf(0)) {
        const msg = JSON.parse(buf.subarray(0, end).toString("utf8")) as Message;
        buf = buf.subarray(end + 1);
        this.dispatch(msg);
      }
    });
    proc.on("exit", (code, signal) => {
      this.exited = new Error(`chromium exited (${signal ?? code})`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Starts headless Chromium (chromium.ts headlessArgs) on about:blank with a fresh profile. */
  static launch(opts: { webgpu?: boolean } = {}): Browser {
    const profile = mkdtempSync(join(tmpdir(), "torch-ts-chromium-"));
    const debug = Boolean(process.env.DEBUG_PAGE);
    const proc = spawn(CHROMIUM, [...headlessArgs(profile, opts), "--remote-debugging-pipe", "about:blank"], {
      detached: true,
      stdio: ["ignore", debug ? "inherit" : "ignore", debug ? "inherit" : "ignore", "pipe", "pipe"],
    });
    return new Browser(proc, profile);
  }

  private dispatch(msg: Message): void {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result ?? {});
    } else for (const l of this.listeners) l(msg);
  }

  /** One protocol command (on a page's session when `sessionId` is given); rejects when no answer comes within 30 s. */
  send(method: string, params: Params = {}, sessionId?: string): Promise<Params> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from Chromium within 30 s`));
      }, 30_000);
      const done = <T>(f: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        f(v);
      };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject), method });
      (this.proc.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  }

  /** Calls `f` with every event (method, params, sessionId). */
  onEvent(f: (method: string, params: Params, sessionId?: string) => void): void {
    this.listeners.push((m) => m.method && f(m.method, m.params ?? {}, m.sessionId));
  }

  /** Opens a new tab and returns its session. */
  async newPage(): Promise<Page> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    return new Page(this, sessionId as string);
  }

  /** Kills Chromium's whole process group and removes its profile. */
  async close(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise<void>((r) => this.proc.once("exit", () => r()));
      try {
        process.kill(-this.proc.pid!, "SIGKILL");
      } catch {
        /* already gone */
      }
      await gone;
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class Page {
  constructor(
    readonly browser: Browser,
    readonly sessionId: string,
  ) {}

  send(method: string, params: Params = {}): Promise<Params> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** The value of a JavaScript expression in the page (awaited when it is a promise); page exceptions are thrown. */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const r = await this.send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true }) as { result: RemoteObject; exceptionDetails?: ExceptionDetails };
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** Polls `expression` every 100 ms until it is truthy; throws after `ms` with `describe()`'s text. */
  async waitFor<T>(expression: string, ms: number, describe: () => Promise<string> | string = () => expression): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const v = await this.evaluate<T>(expression);
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${await describe()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A mouse drag through `points` (CSS pixels of the viewport), left button held. */
  async drag(points: [number, number][]): Promise<void> {
    const [x0, y0] = points[0]!;
    await this.send("Input.dispatchMouseEvent", { type: "mouseMoved", x: x0, y: y0 });
    await this.send("Input.dispatchMouseEvent", { type: "mousePressed", x: x0, y: y0, button: "left", buttons: 1, clickCount: 1 });
    for (const [x, y] of points.slice(1)) await this.send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y, button: "left", buttons: 1 });
    const [x1, y1] = points[points.length - 1]!;
    await this.send("Input.dispatchMouseEvent", { type: "mouseReleased", x: x1, y: y1, button: "left", buttons: 0, clickCount: 1 });
  }

  /** A PNG of the whole page. */
  async screenshot(): Promise<Buffer> {
    const { data } = await this.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true });
    return Buffer.from(data as string, "base64");
  }
}
