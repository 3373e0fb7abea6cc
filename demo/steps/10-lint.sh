#!/usr/bin/env bash
# Lint a flawed Dockerfile: hadolint's DL rules plus sluice's SL security
# rules. The sample has high and medium findings, so --fail-on medium must
# exit 1.
set -euo pipefail
echo "sluice lint demo/lint/Dockerfile -f json --fail-on medium"
set +e
"$SLUICE" lint "$DEMO/lint/Dockerfile" -f json --fail-on medium >"$WORK/lint.json"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	echo "expected exit 1 (findings at or above medium), got $rc" >&2
	exit 1
fi
# One line per finding: line, severity, rule, message.
awk -F'": ' '
	/"rule":/     { rule = $2 }
	/"severity":/ { sev = $2 }
	/"message":/  { msg = $2 }
	/"line":/     { gsub(/[",]/, "", rule); gsub(/[",]/, "", sev); gsub(/^"|",?$/, "", msg); gsub(/,/, "", $2)
	                printf "  line %-3s %-7s %-7s %s\n", $2, sev, rule, msg }
' "$WORK/lint.json"
grep -q '"rule": "SL1004"' "$WORK/lint.json" || { echo "curl | bash not reported" >&2; exit 1; }
grep -q '"rule": "SL1002"' "$WORK/lint.json" || { echo "npm token in ENV not reported" >&2; exit 1; }
echo "lint: exit 1 as expected (--fail-on medium)"
