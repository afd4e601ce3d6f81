//! Compose files (the Compose specification) into [`Workload`]s, one per service.

use crate::model::{At, Mount, MountKind, Namespace, Port, Restart, Set, SourceKind, Workload};
use crate::source::Ctx;
use crate::yaml::{Node, Value};

/// Every service of one Compose document.
pub(crate) fn workloads(ctx: &Ctx<'_>, doc: &Node) -> Vec<Workload> {
    let Some(services) = doc.get("services") else {
        return Vec::new();
    };
    let Value::Map(entries) = &services.value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, svc) in entries {
        let Some(name) = key.str() else { continue };
        if !svc.is_map() {
            continue;
        }
        let prefix = format!("services.{name}");
        let mut w = Workload::new(
            SourceKind::Compose,
            ctx.source,
            format!("service {name}"),
            ctx.at(&prefix, key),
            prefix.clone(),
        );
        service(ctx, &prefix, svc, &mut w);
        out.push(w);
    }
    out
}

fn service(ctx: &Ctx<'_>, p: &str, svc: &Node, w: &mut Workload) {
    let f = |k: &str| format!("{p}.{k}");
    for (k, v) in svc.entries() {
        let at = || ctx.at(&f(k), v);
        match k {
            "user" => w.user = v.str().map(|s| Set::new(s.to_string(), at())),
            "privileged" => w.privileged = v.bool().map(|b| Set::new(b, at())),
            "read_only" => w.read_only_rootfs = v.bool().map(|b| Set::new(b, at())),
            "cap_add" | "cap_drop" => {
                let list: Vec<Set<String>> = v
                    .seq()
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| {
                        c.str()
                            .map(|s| Set::new(s.to_string(), ctx.at(&format!("{p}.{k}[{i}]"), c)))
                    })
                    .collect();
                if k == "cap_add" {
                    w.cap_add = list;
                } else {
                    w.cap_drop = list;
                }
            }
            "network_mode" | "pid" | "ipc" | "uts" if v.str() == Some("host") => {
                let ns = match k {
                    "network_mode" => Namespace::Network,
                    "pid" => Namespace::Pid,
                    "ipc" => Namespace::Ipc,
                    _ => Namespace::Uts,
                };
                w.host_namespaces.push(Set::new(ns, at()));
            }
            "volumes" => {
                for (i, vol) in v.seq().iter().enumerate() {
                    if let Some(m) = volume(vol) {
                        w.mounts
                            .push(Set::new(m, ctx.at(&format!("{p}.volumes[{i}]"), vol)));
                    }
                }
            }
            "security_opt" => {
                for (i, o) in v.seq().iter().enumerate() {
                    let Some(s) = o.str() else { continue };
                    let at = ctx.at(&format!("{p}.security_opt[{i}]"), o);
                    security_opt(s, at, w);
                }
            }
            "mem_limit" => w.limits.memory = v.str().map(|s| Set::new(s.to_string(), at())),
            "cpus" | "cpu_quota" => w.limits.cpu = v.str().map(|s| Set::new(s.to_string(), at())),
            "pids_limit" => {
                w.limits.pids = v
                    .str()
                    .filter(|s| positive(s))
                    .map(|s| Set::new(s.to_string(), at()))
            }
            "deploy" => {
                if let Some(l) = v.path(&["resources", "limits"]) {
                    let lp = format!("{p}.deploy.resources.limits");
                    for (lk, lv) in l.entries() {
                        let Some(s) = lv.str() else { continue };
                        let set = Set::new(s.to_string(), ctx.at(&format!("{lp}.{lk}"), lv));
                        match lk {
                            "memory" => w.limits.memory = Some(set),
                            "cpus" => w.limits.cpu = Some(set),
                            "pids" if positive(s) => w.limits.pids = Some(set),
                            _ => {}
                        }
                    }
                }
            }
            "ports" => {
                for (i, port) in v.seq().iter().enumerate() {
                    let at = ctx.at(&format!("{p}.ports[{i}]"), port);
                    if let Some(pt) = compose_port(port) {
                        w.ports.push(Set::new(pt, at));
                    }
                }
            }
            "image" => w.image = v.str().map(|s| Set::new(s.to_string(), at())),
            "environment" => environment(ctx, &f("environment"), v, w),
            "restart" => {
                if let Some(s) = v.str() {
                    let (policy, n) = match s.split_once(':') {
                        Some((a, b)) => (a, b.trim().parse().ok()),
                        None => (s, None),
                    };
                    w.restart = Some(Set::new(
                        Restart {
                            policy: policy.trim().to_string(),
                            max_retries: n,
                        },
                        at(),
                    ));
                }
            }
            _ => {}
        }
    }
}

