//! Judging a value: redaction, entropy, placeholders and well-known example keys.

/// Masks a secret for display. Never shows more than 4 characters:
/// - up to 8 characters: `****` only (a short secret is guessable from a prefix);
/// - 9 to 15 characters: the first 2, then `****`;
/// - 16 or more: the first 4, then `****` (enough to tell `ghp_` from `AKIA`).
///
/// The length is never revealed beyond these three bands.
pub fn redact(secret: &str) -> String {
    let n = secret.chars().count();
    let keep = match n {
        0..=8 => 0,
        9..=15 => 2,
        _ => 4,
    };
    let mut out: String = secret.chars().take(keep).collect();
    out.push_str("****");
    out
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts: Vec<(char, u32)> = Vec::new();
    let mut total = 0u32;
    for c in s.chars() {
        total += 1;
        match counts.iter_mut().find(|(k, _)| *k == c) {
            Some((_, n)) => *n += 1,
            None => counts.push((c, 1)),
        }
    }
    if total == 0 {
        return 0.0;
    }
    let t = f64::from(total);
    counts
        .iter()
        .map(|&(_, n)| {
            let p = f64::from(n) / t;
            -p * p.log2()
        })
        .sum()
}

/// Values that stand for a secret rather than being one. Compared case-insensitively
/// after trimming quotes.
const PLACEHOLDERS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "secrets",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "key",
    "credentials",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "required",
    "optional",
    "string",
    "str",
    "text",
    "int",
    "integer",
    "bool",
    "boolean",
    "number",
    "any",
    "object",
    "value",
    "example",
    "sample",
    "dummy",
    "placeholder",
    "redacted",
    "hidden",
    "masked",
    "todo",
    "fixme",
    "tbd",
    "replaceme",
    "replace_me",
    "replace-me",
    "setme",
    "set_me",
    "default",
    "env",
    "environment",
    "random",
    "generated",
    "auto",
    "empty",
    "blank",
    "self",
    "this",
    "secretkeyref",
    "valuefrom",
    "mypassword",
    "yourpassword",
    "your_password",
    "your-password",
    "your_token",
    "your-token",
    "yourtoken",
    "your_api_key",
    "your-api-key",
    "youraccesskey",
    "your_secret",
    "your-secret",
    "foo",
    "bar",
    "baz",
    "foobar",
    "test",
    "testing",
    "notsecret",
    "not-a-secret",
    "not_a_secret",
    "fake",
    "xxx",
    "na",
    "n/a",
    "unset",
    "unknown",
    "nothing",
    "ignore",
    "ignored",
    "prompt",
    "stdin",
    "file",
    "files",
    "path",
    "unused",
    "disabled",
    "enabled",
];

/// Prefixes of placeholder values (`your_api_key_here`, `<token>`, `REPLACE_WITH_...`).
const PLACEHOLDER_PREFIXES: &[&str] = &[
    "your_",
    "your-",
    "<",
    "replace",
    "insert",
    "enter_",
    "enter-",
    "put_",
    "put-",
    "fill",
    "changeme_",
    "xxxx",
    "my_",
    "my-",
    "example",
    "sample",
    "dummy",
    "fake",
    "placeholder",
    "redacted",
    "todo",
];

/// True for values that are not a literal secret: empty, variable references
/// (`$VAR`, `${VAR}`, `$(cmd)`, `{{ tpl }}`, `%(name)s`, `#{x}`), markup placeholders
/// (`<password>`), masks (`xxx`, `****`, `...`), booleans and type names, paths
/// (`/run/secrets/x`, `./key.pem`), code expressions (`os.environ[...]`,
/// `self.password`, `getpass()`), and a list of stand-in words (`your_token`,
/// `REPLACE_ME`, `dummy`, ...).
///
/// Weak but real passwords (`changeme`, `hunter2`, `admin`) are **not**
/// placeholders: they ship and they work. Callers report them at low confidence.
pub fn is_placeholder_value(value: &str) -> bool {
    let v = value
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '`')
        .trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDERS.contains(&lower.as_str()) {
        return true;
    }
    if PLACEHOLDER_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    if lower.ends_with("_here") || lower.ends_with("-here") || lower.ends_with(">") {
        return true;
    }
    // references, templates and expressions
    if v.starts_with('$')
        || v.starts_with('%')
        || v.starts_with('@')
            && v.len() > 1
            && v[1..].chars().all(|c| c.is_alphanumeric() || c == '_')
        || (v.contains('{') && v.contains('}'))
        || v.contains("${")
        || v.contains("$(")
        || v.contains("{{")
        || v.contains("}}")
        || v.contains("%(")
        || v.contains("#{")
        || v.contains('(')
        || v.contains(')')
        || v.contains('[')
        || v.contains(']')
        || lower.contains("process.env")
        || lower.contains("environ")
        || lower.contains("getenv")
        || lower.starts_with("env.")
        || lower.starts_with("secrets.")
        || lower.starts_with("vault:")
        || lower.starts_with("arn:")
        || lower.starts_with("secretsmanager:")
        || lower.starts_with("ref+")
    {
        return true;
    }
    // masks: one repeated character, or only mask characters
    let first = v.chars().next().unwrap_or(' ');
    if v.chars().all(|c| c == first) {
        return true;
    }
    if v.chars()
        .all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-' | '#' | '_' | '?' | '0'))
    {
        return true;
    }
    // paths and URLs without credentials
    if v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || lower.starts_with("file:")
        || lower.starts_with("http://") && !v.contains('@')
        || lower.starts_with("https://") && !v.contains('@')
        || (v.len() > 2
            && v.as_bytes().get(1) == Some(&b':')
            && v.as_bytes().get(2) == Some(&b'\\'))
    {
        return true;
    }
    const FILE_EXTS: &[&str] = &[
        ".pem", ".key", ".txt", ".json", ".yaml", ".yml", ".conf", ".cfg", ".ini", ".env", ".p12",
        ".pfx", ".jks", ".crt", ".cer", ".gpg", ".asc", ".toml", ".xml",
    ];
    if FILE_EXTS.iter().any(|e| lower.ends_with(e)) && !lower.contains(' ') {
        return true;
    }
    // `self.password`, `config.token`, `req.body.password`: code, not a value
    if is_dotted_identifier(v) {
        return true;
    }
    // an UPPER_SNAKE reference to another secret variable (`token: GITHUB_TOKEN`)
    if v.len() > 3
        && v.contains('_')
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && crate::names::is_secret_name(v)
    {
        return true;
    }
    false
}

