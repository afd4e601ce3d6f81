//! The image rules: codes `BSI1xx`, with Dockle's and Trivy's IDs as aliases where they
//! have the same check. Each rule's `docs` is its page (what, why, a Dockerfile that
//! builds a bad image and one that builds a good image).

use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};

pub static ROOT_USER: RuleMeta = RuleMeta {
    code: "BSI100",
    name: "image-runs-as-root",
    area: Area::Image,
    group: "image",
    aliases: &["CIS-DI-0001", "DS-0002", "DS002"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "The image's default user is root (User empty, `root`, `0`, `0:0`, `root:root`, ...).",
    docs: r#"## What it does
Flags an image whose config `User` is empty or names root: `root`, `0`, or any `user:group`
form whose user part is `root` or `0` (`0:0`, `root:root`, `0:root`).

## Why is this bad?
A process that runs as root inside the container is root on the host's kernel: any escape
or mis-mounted volume becomes a host compromise. Dockle's CIS-DI-0001 compares the string
with `root` only and misses `0` and `0:0`; this rule does not.

## Example
```dockerfile bad
FROM debian:bookworm
CMD ["app"]
```

```dockerfile good
FROM debian:bookworm
RUN useradd -u 10001 app
USER 10001
CMD ["app"]
```
"#,
};

pub static SECRET_IN_CONFIG: RuleMeta = RuleMeta {
    code: "BSI101",
    name: "secret-in-image-config",
    area: Area::Image,
    group: "image",
    aliases: &["CIS-DI-0010", "DS-0031", "DS031"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A secret value is set in the image config (Env, Labels, Cmd or Entrypoint).",
    docs: r#"## What it does
Flags environment variables and labels whose name says they hold a secret (`*_PASSWORD`,
`*_TOKEN`, `*_SECRET`, `*_KEY`, `AWS_SECRET_ACCESS_KEY`, ...) and that have a literal
value, values with credentials in a URL (`postgres://user:pass@host`), and tokens in
known formats (GitHub, GitLab, Slack, Stripe, npm, PyPI, AWS keys, ...) anywhere in `Env`,
`Labels`, `Cmd` or `Entrypoint`. Values are never printed in full.

## Why is this bad?
The config is readable by anyone who can pull the image (`docker inspect`), and every
container started from it carries the value in its environment.

## Example
```dockerfile bad
FROM debian:bookworm
ENV DB_PASSWORD=correct-horse-battery
```

```dockerfile good
FROM debian:bookworm
# pass it at run time: docker run -e DB_PASSWORD ...
# or mount it: RUN --mount=type=secret,id=aws ...
```
"#,
};

pub static SECRET_IN_HISTORY: RuleMeta = RuleMeta {
    code: "BSI102",
    name: "secret-in-image-history",
    area: Area::Image,
    group: "image",
    aliases: &["CIS-DI-0010", "DS-0031", "DS031"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A build argument or ENV value that holds a secret is recorded in the image history.",
    docs: r#"## What it does
Reads every history entry's `created_by`: the build arguments builders record before
`RUN` commands (`|1 DB_PASSWORD=... /bin/sh -c ...`), `ARG` and `ENV` instructions
(classic `#(nop) ENV ...`, BuildKit's `ENV ...`, Buildah's), and flags secret-named
values and known token formats. Values are never printed in full.

## Why is this bad?
`ARG` looks temporary but is not: the value of every build argument a `RUN` uses is stored
in the image's history, which `docker history --no-trunc` prints for anyone who can pull
the image. An `ENV` that is later overridden also stays in the history.

## Example
```dockerfile bad
FROM debian:bookworm
ARG DB_PASSWORD=correct-horse-battery
RUN ./configure-db --password "$DB_PASSWORD"
```

```dockerfile good
FROM debian:bookworm
RUN --mount=type=secret,id=db_password ./configure-db --password-file /run/secrets/db_password
```
"#,
};

pub static PRIVATE_KEY_IN_LAYER: RuleMeta = RuleMeta {
    code: "BSI110",
    name: "private-key-in-layer",
    area: Area::Image,
    group: "image",
    aliases: &["CIS-DI-0010"],
    severity: Severity::Critical,
    fix: FixAvailability::None,
    summary:
        "A private key (PEM, OpenSSH, PGP, PuTTY) is in a layer, even if a later layer deletes it.",
    docs: r#"## What it does
Finds private keys in every layer's files: PEM (`-----BEGIN ... PRIVATE KEY-----`),
OpenSSH, PGP private key blocks and PuTTY keys. Says whether the file is still in the final
filesystem, or was deleted or overwritten by a later layer. Well-known example keys and
keys in documentation and test directories of installed packages are not reported.

## Why is this bad?
A layer is an immutable tar: deleting the key in a later layer hides it from the running
container but every puller still downloads it (`docker save` + `tar x` gets it back).

## Example
```dockerfile bad
FROM debian:bookworm
COPY id_rsa /root/.ssh/id_rsa
RUN git clone git@example.com:org/repo.git && rm /root/.ssh/id_rsa
```

```dockerfile good
FROM debian:bookworm
RUN --mount=type=ssh git clone git@example.com:org/repo.git
```
"#,
};

pub static CREDENTIAL_FILE_IN_LAYER: RuleMeta = RuleMeta {
    code: "BSI111",
    name: "credential-file-in-layer",
    area: Area::Image,
    group: "image",
    aliases: &["CIS-DI-0010"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A credentials file (cloud, registry, package index, git, netrc) with a secret is in a layer.",
    docs: r#"## What it does
Finds credential files that hold a secret: AWS `credentials`, GCP service-account JSON,
Azure token caches, Docker `config.json` with `auths`, `.netrc`, `.git-credentials`,
`.pypirc`, `.npmrc` with an auth token. Reports files deleted in later layers too.

## Why is this bad?
These files give whoever pulls the image the same access as the account they belong to.

## Example
```dockerfile bad
FROM python:3.12
COPY .pypirc /root/.pypirc
RUN pip install -r requirements.txt && rm /root/.pypirc
```

```dockerfile good
FROM python:3.12
RUN --mount=type=secret,id=pypirc,target=/root/.pypirc pip install -r requirements.txt
```
"#,
};

pub static TOKEN_IN_LAYER: RuleMeta = RuleMeta {
    code: "BSI112",
    name: "secret-token-in-layer",
    area: Area::Image,
    group: "image",
    aliases: &["CIS-DI-0010"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A token in a known format (GitHub, GitLab, Slack, Stripe, npm, PyPI, AWS, ...) is in a layer file.",
    docs: r#"## What it does
Finds tokens whose format identifies them (GitHub `ghp_`/`github_pat_`, GitLab `glpat-`,
Slack `xox?-`, Stripe `sk_live_`, npm `npm_`, PyPI `pypi-`, AWS access key ids and secret
keys, ...) in the text files of every layer that could hold configuration or code.
Example values from vendor documentation are not reported.

## Why is this bad?
Tokens in an image are readable by everyone who can pull it, forever.

## Example
```dockerfile bad
FROM node:22
RUN echo "//registry.npmjs.org/:_authToken=npm_AbC...xyz" > /root/.npmrc && npm ci
```

```dockerfile good
FROM node:22
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```
"#,
};

pub static PASSWORD_IN_LAYER: RuleMeta = RuleMeta {
    code: "BSI113",
    name: "password-in-layer",
    area: Area::Image,
    group: "image",
    aliases: &["CIS-DI-0010"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A password is written in a layer file (`.env`, `password=` assignments, URL credentials, build-arg values).",
    docs: r#"## What it does
Finds passwords in text files of every layer: `.env` files with secret-named variables or
URLs with credentials (`postgres://user:pass@db`), `password=`/`secret:` assignments in
configuration files whose value looks random enough to be real (judged by length, entropy
and character classes; placeholders like `changeme` or `${DB_PASSWORD}` are ignored), and
any file that contains the value of a secret build argument or ENV from the history.

## Why is this bad?
Whoever pulls the image reads the file, even when a later layer deletes it.

## Example
```dockerfile bad
FROM debian:bookworm
ARG DB_PASSWORD
RUN echo "password=$DB_PASSWORD" > /etc/app.conf
COPY .env /app/.env
```

```dockerfile good
FROM debian:bookworm
# read the password at run time from a mounted secret or the environment
CMD ["app", "--password-file", "/run/secrets/db_password"]
```
"#,
};

pub static SETUID_FILE: RuleMeta = RuleMeta {
    code: "BSI120",
    name: "setuid-setgid-file",
    area: Area::Image,
    group: "image",
    aliases: &["CIS-DI-0008"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary:
        "A file in the final filesystem has the setuid or setgid bit; unusual ones are errors.",
    docs: r#"## What it does
Lists files with the setuid or setgid bit in the final filesystem. The ones Debian, Ubuntu,
Alpine and Red Hat base packages ship (`passwd`, `su`, `mount`, `chsh`, ...) are reported
at `info`; any other one (a setuid `find`, `bash`, `python`) is an `error`.

## Why is this bad?
A setuid binary runs as its owner (root) whatever user starts it: a setuid `find` gives a
root shell to any user (`find . -exec /bin/sh -p \;`).

## Example
```dockerfile bad
FROM debian:bookworm
RUN chmod 4755 /usr/bin/find
```

```dockerfile good
FROM debian:bookworm
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true
```
"#,
};

pub static WORLD_WRITABLE: RuleMeta = RuleMeta {
    code: "BSI121",
    name: "world-writable-path",
    area: Area::Image,
    group: "image",
    aliases: &[],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A file, or a directory without the sticky bit, is writable by every user.",
    docs: r#"## What it does
Flags regular files with mode `o+w` and directories with `o+w` but no sticky bit in the
final filesystem (`/tmp`-style directories with the sticky bit are fine).

## Why is this bad?
Any process in the container, whatever its user, can replace or plant files there: a
program or configuration read from it can be hijacked.

## Example
```dockerfile bad
FROM debian:bookworm
RUN mkdir /data && chmod 777 /data
```

```dockerfile good
FROM debian:bookworm
RUN install -d -o app -g app -m 0750 /data
```
"#,
};

pub static GIT_DIRECTORY: RuleMeta = RuleMeta {
    code: "BSI122",
    name: "git-directory-in-image",
    area: Area::Image,
    group: "image",
    aliases: &["DKL-LI-0003"],
    severity: Severity::Low,
    fix: FixAvailability::None,
    summary: "A `.git` directory is in the final filesystem.",
    docs: r#"## What it does
Flags `.git` directories left in the final filesystem.

## Why is this bad?
The history of the repository ships with the image: deleted secrets, internal URLs, and
the remote's credentials in `.git/config`. It also makes the image bigger.

## Example
```dockerfile bad
FROM python:3.12
COPY . /app
```

```dockerfile good
# .dockerignore contains `.git`
FROM python:3.12
COPY . /app
```
"#,
};

pub static HOSTILE_LAYER_ENTRIES: RuleMeta = RuleMeta {
    code: "BSI124",
    name: "hostile-layer-entries",
    area: Area::Image,
    group: "image",
    aliases: &[],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A layer carries entries no image builder writes: paths that climb out of the root, absolute paths, hard links out of the root, or device nodes.",
    docs: r#"## What it does
Flags each layer whose tar holds entries that a container runtime must refuse or sanitise:
a path with `..` that climbs above the root (`../../etc/cron.d/x`), an absolute path
(`/etc/passwd` written as such), a hard link whose target climbs out of the root, or a
character or block device node (except the stock `/dev/null`, `zero`, `full`, `random`,
`urandom`, `tty`, `console` and `ptmx` that debootstrap-made root filesystems ship). bosun never writes anything to disk, so nothing happens
while reading; the layer is reported once, with the count and the first few entries (their
names escaped).

## Why is this bad?
No Dockerfile instruction produces these entries: the layer was crafted or rewritten by
hand. An extractor with a path-traversal bug (several runtimes and tools have had one)
writes outside the container's root; a device node gives a process in the container
access to host hardware when the runtime does not drop it.

## Example
```dockerfile bad
# The base image's layer was crafted: it holds ../../etc/cron.d/x and /dev/mem.
FROM registry.example/crafted:1
```

```dockerfile good
FROM debian:bookworm
COPY app /usr/local/bin/app
```
"#,
};

pub static PACKAGE_CACHE: RuleMeta = RuleMeta {
    code: "BSI123",
    name: "package-cache-left",
    area: Area::Image,
    group: "image",
    aliases: &["DKL-DI-0005"],
    severity: Severity::Low,
    fix: FixAvailability::None,
    summary: "Package-manager caches or apt lists were left in the final filesystem.",
    docs: r#"## What it does
Flags non-empty `var/lib/apt/lists`, `var/cache/apt/*.bin`, `var/cache/apk`,
`var/cache/yum`, `var/cache/dnf`, `root/.cache/pip` and `root/.npm/_cacache` in the final
filesystem, with their size.

## Why is this bad?
They make the image bigger and pin stale package indexes; they have no use at run time.

## Example
```dockerfile bad
FROM debian:bookworm
RUN apt-get update && apt-get install -y curl
```

```dockerfile good
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
```
"#,
};

pub static TOOLS_PRESENT: RuleMeta = RuleMeta {
    code: "BSI130",
    name: "tools-present",
    area: Area::Image,
    group: "image",
    aliases: &[],
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary:
        "Shells, package managers, compilers or network/admin tools are in the final filesystem.",
    docs: r#"## What it does
Lists the shells, package managers, compilers and network or debugging tools in the final
filesystem, one finding per kind.

## Why is this bad?
They are what an attacker uses after getting code execution; a runtime image needs none
of them. This is information: distroless and `scratch` images show none.

## Example
```dockerfile bad
FROM golang:1.23
COPY . /src
RUN go build -o /app /src
CMD ["/app"]
```

```dockerfile good
FROM golang:1.23 AS build
COPY . /src
RUN CGO_ENABLED=0 go build -o /app /src
FROM scratch
COPY --from=build /app /app
CMD ["/app"]
```
"#,
};

pub static SUDO_PRESENT: RuleMeta = RuleMeta {
    code: "BSI131",
    name: "sudo-installed",
    area: Area::Image,
    group: "image",
    aliases: &["DKL-DI-0001", "DS-0010"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "`sudo` is installed in the image.",
    docs: r#"## What it does
Flags `sudo` (or `doas`) in the final filesystem.

## Why is this bad?
Containers should start with the privileges they need; `sudo` in an image means a process
can become root, and its setuid binary is a long-standing source of privilege escalations.

## Example
```dockerfile bad
FROM debian:bookworm
RUN apt-get update && apt-get install -y sudo
```

```dockerfile good
FROM debian:bookworm
# run the privileged step at build time, as root, then drop to a user
USER 10001
```
"#,
};

pub static SSH_SERVER: RuleMeta = RuleMeta {
    code: "BSI132",
    name: "ssh-server-installed",
    area: Area::Image,
    group: "image",
    aliases: &[],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "An ssh server (`sshd`, `dropbear`) is installed in the image.",
    docs: r#"## What it does
Flags `usr/sbin/sshd` or `dropbear` in the final filesystem.

## Why is this bad?
A container is entered with `docker exec`/`kubectl exec`; an ssh server adds a network
listener, keys and passwords to manage (CIS Docker Benchmark 5.7).

## Example
```dockerfile bad
FROM debian:bookworm
RUN apt-get update && apt-get install -y openssh-server
```

```dockerfile good
FROM debian:bookworm
# no ssh server: use `docker exec` or `kubectl exec`
```
"#,
};

pub static SSH_HOST_KEYS: RuleMeta = RuleMeta {
    code: "BSI133",
    name: "ssh-host-keys-baked",
    area: Area::Image,
    group: "image",
    aliases: &[],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "ssh host private keys (`etc/ssh/ssh_host_*_key`) are baked into the image.",
    docs: r#"## What it does
Flags `etc/ssh/ssh_host_*_key` files in any layer.

## Why is this bad?
Every container from the image shares the same host keys, and everyone who can pull the
image has them: they can impersonate any of those servers.

## Example
```dockerfile bad
FROM debian:bookworm
RUN apt-get update && apt-get install -y openssh-server
```

```dockerfile good
FROM debian:bookworm
RUN apt-get update && apt-get install -y openssh-server && rm -f /etc/ssh/ssh_host_*
# generate host keys at start: ssh-keygen -A
```
"#,
};

pub static EMPTY_PASSWORD: RuleMeta = RuleMeta {
    code: "BSI140",
    name: "empty-password",
    area: Area::Image,
    group: "image",
    aliases: &["DKL-LI-0001"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A user in `/etc/shadow` (or `/etc/passwd`) has an empty password.",
    docs: r#"## What it does
Reads `/etc/shadow` and `/etc/passwd` of the final filesystem and flags users whose
password field is empty (anyone can log in as them without a password).

## Why is this bad?
`su user` or a login service then needs no password.

## Example
```dockerfile bad
FROM debian:bookworm
RUN useradd app && passwd -d app
```

```dockerfile good
FROM debian:bookworm
RUN useradd app
```
"#,
};

pub static DUPLICATE_ID: RuleMeta = RuleMeta {
    code: "BSI141",
    name: "duplicate-uid-gid",
    area: Area::Image,
    group: "image",
    aliases: &["DKL-LI-0002"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Two users share a UID, or two groups share a GID.",
    docs: r#"## What it does
Reads `/etc/passwd` and `/etc/group` of the final filesystem and flags UIDs and GIDs used
by more than one name.

## Why is this bad?
Users with the same UID are the same user to the kernel: file permissions meant for one
apply to the other.

## Example
```dockerfile bad
FROM debian:bookworm
RUN useradd -o -u 1000 a && useradd -o -u 1000 b
```

```dockerfile good
FROM debian:bookworm
RUN useradd -u 1000 a && useradd -u 1001 b
```
"#,
};

pub static NON_ROOT_UID0: RuleMeta = RuleMeta {
    code: "BSI142",
    name: "non-root-uid-0",
    area: Area::Image,
    group: "image",
    aliases: &[],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A user other than root has UID 0.",
    docs: r#"## What it does
Flags `/etc/passwd` entries other than `root` with UID 0.

## Why is this bad?
It is a second root account, a classic backdoor, easy to miss in a user list.

## Example
```dockerfile bad
FROM debian:bookworm
RUN useradd -o -u 0 admin
```

```dockerfile good
FROM debian:bookworm
RUN useradd -u 10001 admin
```
"#,
};

pub static NO_HEALTHCHECK: RuleMeta = RuleMeta {
    code: "BSI150",
    name: "no-healthcheck",
    area: Area::Image,
    group: "image",
    aliases: &["CIS-DI-0006", "DS-0026", "DS026"],
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "The image defines no HEALTHCHECK.",
    docs: r#"## What it does
Flags an image config without a `Healthcheck`, or with `HEALTHCHECK NONE`.

## Why is this bad?
Without one, Docker and Swarm cannot tell a hung service from a healthy one (Kubernetes
uses its own probes, so this is information).

## Example
```dockerfile bad
FROM nginx:1.27
```

```dockerfile good
FROM nginx:1.27
HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
```
"#,
};

pub static MISSING_OCI_LABELS: RuleMeta = RuleMeta {
    code: "BSI151",
    name: "missing-oci-labels",
    area: Area::Image,
    group: "image",
    aliases: &[],
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "The image lacks the standard OCI labels (source, revision, version, ...).",
    docs: r#"## What it does
Flags an image without `org.opencontainers.image.source`, `.revision`, `.version` or
`.created` labels (or their annotations), listing the missing ones.

## Why is this bad?
Without them nobody can tell which commit an image was built from, which makes incident
response and vulnerability triage slow.

## Example
```dockerfile bad
FROM debian:bookworm
```

```dockerfile good
FROM debian:bookworm
LABEL org.opencontainers.image.source="https://github.com/org/app" \
      org.opencontainers.image.revision="$GIT_SHA" \
      org.opencontainers.image.version="1.4.2" \
      org.opencontainers.image.created="2026-01-01T00:00:00Z"
```
"#,
};

pub static SSH_PORT_EXPOSED: RuleMeta = RuleMeta {
    code: "BSI152",
    name: "ssh-port-exposed",
    area: Area::Image,
    group: "image",
    aliases: &["DS-0004", "DS004", "CKV_DOCKER_1"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "The image exposes port 22.",
    docs: r#"## What it does
Flags `22/tcp` in the config's `ExposedPorts`.

## Why is this bad?
It means an ssh server is meant to run in the container (see BSI132).

## Example
```dockerfile bad
FROM debian:bookworm
EXPOSE 22
```

```dockerfile good
FROM debian:bookworm
EXPOSE 8080
```
"#,
};

pub static SENSITIVE_VOLUME: RuleMeta = RuleMeta {
    code: "BSI153",
    name: "sensitive-volume",
    area: Area::Image,
    group: "image",
    aliases: &["DKL-DI-0002"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "The image declares `/sys`, `/dev` or `/proc` (or the docker socket) as a VOLUME.",
    docs: r#"## What it does
Flags `VOLUME` entries `/sys`, `/dev`, `/proc` and `/var/run/docker.sock`.

## Why is this bad?
Mounting these from the host gives the container control over the host.

## Example
```dockerfile bad
FROM debian:bookworm
VOLUME /sys
```

```dockerfile good
FROM debian:bookworm
VOLUME /data
```
"#,
};

/// Every image rule, in code order.
pub static RULES: &[&RuleMeta] = &[
    &ROOT_USER,
    &SECRET_IN_CONFIG,
    &SECRET_IN_HISTORY,
    &PRIVATE_KEY_IN_LAYER,
    &CREDENTIAL_FILE_IN_LAYER,
    &TOKEN_IN_LAYER,
    &PASSWORD_IN_LAYER,
    &SETUID_FILE,
    &WORLD_WRITABLE,
    &GIT_DIRECTORY,
    &PACKAGE_CACHE,
    &HOSTILE_LAYER_ENTRIES,
    &TOOLS_PRESENT,
    &SUDO_PRESENT,
    &SSH_SERVER,
    &SSH_HOST_KEYS,
    &EMPTY_PASSWORD,
    &DUPLICATE_ID,
    &NON_ROOT_UID0,
    &NO_HEALTHCHECK,
    &MISSING_OCI_LABELS,
    &SSH_PORT_EXPOSED,
    &SENSITIVE_VOLUME,
];

/// The rule with this code, name or alias.
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    RULES.iter().copied().find(|r| r.is_named(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_and_declarations_complete() {
        for w in RULES.windows(2) {
            assert!(w[0].code < w[1].code, "{} !< {}", w[0].code, w[1].code);
        }
        for r in RULES {
            assert!(r.code.starts_with("BSI1"), "{}", r.code);
            assert_eq!(r.area, Area::Image, "{}", r.code);
        }
        let registry = bosun_diagnostics::Registry::new(
            RULES
                .iter()
                .copied()
                .map(bosun_diagnostics::Registered::new),
        );
        assert_eq!(registry.problems(), Vec::<String>::new());
        assert_eq!(find("CIS-DI-0001").map(|r| r.code), Some("BSI100"));
        assert_eq!(find("setuid-setgid-file").map(|r| r.code), Some("BSI120"));
    }
}
