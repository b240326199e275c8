#!/usr/bin/env bash
# Compiles every valid variant of every kernel family with NVRTC for each architecture given
# (default: sm_80 and sm_90), lists the variants that fail, and exits non-zero if any does.
# No GPU needed. Takes minutes: the full spaces have thousands of variants.
#
#   scripts/compile-space.sh [sm_80 sm_90 ...]     (build directory: $BUILD, default build/ci)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build/ci}
archs=("$@")
[[ ${#archs[@]} -gt 0 ]] || archs=(sm_80 sm_90)
if [[ ! -x "$build/bench/compile/ktune_compile_bench" ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" --target ktune_compile_bench
fi
status=0
for arch in "${archs[@]}"; do
  "$build/bench/compile/ktune_compile_bench" --arch "$arch" --jobs "$(nproc)" --whole-space ||
    status=1
  echo
done
exit $status