fn is_dotted_identifier(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            let mut cs = p.chars();
            cs.next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        && parts.first().is_some_and(|p| {
            p.chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        })
}

/// Well-known example credentials from vendor documentation: AWS's documented key
/// pair, jwt.io's sample token, Stripe's documented test key, and any value that
/// contains `EXAMPLE` in upper case, as AWS's documentation style does.
///
/// Policy (decided for bosun): an example key found in a Dockerfile `ENV`/`ARG`, the
/// image config or a non-documentation file is **still reported**, at low confidence
/// (someone did put it there, and it trains people to put keys there); inside
/// documentation, test and vendored-example paths ([`crate::is_allowlisted_path`])
/// it is dropped.
pub fn is_allowlisted_example(value: &str) -> bool {
    // Built by concatenation so that repository scanners do not flag this file.
    let known: [String; 5] = [
        ["AKIA", "IOSFODNN7", "EXAMPLE"].concat(),
        ["wJalrXUtnFEMI", "/K7MDENG/", "bPxRfiCY", "EXAMPLEKEY"].concat(),
        ["je7MtGbClwBF", "/2Zp9Utk/h3yCo8nvb", "EXAMPLEKEY"].concat(),
        // jwt.io's sample payload {"sub":"1234567890","name":"John Doe","iat":1516239022}
        [
            "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpv",
            "aG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
        ]
        .concat(),
        ["sk_test_", "4eC39HqLyjWDarjtT1zdp7dc"].concat(),
    ];
    if known.iter().any(|k| value.contains(k.as_str())) {
        return true;
    }
    value.contains("EXAMPLE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_shows_more_than_four_characters() {
        assert_eq!(redact("hunter2"), "****");
        assert_eq!(redact("Sup3rS3cret"), "Su****");
        let tok = ["ghp_", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"].concat();
        assert_eq!(redact(&tok), "ghp_****");
        assert_eq!(redact(""), "****");
        assert_eq!(redact("éééééééééééééééééé"), "éééé****");
    }

    #[test]
    fn entropy_orders_random_above_repetitive() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-9);
        assert!(shannon_entropy("q8Zr2LkP0vXw9TfB") > 3.5);
        assert!(shannon_entropy("changeme") < 3.0);
    }

    #[test]
    fn placeholders_are_recognised() {
        for v in [
            "",
            "${DB_PASSWORD}",
            "$NPM_TOKEN",
            "$(cat /run/secrets/x)",
            "{{ .Values.pw }}",
            "<password>",
            "<your-token>",
            "xxx",
            "XXXXXXXX",
            "****",
            "...",
            "changeme_later",
            "your_api_key_here",
            "REPLACE_ME",
            "true",
            "None",
            "/run/secrets/db",
            "./certs/server.key",
            "os.environ['PW']",
            "process.env.TOKEN",
            "self.password",
            "GITHUB_TOKEN",
            "%(password)s",
            "dummy",
            "'\"\"'",
            "secret.txt",
            "https://example.org/token",
        ] {
            assert!(is_placeholder_value(v), "{v:?} is a placeholder");
        }
    }

    #[test]
    fn real_values_are_not_placeholders() {
        for v in [
            "hunter2",
            "changeme",
            "Sup3rS3cret",
            "admin",
            "nagios",
            "q8Zr2LkP0vXw9TfB",
            "a.b1-c",
        ] {
            assert!(!is_placeholder_value(v), "{v:?} is a real value");
        }
    }

    #[test]
    fn example_keys_are_allowlisted() {
        assert!(is_allowlisted_example(
            &["AKIA", "IOSFODNN7", "EXAMPLE"].concat()
        ));
        assert!(is_allowlisted_example(
            &["wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY"].concat()
        ));
        assert!(!is_allowlisted_example(
            &["AKIA", "Q3RZ7MNB2XK4PL6W"].concat()
        ));
        assert!(!is_allowlisted_example("example"));
    }
}
