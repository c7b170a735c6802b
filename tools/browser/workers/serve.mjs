// Serves a directory on 127.0.0.1 for tools/browser/check-workers.sh and prints the text the
// page POSTs to /result, then exits (code 0), or exits 1 after 90 s without it.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const [dir, port] = process.argv.slice(2);
const types = { ".html": "text/html", ".js": "text/javascript", ".tar": "application/x-tar" };
const server = createServer(async (req, res) => {
  if (req.method === "POST" && req.url === "/result") {
    let body = "";
    for await (const c of req) body += c;
    res.end("ok");
    console.log(body);
    server.close();
    process.exit(0);
  }
  const path = join(dir, normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)));
  try {
    const data = await readFile(path);
    res.writeHead(200, { "Content-Type": types[extname(path)] ?? "application/octet-stream" }).end(data);
  } catch {
    res.writeHead(404).end();
  }
});
server.listen(Number(port), "127.0.0.1");
setTimeout(() => {
  console.log("no result from the page within 90 s");
  process.exit(1);
}, 90_000);
