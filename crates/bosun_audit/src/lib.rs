//! `bosun audit`: how containers run. One normalised model of a container's runtime
//! settings ([`Workload`]), adapters that build it from a live engine's inspect answers
//! ([`engine::workload`]), Compose files and Kubernetes manifests
//! ([`declarations`]), and the runtime rules over it ([`rules::RULES`], codes `BSA0xx`).
//!
//! Pure: the adapters are fed text and JSON; the engine client is in
//! `bosun_oci::Engine`, the file reading in the binary.
//!
//! # Invariants
//!
//! - Every setting carries where it was found ([`model::At`]): the field as the source
//!   spells it (`services.web.privileged`, `spec.template.spec.containers[0].image`,
//!   `HostConfig.Privileged`) and, in a file, its span. A setting that is missing is
//!   reported at the workload (its service key, its container entry) under the field
//!   that should be set.
//! - Each rule runs on every source where its setting exists: PID limits and restart
//!   policies are not Kubernetes container settings, UTS is not a Kubernetes pod
//!   setting; everything else is checked in all three.
//! - Environment values are never copied into a message: a secret is named by its
//!   variable and detector only.
//! - Invalid YAML is an error with its line; a document that is neither Compose nor a
//!   Kubernetes workload is skipped with a note ([`Declarations::skipped`]).
//!
//! # Sources
//!
//! | setting | Compose | Kubernetes | engine |
//! |---|---|---|---|
//! | user | `user` | `runAsUser`, `runAsNonRoot` (container, else pod) | `Config.User`, else the image's |
//! | privileged | `privileged` | `securityContext.privileged` | `HostConfig.Privileged` |
//! | capabilities | `cap_add`, `cap_drop` | `capabilities.add/drop` | `CapAdd`, `CapDrop` |
//! | host namespaces | `network_mode`, `pid`, `ipc`, `uts` | `hostNetwork`, `hostPID`, `hostIPC` | `NetworkMode`, `PidMode`, `IpcMode`, `UTSMode` |
//! | mounts | `volumes` (short and long) | `volumeMounts` + `hostPath` volumes | `Mounts` |
//! | read-only root | `read_only` | `readOnlyRootFilesystem` | `ReadonlyRootfs` |
//! | escalation | `security_opt: no-new-privileges` | `allowPrivilegeEscalation` | `SecurityOpt` |
//! | seccomp, AppArmor | `security_opt` | `seccompProfile`, `appArmorProfile`, annotations | `SecurityOpt`, `AppArmorProfile` |
//! | limits | `deploy.resources.limits`, `mem_limit`, `cpus`, `pids_limit` | `resources.limits` | `Memory`, `NanoCpus`/`CpuQuota`, `PidsLimit` |
//! | restart | `restart` | - | `RestartPolicy` |
//! | ports | `ports` (short and long) | `hostPort`, `hostIP` | `PortBindings` |
//! | image | `image` | `image` | `Config.Image` |
//! | environment | `environment` (list or map) | `env[].value` | `Config.Env` less the image's |

mod compose;
pub mod engine;
mod k8s;
pub mod model;
pub mod rules;
mod source;
pub mod yaml;

pub use model::{SourceKind, Workload};
pub use rules::{check, RULES};
pub use source::{declarations, Declarations};
pub use yaml::YamlError;

/// Every rule over every workload, findings sorted by place.
pub fn audit(workloads: &[Workload]) -> Vec<bosun_diagnostics::Finding> {
    let mut out: Vec<_> = workloads.iter().flat_map(check).collect();
    out.sort_by_key(|f| f.sort_key());
    out
}
