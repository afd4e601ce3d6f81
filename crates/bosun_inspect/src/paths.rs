//! Path knowledge: which files may hold secrets (so only those bodies are read), where
//! well-known false alarms live, and the lists of tools, caches and stock setuid files.

/// How much of a file the secret checks want to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyClass {
    /// Its name says key or credentials (`id_rsa`, `.pem`, `.netrc`, `.env`, ...).
    KeyLike,
    /// Configuration text (`.conf`, `.yaml`, files without extension under `etc/`, ...).
    Config,
    /// Application source outside installed packages (`.py`, `.js`, `.sh`, ...).
    Source,
}

pub(crate) const MAX_KEYLIKE: u64 = 1 << 20;
pub(crate) const MAX_CONFIG: u64 = 512 << 10;
pub(crate) const MAX_SOURCE: u64 = 256 << 10;

pub(crate) fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn extension(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if i > 0 => &name[i + 1..],
        _ => "",
    }
}

/// Directories that hold installed packages or distro data, not the application.
pub(crate) fn in_package_dir(path: &str) -> bool {
    path.starts_with("usr/share/")
        || path.starts_with("usr/lib/")
        || path.starts_with("usr/include/")
        || path.starts_with("usr/local/go/")
        || path.starts_with("usr/local/lib/")
        || path.starts_with("usr/libexec/")
        || path.starts_with("lib/")
        || path.contains("/site-packages/")
        || path.contains("/dist-packages/")
        || path.contains("node_modules/")
        || path.contains("/vendor/")
        || path.contains("/.cargo/registry/")
        || path.contains("/go/pkg/mod/")
}

const KEYLIKE_NAMES: &[&str] = &[
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "id_ecdsa_sk",
    "id_ed25519_sk",
    "identity",
    ".netrc",
    "_netrc",
    ".git-credentials",
    ".pypirc",
    ".npmrc",
    ".yarnrc",
    ".yarnrc.yml",
    ".dockercfg",
    "credentials",
    "credentials.json",
    "credential.json",
    ".htpasswd",
    ".pgpass",
    ".my.cnf",
    ".s3cfg",
    "accessTokens.json",
    "msal_token_cache.json",
    "msal_token_cache.bin",
    "application_default_credentials.json",
    "settings-security.xml",
    ".env",
];

const KEYLIKE_EXT: &[&str] = &[
    "pem",
    "key",
    "p8",
    "ppk",
    "asc",
    "priv",
    "private_key",
    "pkcs8",
    "openssh",
    "env",
    "tfvars",
];

const CONFIG_EXT: &[&str] = &[
    "conf",
    "cfg",
    "cnf",
    "ini",
    "properties",
    "yaml",
    "yml",
    "toml",
    "json",
    "xml",
    "txt",
    "config",
    "rc",
    "secret",
    "secrets",
    "sql",
];

const SOURCE_EXT: &[&str] = &[
    "py", "js", "mjs", "cjs", "ts", "rb", "php", "go", "java", "pl", "sh", "bash", "ps1", "cs",
];

/// Whether (and how) the secret checks want this file's body.
pub(crate) fn body_class(path: &str, size: u64) -> Option<BodyClass> {
    if size < 8 || skip_tree(path) {
        return None;
    }
    let name = basename(path);
    let ext = extension(name);
    let keylike = KEYLIKE_NAMES.contains(&name)
        || KEYLIKE_EXT.contains(&ext)
        || name.starts_with(".env.")
        || (name.starts_with("ssh_host_") && name.ends_with("_key"))
        || (path.contains(".docker/") && name == "config.json")
        || (path.contains(".aws/") && (name == "credentials" || name == "config"))
        || (name.starts_with("service-account") && ext == "json")
        || (path.contains(".m2/") && name == "settings.xml");
    if keylike {
        return (size <= MAX_KEYLIKE).then_some(BodyClass::KeyLike);
    }
    if in_package_dir(path) {
        return None;
    }
    let app_dir = path.starts_with("etc/")
        || path.starts_with("root/")
        || path.starts_with("home/")
        || path.starts_with("app/")
        || path.starts_with("srv/")
        || path.starts_with("opt/")
        || path.starts_with("usr/src/")
        || path.starts_with("var/www/")
        || path.starts_with("usr/local/etc/")
        || !path.contains('/');
    if CONFIG_EXT.contains(&ext) || (ext.is_empty() && app_dir) {
        return (size <= MAX_CONFIG).then_some(BodyClass::Config);
    }
    if SOURCE_EXT.contains(&ext) {
        return (size <= MAX_SOURCE).then_some(BodyClass::Source);
    }
    None
}

