//! The normalised runtime model: how one container runs, whatever said so (an engine's
//! inspect answer, a Compose service, a Kubernetes container), with the place of every
//! setting.

use bosun_diagnostics::{Location, Span};

/// What described the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A live engine (Docker Engine API or podman's compatible service).
    Engine,
    /// A Compose file service.
    Compose,
    /// A container of a Kubernetes manifest.
    Kubernetes,
}

/// Where a setting is: the field as the source names it and, in a file, its span.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct At {
    pub field: String,
    pub span: Option<Span>,
}

impl At {
    pub fn field(field: impl Into<String>) -> At {
        At {
            field: field.into(),
            span: None,
        }
    }
}

/// A value and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set<T> {
    pub value: T,
    pub at: At,
}

impl<T> Set<T> {
    pub fn new(value: T, at: At) -> Set<T> {
        Set { value, at }
    }
}

/// A host namespace a container may share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    Network,
    Pid,
    Ipc,
    Uts,
}

impl Namespace {
    pub fn as_str(self) -> &'static str {
        match self {
            Namespace::Network => "network",
            Namespace::Pid => "PID",
            Namespace::Ipc => "IPC",
            Namespace::Uts => "UTS",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountKind {
    /// A host path: a bind mount or a Kubernetes `hostPath` volume.
    Bind,
    /// A named volume, an `emptyDir`, a config map...: nothing of the host.
    Volume,
    Tmpfs,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// The host path for a bind mount, the volume name otherwise.
    pub source: String,
    /// The path inside the container (empty when the source does not say).
    pub target: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// The host address it is published on (`None`: every interface).
    pub host_ip: Option<String>,
    /// The host port (the first of a range); `None` when the engine picks one.
    pub host_port: Option<u16>,
    pub container_port: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restart {
    /// `always`, `unless-stopped`, `on-failure`, `no`.
    pub policy: String,
    /// Retries for `on-failure` (`0` or `None`: no limit).
    pub max_retries: Option<i64>,
}

/// Memory, CPU and PID limits, where set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    pub memory: Option<Set<String>>,
    pub cpu: Option<Set<String>>,
    pub pids: Option<Set<String>>,
}

/// One container as it runs or is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub kind: SourceKind,
    /// The file, or the engine's address.
    pub source: String,
    /// `service web`, `Deployment/api container app`, `container web (1a2b3c4d5e6f)`.
    pub name: String,
    /// Where the workload itself is (its service key, its container entry): missing
    /// settings are reported here, under the field that should be set.
    pub at: At,
    /// The field path prefix settings are named under (`services.web`,
    /// `spec.template.spec.containers[0]`, empty for an engine).
    pub prefix: String,
    /// The user it runs as when the source says so (`root`, `1000:1000`, `0`).
    pub user: Option<Set<String>>,
    /// Kubernetes `runAsNonRoot` (container or pod level).
    pub run_as_non_root: Option<Set<bool>>,
    /// Engine: the image config's `User` (`Some("")` when the image sets none).
    pub image_user: Option<String>,
    pub privileged: Option<Set<bool>>,
    pub cap_add: Vec<Set<String>>,
    pub cap_drop: Vec<Set<String>>,
    /// Host namespaces shared with the host.
    pub host_namespaces: Vec<Set<Namespace>>,
    pub mounts: Vec<Set<Mount>>,
    pub read_only_rootfs: Option<Set<bool>>,
    /// `no-new-privileges` (engine, Compose) or `allowPrivilegeEscalation: false`
    /// (Kubernetes): `Some(true)` when escalation is blocked.
    pub no_new_privileges: Option<Set<bool>>,
    /// Seccomp profile (`unconfined`, `RuntimeDefault`, a file).
    pub seccomp: Option<Set<String>>,
    /// AppArmor profile.
    pub apparmor: Option<Set<String>>,
    pub limits: Limits,
    pub restart: Option<Set<Restart>>,
    pub ports: Vec<Set<Port>>,
    pub image: Option<Set<String>>,
    /// Engine: the container runs an image id, whatever tag named it.
    pub image_id: Option<String>,
    /// Environment variables (name, value).
    pub env: Vec<Set<(String, String)>>,
}

impl Workload {
    pub fn new(kind: SourceKind, source: &str, name: String, at: At, prefix: String) -> Workload {
        Workload {
            kind,
            source: source.to_string(),
            name,
            at,
            prefix,
            user: None,
            run_as_non_root: None,
            image_user: None,
            privileged: None,
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            host_namespaces: Vec::new(),
            mounts: Vec::new(),
            read_only_rootfs: None,
            no_new_privileges: None,
            seccomp: None,
            apparmor: None,
            limits: Limits::default(),
            restart: None,
            ports: Vec::new(),
            image: None,
            image_id: None,
            env: Vec::new(),
        }
    }

    /// The location of a finding about `at`.
    pub fn location(&self, at: &At) -> Location {
        Location::Workload {
            source: self.source.clone(),
            workload: self.name.clone(),
            field: at.field.clone(),
            span: at.span,
        }
    }

    /// The place to report a missing setting `field` (relative to the workload).
    pub fn missing(&self, field: &str) -> At {
        let field = if self.prefix.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.prefix)
        };
        At {
            field,
            span: self.at.span,
        }
    }
}
