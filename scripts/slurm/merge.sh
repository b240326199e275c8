#!/usr/bin/env bash
# The fleet's last job (scripts/slurm/fleet.sh submits it with --dependency=afterok on the
# array): merges every task's database into OUT/merged.db and prints the sessions it holds.
#
#   sbatch --dependency=afterok:ARRAY_JOB merge.sh OUT
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: merge.sh OUT" >&2
  exit 2
fi
out=$1
ktune=${KTUNE:-ktune}
shopt -s nullglob
databases=("$out"/task-*.db)
if [[ ${#databases[@]} -eq 0 ]]; then
  echo "merge.sh: no task database in $out (did the array run?)" >&2
  exit 1
fi
"$ktune" db merge "${databases[@]}" --into "$out/merged.db"
"$ktune" query sessions --db "$out/merged.db"
