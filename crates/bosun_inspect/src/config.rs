//! Checks of the image config and history (no layer needed).

use crate::content::{is_placeholder, scan_value, secret_name};
use crate::history::{parse_created_by, shell_words};
use crate::rules;
use crate::{ImageMeta, KnownValue};
use bosun_diagnostics::{Finding, Location, RuleMeta};
use bosun_secrets::{check_assignment, SecretMatch, NAMED_VALUE_RULE_ID};
use std::collections::HashSet;

pub(crate) fn check(meta: &ImageMeta) -> (Vec<Finding>, Vec<KnownValue>) {
    let mut c = Checker {
        meta,
        findings: Vec::new(),
        known: Vec::new(),
    };
    c.user();
    c.config_secrets();
    c.history_secrets();
    c.runtime_settings();
    (c.findings, c.known)
}

struct Checker<'a> {
    meta: &'a ImageMeta,
    findings: Vec<Finding>,
    known: Vec<KnownValue>,
}

/// Whether a config `User` means root: unset or empty (the runtime's default uid 0),
/// or what [`bosun_dockerfile::model::is_root_user`] says (runc's reading).
pub fn is_root_user(user: Option<&str>) -> bool {
    bosun_dockerfile::model::is_root_user(user.unwrap_or(""))
}

fn describe(what: &str, name: &str, m: &SecretMatch) -> String {
    let example = if m.example {
        "; a documented example value, but the variable is meant for a real one"
    } else {
        ""
    };
    if m.rule_id == NAMED_VALUE_RULE_ID {
        format!(
            "{what} `{name}` has a literal value ({}){example}",
            m.redacted
        )
    } else {
        format!(
            "{what} `{name}` holds a {} ({}){example}",
            m.description, m.redacted
        )
    }
}

