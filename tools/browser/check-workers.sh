#!/usr/bin/env bash
# Manual browser check of DataLoader workers (not part of CI: it needs Chromium): compiles the
# package (tsc, unbundled ES modules), serves it on 127.0.0.1 with a dataset module and four
# shards, and runs tools/browser/workers/index.html in headless Chromium: a map-style dataset
# loaded by 2 module Web Workers, WebDataset shards fetched by the workers, and the error for a
# function that cannot reach a worker. Prints what the page printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
node_modules/.bin/tsc -p tsconfig.build.json --outDir "$dir/torch"
cp tools/browser/workers/index.html tools/browser/workers/datasets.js "$dir/"
mkdir "$dir/shards"
node --import tsx -e '
import("./src/utils/data/index.ts").then(({ ShardWriter }) => {
  const w = new ShardWriter(process.argv[1] + "/shards/b-%04d.tar", { maxcount: 5 });
  for (let i = 0; i < 20; i++) w.write({ __key__: "k" + i, txt: "sample " + i, cls: i % 3 });
  w.close();
});' "$dir"
cp tools/browser/workers/serve.mjs "$dir/"
port=8766
node "$dir/serve.mjs" "$dir" "$port" > "$dir/result.txt" &
server=$!
sleep 1
timeout 100 chromium --headless=new --no-sandbox --disable-gpu "http://127.0.0.1:$port/index.html" > /dev/null 2>&1 &
browser=$!
trap 'kill $browser 2>/dev/null; kill $server 2>/dev/null; rm -rf "$dir"' EXIT
wait $server || true
cat "$dir/result.txt"
