#!/bin/bash
# Submits a sweep as a Slurm array job of TASKS shards and the merge that
# waits for it:  deploy/slurm/submit.sh SIM SWEEP OUT [TASKS]
set -euo pipefail
sim=$(realpath "$1") sweep=$(realpath "$2") out=$3 tasks=${4:-4}
mkdir -p "$out"; out=$(realpath "$out")
here=$(dirname "$(realpath "$0")")
array=$(sbatch --parsable --array=0-$((tasks - 1)) --export=ALL,SIM="$sim",SWEEP="$sweep",OUT="$out" "$here/sweep.sbatch")
merge=$(sbatch --parsable --dependency=afterok:"$array" --export=ALL,SIM="$sim",OUT="$out" "$here/merge.sbatch")
echo "array job $array, merge job $merge → $out"
