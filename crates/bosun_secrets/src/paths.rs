//! Judging a path: key and credential files by name, and documentation/test/vendored
//! paths where sample secrets live. Paths may be absolute or relative (`/etc/x`,
//! `etc/x`, `./etc/x` are the same); matching is on `/`-separated components.

/// A file that, by its name or place, holds a key or credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretFileKind {
    /// `*.key`, `*key.pem`, `privkey.pem`, `*.ppk`: a private key.
    PrivateKey,
    /// Another `*.pem`: may be a private key or only a certificate (read it to know).
    Pem,
    /// `*.p12`, `*.pfx`: a PKCS#12 bundle (key and certificate).
    Pkcs12,
    /// `*.jks`, `*.keystore`, `*.bks`: a Java keystore.
    JavaKeystore,
    /// `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519` (and `_sk` variants), not `.pub`.
    SshPrivateKey,
    /// `ssh_host_*_key`: an SSH server host key; baked into an image, every container
    /// shares it.
    SshHostKey,
    /// `.env`, `.env.local`, `.env.production` (not `.env.example`/`.sample`/...).
    DotEnv,
    /// `.npmrc` (registry tokens), `.yarnrc.yml`.
    NpmRc,
    /// `.pypirc` (PyPI upload credentials).
    PypiRc,
    /// `.netrc` / `_netrc`.
    Netrc,
    /// `.git-credentials`.
    GitCredentials,
    /// `.docker/config.json`, `.dockercfg`, `containers/auth.json`.
    DockerConfig,
    /// `.aws/credentials`.
    AwsCredentials,
    /// `.aws/config` (usually no secret; sometimes holds keys).
    AwsConfig,
    /// gcloud `credentials.db`, `access_tokens.db`, `application_default_credentials.json`,
    /// `legacy_credentials/`, `service-account*.json`.
    GcpCredentials,
    /// `.azure/accessTokens.json`, `.azure/msal_token_cache.*`,
    /// `.azure/service_principal_entries.json`.
    AzureCredentials,
    /// `.kube/config`, `*.kubeconfig`, `kubeconfig`, `etc/kubernetes/admin.conf`.
    KubeConfig,
    /// `*.tfstate`, `*.tfstate.backup`: Terraform state holds resource secrets in clear.
    TerraformState,
    /// `.pgpass`, `.my.cnf`: database client passwords.
    DatabaseClientConfig,
    /// `.htpasswd`: password hashes.
    Htpasswd,
    /// `.vault-token`, `.s3cfg`, `.boto`, `.gem/credentials`, `.cargo/credentials(.toml)`,
    /// `.m2/settings-security.xml`, `.composer/auth.json`, `credentials.json`.
    ToolCredentials,
    /// `secring.gpg`, `.gnupg/private-keys-v1.d/*`: GnuPG private keys.
    GpgPrivateKeys,
}

