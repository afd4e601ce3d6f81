//! Is a variable (or config key) name one that holds a secret?
//!
//! A name is split into words at `_`, `-`, `.`, spaces and camelCase boundaries
//! (`dbPassword` → `db password`, `APIKey` → `api key`) and judged word by word, never
//! by substring: `KEYCLOAK_URL`, `PASSTHROUGH`, `SECRETFILE` and `TOKENIZER` hold no
//! secret word at all.
//!
//! Decisions (each covered by a test):
//! - **Anchors** that make a name secret-like: `password`, `passwd`, `pword`,
//!   `passphrase`, `secret(s)`, `token(s)`, `apikey`, `credential(s)`, `creds`, `psw`,
//!   two-word forms such as `api key`, `access key`, `private key`, `connection string`.
//! - `pass` and `pwd` count only as the last word (`DB_PASS`, `MYSQL_PWD`), and a name
//!   that is exactly `PWD`/`OLDPWD` is the shell's working directory, not a password.
//! - `key` counts unless it is qualified as a non-secret key: `GPG_KEY`, `PGP_KEY`,
//!   `PUBLIC_KEY`, `PUB_KEY`, `CACHE_KEY`, `SORT_KEY`, ... (`GPG_KEY` is a key
//!   fingerprint in dozens of official images). A bare `KEY` is too vague to report.
//! - `auth` counts only as the last word and not after a verb (`BASIC_AUTH`, `NPM_AUTH`,
//!   `AUTH` yes; `ENABLE_AUTH`, `AUTH_METHOD`, `USE_GKE_GCLOUD_AUTH_PLUGIN` no).
//! - A word after the anchor that names something *about* the secret makes the name
//!   not secret: `PASSWORD_FILE` (a path to a secret, not a secret: the `_FILE`
//!   convention of the official images), `TOKEN_URL`, `SECRET_NAME`, `KEY_ID`,
//!   `PASSWORD_LENGTH`, `GPG_KEY_SHA256`, `TOKEN_TTL`, ... The one exception is
//!   `ACCESS_KEY_ID` (`AWS_ACCESS_KEY_ID`), the public half of a credential pair that
//!   every peer reports.
//! - A switch word before the anchor makes it a setting, not a secret:
//!   `MYSQL_ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`, `REQUIRE_AUTH`.
//! - `public`, `pub` and `version` anywhere make a name not secret (as BuildKit's
//!   allow-list does), and a few well-known names hold paths:
//!   `GOOGLE_APPLICATION_CREDENTIALS`.

/// Splits a name into lower-case words at `_ - . /` and spaces and at camelCase
/// boundaries, keeping acronyms together (`APIKey` → `api`, `key`; `NPM_TOKEN` →
/// `npm`, `token`). Digits stay with the word they follow.
pub fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = chars.get(i.wrapping_sub(1)).copied().unwrap_or(' ');
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            // aB -> a|B ; ABc -> A|Bc (acronym followed by a word)
            let lower_to_upper =
                prev.is_lowercase() || prev.is_ascii_digit() && cur.chars().any(char::is_lowercase);
            let acronym_end = prev.is_uppercase() && next.is_lowercase();
            if lower_to_upper || acronym_end {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Words that make a name secret-like on their own.
const STRONG: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "pword",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "tokens",
    "apikey",
    "apitoken",
    "authtoken",
    "accesstoken",
    "accesskey",
    "secretkey",
    "privatekey",
    "clientsecret",
    "credential",
    "credentials",
    "creds",
    "psw",
    "htpasswd",
];

/// Word pairs that make a name secret-like (`API_KEY`, `CONNECTION_STRING`).
const PAIRS: &[(&str, &str)] = &[("connection", "string"), ("conn", "str"), ("sas", "token")];

/// Words that, right before `key`, say the key is not a secret.
const NON_SECRET_KEY_QUALIFIERS: &[&str] = &[
    "gpg",
    "pgp",
    "gnupg",
    "public",
    "pub",
    "cache",
    "sort",
    "partition",
    "foreign",
    "lookup",
    "map",
    "routing",
    "idempotency",
    "hash",
    "row",
    "group",
    "dedup",
    "object",
    "bucket",
    "repo",
    "apt",
    "yum",
    "rpm",
    "release",
    "distro",
    "keyserver",
    "signing",
    "sign",
    "gpgkey",
    "verify",
    "primary",
];

