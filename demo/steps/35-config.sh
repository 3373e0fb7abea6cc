#!/usr/bin/env bash
# sluice config: Kubernetes, Compose and ECS files checked before deployment,
# each finding with its file and line. The demo manifests have planted
# problems, so with --fail-on high the command must exit 1.
set -euo pipefail
echo "sluice config --fail-on high demo/manifests  (Kubernetes + Compose + ECS taskdef.json)"
set +e
"$SLUICE" config --fail-on high -f json -o "$WORK/config.json" "$DEMO/manifests"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	echo "expected exit 1 (findings at or above high), got $rc" >&2
	exit 1
fi
# One line per finding: severity, rule, file:line.
python3 - "$WORK/config.json" "$DEMO/" <<'PY' 2>/dev/null || grep -o '"rule": "[^"]*"' "$WORK/config.json" | sort | uniq -c
import json, sys
r = json.load(open(sys.argv[1]))
for f in r["findings"]:
    loc = f["location"]
    print(f'{f["severity"]:8} {f["rule"]:22} {loc["path"].replace(sys.argv[2], "")}:{loc["line"]}  {f["message"][:90]}')
print("summary:", r["summary"])
PY
for want in pss:privileged K8S012 K8S007 DC002 ECS005; do
	grep -q "\"rule\": \"$want\"" "$WORK/config.json" || { echo "missing expected finding $want" >&2; exit 1; }
done
echo "config: exit $rc as expected"