impl SecretFileKind {
    /// Stable kebab-case id.
    pub fn id(self) -> &'static str {
        match self {
            SecretFileKind::PrivateKey => "private-key-file",
            SecretFileKind::Pem => "pem-file",
            SecretFileKind::Pkcs12 => "pkcs12-file",
            SecretFileKind::JavaKeystore => "java-keystore",
            SecretFileKind::SshPrivateKey => "ssh-private-key",
            SecretFileKind::SshHostKey => "ssh-host-key",
            SecretFileKind::DotEnv => "dotenv-file",
            SecretFileKind::NpmRc => "npmrc",
            SecretFileKind::PypiRc => "pypirc",
            SecretFileKind::Netrc => "netrc",
            SecretFileKind::GitCredentials => "git-credentials",
            SecretFileKind::DockerConfig => "docker-config",
            SecretFileKind::AwsCredentials => "aws-credentials",
            SecretFileKind::AwsConfig => "aws-config",
            SecretFileKind::GcpCredentials => "gcp-credentials",
            SecretFileKind::AzureCredentials => "azure-credentials",
            SecretFileKind::KubeConfig => "kubeconfig",
            SecretFileKind::TerraformState => "terraform-state",
            SecretFileKind::DatabaseClientConfig => "database-client-config",
            SecretFileKind::Htpasswd => "htpasswd",
            SecretFileKind::ToolCredentials => "tool-credentials",
            SecretFileKind::GpgPrivateKeys => "gpg-private-keys",
        }
    }

    /// What the file is, for messages.
    pub fn description(self) -> &'static str {
        match self {
            SecretFileKind::PrivateKey => "private key file",
            SecretFileKind::Pem => "PEM file (a private key or a certificate)",
            SecretFileKind::Pkcs12 => "PKCS#12 key bundle",
            SecretFileKind::JavaKeystore => "Java keystore",
            SecretFileKind::SshPrivateKey => "SSH private key",
            SecretFileKind::SshHostKey => "SSH host private key",
            SecretFileKind::DotEnv => ".env file",
            SecretFileKind::NpmRc => "npm/yarn configuration with registry tokens",
            SecretFileKind::PypiRc => "PyPI credentials (.pypirc)",
            SecretFileKind::Netrc => ".netrc credentials",
            SecretFileKind::GitCredentials => "git credential store",
            SecretFileKind::DockerConfig => "container registry credentials",
            SecretFileKind::AwsCredentials => "AWS credentials file",
            SecretFileKind::AwsConfig => "AWS config file",
            SecretFileKind::GcpCredentials => "Google Cloud credentials",
            SecretFileKind::AzureCredentials => "Azure CLI credentials",
            SecretFileKind::KubeConfig => "Kubernetes kubeconfig",
            SecretFileKind::TerraformState => "Terraform state",
            SecretFileKind::DatabaseClientConfig => "database client password file",
            SecretFileKind::Htpasswd => "htpasswd password hashes",
            SecretFileKind::ToolCredentials => "tool credentials file",
            SecretFileKind::GpgPrivateKeys => "GnuPG private keys",
        }
    }

    /// Default severity of shipping such a file.
    pub fn severity(self) -> crate::Severity {
        use crate::Severity::{Error, Low, Warning};
        match self {
            SecretFileKind::Pem | SecretFileKind::AwsConfig => Low,
            SecretFileKind::DotEnv
            | SecretFileKind::SshHostKey
            | SecretFileKind::TerraformState
            | SecretFileKind::Htpasswd
            | SecretFileKind::NpmRc => Warning,
            _ => Error,
        }
    }

    /// How sure the name alone makes us that the file holds a secret.
    pub fn confidence(self) -> crate::Confidence {
        use crate::Confidence::{High, Low, Medium};
        match self {
            SecretFileKind::Pem | SecretFileKind::AwsConfig => Low,
            SecretFileKind::DotEnv
            | SecretFileKind::NpmRc
            | SecretFileKind::TerraformState
            | SecretFileKind::ToolCredentials
            | SecretFileKind::DockerConfig
            | SecretFileKind::KubeConfig => Medium,
            _ => High,
        }
    }
}

/// `/a/./b//c` → `["a", "b", "c"]`.
fn components(path: &str) -> Vec<&str> {
    path.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != ".")
        .collect()
}

/// Directories whose `.pem`/`.key`/`.crt` files are public trust material.
fn is_trust_store(dirs: &str) -> bool {
    [
        "etc/ssl/certs",
        "usr/share/ca-certificates",
        "usr/local/share/ca-certificates",
        "etc/ca-certificates",
        "etc/pki/ca-trust",
        "etc/pki/tls/certs",
        "etc/pki/rpm-gpg",
        "etc/apt",
        "usr/share/keyrings",
        "etc/pki/java",
        "etc/ssl/cert",
    ]
    .iter()
    .any(|p| dirs == *p || dirs.starts_with(&format!("{p}/")) || dirs.contains(&format!("/{p}")))
        || dirs
            .split('/')
            .any(|c| c == "certifi" || c == "ca-certificates")
}

