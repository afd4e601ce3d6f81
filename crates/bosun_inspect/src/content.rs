//! Secret detection, through `bosun_secrets` (the detectors shared with the Dockerfile
//! linter): this module maps its matches onto the image rules, adds the values the
//! history revealed, and keeps what the allow rules dropped (so it can be shown).
//! Every value leaves this module redacted.

use crate::paths::BodyClass;
use crate::rules;
use bosun_diagnostics::{RuleMeta, Severity};
use bosun_secrets::{
    Confidence, SecretFileKind, SecretMatch, GENERIC_RULE_ID, NAMED_VALUE_RULE_ID,
};

/// Configuration files distributions ship with sample credentials in them (OpenSSL's
/// CMP demo `secret = pass:insta`): weak generic matches there are not the image's.
const STOCK_CONFIG: &[&str] = &[
    "etc/ssl/openssl.cnf",
    "usr/lib/ssl/openssl.cnf",
    "etc/pki/tls/openssl.cnf",
    "etc/ssl1.1/openssl.cnf",
];

pub(crate) use bosun_secrets::{
    is_placeholder_value as is_placeholder, is_secret_name as secret_name, redact,
};

/// One secret found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Detection {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    /// What it is: "OpenSSH private key", "GitHub personal access token".
    pub what: String,
    /// The value, redacted.
    pub redacted: String,
    /// 1-based line in the text.
    pub line: usize,
    /// Set when the value is a documented example value (not a real secret).
    pub example: bool,
}

/// Matches in one value of the config or history, without the generic
/// `key=value` judgement (names are judged by the caller).
pub(crate) fn scan_value(value: &str) -> Vec<SecretMatch> {
    bosun_secrets::find_secrets_in_text(value)
        .into_iter()
        .filter(|m| m.rule_id != GENERIC_RULE_ID && m.rule_id != NAMED_VALUE_RULE_ID)
        .collect()
}

fn credential_file(kind: Option<SecretFileKind>) -> bool {
    use SecretFileKind as K;
    matches!(
        kind,
        Some(
            K::NpmRc
                | K::PypiRc
                | K::Netrc
                | K::GitCredentials
                | K::DockerConfig
                | K::AwsCredentials
                | K::AwsConfig
                | K::GcpCredentials
                | K::AzureCredentials
                | K::KubeConfig
                | K::TerraformState
                | K::DatabaseClientConfig
                | K::Htpasswd
                | K::ToolCredentials
        )
    )
}

fn rule_for(m: &SecretMatch, kind: Option<SecretFileKind>) -> &'static RuleMeta {
    match m.rule_id {
        "private-key" => &rules::PRIVATE_KEY_IN_LAYER,
        "netrc-password"
        | "npmrc-auth"
        | "docker-config-auth"
        | "docker-config-identity-token"
        | "gcp-service-account-key"
        | "kubernetes-dockerconfigjson" => &rules::CREDENTIAL_FILE_IN_LAYER,
        _ if credential_file(kind) => &rules::CREDENTIAL_FILE_IN_LAYER,
        GENERIC_RULE_ID | NAMED_VALUE_RULE_ID | "url-password" | "xml-password" => {
            &rules::PASSWORD_IN_LAYER
        }
        _ => &rules::TOKEN_IN_LAYER,
    }
}

fn what(m: &SecretMatch) -> String {
    match &m.key {
        Some(k) if m.rule_id == GENERIC_RULE_ID || m.rule_id == NAMED_VALUE_RULE_ID => {
            format!("{} (`{k}`)", m.description)
        }
        _ => m.description.to_string(),
    }
}

