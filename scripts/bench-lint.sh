#!/usr/bin/env bash
# Lints the whole visible Dockerfile corpus with bosun (release build) and with hadolint,
# in the same run, and prints files/s for each and the ratio.
#
#   scripts/bench-lint.sh [CORPUS_DIR]        (BOSUN=path skips the release build)
#
# hadolint: $HADOLINT, else /work/.peers/bin/hadolint, else `hadolint` on PATH (see
# ../shared/scripts/peers.sh). It runs over 2 processes (xargs -P2, 50 files per call)
# so both tools get the same 2 cores; bosun lints files in parallel on its own.
# Not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=${1:-../shared/corpus/dockerfiles/visible}
if [[ ! -d $corpus ]]; then
  echo "bench-lint: corpus not found at $corpus" >&2
  exit 2
fi
jobs=${BENCH_JOBS:-2}

# BOSUN=path/to/bosun skips the build (use a release binary).
if [[ -z ${BOSUN:-} ]]; then
  cargo build --release -q -p bosun
  bosun="${CARGO_TARGET_DIR:-target}/release/bosun"
else
  bosun=$BOSUN
fi

list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$corpus" -type f ! -name '*.tsv' ! -name '*.jsonl' ! -name '*.md' -print0 | sort -z >"$list"
files=$(tr -cd '\0' <"$list" | wc -c)

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }

# bosun: every file as an explicit argument, JSON out (no terminal rendering cost).
t0=$(now)
xargs -0 "$bosun" lint -f json -t none <"$list" >/tmp/bench-bosun.json
t1=$(now)
bosun_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
bosun_findings=$(grep -c '"code":' /tmp/bench-bosun.json || true)
echo "bosun:    $files files in $(printf %.2f "$bosun_s") s = $(rate "$files" "$bosun_s") files/s ($bosun_findings findings)"

hadolint=${HADOLINT:-}
if [[ -z $hadolint ]]; then
  if [[ -x /work/.peers/bin/hadolint ]]; then hadolint=/work/.peers/bin/hadolint
  elif command -v hadolint >/dev/null; then hadolint=$(command -v hadolint)
  fi
fi
if [[ -z $hadolint ]]; then
  echo "hadolint: not found (set HADOLINT=...); no comparison"
  exit 0
fi
t0=$(now)
xargs -0 -P"$jobs" -n50 "$hadolint" --no-fail -f json <"$list" >/tmp/bench-hadolint.json 2>/dev/null || true
t1=$(now)
had_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
echo "hadolint: $files files in $(printf %.2f "$had_s") s = $(rate "$files" "$had_s") files/s (xargs -P$jobs)"
awk -v b="$bosun_s" -v h="$had_s" 'BEGIN { printf "ratio:    bosun is %.1fx faster than hadolint\n", h / b }'
