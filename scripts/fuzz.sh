#!/usr/bin/env bash
# Runs every libFuzzer harness (fuzz/, docs/RELIABILITY.md) for SECONDS each (default 60), one
# after the other at the lowest priority, from its seed corpus in fuzz/corpus/<harness>/ plus
# what earlier runs found (build/fuzz-runs/<harness>/corpus/). Prints executions, coverage and
# crashes per harness; exits 1 if any harness crashed (the input is in
# build/fuzz-runs/<harness>/crashes/: add it to the seed corpus with the fix and its test).
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]     e.g. scripts/fuzz.sh 1800 dataset
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
all=(constraint family_shape db_shape dataset tuned_table database)
[[ $# -gt 0 ]] && harnesses=("$@") || harnesses=("${all[@]}")

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake --preset fuzz "${launcher[@]}" >/dev/null
nice -n 19 cmake --build --preset fuzz

summary=()
crashed=0
for h in "${harnesses[@]}"; do
  binary=build/fuzz/fuzz/${h}_fuzzer
  [[ -x $binary ]] || { echo "fuzz.sh: no harness '$h' (harnesses: ${all[*]})" >&2; exit 2; }
  work=build/fuzz-runs/$h
  mkdir -p "$work/corpus" "$work/crashes"
  options=(-max_total_time="$seconds" -timeout=25 -print_final_stats=1 -artifact_prefix="$work/crashes/")
  [[ -f fuzz/dict/$h.dict ]] && options+=(-dict="fuzz/dict/$h.dict")
  echo "== $h: ${seconds} s"
  status=0
  nice -n 19 "$binary" "${options[@]}" "$work/corpus" "fuzz/corpus/$h" >"$work/log" 2>&1 || status=$?
  # The last status line ("#N DONE cov: C ft: F corp: ...") and the final statistics.
  last=$(grep -E '^#[0-9]+' "$work/log" | tail -1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  crashes=$(find "$work/crashes" -type f | wc -l)
  if [[ $status -ne 0 || $crashes -gt 0 ]]; then
    crashed=1
    grep -E 'ERROR: |SUMMARY: |runtime error|Test unit written' "$work/log" | head -5 || true
  fi
  summary+=("$(printf '%-13s %12s execs  cov %6s  ft %7s  crashes %s' "$h" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes")")
done

echo "== summary (${seconds} s each; logs in build/fuzz-runs/<harness>/log)"
printf '%s\n' "${summary[@]}"
exit $crashed
