#!/usr/bin/env bash
# Runs every test file under test/ with node:test through tsx.
# Files are listed with globstar because Node 20 does not expand quoted globs.
set -euo pipefail
shopt -s globstar nullglob
files=(test/**/*.test.ts bench/**/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
# The webgpu suite needs a WebGPU adapter. Without a GPU, Dawn (the npm package `webgpu`)
# runs on SwiftShader, the Vulkan driver Debian's chromium package ships; Dawn also needs the
# Vulkan loader, which chromium ships too when libvulkan1 is not installed. Where neither
# exists the suite reports itself skipped, with the reason.
swiftshader=/usr/lib/chromium/vk_swiftshader_icd.json
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f "$swiftshader" ]; then
  export VK_ICD_FILENAMES="$swiftshader"
  if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 ' && [ -f /usr/lib/chromium/libvulkan.so.1 ]; then
    export LD_LIBRARY_PATH="/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
fi
reporter=spec
if [ -n "${CI:-}" ]; then reporter=tap; fi
exec node --import tsx --test --test-reporter="$reporter" "${files[@]}"
