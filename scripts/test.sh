#!/usr/bin/env bash
# The README's test command (and all that .ci/run does): install what is missing, build with
# warnings as errors, run the whole test suite with CTest, the same suite again under
# AddressSanitizer + UBSan (Debug; the CUPTI host-API and Slurm tests left out, see
# CMakePresets.json), then a few seconds of each fuzz harness. Tests that need a GPU report
# "skipped" on machines without one.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
ctest --preset ci -j "$(nproc)"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize
ctest --preset sanitize -j "$(nproc)"
# A short smoke of every fuzz harness (clang, libFuzzer; docs/RELIABILITY.md).
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz -j "$(nproc)"
