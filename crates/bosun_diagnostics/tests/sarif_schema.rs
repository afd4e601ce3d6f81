//! The SARIF output validates against the OASIS SARIF 2.1.0 schema.

use bosun_diagnostics::render::{self, add_omitted, sarif_document, ToolInfo};
use bosun_diagnostics::*;

static RULE: RuleMeta = RuleMeta {
    code: "DL9999",
    name: "test-rule",
    area: bosun_diagnostics::Area::Lint,
    group: "framework",
    aliases: &["hadolint-alias", "BuildKitName"],
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    summary: "A test rule.",
    docs: "## What it does\n\nTests.\n",
};

fn findings() -> Vec<Finding> {
    let src = "FROM alpine\nRUN apk add curl\n";
    let span = Span::from_offsets(src, 12, 28);
    vec![
        Finding::new(
            &RULE,
            "at a span",
            Location::file("./sub dir/Dockerfile", Some(span)),
        )
        .with_fix(Fix::safe(
            "Add --no-cache",
            vec![Edit::insert(23, " --no-cache")],
        )),
        Finding::new(&RULE, "whole file", Location::file("/abs/Dockerfile", None))
            .with_severity(Severity::Error),
        Finding {
            code: "BSNX01".into(),
            name: "image-thing".into(),
            severity: Severity::Critical,
            message: "in a layer".into(),
            location: Location::Layer {
                image: "app:1".into(),
                layer_index: 2,
                layer_digest: "sha256:00".into(),
                path: "etc/shadow".into(),
                created_by: Some("RUN x".into()),
            },
            fix: None,
            help_url: None,
            redact: vec![],
        },
        Finding::new(
            &RULE,
            "config",
            Location::ImageConfig {
                image: "app:1".into(),
                field: "config.User".into(),
            },
        )
        .with_severity(Severity::Info),
        Finding::new(
            &RULE,
            "package",
            Location::Package {
                purl: "pkg:deb/debian/openssl@3.0.1".into(),
                image: Some("app:1".into()),
                path: None,
            },
        ),
    ]
}

/// The SARIF 2.1.0 schema, compiled (`None` when it is missing and fixtures are optional).
fn validator() -> Option<&'static jsonschema::Validator> {
    bosun_testkit::schemas::sarif()
}

#[test]
fn several_runs_are_valid_and_keep_their_categories() {
    let Some(validator) = validator() else { return };
    let all = findings();
    let (a, b) = all.split_at(2);
    let doc = render::sarif_log(
        &[
            render::SarifRun {
                findings: a,
                rules: &[&RULE],
                category: Some("bosun/lint/"),
            },
            render::SarifRun {
                findings: b,
                rules: &[],
                category: Some("bosun/image/"),
            },
        ],
        &ToolInfo::default(),
    );
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["automationDetails"]["id"], "bosun/lint/");
    assert_eq!(runs[1]["automationDetails"]["id"], "bosun/image/");
    assert_eq!(runs[0]["results"].as_array().unwrap().len(), 2);
    assert_eq!(runs[1]["results"].as_array().unwrap().len(), all.len() - 2);
    // Each run lists the rules of its own results.
    for run in runs {
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for r in run["results"].as_array().unwrap() {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
    }
    // One run without a category is the single-run document.
    assert_eq!(
        sarif_document(&all, &[&RULE], &ToolInfo::default()),
        render::sarif_log(
            &[render::SarifRun {
                findings: &all,
                rules: &[&RULE],
                category: None,
            }],
            &ToolInfo::default()
        )
    );
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let Some(validator) = validator() else { return };
    let doc = sarif_document(&findings(), &[&RULE], &ToolInfo::default());
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // What caps left out, in the run's properties and notifications: still valid.
    let mut capped = doc.clone();
    add_omitted(&mut capped, &[("BSI121 findings".to_string(), 399_000)]);
    let errors: Vec<String> = validator
        .iter_errors(&capped)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &capped["runs"][0];
    assert_eq!(
        run["properties"]["omitted"],
        serde_json::json!([{ "what": "BSI121 findings", "count": 399_000 }])
    );
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
        "399000 more BSI121 findings not shown (cap reached)"
    );

    // The schema is not vacuous here: a broken document is rejected.
    let mut bad = doc.clone();
    bad["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&bad));
}

#[test]
fn sarif_results_point_at_their_rules() {
    let doc = sarif_document(&findings(), &[&RULE], &ToolInfo::default());
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules[0]["id"], "DL9999");
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "warning");
    assert_eq!(rules[0]["properties"]["aliases"][1], "BuildKitName");
    assert_eq!(rules[0]["help"]["markdown"], RULE.docs);
    let results = run["results"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["startColumn"], 1);
    assert_eq!(region["endColumn"], 17);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "sub%20dir/Dockerfile"
    );
    assert_eq!(results[1]["level"], "error");
    assert_eq!(results[2]["level"], "error");
    assert_eq!(
        results[2]["locations"][0]["logicalLocations"][0]["name"],
        "/etc/shadow"
    );
    assert_eq!(results[3]["level"], "note");
    assert_eq!(
        results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        " --no-cache"
    );
}
