//! The semantic model: ARG/ENV scoping as BuildKit applies it, stages and their bases,
//! stage references and reachability, USER / WORKDIR / SHELL, on inline Dockerfiles and
//! on the whole corpus.

use bosun_dockerfile::model::{Base, Model, ModelOptions, ShellKind, StageRef, UserState};
use bosun_dockerfile::parse;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The index of the `n`-th instruction whose cmd is `cmd`.
fn nth(df: &bosun_dockerfile::Dockerfile, cmd: &str, n: usize) -> usize {
    df.instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.is(cmd))
        .nth(n)
        .map(|(i, _)| i)
        .expect("instruction present")
}

#[test]
fn global_args_need_redeclaring_in_a_stage() {
    let src = "ARG VERSION=3.19\nARG BASE=alpine\nFROM ${BASE}:${VERSION} AS build\nRUN echo $VERSION\nARG VERSION\nRUN echo $VERSION\nFROM build\nRUN echo $VERSION\n";
    let df = parse(src);
    let m = Model::new(&df);
    let stages = m.stages();
    assert_eq!(stages.len(), 2);
    match &stages[0].base {
        Base::Image(r) => {
            assert_eq!(r.repository, "library/alpine");
            assert_eq!(r.tag.as_deref(), Some("3.19"));
        }
        other => panic!("expected an image, got {other:?}"),
    }
    let run1 = nth(&df, "RUN", 0);
    assert_eq!(
        m.env_at(run1).get("VERSION"),
        None,
        "global ARG not visible yet"
    );
    let e = m.expand(run1, "v=$VERSION").unwrap();
    assert_eq!(e.value, "v=");
    assert_eq!(e.unmatched, vec!["VERSION"]);
    let run2 = nth(&df, "RUN", 1);
    assert_eq!(
        m.env_at(run2).get("VERSION"),
        Some("3.19"),
        "bare ARG takes the global default"
    );
    // A stage built FROM another inherits its ARGs.
    let run3 = nth(&df, "RUN", 2);
    assert_eq!(m.env_at(run3).get("VERSION"), Some("3.19"));
    assert_eq!(stages[1].parent(), Some(0));
}

#[test]
fn platform_args_in_from_and_when_declared() {
    let src = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nRUN echo $TARGETARCH $TARGETOS\n";
    let df = parse(src);
    let m = Model::with_options(
        &df,
        ModelOptions {
            platform: "linux/arm64".into(),
            build_args: Vec::new(),
        },
    );
    let p = m.stages()[0].platform.as_ref().expect("--platform");
    assert_eq!(p.value.as_deref(), Some("linux/arm64"));
    let run = nth(&df, "RUN", 0);
    assert_eq!(m.env_at(run).get("TARGETARCH"), Some("arm64"));
    assert_eq!(
        m.env_at(run).get("TARGETOS"),
        None,
        "not declared in the stage"
    );
}

#[test]
fn env_sees_the_scope_before_the_instruction() {
    let src =
        "FROM debian\nENV A=1\nENV A=2 B=$A C=\"x y\"\nARG A=9\nRUN true\nFROM debian\nRUN true\n";
    let df = parse(src);
    let m = Model::new(&df);
    let run = nth(&df, "RUN", 0);
    let env = m.env_at(run);
    assert_eq!(env.get("A"), Some("2"), "ENV wins over ARG");
    assert_eq!(env.get("B"), Some("1"));
    assert_eq!(env.get("C"), Some("x y"));
    let other = nth(&df, "RUN", 1);
    assert_eq!(
        m.env_at(other).get("A"),
        None,
        "unrelated stages do not inherit"
    );
}

