//! Detector tests. Every secret-looking literal is assembled from pieces at run time
//! (`cat!`) so that no file in the repository holds a credential-shaped string; none of
//! them is a real credential.

use super::*;

macro_rules! cat {
    ($($p:expr),+ $(,)?) => { [$($p),+].concat() };
}

fn ids(text: &str) -> Vec<&'static str> {
    find_secrets_in_text(text)
        .iter()
        .map(|m| m.rule_id)
        .collect()
}

fn one(text: &str) -> SecretMatch {
    let found = find_secrets_in_text(text);
    assert_eq!(
        found.len(),
        1,
        "expected one match in {text:?}, got {found:#?}"
    );
    found.into_iter().next().unwrap()
}

const ALNUM36: &str = "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz2Cd";

#[test]
fn all_patterns_compile() {
    for (i, r) in RULES.iter().enumerate() {
        assert!(
            super::compile(r.pattern).is_some() && COMPILED.regexes.get(i).is_some(),
            "pattern of {} does not compile",
            r.id
        );
    }
    assert!(COMPILED.keywords.is_some());
}

#[test]
fn github_tokens() {
    for p in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        let tok = cat!(p, ALNUM36);
        let text = format!("export GH_TOKEN={tok}\n");
        let m = one(&text);
        assert!(m.rule_id.starts_with("github"), "{p}: {}", m.rule_id);
        assert_eq!(&text[m.range.clone()], tok);
        assert_eq!(m.redacted, format!("{p}****"));
        assert_eq!(m.confidence, Confidence::High);
        assert_eq!(m.severity, Severity::Critical);
    }
    let fine = cat!(
        "github_pat_",
        "11ABCDEFG0abcdefghijkl",
        "_",
        ALNUM36,
        "aB3dE5fG7hJ9kL1mN2pQ4rS"
    );
    assert_eq!(ids(&format!("token: {fine}")), ["github-fine-grained-pat"]);
    // too short, or glued to an identifier: not a token
    assert!(ids(&cat!("ghp_", "abc123")).is_empty());
    assert!(ids(&cat!("xghp_", ALNUM36)).is_empty());
}

