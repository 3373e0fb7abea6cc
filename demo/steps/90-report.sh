#!/usr/bin/env bash
# Re-render a saved JSON report (every kind of finding, two suppressed) in
# the formats CI systems read, and gate on it.
set -euo pipefail
in="$DEMO/report/scan.json"

echo "--- table (the saved decision is kept; no --fail-on: exit 0)"
"$SLUICE" report convert "$in" -f table

for f in sarif junit gitlab-container-scanning gitlab-secret-detection gitlab-sast markdown; do
	"$SLUICE" report convert "$in" -f "$f" -o "$WORK/report.$f" -q
	echo "--- $f: $(wc -c <"$WORK/report.$f") bytes in $WORK/report.$f"
done
grep -q '"version": "2.1.0"' "$WORK/report.sarif"
grep -q '<testsuites name="sluice" tests="15" failures="10"' "$WORK/report.junit"
grep -q '"type": "container_scanning"' "$WORK/report.gitlab-container-scanning"

echo "--- gate: --fail-on high must fail (exit 1)"
set +e
"$SLUICE" report convert "$in" -f junit -o "$WORK/gate.xml" --fail-on high
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "expected exit 1, got $rc"; exit 1; }

echo "--- a broken input is an input error (exit 2)"
echo '{"schema": "sluice.report/v1", "findings": [}' >"$WORK/broken.json"
set +e
"$SLUICE" report convert "$WORK/broken.json"
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "expected exit 2, got $rc"; exit 1; }
echo "report: ok"
