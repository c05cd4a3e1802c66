#!/bin/bash
# End-to-end test of the container image and the Kubernetes manifests, as
# close as this machine allows (no cluster): installs podman (and runc,
# which can set the limits and cgroups here; crun cannot), builds the image
# with scripts/build-image.sh, then runs deploy/k8s/sweep's Indexed Job as
# one container per index — its args, SHARD_COUNT, user and mount path read
# from the manifest, JOB_COMPLETION_INDEX=k — all writing to one volume,
# then deploy/k8s/merge's command in a container, and checks that
# results.csv equals a sweep run on the host. It also checks that a volume
# the image's user cannot write fails loudly. It removes what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >/dev/null
fi

image=econsim:e2e
# This machine's container runtime needs these; they are not the image's.
podman=(podman --cgroup-manager=cgroupfs --runtime runc)
run=("${podman[@]}" run --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

work=$(mktemp -d /tmp/econsim-container.XXXXXX)
chmod 755 "$work"
cleanup() {
  status=$?
  [ $status -ne 0 ] && echo "e2e-container: FAILED" >&2
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

IMAGE=$image PODMAN_FLAGS=--cgroup-manager=cgroupfs ENGINE=podman scripts/build-image.sh

# What the manifests say.
sweep_yaml=deploy/k8s/sweep/sweep-job.yaml
merge_yaml=deploy/k8s/merge/merge-job.yaml
list() { # the YAML flow list on the first "key: [...]" line of a file, one item a line
  grep -m1 "^ *$1: \[" "$2" | sed 's/^[^[]*\[//; s/\].*$//' | tr ',' '\n' | sed 's/^ *"//; s/" *$//'
}
field() { grep -m1 "^ *$1:" "$2" | sed 's/^[^:]*: *//; s/ *#.*$//; s/"//g'; }
completions=$(field completions "$sweep_yaml")
shards=$(grep -A1 'name: SHARD_COUNT' "$sweep_yaml" | sed -n 's/.*value: *"\{0,1\}\([0-9]*\)"\{0,1\}.*/\1/p')
uid=$(field runAsUser "$sweep_yaml")
gid=$(field runAsGroup "$sweep_yaml")
mount=$(grep -m1 'mountPath:' "$sweep_yaml" | sed 's/.*mountPath: *\([^, }]*\).*/\1/')
mapfile -t sweep_args < <(list args "$sweep_yaml")
mapfile -t merge_args < <(list args "$merge_yaml")
echo "e2e-container: $completions indices, SHARD_COUNT=$shards, user $uid:$gid, volume at $mount"
echo "  sweep: ${sweep_args[*]}"
echo "  merge: ${merge_args[*]}"
[ "$completions" = "$shards" ] || { echo "the manifest's completions ($completions) and SHARD_COUNT ($shards) differ" >&2; exit 1; }
[ "$(podman image inspect "$image" --format '{{.Config.User}}')" = "$uid:$gid" ] ||
  { echo "the image's user is not the manifest's $uid:$gid" >&2; exit 1; }

# A volume the user cannot write: a clear error, not an empty success.
mkdir -p "$work/readonly"
if out=$("${run[@]}" --user "$uid:$gid" -v "$work/readonly:$mount" "$image" "${sweep_args[@]}" 2>&1); then
  echo "a sweep into a volume it cannot write exited 0: $out" >&2; exit 1
fi
grep -q "permission denied" <<<"$out" || { echo "unclear error for an unwritable volume: $out" >&2; exit 1; }

# The Indexed Job: one container per index, all on one volume.
mkdir -p "$work/volume"
chown "$uid:$gid" "$work/volume"   # what fsGroup does for the pods
pids=()
for ((k = 0; k < completions; k++)); do
  "${run[@]}" --user "$uid:$gid" -v "$work/volume:$mount" \
    -e JOB_COMPLETION_INDEX="$k" -e SHARD_COUNT="$shards" "$image" "${sweep_args[@]}" >"$work/index-$k.log" 2>&1 &
  pids+=($!)
done
for k in "${!pids[@]}"; do
  wait "${pids[$k]}" || { echo "index $k failed:" >&2; cat "$work/index-$k.log" >&2; exit 1; }
done
"${run[@]}" --user "$uid:$gid" -v "$work/volume:$mount" "$image" "${merge_args[@]}"

# The same sweep on the host.
go build -o "$work/sim" ./cmd/sim
"$work/sim" sweep scenarios/sweep-policies.toml --out "$work/host" --quiet
"$work/sim" merge "$work/host" >/dev/null
container_out="$work/volume/${merge_args[1]#"$mount"/}"
if ! cmp -s "$work/host/results.csv" "$container_out/results.csv"; then
  echo "results.csv differs between the containers and the host" >&2
  diff "$work/host/results.csv" "$container_out/results.csv" | head >&2
  exit 1
fi
runs=$(($(wc -l <"$work/host/results.csv") - 1))
echo "e2e-container: passed ($runs runs from $completions containers equal the host sweep; $("${run[@]}" "$image" version))"