#[test]
fn cloud_and_saas_tokens() {
    let cases: Vec<(String, &str)> = vec![
        (cat!("AKIA", "Q3RZ7MNB2XK4PL6W"), "aws-access-key-id"),
        (cat!("glpat-", "xY9_zW8-vU7tS6rQ5pO4"), "gitlab-token"),
        (
            cat!(
                "xoxb-",
                "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
            ),
            "slack-token",
        ),
        (
            cat!(
                "https://hooks.slack.com/services/",
                "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
            ),
            "slack-webhook",
        ),
        (
            cat!("sk_live_", "4eC39HqLyjWDarjtT1zdp7dcZZ"),
            "stripe-secret-key",
        ),
        (
            cat!("rk_live_", "51HqLyjWDarjtT1zdp7dcZZxx"),
            "stripe-secret-key",
        ),
        (cat!("npm_", ALNUM36), "npm-access-token"),
        (
            cat!(
                "pypi-AgEIcHlwaS5vcmc",
                "CJDk0YmI4ZjE3LTQ2ZjEtNGNiNi1hZDdkLWU4MDg5ZjM2ZDJhYQACKlsz"
            ),
            "pypi-upload-token",
        ),
        (
            cat!("AIza", "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
            "google-api-key",
        ),
        (
            cat!("dckr_pat_", "AbCdEfGhIjKlMnOpQrStUvWxYz1"),
            "docker-hub-pat",
        ),
        (
            cat!("hf_", "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"),
            "huggingface-token",
        ),
        (
            cat!(
                "AGE-SECRET-KEY-1",
                "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7LQPZRY9X8GF2TVDW0S3JN54KHCE"
            ),
            "age-secret-key",
        ),
        (
            cat!("hvs.", "CAESIAbCdEfGhIjKlMnOpQrStUvWx"),
            "hashicorp-vault-token",
        ),
        (
            cat!(
                "sk-proj-",
                "AbCdEfGhIjKlMnOpQrSt",
                "T3BlbkFJ",
                "AbCdEfGhIjKlMnOpQrSt"
            ),
            "openai-api-key",
        ),
    ];
    for (tok, id) in cases {
        let text = format!("value = \"{tok}\"\n");
        let m = one(&text);
        assert_eq!(m.rule_id, id, "{tok}");
        assert_eq!(&text[m.range.clone()], tok, "{id}");
        assert!(
            m.redacted.ends_with("****") && m.redacted.len() <= 8,
            "{}",
            m.redacted
        );
    }
}

#[test]
fn aws_secret_key_needs_context_and_exact_length() {
    let secret = cat!("q8Zr2LkP0vXw9TfB", "/aB3dE5fG7hJ9kL1mN2pQ4rS");
    assert_eq!(secret.len(), 40);
    let text = format!("[default]\naws_secret_access_key = {secret}\n");
    let m = one(&text);
    assert_eq!(m.rule_id, "aws-secret-access-key");
    assert_eq!(m.line, 2);
    assert_eq!(&text[m.range.clone()], secret);
    // a 40-char base64 run without AWS context is not reported by this rule
    assert!(!ids(&format!("checksum {secret}")).contains(&"aws-secret-access-key"));
    // a longer base64 blob is not a 40-char key
    assert!(!ids(&format!("aws_key={secret}AAAA")).contains(&"aws-secret-access-key"));
}

#[test]
fn aws_documentation_keys_are_found_but_marked_as_examples() {
    let id = cat!("AKIA", "IOSFODNN7", "EXAMPLE");
    let key = cat!("wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY");
    let text = format!("AWS_ACCESS_KEY_ID={id}\nAWS_SECRET_ACCESS_KEY={key}\n");
    let found = find_secrets_in_text(&text);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found
        .iter()
        .all(|m| m.example && m.confidence == Confidence::Low));
    assert!(found.iter().all(|m| m.severity <= Severity::Warning));
    // still reported in ENV (the `bad` image plants exactly this)
    let env = check_assignment("AWS_SECRET_ACCESS_KEY", &key);
    assert_eq!(env.len(), 1);
    assert_eq!(env[0].rule_id, "aws-secret-access-key");
    assert_eq!(env[0].range, 0..key.len());
    assert!(env[0].example);
    // ... but not in a documentation file
    assert!(scan_file("/usr/share/doc/awscli/README.md", text.as_bytes()).is_empty());
}

fn pem(kind: &str) -> String {
    let body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n";
    cat!(
        "-----BEGIN ",
        kind,
        "PRIVATE KEY-----\n",
        body,
        "-----END ",
        kind,
        "PRIVATE KEY-----\n"
    )
}

#[test]
fn private_keys_with_a_body_are_found() {
    for kind in ["", "RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED "] {
        let key = pem(kind);
        let text = format!("some text\n{key}trailer\n");
        let m = one(&text);
        assert_eq!(m.rule_id, "private-key");
        assert_eq!(m.line, 2);
        assert_eq!(&text[m.range.clone()], key.trim_end(), "{kind}");
        assert!(m.redacted.starts_with("-----BEGIN") && m.redacted.ends_with("****"));
        assert!(!m.redacted.contains("MIIE"));
    }
    let pgp = cat!(
        "-----BEGIN PGP ", "PRIVATE KEY BLOCK-----\n\nlQOYBF0AAAABCADPqMx3kWZ5sQh0Ao1Rb+0fLk3r7NQ6gmQwWV8e1eM5rKfnQ2Ljd\n-----END PGP PRIVATE KEY BLOCK-----\n"
    );
    assert_eq!(ids(&pgp), ["private-key"]);
    // JSON-escaped newlines (e.g. inside a config value)
    let escaped = pem("RSA ").replace('\n', "\\n");
    assert_eq!(ids(&format!("{{\"key\": \"{escaped}\"}}")), ["private-key"]);
}

#[test]
fn private_key_headers_without_a_body_are_not() {
    let doc = cat!(
        "-----BEGIN RSA ",
        "PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n"
    );
    assert!(ids(&doc).is_empty());
    assert!(ids(&cat!("grep -q 'BEGIN OPENSSH ", "PRIVATE KEY' file")).is_empty());
    // public keys and certificates are not private keys
    let cert = "-----BEGIN CERTIFICATE-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END CERTIFICATE-----\n";
    assert!(ids(cert).is_empty());
}

