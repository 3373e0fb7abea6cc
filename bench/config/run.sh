#!/usr/bin/env bash
# Peer comparison for `sluice config`: kube-score and sluice over the
# Kubernetes corpus (../shared/corpus/k8s), wall time and check coverage side
# by side. kube-score is installed with `go install` into a temporary GOBIN
# (or taken from $KUBE_SCORE). Needs go and python3 (for the JSON summary).
#
#   bash bench/config/run.sh [CORPUS_DIR]
#
# kube-score aborts a whole run on a file it cannot parse (a duplicate key,
# a template placeholder used as a map key), so both tools are timed over the
# files kube-score accepts one by one; sluice is also timed over the whole
# directory (it reports unparseable files as notes and goes on).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${1:-}
if [ -z "$corpus" ]; then
	for c in "$root/../shared/corpus/k8s" "$root/../../shared/corpus/k8s"; do
		[ -d "$c" ] && corpus=$(cd "$c" && pwd) && break
	done
fi
[ -d "$corpus" ] || { echo "corpus not found (give it as the first argument)" >&2; exit 2; }
KUBE_SCORE_VERSION=${KUBE_SCORE_VERSION:-v1.20.0}
runs=${RUNS:-5}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${KUBE_SCORE:-}" ]; then
	echo "installing kube-score $KUBE_SCORE_VERSION ..." >&2
	GOBIN="$work/bin" go install "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION"
	KUBE_SCORE="$work/bin/kube-score"
fi
(cd "$root" && go build -o "$work/sluice" ./cmd/sluice)
SLUICE="$work/sluice"

# Files kube-score can parse on their own.
files=()
rejected=0
for f in "$corpus"/*.yaml "$corpus"/*.yml; do
	[ -f "$f" ] || continue
	if "$KUBE_SCORE" score -o json "$f" >/dev/null 2>"$work/err" || ! grep -q "Failed to score files" "$work/err"; then
		files+=("$f")
	else
		rejected=$((rejected + 1))
	fi
done
echo "corpus: $corpus: ${#files[@]} files kube-score accepts, $rejected it rejects"

# best-of-N wall time in milliseconds of a command (its exit code is ignored:
# both tools exit non-zero when they find problems).
best_ms() {
	local best=""
	for _ in $(seq "$runs"); do
		local s e
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s%N)
		local ms=$(((e - s) / 1000000))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
	done
	echo "$best"
}

ks_ms=$(best_ms "$KUBE_SCORE" score -o json "${files[@]}")
sl_ms=$(best_ms "$SLUICE" config --pss restricted --strict -f json "${files[@]}")
sl_all_ms=$(best_ms "$SLUICE" config --pss restricted --strict -f json "$corpus")

"$KUBE_SCORE" score -o json "${files[@]}" >"$work/ks.json" 2>/dev/null || true
"$KUBE_SCORE" list >"$work/ks-list.csv"
"$SLUICE" config --pss restricted --strict -f json "${files[@]}" >"$work/sl.json" || true
"$SLUICE" config --pss restricted --strict -f json "$corpus" >"$work/sl-all.json" || true

python3 - "$work" "$ks_ms" "$sl_ms" "$sl_all_ms" <<'PY'
import collections, json, sys
work, ks_ms, sl_ms, sl_all_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ks = json.load(open(f"{work}/ks.json"))
ks_checks = [l.split(",")[0] for l in open(f"{work}/ks-list.csv") if l.strip()]
ks_default = [l.split(",")[0] for l in open(f"{work}/ks-list.csv") if l.strip().endswith(",default")]
fired = collections.Counter()
for obj in ks:
    for c in obj.get("checks", []):
        if not c.get("skipped") and c.get("grade", 10) < 10:
            fired[c["check"]["id"]] += 1
sl = json.load(open(f"{work}/sl.json"))
sl_all = json.load(open(f"{work}/sl-all.json"))
sfired = collections.Counter(f["rule"] for f in sl["findings"])
print()
print(f"{'':28}{'kube-score':>14}{'sluice':>14}")
print(f"{'wall time, same files (ms)':28}{ks_ms:>14}{sl_ms:>14}")
print(f"{'wall time, whole dir (ms)':28}{'-':>14}{sl_all_ms:>14}")
print(f"{'checks available':28}{len(ks_checks):>14}{len(sl['rules']):>14}")
print(f"{'  of which run by default':28}{len(ks_default):>14}{'-':>14}")
print(f"{'checks that fired':28}{len(fired):>14}{len(sfired):>14}")
print(f"{'objects scored / findings':28}{len(ks):>14}{len(sl['findings']):>14}")
if sl_ms:
    print(f"\nratio kube-score / sluice (same files): {ks_ms / sl_ms:.2f}x")
print("\nkube-score checks that fired:", ", ".join(f"{k}={v}" for k, v in sorted(fired.items())))
print("sluice rules that fired:     ", ", ".join(f"{k}={v}" for k, v in sorted(sfired.items())))
print("sluice notes (whole dir):    ", len(sl_all.get("notes", [])))
PY
