#!/usr/bin/env bash
# Import and match speed of bosun's vulnerability store.
# - import: `bosun db import` of all of ../shared/corpus/osv (OSV Go, RustSec, PyPA,
#   AlmaLinux, Alpine secdb, Debian tracker JSON and DSA/DLA lists) into a new
#   database: wall time, peak memory and database size (target: under 10 s); then
#   the same import again (nothing changes).
# - match, whole process: `bosun vuln SBOM --format json` on a CycloneDX SBOM of
#   2,000 packages (Go modules, crates and PyPI projects the corpus names, at
#   version 0.0.1, so most open ranges include them) against that database
#   (target: under 0.5 s); and trivy on the same SBOM when it has a database.
# - match alone: the release build of the `scan_of_2000_packages_against_the_whole_corpus`
#   test (2,000 packages looked up and matched; target: under 100 ms).
# Usage: scripts/bench-vuln.sh [BOSUN]   (BENCH_MATCH_TEST=0 skips the release test build)
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

# A CycloneDX SBOM of 2,000 real package names from the advisory corpus.
python3 - "$OSV" "$T/sbom.json" <<'PY'
import json, os, sys
osv, out = sys.argv[1], sys.argv[2]
def names(sub, eco):
    found = set()
    d = os.path.join(osv, sub)
    for f in sorted(os.listdir(d)):
        if f.endswith(".json"):
            for a in json.load(open(os.path.join(d, f))).get("affected", []):
                if a.get("package", {}).get("ecosystem") == eco:
                    found.add(a["package"]["name"])
    return sorted(found)
go = [n for n in names("golang-vulndb/data/osv", "Go") if n not in ("stdlib", "toolchain")]
crates = names("rustsec-osv/crates", "crates.io")
pypi = sorted(os.listdir(os.path.join(osv, "pypa-advisory-database/vulns")))
comps = []
for kind, lst, n in (("golang", go, 800), ("cargo", crates, 500), ("pypi", pypi, 700)):
    for name in lst[:n]:
        purl = f"pkg:{kind}/{name}@0.0.1"
        comps.append({"bom-ref": purl, "type": "library", "name": name, "version": "0.0.1", "purl": purl})
json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "metadata": {"component": {"type": "application", "name": "bench", "bom-ref": "bench"}},
           "components": comps}, open(out, "w"))
print(len(comps))
PY
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["components"]))' "$T/sbom.json")
"$BOSUN" vuln "$T/sbom.json" --db "$T/vuln.db" -f json -t none >/dev/null # warm
best=
for _ in 1 2 3 4 5; do
  read -r _ w k _ < <(measure match "$BOSUN" vuln "$T/sbom.json" --db "$T/vuln.db" -f json -t none)
  if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$w; bestkb=$k; fi
done
found=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["findings"] if isinstance(d, dict) else d))' "$T/match.out")
echo "match (whole process, best of 5): ${best} s, peak ${bestkb} KiB, $n packages, $found findings"
TRIVY=${TRIVY:-/work/.peers/bin/trivy}
if [ -x "$TRIVY" ]; then
  read -r _ tw _ trc < <(measure trivy "$TRIVY" sbom --skip-db-update --cache-backend memory -q -f json "$T/sbom.json")
  if [ "$trc" = 0 ]; then echo "trivy sbom on the same SBOM: ${tw} s"; else echo "trivy sbom: not run ($(head -c 200 "$T/trivy.err" | tr '\n' ' '))"; fi
fi

[ "${BENCH_MATCH_TEST:-1}" = 0 ] && exit 0
echo "match alone: 2,000 packages against the whole corpus (release test build)"
BOSUN_SHARED=$SHARED cargo test --release -q -p bosun_vuln --test import scan_of_2000 -- --nocapture 2>&1 |
  grep -E '^matched'