#[test]
fn build_args_override_defaults() {
    let src = "ARG TAG=1\nFROM alpine:$TAG\nARG MODE=dev\nRUN echo $MODE\n";
    let df = parse(src);
    let m = Model::with_options(
        &df,
        ModelOptions {
            platform: "linux/amd64".into(),
            build_args: vec![
                ("TAG".into(), "3.20".into()),
                ("MODE".into(), "prod".into()),
            ],
        },
    );
    match &m.stages()[0].base {
        Base::Image(r) => assert_eq!(r.tag.as_deref(), Some("3.20")),
        other => panic!("{other:?}"),
    }
    assert_eq!(m.env_at(nth(&df, "RUN", 0)).get("MODE"), Some("prod"));
}

#[test]
fn unresolvable_base_is_unknown() {
    let src =
        "ARG BASE\nARG IMG\nFROM $BASE\nARG TAG\nFROM alpine:${TAG}\nFROM ${IMG:-busybox:1.36}\n";
    let df = parse(src);
    let m = Model::new(&df);
    assert!(matches!(m.stages()[0].base, Base::Unknown(_)));
    assert!(!m.stages()[0].base_name.complete);
    // `TAG` is a stage ARG of stage 0, not a global: in FROM it expands to nothing.
    match &m.stages()[1].base {
        Base::Unknown(v) => assert_eq!(v, "alpine:"),
        other => panic!("{other:?}"),
    }
    // Still ARG-dependent (IMG has no value), but a default build pulls busybox.
    match &m.stages()[2].base {
        Base::Image(r) => assert_eq!(r.familiar_name(), "busybox"),
        other => panic!("{other:?}"),
    }
    assert!(!m.stages()[2].base_name.complete);
}

#[test]
fn stages_references_and_reachability() {
    let src = "FROM golang:1.22 AS Build\nRUN go build\nFROM scratch AS unused\nFROM node:20 AS assets\nFROM alpine:3.20\nCOPY --from=build /app /app\nCOPY --from=1 /x /x\nCOPY --from=nginx:latest /etc/nginx /etc/nginx\nRUN --mount=type=bind,from=assets,target=/a true\n";
    let df = parse(src);
    let m = Model::new(&df);
    let s = m.stages();
    assert_eq!(s.len(), 4);
    assert_eq!(s[0].name.as_deref(), Some("build"));
    assert_eq!(s[0].name_as_written.as_deref(), Some("Build"));
    assert_eq!(s[1].base, Base::Scratch);
    assert_eq!(m.stage_named("BUILD").map(|s| s.index), Some(0));
    let final_stage = m.final_stage().expect("final");
    assert_eq!(final_stage.index, 3);
    let copy0 = nth(&df, "COPY", 0);
    assert_eq!(m.references(copy0), [StageRef::Stage(0)]);
    assert_eq!(m.references(nth(&df, "COPY", 1)), [StageRef::Stage(1)]);
    match m.references(nth(&df, "COPY", 2)) {
        [StageRef::Image(r)] => assert_eq!(r.familiar_name(), "nginx"),
        other => panic!("{other:?}"),
    }
    assert_eq!(m.references(nth(&df, "RUN", 1)), [StageRef::Stage(2)]);
    let mounts = m.mounts(nth(&df, "RUN", 1));
    assert_eq!(mounts.len(), 1);
    assert_eq!(mounts[0].kind, "bind");
    assert_eq!(mounts[0].target.as_deref(), Some("/a"));
    assert!(m.mounts(nth(&df, "RUN", 0)).is_empty());
    assert_eq!(m.reachable_stages(), vec![0, 1, 2, 3]);
    let src = "FROM alpine AS a\nFROM alpine AS b\nFROM b\n";
    let df = parse(src);
    let m = Model::new(&df);
    assert_eq!(m.reachable_stages(), vec![1, 2]);
    assert_eq!(m.stage_of(0).map(|s| s.index), Some(0));
}