/// Words that, right before `key` in a code or config key (`apiKey`, `secret_key`),
/// make it a secret. (Environment-variable style names use the negative list above.)
const SECRET_KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "secret",
    "private",
    "master",
    "encryption",
    "encrypt",
    "crypt",
    "crypto",
    "cipher",
    "hmac",
    "jwt",
    "session",
    "app",
    "application",
    "client",
    "consumer",
    "auth",
    "license",
    "licence",
    "account",
    "storage",
    "service",
    "subscription",
    "shared",
    "deploy",
    "ssh",
    "admin",
    "root",
    "instrumentation",
    "write",
    "ingest",
    "webhook",
    "signing",
    "server",
    "stripe",
    "sendgrid",
    "mailgun",
    "twilio",
    "openai",
    "anthropic",
    "google",
    "maps",
    "firebase",
    "algolia",
    "pusher",
];

/// Words that may follow `key` in a name that holds the key itself
/// (`SECRET_KEY_BASE`, `SIGNING_KEY_PEM`, `API_KEY_VALUE`).
const KEY_VALUE_SUFFIX: &[&str] = &[
    "base", "value", "data", "b64", "base64", "hex", "pem", "content", "contents", "material",
    "string", "str", "raw", "secret",
];

/// Words that, right before `token`, name a parser or paging token.
const NON_SECRET_TOKEN_QUALIFIERS: &[&str] = &[
    "pseudo",
    "cache",
    "next",
    "prev",
    "previous",
    "last",
    "first",
    "current",
    "cur",
    "start",
    "end",
    "eof",
    "eol",
    "parse",
    "parser",
    "lex",
    "lexer",
    "syntax",
    "cancel",
    "cancellation",
    "continuation",
    "page",
    "pagination",
    "sync",
    "csrf",
    "xsrf",
    "bos",
    "eos",
    "unk",
    "pad",
    "mask",
    "sep",
    "cls",
    "special",
    "word",
    "char",
    "string",
    "text",
    "input",
    "output",
    "split",
    "stop",
    "resume",
    "idempotency",
    "cursor",
    "consume",
    "peek",
    "expect",
    "expected",
    "open",
    "close",
    "closing",
    "opening",
];

/// Words after the anchor that make the name describe the secret rather than hold it.
const NON_SECRET_SUFFIX: &[&str] = &[
    "file",
    "files",
    "filename",
    "path",
    "paths",
    "dir",
    "directory",
    "location",
    "url",
    "urls",
    "uri",
    "endpoint",
    "host",
    "hostname",
    "server",
    "servers",
    "port",
    "name",
    "names",
    "id",
    "ids",
    "arn",
    "type",
    "types",
    "method",
    "mode",
    "plugin",
    "plugins",
    "module",
    "version",
    "enabled",
    "enable",
    "disabled",
    "disable",
    "required",
    "length",
    "len",
    "size",
    "bits",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "duration",
    "timeout",
    "header",
    "field",
    "param",
    "prefix",
    "suffix",
    "format",
    "algorithm",
    "alg",
    "provider",
    "realm",
    "scope",
    "scopes",
    "issuer",
    "audience",
    "ref",
    "command",
    "cmd",
    "helper",
    "fingerprint",
    "fingerprints",
    "keyring",
    "keyserver",
    "policy",
    "rotation",
    "count",
    "min",
    "max",
    "hash",
    "hashed",
    "checksum",
    "sha",
    "sha1",
    "sha256",
    "sha512",
    "md5",
    "asc",
    "sig",
    "label",
    "template",
    "hint",
    "regex",
    "pattern",
    "strategy",
    "rounds",
    "source",
    "backend",
    "env",
    "var",
    "variable",
    "mount",
    "volume",
    "store",
    "manager",
    "vault",
    "validation",
    "check",
    "verify",
    "required",
    "policy",
    "age",
    "days",
    "warn",
    "prompt",
    "stdin",
    "cookie",
    "usage",
    "auth",
    "authentication",
];

/// Words before the anchor that make the name a setting (`ALLOW_EMPTY_PASSWORD`).
const SWITCH_PREFIX: &[&str] = &[
    "allow", "empty", "random", "generate", "require", "requires", "enable", "disable", "skip",
    "no", "use", "with", "without", "validate", "reset", "change", "expire", "show", "hide", "ask",
    "has", "is", "min", "max", "check", "verify", "forgot", "insecure", "load", "get", "fetch",
    "parse", "find", "read",
];

