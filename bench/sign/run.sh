#!/usr/bin/env bash
# Peer comparison: time N key-based sign + verify round trips with cosign and
# with sluice against the same in-process registry (demo/registry), offline
# (no transparency log), and print the ratio. Installs cosign with go install
# into a temporary GOBIN (or uses $COSIGN).
#   bench/sign/run.sh [N]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:-20}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cosign=${COSIGN:-}
if [ -z "$cosign" ]; then
	GOBIN="$work/bin" go install github.com/sigstore/cosign/v3/cmd/cosign@v3.1.3
	cosign="$work/bin/cosign"
fi
(cd "$root" && go build -o "$work/sluice" ./cmd/sluice && go build -o "$work/registry" ./demo/registry)
"$work/registry" -rootfs "$root/demo/sign/rootfs" -seed bench/cosign:1 -addr-file "$work/addr" >/dev/null &
pid=$!
for _ in $(seq 1 300); do [ -s "$work/addr" ] && break; sleep 0.1; done
reg=$(cat "$work/addr")
export COSIGN_PASSWORD=bench SLUICE_PASSWORD=bench HOME="$work"
"$work/sluice" keygen --output-key-prefix "$work/k" >/dev/null
# The same image in a second repository (promote needs a signed source), so
# each tool finds about as many signatures as the other.
"$work/sluice" sign "$reg/bench/cosign:1" --key "$work/k.key" -q >/dev/null
"$work/sluice" promote "$reg/bench/cosign:1" "$reg/bench/sluice:1" --key "$work/k.pub" -q >/dev/null
digest=$("$work/sluice" verify "$reg/bench/sluice:1" --key "$work/k.pub" -o json | sed -n 's/^  "digest": "\(sha256:[0-9a-f]*\)".*/\1/p')

time_it() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN{printf "%.2f", b-a}'; }
run_cosign() {
	for _ in $(seq 1 "$n"); do
		"$cosign" sign --key "$work/k.key" --tlog-upload=false --use-signing-config=false --allow-http-registry -y "$reg/bench/cosign@$digest"
		"$cosign" verify --key "$work/k.pub" --insecure-ignore-tlog=true --allow-http-registry "$reg/bench/cosign@$digest"
	done
}
run_sluice() {
	for _ in $(seq 1 "$n"); do
		"$work/sluice" sign "$reg/bench/sluice@$digest" --key "$work/k.key"
		"$work/sluice" verify "$reg/bench/sluice@$digest" --key "$work/k.pub"
	done
}
tc=$(time_it run_cosign)
ts=$(time_it run_sluice)
# Both loops must have worked: count the signatures each repository holds.
nc=$("$work/sluice" verify "$reg/bench/cosign@$digest" --key "$work/k.pub" -o json | grep -c '"verified": true')
ns=$("$work/sluice" verify "$reg/bench/sluice@$digest" --key "$work/k.pub" -o json | grep -c '"verified": true')
echo "signatures: cosign repository $nc, sluice repository $ns (each started with 1)"
echo "sign+verify x$n (bundle form, key-based, offline) against $reg"
echo "cosign v3.1.3: ${tc}s"
echo "sluice:        ${ts}s"
echo "ratio cosign/sluice: $(awk -v a="$tc" -v b="$ts" 'BEGIN{printf "%.2f", a/b}')"