#[test]
fn gcp_service_account_json() {
    let key = pem("").replace('\n', "\\n");
    let json = format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"p\",\n  \"private_key\": \"{key}\",\n  \"client_email\": \"a@p.iam.gserviceaccount.com\"\n}}\n"
    );
    let m = one(&json);
    assert_eq!(m.rule_id, "gcp-service-account-key");
    assert_eq!(m.severity, Severity::Critical);
    assert_eq!(m.line, 4);
}

#[test]
fn docker_config_auths() {
    use base64::Engine as _;
    let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let cfg = format!(
        "{{\"auths\": {{\"https://index.docker.io/v1/\": {{\"auth\": \"{}\"}}}}}}",
        enc(&cat!("deploy:", "s3cr3t-Pa55"))
    );
    let m = one(&cfg);
    assert_eq!(m.rule_id, "docker-config-auth");
    assert_eq!(m.redacted, "ZGVw****");
    // not base64 of user:password, or a placeholder password
    assert!(ids(r#"{"auth": "not-base64!"}"#).is_empty());
    assert!(ids(r#"{"auth": "basic"}"#).is_empty());
    assert!(ids(&format!("{{\"auth\": \"{}\"}}", enc("nocolonhere"))).is_empty());
    assert!(ids(&format!("{{\"auth\": \"{}\"}}", enc("user:password"))).is_empty());
    let k8s = format!(".dockerconfigjson: {}", enc(&cfg));
    assert_eq!(ids(&k8s), ["kubernetes-dockerconfigjson"]);
}

#[test]
fn npmrc_netrc_git_credentials_and_urls() {
    let npmrc = cat!(
        "//registry.npmjs.org/:_authToken=",
        "0f3c9a7e-1b2d-4e5f-8a9b-0c1d2e3f4a5b\n"
    );
    let m = one(&npmrc);
    assert_eq!(
        (m.rule_id, m.key.as_deref()),
        ("npmrc-auth", Some("_authToken"))
    );
    assert!(ids("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n").is_empty());

    let netrc = cat!(
        "machine github.com\n  login octocat\n  password ",
        "Xk9-pQ2-vR7z\n"
    );
    let m = one(&netrc);
    assert_eq!(m.rule_id, "netrc-password");
    assert_eq!(&netrc[m.range.clone()], "Xk9-pQ2-vR7z");
    assert_eq!(m.line, 3);

    let url = cat!(
        "DATABASE_URL=postgres://admin:",
        "Sup3rS3cret",
        "@db:5432/prod\n"
    );
    let m = one(&url);
    assert_eq!(m.rule_id, "url-password");
    assert_eq!(&url[m.range.clone()], "Sup3rS3cret");
    assert_eq!(m.redacted, "Su****");

    let gitcred = cat!("https://octocat:", "Zp4-9qLm-77x", "@github.com\n");
    assert_eq!(ids(&gitcred), ["url-password"]);
    // placeholders and templated passwords are not reported
    for t in [
        "postgres://user:password@localhost/db",
        "https://user:${TOKEN}@github.com",
        "redis://:$REDIS_PASSWORD@redis:6379",
        "amqp://guest:<password>@rabbit",
        "git@github.com:org/repo.git",
        "https://example.org:8443/path",
    ] {
        assert!(ids(t).is_empty(), "{t}");
    }
}

#[test]
fn xml_passwords_outside_comments() {
    let xml = cat!(
        "<servers>\n  <server>\n    <password>",
        "Zq8r2LkP0vX",
        "</password>\n  </server>\n</servers>\n"
    );
    let m = one(&xml);
    assert_eq!((m.rule_id, m.line), ("xml-password", 3));
    let commented = "<!--\n <server>\n  <password>proxypass</password>\n </server>\n-->\n";
    assert!(ids(commented).is_empty());
    assert!(ids("<password>${env.PW}</password>").is_empty());
}

#[test]
fn code_is_not_configuration() {
    // real lines from CPython, underscore.js, Tk, systemd, openssl.cnf
    for (path, line) in [
        (
            "/usr/lib/x/tokenize.py",
            "PseudoToken = Whitespace + group(PseudoExtras, Number)\n",
        ),
        ("/usr/lib/x/request.py", "        self.passwd = passwd\n"),
        (
            "/usr/lib/x/functools.py",
            "            cache_token = current_token\n",
        ),
        (
            "/usr/lib/x/underscore.js",
            "      nativeKeys = Object.keys,\n",
        ),
        (
            "/etc/x/unit.service",
            "LoadCredential=passwd.hashed-password.root\n",
        ),
        (
            "/etc/ssl/openssl.cnf",
            "authorityKeyIdentifier=keyid:always,issuer\n",
        ),
        (
            "/etc/java/java.security",
            "jdk.tls.keyLimits=AES/GCM/NoPadding KeyUpdate 2^37\n",
        ),
        (
            "/usr/lib/x/zipfile.py",
            "        default password for encrypted files.\n",
        ),
        ("/usr/lib/x/ctypes.py", "RC2_KEY = rc2_key_st\n"),
        (
            "/usr/lib/x/t.py",
            "        print(f\"password={password!r}\")\n",
        ),
    ] {
        let found = scan_file(path, line.as_bytes());
        assert!(found.is_empty(), "{path}: {line} -> {found:?}");
    }
    // a weak URL password in code is low confidence, dropped outside config files
    let doc = "    http://jschmoe:xyzzy@www.example.com:8080/\n";
    assert!(scan_file("/usr/lib/tcl/http.tm", doc.as_bytes()).is_empty());
    assert_eq!(scan_file("/etc/app/app.ini", doc.as_bytes()).len(), 1);
}

#[test]
fn jwt_needs_a_json_header() {
    let jwt = cat!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        ".eyJzdWIiOiJib3N1bi10ZXN0Iiwicm9sZSI6ImFkbWluIn0",
        ".dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ"
    );
    let m = one(&format!("Authorization: Bearer {jwt}"));
    assert_eq!(m.rule_id, "jwt");
    assert!(!m.example);
    // eyJ-looking garbage whose header is not JSON with "alg"
    assert!(ids("eyJxxxxxxxxxxxxxxxxx.eyJyyyyyyyyyyyyyyyy.zzzzzzzzzzzzzzzzzzzz").is_empty());
}

#[test]
fn generic_assignments_are_judged_by_value() {
    let strong = cat!("DB_PASSWORD=", "q8Zr2LkP0vXw9TfB");
    let m = one(&strong);
    assert_eq!(m.rule_id, GENERIC_RULE_ID);
    assert_eq!(m.key.as_deref(), Some("DB_PASSWORD"));
    assert_eq!(m.confidence, Confidence::Medium);

    let weak = one("password=hunter2\n");
    assert_eq!(
        (weak.confidence, weak.severity),
        (Confidence::Low, Severity::Low)
    );
    assert_eq!(weak.redacted, "****");

    let yaml = one("database:\n  password: \"Tr0ub4dor&3x\"\n");
    assert_eq!(yaml.line, 2);
    let json = one(r#"{"client_secret": "9f8e7d6c5b4a39281706f5e4"}"#);
    assert_eq!(json.key.as_deref(), Some("client_secret"));

    for t in [
        "password=${DB_PASSWORD}",
        "password: $PW",
        "PASSWORD_FILE=/run/secrets/db",
        "# password = Zq8r2LkP0vXw9TfB",
        "// token: Zq8r2LkP0vXw9TfB",
        "password: <your password>",
        "token = os.environ['TOKEN']",
        "password = request.form['password']",
        "password: str",
        "password = None",
        "password=xxxxxxxx",
        "GPG_KEY=A917B1ECDA84AEC2B568FED6F50ABC807BD5DCD0",
        "KEYCLOAK_URL=https://auth.example.org",
        "token_url: https://oauth2.googleapis.com/token",
        "MYSQL_ALLOW_EMPTY_PASSWORD=yes",
        "if password == other:",
        "pwd=abc",
        "password: &pw secretish",
    ] {
        assert!(ids(t).is_empty(), "{t}: {:?}", ids(t));
    }
}

#[test]
fn overlapping_matches_keep_the_specific_rule() {
    let text = cat!("GITHUB_TOKEN=", "ghp_", ALNUM36);
    assert_eq!(ids(&text), ["github-pat"]);
    let url = cat!(
        "https://oauth2:",
        "glpat-",
        "xY9_zW8-vU7tS6rQ5pO4",
        "@gitlab.com/x.git"
    );
    assert_eq!(ids(&url), ["gitlab-token"]);
}

#[test]
fn check_assignment_for_env_and_arg() {
    let m = check_assignment("DB_PASSWORD", "hunter2");
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].rule_id, NAMED_VALUE_RULE_ID);
    assert_eq!(
        (m[0].confidence, m[0].severity),
        (Confidence::Low, Severity::Warning)
    );
    assert_eq!(m[0].range, 0..7);
    assert_eq!(m[0].redacted, "****");

    let m = check_assignment("API_KEY", " Zq8r2LkP0vXw9TfB ");
    assert_eq!(
        (m[0].confidence, m[0].severity),
        (Confidence::Medium, Severity::Error)
    );
    assert_eq!(m[0].range, 1..17);

    // a token in a variable whose name says nothing
    let tok = cat!("ghp_", ALNUM36);
    let m = check_assignment("CONFIG", &tok);
    assert_eq!(m[0].rule_id, "github-pat");
    assert_eq!(m[0].range, 0..tok.len());

    for (n, v) in [
        ("DB_PASSWORD", ""),
        ("DB_PASSWORD", "${DB_PASSWORD}"),
        ("NPM_TOKEN", "$NPM_TOKEN"),
        ("GPG_KEY", "A917B1ECDA84AEC2B568FED6F50ABC807BD5DCD0"),
        ("PASSWORD_FILE", "/run/secrets/pw"),
        ("GOOGLE_APPLICATION_CREDENTIALS", "/secrets/sa.json"),
        ("MYSQL_RANDOM_ROOT_PASSWORD", "yes"),
        ("PATH", "/usr/local/bin:/usr/bin"),
    ] {
        assert!(check_assignment(n, v).is_empty(), "{n}={v}");
    }
}

#[test]
fn scan_file_applies_path_rules() {
    let conf = b"[db]\npassword = hunter2\n";
    assert_eq!(scan_file("/etc/app.conf", conf).len(), 1);
    // weak literal in source code: a fixture, not reported
    assert!(scan_file("/app/db.py", b"password = 'hunter2'\n").is_empty());
    // strong literal in source code: reported
    assert_eq!(
        scan_file(
            "/app/settings.py",
            cat!("SECRET_KEY = '", "q8Zr2LkP0vXw9TfB'\n").as_bytes()
        )
        .len(),
        1
    );
    let env = cat!(
        "DATABASE_URL=postgres://admin:",
        "Sup3rS3cret",
        "@db:5432/prod\n"
    );
    assert_eq!(scan_file("/app/.env", env.as_bytes()).len(), 1);
    assert!(scan_file("/app/tests/fixtures/.env", env.as_bytes()).is_empty());
    assert!(scan_file("/app/package-lock.json", env.as_bytes()).is_empty());
    let mut bin = env.clone().into_bytes();
    bin.insert(0, 0);
    assert!(scan_file("/app/blob", &bin).is_empty());
    let key = pem("OPENSSH ");
    assert_eq!(
        scan_file("/root/.ssh/id_rsa", key.as_bytes())[0].rule_id,
        "private-key"
    );
}

#[test]
fn invalid_utf8_and_odd_input_never_panic() {
    let mut bytes = b"password=\xff\xfe\xfd\xfc\xfb\n".to_vec();
    bytes.extend_from_slice(cat!("token=", "ghp_", ALNUM36).as_bytes());
    let found = find_secrets_in_bytes(&bytes);
    assert!(found.iter().any(|m| m.rule_id == "github-pat"));
    for t in [
        "",
        "=",
        ":",
        "-----BEGIN PRIVATE KEY-----",
        "eyJ.eyJ.",
        "a://:@",
        "machine",
    ] {
        let _ = find_secrets_in_text(t);
    }
}

#[test]
fn large_input_is_fast() {
    // 4 MiB of config-like text with many keyword hits and no secret
    let line = "key_name = some.value.here # token_url: https://x/y password_file=/run/x\n";
    let text = line.repeat(4 * 1024 * 1024 / line.len());
    let t = std::time::Instant::now();
    let found = find_secrets_in_text(&text);
    assert!(found.is_empty(), "{:?}", found.first());
    // generous bound for a debug build on a loaded 2-core machine
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
}
