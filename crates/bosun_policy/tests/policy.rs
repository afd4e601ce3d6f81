//! Every TOML key and a Rego policy, each with a passing and a failing report; bad
//! policy files give one line naming the file and line.

use bosun_diagnostics::{Finding, Location, Severity};
use bosun_policy::{
    decide, GateReport, ImageFacts, Policy, PolicyError, RegoPolicy, Signature, Source, Target,
    VulnStatus, Vulnerability,
};
use bosun_sbom::{Package, PackageType};

/// A report that passes the full example policy: non-root, no secrets, on the allowed
/// registry, labelled, no banned package, one fixed medium and one unfixed high
/// vulnerability, signed by the required key.
fn good() -> GateReport {
    let mut r = GateReport::new(
        Target {
            reference: "docker://registry.example.com/app:1".into(),
            digest: Some("sha256:aaaa".into()),
            registry: Some("registry.example.com".into()),
        },
        ImageFacts {
            user: Some("10001".into()),
            labels: [(
                "org.opencontainers.image.source".to_string(),
                "https://example.com/app".to_string(),
            )]
            .into(),
        },
    );
    let mut p = Package::new(PackageType::Deb, "bash", "5.2.15-2", "dpkg");
    p.purl = "pkg:deb/debian/bash@5.2.15-2".into();
    r.packages = Some(vec![p]);
    r.vulnerabilities = Some(vec![
        Vulnerability {
            id: "CVE-2023-0001".into(),
            aliases: vec![],
            purl: "pkg:pypi/urllib3@1.26.4".into(),
            severity: Severity::Warning,
            fixed_version: Some("1.26.5".into()),
            status: VulnStatus::Fixed,
        },
        Vulnerability {
            id: "CVE-2023-0002".into(),
            aliases: vec![],
            purl: "pkg:deb/debian/bash@5.2.15-2".into(),
            severity: Severity::Error,
            fixed_version: None,
            status: VulnStatus::NotFixed,
        },
    ]);
    r.signatures = Some(vec![Signature {
        key: "keys/release.pub".into(),
        fingerprint: Some("sha256:bbbb".into()),
    }]);
    r
}

fn policy(toml: &str) -> Policy {
    Policy::parse("policy.toml", toml).expect("policy parses")
}

fn reasons(p: &Policy, r: &GateReport) -> Vec<String> {
    p.evaluate(r)
        .expect("evaluates")
        .iter()
        .map(ToString::to_string)
        .collect()
}

const FULL: &str = r#"
[signatures]
required_keys = ["keys/release.pub"]
[vulnerabilities]
fail_on = "high"
ignore_unfixed = true
[image]
require_non_root = true
deny_secrets = true
allowed_registries = ["registry.example.com"]
required_labels = ["org.opencontainers.image.source"]
banned_packages = ["telnetd"]
"#;

#[test]
fn full_policy_passes_a_good_report() {
    let v = decide(&[policy(FULL)], &[], &good()).unwrap();
    assert!(v.pass, "{:?}", v.reasons);
    assert!(v.reasons.is_empty());
}

#[test]
fn signatures_required_keys() {
    let p = policy("[signatures]\nrequired_keys = [\"keys/release.pub\"]\n");
    assert!(reasons(&p, &good()).is_empty());
    let p2 = policy("[signatures]\nrequired_keys = [\"keys/release.pub\", \"keys/qa.pub\"]\n");
    assert_eq!(
        reasons(&p2, &good()),
        ["signatures.required_keys: no valid signature by keys/qa.pub over sha256:aaaa"]
    );
    let mut r = good();
    r.signatures = Some(vec![]);
    assert_eq!(
        reasons(&p, &r),
        ["signatures.required_keys: no valid signature by keys/release.pub over sha256:aaaa"]
    );
}

#[test]
fn vulnerabilities_fail_on() {
    let p = policy("[vulnerabilities]\nfail_on = \"critical\"\n");
    assert!(reasons(&p, &good()).is_empty());
    let p = policy("[vulnerabilities]\nfail_on = \"high\"\n");
    assert_eq!(
        reasons(&p, &good()),
        ["vulnerabilities.fail_on = high: CVE-2023-0002 (high) in pkg:deb/debian/bash@5.2.15-2, no fix"]
    );
    let p = policy("[vulnerabilities]\nfail_on = \"medium\"\n");
    assert_eq!(
        reasons(&p, &good()),
        [
            "vulnerabilities.fail_on = medium: CVE-2023-0001 (medium) in pkg:pypi/urllib3@1.26.4, fixed in 1.26.5",
            "vulnerabilities.fail_on = medium: CVE-2023-0002 (high) in pkg:deb/debian/bash@5.2.15-2, no fix",
        ]
    );
}

