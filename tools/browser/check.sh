#!/usr/bin/env bash
# Manual browser check (not part of CI: it needs Chromium, which npm must not download):
# bundles src/index.ts for the browser with esbuild, serves it on 127.0.0.1 and runs the seed
# program, a float32 matmul, convolution and softmax (the wasm kernels against float64), a
# checkpoint round trip, the graph picture (@viz-js/viz, bundled) and an attribution heat map
# (fast-png) in headless Chromium (Debian: apt-get install chromium). Prints what the page printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
node_modules/.bin/esbuild src/index.ts --bundle --platform=browser --format=esm --outfile="$dir/torch.js" --log-level=warning
cp tools/browser/index.html "$dir/"
port=8765
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dir" > /dev/null 2>&1 &
server=$!
trap 'kill $server; rm -rf "$dir"' EXIT
sleep 1
timeout 120 chromium --headless=new --no-sandbox --disable-gpu --virtual-time-budget=20000 \
  --dump-dom "http://127.0.0.1:$port/index.html" 2>/dev/null | sed -n '/<pre/,/<\/pre>/p' | sed 's/<[^>]*>//g'