/// Scans a layer file's body. `known` are secret values from the config and history.
/// Returns detections and, separately, those the path allow rules drop (with the
/// reason).
pub(crate) fn scan_file(
    path: &str,
    _class: BodyClass,
    body: &[u8],
    known: &[crate::KnownValue],
) -> (Vec<Detection>, Vec<(Detection, &'static str)>) {
    let kind = bosun_secrets::secret_file_kind(path);
    let to_detection = |m: &SecretMatch| Detection {
        rule: rule_for(m, kind),
        severity: m.severity,
        what: what(m),
        redacted: m.redacted.clone(),
        line: m.line,
        example: m.example,
    };
    let allowed = crate::paths::allowed_path(path).or_else(|| {
        bosun_secrets::is_allowlisted_path(path).then_some("documentation, test or vendored path")
    });
    if let Some(reason) = allowed {
        // Only key-like files are read there; what they hold is shown as suppressed.
        let dropped = bosun_secrets::find_secrets_in_bytes(body)
            .iter()
            .filter(|m| m.rule_id != GENERIC_RULE_ID && m.rule_id != NAMED_VALUE_RULE_ID)
            .map(|m| (to_detection(m), reason))
            .collect();
        return (Vec::new(), dropped);
    }
    let mut out: Vec<Detection> = Vec::new();
    // Values the history says are secrets, written into a file by a RUN.
    if !known.is_empty() {
        let text = String::from_utf8_lossy(body);
        for k in known {
            if let Some(at) = text.find(&k.value) {
                let line = text.get(..at).map_or(1, |b| b.matches('\n').count() + 1);
                out.push(Detection {
                    rule: &rules::PASSWORD_IN_LAYER,
                    severity: rules::PASSWORD_IN_LAYER.severity,
                    what: format!("the value of {}", k.origin),
                    redacted: redact(&k.value),
                    line,
                    example: false,
                });
            }
        }
    }
    let mut dropped = Vec::new();
    for m in bosun_secrets::scan_file(path, body) {
        let d = to_detection(&m);
        if d.example {
            dropped.push((d, "documented example value"));
        } else if m.confidence == Confidence::Low && STOCK_CONFIG.contains(&path) {
            dropped.push((d, "sample value in a stock distribution config file"));
        } else {
            out.push(d);
        }
    }
    // One finding per line: the first (most specific) detector wins.
    let mut seen = std::collections::HashSet::new();
    out.retain(|d| seen.insert(d.line));
    (out, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(
        path: &str,
        class: BodyClass,
        text: &str,
        known: &[crate::KnownValue],
    ) -> Vec<Detection> {
        scan_file(path, class, text.as_bytes(), known).0
    }

    #[test]
    fn private_keys_and_tokens() {
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n";
        let d = scan("root/.ssh/id_rsa", BodyClass::KeyLike, key, &[]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule.code, "BSI110");
        // A certificate is not a key.
        let cert = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTES\n-----END CERTIFICATE-----\n";
        assert!(scan("etc/x.pem", BodyClass::KeyLike, cert, &[]).is_empty());
        let t = format!(
            "token = \"ghp_{}\"\n",
            "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
        );
        let d = scan("app/settings.py", BodyClass::Source, &t, &[]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule.code, "BSI112");
        assert!(!d[0].redacted.contains("a1B2"));
        // The same key inside an installed package's tests is suppressed, with a reason.
        let (found, dropped) = scan_file(
            "app/node_modules/jws/test/private.pem",
            BodyClass::KeyLike,
            key.as_bytes(),
            &[],
        );
        assert!(found.is_empty());
        assert_eq!(dropped.len(), 1);
    }

    #[test]
    fn env_files_urls_and_known_values() {
        let env = "DATABASE_URL=postgres://admin:Sup3rS3cret@db:5432/prod\n";
        let d = scan("app/.env", BodyClass::KeyLike, env, &[]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule.code, "BSI113");
        let placeholder = "DATABASE_URL=postgres://admin:${DB_PASSWORD}@db/prod\nDB_PASSWORD=\n";
        assert!(scan("app/.env", BodyClass::KeyLike, placeholder, &[]).is_empty());
        let known = [crate::KnownValue {
            origin: "build argument DB_PASSWORD".into(),
            value: "hunter2".into(),
        }];
        let d = scan(
            "etc/app.conf",
            BodyClass::Config,
            "password=hunter2\n",
            &known,
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(scan(
            "etc/app.conf",
            BodyClass::Config,
            "# nothing\nuser=bob\n",
            &known
        )
        .is_empty());
    }

    #[test]
    fn credential_files() {
        let aws = "[default]\naws_access_key_id = AKIAZQ3DRSTUVWXYZ234\naws_secret_access_key = abcdEFGHijklMNOPqrstUVWXyz0123456789/+ab\n";
        let d = scan("root/.aws/credentials", BodyClass::KeyLike, aws, &[]);
        assert!(d.iter().any(|d| d.rule.code == "BSI111"), "{d:?}");
        let netrc = "machine github.com login bob password s3cr3tValue9\n";
        let d = scan("root/.netrc", BodyClass::KeyLike, netrc, &[]);
        assert!(d.iter().any(|d| d.rule.code == "BSI111"), "{d:?}");
        let empty = r#"{"auths":{}}"#;
        assert!(scan("root/.docker/config.json", BodyClass::KeyLike, empty, &[]).is_empty());
    }
}