#[test]
fn vulnerabilities_ignore_unfixed() {
    let p = policy("[vulnerabilities]\nfail_on = \"high\"\nignore_unfixed = true\n");
    assert!(reasons(&p, &good()).is_empty());
    let mut r = good();
    if let Some(v) = r.vulnerabilities.as_mut() {
        v[1].fixed_version = Some("5.2.15-3".into());
        v[1].status = VulnStatus::Fixed;
    }
    assert_eq!(
        reasons(&p, &r),
        ["vulnerabilities.fail_on = high: CVE-2023-0002 (high) in pkg:deb/debian/bash@5.2.15-2, fixed in 5.2.15-3"]
    );
}

#[test]
fn image_require_non_root_follows_the_seeds_rule() {
    let p = policy("[image]\nrequire_non_root = true\n");
    for ok in ["10001", "app", "app:app", "1000:0", "010"] {
        let mut r = good();
        r.image.user = Some(ok.into());
        assert!(reasons(&p, &r).is_empty(), "{ok}");
    }
    for (user, what) in [
        (None, "config User is empty"),
        (Some(""), "config User is empty"),
        (Some("0"), "config User is `0`"),
        (Some("root"), "config User is `root`"),
        (Some("0:0"), "config User is `0:0`"),
        (Some("00"), "config User is `00`"),
        (Some("root:app"), "config User is `root:app`"),
    ] {
        let mut r = good();
        r.image.user = user.map(str::to_string);
        assert_eq!(
            reasons(&p, &r),
            [format!(
                "image.require_non_root = true: the image runs as root ({what})"
            )],
            "{user:?}"
        );
    }
    // Off: root passes.
    let off = policy("[image]\nrequire_non_root = false\n");
    let mut r = good();
    r.image.user = None;
    assert!(reasons(&off, &r).is_empty());
}

fn finding(code: &str, name: &str, field: &str) -> Finding {
    Finding {
        code: code.into(),
        name: name.into(),
        severity: Severity::Error,
        message: format!("{field} holds a secret (AKIA****)"),
        location: Location::ImageConfig {
            image: "app".into(),
            field: field.into(),
        },
        fix: None,
        help_url: None,
        redact: vec![],
    }
}

#[test]
fn image_deny_secrets() {
    let p = policy("[image]\ndeny_secrets = true\n");
    let mut r = good();
    // Non-secret findings do not deny.
    r.findings
        .push(finding("BSI100", "image-runs-as-root", "config.User"));
    r.findings
        .push(finding("DL3008", "apt-get-install-unpinned", "x"));
    assert!(reasons(&p, &r).is_empty());
    r.findings
        .push(finding("BSI101", "secret-in-image-config", "config.Env[1]"));
    r.findings.push(Finding {
        location: Location::file("Dockerfile", None),
        ..finding("BSN3001", "secret-in-arg-or-env", "ENV")
    });
    assert_eq!(
        reasons(&p, &r),
        [
            "image.deny_secrets = true: BSI101 secret-in-image-config at app config.Env[1]: config.Env[1] holds a secret (AKIA****)",
            "image.deny_secrets = true: BSN3001 secret-in-arg-or-env at Dockerfile: ENV holds a secret (AKIA****)",
        ]
    );
}

#[test]
fn image_allowed_registries() {
    let p = policy("[image]\nallowed_registries = [\"Registry.Example.com\"]\n");
    assert!(reasons(&p, &good()).is_empty());
    let mut r = good();
    r.target.registry = Some("docker.io".into());
    r.target.reference = "docker://alpine".into();
    assert_eq!(
        reasons(&p, &r),
        ["image.allowed_registries: docker://alpine is from registry docker.io, not one of [registry.example.com]"]
    );
    // Docker Hub's aliases are docker.io.
    let hub = policy("[image]\nallowed_registries = [\"index.docker.io\"]\n");
    assert!(reasons(&hub, &r).is_empty());
    r.target.registry = None;
    r.target.reference = "oci:dir".into();
    assert_eq!(
        reasons(&p, &r),
        ["image.allowed_registries: oci:dir names no registry (an unnamed archive or layout)"]
    );
}

