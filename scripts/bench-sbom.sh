#!/usr/bin/env bash
# Times `bosun sbom` against syft and trivy (package listing only) on the same docker
# archive, in the same run: wall time and peak memory of each, and the ratios against
# the faster peer. Not a test: numbers depend on the machine and its load.
# Usage: scripts/bench-sbom.sh [IMAGE.docker.tar] [BOSUN] [SYFT] [TRIVY]
set -euo pipefail
cd "$(dirname "$0")/.."
IMG=${1:-${BOSUN_TEST_IMAGES:-/work/images}/pyapp.docker.tar}
BOSUN=${2:-${CARGO_TARGET_DIR:-target}/release/bosun}
SYFT=${3:-/work/.peers/bin/syft}
TRIVY=${4:-/work/.peers/bin/trivy}
[ -f "$IMG" ] || { echo "bench-sbom.sh: no image at $IMG (run shared/scripts/make-images.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-sbom.sh: needs GNU time: apt-get install -y time" >&2; exit 2; }
if [ ! -x "$BOSUN" ]; then cargo build --release -p bosun >&2; fi
[ -x "$SYFT" ] || { echo "bench-sbom.sh: syft not found at $SYFT" >&2; exit 2; }
[ -x "$TRIVY" ] || { echo "bench-sbom.sh: trivy not found at $TRIVY" >&2; exit 2; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export SYFT_CHECK_FOR_APP_UPDATE=false

measure() { # name, command...: prints "name seconds kilobytes exit"
  local name=$1; shift
  local rc=0 t0 t1
  # Wall time in nanoseconds (GNU time's is in hundredths: a small image takes less).
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$T/$name.time" "$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
  t1=$(date +%s%N)
  local wall kb
  wall=$(echo "($t1 - $t0) / 1000000000" | bc -l)
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$T/$name.time")
  echo "$name $wall $kb $rc"
}

cat "$IMG" >/dev/null # warm the page cache: every tool reads the archive from memory
B=$(measure bosun "$BOSUN" sbom "docker-archive:$IMG" --format cyclonedx-json)
BV=$(measure bosunv "$BOSUN" sbom "docker-archive:$IMG" --format cyclonedx-json --verify)
S=$(measure syft "$SYFT" -q "docker-archive:$IMG" -o cyclonedx-json)
TV=$(measure trivy "$TRIVY" image --input "$IMG" --skip-db-update --cache-backend memory \
  --offline-scan --quiet --format cyclonedx)
read -r _ bw bkb brc <<<"$B"
read -r _ vw vkb vrc <<<"$BV"
read -r _ sw skb src <<<"$S"
read -r _ tw tkb trc <<<"$TV"
count() { jq '[.components[]? | select(.type != "operating-system")] | length' "$T/$1.out" 2>/dev/null || echo "?"; }
printf '%-6s %10s %12s %6s %s\n' tool wall_s peak_MB exit components
printf '%-6s %10.3f %12.1f %6s %s\n' bosun "$bw" "$(echo "$bkb/1024" | bc -l)" "$brc" "$(count bosun)"
printf '%-6s %10.3f %12.1f %6s %s   (--verify: every layer byte hashed)\n' bosun "$vw" "$(echo "$vkb/1024" | bc -l)" "$vrc" "$(count bosunv)"
printf '%-6s %10.3f %12.1f %6s %s\n' syft "$sw" "$(echo "$skb/1024" | bc -l)" "$src" "$(count syft)"
printf '%-6s %10.3f %12.1f %6s %s\n' trivy "$tw" "$(echo "$tkb/1024" | bc -l)" "$trc" "$(count trivy)"
fast=$(echo "if ($sw < $tw) $sw else $tw" | bc -l)
printf 'speed-up over the faster peer: %.1fx (--verify: %.1fx)   peak memory: %.2fx of syft, %.2fx of trivy\n' \
  "$(echo "$fast/$bw" | bc -l)" "$(echo "$fast/$vw" | bc -l)" "$(echo "$bkb/$skb" | bc -l)" "$(echo "$bkb/$tkb" | bc -l)"
