//! Rego policies, evaluated by `regorus` over the gate report as `input`.
//!
//! Contract: the policy is in `package bosun`; `data.bosun.deny` is a set (or array) of
//! strings, each one reason to deny. An undefined or empty `deny` passes. Anything else
//! in `deny` (a number, an object) is an error, not a silent pass.

use crate::report::GateReport;
use crate::{PolicyError, Reason};
use regorus::{Engine, Value};

/// The rule every Rego policy defines.
pub const DENY_RULE: &str = "data.bosun.deny";

/// One compiled Rego policy file.
#[derive(Clone)]
pub struct RegoPolicy {
    file: String,
    engine: Engine,
}

impl std::fmt::Debug for RegoPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegoPolicy")
            .field("file", &self.file)
            .finish()
    }
}

/// regorus reports errors as a code frame (`--> file:line:col`, the line, a caret, then
/// `error: message`); this keeps `file:line:col: message` on one line.
fn one_line(file: &str, e: &dyn std::fmt::Display) -> PolicyError {
    let text = e.to_string();
    let at = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("--> "))
        .map(str::to_string);
    let message = text
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("; ")
        });
    PolicyError::Rego {
        location: at.unwrap_or_else(|| file.to_string()),
        message,
    }
}

impl RegoPolicy {
    /// Compiles a Rego policy. `file` names it in errors (`policy.rego:3:5: ...`).
    pub fn parse(file: &str, text: &str) -> Result<RegoPolicy, PolicyError> {
        let mut engine = Engine::new();
        engine.set_strict_builtin_errors(true);
        let package = engine
            .add_policy(file.to_string(), text.to_string())
            .map_err(|e| one_line(file, &e))?;
        if package != "data.bosun" {
            return Err(PolicyError::Rego {
                location: file.to_string(),
                message: format!(
                    "the policy is `package {}`; bosun reads `package bosun` (rule `deny`)",
                    package.trim_start_matches("data.")
                ),
            });
        }
        Ok(RegoPolicy {
            file: file.to_string(),
            engine,
        })
    }

    /// The file name given to [`RegoPolicy::parse`].
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Every reason `data.bosun.deny` gives for `report` (sorted, as Rego sets are).
    pub fn evaluate(&self, report: &GateReport) -> Result<Vec<Reason>, PolicyError> {
        let input = serde_json::to_string(report).map_err(|e| PolicyError::Rego {
            location: self.file.clone(),
            message: format!("cannot serialise the report: {e}"),
        })?;
        let mut engine = self.engine.clone();
        engine
            .set_input_json(&input)
            .map_err(|e| one_line(&self.file, &e))?;
        let value = match engine.eval_rule(DENY_RULE.to_string()) {
            Ok(v) => v,
            // A policy with no `deny` rule at all denies nothing; say so rather than
            // pretend: it is an error, since it cannot be what the author meant.
            Err(e) => return Err(one_line(&self.file, &e)),
        };
        let items: Vec<Value> = match &value {
            Value::Undefined | Value::Null => Vec::new(),
            Value::Set(s) => s.iter().cloned().collect(),
            Value::Array(a) => a.iter().cloned().collect(),
            other => {
                return Err(PolicyError::Rego {
                    location: self.file.clone(),
                    message: format!("`deny` must be a set of strings, not {other}"),
                })
            }
        };
        let key = format!("rego {}", self.file);
        items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(Reason::new(key.clone(), s.to_string())),
                other => Err(PolicyError::Rego {
                    location: self.file.clone(),
                    message: format!("`deny` must hold strings, found {other}"),
                }),
            })
            .collect()
    }
}
