//! The same risky settings written as a Compose file, a multi-document Kubernetes
//! manifest and engine inspect answers give the same rule codes on the same workloads;
//! the hardened workload gets nothing at warning or above in every source.

use bosun_audit::{audit, declarations, engine, Workload};
use bosun_diagnostics::{Finding, Location, Severity};
use serde_json::json;

/// (case, the code it must get, sources that can express it: c=Compose, k=Kubernetes, e=engine)
const CASES: &[(&str, &str, &str)] = &[
    ("root", "BSA001", "cke"),
    ("priv", "BSA002", "cke"),
    ("capadd", "BSA003", "cke"),
    ("nethost", "BSA005", "cke"),
    ("pidhost", "BSA005", "cke"),
    ("ipchost", "BSA005", "cke"),
    ("utshost", "BSA005", "ce"),
    ("sock", "BSA006", "cke"),
    ("etc", "BSA007", "cke"),
    ("rwhost", "BSA008", "cke"),
    ("seccomp", "BSA011", "cke"),
    ("restart", "BSA013", "ce"),
    ("port", "BSA014", "cke"),
    ("latest", "BSA015", "cke"),
    ("secret", "BSA017", "cke"),
];

const HARDENED_COMPOSE: &str = r#"    image: registry.example/app:1.0@sha256:1111111111111111111111111111111111111111111111111111111111111111
    user: "1000"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    deploy:
      resources:
        limits: {memory: 256M, cpus: "1", pids: 100}
"#;

fn compose() -> String {
    let mut s = String::from("services:\n");
    let extra: &[(&str, &str)] = &[
        ("root", "    user: root\n"),
        ("priv", "    privileged: true\n"),
        ("capadd", "    cap_add: [SYS_ADMIN]\n"),
        ("nethost", "    network_mode: host\n"),
        ("pidhost", "    pid: host\n"),
        ("ipchost", "    ipc: host\n"),
        ("utshost", "    uts: host\n"),
        ("sock", "    volumes: [\"/var/run/docker.sock:/x\"]\n"),
        ("etc", "    volumes:\n      - type: bind\n        source: /etc\n        target: /host-etc\n        read_only: true\n"),
        ("rwhost", "    volumes: [\"./data:/data\"]\n"),
        ("seccomp", "    security_opt: [\"seccomp:unconfined\"]\n"),
        ("restart", "    restart: always\n"),
        ("port", "    ports: [\"80:80\"]\n"),
        ("latest", "    image: nginx:latest\n"),
        ("secret", "    environment:\n      AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\n"),
    ];
    for (case, e) in extra {
        let image = if *case == "latest" {
            ""
        } else {
            "    image: app:1\n"
        };
        s.push_str(&format!("  {case}:\n{image}{e}"));
    }
    s.push_str(&format!("  hardened:\n{HARDENED_COMPOSE}"));
    s
}

