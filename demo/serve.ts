// `npm run demo`: builds the demo (demo/build.ts) into demo/dist/ and serves it on localhost
// with the headers that make the page cross-origin isolated (COOP same-origin, COEP
// require-corp), which browsers require for SharedArrayBuffer and so for WebAssembly threads.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { buildDemo } from "./build.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".bin": "application/octet-stream",
};

/**
 * Serves the files of `dir` (GET and HEAD only) on `host:port` (0: any free port), with the
 * cross-origin isolation headers unless `isolated` is false.
 */
export async function serveDemo(dir: string, opts: { host?: string; port?: number; isolated?: boolean } = {}): Promise<{ server: Server; url: string }> {
  const isolation = opts.isolated === false ? {} : {
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    "cross-origin-resource-policy": "same-origin",
  };
  const root = normalize(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    if (req.method !== "GET" && req.method !== "HEAD") return void res.writeHead(405).end();
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end("not found");
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      ...isolation,
      "cache-control": "no-cache",
    });
    res.end(req.method === "HEAD" ? undefined : readFileSync(file));
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8080, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/` };
}

const HELP = `npm run demo [-- options]

Builds the browser demo into demo/dist/ and serves it, cross-origin isolated.

  --port N     port to listen on (default 8080; 0: any free port)
  --host H     address to listen on (default 127.0.0.1)
  --no-build   serve demo/dist/ as it is
  -h, --help   this text

Page URL parameters: ?steps=500&batch=64&lr=0.002&eval=50&threads=N (default: all the browser offers)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      "no-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`--port ${values.port}: expected an integer in 0..65535`);
  const dir = join(import.meta.dirname, "dist");
  if (!values["no-build"]) {
    const t0 = performance.now();
    await buildDemo(dir);
    console.log(`built ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const { url } = await serveDemo(dir, { host: values.host, port });
  console.log(`torch-ts demo: ${url}  (cross-origin isolated: COOP same-origin, COEP require-corp; Ctrl-C stops)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: Error) => {
    console.error(`${e.name}: ${e.message}`);
    process.exitCode = 1;
  });
}
