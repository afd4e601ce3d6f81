//! Registry credentials from the Docker config (`auths`, `credsStore`, `credHelpers`)
//! and podman's auth file.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use base64::Engine as _;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::image::Credentials;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    #[serde(default)]
    auths: std::collections::BTreeMap<String, AuthEntry>,
    #[serde(default)]
    creds_store: Option<String>,
    #[serde(default)]
    cred_helpers: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

/// The config files to look in, first match wins.
fn candidate_files(explicit: Option<&PathBuf>) -> Vec<PathBuf> {
    if let Some(p) = explicit {
        return vec![if p.is_dir() {
            p.join("config.json")
        } else {
            p.clone()
        }];
    }
    let mut v = Vec::new();
    if let Some(d) = std::env::var_os("DOCKER_CONFIG") {
        v.push(PathBuf::from(d).join("config.json"));
    } else if let Some(h) = std::env::var_os("HOME") {
        v.push(PathBuf::from(h).join(".docker/config.json"));
    }
    if let Some(f) = std::env::var_os("REGISTRY_AUTH_FILE") {
        v.push(PathBuf::from(f));
    }
    if let Some(r) = std::env::var_os("XDG_RUNTIME_DIR") {
        v.push(PathBuf::from(r).join("containers/auth.json"));
    }
    v
}

/// The keys under which a registry may appear in `auths`.
fn keys_for(registry: &str) -> Vec<String> {
    let mut keys = vec![
        registry.to_string(),
        format!("https://{registry}"),
        format!("http://{registry}"),
        format!("https://{registry}/v1/"),
        format!("https://{registry}/v2/"),
    ];
    if registry == "docker.io" || registry == "registry-1.docker.io" {
        keys.push("https://index.docker.io/v1/".into());
        keys.push("index.docker.io".into());
        keys.push("docker.io".into());
    }
    keys
}

/// Looks up credentials for `registry` (`host[:port]`, `docker.io` for Docker Hub).
pub(crate) fn lookup(
    registry: &str,
    explicit_config: Option<&PathBuf>,
) -> Result<Option<Credentials>> {
    for file in candidate_files(explicit_config) {
        let Ok(raw) = crate::fsopen::read_regular(&file, 16 << 20) else {
            continue;
        };
        let cfg: DockerConfig = serde_json::from_slice(&raw)
            .map_err(|e| Error::json(format!("credentials file {}", file.display()), e))?;
        let keys = keys_for(registry);
        if let Some(helper) = keys.iter().find_map(|k| cfg.cred_helpers.get(k)) {
            return run_helper(helper, &server_url(registry));
        }
        for k in &keys {
            if let Some(entry) = cfg.auths.get(k) {
                if let Some(c) = decode_entry(entry, &file)? {
                    return Ok(Some(c));
                }
            }
        }
        if let Some(store) = &cfg.creds_store {
            if let Some(c) = run_helper(store, &server_url(registry))? {
                return Ok(Some(c));
            }
        }
    }
    Ok(None)
}

fn server_url(registry: &str) -> String {
    if registry == "docker.io" {
        "https://index.docker.io/v1/".into()
    } else {
        registry.to_string()
    }
}

fn decode_entry(entry: &AuthEntry, file: &std::path::Path) -> Result<Option<Credentials>> {
    if let (Some(u), Some(p)) = (&entry.username, &entry.password) {
        return Ok(Some(Credentials {
            username: u.clone(),
            password: p.clone(),
        }));
    }
    let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let bad = |reason: &str| {
        Error::malformed(
            format!("credentials file {}", file.display()),
            reason.to_string(),
        )
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(auth.trim())
        .map_err(|_| bad("an `auth` value is not valid base64"))?;
    let s = String::from_utf8(bytes).map_err(|_| bad("an `auth` value is not UTF-8"))?;
    let (u, p) = s
        .split_once(':')
        .ok_or_else(|| bad("an `auth` value is not user:password"))?;
    Ok(Some(Credentials {
        username: u.to_string(),
        password: p.to_string(),
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperReply {
    username: String,
    secret: String,
}

/// Runs `docker-credential-<helper> get` with the server URL on stdin.
fn run_helper(helper: &str, server: &str) -> Result<Option<Credentials>> {
    let fail = |reason: String| Error::CredentialHelper {
        helper: helper.to_string(),
        reason,
    };
    if helper.is_empty()
        || !helper
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(fail("invalid helper name".into()));
    }
    let mut child = Command::new(format!("docker-credential-{helper}"))
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run it: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(server.as_bytes());
    }
    let out = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stdout).trim().to_string()
            + String::from_utf8_lossy(&out.stderr).trim();
        if msg.to_lowercase().contains("not found") {
            return Ok(None);
        }
        return Err(fail(format!("exited with {}: {msg}", out.status)));
    }
    let reply: HelperReply =
        serde_json::from_slice(&out.stdout).map_err(|e| fail(format!("unreadable reply: {e}")))?;
    Ok(Some(Credentials {
        username: reply.username,
        password: reply.secret,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_auths_and_helpers() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config.json");
        let b64 = base64::engine::general_purpose::STANDARD.encode("alice:s3cret");
        std::fs::write(
            &cfg,
            format!(r#"{{"auths":{{"https://reg.example:5000":{{"auth":"{b64}"}},"other.example":{{}}}}}}"#),
        )
        .unwrap();
        let c = lookup("reg.example:5000", Some(&cfg)).unwrap().unwrap();
        assert_eq!(
            (c.username.as_str(), c.password.as_str()),
            ("alice", "s3cret")
        );
        assert!(lookup("other.example", Some(&cfg)).unwrap().is_none());
        assert!(lookup("nowhere.example", Some(&cfg)).unwrap().is_none());

        // A credential helper, as a script on PATH-less absolute name is not allowed,
        // so only check that a missing helper is a clear error.
        std::fs::write(
            &cfg,
            r#"{"credHelpers":{"reg.example":"bosun-test-missing"}}"#,
        )
        .unwrap();
        let e = lookup("reg.example", Some(&cfg)).unwrap_err();
        assert!(
            e.to_string()
                .contains("docker-credential-bosun-test-missing"),
            "{e}"
        );

        std::fs::write(&cfg, r#"{"auths":{"reg.example":{"auth":"!!!"}}}"#).unwrap();
        assert!(lookup("reg.example", Some(&cfg)).is_err());
    }
}
