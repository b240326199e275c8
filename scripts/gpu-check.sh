#!/usr/bin/env bash
# Builds and runs everything GPU-related on a machine with an NVIDIA GPU, then prints a short
# table: the GPU tests (label gpu), the CUDA unit tests, `ktune devices`, an offline analysis for
# the device's own architecture, and a short CUDA tuning session with pruning. Exits non-zero if
# anything failed, or if no GPU was found (a check that ran on nothing is not a pass).
#
#   scripts/gpu-check.sh [build-dir]        (default: build/gpu-check)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/gpu-check}
log_dir="$build/gpu-check-logs"
jobs=$(nproc)

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKTUNE_CUDA=ON \
  -DKTUNE_BUILD_BENCH=OFF >/dev/null || { echo "gpu-check: configure failed (is the CUDA toolkit installed?)"; exit 1; }
cmake --build "$build" -j "$jobs" >/dev/null || { echo "gpu-check: build failed"; exit 1; }
mkdir -p "$log_dir"

rows=()
failed=0
check() {  # check <name> <command...>: runs it, records PASS/FAIL with the time it took
  local name=$1
  shift
  local start end status
  start=$(date +%s.%N)
  "$@" >"$log_dir/$name.log" 2>&1
  status=$?
  end=$(date +%s.%N)
  local result=PASS
  if [[ $status -ne 0 ]]; then
    result="FAIL ($status)"
    failed=1
  elif skipped=$(grep -c "Skipped" "$log_dir/$name.log") && [[ $skipped -gt 0 ]]; then
    result="PASS ($skipped skipped)"
  fi
  rows+=("$(printf '%-22s %-10s %8.1f s  %s' "$name" "$result" "$(echo "$end - $start" | bc)" "$log_dir/$name.log")")
}

ktune="$build/cli/ktune"
check devices "$ktune" devices
arch=$("$ktune" devices --format json 2>/dev/null |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(next((x["architecture"] for b in d["backends"] if b["backend"]=="cuda" for x in b["devices"]), ""))')
if [[ -z "$arch" ]]; then
  echo "gpu-check: no CUDA device found:"
  "$ktune" devices
  exit 1
fi
check gpu-tests ctest --test-dir "$build" -L gpu --output-on-failure -j 1
check cuda-unit-tests ctest --test-dir "$build" -L nvrtc --output-on-failure -j "$jobs"
check analyze "$ktune" analyze matmul --arch "$arch" --limit 32
check tune-cuda "$ktune" tune matmul --backend cuda --shape 1024x1024x1024 --budget-evals 20 \
  --prune spills --db "$build/gpu-check.db"

echo
printf '%-22s %-10s %10s  %s\n' check result time log
for row in "${rows[@]}"; do echo "$row"; done
echo
grep -h "GB/s" "$log_dir/gpu-tests.log" 2>/dev/null | head -1
grep -E "^best:" "$log_dir/tune-cuda.log" 2>/dev/null
exit $failed
