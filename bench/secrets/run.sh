#!/usr/bin/env bash
# Compares `sluice secrets` with gitleaks and trivy's secret scanner on the
# same inputs: a source tree (default: the Go toolchain at $(go env GOROOT))
# and a git history (default: this repository). Prints wall time, CPU time
# (user+sys: the fair figure on a shared machine), throughput, peak memory,
# findings, the ratios, and how sluice with --gitleaks-config gitleaks.toml agrees with
# gitleaks on the same files.
#
#   bench/secrets/run.sh                   # everything
#   TREE=/path HISTORY_REPO=/repo bench/secrets/run.sh
#   SKIP_TRIVY=1 bench/secrets/run.sh      # trivy takes minutes to build
#
# Peers are installed with `go install` into $WORK/bin (kept between runs when
# WORK is set). Nothing else is downloaded.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${WORK:-$(mktemp -d)}
mkdir -p "$work/bin"
bin=$work/bin
GITLEAKS_VERSION=${GITLEAKS_VERSION:-v8.30.1}
TRIVY_VERSION=${TRIVY_VERSION:-v0.74.0}
TREE=${TREE:-$(go env GOROOT)}
HISTORY_REPO=${HISTORY_REPO:-}
HISTORY_MODULE=${HISTORY_MODULE:-golang.org/x/crypto}
HISTORY_VERSIONS=${HISTORY_VERSIONS:-v0.20.0 v0.25.0 v0.30.0 v0.35.0 v0.40.0 v0.45.0 v0.50.0 v0.55.0 v0.59.0}
RUNS=${RUNS:-1}
config=${GITLEAKS_CONFIG:-}
if [ -z "$config" ]; then
	for c in "$repo/../shared/fixtures/gitleaks/gitleaks.toml" "$repo/../../shared/fixtures/gitleaks/gitleaks.toml"; do
		[ -f "$c" ] && config=$c && break
	done
fi

echo "== installing peers into $bin"
[ -x "$bin/gitleaks" ] || GOBIN=$bin go install "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION"
if [ -z "${SKIP_TRIVY:-}" ] && [ ! -x "$bin/trivy" ]; then
	mkdir -p "$work/trivymod"
	(cd "$work/trivymod" && { [ -f go.mod ] || go mod init scratch/trivy >/dev/null 2>&1; } &&
		go get -tool "github.com/aquasecurity/trivy/cmd/trivy@$TRIVY_VERSION" &&
		GOEXPERIMENT=jsonv2 GOBIN=$bin go install github.com/aquasecurity/trivy/cmd/trivy) # trivy needs encoding/json/v2
fi
(cd "$repo" && go build -o "$bin/sluice" ./cmd/sluice)

# A real history to scan: successive releases of a Go module (fetched from
# the module proxy) committed one after another, unless HISTORY_REPO is set.
if [ -z "$HISTORY_REPO" ]; then
	HISTORY_REPO=$work/history-repo
	if [ ! -d "$HISTORY_REPO/.git" ]; then
		echo "== building a history from $HISTORY_MODULE releases"
		git init -q -b main "$HISTORY_REPO"
		i=0
		for v in $HISTORY_VERSIONS; do
			dir=$(cd "$work" && go mod download -json "$HISTORY_MODULE@$v" | jq -r .Dir)
			find "$HISTORY_REPO" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
			cp -r "$dir"/. "$HISTORY_REPO"/
			chmod -R u+w "$HISTORY_REPO"
			i=$((i + 1))
			d="2024-$(printf %02d $((i % 12 + 1)))-01T12:00:00Z"
			git -C "$HISTORY_REPO" add -A
			GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench \
				GIT_COMMITTER_EMAIL=bench@example.com GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d \
				git -C "$HISTORY_REPO" commit -q -m "$HISTORY_MODULE $v"
		done
	fi
fi

