//! Build hygiene: `BSN4001` (build tools left in the runtime stage) and `BSN4002`
//! (the whole context copied before dependencies are installed).
//!
//! Package-manager caches are hadolint's checks and live there (`DL3009` apt lists,
//! `DL3019` apk `--no-cache`, `DL3042` pip `--no-cache-dir`, `DL3032`/`DL3040`/`DL3036`
//! yum/dnf/zypper clean, `DL3060` yarn cache).

use super::user::{installed_packages, package_name};
use super::{basename, final_stage, security_rule, stage_chain, stage_instructions};
use crate::context::Context;
use bosun_dockerfile::shell::Cmd;

/// Compilers and build systems, by package name across distributions.
const BUILD_TOOLS: &[&str] = &[
    "gcc",
    "g++",
    "gcc-c++",
    "cpp",
    "clang",
    "llvm",
    "make",
    "cmake",
    "build-essential",
    "build-base",
    "golang",
    "golang-go",
    "go",
    "rustc",
    "cargo",
    "autoconf",
    "automake",
    "libtool",
    "gfortran",
    "ninja-build",
    "ninja",
    "meson",
    "maven",
    "gradle",
    "musl-dev",
    "libc6-dev",
    "libc-dev",
    "linux-headers",
    "kernel-headers",
    "bison",
    "flex",
];

fn is_build_tool(pkg: &str) -> bool {
    BUILD_TOOLS.contains(&pkg)
        || pkg.starts_with("gcc-") && pkg[4..].chars().all(|c| c.is_ascii_digit())
        || pkg.starts_with("g++-") && pkg[4..].chars().all(|c| c.is_ascii_digit())
        || pkg.starts_with("clang-") && pkg[6..].chars().all(|c| c.is_ascii_digit())
        || pkg.starts_with("golang-1") && pkg.len() <= 12
}

/// Packages (or virtual package names) a command removes.
fn removed_packages(c: &Cmd) -> Vec<String> {
    let name = basename(&c.name);
    let subs: &[&str] = match name {
        "apt-get" | "apt" | "aptitude" => &["purge", "remove", "autoremove"],
        "apk" => &["del"],
        "yum" | "dnf" | "microdnf" | "tdnf" => &["remove", "erase", "autoremove"],
        "zypper" => &["remove", "rm"],
        "pacman" => &["-R", "-Rs", "-Rns"],
        _ => return Vec::new(),
    };
    let Some(pos) = c.args.iter().position(|a| subs.contains(&a.text.as_str())) else {
        return Vec::new();
    };
    c.args
        .iter()
        .skip(pos + 1)
        .filter(|a| !a.text.starts_with('-'))
        .map(|a| package_name(&a.text).to_string())
        .collect()
}

/// The `--virtual NAME` / `-t NAME` group of an `apk add`.
fn apk_virtual(c: &Cmd) -> Option<&str> {
    if basename(&c.name) != "apk" {
        return None;
    }
    let v = c.flag_values(&["virtual", "t"]);
    v.first().copied()
}

security_rule!(
    BSN4001,
    BSN4001_META,
    "BSN4001",
    "build-tools-in-final-stage",
    [],
    Low,
    None,
    "Compilers and build tools should not ship in the runtime image.",
    r#"## What it does

Flags compilers and build systems (`gcc`, `g++`, `make`, `cmake`, `build-essential`,
`build-base`, `golang`, `rustc`, `cargo`, `maven`, ...) installed in the final stage of
an image that runs a service (its `CMD`/`ENTRYPOINT` is not a shell, a REPL or
`sleep`: toolchain and CI images ship compilers on purpose), unless the same stage
removes them again (`apt-get purge`, `apk del`, including `apk add --virtual
.build-deps` groups and the `apt-mark auto` + `apt-get purge --auto-remove` idiom).

## Why is this bad?

Build tools are dead weight at run time: they enlarge the image and the attack
surface (an attacker with a shell can compile exploits), and they pull in packages
that keep scanners busy. Build in a separate stage and copy the results.

## Example

```dockerfile bad
FROM python:3.12-slim
RUN apt-get update && apt-get install -y gcc && pip install --no-cache-dir uwsgi
CMD ["uwsgi"]
```

```dockerfile good
FROM python:3.12-slim
RUN savedAptMark="$(apt-mark showmanual)" && apt-get update && apt-get install -y gcc \
 && pip install --no-cache-dir uwsgi \
 && apt-mark auto '.*' && apt-mark manual $savedAptMark && apt-get purge -y --auto-remove
CMD ["uwsgi"]
```

```dockerfile good
FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y gcc && pip wheel --wheel-dir /w uwsgi
FROM python:3.12-slim
COPY --from=build /w /w
RUN pip install --no-cache-dir /w/*.whl
CMD ["uwsgi"]
```
"#,
    check_bsn4001
);