fn k8s() -> String {
    // Helm-rendered style: `---` then `# Source:` comments, several kinds.
    let mut s = String::new();
    let pod = |name: &str, spec: &str, csc: &str, extra: &str| {
        format!(
            "---\n# Source: chart/templates/{name}.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{spec}  containers:\n    - name: app\n      image: app:1\n{extra}      securityContext:\n{csc}"
        )
    };
    let base_sc = "        runAsNonRoot: true\n";
    let cases: &[(&str, &str, &str, &str)] = &[
        ("root", "", "        runAsUser: 0\n", ""),
        ("priv", "", "        privileged: true\n", ""),
        ("capadd", "", "        capabilities:\n          add: [\"SYS_ADMIN\"]\n", ""),
        ("nethost", "  hostNetwork: true\n", base_sc, ""),
        ("pidhost", "  hostPID: true\n", base_sc, ""),
        ("ipchost", "  hostIPC: true\n", base_sc, ""),
        ("sock", "  volumes:\n    - name: s\n      hostPath: {path: /var/run/docker.sock}\n", base_sc, "      volumeMounts:\n        - {name: s, mountPath: /x}\n"),
        ("etc", "  volumes:\n    - name: e\n      hostPath:\n        path: /etc\n", base_sc, "      volumeMounts:\n        - name: e\n          mountPath: /host-etc\n          readOnly: true\n"),
        ("rwhost", "  volumes:\n    - name: d\n      hostPath: {path: /srv/data}\n", base_sc, "      volumeMounts:\n        - {name: d, mountPath: /data}\n"),
        ("seccomp", "", "        seccompProfile: {type: Unconfined}\n", ""),
        ("port", "", base_sc, "      ports:\n        - {containerPort: 80, hostPort: 80}\n"),
        ("latest", "", base_sc, ""),
        ("secret", "", base_sc, "      env:\n        - name: AWS_SECRET_ACCESS_KEY\n          value: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\n"),
    ];
    for (name, spec, csc, extra) in cases {
        let mut p = pod(name, spec, csc, extra);
        if *name == "latest" {
            p = p.replace("image: app:1", "image: nginx");
        }
        s.push_str(&p);
    }
    // The hardened one as a Deployment, with pod-level settings inherited.
    s.push_str(
        r#"---
# Source: chart/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hardened
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: registry.example/app:1.0@sha256:1111111111111111111111111111111111111111111111111111111111111111
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          resources:
            limits: {memory: 256Mi, cpu: "1"}
---
# Source: chart/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: b
"#,
    );
    s
}

/// Inspect answers as Docker and podman give them (only the fields that matter).
fn engine_workloads() -> Vec<Workload> {
    let image = json!({"Config": {"User": "", "Env": ["PATH=/usr/bin"]}});
    let base = |name: &str| {
        json!({
            "Id": format!("{name:0<64}"),
            "Name": format!("/{name}"),
            "Image": "sha256:abc",
            "Config": {"User": "", "Image": "app:1", "Env": ["PATH=/usr/bin"]},
            "HostConfig": {"Privileged": false, "NetworkMode": "bridge", "PidsLimit": 2048,
                "RestartPolicy": {"Name": "", "MaximumRetryCount": 0}},
            "Mounts": [],
        })
    };
    let mut out = Vec::new();
    for (case, _, where_) in CASES {
        if !where_.contains('e') {
            continue;
        }
        let mut c = base(case);
        let hc = c["HostConfig"].as_object_mut().unwrap();
        match *case {
            "root" => c["Config"]["User"] = json!("root"),
            "priv" => drop(hc.insert("Privileged".into(), json!(true))),
            "capadd" => drop(hc.insert("CapAdd".into(), json!(["SYS_ADMIN"]))),
            "nethost" => drop(hc.insert("NetworkMode".into(), json!("host"))),
            "pidhost" => drop(hc.insert("PidMode".into(), json!("host"))),
            "ipchost" => drop(hc.insert("IpcMode".into(), json!("host"))),
            "utshost" => drop(hc.insert("UTSMode".into(), json!("host"))),
            "seccomp" => drop(hc.insert("SecurityOpt".into(), json!(["seccomp=unconfined"]))),
            "restart" => drop(hc.insert(
                "RestartPolicy".into(),
                json!({"Name": "always", "MaximumRetryCount": 0}),
            )),
            "port" => drop(hc.insert(
                "PortBindings".into(),
                json!({"80/tcp": [{"HostIp": "", "HostPort": "80"}]}),
            )),
            "sock" => {
                c["Mounts"] = json!([{"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/x", "RW": true}])
            }
            "etc" => {
                c["Mounts"] = json!([{"Type": "bind", "Source": "/etc", "Destination": "/host-etc", "RW": false}])
            }
            "rwhost" => {
                c["Mounts"] = json!([{"Type": "bind", "Source": "/srv/data", "Destination": "/data", "RW": true}])
            }
            "latest" => c["Config"]["Image"] = json!("nginx"),
            "secret" => {
                c["Config"]["Env"] = json!([
                    "PATH=/usr/bin",
                    "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
                ])
            }
            _ => unreachable!(),
        }
        out.push(engine::workload(
            "unix:///run/engine.sock",
            &c,
            Some(&image),
        ));
    }
    // podman's answer for `--read-only --cap-drop ALL --security-opt no-new-privileges
    // --memory 256m --cpus 1 --pids-limit 100 --user 1000` (ALL expanded to the defaults).
    let mut h = base("hardened");
    h["Config"]["User"] = json!("1000");
    h["Config"]["Image"] =
        json!("app:1@sha256:1111111111111111111111111111111111111111111111111111111111111111");
    let hc = h["HostConfig"].as_object_mut().unwrap();
    for (k, v) in [
        ("ReadonlyRootfs", json!(true)),
        ("SecurityOpt", json!(["no-new-privileges"])),
        ("Memory", json!(268435456)),
        ("NanoCpus", json!(1000000000)),
        ("PidsLimit", json!(100)),
        (
            "CapDrop",
            json!([
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
                "SYS_CHROOT"
            ]),
        ),
    ] {
        hc.insert(k.into(), v);
    }
    out.push(engine::workload(
        "unix:///run/engine.sock",
        &h,
        Some(&image),
    ));
    out
}

