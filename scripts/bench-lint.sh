#!/usr/bin/env bash
# Lints the whole visible Dockerfile corpus with bosun (release build) and with hadolint,
# in the same run, and prints three figures for each and their ratios:
#   1. the whole corpus: files/s (page cache warmed for both; bosun's median of 3 runs);
#   2. one file per process (the pre-commit and editor case): mean ms per file over a
#      sample of $BENCH_SINGLE files (default 100), one process each;
#   3. peak memory (max RSS) of linting the whole corpus in one process each
#      (hadolint with every file on one command line, as bosun gets them).
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

[ -x /usr/bin/time ] || { echo "bench-lint: needs GNU time: apt-get install -y time" >&2; exit 2; }
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }
single=${BENCH_SINGLE:-100}
sample=$(mktemp)
trap 'rm -f "$list" "$sample"' EXIT
# Every (files/single)-th file: a spread over the corpus, the same for both tools.
tr '\0' '\n' <"$list" | awk -v n="$files" -v k="$single" 'NR % int((n + k - 1) / k) == 0' >"$sample"
nsample=$(wc -l <"$sample")
per_file_ms() { # command...: mean wall ms per file of the sample, one process each
  local t0 t1
  t0=$(now)
  while IFS= read -r f; do "$@" "$f" >/dev/null 2>&1 || true; done <"$sample"
  t1=$(now)
  awk -v a="$t0" -v b="$t1" -v n="$nsample" 'BEGIN { printf "%.1f", (b - a) * 1000 / n }'
}

# Both tools read the corpus from the page cache: warm it first (the first tool timed
# would otherwise pay the disk alone).
xargs -0 cat <"$list" >/dev/null
# bosun: every file as an explicit argument, JSON out (no terminal rendering cost). Its
# run is short enough for scheduling noise to matter: the median of three runs.
runs=()
for _ in 1 2 3; do
  t0=$(now)
  xargs -0 /usr/bin/time -v -o /tmp/bench-bosun.time "$bosun" lint -f json -t none <"$list" >/tmp/bench-bosun.json
  t1=$(now)
  runs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
done
bosun_s=$(printf '%s\n' "${runs[@]}" | sort -g | sed -n 2p)
bosun_findings=$(grep -c '"code":' /tmp/bench-bosun.json || true)
echo "bosun:    $files files in $(printf %.2f "$bosun_s") s = $(rate "$files" "$bosun_s") files/s ($bosun_findings findings)"
bosun_mb=$(rss_mb /tmp/bench-bosun.time)
bosun_one=$(per_file_ms "$bosun" lint -f json -t none)
echo "bosun:    one file per process: $bosun_one ms/file ($nsample files); peak memory $bosun_mb MiB"

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
xargs -0 /usr/bin/time -v -o /tmp/bench-hadolint.time "$hadolint" --no-fail -f json <"$list" >/dev/null 2>&1 || true
had_mb=$(rss_mb /tmp/bench-hadolint.time)
had_one=$(per_file_ms "$hadolint" --no-fail -f json)
echo "hadolint: one file per process: $had_one ms/file ($nsample files); peak memory $had_mb MiB"
awk -v b="$bosun_s" -v h="$had_s" 'BEGIN { printf "ratio:    whole corpus: bosun is %.1fx faster than hadolint\n", h / b }'
awk -v b="$bosun_one" -v h="$had_one" 'BEGIN { printf "ratio:    one file per process: bosun takes %.2f of hadolint'"'"'s time\n", b / h }'
awk -v b="$bosun_mb" -v h="$had_mb" 'BEGIN { printf "ratio:    peak memory: bosun uses %.2f of hadolint'"'"'s\n", b / h }'