#[test]
fn image_required_labels() {
    let p = policy("[image]\nrequired_labels = [\"org.opencontainers.image.source\"]\n");
    assert!(reasons(&p, &good()).is_empty());
    let p2 = policy(
        "[image]\nrequired_labels = [\"org.opencontainers.image.source\", \"org.opencontainers.image.revision\"]\n",
    );
    let mut r = good();
    r.image
        .labels
        .insert("org.opencontainers.image.source".into(), " ".into());
    assert_eq!(
        reasons(&p2, &r),
        [
            "image.required_labels: label org.opencontainers.image.source is empty",
            "image.required_labels: label org.opencontainers.image.revision is missing",
        ]
    );
}

#[test]
fn image_banned_packages_case_insensitive() {
    let p = policy("[image]\nbanned_packages = [\"TelnetD\"]\n");
    assert!(reasons(&p, &good()).is_empty());
    let mut r = good();
    let mut t = Package::new(PackageType::Deb, "telnetd", "0.17-44", "dpkg");
    t.purl = "pkg:deb/debian/telnetd@0.17-44".into();
    t.locations.push(bosun_sbom::Location {
        path: "/var/lib/dpkg/status".into(),
        layer_digest: None,
        layer_index: Some(1),
    });
    r.packages.as_mut().unwrap().push(t);
    assert_eq!(
        reasons(&p, &r),
        ["image.banned_packages: pkg:deb/debian/telnetd@0.17-44 is installed at /var/lib/dpkg/status"]
    );
}

#[test]
fn a_missing_source_is_an_error_never_a_pass() {
    let mut r = good();
    r.packages = None;
    r.vulnerabilities = None;
    r.signatures = None;
    let cases = [
        (
            "[image]\nbanned_packages = [\"telnetd\"]\n",
            Source::Packages,
            "image.banned_packages needs a package list (SBOM), which this gate run did not produce",
        ),
        (
            "[vulnerabilities]\nfail_on = \"low\"\n",
            Source::Vulnerabilities,
            "vulnerabilities.fail_on needs a vulnerability database, which this gate run did not produce",
        ),
        (
            "[signatures]\nrequired_keys = [\"k.pub\"]\n",
            Source::Signatures,
            "signatures.required_keys needs signature verification, which this gate run did not produce",
        ),
    ];
    for (toml, source, msg) in cases {
        let p = policy(toml);
        assert_eq!(p.needs(), [source]);
        let e = p.evaluate(&r).unwrap_err();
        assert_eq!(e.to_string(), msg);
    }
    // The image keys that need only the config and findings never need a source.
    assert!(policy(FULL.split("[image]").next().unwrap_or(""))
        .needs()
        .contains(&Source::Signatures));
    assert!(
        policy("[image]\nrequire_non_root = true\ndeny_secrets = true\n")
            .needs()
            .is_empty()
    );
}

#[test]
fn bad_toml_files_give_one_line_with_the_line() {
    let typo = Policy::parse(
        "gate.toml",
        "[image]\nrequire_non_root = true\ndeny_secret = true\n",
    )
    .unwrap_err();
    let s = typo.to_string();
    assert!(
        s.starts_with("gate.toml:3:1: unknown field `deny_secret`"),
        "{s}"
    );
    assert!(!s.contains('\n'), "{s}");

    let table = Policy::parse("gate.toml", "[images]\nrequire_non_root = true\n").unwrap_err();
    assert!(
        table
            .to_string()
            .starts_with("gate.toml:1:2: unknown field `images`"),
        "{table}"
    );

    let syntax = Policy::parse("gate.toml", "[image]\nrequire_non_root = \n").unwrap_err();
    let s = syntax.to_string();
    assert!(s.starts_with("gate.toml:2:"), "{s}");
    assert!(!s.contains('\n'), "{s}");

    let sev = Policy::parse("gate.toml", "[vulnerabilities]\nfail_on = \"hihg\"\n").unwrap_err();
    let s = sev.to_string();
    assert!(
        s.starts_with("gate.toml:2:11: unknown severity `hihg`"),
        "{s}"
    );

    let ty = Policy::parse("gate.toml", "[image]\ndeny_secrets = \"yes\"\n").unwrap_err();
    assert!(ty.to_string().starts_with("gate.toml:2:16: "), "{ty}");
    assert!(matches!(ty, PolicyError::Toml { line: 2, .. }));
}

