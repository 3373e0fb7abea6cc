#!/usr/bin/env bash
# Times converting one large CycloneDX SBOM (20,000 packages) to SPDX JSON
# with sluice's sbom package and with `syft convert`, and prints the ratio.
# syft is installed with `go install` into a temporary GOBIN.
#   bench/sbom/compare.sh [SYFT_VERSION]
set -euo pipefail
cd "$(dirname "$0")/../.."
version="${1:-v1.18.1}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "installing syft $version into $work/bin (go install)"
GOBIN="$work/bin" go install "github.com/anchore/syft/cmd/syft@$version"
go build -o "$work/sbomconvert" ./bench/sbom
SBOM_BENCH_OUT="$work/big.cdx.json" go test ./bench/sbom -run TestGenerate -count=1 >/dev/null
echo "input: $(wc -c <"$work/big.cdx.json") bytes, 20000 packages"

best() { # best wall time in ms of 3 runs of "$@"
	local b=999999999 s e
	for _ in 1 2 3; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s%N)
		b=$(( (e - s) / 1000000 < b ? (e - s) / 1000000 : b ))
	done
	echo "$b"
}
sluice_ms=$(best "$work/sbomconvert" "$work/big.cdx.json" spdx "$work/sluice.spdx.json")
syft_ms=$(best "$work/bin/syft" convert "$work/big.cdx.json" -o "spdx-json=$work/syft.spdx.json" -q)
echo "sluice sbom (CycloneDX -> SPDX): ${sluice_ms} ms"
echo "syft convert (CycloneDX -> SPDX): ${syft_ms} ms"
awk -v a="$syft_ms" -v b="$sluice_ms" 'BEGIN { printf "ratio syft/sluice: %.2f\n", a / b }'
