//! `bosun key generate` and `bosun key public`: cosign-compatible key files.
//!
//! [`password`] is the one place passwords are obtained (also for signing
//! commands): `BOSUN_PASSWORD`, then `COSIGN_PASSWORD` (an empty value is a
//! valid, empty password, as in cosign), else a no-echo prompt when stdin is a
//! terminal. Passwords are never printed and are zeroed when dropped.

use std::fs::OpenOptions;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use bosun_sign::SigningKey;
use zeroize::Zeroizing;

use crate::cli::{KeyArgs, KeyCommand, KeyGenerateArgs, KeyPublicArgs};
use crate::ExitStatus;

pub fn run(args: &KeyArgs) -> anyhow::Result<ExitStatus> {
    match &args.command {
        KeyCommand::Generate(a) => generate(a),
        KeyCommand::Public(a) => public(a),
    }
}

/// Why a password is asked for: a new key asks twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordFor {
    NewKey,
    ExistingKey,
}

/// The key password from the environment or a terminal prompt.
pub fn password(purpose: PasswordFor) -> anyhow::Result<Zeroizing<Vec<u8>>> {
    for var in ["BOSUN_PASSWORD", "COSIGN_PASSWORD"] {
        if let Some(value) = std::env::var_os(var) {
            let value = value
                .into_string()
                .map_err(|_| anyhow::anyhow!("{var} is not valid UTF-8"))?;
            return Ok(Zeroizing::new(value.into_bytes()));
        }
    }
    if !std::io::stdin().is_terminal() {
        bail!("no password: set BOSUN_PASSWORD or COSIGN_PASSWORD (there is no terminal to prompt on)");
    }
    let first = Zeroizing::new(
        rpassword::prompt_password("Enter password for private key: ")
            .context("reading the password")?,
    );
    if purpose == PasswordFor::NewKey {
        let again = Zeroizing::new(
            rpassword::prompt_password("Enter password for private key again: ")
                .context("reading the password")?,
        );
        if *first != *again {
            bail!("the two passwords differ");
        }
    }
    Ok(Zeroizing::new(first.as_bytes().to_vec()))
}

fn with_extension(prefix: &Path, ext: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

fn generate(args: &KeyGenerateArgs) -> anyhow::Result<ExitStatus> {
    let key_path = with_extension(&args.output, "key");
    let pub_path = with_extension(&args.output, "pub");
    for path in [&key_path, &pub_path] {
        if path.symlink_metadata().is_ok() {
            bail!(
                "{} already exists; refusing to overwrite it",
                path.display()
            );
        }
    }
    let password = password(PasswordFor::NewKey)?;
    let key = SigningKey::try_generate_p256()?;
    let private_pem = Zeroizing::new(key.to_cosign_pem(&password)?);
    let public_pem = key.public_key().to_pem();

    write_new(&key_path, private_pem.as_bytes(), 0o600)?;
    if let Err(e) = write_new(&pub_path, public_pem.as_bytes(), 0o644) {
        // Do not leave half a key pair behind.
        let _ = std::fs::remove_file(&key_path);
        return Err(e);
    }
    eprintln!("Private key written to {}", key_path.display());
    eprintln!("Public key written to {}", pub_path.display());
    Ok(ExitStatus::Clean)
}

/// Creates `path` (never replacing an existing file) with `mode` and `bytes`.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let result = options.open(path).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    result.with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        // The umask may have narrowed the mode on creation; make it exact.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting the mode of {}", path.display()))?;
    }
    Ok(())
}

fn public(args: &KeyPublicArgs) -> anyhow::Result<ExitStatus> {
    let pem =
        std::fs::read(&args.key).with_context(|| format!("reading {}", args.key.display()))?;
    let key = match SigningKey::from_pem(&pem, None) {
        Err(bosun_sign::KeyError::PasswordRequired) => {
            let password = password(PasswordFor::ExistingKey)?;
            SigningKey::from_pem(&pem, Some(&password))
        }
        other => other,
    }
    .with_context(|| format!("reading the key {}", args.key.display()))?;
    let mut out = std::io::stdout().lock();
    out.write_all(key.public_key().to_pem().as_bytes())?;
    Ok(ExitStatus::Clean)
}
