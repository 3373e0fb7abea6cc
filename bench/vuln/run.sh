#!/usr/bin/env bash
# Cross-check sluice's vulnerability matching against osv-scanner v2.2.2 on
# the same lockfiles and the same real OSV data (../shared/vulndata/osv),
# offline. Prints both finding sets' differences and both times.
#
#   bench/vuln/run.sh                 # installs osv-scanner into a temp GOBIN
#   OSV_SCANNER=/path/osv-scanner bench/vuln/run.sh
#
# osv-scanner extracts the packages from project/ (go.mod, requirements.txt,
# Cargo.lock) and also writes them as a CycloneDX SBOM, which sluice scans,
# so both tools see exactly the same package set.
#
#   bench/vuln/run.sh import [ROUNDS] # instead: time `sluice db import` of all
#                                     # of vulndata (ROUNDS times, default 3)
#                                     # and print the database size
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${SLUICE_SHARED_DIR:-$root/../shared}
osv="$shared/vulndata/osv"
[ -d "$osv" ] || { echo "no OSV data at $osv (set SLUICE_SHARED_DIR)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${1:-}" = import ]; then
	go build -o "$work/sluice" "$root/cmd/sluice"
	for i in $(seq "${2:-3}"); do
		db="$work/import-$i.db"
		start=$(date +%s%N)
		"$work/sluice" db import --db "$db" "$shared/vulndata" > /dev/null
		end=$(date +%s%N)
		echo "import $i of all vulndata: $(( (end - start) / 1000000 )) ms, $(stat -c %s "$db") bytes"
	done
	"$work/sluice" db info --db "$db" | sed -n '2,5p'
	exit 0
fi

if [ -z "${OSV_SCANNER:-}" ]; then
	echo "installing osv-scanner v2.2.2 into $work/bin ..."
	GOBIN="$work/bin" go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.2.2
	OSV_SCANNER="$work/bin/osv-scanner"
fi
go build -o "$work/sluice" "$root/cmd/sluice"

mkdir -p "$work/osvcache"
ln -s "$osv" "$work/osvcache/osv-scanner"
export OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY="$work/osvcache"

ms() { date +%s%N | cut -b1-13; }

t0=$(ms)
set +e
"$OSV_SCANNER" scan source --offline -r "$here/project" --format json > "$work/osv.json" 2> "$work/osv.err"
set -e
t1=$(ms)
"$OSV_SCANNER" scan source --offline -r "$here/project" --format cyclonedx-1-5 > "$work/sbom.json" 2>/dev/null || true

t2=$(ms)
"$work/sluice" db import --db "$work/sluice.db" "$osv/Go" "$osv/PyPI" "$osv/crates.io" > /dev/null
t3=$(ms)
set +e
"$work/sluice" scan --db "$work/sluice.db" -f json "sbom:$work/sbom.json" > "$work/sluice.json"
set -e
t4=$(ms)

python3 - "$work/osv.json" "$work/sluice.json" <<'PY'
import json, sys
osv = json.load(open(sys.argv[1]))
slc = json.load(open(sys.argv[2]))
def key(eco, name): return (eco, name.lower())
a = {}
for r in osv.get("results", []):
    for p in r.get("packages", []):
        k = key(p["package"]["ecosystem"], p["package"]["name"])
        a.setdefault(k, set()).update(v["id"] for v in p.get("vulnerabilities", []))
b = {}
prefixes = ("GO-", "PYSEC-", "RUSTSEC-")
for f in slc.get("findings", []):
    k = key(f["package"]["ecosystem"], f["package"]["name"])
    ids = [f["rule"]] + f.get("aliases", [])
    b.setdefault(k, set()).update(i for i in ids if i.startswith(prefixes))
same = True
for k in sorted(set(a) | set(b)):
    oa, sb = a.get(k, set()), b.get(k, set())
    print(f"{k[0]:10} {k[1]:22} osv-scanner {len(oa):3}  sluice {len(sb):3}")
    if oa != sb:
        same = False
        if oa - sb: print("   only osv-scanner:", " ".join(sorted(oa - sb)))
        if sb - oa: print("   only sluice:     ", " ".join(sorted(sb - oa)))
print("finding sets identical" if same else "finding sets differ (see above)")
PY
echo "osv-scanner scan (offline, zips): $((t1 - t0)) ms"
echo "sluice db import (Go+PyPI+crates): $((t3 - t2)) ms"
echo "sluice scan (DB already built):   $((t4 - t3)) ms"
echo "time ratio sluice scan / osv-scanner: $(python3 -c "print(round(($t4-$t3)/max($t1-$t0,1), 3))")"