fn skip_tree(path: &str) -> bool {
    path.starts_with("proc/")
        || path.starts_with("sys/")
        || path.starts_with("dev/")
        || path.starts_with("var/lib/dpkg/")
        || path.starts_with("var/lib/apt/")
        || path.starts_with("var/cache/")
        || path.starts_with("var/log/")
        || path.contains("/.git/")
        || path.starts_with(".git/")
        || path.starts_with("etc/ssl/certs/")
        || path.starts_with("etc/ca-certificates")
        || path.ends_with("package-lock.json")
        || path.ends_with("yarn.lock")
        || path.ends_with(".map")
}

/// Why a secret found at `path` is a known false alarm, if it is.
pub(crate) fn allowed_path(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    let segs: Vec<&str> = lower.split('/').collect();
    let dirs = segs.get(..segs.len().saturating_sub(1)).unwrap_or(&[]);
    let test_dir = dirs.iter().any(|d| {
        matches!(
            *d,
            "test"
                | "tests"
                | "testing"
                | "testdata"
                | "test-data"
                | "test_data"
                | "__tests__"
                | "spec"
                | "fixtures"
                | "fixture"
                | "__fixtures__"
                | "example"
                | "examples"
                | "sample"
                | "samples"
                | "demo"
                | "doc"
                | "docs"
                | "benchmark"
                | "benchmarks"
        ) || d.starts_with("test_")
            || d.ends_with("_test")
            || d.ends_with("-tests")
            || d.ends_with("_tests")
    });
    if test_dir {
        return Some("test, example or documentation path");
    }
    let name = segs.last().copied().unwrap_or("");
    if name.ends_with(".md")
        || name.ends_with(".rst")
        || name.starts_with("test_")
        || name.contains("example")
    {
        return Some("test, example or documentation path");
    }
    if lower.contains("/site-packages/")
        || lower.contains("/dist-packages/")
        || lower.contains("node_modules/")
        || lower.contains(".dist-info/")
        || lower.contains("/vendor/")
    {
        return Some("inside an installed package");
    }
    if lower.starts_with("usr/share/")
        || lower.starts_with("usr/lib/")
        || lower.starts_with("usr/include/")
        || lower.starts_with("usr/local/go/")
    {
        return Some("distribution package data");
    }
    None
}

/// Setuid/setgid files that stock distro packages ship, keyed without a leading `usr/`
/// (so `bin/su` and `usr/bin/su` both match).
const STOCK_SETUID: &[&str] = &[
    "bin/passwd",
    "bin/su",
    "bin/mount",
    "bin/umount",
    "bin/chsh",
    "bin/chfn",
    "bin/newgrp",
    "bin/gpasswd",
    "bin/chage",
    "bin/expiry",
    "bin/wall",
    "bin/write",
    "bin/bsd-write",
    "bin/crontab",
    "bin/at",
    "bin/ssh-agent",
    "bin/sudo",
    "bin/sudoedit",
    "bin/pkexec",
    "bin/ping",
    "bin/ping6",
    "bin/traceroute6.iputils",
    "bin/fusermount",
    "bin/fusermount3",
    "bin/newuidmap",
    "bin/newgidmap",
    "bin/mlocate",
    "bin/plocate",
    "bin/dotlockfile",
    "bin/bbsuid",
    "bin/doas",
    "sbin/unix_chkpwd",
    "sbin/pam_timestamp_check",
    "sbin/mount.nfs",
    "sbin/userhelper",
    "sbin/pam_extrausers_chkpwd",
    "bin/staprun",
    "lib/openssh/ssh-keysign",
    "libexec/openssh/ssh-keysign",
    "lib/dbus-1.0/dbus-daemon-launch-helper",
    "libexec/dbus-1/dbus-daemon-launch-helper",
    "lib/policykit-1/polkit-agent-helper-1",
    "libexec/polkit-agent-helper-1",
    "lib/polkit-1/polkit-agent-helper-1",
    "sbin/postdrop",
    "sbin/postqueue",
    "bin/ntfs-3g",
    "lib/x86_64-linux-gnu/utempter/utempter",
    "lib/utempter/utempter",
    "libexec/utempter/utempter",
    "bin/screen",
    "sbin/grub2-set-bootflag",
];

pub(crate) fn stock_setuid(path: &str) -> bool {
    let p = path.strip_prefix("usr/").unwrap_or(path);
    STOCK_SETUID.contains(&p)
}

/// A tool kind shown by `tools-present`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ToolKind {
    Shell,
    PackageManager,
    Compiler,
    NetworkOrAdmin,
}

impl ToolKind {
    pub(crate) fn label(self) -> &'static str {
        match self {
            ToolKind::Shell => "shells",
            ToolKind::PackageManager => "package managers",
            ToolKind::Compiler => "compilers and build tools",
            ToolKind::NetworkOrAdmin => "network and admin tools",
        }
    }
}

