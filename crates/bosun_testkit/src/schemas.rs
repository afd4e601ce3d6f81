//! The official document schemas of the corpus (`schemas/`), compiled once per test
//! binary: SARIF 2.1.0, CycloneDX 1.6 (with the SPDX licence and JSF schemas it
//! references) and SPDX 2.3. `None` when the corpus is missing and fixtures are optional
//! (a panic under `BOSUN_REQUIRE_FIXTURES=1`, as for every fixture).

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

fn load(path: &std::path::Path) -> Value {
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `main` of the corpus folder `schemas/{dir}`, with `extra` schemas of the same folder
/// registered under their `$id`.
fn compile(dir: &str, main: &str, extra: &[&str], formats: bool) -> Option<Validator> {
    let root = crate::corpus(&format!("schemas/{dir}"))?;
    let mut schema = load(&root.join(main));
    if dir.starts_with("sarif") {
        // The published schema's `language` patterns are not valid regexes (an
        // unbalanced `]`), which fails meta-validation once formats are checked; bosun
        // never writes `language`, so give them the pattern the specification describes.
        for def in ["run", "toolComponent"] {
            let p = &mut schema["definitions"][def]["properties"]["language"]["pattern"];
            assert!(
                p.is_string(),
                "schema changed: {def}.language has no pattern"
            );
            *p = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
        }
    }
    let mut reg = jsonschema::Registry::new();
    for f in extra {
        let v = load(&root.join(f));
        let id = v["$id"].as_str().expect("$id").to_string();
        reg = reg
            .add(id, jsonschema::Resource::from_contents(v))
            .expect("register schema");
    }
    let reg = reg.prepare().expect("schema registry");
    Some(
        jsonschema::options()
            .should_validate_formats(formats)
            .with_registry(&reg)
            .build(&schema)
            .expect("compile schema"),
    )
}

fn cached(
    cell: &'static OnceLock<Option<Validator>>,
    make: impl FnOnce() -> Option<Validator>,
) -> Option<&'static Validator> {
    cell.get_or_init(make).as_ref()
}

/// SARIF 2.1.0, formats checked.
pub fn sarif() -> Option<&'static Validator> {
    static V: OnceLock<Option<Validator>> = OnceLock::new();
    cached(&V, || {
        compile("sarif-2.1.0", "sarif-schema-2.1.0.json", &[], true)
    })
}

/// CycloneDX 1.6.
pub fn cyclonedx() -> Option<&'static Validator> {
    static V: OnceLock<Option<Validator>> = OnceLock::new();
    cached(&V, || {
        compile(
            "cyclonedx-1.6",
            "bom-1.6.schema.json",
            &["spdx.schema.json", "jsf-0.82.schema.json"],
            false,
        )
    })
}

/// SPDX 2.3.
pub fn spdx() -> Option<&'static Validator> {
    static V: OnceLock<Option<Validator>> = OnceLock::new();
    cached(&V, || compile("spdx-2.3", "spdx-schema.json", &[], false))
}

/// Every validation error of `doc`, with where it is (empty when valid).
pub fn errors(validator: &Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}
