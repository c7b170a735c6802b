#!/usr/bin/env bash
# Manual browser check of the webgpu backend (not part of CI): bundles
# tools/browser/webgpu-check.ts with esbuild, serves it on 127.0.0.1 and opens it in headless
# Chromium on SwiftShader's WebGPU adapter (Debian: apt-get install chromium). Prints what the
# page reports: a few kernels' errors against the CPU backend, and the runtime's counters.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
node_modules/.bin/esbuild tools/browser/webgpu-check.ts --bundle --platform=browser --format=esm --outfile="$dir/check.js" --log-level=warning
printf '<!doctype html>\n<html><body><pre id="out">running</pre><script type="module" src="check.js"></script></body></html>\n' > "$dir/index.html"
port=8766
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dir" > /dev/null 2> "$dir/requests.log" &
server=$!
chromium --headless=new --no-sandbox --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader \
  --user-data-dir="$dir/profile" "http://127.0.0.1:$port/index.html" > /dev/null 2>&1 &
browser=$!
trap 'kill $browser $server 2>/dev/null; wait $browser 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 120); do
  grep -q 'GET /result?' "$dir/requests.log" && break
  sleep 1
done
python3 -c '
import sys, urllib.parse
for line in open(sys.argv[1]):
    if "GET /result?" in line:
        print(urllib.parse.unquote(line.split("GET /result?")[1].split(" HTTP/")[0]))
        sys.exit(0)
print("no result from the page within 120 s")
sys.exit(1)' "$dir/requests.log"