const REGO: &str = r#"package bosun

import rego.v1

deny contains msg if {
    not input.image.labels["org.opencontainers.image.licenses"]
    msg := "the image declares no licence (org.opencontainers.image.licenses)"
}

deny contains msg if {
    some v in input.vulnerabilities
    v.severity == "critical"
    msg := sprintf("%s is critical", [v.id])
}
"#;

#[test]
fn rego_policy_passes_and_fails() {
    let rego = RegoPolicy::parse("policy.rego", REGO).unwrap();
    let mut r = good();
    r.image.labels.insert(
        "org.opencontainers.image.licenses".into(),
        "Apache-2.0".into(),
    );
    let v = decide(&[], std::slice::from_ref(&rego), &r).unwrap();
    assert!(v.pass, "{:?}", v.reasons);

    let mut bad = good();
    if let Some(v) = bad.vulnerabilities.as_mut() {
        v[1].severity = Severity::Critical;
    }
    let v = decide(&[policy(FULL)], &[rego], &bad).unwrap();
    assert!(!v.pass);
    let got: Vec<String> = v.reasons.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "rego policy.rego: CVE-2023-0002 is critical",
            "rego policy.rego: the image declares no licence (org.opencontainers.image.licenses)",
        ]
    );
}

#[test]
fn rego_sees_the_documented_report_json() {
    // One rule per top-level field of the schema, so a rename breaks this test.
    let src = r#"package bosun
import rego.v1
deny contains sprintf("target %s %s %s", [input.target.reference, input.target.digest, input.target.registry]) if input.schema_version == 1
deny contains sprintf("user %s", [input.image.user]) if true
deny contains sprintf("package %s %s", [p.name, p.type]) if { some p in input.packages }
deny contains sprintf("vuln %s %s %s", [v.id, v.severity, v.status]) if { some v in input.vulnerabilities; v.fixed_version == null }
deny contains sprintf("sig %s", [s.key]) if { some s in input.signatures }
"#;
    let rego = RegoPolicy::parse("schema.rego", src).unwrap();
    let got: Vec<String> = rego
        .evaluate(&good())
        .unwrap()
        .into_iter()
        .map(|r| r.message)
        .collect();
    assert_eq!(
        got,
        [
            "package bash deb",
            "sig keys/release.pub",
            "target docker://registry.example.com/app:1 sha256:aaaa registry.example.com",
            "user 10001",
            "vuln CVE-2023-0002 error not-fixed",
        ]
    );
}

#[test]
fn bad_rego_gives_one_line_with_file_and_line() {
    let e = RegoPolicy::parse(
        "policy.rego",
        "package bosun\n\ndeny contains msg if {\n  msg := \n}\n",
    )
    .unwrap_err();
    let s = e.to_string();
    assert!(s.starts_with("policy.rego:"), "{s}");
    assert!(!s.contains('\n'), "{s}");
    let PolicyError::Rego { location, .. } = &e else {
        panic!("{e:?}")
    };
    let line: usize = location.split(':').nth(1).unwrap().parse().unwrap();
    assert!((4..=5).contains(&line), "{s}");

    let pkg = RegoPolicy::parse(
        "other.rego",
        "package other\nimport rego.v1\ndeny contains \"x\" if true\n",
    )
    .unwrap_err();
    assert_eq!(
        pkg.to_string(),
        "other.rego: the policy is `package other`; bosun reads `package bosun` (rule `deny`)"
    );

    let not_strings = RegoPolicy::parse(
        "n.rego",
        "package bosun\nimport rego.v1\ndeny contains 3 if true\n",
    )
    .unwrap();
    assert_eq!(
        not_strings.evaluate(&good()).unwrap_err().to_string(),
        "n.rego: `deny` must hold strings, found 3"
    );
}
