#!/usr/bin/env bash
# Vulnerabilities: build the advisory DB from bundled real advisories, then
# scan the demo image's SBOM. The bundled Alpine secdb and PyPI records carry
# no CVSS vectors, so their severity is "unknown" (the lowest rating):
# --fail-on unknown fails on any active finding, so the scan exits 1.
set -euo pipefail
db="$WORK/sluice-vuln.db"
"$SLUICE" db import --db "$db" "$DEMO/vulndata"
"$SLUICE" db info --db "$db"
echo
set +e
"$SLUICE" scan --db "$db" --fail-on unknown --vex "$DEMO/scan/demo.vex.json" "sbom:$DEMO/scan/demo-image.cdx.json"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "expected exit 1 (findings), got $rc"; exit 1; }
echo
"$SLUICE" explain CVE-2022-48174 --db "$db" --target "sbom:$DEMO/scan/demo-image.cdx.json"
"$SLUICE" scan --db "$db" -f json "sbom:$DEMO/scan/demo-image.cdx.json" > "$WORK/scan.json"
grep -q '"rule": "CVE-2023-32681"' "$WORK/scan.json" || { echo "requests CVE-2023-32681 missing from JSON"; exit 1; }