#[test]
fn users_per_stage() {
    let src = "FROM debian AS base\nRUN id\nUSER app\nFROM base AS child\nRUN id\nUSER 0:0\nFROM scratch\nARG U\nUSER $U\nFROM alpine\nARG RUNAS\nUSER ${RUNAS:-root}\n";
    let df = parse(src);
    let m = Model::new(&df);
    assert_eq!(*m.user_at(nth(&df, "RUN", 0)), UserState::NotSet);
    assert_eq!(m.user_at(nth(&df, "RUN", 0)).is_root(), None);
    assert_eq!(m.user_at_end(0).name(), Some("app"));
    assert_eq!(m.user_at_end(0).is_root(), Some(false));
    // Inherited from the parent stage.
    assert_eq!(m.user_at(nth(&df, "RUN", 1)).name(), Some("app"));
    assert_eq!(m.user_at_end(1).is_root(), Some(true));
    // An ARG without a value: unknown.
    assert_eq!(m.user_at_end(2).is_root(), None);
    // A variable defaulting to root.
    assert_eq!(m.user_at_end(3).is_root(), Some(true));
}

#[test]
fn workdir_and_shell() {
    let src = "FROM debian AS a\nWORKDIR app\nWORKDIR src\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN pwd\nFROM a\nRUN pwd\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN Write-Host hi\n";
    let df = parse(src);
    let m = Model::new(&df);
    let run0 = nth(&df, "RUN", 0);
    assert_eq!(m.workdir_at(run0), Some("/app/src"));
    assert_eq!(m.shell_at(run0).kind(), ShellKind::Bash);
    let run1 = nth(&df, "RUN", 1);
    assert_eq!(m.workdir_at(run1), Some("/app/src"), "inherited");
    assert!(m.shell_at(run1).instruction.is_some(), "SHELL inherited");
    let run2 = nth(&df, "RUN", 2);
    assert_eq!(m.shell_at(run2).kind(), ShellKind::PowerShell);
    let run = m.runs_at(run2).first().expect("RUN");
    assert!(run.shell.is_non_posix());
    assert_eq!(
        run.commands().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["Write-Host"]
    );
    let run = m.runs_at(run0).first().expect("RUN");
    assert_eq!(run.commands().count(), 1);
    assert!(run.shell.has_pipefail() && run.shell.explicit());
    assert_eq!(m.workdir_at(0), None);
}

fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = bosun_testkit::corpus("dockerfiles/visible")?;
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p: PathBuf = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    Some(out)
}

fn check_file(
    path: &Path,
    stats: &mut (usize, usize, usize, usize),
    model_time: &mut std::time::Duration,
) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let df = bosun_dockerfile::parse_bytes(&bytes);
    let t = Instant::now();
    let m = Model::new(&df);
    *model_time += t.elapsed();
    let froms = df.instructions.iter().filter(|i| i.is("FROM")).count();
    if m.stages().len() != froms {
        return Err(format!("{} stages for {froms} FROMs", m.stages().len()));
    }
    stats.0 += 1;
    stats.1 += froms;
    for s in m.stages() {
        match s.base {
            Base::Image(_) | Base::Scratch | Base::Stage(_) => stats.2 += 1,
            Base::Unknown(_) => stats.3 += 1,
        }
        if s.end <= s.from || s.end > df.instructions.len() {
            return Err(format!("stage {} has range {}..{}", s.index, s.from, s.end));
        }
    }
    if let Some(last) = m.final_stage() {
        if !m.is_reachable(last.index) {
            return Err("final stage not reachable".into());
        }
    }
    for i in 0..df.instructions.len() {
        let _ = m.env_at(i);
        let _ = m.user_at(i).is_root();
    }
    Ok(())
}

