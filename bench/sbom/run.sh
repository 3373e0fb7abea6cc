#!/usr/bin/env bash
# Times an image archive through sluice sbom, syft and trivy, cold and warm,
# against the physical limit of a cold scan: zcat of the layer blobs.
#
#   bench/sbom/run.sh [IMAGE.tar]
#
# IMAGE.tar is a docker-archive. Without it the script builds one with
# bench/sbom/mkimage from the root filesystem directories in $ROOTFS (one
# layer each; e.g. debootstrap --variant=minbase bookworm base/), or, when
# $ROOTFS is unset, uses the small demo image demo/sbom/app.tar.
# Peers are installed with `go install` into a temporary GOBIN (kept in
# $BENCH_GOBIN when set, to reuse between runs); PEERS lists the peers to
# run (default "syft trivy"); SKIP_PEERS=1 runs none.
# Prints wall time, peak memory (/usr/bin/time -v), ratios and package
# counts by purl type.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gobin=${BENCH_GOBIN:-$work/gobin}
mkdir -p "$gobin"

echo "== building sluice"
(cd "$repo" && go build -o "$work/sluice" ./cmd/sluice)

img=${1:-}
if [ -z "$img" ]; then
	if [ -n "${ROOTFS:-}" ]; then
		img=$work/image.tar
		echo "== building the image from $ROOTFS"
		# shellcheck disable=SC2086
		(cd "$repo" && go run ./bench/sbom/mkimage -o "$img" -tag bench/image:latest $ROOTFS)
	else
		img=$repo/demo/sbom/app.tar
	fi
fi
img=$(cd "$(dirname "$img")" && pwd)/$(basename "$img")
echo "image: $img ($(du -h "$img" | cut -f1))"

peers=${PEERS:-syft trivy}
[ "${SKIP_PEERS:-}" != 1 ] || peers=""
has() { case " $peers " in *" $1 "*) return 0 ;; esac; return 1; }
if has syft; then
	if [ ! -x "$gobin/syft" ]; then
		echo "== installing syft v1.57.0"
		GOBIN=$gobin go install github.com/anchore/syft/cmd/syft@v1.57.0
	fi
fi
if has trivy; then
	if [ ! -x "$gobin/trivy" ]; then
		echo "== installing trivy v0.74.0"
		mkdir -p "$work/trivymod"
		(cd "$work/trivymod" && go mod init benchtrivy >/dev/null 2>&1 &&
			go get -tool github.com/aquasecurity/trivy/cmd/trivy@v0.74.0 &&
			GOBIN=$gobin go install github.com/aquasecurity/trivy/cmd/trivy)
	fi
fi

# measure NAME CMD...: runs CMD, records wall seconds and peak RSS in MiB.
declare -A wall rss
measure() {
	local name=$1
	shift
	/usr/bin/time -v -o "$work/time.txt" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
		echo "$name failed:"
		tail -5 "$work/$name.err"
		return 1
	}
	wall[$name]=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time.txt")
	rss[$name]=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/time.txt")
	printf "  %-14s %7.2f s  %5s MiB\n" "$name" "${wall[$name]}" "${rss[$name]}"
}

echo "== the physical limit: zcat of the layer blobs, one after the other"
mkdir -p "$work/blobs"
tar -xf "$img" -C "$work/blobs"
mapfile -t blobs < <(python3 -c '
import json,sys
m=json.load(open(sys.argv[1]+"/manifest.json"))
print("\n".join(sys.argv[1]+"/"+l for l in m[0]["Layers"]))' "$work/blobs")
cat "${blobs[@]}" >/dev/null # warm the page cache for everyone
measure zcat sh -c 'for b in "$@"; do zcat -f "$b"; done >/dev/null' sh "${blobs[@]}"

echo "== sluice sbom (cold: empty layer cache; warm: second run)"
measure sluice-cold "$work/sluice" sbom "docker-archive:$img" -f json --cache-dir "$work/sluice-cache"
cp "$work/sluice-cold.out" "$work/sluice.json"
measure sluice-warm "$work/sluice" sbom "docker-archive:$img" -f json --cache-dir "$work/sluice-cache"

if has syft; then
	echo "== syft (no layer cache: cold twice)"
	export SYFT_CHECK_FOR_APP_UPDATE=false
	measure syft-cold "$gobin/syft" scan "docker-archive:$img" -o cyclonedx-json -q
	cp "$work/syft-cold.out" "$work/syft.json"
	measure syft-warm "$gobin/syft" scan "docker-archive:$img" -o cyclonedx-json -q
fi
if has trivy; then
	echo "== trivy (cold: empty cache dir; warm: second run)"
	measure trivy-cold "$gobin/trivy" image --input "$img" -f cyclonedx --cache-dir "$work/trivy-cache" -q --offline-scan --disable-telemetry
	cp "$work/trivy-cold.out" "$work/trivy.json"
	measure trivy-warm "$gobin/trivy" image --input "$img" -f cyclonedx --cache-dir "$work/trivy-cache" -q --offline-scan --disable-telemetry
fi

echo
echo "== ratios (wall time / zcat; lower is better)"
for n in sluice-cold sluice-warm syft-cold trivy-cold trivy-warm; do
	[ -n "${wall[$n]:-}" ] || continue
	python3 -c 'import sys; a,b=float(sys.argv[2]),float(sys.argv[3]); print(f"  {sys.argv[1]:<14} {a/b if b else 0:6.2f}x zcat")' "$n" "${wall[$n]}" "${wall[zcat]}"
done
for pair in "syft-cold sluice-cold" "trivy-cold sluice-cold" "trivy-warm sluice-warm"; do
	set -- $pair
	[ -n "${wall[$1]:-}" ] || continue
	python3 -c 'import sys; a,b=float(sys.argv[3]),float(sys.argv[4]); print(f"  {sys.argv[1]} / {sys.argv[2]}: {a/b if b else 0:6.2f}x")' "$1" "$2" "${wall[$1]}" "${wall[$2]}"
done

echo
echo "== packages by purl type"
python3 - "$work" <<'PY'
import json, os, sys, collections
work = sys.argv[1]
def purl_type(p):
    return p.split(":", 1)[1].split("/", 1)[0] if p and p.startswith("pkg:") else "(no purl)"
rows = {}
try:
    doc = json.load(open(os.path.join(work, "sluice.json")))
    rows["sluice"] = collections.Counter(purl_type(p.get("purl", "")) if p.get("purl") else p.get("type", "?") for p in doc.get("packages", []))
    rows["sluice unowned"] = collections.Counter({"binaries": doc.get("unowned_count", 0)})
except Exception as e:
    print("sluice:", e)
for tool in ("syft", "trivy"):
    f = os.path.join(work, tool + ".json")
    if not os.path.exists(f):
        continue
    doc = json.load(open(f))
    def walk(cs):
        for c in cs or []:
            yield c
            yield from walk(c.get("components"))
    rows[tool] = collections.Counter(purl_type(c.get("purl", "")) for c in walk(doc.get("components")) if c.get("type") not in ("operating-system", "file"))
types = sorted({t for c in rows.values() for t in c})
print("  " + "type".ljust(16) + "".join(n.rjust(16) for n in rows))
for t in types:
    print("  " + t.ljust(16) + "".join(str(rows[n].get(t, 0)).rjust(16) for n in rows))
PY
