#!/usr/bin/env node
// torch-ts-run's command line (package.json "bin"): see launcher.ts.
import { USAGE, UsageError, launch, parseLaunchArgs } from "./launcher.ts";

try {
  process.exitCode = await launch(parseLaunchArgs(process.argv.slice(2)));
} catch (e) {
  if (e instanceof UsageError) {
    if (e.message) process.stderr.write(`torch-ts-run: error: ${e.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`torch-ts-run: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