/// Classifies a file by its path; `None` when the name says nothing about secrets.
pub fn secret_file_kind(path: &str) -> Option<SecretFileKind> {
    let comps = components(path);
    let (&base, parents) = comps.split_last()?;
    let dirs = parents.join("/");
    let parent = parents.last().copied().unwrap_or("");
    let lower = base.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);

    if lower.ends_with(".pub") {
        return None;
    }
    // SSH keys
    if lower.starts_with("ssh_host_") && lower.ends_with("_key") {
        return Some(SecretFileKind::SshHostKey);
    }
    if matches!(
        lower.as_str(),
        "id_rsa"
            | "id_dsa"
            | "id_ecdsa"
            | "id_ed25519"
            | "id_ecdsa_sk"
            | "id_ed25519_sk"
            | "identity"
    ) && (lower != "identity" || parent == ".ssh")
    {
        return Some(SecretFileKind::SshPrivateKey);
    }
    // dotenv
    if lower == ".env" || lower.starts_with(".env.") {
        let rest = &lower[4..];
        let template = [
            "example", "sample", "template", "dist", "tpl", "skel", "skeleton", "defaults",
            "default", "schema", "test", "ci",
        ]
        .iter()
        .any(|t| rest.split('.').any(|p| p == *t));
        return (!template).then_some(SecretFileKind::DotEnv);
    }
    let dir_is = |name: &str| parents.iter().any(|p| p.eq_ignore_ascii_case(name));
    match lower.as_str() {
        ".npmrc" | ".yarnrc.yml" => return Some(SecretFileKind::NpmRc),
        ".pypirc" => return Some(SecretFileKind::PypiRc),
        ".netrc" | "_netrc" => return Some(SecretFileKind::Netrc),
        ".git-credentials" => return Some(SecretFileKind::GitCredentials),
        ".dockercfg" => return Some(SecretFileKind::DockerConfig),
        ".pgpass" | ".my.cnf" => return Some(SecretFileKind::DatabaseClientConfig),
        ".htpasswd" => return Some(SecretFileKind::Htpasswd),
        ".vault-token" | ".s3cfg" | ".boto" => return Some(SecretFileKind::ToolCredentials),
        "secring.gpg" => return Some(SecretFileKind::GpgPrivateKeys),
        "kubeconfig" => return Some(SecretFileKind::KubeConfig),
        "credentials.json" | "client_secret.json" | "client_secrets.json" => {
            return Some(SecretFileKind::ToolCredentials)
        }
        "application_default_credentials.json" | "credentials.db" | "access_tokens.db"
            if lower.starts_with("application_default") || dir_is("gcloud") =>
        {
            return Some(SecretFileKind::GcpCredentials)
        }
        "config.json" if parent == ".docker" => return Some(SecretFileKind::DockerConfig),
        "auth.json" if parent == "containers" => return Some(SecretFileKind::DockerConfig),
        "auth.json" if parent == ".composer" || parent == "composer" => {
            return Some(SecretFileKind::ToolCredentials)
        }
        "credentials" if parent == ".aws" => return Some(SecretFileKind::AwsCredentials),
        "config" if parent == ".aws" => return Some(SecretFileKind::AwsConfig),
        "config" if parent == ".kube" => return Some(SecretFileKind::KubeConfig),
        "admin.conf" if parent == "kubernetes" => return Some(SecretFileKind::KubeConfig),
        "credentials" | "credentials.toml" if parent == ".gem" || parent == ".cargo" => {
            return Some(SecretFileKind::ToolCredentials)
        }
        "settings-security.xml" if parent == ".m2" => return Some(SecretFileKind::ToolCredentials),
        "accesstokens.json"
        | "msal_token_cache.json"
        | "msal_token_cache.bin"
        | "service_principal_entries.json"
            if parent == ".azure" =>
        {
            return Some(SecretFileKind::AzureCredentials)
        }
        _ => {}
    }
    if dir_is("legacy_credentials") && dir_is("gcloud") {
        return Some(SecretFileKind::GcpCredentials);
    }
    if parent == "private-keys-v1.d" {
        return Some(SecretFileKind::GpgPrivateKeys);
    }
    if ext == "json"
        && (lower.starts_with("service-account")
            || lower.starts_with("service_account")
            || lower.starts_with("serviceaccount")
            || lower.contains("-sa-key"))
    {
        return Some(SecretFileKind::GcpCredentials);
    }
    if lower.ends_with(".kubeconfig") {
        return Some(SecretFileKind::KubeConfig);
    }
    if lower.ends_with(".tfstate") || lower.ends_with(".tfstate.backup") {
        return Some(SecretFileKind::TerraformState);
    }
    match ext {
        "p12" | "pfx" => return Some(SecretFileKind::Pkcs12),
        "jks" | "keystore" | "bks" => {
            // the JDK's own trust store is public
            return (!is_trust_store(&dirs) && lower != "cacerts.jks")
                .then_some(SecretFileKind::JavaKeystore);
        }
        "ppk" => return Some(SecretFileKind::PrivateKey),
        _ => {}
    }
    if ext == "key" || ext == "pem" {
        if is_trust_store(&dirs) {
            return None;
        }
        let stem = &lower[..lower.len() - ext.len() - 1];
        if ext == "key" {
            // armored GPG public keys shipped as `*.gpg.key`, `*-archive-keyring.key`
            if stem.ends_with(".gpg") || stem.ends_with(".asc") || stem.contains("keyring") {
                return None;
            }
            return Some(SecretFileKind::PrivateKey);
        }
        let public_named = stem.contains("pub")
            || stem.contains("keyserver")
            || stem.ends_with("ca")
            || stem.ends_with("cert");
        if public_named {
            return None;
        }
        if stem.contains("key") || stem.contains("priv") || stem.contains("secret") {
            return Some(SecretFileKind::PrivateKey);
        }
        let public_words = [
            "cert", "crt", "ca", "chain", "bundle", "pub", "public", "root", "trust",
        ];
        let public = public_words.iter().any(|w| {
            stem == *w
                || stem.starts_with(&format!("{w}-"))
                || stem.starts_with(&format!("{w}_"))
                || stem.starts_with(&format!("{w}."))
                || stem.ends_with(&format!("-{w}"))
                || stem.ends_with(&format!("_{w}"))
                || stem.ends_with(&format!(".{w}"))
                || stem.starts_with(w) && *w != "ca" && *w != "pub"
        }) || stem.starts_with("cacert")
            || stem.ends_with("cert")
            || stem.ends_with("certs")
            || stem.ends_with("chain");
        return (!public).then_some(SecretFileKind::Pem);
    }
    None
}

