//! A container of a live engine (`GET /containers/{id}/json`, plus the image's
//! `GET /images/{id}/json` for its `Config.User`) into a [`Workload`]. Pure: the binary
//! fetches, this reads.

use serde_json::Value;

use crate::model::{At, Mount, MountKind, Namespace, Port, Restart, Set, SourceKind, Workload};

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

fn n(v: &Value, path: &[&str]) -> Option<i64> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_i64()
}

fn b(v: &Value, path: &[&str]) -> Option<bool> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_bool()
}

fn list<'a>(v: &'a Value, path: &[&str]) -> Vec<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The workload of one inspected container. `host` names the engine in findings;
/// `image` is the inspect answer of its image, when it could be read.
pub fn workload(host: &str, container: &Value, image: Option<&Value>) -> Workload {
    let id = s(container, &["Id"]).unwrap_or("");
    let short: String = id.chars().take(12).collect();
    let name = s(container, &["Name"])
        .unwrap_or("")
        .trim_start_matches('/');
    let label = match (name.is_empty(), short.is_empty()) {
        (false, false) => format!("container {name} ({short})"),
        (false, true) => format!("container {name}"),
        _ => format!("container {short}"),
    };
    let mut w = Workload::new(
        SourceKind::Engine,
        host,
        label,
        At::field(""),
        String::new(),
    );
    let at = |f: &str| At::field(f);
    let hc = |k: &str| format!("HostConfig.{k}");

    w.user = s(container, &["Config", "User"])
        .filter(|u| !u.is_empty())
        .map(|u| Set::new(u.to_string(), at("Config.User")));
    w.image_user = image.map(|i| s(i, &["Config", "User"]).unwrap_or("").to_string());
    w.privileged =
        b(container, &["HostConfig", "Privileged"]).map(|p| Set::new(p, at(&hc("Privileged"))));
    for (i, c) in list(container, &["HostConfig", "CapAdd"])
        .into_iter()
        .enumerate()
    {
        w.cap_add.push(Set::new(
            c.to_string(),
            at(&format!("HostConfig.CapAdd[{i}]")),
        ));
    }
    for (i, c) in list(container, &["HostConfig", "CapDrop"])
        .into_iter()
        .enumerate()
    {
        w.cap_drop.push(Set::new(
            c.to_string(),
            at(&format!("HostConfig.CapDrop[{i}]")),
        ));
    }
    for (key, ns) in [
        ("NetworkMode", Namespace::Network),
        ("PidMode", Namespace::Pid),
        ("IpcMode", Namespace::Ipc),
        ("UTSMode", Namespace::Uts),
    ] {
        if s(container, &["HostConfig", key]) == Some("host") {
            w.host_namespaces.push(Set::new(ns, at(&hc(key))));
        }
    }
    if let Some(mounts) = container.get("Mounts").and_then(Value::as_array) {
        for (i, m) in mounts.iter().enumerate() {
            let kind = match s(m, &["Type"]) {
                Some("bind") => MountKind::Bind,
                Some("tmpfs") => MountKind::Tmpfs,
                _ => MountKind::Volume,
            };
            let source = match kind {
                MountKind::Bind => s(m, &["Source"]),
                _ => s(m, &["Name"]).or(s(m, &["Source"])),
            };
            w.mounts.push(Set::new(
                Mount {
                    kind,
                    source: source.unwrap_or("").to_string(),
                    target: s(m, &["Destination"]).unwrap_or("").to_string(),
                    read_only: b(m, &["RW"]) == Some(false),
                },
                at(&format!("Mounts[{i}]")),
            ));
        }
    }
    w.read_only_rootfs = b(container, &["HostConfig", "ReadonlyRootfs"])
        .map(|r| Set::new(r, at(&hc("ReadonlyRootfs"))));
    for (i, o) in list(container, &["HostConfig", "SecurityOpt"])
        .into_iter()
        .enumerate()
    {
        crate::compose::security_opt(o, at(&format!("HostConfig.SecurityOpt[{i}]")), &mut w);
    }
    if let Some(p) = s(container, &["AppArmorProfile"]).filter(|p| !p.is_empty()) {
        if w.apparmor.is_none() {
            w.apparmor = Some(Set::new(p.to_string(), at("AppArmorProfile")));
        }
    }
    let positive = |k: &str| n(container, &["HostConfig", k]).filter(|v| *v > 0);
    w.limits.memory = positive("Memory").map(|v| Set::new(v.to_string(), at(&hc("Memory"))));
    w.limits.cpu = positive("NanoCpus")
        .map(|v| Set::new(v.to_string(), at(&hc("NanoCpus"))))
        .or_else(|| positive("CpuQuota").map(|v| Set::new(v.to_string(), at(&hc("CpuQuota")))));
    w.limits.pids = positive("PidsLimit").map(|v| Set::new(v.to_string(), at(&hc("PidsLimit"))));
    if let Some(name) = s(container, &["HostConfig", "RestartPolicy", "Name"]) {
        if !name.is_empty() {
            w.restart = Some(Set::new(
                Restart {
                    policy: name.to_string(),
                    max_retries: n(
                        container,
                        &["HostConfig", "RestartPolicy", "MaximumRetryCount"],
                    ),
                },
                at(&hc("RestartPolicy")),
            ));
        }
    }
    if let Some(pb) = container
        .pointer("/HostConfig/PortBindings")
        .and_then(Value::as_object)
    {
        for (cport, binds) in pb {
            for (i, bind) in binds.as_array().into_iter().flatten().enumerate() {
                let ip = s(bind, &["HostIp"]).filter(|s| !s.is_empty());
                let hp = s(bind, &["HostPort"]).and_then(|p| p.parse().ok());
                w.ports.push(Set::new(
                    Port {
                        host_ip: ip.map(str::to_string),
                        host_port: hp,
                        container_port: cport.clone(),
                    },
                    at(&format!("HostConfig.PortBindings[{cport}][{i}]")),
                ));
            }
        }
    }
    w.image = s(container, &["Config", "Image"])
        .filter(|i| !i.is_empty())
        .map(|i| Set::new(i.to_string(), at("Config.Image")));
    w.image_id = s(container, &["Image"]).map(str::to_string);
    // The image's own environment is inherited: only what the container adds is its.
    let image_env = image
        .map(|i| list(i, &["Config", "Env"]))
        .unwrap_or_default();
    for (i, e) in list(container, &["Config", "Env"]).into_iter().enumerate() {
        if image_env.contains(&e) {
            continue;
        }
        if let Some((k, v)) = e.split_once('=') {
            w.env.push(Set::new(
                (k.to_string(), v.to_string()),
                at(&format!("Config.Env[{i}]")),
            ));
        }
    }
    w
}
