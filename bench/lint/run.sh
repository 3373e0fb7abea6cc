#!/usr/bin/env bash
# Compare sluice lint with trivy config (its Dockerfile checks) on the same
# Dockerfiles: wall time, CPU time, throughput ratio and finding counts.
#
#   bench/lint/run.sh [CORPUS_DIR]
#
# CORPUS_DIR defaults to ../shared/corpus/dockerfiles beside the checkout.
# trivy is installed as a Go tool into a GOBIN under $BENCH_CACHE (default
# ~/.cache/sluice-bench; the module proxy is the only network access) and
# reused by later runs. Set TRIVY to an existing binary to skip that.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${1:-}
if [ -z "$corpus" ]; then
	for c in "$root/../shared/corpus/dockerfiles" "$root/../../shared/corpus/dockerfiles"; do
		[ -d "$c" ] && corpus=$(cd "$c" && pwd) && break
	done
fi
[ -d "${corpus:-}" ] || { echo "corpus not found: pass CORPUS_DIR" >&2; exit 2; }
trivy_version=v0.74.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building sluice"
(cd "$root" && go build -o "$work/sluice" ./cmd/sluice)

cache=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice-bench}/trivy-$trivy_version
if [ -z "${TRIVY:-}" ] && [ -x "$cache/bin/trivy" ]; then
	TRIVY="$cache/bin/trivy"
fi
if [ -z "${TRIVY:-}" ]; then
	echo "installing trivy $trivy_version (go tool, GOBIN $cache/bin)"
	mkdir -p "$work/trivy-mod" "$cache/bin"
	(
		cd "$work/trivy-mod"
		go mod init bench.local/trivy >/dev/null 2>&1
		go get -tool "github.com/aquasecurity/trivy/cmd/trivy@$trivy_version" >"$work/go-get.log" 2>&1 ||
			{ cat "$work/go-get.log" >&2; exit 2; }
		# trivy v0.74 uses encoding/json/v2, still behind GOEXPERIMENT in Go 1.26.
		GOEXPERIMENT=jsonv2 GOBIN="$cache/bin" go install github.com/aquasecurity/trivy/cmd/trivy
	)
	TRIVY="$cache/bin/trivy"
fi

# Both tools get the same files: trivy config detects Dockerfiles by name,
# so each file is copied as <n>/Dockerfile.
mkdir -p "$work/in"
n=0
for f in "$corpus"/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	mkdir -p "$work/in/$n"
	cp "$f" "$work/in/$n/Dockerfile"
done
echo "corpus: $n Dockerfiles from $corpus"

# time_run NAME CMD...: runs once to warm caches, then three measured runs;
# keeps the fastest (the least disturbed by other load on the machine).
time_run() {
	local name=$1
	shift
	"$@" >/dev/null 2>&1 || true
	for i in 1 2 3; do
		/usr/bin/time -f "%e %U %S" -o "$work/$name.time.$i" "$@" >"$work/$name.out" 2>"$work/$name.err" || true
	done
	sort -n "$work/$name".time.* | head -1 >"$work/$name.time"
}

time_run sluice "$work/sluice" lint "$work/in" -f json --no-hadolint-config
export TRIVY_CACHE_DIR="$work/trivy-cache" TRIVY_DISABLE_VEX_NOTICE=1
time_run trivy "$TRIVY" config --skip-check-update --format json --quiet "$work/in"

read -r s_wall s_user s_sys <"$work/sluice.time"
read -r t_wall t_user t_sys <"$work/trivy.time"
s_findings=$(grep -c '"rule":' "$work/sluice.out" || true)
t_findings=$(grep -c '"Status": "FAIL"' "$work/trivy.out" || true)
awk -v sw="$s_wall" -v su="$s_user" -v ss="$s_sys" -v tw="$t_wall" -v tu="$t_user" -v ts="$t_sys" \
	-v sf="$s_findings" -v tf="$t_findings" -v n="$n" -v cores="$(nproc)" 'BEGIN {
	printf "%-8s %8s %8s %10s %9s\n", "tool", "wall s", "cpu s", "files/s", "findings"
	printf "%-8s %8.2f %8.2f %10.0f %9d\n", "sluice", sw, su + ss, n / (sw > 0 ? sw : 0.01), sf
	printf "%-8s %8.2f %8.2f %10.0f %9d\n", "trivy", tw, tu + ts, n / (tw > 0 ? tw : 0.01), tf
	printf "ratio (trivy/sluice): wall %.1fx, cpu %.1fx on %d cores\n", tw / (sw > 0 ? sw : 0.01), (tu + ts) / ((su + ss) > 0 ? (su + ss) : 0.01), cores
}'
