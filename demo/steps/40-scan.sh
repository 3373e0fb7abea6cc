#!/usr/bin/env bash
# Vulnerabilities: build the advisory DB from bundled real advisories, then
# scan the demo image's SBOM, and the demo image itself ($WORK/image, built by
# 05-image.sh). The bundled Alpine secdb and PyPI records carry no CVSS
# vectors, so their severity is "unknown" (the lowest rating): --fail-on
# unknown fails on any active finding, so the scan exits 1. The image and the
# CycloneDX SBOM sluice writes for it must give the same findings.
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

echo
echo "sluice scan oci-dir:\$WORK/image (the image itself: each layer read once, cached by diffID)"
set +e
"$SLUICE" scan --db "$db" --fail-on unknown --cache-dir "$WORK/layers" "oci-dir:$WORK/image"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "expected exit 1 (findings), got $rc"; exit 1; }
"$SLUICE" scan --db "$db" -f json --cache-dir "$WORK/layers" "oci-dir:$WORK/image" -o "$WORK/scan-image.json" -q
"$SLUICE" sbom "oci-dir:$WORK/image" -f cyclonedx --cache-dir "$WORK/layers" -o "$WORK/image.cdx.json"
"$SLUICE" scan --db "$db" -f json "sbom:$WORK/image.cdx.json" -o "$WORK/scan-sbom.json" -q
rules() { grep -o '"rule": "[^"]*"\|"fingerprint": "[^"]*"' "$1"; }
if ! diff <(rules "$WORK/scan-image.json") <(rules "$WORK/scan-sbom.json") >/dev/null; then
	echo "scan of the image and of its CycloneDX SBOM differ" >&2
	diff <(rules "$WORK/scan-image.json") <(rules "$WORK/scan-sbom.json") | head -20 >&2
	exit 1
fi
echo "scan: the image and its CycloneDX SBOM give the same $(grep -c '"rule": "CVE-' "$WORK/scan-image.json") findings"