fn workload_of(f: &Finding) -> &str {
    match &f.location {
        Location::Workload { workload, .. } => workload,
        other => panic!("not a workload location: {other:?}"),
    }
}

/// The case a workload name belongs to: `service priv`, `Pod/priv container app`,
/// `container priv (...)`.
fn case_of(name: &str) -> &str {
    let name = name
        .trim_start_matches("service ")
        .trim_start_matches("container ")
        .trim_start_matches("Pod/")
        .trim_start_matches("Deployment/");
    name.split([' ', '(']).next().unwrap()
}

fn check_source(label: &str, letter: char, workloads: &[Workload]) {
    let expected: Vec<_> = CASES.iter().filter(|c| c.2.contains(letter)).collect();
    assert_eq!(workloads.len(), expected.len() + 1, "{label}: workloads");
    let findings = audit(workloads);
    for (case, code, _) in &expected {
        let hit = findings
            .iter()
            .any(|f| f.code == *code && case_of(workload_of(f)) == *case);
        assert!(hit, "{label}: {case} lacks {code}: {findings:#?}");
    }
    let loud: Vec<_> = findings
        .iter()
        .filter(|f| case_of(workload_of(f)) == "hardened" && f.severity >= Severity::Warning)
        .collect();
    assert!(loud.is_empty(), "{label}: hardened gets {loud:#?}");
    // Each case's own code appears on no workload that did not ask for it, except
    // the root rule (every workload without a user is root by default).
    for (case, code, _) in &expected {
        if *code == "BSA001" || *code == "BSA005" {
            continue;
        }
        let on: Vec<&str> = findings
            .iter()
            // (Kubernetes' missing seccomp profile is BSA011 at low on every pod.)
            .filter(|f| f.code == *code && !f.message.starts_with("no seccomp profile"))
            .map(|f| case_of(workload_of(f)))
            .collect();
        assert!(on.iter().all(|c| c == case), "{label}: {code} on {on:?}");
    }
}

#[test]
fn compose_kubernetes_and_engine_agree() {
    let c = declarations("compose.yaml", &compose()).unwrap();
    assert!(c.skipped.is_empty());
    check_source("compose", 'c', &c.workloads);
    let k = declarations("chart.yaml", &k8s()).unwrap();
    assert_eq!(k.skipped.len(), 1, "{:?}", k.skipped);
    assert!(k.skipped[0].contains("ConfigMap"), "{:?}", k.skipped);
    check_source("kubernetes", 'k', &k.workloads);
    check_source("engine", 'e', &engine_workloads());
}