#[test]
fn corpus_models() {
    let Some(files) = corpus_files() else { return };
    let t = Instant::now();
    let mut stats = (0, 0, 0, 0);
    let mut bad = Vec::new();
    let mut model_time = std::time::Duration::ZERO;
    for f in &files {
        if let Err(e) = check_file(f, &mut stats, &mut model_time) {
            bad.push(format!("{}: {e}", f.display()));
        }
    }
    eprintln!(
        "{} files, {} stages ({} resolved, {} unknown bases), Model::new {:?}, total {:?}",
        stats.0,
        stats.1,
        stats.2,
        stats.3,
        model_time,
        t.elapsed()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(stats.0 > 2000);
    assert!(stats.2 > stats.3 * 5, "most bases should resolve");
}

#[test]
fn undefined_vars_and_constants() {
    let src = "ARG TAG=1\nFROM --platform=linux/amd64 alpine:$TAG AS a\nARG DECLARED\nENV HOME_DIR=/home/app\nCOPY app $HOME_DIR/$DECLARED/$PAHT\nFROM scratch\nFROM --platform=$TARGETPLATFORM a\nWORKDIR $NOPE\n";
    let df = parse(src);
    let m = Model::new(&df);
    let copy = nth(&df, "COPY", 0);
    assert_eq!(
        m.undefined_vars(copy, "$HOME_DIR/$DECLARED/$PAHT"),
        vec!["PAHT"]
    );
    assert!(m.inherits_image_env(0));
    assert!(!m.inherits_image_env(1));
    assert!(m.inherits_image_env(2), "FROM a, which is FROM alpine");
    let p0 = m.stages()[0].platform.as_ref().expect("platform");
    assert!(p0.is_constant());
    let p2 = m.stages()[2].platform.as_ref().expect("platform");
    assert_eq!(p2.matched, vec!["TARGETPLATFORM"]);
    assert!(!m.stages()[0].base_name.is_constant());
    let wd = nth(&df, "WORKDIR", 0);
    assert_eq!(m.undefined_vars(wd, "$NOPE"), vec!["NOPE"]);
}

#[test]
fn windows_images_default_to_cmd() {
    let src = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\nFROM python:3.12-windowsservercore-ltsc2022\nRUN echo hi\nFROM python:3.12\nRUN echo hi\n";
    let df = parse(src);
    let m = Model::new(&df);
    assert_eq!(m.shell_at(nth(&df, "RUN", 0)).kind(), ShellKind::Cmd);
    assert_eq!(m.shell_at(nth(&df, "RUN", 1)).kind(), ShellKind::Cmd);
    assert_eq!(m.shell_at(nth(&df, "RUN", 2)).kind(), ShellKind::Sh);
    let run = m.runs_at(nth(&df, "RUN", 0)).first().expect("RUN");
    assert!(run.shell.is_non_posix() && !run.shell.explicit());
}

#[test]
fn run_arguments_resolve_known_variables() {
    let src = "FROM debian:12\nARG DEPS=\"a b\"\nARG UNSET\nENV ONE=c\nRUN X=\"d e\"; apt-get install $DEPS \"$DEPS\" $ONE $X $UNSET $HOME ${ONE}-dev\nONBUILD RUN apt-get install $DEPS\n";
    let df = parse(src);
    let m = Model::new(&df);
    let run = m.runs_at(nth(&df, "RUN", 0)).first().expect("RUN");
    let cmd = run
        .commands()
        .find(|c| c.name == "apt-get")
        .expect("apt-get");
    let args: Vec<(&str, bool)> = cmd
        .args
        .iter()
        .map(|a| (a.text.as_str(), a.literal))
        .collect();
    assert_eq!(
        args,
        [
            ("install", true),
            ("a", true),
            ("b", true),
            ("a b", true),
            ("c", true),
            ("d", true),
            ("e", true),
            ("${VAR}", false),
            ("${VAR}", false),
            ("c-dev", true),
        ]
    );
    // `a` and `b` keep the range of `$DEPS`.
    let deps = src.find("$DEPS").expect("in source");
    assert_eq!(cmd.args[1].range.start, deps);
    assert_eq!(cmd.args[2].range, cmd.args[1].range);
    // ONBUILD RUN runs in another build: its variables are not these.
    let onbuild = m.runs().iter().find(|r| r.onbuild).expect("ONBUILD RUN");
    let cmd = onbuild.commands().next().expect("apt-get");
    assert!(!cmd.args[1].literal);
}