# measure NAME MB CMD...: runs CMD $RUNS times, keeps the fastest (by CPU).
declare -A WALL CPU RSS
measure() {
	local name=$1 mb=$2
	shift 2
	local best_cpu="" best_wall="" best_rss=""
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %U %S %M' -o "$work/time.$name" "$@" >"$work/out.$name" 2>"$work/err.$name" || true
		read -r wall user sys rss <"$work/time.$name"
		cpu=$(echo "$user + $sys" | bc)
		if [ -z "$best_cpu" ] || [ "$(echo "$cpu < $best_cpu" | bc)" = 1 ]; then
			best_cpu=$cpu best_wall=$wall best_rss=$rss
		fi
	done
	WALL[$name]=$best_wall CPU[$name]=$best_cpu RSS[$name]=$best_rss
	printf '%-28s wall %7.2f s  cpu %7.2f s  %7.1f MB/s (wall)  peak %5d MiB' "$name" "$best_wall" "$best_cpu" \
		"$(echo "$mb / $best_wall" | bc -l)" $((best_rss / 1024))
}
ratio() { echo "scale=1; $1 / $2" | bc -l; }

tree_bench() {
	local tree=$1 tree_mb
	tree_mb=$(du -sm "$tree" | cut -f1)
	echo "== tree: $tree ($tree_mb MB, $(find "$tree" -type f | wc -l) files); CPUs: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
	measure sluice "$tree_mb" "$bin/sluice" secrets -f json -o "$work/sluice.json" "$tree"
	echo "  findings $(jq '[.findings[] | select(.suppressed == null)] | length' "$work/sluice.json")"
	measure gitleaks "$tree_mb" "$bin/gitleaks" dir "$tree" --no-banner --exit-code 0 --redact -l warn -f json -r "$work/gitleaks.json"
	echo "  findings $(jq length "$work/gitleaks.json")"
	if [ -x "$bin/trivy" ]; then
		measure trivy "$tree_mb" "$bin/trivy" fs --scanners secret --skip-db-update --offline-scan -q \
			--cache-dir "$work/trivy-cache" -f json -o "$work/trivy.json" "$tree"
		echo "  findings $(jq '[.Results[]?.Secrets[]?] | length' "$work/trivy.json")"
	fi
	echo
	echo "sluice vs gitleaks: $(ratio "${WALL[gitleaks]}" "${WALL[sluice]}")x wall, $(ratio "${CPU[gitleaks]}" "${CPU[sluice]}")x cpu (goal 20x)"
	[ -x "$bin/trivy" ] && echo "sluice vs trivy:    $(ratio "${WALL[trivy]}" "${WALL[sluice]}")x wall, $(ratio "${CPU[trivy]}" "${CPU[sluice]}")x cpu (goal 4x)"

	if [ -n "$config" ]; then
		echo
		echo "== same rules: sluice --gitleaks-config gitleaks.toml vs gitleaks --max-decode-depth 0 (no base64/hex decoding)"
		measure sluice-gitleaks-config "$tree_mb" "$bin/sluice" secrets -f json --no-gitleaksignore --max-file-size 0 --gitleaks-config "$config" -o "$work/sluice-gl.json" "$tree"
		echo
		measure gitleaks-nodecode "$tree_mb" "$bin/gitleaks" dir "$tree" --no-banner --exit-code 0 -l warn --max-decode-depth 0 -c "$config" -f json -r "$work/gitleaks-nodecode.json"
		echo
		root=$(cd "$tree" && pwd)
		jq -r '.findings[] | select(.suppressed == null) | "\(.location.path):\(.location.line):\(.rule)"' "$work/sluice-gl.json" | sort -u >"$work/a.txt"
		jq -r --arg root "$root/" '.[] | "\(.File | ltrimstr($root)):\(.StartLine):\(.RuleID)"' "$work/gitleaks-nodecode.json" | sort -u >"$work/b.txt"
		echo "  sluice $(wc -l <"$work/a.txt"), gitleaks $(wc -l <"$work/b.txt"), both $(comm -12 "$work/a.txt" "$work/b.txt" | wc -l)"
		echo "  only sluice:";   comm -23 "$work/a.txt" "$work/b.txt" | head -20 | sed 's/^/    /'
		echo "  only gitleaks:"; comm -13 "$work/a.txt" "$work/b.txt" | head -20 | sed 's/^/    /'
		echo "  sluice vs gitleaks with the same rules: $(ratio "${WALL[gitleaks-nodecode]}" "${WALL[sluice-gitleaks-config]}")x wall, $(ratio "${CPU[gitleaks-nodecode]}" "${CPU[sluice-gitleaks-config]}")x cpu"
	fi
}