#[test]
fn findings_point_at_file_line_and_field() {
    let text = compose();
    let c = declarations("compose.yaml", &text).unwrap();
    let f = audit(&c.workloads);
    let priv_ = f.iter().find(|f| f.code == "BSA002").unwrap();
    let Location::Workload {
        source,
        workload,
        field,
        span,
    } = &priv_.location
    else {
        panic!()
    };
    assert_eq!(
        (source.as_str(), workload.as_str(), field.as_str()),
        ("compose.yaml", "service priv", "services.priv.privileged")
    );
    let line = text
        .lines()
        .position(|l| l.contains("privileged: true"))
        .unwrap()
        + 1;
    assert_eq!(span.unwrap().start_line, line);

    let text = k8s();
    let k = declarations("chart.yaml", &text).unwrap();
    let f = audit(&k.workloads);
    let sock = f.iter().find(|f| f.code == "BSA006").unwrap();
    let Location::Workload {
        workload,
        field,
        span,
        ..
    } = &sock.location
    else {
        panic!()
    };
    assert_eq!(workload, "Pod/sock container app");
    assert_eq!(field, "spec.containers[0].volumeMounts[0]");
    let line = text
        .lines()
        .position(|l| l.contains("{name: s, mountPath: /x}"))
        .unwrap()
        + 1;
    assert_eq!(span.unwrap().start_line, line);
    // A missing setting points at the container entry, under the field to set.
    let rootfs = f
        .iter()
        .find(|f| f.code == "BSA009" && workload_of(f) == "Pod/priv container app")
        .unwrap();
    let Location::Workload { field, .. } = &rootfs.location else {
        panic!()
    };
    assert_eq!(
        field,
        "spec.containers[0].securityContext.readOnlyRootFilesystem"
    );
}

#[test]
fn kubernetes_templates_init_containers_and_inheritance() {
    let text = r#"apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          securityContext: {runAsUser: 0}
          initContainers:
            - name: setup
              image: busybox:1.36
          containers:
            - name: job
              image: busybox:1.36
              securityContext: {runAsUser: 1000}
"#;
    let d = declarations("cron.yaml", text).unwrap();
    let names: Vec<&str> = d.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "CronJob/nightly init container setup",
            "CronJob/nightly container job"
        ]
    );
    let f = audit(&d.workloads);
    let root: Vec<&str> = f
        .iter()
        .filter(|f| f.code == "BSA001")
        .map(workload_of)
        .collect();
    // The pod's runAsUser 0 is inherited by the init container; the job overrides it.
    assert_eq!(root, ["CronJob/nightly init container setup"]);
    let Location::Workload { field, .. } = &f.iter().find(|f| f.code == "BSA001").unwrap().location
    else {
        panic!()
    };
    assert_eq!(
        field,
        "spec.jobTemplate.spec.template.spec.securityContext.runAsUser"
    );
}

#[test]
fn invalid_yaml_has_its_line_and_other_yaml_is_skipped() {
    let e = declarations(
        "bad.yaml",
        "services:\n  web:\n    image: [a\n    user: x\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 4, "{e}");
    let d = declarations("ci.yaml", "stages: [build]\njob:\n  script: make\n").unwrap();
    assert!(d.workloads.is_empty());
    assert_eq!(d.skipped, ["the file: neither Compose nor Kubernetes"]);
}

#[test]
fn compose_short_and_long_syntax() {
    let text = r#"x-common: &common
  privileged: true
services:
  a:
    <<: *common
    image: app:1
    ports:
      - "127.0.0.1:80:80"
      - target: 443
        published: "443"
      - "[::1]:22:22"
      - "8080:80"
    environment:
      - DB_PASSWORD=correct-horse-battery
    volumes:
      - /:/host
      - data:/data
    mem_limit: 1g
    cpus: 0.5
    pids_limit: 50
"#;
    let d = declarations("c.yaml", text).unwrap();
    let f = audit(&d.workloads);
    let codes = |c: &str| f.iter().filter(|f| f.code == c).count();
    assert_eq!(codes("BSA002"), 1, "merge key gives privileged");
    assert_eq!(codes("BSA014"), 1, "only 443 on every interface: {f:#?}");
    assert_eq!(codes("BSA017"), 1);
    assert_eq!(codes("BSA007"), 1);
    assert_eq!(codes("BSA008"), 0);
    assert_eq!(codes("BSA012"), 0);
    assert!(f.iter().all(|f| !f.message.contains("correct-horse")));
}
