#!/bin/bash
# End-to-end test of sweeps on Slurm: installs Debian's slurm-wlm and munge,
# starts a one-node cluster on this machine (munged, slurmctld, slurmd, with a
# minimal slurm.conf naming this host), submits scenarios/sweep-policies.toml
# with deploy/slurm/submit.sh as an array job of 4 tasks and the merge that
# depends on it, and checks that
# the merged results equal an unsharded local sweep of the same file. It stops
# the daemons it started and removes its files, whether it passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export PATH="$PATH:/usr/local/go/bin"

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/econsim-slurm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  status=$?
  scancel --full --quiet --user root 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/ctld.pid" ] && kill "$(cat "$work/ctld.pid")" 2>/dev/null || true
  [ -f "$work/d.pid" ] && kill "$(cat "$work/d.pid")" 2>/dev/null || true
  [ -f "$work/munged.pid" ] && kill "$(cat "$work/munged.pid")" 2>/dev/null || true
  sleep 1
  if [ $status -ne 0 ]; then
    echo "e2e-slurm: FAILED; daemon logs follow" >&2
    tail -n 30 "$work"/*.log >&2 2>/dev/null || true
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

# munge: a key of our own and a daemon on our own socket.
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 status=none
chown munge:munge "$work/munge.key" 2>/dev/null || true
chmod 400 "$work/munge.key"
mkdir -p "$work/munge"
chown munge:munge "$work/munge" 2>/dev/null || true
chmod 700 "$work/munge"
munge_sock="$work/munge/munge.socket"
runuser -u munge -- /usr/sbin/munged --key-file="$work/munge.key" --socket="$munge_sock" \
  --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/seed" 2>/dev/null ||
  /usr/sbin/munged --force --key-file="$work/munge.key" --socket="$munge_sock" \
    --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/seed"

host=$(hostname -s)
cpus=$(nproc)
cat >"$work/slurm.conf" <<CONF
ClusterName=econsim-e2e
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$munge_sock
CredType=cred/munge
StateSaveLocation=$work/ctld
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/ctld.pid
SlurmdPidFile=$work/d.pid
SlurmctldLogFile=$work/ctld.log
SlurmdLogFile=$work/d.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=e2e Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p "$work/ctld" "$work/spool"
export SLURM_CONF="$work/slurm.conf"
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"

# Wait for the node to come up.
for _ in $(seq 60); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  case "$state" in idle*|mixed*|allocated*) break ;; esac
  sleep 1
done
echo "e2e-slurm: node $host is ${state:-unknown}"
case "$state" in idle*|mixed*|allocated*) ;; *) echo "e2e-slurm: the node did not come up" >&2; exit 1 ;; esac

go build -o "$work/sim" ./cmd/sim
sweepfile=$repo/scenarios/sweep-policies.toml
out=$work/cluster
# Submit through the deploy script a user would run.
submitted=$(deploy/slurm/submit.sh "$work/sim" "$sweepfile" "$out" 4)
echo "e2e-slurm: $submitted"
array=$(echo "$submitted" | sed -E 's/^array job ([0-9]+), merge job ([0-9]+).*/\1/')
merge=$(echo "$submitted" | sed -E 's/^array job ([0-9]+), merge job ([0-9]+).*/\2/')

# Wait for both jobs to leave the queue (at most 10 minutes).
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
  sleep 1
done
if [ -n "$(squeue -h -j "$array,$merge" 2>/dev/null)" ]; then
  echo "e2e-slurm: jobs still queued after 10 minutes" >&2
  squeue >&2
  exit 1
fi
cat "$out"/logs/*.out
[ -f "$out/results.csv" ] || { echo "e2e-slurm: the merge wrote no results.csv" >&2; exit 1; }

# The same sweep, unsharded, on this machine: the results must be equal.
"$work/sim" sweep "$sweepfile" --out "$work/local" --quiet >/dev/null
"$work/sim" merge "$work/local" >/dev/null
if ! cmp -s "$out/results.csv" "$work/local/results.csv"; then
  echo "e2e-slurm: the cluster's results differ from the local sweep" >&2
  diff <(head -3 "$out/results.csv") <(head -3 "$work/local/results.csv") >&2 || true
  exit 1
fi
rows=$(($(wc -l <"$out/results.csv") - 1))
echo "e2e-slurm: 1 passed, 0 failed ($rows runs from 4 array tasks equal the local sweep)"