impl Checker<'_> {
    fn loc(&self, field: impl Into<String>) -> Location {
        Location::ImageConfig {
            image: self.meta.name.clone(),
            field: field.into(),
        }
    }

    fn user(&mut self) {
        let user = self.meta.user.as_deref();
        if is_root_user(user) {
            let msg = match user.map(str::trim) {
                None | Some("") => "The image sets no user, so containers run as root".to_string(),
                Some(u) => format!("The image's user `{u}` is root"),
            };
            self.findings.push(Finding::new(
                &rules::ROOT_USER,
                msg,
                self.loc("config.User"),
            ));
        }
    }

    fn remember(&mut self, origin: String, value: &str) {
        if value.chars().count() >= 4
            && !is_placeholder(value)
            && !self.known.iter().any(|k| k.value == value)
        {
            self.known.push(KnownValue {
                origin,
                value: value.to_string(),
            });
        }
    }

    /// Reports `name=value` when `bosun_secrets` judges it a secret, and remembers the
    /// value. False when it is not one.
    fn assignment(
        &mut self,
        rule: &'static RuleMeta,
        what: &str,
        name: &str,
        value: &str,
        field: &str,
    ) -> bool {
        let matches = check_assignment(name, value);
        if matches.is_empty() {
            return false;
        }
        if secret_name(name) {
            self.remember(
                format!("{} {name}", what.to_ascii_lowercase()),
                value.trim(),
            );
        }
        for m in matches {
            let msg = describe(what, name, &m);
            self.findings
                .push(Finding::new(rule, msg, self.loc(field)).with_severity(m.severity));
        }
        true
    }

    fn scan_values(&mut self, rule: &'static RuleMeta, what: &str, value: &str, field: &str) {
        for m in scan_value(value) {
            if m.example {
                continue;
            }
            let msg = format!("{what} holds a {} ({})", m.description, m.redacted);
            self.findings
                .push(Finding::new(rule, msg, self.loc(field)).with_severity(m.severity));
        }
    }

    fn config_secrets(&mut self) {
        let meta = self.meta;
        for (i, kv) in meta.env.iter().enumerate() {
            let (name, value) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
            let field = format!("config.Env[{i}]");
            if !self.assignment(
                &rules::SECRET_IN_CONFIG,
                "Environment variable",
                name,
                value,
                &field,
            ) {
                self.scan_values(
                    &rules::SECRET_IN_CONFIG,
                    &format!("Environment variable `{name}`"),
                    value,
                    &field,
                );
            }
        }
        for (name, value) in &meta.labels {
            let field = format!("config.Labels[{name:?}]");
            if !self.assignment(&rules::SECRET_IN_CONFIG, "Label", name, value, &field) {
                self.scan_values(
                    &rules::SECRET_IN_CONFIG,
                    &format!("Label `{name}`"),
                    value,
                    &field,
                );
            }
        }
        for (field_name, args) in [("Entrypoint", &meta.entrypoint), ("Cmd", &meta.cmd)] {
            let mut prev_flag: Option<String> = None;
            for (i, arg) in args.iter().enumerate() {
                let field = format!("config.{field_name}[{i}]");
                // `--password=x`, or `--password x` (the flag in the previous argument).
                let flag_value = arg
                    .strip_prefix('-')
                    .and_then(|a| a.trim_start_matches('-').split_once('='))
                    .map(|(k, v)| (k.replace('-', "_"), v.to_string()))
                    .or_else(|| prev_flag.take().map(|k| (k, arg.clone())));
                prev_flag = arg
                    .strip_prefix('-')
                    .filter(|a| !a.contains('='))
                    .map(|a| a.trim_start_matches('-').replace('-', "_"));
                let named = match flag_value {
                    Some((k, v)) => self.assignment(
                        &rules::SECRET_IN_CONFIG,
                        &format!("{field_name} option"),
                        &k,
                        &v,
                        &field,
                    ),
                    None => false,
                };
                if !named {
                    self.scan_values(
                        &rules::SECRET_IN_CONFIG,
                        &format!("{field_name} argument"),
                        arg,
                        &field,
                    );
                }
            }
        }
    }

    fn history_secrets(&mut self) {
        let meta = self.meta;
        let env: HashSet<&str> = meta.env.iter().map(String::as_str).collect();
        let mut reported: HashSet<(String, String)> = HashSet::new();
        for (i, h) in meta.history.iter().enumerate() {
            let Some(created_by) = h.created_by.as_deref() else {
                continue;
            };
            let field = format!("history[{i}].created_by");
            let parsed = parse_created_by(created_by);
            let kind = match parsed.instruction.as_deref() {
                Some("ENV") => "ENV",
                Some("LABEL") => "LABEL",
                _ => "ARG",
            };
            let pairs: Vec<(&str, &(String, String))> = parsed
                .build_args
                .iter()
                .map(|p| ("Build argument", p))
                .chain(parsed.assignments.iter().map(|p| (kind, p)))
                .collect();
            let mut named = false;
            for (what, (name, value)) in pairs {
                let matches = check_assignment(name, value);
                if matches.is_empty() {
                    continue;
                }
                named = true;
                if secret_name(name) {
                    let origin = if what == "ENV" {
                        format!("environment variable {name}")
                    } else {
                        format!("build argument {name}")
                    };
                    self.remember(origin, value.trim());
                }
                // The same ENV is already reported on the config; each value once.
                let in_env = env.contains(format!("{name}={value}").as_str());
                if (what == "ENV" && in_env)
                    || (what == "LABEL" && meta.labels.get(name) == Some(value))
                {
                    continue;
                }
                if !reported.insert((name.clone(), value.clone())) {
                    continue;
                }
                for m in matches {
                    let msg = format!(
                        "{} in the history, readable by anyone who pulls the image",
                        describe(what, name, &m)
                    );
                    self.findings.push(
                        Finding::new(&rules::SECRET_IN_HISTORY, msg, self.loc(&field))
                            .with_severity(m.severity),
                    );
                }
            }
            if !named {
                // Tokens in known formats typed into a RUN line.
                let words = shell_words(created_by).join(" ");
                for m in scan_value(&words) {
                    if m.example || !reported.insert((m.rule_id.to_string(), m.redacted.clone())) {
                        continue;
                    }
                    let msg = format!("The history records a {} ({})", m.description, m.redacted);
                    self.findings.push(
                        Finding::new(&rules::SECRET_IN_HISTORY, msg, self.loc(&field))
                            .with_severity(m.severity),
                    );
                }
            }
        }
    }

    fn runtime_settings(&mut self) {
        let meta = self.meta;
        let healthy = meta.healthcheck.as_ref().is_some_and(|t| {
            !t.is_empty() && !t.first().is_some_and(|f| f.eq_ignore_ascii_case("NONE"))
        });
        if !healthy {
            let msg = if meta.healthcheck.is_some() {
                "The image disables its HEALTHCHECK (`HEALTHCHECK NONE`)"
            } else {
                "The image defines no HEALTHCHECK"
            };
            self.findings.push(Finding::new(
                &rules::NO_HEALTHCHECK,
                msg,
                self.loc("config.Healthcheck"),
            ));
        }
        let wanted = [
            "org.opencontainers.image.source",
            "org.opencontainers.image.revision",
            "org.opencontainers.image.version",
            "org.opencontainers.image.created",
        ];
        let missing: Vec<String> = wanted
            .iter()
            .filter(|l| !meta.labels.contains_key(**l))
            .map(|l| format!("`{l}`"))
            .collect();
        if !missing.is_empty() {
            let msg = format!("The image lacks the OCI labels {}", missing.join(", "));
            self.findings.push(Finding::new(
                &rules::MISSING_OCI_LABELS,
                msg,
                self.loc("config.Labels"),
            ));
        }
        for p in &meta.exposed_ports {
            let (port, proto) = p.split_once('/').unwrap_or((p.as_str(), "tcp"));
            if port.trim() == "22" && proto.eq_ignore_ascii_case("tcp") {
                self.findings.push(Finding::new(
                    &rules::SSH_PORT_EXPOSED,
                    "The image exposes port 22 (ssh)",
                    self.loc(format!("config.ExposedPorts[{p:?}]")),
                ));
            }
        }
        for v in &meta.volumes {
            let norm = format!("/{}", v.trim().trim_matches('/'));
            if matches!(
                norm.as_str(),
                "/sys" | "/dev" | "/proc" | "/var/run/docker.sock" | "/run/docker.sock"
            ) {
                self.findings.push(Finding::new(
                    &rules::SENSITIVE_VOLUME,
                    format!("The image declares `{v}` as a volume"),
                    self.loc(format!("config.Volumes[{v:?}]")),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HistoryEntry;

    fn codes(meta: &ImageMeta) -> Vec<String> {
        check(meta).0.into_iter().map(|f| f.code).collect()
    }

    fn good() -> ImageMeta {
        ImageMeta {
            name: "img".into(),
            user: Some("10001".into()),
            env: vec!["PATH=/usr/bin".into(), "GPG_KEY=ABCDEF0123456789".into()],
            healthcheck: Some(vec!["CMD".into(), "true".into()]),
            labels: [
                "org.opencontainers.image.source",
                "org.opencontainers.image.revision",
                "org.opencontainers.image.version",
                "org.opencontainers.image.created",
            ]
            .iter()
            .map(|l| (l.to_string(), "x".to_string()))
            .collect(),
            exposed_ports: vec!["8080/tcp".into()],
            volumes: vec!["/data".into()],
            history: vec![HistoryEntry {
                created_by: Some("RUN |1 MODE=fast /bin/sh -c make # buildkit".into()),
                empty_layer: false,
            }],
            ..ImageMeta::default()
        }
    }

    #[test]
    fn good_config_is_clean() {
        assert!(codes(&good()).is_empty(), "{:?}", check(&good()).0);
    }

    #[test]
    fn root_user_forms() {
        for u in [
            None,
            Some(""),
            Some("root"),
            Some("0"),
            Some("0:0"),
            Some("root:root"),
            Some("0:root"),
            Some("00"),
        ] {
            assert!(is_root_user(u), "{u:?}");
        }
        for u in ["10001", "app", "65532:65532", "node", "0app"] {
            assert!(!is_root_user(Some(u)), "{u}");
        }
        let mut m = good();
        m.user = Some("0:0".into());
        assert_eq!(codes(&m), ["BSI100"]);
    }

    #[test]
    fn env_and_history_secrets() {
        let mut m = good();
        m.env
            .push("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into());
        m.history = vec![
            HistoryEntry {
                created_by: Some("/bin/sh -c #(nop) ARG DB_PASSWORD=hunter2".into()),
                empty_layer: true,
            },
            HistoryEntry {
                created_by: Some(
                    "/bin/sh -c #(nop) ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
                ),
                empty_layer: true,
            },
            HistoryEntry {
                created_by: Some(
                    "|1 DB_PASSWORD=hunter2 /bin/sh -c echo \"password=$DB_PASSWORD\" > /etc/app.conf".into(),
                ),
                empty_layer: false,
            },
        ];
        let (f, known) = check(&m);
        let got: Vec<(String, String)> = f
            .iter()
            .map(|f| (f.code.clone(), f.location.short()))
            .collect();
        let want = [
            ("BSI101", "img config.Env[2]"),
            ("BSI102", "img history[0].created_by"),
        ];
        assert_eq!(
            got,
            want.map(|(a, b)| (a.to_string(), b.to_string())),
            "{f:#?}"
        );
        // The value is never printed.
        assert!(f
            .iter()
            .all(|f| !f.message.contains("hunter2") && !f.message.contains("XUtnFEMI")));
        assert!(known.iter().any(|k| k.value == "hunter2"));
    }

    #[test]
    fn tokens_in_cmd_and_labels() {
        let mut m = good();
        m.cmd = vec!["app".into(), "--api-key".into(), "q8Zr1TnX0pLw5Rt".into()];
        m.labels.insert(
            "ci.note".into(),
            format!("glpat-{}", "Abcdefghij0123456789"),
        );
        let c = codes(&m);
        assert_eq!(c, ["BSI101", "BSI101"], "{:?}", check(&m).0);
    }

    #[test]
    fn runtime_settings() {
        let mut m = good();
        m.healthcheck = Some(vec!["NONE".into()]);
        m.exposed_ports.push("22/tcp".into());
        m.volumes.push("/sys".into());
        m.labels.clear();
        assert_eq!(codes(&m), ["BSI150", "BSI151", "BSI152", "BSI153"]);
    }
}
