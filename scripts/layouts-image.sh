#!/usr/bin/env bash
# Builds crates/bosun_sbom/tests/fixtures/layouts (one file per place where syft and
# trivy look for packages beyond the four test images) into a one-layer image, saved as
# $BOSUN_TEST_IMAGES/layouts.docker.tar, so that scripts/peer-packages.sh can record what
# the peers report on it:
#   scripts/layouts-image.sh && TRIVY_SKIP_DIRS=/opt/lib scripts/peer-packages.sh layouts
# (trivy has no Java DB offline, so the Java archive folder is skipped for it). The test
# builds the same image from the same files in Rust, without podman.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES=${BOSUN_TEST_IMAGES:-$PWD/target/test-images}
mkdir -p "$IMAGES"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cp -a crates/bosun_sbom/tests/fixtures/layouts "$T/root"
printf 'FROM scratch\nCOPY root/ /\n' >"$T/Dockerfile"
podman --storage-driver vfs build --isolation chroot -q -t localhost/layouts:1 "$T" >/dev/null
rm -f "$IMAGES/layouts.docker.tar"
podman --storage-driver vfs save --format docker-archive -o "$IMAGES/layouts.docker.tar" localhost/layouts:1
echo "$IMAGES/layouts.docker.tar"
