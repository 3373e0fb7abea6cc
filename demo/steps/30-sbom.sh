# The inventory of a small Debian-based image (docker save format, built from
# real dpkg databases), read without Docker: packages per layer with the
# Dockerfile step that brought them, and the binaries no package owns.
set -euo pipefail
set +e
"$SLUICE" sbom "docker-archive:$DEMO/sbom/app.tar" --cache-dir "$WORK/layers"
rc=$?
set -e
[ $rc -eq 0 ]
# A second run reads nothing but the cache: the same answer.
"$SLUICE" sbom "$DEMO/sbom/app.tar" -f json --cache-dir "$WORK/layers" -o "$WORK/inventory.json"
grep -q '"schema": "sluice.inventory/v1"' "$WORK/inventory.json"
echo "inventory written to \$WORK/inventory.json ($(grep -c '"created_by"' "$WORK/inventory.json") layers)"
