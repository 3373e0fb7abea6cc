#!/usr/bin/env bash
# Compare sluice's catalogers with syft on the same directory tree.
# Usage: bench/catalogers/run.sh [DIR]
# Without DIR it assembles a tree from this machine: the dpkg database
# (status + info/*.list), Debian's python3 dist-packages metadata, the Go
# toolchain's binaries and every cataloger's testdata. syft is installed with
# `go install github.com/anchore/syft/cmd/syft@v1.57.0` into a temp GOBIN.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir=${1:-}
if [ -z "$dir" ]; then
	dir="$work/root"
	mkdir -p "$dir/var/lib/dpkg" "$dir/etc" "$dir/usr/lib/python3" "$dir/usr/local/go/bin" "$dir/srv"
	cp /var/lib/dpkg/status "$dir/var/lib/dpkg/"
	cp -r /var/lib/dpkg/info "$dir/var/lib/dpkg/"
	cp /etc/os-release "$dir/etc/" 2>/dev/null || cp /usr/lib/os-release "$dir/etc/"
	cp -r /usr/lib/python3/dist-packages "$dir/usr/lib/python3/"
	cp "$(go env GOROOT)"/bin/* "$dir/usr/local/go/bin/"
	for t in inventory/*/testdata; do cp -r "$t" "$dir/srv/$(basename "$(dirname "$t")")"; done
fi
go build -o "$work/bench-catalogers" ./bench/catalogers
gobin="$work/gobin"
if ! command -v syft >/dev/null; then
	GOBIN="$gobin" go install github.com/anchore/syft/cmd/syft@v1.57.0
	export PATH="$gobin:$PATH"
fi
# Warm the page cache for both.
find "$dir" -type f -exec cat {} + >/dev/null 2>&1 || true
t0=$(date +%s.%N)
"$work/bench-catalogers" "$dir"
t1=$(date +%s.%N)
SYFT_CHECK_FOR_APP_UPDATE=false syft -q "dir:$dir" -o json > "$work/syft.json"
t2=$(date +%s.%N)
python3 - "$work/syft.json" <<'PY'
import json, sys, collections
d = json.load(open(sys.argv[1]))
c = collections.Counter(a["type"] for a in d["artifacts"])
print(f"syft: {sum(c.values())} packages")
for t, n in sorted(c.items()):
    print(f"  {t:20} {n}")
PY
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { s=b-a; y=c-b; printf "sluice %.2fs, syft %.2fs: syft/sluice = %.1fx\n", s, y, y/s }'
