#!/usr/bin/env bash
# Submits a ktune fleet to Slurm: a job array of TASKS tasks, each tuning its part of a list of
# shapes into its own database (tune-array.sh), then one job that merges them once every task
# succeeded (merge.sh, --dependency=afterok). Prints the two job ids.
#
#   scripts/slurm/fleet.sh [--tasks N] [--sbatch OPTION]... KERNEL SHAPES OUT [ktune tune options]
#
#   --tasks N          array tasks (default 4); the shapes are dealt out, shape k to task k mod N
#   --sbatch OPTION    passed to the array's sbatch as it is (repeatable), e.g.
#                      --sbatch --gpus-per-task=1, --sbatch --gres=gpu:1, --sbatch --partition=gpu,
#                      --sbatch --time=02:00:00
#
# Paths are made absolute (the tasks run from Slurm's spool). KTUNE names the ktune binary for
# the jobs (default: ktune on the PATH).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tasks=4
sbatch_options=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --tasks) tasks=$2; shift 2 ;;
    --sbatch) sbatch_options+=("$2"); shift 2 ;;
    --) shift; break ;;
    -*) echo "fleet.sh: unknown option $1 (accepted: --tasks N, --sbatch OPTION)" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [[ $# -lt 3 ]]; then
  echo "usage: fleet.sh [--tasks N] [--sbatch OPTION]... KERNEL SHAPES OUT [ktune tune options]" >&2
  exit 2
fi
if ! [[ $tasks =~ ^[1-9][0-9]*$ ]]; then
  echo "fleet.sh: --tasks $tasks: expected a positive number" >&2
  exit 2
fi
kernel=$1
shapes=$(realpath "$2")
mkdir -p "$3"
out=$(realpath "$3")
shift 3
[[ -r $shapes ]] || { echo "fleet.sh: $shapes: cannot read the list of shapes" >&2; exit 2; }
export KTUNE=${KTUNE:-ktune}

array=$(sbatch --parsable --job-name=ktune-fleet --array="0-$((tasks - 1))" --requeue \
  --output="$out/slurm-%A_%a.out" "${sbatch_options[@]}" \
  "$here/tune-array.sh" "$kernel" "$shapes" "$out" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --job-name=ktune-fleet-merge --dependency="afterok:$array" \
  --output="$out/merge-%j.out" "$here/merge.sh" "$out")
merge=${merge%%;*}
echo "$array $merge"
