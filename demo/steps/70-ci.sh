#!/usr/bin/env bash
# The pipeline gate: `sluice ci` runs every stage demo/ci/.sluice.yaml asks
# for (lint, secrets, config, image, scan) on the demo project and image, and
# the policy fails on the planted problems, naming each. With the team's
# accepted exceptions (reason, owner, expiry) the same run passes.
set -euo pipefail
db="$WORK/sluice-vuln.db"
[ -f "$db" ] || "$SLUICE" db import --db "$db" "$DEMO/vulndata" >/dev/null
cd "$DEMO/ci"
out="$WORK/ci"
set +e
"$SLUICE" ci --image "oci-dir:$WORK/image" --db "$db" --no-cache \
	--report "sarif=$out/sluice.sarif" --report "junit=$out/sluice-junit.xml" \
	--report "gitlab=$out/gl-sluice-report.json" -f markdown > "$out.md"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "expected the policy to fail (exit 1), got $rc"; exit 1; }
cat "$out.md"
for want in "secret aws-access-key-id" "secret private-key" "config DC002" "config K8S012" "no-docker-socket"; do
	grep -q "$want" "$out.md" || { echo "the decision does not name: $want"; exit 1; }
done
ls -l "$out"
echo
echo "--- with the accepted exceptions (demo/ci/accepted.sluiceignore) the gate passes"
"$SLUICE" ci --image "oci-dir:$WORK/image" --db "$db" --no-cache \
	--exceptions accepted.sluiceignore --report "junit=$out/sluice-junit.xml" -q -f json > "$out.json"
grep -q '"pass": true' "$out.json" || { echo "expected a passing decision"; exit 1; }
echo "ci: the gate passed with 9 accepted exceptions, each with an owner and an expiry"
