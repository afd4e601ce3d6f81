#!/usr/bin/env bash
# Import and match speed of bosun's vulnerability store.
# - import: `bosun db import` of all of ../shared/corpus/osv (OSV Go, RustSec, PyPA,
#   AlmaLinux, Alpine secdb, Debian tracker JSON and DSA/DLA lists) into a new
#   database: wall time, peak memory and database size (target: under 10 s); then
#   the same import again (nothing changes).
# - match: the release build of the `scan_of_2000_packages_against_the_whole_corpus`
#   test (2,000 packages looked up and matched against the whole corpus).
# Usage: scripts/bench-vuln.sh [BOSUN]
set -euo pipefail
cd "$(dirname "$0")/.."
BOSUN=${1:-${BOSUN:-${CARGO_TARGET_DIR:-target}/release/bosun}}
SHARED=${BOSUN_SHARED:-../shared}
OSV=$SHARED/corpus/osv
[ -d "$OSV" ] || { echo "bench-vuln.sh: no advisory corpus at $OSV (set BOSUN_SHARED)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-vuln.sh: needs GNU time: apt-get install -y time" >&2; exit 2; }
if [ ! -x "$BOSUN" ]; then cargo build --release -p bosun >&2; fi
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

# Warm the page cache.
find "$OSV" -type f -exec cat {} + >/dev/null
read -r _ wall kb rc < <(measure import "$BOSUN" db import "$OSV" --db "$T/vuln.db")
[ "$rc" = 0 ] || { cat "$T/import.err" >&2; exit 2; }
size=$(stat -c %s "$T/vuln.db")
echo "import: ${wall} s, peak ${kb} KiB, database $((size / 1024 / 1024)) MiB ($size bytes)"
tail -1 "$T/import.err"
read -r _ wall2 kb2 _ < <(measure reimport "$BOSUN" db import "$OSV" --db "$T/vuln.db")
echo "same import again: ${wall2} s, peak ${kb2} KiB"
tail -1 "$T/reimport.err"
"$BOSUN" db status --db "$T/vuln.db"

echo "match: 2,000 packages against the whole corpus (release test build)"
BOSUN_SHARED=$SHARED cargo test --release -q -p bosun_vuln --test import scan_of_2000 -- --nocapture 2>&1 |
  grep -E '^matched'
