#!/usr/bin/env bash
# Records the (type, name, version) lists that syft and trivy report for each test image
# into crates/bosun_sbom/tests/peers/NAME.json, for the parity test (the peers are not
# installed in CI). Run here, where the peers are: scripts/peer-packages.sh [NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES=${BOSUN_TEST_IMAGES:-/work/main/target/test-images}
SYFT=${SYFT:-/work/.peers/bin/syft}
TRIVY=${TRIVY:-/work/.peers/bin/trivy}
OUT=crates/bosun_sbom/tests/peers
command -v jq >/dev/null || { echo "peer-packages.sh: needs jq" >&2; exit 2; }
mkdir -p "$OUT"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export SYFT_CHECK_FOR_APP_UPDATE=false
for name in "${@:-bad pyapp nodeapp goapp}"; do
  for n in $name; do
    img="$IMAGES/$n.docker.tar"
    [ -f "$img" ] || { echo "peer-packages.sh: no $img" >&2; exit 2; }
    "$SYFT" -q "docker-archive:$img" -o json >"$T/syft.json"
    "$TRIVY" image --input "$img" --skip-db-update --cache-backend memory --offline-scan \
      --scanners license --list-all-pkgs --quiet --format json >"$T/trivy.json"
    jq -n --slurpfile s "$T/syft.json" --slurpfile t "$T/trivy.json" '{
      syft: {version: $s[0].descriptor.version,
             packages: [$s[0].artifacts[] | {type, name, version}] | unique},
      trivy: {version: "'"$("$TRIVY" --version | awk 'NR==1{print $2}')"'",
              packages: [$t[0].Results[]? | .Type as $ty | select($ty != null) | .Packages[]? |
                         {type: $ty, name: .Name,
                          version: ((if (.Epoch // 0) > 0 then "\(.Epoch):" else "" end)
                                    + .Version
                                    + (if (.Release // "") != "" then "-\(.Release)" else "" end))}] | unique}
    }' >"$OUT/$n.json"
    echo "$n: syft $(jq '.syft.packages|length' "$OUT/$n.json"), trivy $(jq '.trivy.packages|length' "$OUT/$n.json")"
  done
done
