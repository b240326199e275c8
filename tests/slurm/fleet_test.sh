#!/usr/bin/env bash
# The fleet scripts (scripts/slurm/) against a live Slurm: a throwaway one-node cluster on
# loopback (the recipe of docs/SLURM.md), a job array of 4 tasks tuning a list of shapes on
# PoCL plus the merge job, one task requeued while it runs. Checks every output (a launch
# failure can look like a success in Slurm), that the requeued task resumed without measuring
# anything twice, and that the merged database holds every shape once and every task's
# measurements. Stops every daemon it started, by process id.
#
#   fleet_test.sh KTUNE SOURCE_DIR        (exit 77: skipped, Slurm or root missing)
set -euo pipefail
ktune=$(realpath "$1")
source_dir=$(realpath "$2")

for tool in munged slurmctld slurmd sbatch scontrol squeue sinfo sqlite3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: $tool is not installed (scripts/install-deps.sh installs Slurm and munge)"
    exit 77
  fi
done
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIPPED: the throwaway cluster runs its daemons as root"
  exit 77
fi
ctld_port=16817 slurmd_port=16818
if ss -ltn 2>/dev/null | grep -qE ":($ctld_port|$slurmd_port)\b"; then
  echo "FAILED: port $ctld_port or $slurmd_port is in use (a leftover slurmctld or slurmd?)"
  exit 1
fi

