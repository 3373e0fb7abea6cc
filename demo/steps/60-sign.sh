# Trust: keygen, sign (bundle and legacy), verify, attest an SBOM, verify the
# attestation and promote by digest, against an in-process registry on
# 127.0.0.1 (go-containerregistry's, built from demo/registry): no Docker, no
# network, nothing external. Offline: no transparency log is used.
set -euo pipefail
root=$(cd "$DEMO/.." && pwd)
(cd "$root" && go build -o "$WORK/demo-registry" ./demo/registry)
"$WORK/demo-registry" -rootfs "$DEMO/sign/rootfs" -seed demo/app:1.0 -seed-index demo/app:multi \
	-addr-file "$WORK/registry.addr" >/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do [ -s "$WORK/registry.addr" ] && break; sleep 0.1; done
reg=$(cat "$WORK/registry.addr")
echo "in-process registry at $reg"

export SLUICE_PASSWORD=demo-password
"$SLUICE" keygen --output-key-prefix "$WORK/release"
"$SLUICE" keygen --output-key-prefix "$WORK/intruder" >/dev/null

echo "-- an unsigned image does not verify (exit 1)"
set +e; "$SLUICE" verify "$reg/demo/app:1.0" --key "$WORK/release.pub"; rc=$?; set -e
[ "$rc" -eq 1 ]

echo "-- sign by digest, in both layouts cosign reads"
"$SLUICE" sign "$reg/demo/app:1.0" --key "$WORK/release.key" -a stage=qa
"$SLUICE" sign "$reg/demo/app:1.0" --key "$WORK/release.key" --format legacy -q
"$SLUICE" sign "$reg/demo/app:multi" --key "$WORK/release.key" --recursive -q

echo "-- verify, requiring an annotation; --explain says why the legacy one is not counted"
"$SLUICE" verify "$reg/demo/app:1.0" --key "$WORK/release.pub" -a stage=qa --explain

echo "-- a key that did not sign is rejected (exit 1)"
set +e; "$SLUICE" verify "$reg/demo/app:1.0" --key "$WORK/intruder.pub" --explain; rc=$?; set -e
[ "$rc" -eq 1 ]

echo "-- attest the image's own SBOM and scan result, made by sluice, and verify them"
"$SLUICE" attest "$reg/demo/app:1.0" --key "$WORK/release.key" --sbom --insecure -q
db="$WORK/sluice-vuln.db"
[ -f "$db" ] || "$SLUICE" db import --db "$db" "$DEMO/vulndata" >/dev/null
"$SLUICE" attest "$reg/demo/app:1.0" --key "$WORK/release.key" --scan --db "$db" --insecure -q
"$SLUICE" verify-attestation "$reg/demo/app:1.0" --key "$WORK/release.pub" --type cyclonedx > "$WORK/attested-sbom.txt"
head -8 "$WORK/attested-sbom.txt"
"$SLUICE" verify-attestation "$reg/demo/app:1.0" --key "$WORK/release.pub" --type vuln > "$WORK/attested-scan.txt"
grep -q '"scanFinishedOn"' "$WORK/attested-scan.txt"
echo "the verified scan attestation lists $(grep -c '"rule": "CVE-' "$WORK/attested-scan.txt" || true) vulnerabilities"

echo "-- promote to prod by digest, with signatures and attestation"
"$SLUICE" promote "$reg/demo/app:1.0" "$reg/prod/app:1.0" --key "$WORK/release.pub" --attestation cyclonedx
"$SLUICE" verify "$reg/prod/app:1.0" --key "$WORK/release.pub"

echo "-- the trust policy refuses an image the intruder key must have signed (exit 1)"
set +e; "$SLUICE" promote "$reg/demo/app:1.0" "$reg/prod/app:1.1" --key "$WORK/release.pub" --key "$WORK/intruder.pub"; rc=$?; set -e
[ "$rc" -eq 1 ]

echo "-- prod/app:1.0 is not moved to another image without --force (exit 1)"
set +e; "$SLUICE" promote "$reg/demo/app:multi" "$reg/prod/app:1.0" --key "$WORK/release.pub"; rc=$?; set -e
[ "$rc" -eq 1 ]
"$SLUICE" promote "$reg/demo/app:multi" "$reg/prod/app:multi" --key "$WORK/release.pub" -q >/dev/null
echo "promoted the two-platform index with its per-platform signatures"