echo
tree_bench "$TREE"
if [ -n "${NODE_TREE:-}" ] || { [ -z "${SKIP_NODE:-}" ] && command -v npm >/dev/null; }; then
	NODE_TREE=${NODE_TREE:-$work/node}
	# gitleaks' default allowlist skips any path under node_modules/: the
	# tree is renamed so every tool reads the same files.
	if [ ! -d "$NODE_TREE/deps" ]; then
		echo
		echo "== installing a node_modules tree from the npm registry into $NODE_TREE/deps"
		mkdir -p "$NODE_TREE"
		(cd "$NODE_TREE" && npm install --no-audit --no-fund --ignore-scripts --silent \
			${NODE_PACKAGES:-typescript eslint webpack express aws-sdk jsonwebtoken} >/dev/null &&
			mv node_modules deps)
	fi
	echo
	tree_bench "$NODE_TREE/deps"
fi

echo
echo "== history: $HISTORY_REPO ($(git -C "$HISTORY_REPO" rev-list --all | wc -l) commits)"
hist_mb=$(du -sm "$HISTORY_REPO/.git" 2>/dev/null | cut -f1 || echo 1)
measure sluice-history "$hist_mb" "$bin/sluice" secrets --history -f json -o "$work/sluice-h.json" "$HISTORY_REPO"
echo "  findings $(jq '[.findings[] | select(.suppressed == null)] | length' "$work/sluice-h.json")"
measure gitleaks-history "$hist_mb" "$bin/gitleaks" git "$HISTORY_REPO" --no-banner --exit-code 0 --redact -l warn --log-opts=--all -f json -r "$work/gitleaks-h.json"
echo "  findings $(jq length "$work/gitleaks-h.json")"
echo "sluice vs gitleaks on history: $(ratio "${WALL[gitleaks-history]}" "${WALL[sluice-history]}")x wall, $(ratio "${CPU[gitleaks-history]}" "${CPU[sluice-history]}")x cpu (goal 10x)"
if [ -n "$config" ]; then
	measure sluice-history-gl-config "$hist_mb" "$bin/sluice" secrets --history -f json --no-gitleaksignore --gitleaks-config "$config" -o "$work/sluice-h-gl.json" "$HISTORY_REPO"
	echo
	jq -r '.findings[] | select(.suppressed == null) | "\(.location.commit):\(.location.path):\(.location.line):\(.rule)"' "$work/sluice-h-gl.json" | sort -u >"$work/ha.txt"
	jq -r '.[] | "\(.Commit):\(.File):\(.StartLine):\(.RuleID)"' "$work/gitleaks-h.json" | sort -u >"$work/hb.txt"
	echo "  same rules on history (commit:path:line:rule): sluice $(wc -l <"$work/ha.txt"), gitleaks $(wc -l <"$work/hb.txt"), both $(comm -12 "$work/ha.txt" "$work/hb.txt" | wc -l)"
	comm -3 "$work/ha.txt" "$work/hb.txt" | head -20 | sed 's/^/    differs: /'
	echo "  sluice --gitleaks-config vs gitleaks on history: $(ratio "${WALL[gitleaks-history]}" "${WALL[sluice-history-gl-config]}")x wall, $(ratio "${CPU[gitleaks-history]}" "${CPU[sluice-history-gl-config]}")x cpu"
fi
echo
echo "reports kept in $work"
