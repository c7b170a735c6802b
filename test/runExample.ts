// Runs examples/NAME.ts as `npm run example:NAME -- ...args` runs it (node + tsx), bounded in time.
import { spawnSync } from "node:child_process";

export function runExample(name: string, args: string[], timeoutMs = 120_000) {
  return spawnSync(process.execPath, ["--import", "tsx", `examples/${name}.ts`, ...args], {
    cwd: new URL("..", import.meta.url).pathname,
    encoding: "utf8",
    timeout: timeoutMs,
  });
}