/// Paths where sample or test secrets live and real ones do not: documentation,
/// test data, examples, vendored and third-party package trees. Secret scanning of
/// image files skips them ([`crate::scan_file`]).
///
/// - components: `test`, `tests`, `testdata`, `testing`, `__tests__`, `test-data`,
///   `test_data`, `fixtures`, `__fixtures__`, `spec`, `specs`, `example`, `examples`,
///   `sample`, `samples`, `doc`, `docs`, `documentation`, `man`, `locale`, `locales`,
///   `vendor`, `node_modules`, `site-packages`, `dist-packages`, `.git`, `*.dist-info`,
///   `*.egg-info`;
/// - trees: `usr/share/{doc,man,info,locale,help,gtk-doc,javadoc,common-licenses,
///   licenses,zoneinfo,i18n}`, `usr/include`, `usr/local/go`, `usr/lib/go*`,
///   `usr/share/gocode`, `usr/lib/python*`, `usr/local/lib/python*`, `usr/lib/ruby`,
///   `usr/local/lib/ruby`, `usr/lib/gems`, `usr/share/perl*`, `usr/src/wordpress`,
///   `opt/yarn-v*`, `var/log/anaconda`, `go/pkg/mod`, `.cargo/registry`, `.m2/repository`,
///   `.gradle/caches`, `.npm/_cacache`, `.cache/pip`;
/// - files: `*.md`, `*.markdown`, `*.rst`, `*.adoc`, `*.js.map`, `*.css.map`,
///   `*.example`, `*.sample`, `*.dist`, `*.template`, and names starting `example`.
pub fn is_allowlisted_path(path: &str) -> bool {
    let comps = components(path);
    let Some((base, parents)) = comps.split_last() else {
        return false;
    };
    let lower_base = base.to_ascii_lowercase();
    let dirs: Vec<String> = parents.iter().map(|c| c.to_ascii_lowercase()).collect();
    const DIR_NAMES: &[&str] = &[
        "test",
        "tests",
        "testdata",
        "testing",
        "__tests__",
        "test-data",
        "test_data",
        "fixtures",
        "__fixtures__",
        "spec",
        "specs",
        "example",
        "examples",
        "sample",
        "samples",
        "doc",
        "docs",
        "documentation",
        "man",
        "locale",
        "locales",
        "vendor",
        "node_modules",
        "site-packages",
        "dist-packages",
        ".git",
        "testfixtures",
        "__snapshots__",
        "mocks",
        "__mocks__",
    ];
    if dirs.iter().any(|d| {
        DIR_NAMES.contains(&d.as_str()) || d.ends_with(".dist-info") || d.ends_with(".egg-info")
    }) {
        return true;
    }
    let joined = dirs.join("/");
    let under = |p: &str| joined == p || joined.starts_with(&format!("{p}/"));
    let under_glob = |prefix: &str| {
        // `usr/lib/python3.11/...` for prefix `usr/lib/python`
        joined.starts_with(prefix)
    };
    const TREES: &[&str] = &[
        "usr/share/doc",
        "usr/share/man",
        "usr/share/info",
        "usr/share/locale",
        "usr/share/help",
        "usr/share/gtk-doc",
        "usr/share/javadoc",
        "usr/share/common-licenses",
        "usr/share/licenses",
        "usr/share/zoneinfo",
        "usr/share/i18n",
        "usr/share/gocode",
        "usr/share/lintian",
        "usr/include",
        "usr/local/include",
        "usr/local/go",
        "usr/lib/ruby",
        "usr/local/lib/ruby",
        "usr/lib/gems",
        "usr/src/wordpress",
        "var/log/anaconda",
    ];
    if TREES.iter().any(|t| under(t)) {
        return true;
    }
    const GLOB_TREES: &[&str] = &[
        "usr/lib/go",
        "usr/lib/python",
        "usr/local/lib/python",
        "usr/share/perl",
        "opt/yarn-v",
    ];
    if GLOB_TREES.iter().any(|t| under_glob(t)) {
        return true;
    }
    // any interpreter's standard library: `.../lib/python3.12/`, `/opt/conda/lib/python3.11/`
    if dirs
        .windows(2)
        .any(|w| w[0] == "lib" && w[1].starts_with("python") && w[1].len() > 6)
    {
        return true;
    }
    const INNER_TREES: &[&str] = &[
        "go/pkg/mod",
        ".cargo/registry",
        ".m2/repository",
        ".gradle/caches",
        ".npm/_cacache",
        ".cache/pip",
    ];
    if INNER_TREES.iter().any(|t| {
        joined == *t || joined.starts_with(&format!("{t}/")) || joined.contains(&format!("/{t}"))
    }) {
        return true;
    }
    const EXTS: &[&str] = &[
        ".md",
        ".markdown",
        ".rst",
        ".adoc",
        ".asciidoc",
        ".js.map",
        ".css.map",
        ".example",
        ".sample",
        ".dist",
        ".template",
    ];
    EXTS.iter().any(|e| lower_base.ends_with(e)) || lower_base.starts_with("example")
}

