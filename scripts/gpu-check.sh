#!/usr/bin/env bash
# The one command that validates the whole CUDA path on a machine with an NVIDIA GPU. Builds with
# KTUNE_CUDA=ON, then runs, each under its own time limit, and prints a pass/fail table:
#   devices         `ktune devices` finds the GPU (none: exit 1; a check of nothing is no pass)
#   cuda-device     tests/gpu/cuda_device_test: identity, launches, every family correct on a
#                   sample, occupancy against the runtime, >48 KiB shared memory
#   real-faults     the same program's real faults: a wild pointer, an out-of-bounds write, a
#                   misaligned access, a run past the timeout; each recovered from
#   endless-kernel  a kernel that never ends: a timeout, and the device recovers (if the reset
#                   waits for the kernel, this row fails on its time limit)
#   counters        tests/gpu/cupti_gpu_test: DRAM bytes, FLOPs, occupancy, the CUPTI timer
#   fault, unit     the fake-runtime failure paths (label fault) and the CUDA unit tests
#   analyze, tune   `ktune analyze` for the GPU's architecture; a short pruned tuning session
#   profile         `ktune profile` with FLOP counters and the CUPTI timer
# A skipped test is listed with its reason under the table: only the environment may skip
# (counters restricted to administrators, counters busy, MIG, vGPU); ktune's own failures fail.
# About 6 minutes on one H100 with 16 cores (the build takes 2 to 3 of them).
#
#   scripts/gpu-check.sh [build-dir]        (default: build/gpu-check)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
build=${1:-build/gpu-check}
logs="$build/gpu-check-logs"
jobs=$(nproc)

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKTUNE_CUDA=ON \
  -DKTUNE_BUILD_BENCH=OFF >/dev/null || { echo "gpu-check: configure failed (is the CUDA toolkit installed?)"; exit 1; }
cmake --build "$build" -j "$jobs" >/dev/null || { echo "gpu-check: build failed"; exit 1; }
mkdir -p "$logs"

# The line after each "Skipped" of a test (ctest -V -j prefixes each test's lines with "N: ").
skip_reasons() {
  awk '{ p = ""; if (match($0, /^[0-9]+: /)) p = substr($0, 1, RLENGTH) }
       (p in want) { print substr($0, length(p) + 1); delete want[p]; next }
       /: Skipped$/ { want[p] = 1 }' "$1" | sort -u
}

rows=()
reasons=()
failed=0
# check <name> <seconds> <command...>: PASS, FAIL or FAIL (over N s), and how many tests were
# skipped; gtest's "file:line: Skipped" (ctest -V prefixes it) is followed by the reason.
check() {
  local name=$1 limit=$2
  shift 2
  local log="$logs/$name.log" start=$SECONDS status result skipped
  timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
  status=$?
  skipped=$(grep -c ': Skipped$' "$log")
  if ((status == 124 || status == 137)); then
    result="FAIL (over $limit s)" failed=1
  elif ((status != 0)); then
    result="FAIL ($status)" failed=1
  elif ((skipped > 0)); then
    result="PASS ($skipped skipped)"
    while IFS= read -r reason; do reasons+=("$name: $reason"); done < <(skip_reasons "$log")
  else
    result=PASS
  fi
  rows+=("$(printf '%-15s %-22s %5d s  %s' "$name" "$result" $((SECONDS - start)) "$log")")
}

ktune="$build/cli/ktune"
tests="$build/tests"
arch=$("$ktune" devices --format json 2>/dev/null |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(next((x["architecture"] for b in d["backends"] if b["backend"]=="cuda" for x in b["devices"]), ""))')
if [[ -z "$arch" ]]; then
  echo "gpu-check: no CUDA device found:"
  "$ktune" devices
  exit 1
fi
faults='*Recovers*:*PastTheTimeout*'
check devices 60 "$ktune" devices
check cuda-device 240 "$tests/gpu/cuda_device_test" --gtest_filter="-$faults:*Endless*"
check real-faults 120 "$tests/gpu/cuda_device_test" --gtest_filter="$faults"
check endless-kernel 60 "$tests/gpu/cuda_device_test" --gtest_filter='*Endless*'
check counters 180 "$tests/gpu/cupti_gpu_test"
check fault 120 ctest --test-dir "$build" -L fault -V -j "$jobs"
check unit 180 ctest --test-dir "$build" -L nvrtc -E '^CompileSpace' -V -j "$jobs"
check analyze 120 "$ktune" analyze matmul --arch "$arch" --limit 32
check tune 180 "$ktune" tune matmul --backend cuda --shape 1024x1024x1024 --budget-evals 20 \
  --prune spills --db "$build/gpu-check.db"
# Measured counters, or the environment's reason for going without them (reported as a skip).
# shellcheck disable=SC2317  # run through bash -c, under the time limit
profile_check() {
  "$ktune" profile matmul --backend cuda --shape 2048x2048x2048 --flops --timer cupti \
    --no-baseline --no-store --format json >"$logs/profile.json" || return 1
  python3 - "$logs/profile.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
measured = [m["name"] for m in p["metrics"] if m["source"] == "measured"]
print(p["outcome"], p["time_ms"], "measured:", ", ".join(measured))
if p["outcome"] != "correct": sys.exit(1)
if p["counters_problem"]: print("profile: Skipped\n" + p["counters_problem"])
elif "flop_count_fp32" not in measured or "dram_bytes_read" not in measured: sys.exit(1)
EOF
}
export ktune logs
export -f profile_check
check profile 120 bash -c profile_check

echo
printf '%-15s %-22s %7s  %s\n' check result time log
printf '%s\n' "${rows[@]}"
if ((${#reasons[@]} > 0)); then
  echo
  echo "skipped (the environment's reasons; anything else is a ktune bug):"
  printf '  %s\n' "${reasons[@]}"
fi
echo
grep -h "GB/s" "$logs/cuda-device.log" 2>/dev/null | head -1
grep -E "^best:" "$logs/tune.log" 2>/dev/null
echo "gpu-check: $([[ $failed == 0 ]] && echo passed || echo FAILED) in $SECONDS s"
exit $failed
