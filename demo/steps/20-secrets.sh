# Secrets: a tree with a planted (fake) AWS key ID and private key. With
# --fail-on high sluice must exit 1, report both, and print neither whole.
set -euo pipefail
set +e
"$SLUICE" secrets -f json --fail-on high "$DEMO/secrets" >"$WORK/secrets.json"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	echo "secrets: expected exit 1 (findings at or above high), got $rc" >&2
	exit 1
fi
for rule in aws-access-key-id private-key; do
	grep -q "\"rule\": \"$rule\"" "$WORK/secrets.json" || { echo "secrets: $rule not found" >&2; exit 1; }
done
if grep -q 'AKIASLUICEDEMOFAKE23\|VGhpcyBpcyBOT1Qg' "$WORK/secrets.json"; then
	echo "secrets: a secret was printed unredacted" >&2
	exit 1
fi
grep -E '^ *"(rule|path|line|message)":' "$WORK/secrets.json" | sed 's/^ */  /'
echo "secrets: found the planted AWS key ID and private key, redacted (exit $rc)"

# The demo image ($WORK/image): an AWS key pair added in layer 2 and deleted
# in layer 3 is still in every pull, so it is reported as deleted, critical.
set +e
"$SLUICE" secrets -f json --fail-on high "oci-dir:$WORK/image" --cache-dir "$WORK/layers" >"$WORK/secrets-image.json"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "secrets (image): expected exit 1, got $rc" >&2; exit 1; }
grep -q '"deleted": true' "$WORK/secrets-image.json" || { echo "secrets (image): the deleted key is not marked deleted" >&2; exit 1; }
if grep -q 'AKIAZ3MSLUICEDEMO7QX' "$WORK/secrets-image.json"; then
	echo "secrets (image): a secret was printed unredacted" >&2
	exit 1
fi
echo "secrets: the image's AWS key, deleted by layer 3, found in layer 2 (exit $rc)"
