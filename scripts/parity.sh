#!/usr/bin/env bash
# Regenerates docs/parity.md: hadolint vs bosun on the visible corpus.
#
#   scripts/parity.sh [HADOLINT]
#
# HADOLINT defaults to $HADOLINT or /work/.peers/bin/hadolint. hadolint's JSON output is
# cached in $PARITY_DIR (default: target/parity/hadolint) and reused when present; delete
# the directory to re-run hadolint (about 2 minutes of CPU).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/../shared/corpus/dockerfiles/visible"
oracle="$root/../shared/corpus/dockerfiles/oracle.jsonl"
hadolint="${1:-${HADOLINT:-/work/.peers/bin/hadolint}}"
parity_dir="${PARITY_DIR:-$root/target/parity}"
hdir="$parity_dir/hadolint"
[ -d "$corpus" ] || { echo "corpus not found at $corpus" >&2; exit 1; }
mkdir -p "$hdir"
if [ -z "$(ls -A "$hdir" 2>/dev/null)" ]; then
  echo "running hadolint over the corpus (cached in $hdir)..." >&2
  (cd "$corpus" && find . -type f ! -name SOURCES.tsv | sed 's#^\./##' | sort) |
    while IFS= read -r f; do
      printf '%s\0' "$f"
    done |
    (cd "$hdir" && xargs -0 -P2 -I{} sh -c \
      'out=$(printf "%s" "$1" | sed "s#/#__#g"); "$0" --no-fail --no-color -f json "$2/$1" > "$out.json" 2>/dev/null || true' \
      "$hadolint" {} "$corpus")
fi
out="$parity_dir/bosun.tsv"
(cd "$root" && BOSUN_PARITY_OUT="$out" cargo test --release -q -p bosun_lint --test parity_corpus -- --ignored >&2)
codes="$(cd "$root" && grep -rhoE 'code: "DL[0-9]+"|"DL[0-9]{4}",$' crates/bosun_lint/src/rules | grep -oE 'DL[0-9]{4}' | sort -u | tr '\n' ' ')"
BOSUN_CODES="$codes" python3 "$root/scripts/parity_compare.py" "$hdir" "$out" "$corpus" "$oracle" "$root/docs/parity.md"
