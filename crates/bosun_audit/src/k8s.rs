//! Kubernetes manifests into [`Workload`]s, one per container (init and ephemeral
//! containers included). Pod templates are found in Pod, Deployment, ReplicaSet,
//! ReplicationController, StatefulSet, DaemonSet, Job and CronJob (and each item of a
//! `List`); pod-level settings (`hostNetwork`, the pod `securityContext`, volumes) apply
//! to every container, which may override `runAsUser`, `runAsNonRoot`, seccomp and
//! AppArmor.

use crate::model::{At, Mount, MountKind, Namespace, Port, Set, SourceKind, Workload};
use crate::source::Ctx;
use crate::yaml::{Node, Value};

pub(crate) fn workloads(ctx: &Ctx<'_>, doc: &Node) -> Vec<Workload> {
    let mut out = Vec::new();
    object(ctx, doc, "", &mut out, 0);
    out
}

fn object(ctx: &Ctx<'_>, doc: &Node, base: &str, out: &mut Vec<Workload>, depth: usize) {
    let kind = doc.get("kind").and_then(Node::str).unwrap_or("");
    let name = doc
        .path(&["metadata", "name"])
        .and_then(Node::str)
        .unwrap_or("?");
    let join = |p: &str| {
        if base.is_empty() {
            p.to_string()
        } else {
            format!("{base}.{p}")
        }
    };
    let (template, prefix) = match kind {
        "Pod" => (Some(doc), join("")),
        "Deployment"
        | "ReplicaSet"
        | "ReplicationController"
        | "StatefulSet"
        | "DaemonSet"
        | "Job" => (doc.path(&["spec", "template"]), join("spec.template.")),
        "CronJob" => (
            doc.path(&["spec", "jobTemplate", "spec", "template"]),
            join("spec.jobTemplate.spec.template."),
        ),
        "PodTemplate" => (doc.get("template"), join("template.")),
        "List" if depth == 0 => {
            for (i, item) in doc
                .get("items")
                .map(Node::seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                object(ctx, item, &join(&format!("items[{i}]")), out, 1);
            }
            return;
        }
        _ => (None, String::new()),
    };
    let Some(template) = template else { return };
    let Some(spec) = template.get("spec") else {
        return;
    };
    let pod = Pod {
        ctx,
        who: format!("{kind}/{name}"),
        spec,
        spec_path: format!("{prefix}spec"),
        annotations: template.path(&["metadata", "annotations"]),
        annotations_path: format!("{prefix}metadata.annotations"),
    };
    for (list, label) in [
        ("initContainers", "init container"),
        ("containers", "container"),
        ("ephemeralContainers", "ephemeral container"),
    ] {
        for (i, c) in spec
            .get(list)
            .map(Node::seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            out.push(pod.container(c, list, i, label));
        }
    }
}

struct Pod<'a> {
    ctx: &'a Ctx<'a>,
    who: String,
    spec: &'a Node,
    spec_path: String,
    annotations: Option<&'a Node>,
    annotations_path: String,
}

