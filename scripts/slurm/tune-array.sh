#!/usr/bin/env bash
# One task of a ktune fleet, run by Slurm as a job array task (scripts/slurm/fleet.sh submits
# it): tunes its part of a list of shapes (--shapes FILE --shard TASK/COUNT) into its own
# database, OUT/task-TASK.db. --resume is always given: a requeued or preempted task continues
# each unfinished session without measuring anything again and skips the shapes it finished.
#
#   sbatch --array=0-3 [--gpus-per-task=1 | --gres=gpu:1 ...] tune-array.sh KERNEL SHAPES OUT \
#       [ktune tune options]
#
# KTUNE names the ktune binary (default: ktune on the PATH). Each run writes its JSON to
# OUT/task-TASK.run-R.json (R: SLURM_RESTART_COUNT, 0 for the first run).
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: tune-array.sh KERNEL SHAPES OUT [ktune tune options]" >&2
  exit 2
fi
kernel=$1 shapes=$2 out=$3
shift 3
task=${SLURM_ARRAY_TASK_ID:?tune-array.sh runs as a Slurm array task (sbatch --array)}
count=${SLURM_ARRAY_TASK_COUNT:?SLURM_ARRAY_TASK_COUNT is unset (Slurm 20.02 or later)}
run=${SLURM_RESTART_COUNT:-0}
ktune=${KTUNE:-ktune}
mkdir -p "$out"
echo "ktune fleet: task $task of $count, run $run, on $(hostname -s)"
"$ktune" tune "$kernel" --shapes "$shapes" --shard "$task/$count" --db "$out/task-$task.db" \
  --resume --format json "$@" >"$out/task-$task.run-$run.json"
echo "ktune fleet: task $task done"
