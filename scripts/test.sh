#!/usr/bin/env bash
# The README's test command (and all that .ci/run does): install what is missing, build with
# warnings as errors, run the whole test suite with CTest, then a few seconds of each fuzz
# harness. Tests that need a GPU report "skipped" on machines without one. (The sanitize preset,
# `ctest --preset sanitize`, runs the suite under ASan + UBSan; it is not part of this command
# yet: see docs/RELIABILITY.md.)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
ctest --preset ci -j "$(nproc)"
# A short smoke of every fuzz harness (clang, libFuzzer; docs/RELIABILITY.md).
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz -j "$(nproc)"