fn positive(s: &str) -> bool {
    s.trim().parse::<i64>().map_or(true, |n| n > 0)
}

/// `no-new-privileges[:true|=true]`, `seccomp[:=]PROFILE`, `apparmor[:=]PROFILE`
/// (Compose and the engine spell them alike).
pub(crate) fn security_opt(s: &str, at: At, w: &mut Workload) {
    let (k, v) = match s.split_once([':', '=']) {
        Some((k, v)) => (k.trim(), v.trim()),
        None => (s.trim(), "true"),
    };
    match k {
        "no-new-privileges" => w.no_new_privileges = Some(Set::new(v != "false", at)),
        "seccomp" => w.seccomp = Some(Set::new(v.to_string(), at)),
        "apparmor" => w.apparmor = Some(Set::new(v.to_string(), at)),
        _ => {}
    }
}

fn environment(ctx: &Ctx<'_>, p: &str, v: &Node, w: &mut Workload) {
    match &v.value {
        Value::Seq(list) => {
            for (i, e) in list.iter().enumerate() {
                let Some(s) = e.str() else { continue };
                if let Some((k, val)) = s.split_once('=') {
                    w.env.push(Set::new(
                        (k.to_string(), val.to_string()),
                        ctx.at(&format!("{p}[{i}]"), e),
                    ));
                }
            }
        }
        Value::Map(_) => {
            for (k, val) in v.entries() {
                if let Some(s) = val.str() {
                    w.env.push(Set::new(
                        (k.to_string(), s.to_string()),
                        ctx.at(&format!("{p}.{k}"), val),
                    ));
                }
            }
        }
        Value::Scalar(..) => {}
    }
}

/// A bind mount when the source is a path (`/x`, `./x`, `~/x`), a volume otherwise.
fn volume(v: &Node) -> Option<Mount> {
    if let Some(s) = v.str() {
        let parts: Vec<&str> = s.split(':').collect();
        let (source, target, mode) = match parts.as_slice() {
            [t] => ("", *t, ""),
            [s, t] => (*s, *t, ""),
            [s, t, m, ..] => (*s, *t, *m),
            [] => return None,
        };
        let kind = if source.is_empty() {
            MountKind::Volume
        } else if is_path(source) {
            MountKind::Bind
        } else {
            MountKind::Volume
        };
        return Some(Mount {
            kind,
            source: source.to_string(),
            target: target.to_string(),
            read_only: mode.split(',').any(|m| m == "ro"),
        });
    }
    let ty = v.get("type").and_then(Node::str).unwrap_or("volume");
    let source = v
        .get("source")
        .and_then(Node::str)
        .unwrap_or("")
        .to_string();
    let kind = match ty {
        "bind" => MountKind::Bind,
        "tmpfs" => MountKind::Tmpfs,
        _ => MountKind::Volume,
    };
    Some(Mount {
        kind,
        source,
        target: v
            .get("target")
            .and_then(Node::str)
            .unwrap_or("")
            .to_string(),
        read_only: v.get("read_only").and_then(Node::bool).unwrap_or(false),
    })
}

fn is_path(s: &str) -> bool {
    s.starts_with('/') || s.starts_with('.') || s.starts_with('~') || s.starts_with('$')
}

/// `80`, `8080:80`, `127.0.0.1:80:80`, `[::1]:80:80`, `8000-8010:80/udp`, or the long
/// syntax (`target`, `published`, `host_ip`).
fn compose_port(v: &Node) -> Option<Port> {
    if v.is_map() {
        let published = v.get("published").and_then(Node::str);
        return Some(Port {
            host_ip: v.get("host_ip").and_then(Node::str).map(str::to_string),
            host_port: published.and_then(first_port),
            container_port: v
                .get("target")
                .and_then(Node::str)
                .unwrap_or("")
                .to_string(),
        });
    }
    let s = v.str()?;
    let s = s.split('/').next().unwrap_or(s);
    // An IPv6 host address is bracketed; split on the last colons only.
    let (ip, rest) = if let Some(r) = s.strip_prefix('[') {
        let (ip, rest) = r.split_once(']')?;
        (Some(ip.to_string()), rest.trim_start_matches(':'))
    } else {
        (None, s)
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (ip, host, container) = match (ip, parts.as_slice()) {
        (None, [c]) => (None, None, *c),
        (ip, [h, c]) => (ip, Some(*h), *c),
        (None, [ip, h, c]) => (Some(ip.to_string()), Some(*h), *c),
        _ => return None,
    };
    Some(Port {
        host_ip: ip.filter(|s| !s.is_empty()),
        host_port: host.and_then(first_port),
        container_port: container.to_string(),
    })
}

fn first_port(s: &str) -> Option<u16> {
    s.split('-').next()?.trim().parse().ok()
}
