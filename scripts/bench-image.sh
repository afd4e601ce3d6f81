#!/usr/bin/env bash
# Times `bosun image` against trivy's secret scan (image config + layers) on the same
# docker archive, in the same run: wall time and peak memory of each, and the ratios.
# Usage: scripts/bench-image.sh [IMAGE.docker.tar] [BOSUN] [TRIVY]
set -euo pipefail
cd "$(dirname "$0")/.."
IMG=${1:-${BOSUN_TEST_IMAGES:-/work/images}/bad.docker.tar}
BOSUN=${2:-${CARGO_TARGET_DIR:-target}/release/bosun}
TRIVY=${3:-/work/.peers/bin/trivy}
[ -f "$IMG" ] || { echo "bench-image.sh: no image at $IMG (run shared/scripts/make-images.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-image.sh: needs GNU time: apt-get install -y time" >&2; exit 2; }
if [ ! -x "$BOSUN" ]; then cargo build --release -p bosun >&2; fi
[ -x "$TRIVY" ] || { echo "bench-image.sh: trivy not found at $TRIVY" >&2; exit 2; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

measure() { # name, command...: prints "name seconds kilobytes exit"
  local name=$1; shift
  local rc=0
  /usr/bin/time -v -o "$T/$name.time" "$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
  local wall kb
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$T/$name.time" |
    awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$T/$name.time")
  echo "$name $wall $kb $rc"
}

# Warm the page cache so both read the archive from memory.
cat "$IMG" >/dev/null
B=$(measure bosun "$BOSUN" image "$IMG" --format json)
TV=$(measure trivy "$TRIVY" image --scanners secret --image-config-scanners secret \
  --input "$IMG" --skip-db-update --cache-backend memory --offline-scan --quiet --format json)
read -r _ bw bkb brc <<<"$B"
read -r _ tw tkb trc <<<"$TV"
bfound=$(grep -o '"code"' "$T/bosun.out" | wc -l || true)
tfound=$(grep -o '"RuleID"' "$T/trivy.out" | wc -l || true)
[ "$trc" = 0 ] || { echo "trivy exited $trc:" >&2; tail -3 "$T/trivy.err" >&2; }
printf '%-6s %10s %12s %6s %s\n' tool wall_s peak_MB exit findings
printf '%-6s %10.2f %12.1f %6s %s\n' bosun "$bw" "$(echo "$bkb/1024" | bc -l)" "$brc" "$bfound (all image checks)"
printf '%-6s %10.2f %12.1f %6s %s\n' trivy "$tw" "$(echo "$tkb/1024" | bc -l)" "$trc" "$tfound secrets"
printf 'speed-up: %.1fx   memory: %.2fx of trivy\n' "$(echo "$tw/$bw" | bc -l)" "$(echo "$bkb/$tkb" | bc -l)"