S=$(mktemp -d /tmp/ktune-slurm.XXXXXX)
munged_pid="" ctld_pid="" slurmd_pid=""
stop() {  # SIGTERM by process id, SIGKILL after 10 s
  local pid=$1
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$?
  stop "$slurmd_pid"
  stop "$ctld_pid"
  [[ -n $ctld_pid ]] && wait "$ctld_pid" 2>/dev/null || true
  [[ -n $slurmd_pid ]] && wait "$slurmd_pid" 2>/dev/null || true
  if [[ -n $munged_pid ]]; then
    kill "$(cat "$S/munge/munged.pid" 2>/dev/null || echo "$munged_pid")" 2>/dev/null || true
    wait "$munged_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && $status -ne 77 ]]; then
    echo "--- slurmctld.log"; tail -20 "$S/slurmctld.log" 2>/dev/null || true
    echo "--- slurmd.log"; tail -20 "$S/slurmd.log" 2>/dev/null || true
    for f in "$S"/out/*.out; do echo "--- $f"; cat "$f"; done 2>/dev/null || true
  fi
  rm -rf "$S"
  exit "$status"
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*"
  exit 1
}

mkdir -p "$S/state" "$S/spool" "$S/munge" "$S/out"
chmod 700 "$S/munge"
head -c 1024 /dev/urandom >"$S/munge/munge.key"
chmod 400 "$S/munge/munge.key"
munged -F --force --key-file="$S/munge/munge.key" --socket="$S/munge/munge.sock" \
  --pid-file="$S/munge/munged.pid" --seed-file="$S/munge/munged.seed" \
  --log-file="$S/munge/munged.log" >"$S/munged.out" 2>&1 &
munged_pid=$!
for _ in $(seq 100); do [[ -S $S/munge/munge.sock ]] && break; sleep 0.1; done
[[ -S $S/munge/munge.sock ]] || fail "munged did not start"

host=$(hostname -s)
cat >"$S/slurm.conf" <<CONF
ClusterName=ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge/munge.sock,cred_expire=10
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
export SLURM_CONF=$S/slurm.conf
slurmctld -D -f "$SLURM_CONF" >"$S/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D -f "$SLURM_CONF" >"$S/slurmd.out" 2>&1 &
slurmd_pid=$!
for _ in $(seq 600); do
  [[ $(sinfo -h -N -o %T 2>/dev/null) == idle ]] && break
  sleep 0.1
done
[[ $(sinfo -h -N -o %T 2>/dev/null) == idle ]] || fail "the node never became idle"
echo "cluster up"

# Four shapes, one a task; each task tunes its shape with 8 evaluations on PoCL.
cat >"$S/shapes.txt" <<SHAPES
# the fleet test's shapes
32x32x32
64x32x32
32x64x32
48x48x48
SHAPES
out=$S/out
export KTUNE=$ktune
read -r array merge < <("$source_dir/scripts/slurm/fleet.sh" --tasks 4 --sbatch --cpus-per-task=1 \
  matmul "$S/shapes.txt" "$out" --budget-evals 8 --min-runs 1 --max-runs 2 --finalists 2)
echo "array job $array, merge job $merge"

# Requeue task 1 once it has measured something, while it runs.
requeued=0
for _ in $(seq 1200); do
  state=$(squeue -h -j "${array}_1" -o %T 2>/dev/null || true)
  measured=$(sqlite3 "$out/task-1.db" "SELECT COUNT(*) FROM measurements" 2>/dev/null || echo 0)
  if [[ $state == RUNNING && ${measured:-0} -ge 2 ]]; then
    scontrol requeue "${array}_1"
    requeued=1
    echo "requeued task 1 after $measured measurements"
    break
  fi
  [[ -f $out/task-1.run-0.json && -s $out/task-1.run-0.json ]] && break  # finished first
  sleep 0.1
done
[[ $requeued -eq 1 ]] || fail "task 1 finished before it could be requeued"

# Wait for the merge job (the requeued task reruns after the credential expires, ~15 s).
for _ in $(seq 240); do
  [[ -z $(squeue -h -j "$array,$merge" 2>/dev/null) ]] && break
  sleep 1
done
[[ -z $(squeue -h -j "$array,$merge" 2>/dev/null) ]] || fail "the jobs did not finish in 4 minutes"
merge_state=$(scontrol show job "$merge" | grep -o 'JobState=[A-Z_]*' | head -1)
[[ $merge_state == JobState=COMPLETED ]] || fail "merge job: $merge_state"

# Every output: a launch failure is recorded COMPLETED with exit 0.
for task in 0 1 2 3; do
  grep -q "task $task done" "$out"/slurm-"${array}_$task".out || fail "task $task did not finish"
  [[ -s $out/task-$task.db ]] || fail "task $task wrote no database"
done
grep -q "run 1" "$out/slurm-${array}_1.out" || fail "task 1 was not run again after the requeue"
[[ -s $out/task-1.run-1.json ]] || fail "the requeued task 1 printed nothing"
grep -q "merged into" "$out"/merge-"$merge".out || fail "the merge job printed no summary"

m=$out/merged.db
q() { sqlite3 "$m" "$1"; }
[[ $(q "SELECT COUNT(*) FROM sessions") -eq 4 ]] || fail "merged: $(q 'SELECT COUNT(*) FROM sessions') sessions, not 4"
[[ $(q "SELECT COUNT(DISTINCT problem_id) FROM sessions") -eq 4 ]] || fail "merged: a shape is missing or twice"
[[ $(q "SELECT COUNT(*) FROM sessions WHERE status != 'completed'") -eq 0 ]] || fail "merged: unfinished sessions"
twice=$(q "SELECT COUNT(*) FROM (SELECT session_id, configuration_id FROM measurements GROUP BY 1, 2 HAVING COUNT(*) > 1)")
[[ $twice -eq 0 ]] || fail "merged: $twice configuration(s) measured twice in a session"
[[ $(q "SELECT COUNT(*) FROM measurements") -eq 32 ]] || fail "merged: $(q 'SELECT COUNT(*) FROM measurements') measurements, not 4 x 8"
total=0
for task in 0 1 2 3; do
  total=$((total + $(sqlite3 "$out/task-$task.db" "SELECT COUNT(*) FROM measurements")))
done
[[ $total -eq 32 ]] || fail "the task databases hold $total measurements, not 32"
# The merged database holds what the tasks stored: the same shapes, configurations, outcomes.
rows="SELECT p.shape, c.canonical, m.outcome FROM measurements m JOIN problems p ON p.id = m.problem_id JOIN configurations c ON c.id = m.configuration_id"
for task in 0 1 2 3; do sqlite3 "$out/task-$task.db" "$rows"; done | sort >"$S/tasks.rows"
sqlite3 "$m" "$rows" | sort >"$S/merged.rows"
cmp -s "$S/tasks.rows" "$S/merged.rows" || fail "the merged measurements differ from the tasks' ($(diff "$S/tasks.rows" "$S/merged.rows" | head -3))"
resumed=$(grep -o '"resumed": *[0-9][0-9]*' "$out/task-1.run-1.json" | head -1 | grep -o '[0-9]*$')
[[ ${resumed:-0} -ge 2 ]] || fail "the requeued task resumed ${resumed:-0} evaluations, expected its stored ones"
echo "PASSED: 4 shapes, 32 measurements, task 1 requeued and resumed $resumed evaluations"