/// Names that end with a secret word but by convention hold a path or a flag.
const KNOWN_NON_SECRET: &[&str] = &[
    "google_application_credentials",
    "aws_shared_credentials_file",
    "cloudsdk_auth_credential_file_override",
    "pwd",
    "oldpwd",
    "gpg_tty",
];

/// True when `name` (an ENV/ARG name, a config key) is one that holds a secret.
/// See the module docs for the exact word rules.
pub fn is_secret_name(name: &str) -> bool {
    secret_anchor(name).is_some()
}

/// The index of the word that makes `name` secret-like, with the split words.
fn secret_anchor(name: &str) -> Option<(Vec<String>, usize)> {
    let lower = name.to_ascii_lowercase();
    if KNOWN_NON_SECRET.contains(&lower.as_str()) {
        return None;
    }
    let words = split_words(name);
    if words.is_empty() || words.len() > 12 {
        return None;
    }
    if words
        .iter()
        .any(|w| matches!(w.as_str(), "public" | "pub" | "version" | "publishable"))
    {
        return None;
    }
    let last = words.len() - 1;
    // `STRIPE_KEY` (an environment-variable style name) vs `stripeKey`/`stripe_key`
    // (code and config keys, where `key` is far more often a dictionary key)
    let env_style =
        name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_lowercase());
    let mut anchor = None;
    for (i, w) in words.iter().enumerate() {
        let prev = i
            .checked_sub(1)
            .and_then(|p| words.get(p))
            .map(String::as_str);
        let next = words.get(i + 1).map(String::as_str);
        let hit = match w.as_str() {
            "token" | "tokens" => !prev.is_some_and(|p| NON_SECRET_TOKEN_QUALIFIERS.contains(&p)),
            s if STRONG.contains(&s) => true,
            "pass" | "pwd" => i == last && words.len() > 1,
            "key" | "keys" => {
                let tail_ok = words
                    .iter()
                    .skip(i + 1)
                    .all(|w| KEY_VALUE_SUFFIX.contains(&w.as_str()))
                    || (prev == Some("access") && next == Some("id") && i + 2 == words.len());
                tail_ok
                    && match prev {
                        // bare KEY / KEYS: too vague
                        None => false,
                        // `Filters__0__Key`: a field of an indexed config entry
                        Some(p) if p.chars().all(|c| c.is_ascii_digit()) => false,
                        Some(p) if env_style => !NON_SECRET_KEY_QUALIFIERS.contains(&p),
                        Some(p) => SECRET_KEY_QUALIFIERS.contains(&p),
                    }
            }
            "auth" => {
                i == last
                    && !prev.is_some_and(|p| SWITCH_PREFIX.contains(&p) || p == "oauth" || p == "o")
            }
            _ => PAIRS.iter().any(|&(a, b)| w == a && next == Some(b)),
        };
        if hit {
            // `connection string` anchors at its last word
            let at = if PAIRS.iter().any(|&(a, b)| w == a && next == Some(b)) {
                i + 1
            } else {
                i
            };
            anchor = Some(at);
        }
    }
    let at = anchor?;
    // ACCESS_KEY_ID is reported (half of a credential pair)
    let access_key_id = at >= 1
        && words.get(at).is_some_and(|w| w == "key")
        && words.get(at - 1).is_some_and(|w| w == "access")
        && words.get(at + 1).is_some_and(|w| w == "id")
        && at + 2 == words.len();
    if !access_key_id
        && words
            .iter()
            .skip(at + 1)
            .any(|w| NON_SECRET_SUFFIX.contains(&w.as_str()))
    {
        return None;
    }
    if words
        .iter()
        .take(at)
        .any(|w| SWITCH_PREFIX.contains(&w.as_str()))
    {
        return None;
    }
    Some((words, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_snake_kebab_and_camel_case() {
        assert_eq!(split_words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(split_words("dbPassword"), ["db", "password"]);
        assert_eq!(split_words("APIKey"), ["api", "key"]);
        assert_eq!(split_words("githubAPIToken"), ["github", "api", "token"]);
        assert_eq!(
            split_words("spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
        assert_eq!(split_words("api-key"), ["api", "key"]);
        assert_eq!(split_words("S3_BUCKET"), ["s3", "bucket"]);
        assert_eq!(split_words("__"), Vec::<String>::new());
    }

    #[test]
    fn secret_names_are_found() {
        for n in [
            "DB_PASSWORD",
            "NPM_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "AWS_SESSION_TOKEN",
            "GITHUB_TOKEN",
            "GH_TOKEN",
            "API_KEY",
            "APIKEY",
            "apiKey",
            "OPENAI_API_KEY",
            "STRIPE_KEY",
            "SECRET_KEY_BASE",
            "DJANGO_SECRET_KEY",
            "PRIVATE_KEY",
            "SSH_PRIVATE_KEY",
            "CLIENT_SECRET",
            "AZURE_CLIENT_SECRET",
            "MYSQL_ROOT_PASSWORD",
            "MYSQL_PWD",
            "NAGIOSADMIN_PASS",
            "REGISTRY_PASSWD",
            "GPG_PASSPHRASE",
            "SECRET",
            "PASSWORD",
            "AUTH",
            "BASIC_AUTH",
            "NPM_AUTH",
            "DOCKER_CREDENTIALS",
            "CREDS_PSW",
            "AZURE_STORAGE_CONNECTION_STRING",
            "ENCRYPTION_KEY",
            "APP_KEY",
            "ACTIVESTATE_API_KEY",
            "spring.datasource.password",
            "db-password",
            "access_token",
            "apiKey",
            "secret_key",
            "signingKey",
            "githubToken",
            "refreshToken",
            "storePassword",
            "API_KEYS",
            "PRIVATE_KEY_PEM",
        ] {
            assert!(is_secret_name(n), "{n} should be secret-like");
        }
    }

    #[test]
    fn non_secret_names_from_the_corpus_are_not() {
        for n in [
            // gpg fingerprints in official images
            "GPG_KEY",
            "GPG_KEYS",
            "JENKINS_GPG_KEY",
            "SLACK_GPG_KEY",
            "NGINX_GPGKEY",
            "NGINX_GPGKEYS",
            "NGINX_GPGKEY_PATH",
            "PGP_KEY",
            "DOCKER_HARDENED_IMAGES_KEYRING_VERSION",
            "USE_GKE_GCLOUD_AUTH_PLUGIN",
            "SECRETFILE",
            "DefaultProcess__Filters__0__Key",
            // working directory
            "PWD",
            "OLDPWD",
            // paths to secrets, not secrets
            "PASSWORD_FILE",
            "MYSQL_ROOT_PASSWORD_FILE",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "AWS_SHARED_CREDENTIALS_FILE",
            "HF_TOKEN_PATH",
            "SECRETS_DIR",
            // about a secret
            "TOKEN_URL",
            "KEYCLOAK_URL",
            "KEY_ID",
            "GPG_KEY_ID",
            "SECRET_NAME",
            "PASSWORD_LENGTH",
            "MIN_PASSWORD_LENGTH",
            "AUTH_METHOD",
            "POSTGRES_HOST_AUTH_METHOD",
            "AUTH_MODULE_VERSION",
            "TOKEN_TTL",
            "NODE_SHA256",
            "GPG_KEY_SHA256",
            "PUBLIC_KEY",
            "SSH_PUB_KEY",
            "STRIPE_PUBLISHABLE_KEY",
            // switches
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
            "ENABLE_AUTH",
            "OAUTH",
            // no secret word
            "KEY",
            "KEYS",
            "PASSTHROUGH",
            "TOKENIZERS_PARALLELISM",
            "PATH",
            "HOME",
            "JAVA_HOME",
            "LANG",
            "GPG_TTY",
            // code and config keys seen on real filesystems
            "jdk.tls.keyLimits",
            "jceks.key.serialFilter",
            "subjectKeyIdentifier",
            "authorityKeyIdentifier",
            "lispKey",
            "tkEntryKeySelect",
            "nativeKeys",
            "rule_key",
            "authorized_keys",
            "PseudoToken",
            "cache_token",
            "next_token",
            "LoadCredential",
            "OAuth",
            "",
        ] {
            assert!(!is_secret_name(n), "{n} should not be secret-like");
        }
    }
}