fn check_bsn4001(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    let Some(last) = final_stage(&f) else { return };
    let chain = stage_chain(&f, last);
    let in_chain = super::chain_members(&f, &chain);
    let runs_service = super::runs_service(df, &f, last);
    if !runs_service {
        return;
    }
    let runs: Vec<_> = f
        .runs()
        .iter()
        .filter(|r| !r.onbuild && r.stage.is_some_and(|s| in_chain.get(s) == Some(&true)))
        .collect();
    let mut removed: Vec<String> = Vec::new();
    for r in &runs {
        for c in r.commands() {
            removed.extend(removed_packages(c));
        }
    }
    for r in &runs {
        // `apt-mark auto '.*'; apt-mark manual $saved; apt-get purge --auto-remove`:
        // everything this RUN installed is removed again (the official images' idiom)
        let marks_auto = r
            .commands()
            .any(|c| basename(&c.name) == "apt-mark" && c.has_arg("auto"));
        let auto_removes = r.commands().any(|c| {
            matches!(basename(&c.name), "apt-get" | "apt")
                && (c.has_arg("autoremove")
                    || c.has_arg("--auto-remove")
                    || c.has_arg("--autoremove"))
        });
        if marks_auto && auto_removes {
            continue;
        }
        for c in r.commands() {
            let group = apk_virtual(c);
            if group.is_some_and(|g| removed.iter().any(|x| x == g)) {
                continue;
            }
            for a in installed_packages(c) {
                let p = package_name(&a.text);
                if is_build_tool(p) && !removed.iter().any(|x| x == p) {
                    ctx.report(
                        &BSN4001_META,
                        format!("`{p}` is installed in the runtime stage: build in an earlier stage and copy the result"),
                        a.range.start..a.range.end,
                    );
                }
            }
        }
    }
}

/// Files that describe dependencies: copying them first keeps the install layer cached.
const MANIFESTS: &[&str] = &[
    "package.json",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "npm-shrinkwrap.json",
    "requirements",
    "pyproject.toml",
    "poetry.lock",
    "uv.lock",
    "Pipfile",
    "setup.py",
    "setup.cfg",
    "go.mod",
    "go.sum",
    "Gemfile",
    "Gemfile.lock",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "settings.gradle",
    "gradle",
    "Cargo.toml",
    "Cargo.lock",
    "composer.json",
    "composer.lock",
    "mix.exs",
    "mix.lock",
    "*.csproj",
    "packages.config",
];

fn is_manifest(src: &str) -> bool {
    let b = basename(src.trim_end_matches('/'));
    MANIFESTS
        .iter()
        .any(|m| b == *m || b.starts_with(m) || (m.starts_with('*') && b.ends_with(&m[1..])))
}

fn is_whole_context(src: &str) -> bool {
    matches!(src.trim(), "." | "./" | "./." | "*" | "./*")
}

/// A dependency installation step: `(tool, what it installs from)`.
fn is_dependency_install(c: &Cmd) -> bool {
    let name = basename(&c.name);
    let sub = c.subcommand().map(|a| a.text.as_str()).unwrap_or("");
    match name {
        "npm" => matches!(sub, "ci" | "install" | "i") && c.operands(&[]).len() <= 1,
        "yarn" => sub.is_empty() || sub == "install",
        "pnpm" => sub == "install" || sub == "i",
        "pip" | "pip3" | "pipenv" | "uv" | "poetry" => {
            (sub == "install"
                && (c.has_any_flag(&["r", "requirement"]) || name != "pip" && name != "pip3"))
                || sub == "sync"
        }
        "go" => sub == "mod" && c.has_arg("download"),
        "bundle" | "bundler" => sub == "install" || sub.is_empty(),
        "composer" => sub == "install",
        "mvn" | "mvnw" | "./mvnw" => true,
        "gradle" | "gradlew" | "./gradlew" => true,
        "cargo" => matches!(sub, "build" | "fetch" | "install"),
        "dotnet" => sub == "restore",
        "mix" => sub == "deps.get",
        _ => false,
    }
}

