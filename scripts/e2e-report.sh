#!/bin/bash
# End-to-end test of the HTML report: installs Debian's chromium, runs the
# quickstart with --report, renders report.html headless to a PNG screenshot,
# and fails if the page is blank or Chromium logs a console error (a failed
# load, a script error, a blocked resource).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

if ! command -v chromium >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

work=$(mktemp -d /tmp/econsim-report.XXXXXX)
trap 'rm -rf "$work"' EXIT
go run ./cmd/sim run scenarios/quickstart.toml --out "$work/run" --quiet --report >/dev/null
[ -s "$work/run/report.html" ] || { echo "e2e-report: no report.html" >&2; exit 1; }

timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --enable-logging=stderr --v=0 \
  --window-size=1200,4000 --screenshot="$work/report.png" \
  "file://$work/run/report.html" 2>"$work/chromium.log" || {
  echo "e2e-report: chromium failed" >&2
  cat "$work/chromium.log" >&2
  exit 1
}
if grep -E 'CONSOLE|Uncaught|Failed to load resource|net::ERR_' "$work/chromium.log" >&2; then
  echo "e2e-report: the page logged console errors (above)" >&2
  exit 1
fi
go run ./scripts/pngcheck "$work/report.png"
echo "e2e-report: 1 passed, 0 failed (report.html renders, no console errors)"
