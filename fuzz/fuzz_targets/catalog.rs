//! Every cataloguer on any bytes: the first byte picks the file (a path some
//! cataloguer wants), the rest is its body, offered as the walker offers it (buffered,
//! and through random access for the binary readers). Bad input must be a warning,
//! never a panic, and every warning names the file.
#![no_main]

use bosun_sbom::catalog::{all_cataloguers, Cataloguer};
use bosun_sbom::FileMeta;
use libfuzzer_sys::fuzz_target;

const PATHS: [(&str, u32); 34] = [
    ("/var/lib/dpkg/status", 0o644),
    ("/var/lib/dpkg/status.d/base", 0o644),
    ("/lib/apk/db/installed", 0o644),
    ("/var/lib/rpm/Packages", 0o644),
    ("/var/lib/rpm/Packages.db", 0o644),
    ("/usr/lib/sysimage/rpm/rpmdb.sqlite", 0o644),
    ("/var/lib/rpmmanifest/container-manifest-2", 0o644),
    ("/etc/os-release", 0o644),
    ("/usr/lib/python3/dist-packages/a-1.dist-info/METADATA", 0o644),
    ("/usr/lib/python3/dist-packages/a-1-py3.11.egg", 0o644),
    ("/app/node_modules/a/package.json", 0o644),
    ("/app/package-lock.json", 0o644),
    ("/app/yarn.lock", 0o644),
    ("/app/pnpm-lock.yaml", 0o644),
    ("/src/Cargo.lock", 0o644),
    ("/app/lib/a-1.0.jar", 0o644),
    ("/usr/lib/ruby/gems/3.1.0/specifications/a-1.gemspec", 0o644),
    ("/app/vendor/composer/installed.json", 0o644),
    ("/app/App.deps.json", 0o644),
    ("/app/packages.lock.json", 0o644),
    ("/app/packages.config", 0o644),
    ("/usr/local/bin/python3.12", 0o755),
    ("/opt/java/openjdk/release", 0o644),
    ("/usr/local/bin/app", 0o755),
    ("/var/lib/pacman/local/zlib-1.3-2/desc", 0o644),
    ("/usr/lib/R/library/base/DESCRIPTION", 0o644),
    ("/usr/local/lib/luarocks/rocks-5.1/a/1.0-1/a-1.0-1.rockspec", 0o644),
    ("/opt/bitnami/a/.spdx-a.spdx", 0o644),
    ("/src/requirements.txt", 0o644),
    ("/src/Pipfile.lock", 0o644),
    ("/src/poetry.lock", 0o644),
    ("/src/go.mod", 0o644),
    ("/src/Gemfile.lock", 0o644),
    ("/src/composer.lock", 0o644),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let (path, mode) = PATHS[pick as usize % PATHS.len()];
    let file = FileMeta {
        path,
        size: body.len() as u64,
        mode,
    };
    let cataloguers: Vec<Box<dyn Cataloguer>> = all_cataloguers();
    let (_, warnings) = bosun_sbom::oci::offer(&cataloguers, &file, body, false, None);
    assert!(warnings.iter().all(|w| w.path == path));
    for c in cataloguers.iter().filter(|c| c.random_access()) {
        if c.wants(&file).is_some() {
            let mut sink = bosun_sbom::catalog::Sink::default();
            c.parse_random(&file, &mut std::io::Cursor::new(body), false, &mut sink);
            assert!(sink.warnings.iter().all(|w| w.path == path));
        }
    }
});
