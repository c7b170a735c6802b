// What the browser tests share: a loopback server for a page, headless Chromium opening it,
// and the JSON the page POSTs to /result. Chromium is Debian's (.ci/run installs it); without
// it a test is skipped, saying so, except in CI, where that is an error.
// DEBUG_PAGE=1 prints the requests and Chromium's console.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";

export const CHROMIUM = "/usr/bin/chromium";

/**
 * Chromium's flags for a test: headless, no first-run or background traffic, its own profile;
 * `webgpu`: SwiftShader's WebGPU adapter (a CPU implementation of Vulkan that Debian's
 * chromium ships) instead of no GPU. DEBUG_PAGE=1 adds its log on stderr.
 */
export function headlessArgs(profile: string, opts: { webgpu?: boolean } = {}): string[] {
  return [
    ...(process.env.DEBUG_PAGE ? ["--enable-logging=stderr", "--v=0"] : []),
    "--headless=new", "--no-sandbox", ...(opts.webgpu ? ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader"] : ["--disable-gpu"]),
    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", `--user-data-dir=${profile}`,
  ];
}

/** Whether the test can run; otherwise skips it (or throws in CI). */
export function haveChromium(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`CI needs ${CHROMIUM} (.ci/run installs Debian's chromium)`);
  t.skip(`${CHROMIUM} is not installed`);
  return false;
}

/** Answers one request; false: not found (404). */
export type Route = (url: string, res: ServerResponse, req: IncomingMessage) => boolean | Promise<boolean>;

/**
 * Serves `route` on 127.0.0.1, opens "/" in headless Chromium (with SwiftShader's WebGPU
 * adapter when `webgpu`), and returns what the page POSTs to /result (within 240 s).
 */
export async function runPage<T extends { error?: string }>(route: Route, opts: { webgpu?: boolean } = {}): Promise<T> {
  let resolveResult!: (v: T) => void;
  const result = new Promise<T>((r) => (resolveResult = r));
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x").pathname;
    if (process.env.DEBUG_PAGE) console.error(req.method, url);
    if (url === "/result" && req.method === "POST") {
      let body = "";
      for await (const c of req) body += c;
      res.end("ok");
      resolveResult(JSON.parse(body) as T);
    } else if (!(await route(url, res, req))) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const profile = mkdtempSync(join(tmpdir(), "torch-ts-chromium-"));
  const chromium = spawn(
    CHROMIUM,
    [...headlessArgs(profile, opts), `http://127.0.0.1:${port}/`],
    { detached: true, stdio: process.env.DEBUG_PAGE ? "inherit" : "ignore" },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      result,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no result from the page in 240 s")), 240_000))),
    ]);
  } finally {
    clearTimeout(timer);
    try {
      process.kill(-chromium.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Sends one response. */
export function send(res: ServerResponse, type: string, body: string | Uint8Array): true {
  res.writeHead(200, { "content-type": type }).end(body);
  return true;
}
