#!/usr/bin/env bash
# Runs every test file under test/ with node:test through tsx.
# Files are listed with globstar because Node 20 does not expand quoted globs.
set -euo pipefail
shopt -s globstar nullglob
files=(test/**/*.test.ts bench/**/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
reporter=spec
if [ -n "${CI:-}" ]; then reporter=tap; fi
exec node --import tsx --test --test-reporter="$reporter" "${files[@]}"
