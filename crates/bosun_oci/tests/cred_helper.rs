//! Credentials from `docker-credential-<name> get` (credHelpers and credsStore). Alone in
//! its test binary because it puts a fake helper on PATH.

mod support;

use std::os::unix::fs::PermissionsExt;

use bosun_oci::{Error, Image, OpenOptions, RegistryOptions};

#[test]
fn credential_helpers_supply_credentials() {
    let fake = support::start("u", "p");
    support::publish(&fake, "multi");
    let t = tempfile::tempdir().unwrap();
    let bin = t.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let helper = bin.join("docker-credential-bosuntest");
    let host = format!("127.0.0.1:{}", fake.port);
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread -r server\nif [ \"$server\" = \"{host}\" ]; then\n  printf '{{\"ServerURL\":\"%s\",\"Username\":\"u\",\"Secret\":\"p\"}}' \"$server\"\nelse\n  echo 'credentials not found in native keychain'; exit 1\nfi\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin.clone()];
    dirs.extend(std::env::split_paths(&path));
    std::env::set_var("PATH", std::env::join_paths(dirs).unwrap());

    let cfg = t.path().join("config.json");
    let open = |config: &str| {
        std::fs::write(&cfg, config).unwrap();
        let o = OpenOptions {
            platform: bosun_oci::Platform::parse("linux/amd64"),
            registry: RegistryOptions {
                insecure: true,
                docker_config: Some(cfg.clone()),
                ..Default::default()
            },
            ..Default::default()
        };
        Image::open(&format!("docker://{host}/x/y:multi"), &o)
    };
    assert!(open(&format!(r#"{{"credHelpers":{{"{host}":"bosuntest"}}}}"#)).is_ok());
    assert!(open(r#"{"credsStore":"bosuntest"}"#).is_ok());
    // The helper knows nothing for this host: anonymous, which the registry refuses.
    let e = open(r#"{"credHelpers":{"elsewhere.example":"bosuntest"}}"#).unwrap_err();
    assert!(matches!(&e, Error::Unauthorized { .. }), "{e}");
}
