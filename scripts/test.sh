#!/usr/bin/env bash
# The README's test command (and all that .ci/run does): install what is missing, build with
# warnings as errors, run the whole test suite with CTest, then the suite again built with
# AddressSanitizer and UndefinedBehaviorSanitizer, then a few seconds of each fuzz harness. Tests
# that need a GPU report "skipped" on machines without one.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
ctest --preset ci -j "$(nproc)"
# The suite under ASan + UBSan (the sanitize test preset leaves out the CUPTI host tests, which
# the sanitizers cannot run, and the Slurm test, which tests scripts, not ktune's code). ASan leaves
# fatal signals to the default action there, so a worker killed by SIGSEGV dies of it, as the
# isolation tests expect; a real crash still fails its test.
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize
ctest --preset sanitize -j "$(nproc)"
# A short smoke of every fuzz harness (clang, libFuzzer; docs/RELIABILITY.md).
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz -j "$(nproc)"