const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "busybox",
];
const PACKAGE_MANAGERS: &[&str] = &[
    "apt", "apt-get", "dpkg", "apk", "yum", "dnf", "microdnf", "rpm", "zypper", "pacman", "pip",
    "pip3", "npm", "yarn", "pnpm", "gem", "cargo", "composer",
];
const COMPILERS: &[&str] = &[
    "gcc", "g++", "cc", "c++", "clang", "clang++", "go", "rustc", "javac", "make", "cmake", "as",
    "ld",
];
const NETWORK_ADMIN: &[&str] = &[
    "curl", "wget", "nc", "netcat", "ncat", "socat", "nmap", "tcpdump", "strace", "gdb", "ssh",
    "scp", "sftp", "telnet", "ftp", "tftp", "rsync",
];

/// Whether `path` is directly in a `bin` or `sbin` directory.
pub(crate) fn tool_dir(path: &str) -> bool {
    path.rsplit_once('/').is_some_and(|(dir, _)| {
        matches!(
            dir,
            "bin" | "sbin" | "usr/bin" | "usr/sbin" | "usr/local/bin" | "usr/local/sbin"
        )
    })
}

/// If `path` is a tool in a `bin` directory, its kind and name.
pub(crate) fn tool(path: &str) -> Option<(ToolKind, &str)> {
    if !tool_dir(path) {
        return None;
    }
    let name = basename(path);
    if SHELLS.contains(&name) {
        Some((ToolKind::Shell, name))
    } else if PACKAGE_MANAGERS.contains(&name) {
        Some((ToolKind::PackageManager, name))
    } else if COMPILERS.contains(&name) {
        Some((ToolKind::Compiler, name))
    } else if NETWORK_ADMIN.contains(&name) {
        Some((ToolKind::NetworkOrAdmin, name))
    } else {
        None
    }
}

/// Package-manager caches: the cache a path belongs to, if any.
pub(crate) fn cache(path: &str) -> Option<&'static str> {
    if let Some(rest) = path.strip_prefix("var/lib/apt/lists/") {
        let first = rest.split('/').next().unwrap_or("");
        return (!matches!(first, "" | "lock" | "partial" | "auxfiles"))
            .then_some("var/lib/apt/lists");
    }
    if let Some(rest) = path.strip_prefix("var/cache/apt/") {
        return rest.ends_with(".bin").then_some("var/cache/apt");
    }
    for prefix in [
        "var/cache/apk/",
        "var/cache/yum/",
        "var/cache/dnf/",
        "root/.cache/pip/",
        "root/.npm/_cacache/",
    ] {
        if path.starts_with(prefix) {
            return Some(prefix.trim_end_matches('/'));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_gating() {
        assert_eq!(
            body_class("root/.ssh/id_rsa", 400),
            Some(BodyClass::KeyLike)
        );
        assert_eq!(body_class("app/.env", 60), Some(BodyClass::KeyLike));
        assert_eq!(body_class("etc/app.conf", 20), Some(BodyClass::Config));
        assert_eq!(body_class("app/main.py", 20), Some(BodyClass::Source));
        assert_eq!(
            body_class("opt/venv/lib/python3.11/site-packages/x/y.py", 20),
            None
        );
        assert_eq!(
            body_class("usr/lib/x86_64-linux-gnu/libc.so.6", 2_000_000),
            None
        );
        assert_eq!(body_class("usr/bin/find", 200_000), None);
        assert_eq!(
            body_class("etc/ssl/certs/ca-certificates.crt", 200_000),
            None
        );
        assert_eq!(body_class("root/.ssh/id_rsa", 10 << 20), None);
    }

    #[test]
    fn allow_rules() {
        assert!(allowed_path("app/node_modules/jws/test/keys/private.pem").is_some());
        assert!(allowed_path("opt/venv/lib/python3.11/site-packages/a/b.pem").is_some());
        assert!(allowed_path("usr/share/doc/openssl/demo.key").is_some());
        assert!(allowed_path("root/.ssh/id_rsa").is_none());
        assert!(allowed_path("app/.env").is_none());
        assert!(allowed_path("etc/app.conf").is_none());
    }

    #[test]
    fn lists() {
        assert!(stock_setuid("usr/bin/passwd") && stock_setuid("bin/su"));
        assert!(!stock_setuid("usr/bin/find"));
        assert_eq!(tool("usr/bin/bash"), Some((ToolKind::Shell, "bash")));
        assert_eq!(
            tool("usr/bin/apt-get"),
            Some((ToolKind::PackageManager, "apt-get"))
        );
        assert_eq!(tool("usr/lib/bash"), None);
        assert_eq!(
            cache("var/lib/apt/lists/deb.debian.org_InRelease"),
            Some("var/lib/apt/lists")
        );
        assert_eq!(cache("var/lib/apt/lists/lock"), None);
        assert_eq!(cache("var/lib/apt/lists/partial"), None);
        assert_eq!(cache("var/cache/apt/pkgcache.bin"), Some("var/cache/apt"));
        assert_eq!(
            cache("root/.npm/_cacache/index-v5/x"),
            Some("root/.npm/_cacache")
        );
    }
}
