#!/usr/bin/env bash
# Builds econsim's container image from this checkout with podman or docker
# (whichever exists): the static binary on the host, then the Containerfile's
# from-binary target, so no base image is pulled.
#
#   scripts/build-image.sh                 # → econsim:latest
#   IMAGE=registry.example.com/econsim:0.1.0 scripts/build-image.sh
#
# ENGINE=podman|docker chooses the tool; PODMAN_FLAGS adds global podman
# flags (the end-to-end test passes --cgroup-manager=cgroupfs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
IMAGE="${IMAGE:-econsim:latest}"
ENGINE="${ENGINE:-}"
if [ -z "$ENGINE" ]; then
  if command -v podman >/dev/null; then ENGINE=podman
  elif command -v docker >/dev/null; then ENGINE=docker
  else echo "build-image: neither podman nor docker is installed" >&2; exit 1
  fi
fi
commit=""
if git rev-parse HEAD >/dev/null 2>&1; then
  commit="$(git rev-parse HEAD)"
  git diff --quiet HEAD -- || commit="${commit}+dirty"
fi
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-X main.commit=${commit}" -o "$ctx/sim" ./cmd/sim
cp -r scenarios Containerfile "$ctx/"
version="$("$ctx/sim" version)"
engine=("$ENGINE")
if [ "$ENGINE" = podman ]; then
  # shellcheck disable=SC2206
  engine+=(${PODMAN_FLAGS:-})
fi
"${engine[@]}" build --target from-binary --build-arg VERSION="$version" -t "$IMAGE" -f "$ctx/Containerfile" "$ctx"
echo "build-image: $IMAGE ($version) with $ENGINE"
