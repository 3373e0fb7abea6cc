#!/usr/bin/env bash
# Usage: demo/run.sh [SLUICE_BINARY]   (without an argument it builds bin/sluice)
#
# Runs every demo step in demo/steps in name order against the bundled sample
# data in demo/, offline and without Docker. Each step prints what it shows
# and fails the demo if sluice misbehaves (a step expecting findings checks
# for exit code 1, not 0).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -eq 0 ]; then
	# Run without make: build the binary the way the Makefile does.
	(cd "$here/.." && go build -buildvcs=auto -o bin/sluice ./cmd/sluice)
	set -- "$here/../bin/sluice"
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export SLUICE="$bin" DEMO="$here" NO_COLOR="${NO_COLOR:-}"
# Every step runs in offline mode (docs/offline.md): a step that reaches for
# anything but the loopback registry fails the demo.
export SLUICE_OFFLINE=true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WORK="$work"
for step in "$here"/steps/*.sh; do
	echo
	echo "=== $(basename "$step" .sh) ==="
	bash "$step"
done
echo
echo "demo: all steps done"
