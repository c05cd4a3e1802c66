#!/bin/bash
# Submits a sweep as a Slurm array job of TASKS shards and the merge that
# waits for it (--dependency=afterok):
#
#   deploy/slurm/submit.sh SIM SWEEP OUT [TASKS]
#
# SIM is the sim binary, SWEEP the sweep file, OUT the sweep folder on a file
# system every node sees. Job logs go to OUT/logs/. Prints
# "array job A, merge job M → OUT".
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 SIM SWEEP OUT [TASKS]" >&2
  exit 2
fi
sim=$(realpath "$1") sweep=$(realpath "$2") out=$3 tasks=${4:-4}
mkdir -p "$out/logs"
out=$(realpath "$out")
here=$(dirname "$(realpath "$0")")
array=$(sbatch --parsable --array=0-$((tasks - 1)) --output="$out/logs/econsim-sweep-%A_%a.out" \
  --export=ALL,SIM="$sim",SWEEP="$sweep",OUT="$out" "$here/sweep.sbatch")
merge=$(sbatch --parsable --dependency=afterok:"$array" --output="$out/logs/econsim-merge-%j.out" \
  --export=ALL,SIM="$sim",OUT="$out" "$here/merge.sbatch")
echo "array job $array, merge job $merge → $out"
