#!/usr/bin/env bash
# Image audit of the demo image ($WORK/image, built by 05-image.sh): its
# config runs as root, exposes port 22 and has a password in ENV, and its last
# layer makes the entrypoint setuid. --fail-on high must exit 1; the password
# must never be printed. A second audit takes every layer from the cache.
set -euo pipefail
echo "sluice audit oci-dir:\$WORK/image --fail-on high --max-age 90d"
set +e
"$SLUICE" audit "oci-dir:$WORK/image" --fail-on high --max-age 90d --cache-dir "$WORK/layers"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	echo "audit: expected exit 1 (findings at or above high), got $rc" >&2
	exit 1
fi
"$SLUICE" audit "$WORK/image" -f json --allowed-registry gcr.io/distroless --cache-dir "$WORK/layers" -o "$WORK/audit.json"
for rule in AUD001 AUD002 AUD003 AUD004 AUD005 AUD007 AUD008 AUD009 AUD011; do
	grep -q "\"rule\": \"$rule\"" "$WORK/audit.json" || { echo "audit: $rule not reported" >&2; exit 1; }
done
# The setuid bit comes from layer 3 (index 3): the final view, not layer 1's copy.
grep -q '"message": "usr/local/bin/app is setuid (mode 4755)"' "$WORK/audit.json" || { echo "audit: setuid entrypoint not reported" >&2; exit 1; }
if grep -q 'Sup3rS3cretDemoPassw0rd' "$WORK/audit.json"; then
	echo "audit: the ENV password was printed" >&2
	exit 1
fi
echo "audit: exit $rc as expected; $(grep -c '"rule": "AUD' "$WORK/audit.json") findings with the registry check, none showing the password"
