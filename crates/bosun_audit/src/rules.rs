//! The runtime rules, `BSA0xx`: each runs on every source where its setting exists
//! (see the table in the crate docs). Each rule's `docs` is its page, with a Compose
//! service that triggers it (`yaml bad`) and one that does not (`yaml good`); a test
//! runs both.

use bosun_diagnostics::{Finding, FixAvailability, RuleMeta, Severity};

use crate::model::{Mount, MountKind, SourceKind, Workload};

/// A rule's check over one workload.
pub type Check = fn(&RuleMeta, &Workload, &mut Vec<Finding>);

pub static ROOT_USER: RuleMeta = RuleMeta {
    code: "BSA001",
    name: "runs-as-root",
    aliases: &["KSV012"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary:
        "The container runs as root: `user` is root, or is not set and the image does not set one.",
    docs: r#"## What it does
Flags a container whose user is root: `root`, `0`, `0:0`, `root:root`, or no user at all
(then the image's user applies, and an image without `USER` runs as root). For a live
engine the image's own `User` is read too, as Docker Bench's
`docker inspect --format '{{.Config.User}}'` check does; in Kubernetes `runAsNonRoot: true`
or a non-zero `runAsUser` (container or pod level) is enough.

## Why is this bad?
Root in the container is root on the host's kernel: any escape or writable host mount is a
host compromise.

## Example
```yaml bad
services:
  web:
    image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000
```

```yaml good
services:
  web:
    image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000
    user: "10001"
```
"#,
};

pub static PRIVILEGED: RuleMeta = RuleMeta {
    code: "BSA002",
    name: "privileged-container",
    aliases: &["KSV017"],
    severity: Severity::Critical,
    fix: FixAvailability::None,
    summary: "The container runs privileged (every capability, every device, no confinement).",
    docs: r#"## What it does
Flags `privileged: true` (Compose, Kubernetes `securityContext.privileged`) and
`HostConfig.Privileged` of a live engine.

## Why is this bad?
A privileged container has every capability, sees every host device and runs without
seccomp or AppArmor: it is root on the host in all but name (Docker Bench 5.4, Pod
Security Standards baseline).

## Example
```yaml bad
services:
  web:
    privileged: true
```

```yaml good
services:
  web:
    cap_add: [NET_BIND_SERVICE]
```
"#,
};

pub static DANGEROUS_CAP: RuleMeta = RuleMeta {
    code: "BSA003",
    name: "dangerous-capability-added",
    aliases: &["KSV005", "KSV022"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A capability beyond the Pod Security Standards baseline is added (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ALL, ...).",
    docs: r#"## What it does
Flags every added capability outside the Pod Security Standards baseline set
(`AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`,
`NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID`, `SYS_CHROOT`): `ALL`,
`SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`, `NET_RAW`, `BPF`, ... (`CAP_` prefix
and case ignored).

## Why is this bad?
`SYS_ADMIN` alone allows mounts and most container escapes; `SYS_PTRACE` reads other
processes' memory; `NET_ADMIN` rewrites the network.

## Example
```yaml bad
services:
  web:
    cap_add: [SYS_ADMIN]
```

```yaml good
services:
  web:
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
```
"#,
};

pub static CAPS_NOT_DROPPED: RuleMeta = RuleMeta {
    code: "BSA004",
    name: "capabilities-not-dropped",
    aliases: &["KSV003"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Not every capability is dropped (`cap_drop: [ALL]`, `capabilities.drop: [ALL]`).",
    docs: r#"## What it does
Flags a container that does not drop `ALL` capabilities. A live engine may report the
dropped default set one by one instead of `ALL`; dropping each of Docker's 14 defaults
counts as `ALL`. A privileged container is reported by BSA002 instead.

## Why is this bad?
The engine's default set still includes `NET_RAW` (spoofing), `MKNOD`, `SETUID`/`SETGID`
and `DAC_OVERRIDE`; few services need any of them (Pod Security Standards, restricted).

## Example
```yaml bad
services:
  web:
    user: "10001"
```

```yaml good
services:
  web:
    cap_drop: [ALL]
```
"#,
};

pub static HOST_NAMESPACE: RuleMeta = RuleMeta {
    code: "BSA005",
    name: "host-namespace-shared",
    aliases: &["KSV008", "KSV009", "KSV010"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "The container shares a host namespace: network, PID, IPC or UTS.",
    docs: r#"## What it does
Flags `network_mode: host`, `pid: host`, `ipc: host`, `uts: host` (Compose, engine
`HostConfig`) and `hostNetwork`, `hostPID`, `hostIPC` (Kubernetes).

## Why is this bad?
The host's network stack, processes, shared memory or hostname become the container's:
it can sniff and bind host interfaces, signal and trace host processes (Docker Bench
5.9, 5.15, 5.16, 5.20; Pod Security Standards baseline).

## Example
```yaml bad
services:
  web:
    network_mode: host
```

```yaml good
services:
  web:
    networks: [front]
```
"#,
};

pub static ENGINE_SOCKET: RuleMeta = RuleMeta {
    code: "BSA006",
    name: "engine-socket-mounted",
    aliases: &[],
    severity: Severity::Critical,
    fix: FixAvailability::None,
    summary: "The container engine's socket (Docker, podman, containerd, CRI-O) is mounted into the container.",
    docs: r#"## What it does
Flags a host mount whose source is a container engine's socket (`docker.sock`,
`podman.sock`, `containerd.sock`, `crio.sock`, ... wherever it lives on the host) or its
runtime folder (`/var/run/docker`, `/run/containerd`, ...), wherever it is mounted to,
read-only or not.

## Why is this bad?
Whoever talks to the engine can start a privileged container with the host's `/` mounted:
the socket is root on the host (Docker Bench 5.31). A read-only mount does not help: the
socket is written through `connect`, not `write`.

## Example
```yaml bad
services:
  web:
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
```

```yaml good
services:
  web:
    volumes:
      - data:/data
```
"#,
};

pub static SENSITIVE_PATH: RuleMeta = RuleMeta {
    code: "BSA007",
    name: "sensitive-host-path-mounted",
    aliases: &["KSV023"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A sensitive host folder is mounted: `/`, `/etc`, `/proc`, `/sys`, `/var/run`, `/root`, `/boot`, ...",
    docs: r#"## What it does
Flags host mounts of `/`, `/boot`, `/dev`, `/etc`, `/lib`, `/proc`, `/root`, `/run`,
`/sys`, `/usr`, `/var/run`, `/var/lib/docker`, `/var/lib/kubelet` (trailing `/` and
repeated `/` ignored), read-only or not.

## Why is this bad?
These folders hold the host's credentials, configuration, kernel interfaces and other
containers' data (Docker Bench 5.5).

## Example
```yaml bad
services:
  web:
    volumes:
      - /etc:/host-etc:ro
```

```yaml good
services:
  web:
    volumes:
      - ./config:/etc/app:ro
```
"#,
};

pub static WRITABLE_HOST_PATH: RuleMeta = RuleMeta {
    code: "BSA008",
    name: "writable-host-path",
    aliases: &[],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A host path is mounted writable.",
    docs: r#"## What it does
Flags a bind mount (Compose, engine) or a `hostPath` volume (Kubernetes) that is not
read-only. Mounts already reported as an engine socket or a sensitive folder are not
reported again.

## Why is this bad?
The container can change files on the host; a compromised container leaves something
behind for the host or the next container to run.

## Example
```yaml bad
services:
  web:
    volumes:
      - ./data:/data
```

```yaml good
services:
  web:
    volumes:
      - ./data:/data:ro
```
"#,
};

pub static WRITABLE_ROOTFS: RuleMeta = RuleMeta {
    code: "BSA009",
    name: "writable-root-filesystem",
    aliases: &["KSV014"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "The root filesystem is writable (`read_only`, `readOnlyRootFilesystem`, `--read-only` not set).",
    docs: r#"## What it does
Flags a container whose root filesystem is not read-only.

## Why is this bad?
An attacker who gets in can change the application's own files and drop tools; with a
read-only root, writes go only to the volumes and tmpfs the service declares (Docker
Bench 5.12, Pod Security Standards restricted).

## Example
```yaml bad
services:
  web:
    user: "10001"
```

```yaml good
services:
  web:
    read_only: true
    tmpfs: [/tmp]
```
"#,
};

pub static PRIVILEGE_ESCALATION: RuleMeta = RuleMeta {
    code: "BSA010",
    name: "privilege-escalation-allowed",
    aliases: &["KSV001"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "Privilege escalation is not blocked (`no-new-privileges`, `allowPrivilegeEscalation: false` missing).",
    docs: r#"## What it does
Flags a container without `security_opt: [no-new-privileges:true]` (Compose, engine) or
`allowPrivilegeEscalation: false` (Kubernetes).

## Why is this bad?
Without it, a setuid binary in the image (or one the attacker drops) gains privileges
the process did not start with (Docker Bench 5.25, Pod Security Standards restricted).

## Example
```yaml bad
services:
  web:
    user: "10001"
```

```yaml good
services:
  web:
    security_opt: [no-new-privileges:true]
```
"#,
};

pub static UNCONFINED: RuleMeta = RuleMeta {
    code: "BSA011",
    name: "unconfined-profile",
    aliases: &["KSV104"],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "Seccomp or AppArmor is unconfined (or, in Kubernetes, no seccomp profile is set).",
    docs: r#"## What it does
Flags `seccomp:unconfined` / `seccomp=unconfined` and `apparmor:unconfined` (Compose,
engine), `seccompProfile.type: Unconfined`, `appArmorProfile.type: Unconfined` and the
older annotations (Kubernetes). A Kubernetes container with no seccomp profile at all is
reported at `low`: the kubelet runs it unconfined unless its `SeccompDefault` is on.

## Why is this bad?
Seccomp blocks the system calls most kernel exploits need; AppArmor confines file access
(Docker Bench 5.1, 5.21; Pod Security Standards).

## Example
```yaml bad
services:
  web:
    security_opt: [seccomp:unconfined]
```

```yaml good
services:
  web:
    security_opt: [no-new-privileges:true]
```
"#,
};

pub static NO_LIMITS: RuleMeta = RuleMeta {
    code: "BSA012",
    name: "no-resource-limits",
    aliases: &[],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "No memory, CPU or PID limit (PIDs where the source can set one: engine and Compose).",
    docs: r#"## What it does
Flags a container without a memory limit, a CPU limit, or (engine and Compose, which can
set one) a PID limit, naming each that is missing. Compose: `deploy.resources.limits`,
`mem_limit`, `cpus`, `pids_limit`; Kubernetes: `resources.limits.memory` and `.cpu`;
engine: `Memory`, `NanoCpus`/`CpuQuota`, `PidsLimit`.

## Why is this bad?
One runaway or hostile container starves the host and every other container (a fork bomb
needs no privileges) (Docker Bench 5.10, 5.11, 5.28).

## Example
```yaml bad
services:
  web:
    mem_limit: 256m
```

```yaml good
services:
  web:
    deploy:
      resources:
        limits: {memory: 256M, cpus: "1", pids: 100}
```
"#,
};

pub static RESTART_ALWAYS: RuleMeta = RuleMeta {
    code: "BSA013",
    name: "restart-always-unlimited",
    aliases: &[],
    severity: Severity::Low,
    fix: FixAvailability::None,
    summary:
        "The restart policy is `always` or `unless-stopped` with no retry limit (engine, Compose).",
    docs: r#"## What it does
Flags `restart: always` / `unless-stopped` (Compose) and the engine's `RestartPolicy`
`always` / `unless-stopped`; `on-failure` with a retry count is what Docker Bench asks for.

## Why is this bad?
A container that crashes in a loop (or is crashed on purpose) is restarted forever,
hiding the failure and burning resources (Docker Bench 5.14).

## Example
```yaml bad
services:
  web:
    restart: always
```

```yaml good
services:
  web:
    restart: on-failure:5
```
"#,
};

pub static PRIVILEGED_PORT: RuleMeta = RuleMeta {
    code: "BSA014",
    name: "privileged-port-on-all-interfaces",
    aliases: &[],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "A privileged host port (below 1024) is published on every interface.",
    docs: r#"## What it does
Flags a published port whose host port is below 1024 and that has no host address (or
`0.0.0.0` / `::`): Compose `ports`, the engine's `PortBindings`, Kubernetes `hostPort`.

## Why is this bad?
Ports below 1024 are trusted as system services by other hosts, and publishing on every
interface exposes the service beyond the network it was meant for (Docker Bench 5.7,
5.13).

## Example
```yaml bad
services:
  web:
    ports: ["80:8080"]
```

```yaml good
services:
  web:
    ports: ["127.0.0.1:8080:8080"]
```
"#,
};

pub static IMAGE_LATEST: RuleMeta = RuleMeta {
    code: "BSA015",
    name: "image-tag-latest",
    aliases: &["KSV013"],
    severity: Severity::Warning,
    fix: FixAvailability::None,
    summary: "The image is `latest` or has no tag (and no digest).",
    docs: r#"## What it does
Flags an image reference with the tag `latest`, or with neither a tag nor a digest.

## Why is this bad?
What runs changes whenever someone pushes, and nobody can tell which build a container
runs.

## Example
```yaml bad
services:
  web:
    image: nginx
```

```yaml good
services:
  web:
    image: nginx:1.27@sha256:0000000000000000000000000000000000000000000000000000000000000000
```
"#,
};

pub static IMAGE_NOT_PINNED: RuleMeta = RuleMeta {
    code: "BSA016",
    name: "image-not-pinned-by-digest",
    aliases: &[],
    severity: Severity::Low,
    fix: FixAvailability::None,
    summary: "The image is named by a tag, not pinned by digest.",
    docs: r#"## What it does
Flags an image reference without `@sha256:...` (an image named only by a tag other than
`latest`; `latest` is BSA015's).

## Why is this bad?
A tag can be moved: the image that runs tomorrow may not be the one that was reviewed,
scanned and signed today.

## Example
```yaml bad
services:
  web:
    image: nginx:1.27
```

```yaml good
services:
  web:
    image: nginx:1.27@sha256:0000000000000000000000000000000000000000000000000000000000000000
```
"#,
};

pub static ENV_SECRET: RuleMeta = RuleMeta {
    code: "BSA017",
    name: "secret-in-environment",
    aliases: &[],
    severity: Severity::Error,
    fix: FixAvailability::None,
    summary: "A secret-looking value is set in the environment (the value is never shown).",
    docs: r#"## What it does
Runs bosun's secret detectors (`bosun_secrets`: variable names such as `*_PASSWORD`,
`*_TOKEN`, `AWS_SECRET_ACCESS_KEY` with a literal value, and known token formats) over
every environment variable the container sets. Values are redacted everywhere.

## Why is this bad?
The environment is readable by anyone who can inspect the container or read the file, and
is inherited by every child process and crash report.

## Example
```yaml bad
services:
  web:
    environment:
      DB_PASSWORD: correct-horse-battery
```

```yaml good
services:
  web:
    environment:
      DB_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
```
"#,
};

/// Every runtime rule, in code order (the one registry lists this slice).
pub static RULES: &[&RuleMeta] = &[
    &ROOT_USER,
    &PRIVILEGED,
    &DANGEROUS_CAP,
    &CAPS_NOT_DROPPED,
    &HOST_NAMESPACE,
    &ENGINE_SOCKET,
    &SENSITIVE_PATH,
    &WRITABLE_HOST_PATH,
    &WRITABLE_ROOTFS,
    &PRIVILEGE_ESCALATION,
    &UNCONFINED,
    &NO_LIMITS,
    &RESTART_ALWAYS,
    &PRIVILEGED_PORT,
    &IMAGE_LATEST,
    &IMAGE_NOT_PINNED,
    &ENV_SECRET,
];

/// Each rule's check, in code order.
pub static CHECKS: &[(&RuleMeta, Check)] = &[
    (&ROOT_USER, root_user),
    (&PRIVILEGED, privileged),
    (&DANGEROUS_CAP, dangerous_cap),
    (&CAPS_NOT_DROPPED, caps_not_dropped),
    (&HOST_NAMESPACE, host_namespace),
    (&ENGINE_SOCKET, engine_socket),
    (&SENSITIVE_PATH, sensitive_path),
    (&WRITABLE_HOST_PATH, writable_host_path),
    (&WRITABLE_ROOTFS, writable_rootfs),
    (&PRIVILEGE_ESCALATION, privilege_escalation),
    (&UNCONFINED, unconfined),
    (&NO_LIMITS, no_limits),
    (&RESTART_ALWAYS, restart_always),
    (&PRIVILEGED_PORT, privileged_port),
    (&IMAGE_LATEST, image_latest),
    (&IMAGE_NOT_PINNED, image_not_pinned),
    (&ENV_SECRET, env_secret),
];

/// Every rule over one workload, findings in rule order.
pub fn check(w: &Workload) -> Vec<Finding> {
    let mut out = Vec::new();
    for (meta, check) in CHECKS {
        check(meta, w, &mut out);
    }
    out
}

/// True for `root`, `0`, and `user:group` forms whose user is one of them.
pub fn is_root_user(user: &str) -> bool {
    let u = user.split(':').next().unwrap_or("").trim();
    u == "root" || u == "0"
}

fn root_user(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    if w.run_as_non_root.as_ref().is_some_and(|s| s.value) {
        if let Some(u) = w.user.as_ref().filter(|u| is_root_user(&u.value)) {
            // runAsNonRoot with runAsUser 0: the kubelet refuses to start it; still say so.
            out.push(Finding::new(
                m,
                format!("runAsUser is {} although runAsNonRoot is set", u.value),
                w.location(&u.at),
            ));
        }
        return;
    }
    match &w.user {
        Some(u) if is_root_user(&u.value) => out.push(Finding::new(
            m,
            format!("runs as root (user `{}`)", u.value),
            w.location(&u.at),
        )),
        Some(_) => {}
        None => match w.kind {
            SourceKind::Engine => match w.image_user.as_deref() {
                Some(iu) if !iu.is_empty() && !is_root_user(iu) => {}
                Some(iu) => out.push(Finding::new(
                    m,
                    if iu.is_empty() {
                        "runs as root: no user set, and the image sets none".to_string()
                    } else {
                        format!("runs as root: no user set, and the image's user is `{iu}`")
                    },
                    w.location(&crate::model::At::field("Config.User")),
                )),
                None => out.push(Finding::new(
                    m,
                    "no user set, and the image's user could not be read: root unless the image sets one",
                    w.location(&crate::model::At::field("Config.User")),
                )),
            },
            SourceKind::Compose => out.push(Finding::new(
                m,
                "no `user` set: runs as the image's user, root unless the image sets one",
                w.location(&w.missing("user")),
            )),
            SourceKind::Kubernetes => out.push(Finding::new(
                m,
                "neither `runAsNonRoot: true` nor a non-zero `runAsUser`: runs as the image's user, root unless the image sets one",
                w.location(&w.missing("securityContext.runAsNonRoot")),
            )),
        },
    }
}

fn privileged(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    if let Some(p) = w.privileged.as_ref().filter(|p| p.value) {
        out.push(Finding::new(m, "runs privileged", w.location(&p.at)));
    }
}

/// The Pod Security Standards baseline: capabilities that may be added.
const BASELINE_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Docker's default capability set (what dropping `ALL` removes from a default container).
const DOCKER_DEFAULT_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn cap_name(c: &str) -> String {
    let u = c.trim().to_ascii_uppercase();
    u.strip_prefix("CAP_").map(str::to_string).unwrap_or(u)
}

fn dangerous_cap(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    for c in &w.cap_add {
        let name = cap_name(&c.value);
        if !BASELINE_CAPS.contains(&name.as_str()) {
            out.push(Finding::new(
                m,
                format!("adds capability {name}"),
                w.location(&c.at),
            ));
        }
    }
}

fn caps_not_dropped(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    if w.privileged.as_ref().is_some_and(|p| p.value) {
        return;
    }
    let dropped: Vec<String> = w.cap_drop.iter().map(|c| cap_name(&c.value)).collect();
    let all = dropped.iter().any(|c| c == "ALL")
        || DOCKER_DEFAULT_CAPS
            .iter()
            .all(|d| dropped.iter().any(|c| c == d));
    if !all {
        let field = match w.kind {
            SourceKind::Engine => "HostConfig.CapDrop",
            SourceKind::Compose => "cap_drop",
            SourceKind::Kubernetes => "securityContext.capabilities.drop",
        };
        let at = match (w.kind, w.cap_drop.first()) {
            (SourceKind::Engine, _) => crate::model::At::field(field),
            (_, Some(first)) => crate::model::At {
                field: first
                    .at
                    .field
                    .rsplit_once('[')
                    .map_or(field, |(a, _)| a)
                    .to_string(),
                span: first.at.span,
            },
            (_, None) => w.missing(field),
        };
        out.push(Finding::new(
            m,
            "does not drop ALL capabilities",
            w.location(&at),
        ));
    }
}

fn host_namespace(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    for ns in &w.host_namespaces {
        out.push(Finding::new(
            m,
            format!("shares the host's {} namespace", ns.value.as_str()),
            w.location(&ns.at),
        ));
    }
}

/// A path with repeated and trailing `/` removed (`/` stays `/`).
fn clean_path(p: &str) -> String {
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if p.starts_with('/') {
        format!("/{}", parts.join("/"))
    } else {
        parts.join("/")
    }
}

const SOCKET_NAMES: &[&str] = &[
    "docker.sock",
    "podman.sock",
    "containerd.sock",
    "crio.sock",
    "cri-dockerd.sock",
    "dockershim.sock",
    "buildkitd.sock",
];
const SOCKET_DIRS: &[&str] = &[
    "/var/run/docker",
    "/run/docker",
    "/run/containerd",
    "/var/run/containerd",
    "/run/podman",
    "/var/run/podman",
    "/run/crio",
    "/var/run/crio",
];
const SENSITIVE: &[&str] = &[
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/proc",
    "/root",
    "/run",
    "/sys",
    "/usr",
    "/var/run",
    "/var/lib/docker",
    "/var/lib/kubelet",
];

fn is_engine_socket(mnt: &Mount) -> bool {
    if mnt.kind != MountKind::Bind {
        return false;
    }
    let p = clean_path(&mnt.source);
    let base = p.rsplit('/').next().unwrap_or("");
    SOCKET_NAMES.contains(&base) || SOCKET_DIRS.contains(&p.as_str())
}

fn is_sensitive(mnt: &Mount) -> bool {
    mnt.kind == MountKind::Bind && SENSITIVE.contains(&clean_path(&mnt.source).as_str())
}

fn engine_socket(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    for mnt in w.mounts.iter().filter(|x| is_engine_socket(&x.value)) {
        out.push(Finding::new(
            m,
            format!(
                "mounts the engine socket {} at {}",
                mnt.value.source, mnt.value.target
            ),
            w.location(&mnt.at),
        ));
    }
}

fn sensitive_path(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    for mnt in w.mounts.iter().filter(|x| is_sensitive(&x.value)) {
        out.push(Finding::new(
            m,
            format!(
                "mounts the host's {} at {}{}",
                clean_path(&mnt.value.source),
                mnt.value.target,
                if mnt.value.read_only {
                    " (read-only)"
                } else {
                    ""
                }
            ),
            w.location(&mnt.at),
        ));
    }
}

fn writable_host_path(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    for mnt in w.mounts.iter().filter(|x| {
        x.value.kind == MountKind::Bind
            && !x.value.read_only
            && !is_engine_socket(&x.value)
            && !is_sensitive(&x.value)
    }) {
        out.push(Finding::new(
            m,
            format!(
                "mounts the host path {} writable at {}",
                mnt.value.source, mnt.value.target
            ),
            w.location(&mnt.at),
        ));
    }
}

fn writable_rootfs(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    match &w.read_only_rootfs {
        Some(r) if r.value => {}
        Some(r) => out.push(Finding::new(
            m,
            "the root filesystem is writable",
            w.location(&r.at),
        )),
        None => {
            let at = match w.kind {
                SourceKind::Engine => crate::model::At::field("HostConfig.ReadonlyRootfs"),
                SourceKind::Compose => w.missing("read_only"),
                SourceKind::Kubernetes => w.missing("securityContext.readOnlyRootFilesystem"),
            };
            out.push(Finding::new(
                m,
                "the root filesystem is writable",
                w.location(&at),
            ));
        }
    }
}

fn privilege_escalation(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    match &w.no_new_privileges {
        Some(n) if n.value => {}
        Some(n) => out.push(Finding::new(
            m,
            "privilege escalation is allowed explicitly",
            w.location(&n.at),
        )),
        None => {
            let (at, what) = match w.kind {
                SourceKind::Engine => (
                    crate::model::At::field("HostConfig.SecurityOpt"),
                    "no-new-privileges is not set",
                ),
                SourceKind::Compose => (w.missing("security_opt"), "no-new-privileges is not set"),
                SourceKind::Kubernetes => (
                    w.missing("securityContext.allowPrivilegeEscalation"),
                    "allowPrivilegeEscalation: false is not set",
                ),
            };
            out.push(Finding::new(m, what, w.location(&at)));
        }
    }
}

fn unconfined(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    for (what, set) in [("seccomp", &w.seccomp), ("AppArmor", &w.apparmor)] {
        if let Some(s) = set
            .as_ref()
            .filter(|s| s.value.eq_ignore_ascii_case("unconfined"))
        {
            out.push(Finding::new(
                m,
                format!("{what} is unconfined"),
                w.location(&s.at),
            ));
        }
    }
    if w.kind == SourceKind::Kubernetes && w.seccomp.is_none() {
        out.push(
            Finding::new(
                m,
                "no seccomp profile: unconfined unless the kubelet's SeccompDefault is on (set seccompProfile.type: RuntimeDefault)",
                w.location(&w.missing("securityContext.seccompProfile")),
            )
            .with_severity(Severity::Low),
        );
    }
}

fn no_limits(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    let mut missing = Vec::new();
    if w.limits.memory.is_none() {
        missing.push("memory");
    }
    if w.limits.cpu.is_none() {
        missing.push("CPU");
    }
    if w.kind != SourceKind::Kubernetes && w.limits.pids.is_none() {
        missing.push("PID");
    }
    if missing.is_empty() {
        return;
    }
    let at = match w.kind {
        SourceKind::Engine => crate::model::At::field("HostConfig"),
        SourceKind::Compose => w.missing("deploy.resources.limits"),
        SourceKind::Kubernetes => w.missing("resources.limits"),
    };
    out.push(Finding::new(
        m,
        format!("no {} limit", missing.join(", ")),
        w.location(&at),
    ));
}

fn restart_always(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    if let Some(r) = &w.restart {
        if matches!(r.value.policy.as_str(), "always" | "unless-stopped") {
            out.push(Finding::new(
                m,
                format!("restart policy `{}` restarts forever", r.value.policy),
                w.location(&r.at),
            ));
        }
    }
}

fn privileged_port(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    for p in &w.ports {
        let every = p
            .value
            .host_ip
            .as_deref()
            .is_none_or(|ip| matches!(ip.trim(), "" | "0.0.0.0" | "::" | "[::]"));
        if let Some(port) = p.value.host_port.filter(|n| *n > 0 && *n < 1024) {
            if every {
                out.push(Finding::new(
                    m,
                    format!(
                        "publishes privileged port {port} (container {}) on every interface",
                        p.value.container_port
                    ),
                    w.location(&p.at),
                ));
            }
        }
    }
}

/// (has a digest, the tag if any) of an image reference.
fn image_ref(r: &str) -> (bool, Option<&str>) {
    let (name, digest) = match r.split_once('@') {
        Some((n, _)) => (n, true),
        None => (r, false),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    (digest, last.split_once(':').map(|(_, t)| t))
}

fn image_latest(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    let Some(img) = &w.image else { return };
    let (digest, tag) = image_ref(&img.value);
    if digest {
        return;
    }
    match tag {
        Some("latest") => out.push(Finding::new(
            m,
            format!("image `{}` uses the `latest` tag", img.value),
            w.location(&img.at),
        )),
        None => out.push(Finding::new(
            m,
            format!("image `{}` has no tag (so `latest`)", img.value),
            w.location(&img.at),
        )),
        Some(_) => {}
    }
}

fn image_not_pinned(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    let Some(img) = &w.image else { return };
    let (digest, tag) = image_ref(&img.value);
    if !digest && tag.is_some_and(|t| t != "latest") {
        out.push(Finding::new(
            m,
            format!("image `{}` is not pinned by digest", img.value),
            w.location(&img.at),
        ));
    }
}

fn env_secret(m: &RuleMeta, w: &Workload, out: &mut Vec<Finding>) {
    for e in &w.env {
        let (k, v) = &e.value;
        if let Some(hit) = bosun_secrets::check_assignment(k, v).into_iter().next() {
            out.push(
                Finding::new(
                    m,
                    format!(
                        "environment variable {k} holds a secret ({}); value not shown",
                        hit.description
                    ),
                    w.location(&e.at),
                )
                .with_severity(hit.severity.max(Severity::Warning)),
            );
        }
    }
}