security_rule!(
    BSN4002,
    BSN4002_META,
    "BSN4002",
    "copy-context-before-dependency-install",
    [],
    Info,
    None,
    "Copy dependency manifests and install dependencies before copying the whole context.",
    r#"## What it does

Flags `COPY . .` (or `ADD .`, `COPY . /app`) followed in the same stage by a
dependency installation (`npm ci`, `yarn install`, `pip install -r`, `poetry install`,
`go mod download`, `bundle install`, `composer install`, `mvn`, `gradle`,
`cargo build`, `dotnet restore`), when no dependency manifest was copied on its own
before.

## Why is this bad?

Any change to any file of the context invalidates the `COPY . .` layer and every layer
after it, so every edit re-downloads and rebuilds all dependencies. Copy the manifests
first, install, then copy the rest: the install layer stays cached until the
dependencies change. (It also makes it likelier that stray files such as `.env` land in
the image.)

## Example

```dockerfile bad
FROM node:20
WORKDIR /app
COPY . .
RUN npm ci
```

```dockerfile good
FROM node:20
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
```
"#,
    check_bsn4002
);

fn check_bsn4002(ctx: &mut Context<'_>) {
    let df = ctx.dockerfile;
    let f = ctx.model();
    for (s, _) in f.stages().iter().enumerate() {
        let mut manifest_copied = false;
        let mut broad_copy: Option<(usize, std::ops::Range<usize>)> = None;
        for (i, ins) in stage_instructions(df, &f, s) {
            if (ins.is("COPY") || ins.is("ADD"))
                && ins.flag("from").is_none()
                && ins.words.len() >= 2
            {
                let sources = &ins.words[..ins.words.len() - 1];
                if sources.iter().any(|w| is_manifest(&w.text)) && broad_copy.is_none() {
                    manifest_copied = true;
                }
                if broad_copy.is_none() {
                    if let Some(w) = sources.iter().find(|w| is_whole_context(&w.text)) {
                        let _ = w;
                        broad_copy = Some((i, ins.range.start..ins.line.range().end));
                    }
                }
                continue;
            }
            if manifest_copied {
                break;
            }
            let Some((_, range)) = broad_copy.clone() else {
                continue;
            };
            if !ins.is("RUN") {
                continue;
            }
            let run = f.runs_at(i).iter().find(|r| !r.onbuild);
            let Some(cmd) = run.and_then(|r| r.commands().find(|c| is_dependency_install(c)))
            else {
                continue;
            };
            ctx.report(
                &BSN4002_META,
                format!(
                    "The whole build context is copied before `{}` installs dependencies: copy the dependency manifests first so that the install layer stays cached",
                    basename(&cmd.name)
                ),
                range,
            );
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{run, spans};

    #[test]
    fn build_tools_in_runtime_stage() {
        let src = "FROM python:3.12\nRUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12 libpq5 make\nCMD [\"x\"]\n";
        assert_eq!(spans(src, &run("BSN4001", src)), ["gcc=4:12", "make"]);
        // removed again, or in a builder stage only
        let src = "FROM python:3.12\nRUN apt-get install -y gcc && pip install x && apt-get purge -y gcc\nRUN apk add --virtual .build-deps build-base && make && apk del .build-deps\nCMD x\n";
        assert!(run("BSN4001", src).is_empty());
        let src = "FROM golang:1.22 AS build\nRUN apt-get install -y make\nFROM debian:12\nRUN apt-get install -y ca-certificates\n";
        assert!(run("BSN4001", src).is_empty());
        // a toolchain image (runs nothing, or a shell/REPL) is what it is
        let src = "FROM debian:12\nRUN apt-get install -y build-essential\n";
        assert!(run("BSN4001", src).is_empty());
        let src = "FROM debian:12\nRUN apt-get install -y gcc\nCMD [\"python3\"]\n";
        assert!(run("BSN4001", src).is_empty());
        let src = "FROM debian:12\nRUN apt-get install -y gcc\nENTRYPOINT [\"/app/server\"]\nCMD [\"bash\"]\n";
        assert_eq!(run("BSN4001", src).len(), 1);
    }

    #[test]
    fn copy_context_before_install() {
        let src = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
        assert_eq!(spans(src, &run("BSN4002", src)), ["COPY . ."]);
        let src = "FROM node:20\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n";
        assert!(run("BSN4002", src).is_empty());
        let src = "FROM python:3\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n";
        assert_eq!(run("BSN4002", src).len(), 1);
        let src = "FROM python:3\nCOPY . /app\nRUN pip install flask\n";
        assert!(run("BSN4002", src).is_empty());
        let src = "FROM golang:1\nCOPY --from=x . .\nRUN go mod download\n";
        assert!(run("BSN4002", src).is_empty());
    }
}

security_rule!(
    BSN4003,
    BSN4003_META,
    "BSN4003",
    "package-cache-left-in-final-stage",
    [],
    Info,
    None,
    "Clean (or cache-mount) the npm and Composer caches in the final stage.",
    r#"## What it does

Flags `npm install`/`npm ci` and `composer install`/`composer require` in the final
stage when the same `RUN` neither cleans the cache (`npm cache clean --force`,
`rm -rf ~/.npm`, `composer clear-cache`, `--no-cache`) nor mounts it as a build cache
(`RUN --mount=type=cache,target=/root/.npm`). The other package managers' caches are
hadolint's checks (`DL3009` apt lists, `DL3019` apk, `DL3042` pip, `DL3032`/`DL3040`/
`DL3036` yum/dnf/zypper, `DL3060` yarn).

## Why is this bad?

The download cache (`~/.npm/_cacache`, `~/.composer/cache`) is written into the layer
and shipped with the image: often tens or hundreds of megabytes nobody uses at run
time.

## Example

```dockerfile bad
FROM node:20-slim
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
CMD ["node", "server.js"]
```

```dockerfile good
FROM node:20-slim
WORKDIR /app
COPY package*.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
RUN npm ci --omit=dev && npm cache clean --force
CMD ["node", "server.js"]
```
"#,
    check_bsn4003
);

fn check_bsn4003(ctx: &mut Context<'_>) {
    let f = ctx.model();
    let Some(last) = final_stage(&f) else { return };
    let chain = stage_chain(&f, last);
    let in_chain = super::chain_members(&f, &chain);
    for r in f
        .runs()
        .iter()
        .filter(|r| !r.onbuild && r.stage.is_some_and(|s| in_chain.get(s) == Some(&true)))
    {
        for c in r.commands() {
            let name = basename(&c.name);
            let sub = c.subcommand().map(|a| a.text.as_str()).unwrap_or("");
            let (tool, cache_dir) = match name {
                "npm" if matches!(sub, "ci" | "install" | "i") => ("npm", ".npm"),
                "composer" if matches!(sub, "install" | "require" | "update") => {
                    ("composer", "composer")
                }
                _ => continue,
            };
            if c.has_arg("--no-cache") || r.has_cache_mount(cache_dir) || r.has_cache_mount("/root")
            {
                continue;
            }
            let cleaned = r.commands().any(|o| {
                let n = basename(&o.name);
                (n == "npm" && o.has_arg("cache") && o.has_arg("clean"))
                    || (n == "composer" && (o.has_arg("clear-cache") || o.has_arg("clearcache")))
                    || (n == "rm" && o.args.iter().any(|a| a.text.contains(cache_dir)))
            });
            if !cleaned {
                ctx.report(
                    &BSN4003_META,
                    format!(
                        "`{tool} {sub}` leaves its download cache in the image: clean it in the same RUN or use `RUN --mount=type=cache`"
                    ),
                    c.name_range.start..c.range.end,
                );
            }
        }
    }
}

#[cfg(test)]
mod cache_tests {
    use super::super::test_util::{run, spans};

    #[test]
    fn npm_and_composer_caches() {
        let src = "FROM node:20 AS build\nRUN npm ci\nFROM node:20\nRUN npm ci --omit=dev\nRUN npm ci && npm cache clean --force\nRUN --mount=type=cache,target=/root/.npm npm ci\nRUN npm install -g pm2 && rm -rf /root/.npm\nRUN composer install --no-dev\n";
        assert_eq!(
            spans(src, &run("BSN4003", src)),
            ["npm ci --omit=dev", "composer install --no-dev"]
        );
    }
}
