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