impl Pod<'_> {
    fn container(&self, c: &Node, list: &str, i: usize, label: &str) -> Workload {
        let ctx = self.ctx;
        let cname = c.get("name").and_then(Node::str).unwrap_or("?");
        let cp = format!("{}.{list}[{i}]", self.spec_path);
        let sp = &self.spec_path;
        let mut w = Workload::new(
            SourceKind::Kubernetes,
            ctx.source,
            format!("{} {label} {cname}", self.who),
            ctx.at(&cp, c),
            cp.clone(),
        );
        let spec = self.spec;

        // Pod level first, then the container overrides.
        for (key, ns) in [
            ("hostNetwork", Namespace::Network),
            ("hostPID", Namespace::Pid),
            ("hostIPC", Namespace::Ipc),
        ] {
            if let Some(v) = spec.get(key).filter(|v| v.bool() == Some(true)) {
                w.host_namespaces
                    .push(Set::new(ns, ctx.at(&format!("{sp}.{key}"), v)));
            }
        }
        let psc = spec.get("securityContext");
        let psp = format!("{sp}.securityContext");
        let csc = c.get("securityContext");
        let csp = format!("{cp}.securityContext");
        let pick = |key: &str| -> Option<(At, &Node)> {
            csc.and_then(|s| s.get(key))
                .map(|v| (ctx.at(&format!("{csp}.{key}"), v), v))
                .or_else(|| {
                    psc.and_then(|s| s.get(key))
                        .map(|v| (ctx.at(&format!("{psp}.{key}"), v), v))
                })
        };
        if let Some((at, v)) = pick("runAsUser") {
            if let Some(s) = v.str() {
                w.user = Some(Set::new(s.to_string(), at));
            }
        }
        if let Some((at, v)) = pick("runAsNonRoot") {
            if let Some(b) = v.bool() {
                w.run_as_non_root = Some(Set::new(b, at));
            }
        }
        if let Some((at, v)) = pick("seccompProfile") {
            let ty = v.get("type").and_then(Node::str).unwrap_or("");
            w.seccomp = Some(Set::new(ty.to_string(), at));
        }
        if let Some((at, v)) = pick("appArmorProfile") {
            let ty = v.get("type").and_then(Node::str).unwrap_or("");
            w.apparmor = Some(Set::new(ty.to_string(), at));
        }
        // The older annotations.
        if let Some(ann) = self.annotations {
            let ap = &self.annotations_path;
            for (k, v) in ann.entries() {
                let Some(val) = v.str() else { continue };
                let at = || ctx.at(&format!("{ap}.{k}"), v);
                if k == format!("container.apparmor.security.beta.kubernetes.io/{cname}")
                    && w.apparmor.is_none()
                {
                    w.apparmor = Some(Set::new(val.to_string(), at()));
                }
                if (k == format!("container.seccomp.security.alpha.kubernetes.io/{cname}")
                    || k == "seccomp.security.alpha.kubernetes.io/pod")
                    && w.seccomp.is_none()
                {
                    w.seccomp = Some(Set::new(val.to_string(), at()));
                }
            }
        }
        if let Some(sc) = csc {
            let f = |k: &str| format!("{csp}.{k}");
            if let Some(v) = sc.get("privileged") {
                w.privileged = v.bool().map(|b| Set::new(b, ctx.at(&f("privileged"), v)));
            }
            if let Some(v) = sc.get("readOnlyRootFilesystem") {
                w.read_only_rootfs = v
                    .bool()
                    .map(|b| Set::new(b, ctx.at(&f("readOnlyRootFilesystem"), v)));
            }
            if let Some(v) = sc.get("allowPrivilegeEscalation") {
                // allowPrivilegeEscalation: false is no-new-privileges.
                w.no_new_privileges = v
                    .bool()
                    .map(|b| Set::new(!b, ctx.at(&f("allowPrivilegeEscalation"), v)));
            }
            for (key, list) in [("add", &mut w.cap_add), ("drop", &mut w.cap_drop)] {
                for (j, cap) in sc
                    .path(&["capabilities", key])
                    .map(Node::seq)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    if let Some(s) = cap.str() {
                        list.push(Set::new(
                            s.to_string(),
                            ctx.at(&f(&format!("capabilities.{key}[{j}]")), cap),
                        ));
                    }
                }
            }
        }

        // Volumes: host paths by volume name.
        let volumes = spec.get("volumes").map(Node::seq).unwrap_or_default();
        for (j, vm) in c
            .get("volumeMounts")
            .map(Node::seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let vname = vm.get("name").and_then(Node::str).unwrap_or("");
            let target = vm.get("mountPath").and_then(Node::str).unwrap_or("");
            let read_only = vm.get("readOnly").and_then(Node::bool).unwrap_or(false);
            let vol = volumes
                .iter()
                .find(|v| v.get("name").and_then(Node::str) == Some(vname));
            let host = vol
                .and_then(|v| v.path(&["hostPath", "path"]))
                .and_then(Node::str);
            let (kind, source) = match host {
                Some(h) => (MountKind::Bind, h.to_string()),
                None => (MountKind::Volume, vname.to_string()),
            };
            w.mounts.push(Set::new(
                Mount {
                    kind,
                    source,
                    target: target.to_string(),
                    read_only,
                },
                ctx.at(&format!("{cp}.volumeMounts[{j}]"), vm),
            ));
        }

        if let Some(l) = c.path(&["resources", "limits"]) {
            let lp = format!("{cp}.resources.limits");
            for (k, v) in l.entries() {
                let Some(s) = v.str() else { continue };
                let set = Set::new(s.to_string(), ctx.at(&format!("{lp}.{k}"), v));
                match k {
                    "memory" => w.limits.memory = Some(set),
                    "cpu" => w.limits.cpu = Some(set),
                    _ => {}
                }
            }
        }
        for (j, p) in c
            .get("ports")
            .map(Node::seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let Some(hp) = p.get("hostPort").and_then(Node::int) else {
                continue;
            };
            w.ports.push(Set::new(
                Port {
                    host_ip: p.get("hostIP").and_then(Node::str).map(str::to_string),
                    host_port: u16::try_from(hp).ok(),
                    container_port: p
                        .get("containerPort")
                        .and_then(Node::str)
                        .unwrap_or("")
                        .to_string(),
                },
                ctx.at(&format!("{cp}.ports[{j}]"), p),
            ));
        }
        if let Some(v) = c.get("image") {
            w.image = v
                .str()
                .map(|s| Set::new(s.to_string(), ctx.at(&format!("{cp}.image"), v)));
        }
        for (j, e) in c
            .get("env")
            .map(Node::seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if let (Some(n), Some(v)) = (
                e.get("name").and_then(Node::str),
                e.get("value")
                    .filter(|v| matches!(v.value, Value::Scalar(..))),
            ) {
                w.env.push(Set::new(
                    (n.to_string(), v.str().unwrap_or("").to_string()),
                    ctx.at(&format!("{cp}.env[{j}].value"), v),
                ));
            }
        }
        w
    }
}