/// Files never worth scanning for secrets: lock files and checksum lists, which are
/// full of high-entropy hashes.
pub(crate) fn is_skipped_file(path: &str) -> bool {
    let base = components(path).last().copied().unwrap_or("");
    matches!(
        base,
        "go.sum"
            | "go.mod"
            | "package-lock.json"
            | "npm-shrinkwrap.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "Pipfile.lock"
            | "poetry.lock"
            | "uv.lock"
            | "Gemfile.lock"
            | "Cargo.lock"
            | "composer.lock"
            | "packages.lock.json"
            | "RECORD"
            | "md5sums"
    )
}

/// Configuration-like files, where a literal low-entropy password assignment is a
/// finding (unlike in source code, where `password = "test"` is usually a fixture):
/// dotenv files, `*.conf`, `*.cfg`, `*.cnf`, `*.ini`, `*.properties`, `*.env`,
/// `*.yaml`, `*.yml`, `*.toml`, `*.json`, `*.xml`, `*.rc`, rc dotfiles, and files
/// with no extension under `etc/`.
pub fn is_config_like_path(path: &str) -> bool {
    let comps = components(path);
    let Some((base, parents)) = comps.split_last() else {
        return false;
    };
    let lower = base.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    if matches!(
        ext,
        "conf"
            | "cfg"
            | "cnf"
            | "ini"
            | "properties"
            | "env"
            | "yaml"
            | "yml"
            | "toml"
            | "json"
            | "xml"
            | "rc"
            | "config"
            | "settings"
            | "secret"
            | "secrets"
            | "creds"
            | "credentials"
            | "pass"
            | "password"
    ) {
        return true;
    }
    if lower.starts_with(".env") || lower.ends_with("rc") && lower.starts_with('.') {
        return true;
    }
    parents.first().is_some_and(|p| *p == "etc") && !lower.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use SecretFileKind as K;

    #[test]
    fn key_and_credential_files_are_classified() {
        let cases = [
            ("id_rsa", K::SshPrivateKey),
            ("/root/.ssh/id_ed25519", K::SshPrivateKey),
            ("home/app/.ssh/identity", K::SshPrivateKey),
            ("/etc/ssh/ssh_host_ed25519_key", K::SshHostKey),
            ("server.key", K::PrivateKey),
            ("certs/privkey.pem", K::PrivateKey),
            ("tls/tls-key.pem", K::PrivateKey),
            ("/etc/ssl/private/ssl-cert-snakeoil.key", K::PrivateKey),
            ("deploy.pem", K::Pem),
            ("client.p12", K::Pkcs12),
            ("app/keystore.jks", K::JavaKeystore),
            ("release.keystore", K::JavaKeystore),
            (".env", K::DotEnv),
            ("/app/.env", K::DotEnv),
            (".env.production", K::DotEnv),
            (".npmrc", K::NpmRc),
            (".pypirc", K::PypiRc),
            ("/root/.netrc", K::Netrc),
            (".git-credentials", K::GitCredentials),
            ("/root/.docker/config.json", K::DockerConfig),
            (".dockercfg", K::DockerConfig),
            ("run/containers/0/containers/auth.json", K::DockerConfig),
            ("/root/.aws/credentials", K::AwsCredentials),
            ("/root/.aws/config", K::AwsConfig),
            ("/root/.config/gcloud/credentials.db", K::GcpCredentials),
            (
                "/root/.config/gcloud/application_default_credentials.json",
                K::GcpCredentials,
            ),
            (
                "/root/.config/gcloud/legacy_credentials/me@x.com/adc.json",
                K::GcpCredentials,
            ),
            ("deploy/service-account.json", K::GcpCredentials),
            ("/root/.azure/msal_token_cache.json", K::AzureCredentials),
            ("/root/.kube/config", K::KubeConfig),
            ("prod.kubeconfig", K::KubeConfig),
            ("terraform.tfstate", K::TerraformState),
            ("/root/.pgpass", K::DatabaseClientConfig),
            ("/root/.my.cnf", K::DatabaseClientConfig),
            ("/etc/nginx/.htpasswd", K::Htpasswd),
            ("/root/.vault-token", K::ToolCredentials),
            ("/root/.cargo/credentials.toml", K::ToolCredentials),
            ("/root/.gnupg/private-keys-v1.d/ABCD.key", K::GpgPrivateKeys),
        ];
        for (p, k) in cases {
            assert_eq!(secret_file_kind(p), Some(k), "{p}");
        }
    }

    #[test]
    fn public_material_and_templates_are_not_secret_files() {
        for p in [
            "id_rsa.pub",
            "/root/.ssh/id_ed25519.pub",
            "/etc/ssh/ssh_host_rsa_key.pub",
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/ssl/certs/ISRG_Root_X1.pem",
            "/usr/share/ca-certificates/mozilla/DigiCert.pem",
            "/usr/local/lib/python3.11/site-packages/certifi/cacert.pem",
            "/etc/pki/tls/certs/ca-bundle.pem",
            "cert.pem",
            "fullchain.pem",
            "ca.pem",
            "server-cert.pem",
            "tests/data/es256_publickey.pem",
            "/usr/share/gnupg/sks-keyservers.netCA.pem",
            "/etc/apt/trusted.gpg.d/docker.key",
            "/usr/share/keyrings/nodesource.gpg.key",
            "repo.gpg.key",
            ".env.example",
            ".env.sample",
            ".env.template",
            "/etc/pki/java/cacerts.jks",
            "config.json",
            "/app/config",
            "Dockerfile",
            "main.py",
            "",
            "/",
        ] {
            assert_eq!(secret_file_kind(p), None, "{p}");
        }
    }

    #[test]
    fn documentation_and_test_paths_are_allowlisted() {
        for p in [
            "/usr/share/doc/openssl/examples/key.pem",
            "usr/share/man/man1/ssh.1.gz",
            "/usr/lib/python3/dist-packages/cryptography/hazmat/x.py",
            "/usr/local/lib/python3.11/site-packages/boto3/docs/x.py",
            "/opt/venv/lib/python3.11/site-packages/jwt/api_jwt.py",
            "/app/node_modules/jsonwebtoken/test/priv.pem",
            "src/tests/data/key.pem",
            "pkg/testdata/id_rsa",
            "/usr/local/go/src/crypto/tls/example_test.go",
            "/root/go/pkg/mod/github.com/x/y@v1/key.pem",
            "README.md",
            "docs/setup.rst",
            "app/static/main.js.map",
            "config/settings.example",
            "/usr/lib/python3.11/site-packages/foo.dist-info/METADATA",
            "/root/.pyenv/versions/3.13.0/lib/python3.13/urllib/request.py",
        ] {
            assert!(is_allowlisted_path(p), "{p}");
        }
        for p in [
            "/app/.env",
            "/root/.ssh/id_rsa",
            "/etc/app.conf",
            "/srv/app/config/production.yml",
            "/usr/local/bin/app",
            "/home/tester/.npmrc",
            "/opt/latest/key.pem",
            "",
        ] {
            assert!(!is_allowlisted_path(p), "{p}");
        }
    }

    #[test]
    fn config_like_paths() {
        assert!(is_config_like_path("/etc/app.conf"));
        assert!(is_config_like_path("/etc/default/app"));
        assert!(is_config_like_path("app/config/database.yml"));
        assert!(is_config_like_path(".env.local"));
        assert!(is_config_like_path("/root/.pypirc"));
        assert!(!is_config_like_path("/app/main.py"));
        assert!(!is_config_like_path("/usr/bin/ls"));
    }
}
