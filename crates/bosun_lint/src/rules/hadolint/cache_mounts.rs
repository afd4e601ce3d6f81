//! hadolint's BuildKit cache-mount checks of build tools (`DL3069`-`DL3077`): a RUN that
//! runs cargo, go, Maven, Gradle, Composer, NuGet/.NET, pnpm, Mix or gem/bundler
//! should give the tool's download cache a `--mount=type=cache` (or `tmpfs`) mount.
//!
//! As in hadolint, a mount is accepted when its target *contains* the tool's cache
//! folder (`.m2`, `.gradle`, ...), so `/home/app/.m2` counts as well as `/root/.m2`;
//! one finding per RUN, at the first command that needs the cache.

use super::report;
use crate::context::Context;
use crate::registry::Rule;
use crate::rules::buildkit::buildkit_aliases;
use bosun_diagnostics::{Area, FixAvailability, RuleMeta, Severity};
use bosun_dockerfile::shell::{basename, Cmd};
use bosun_dockerfile::TextRange;

/// Reports `rule` once per RUN (ONBUILD RUNs included) in which a command `uses` the
/// tool and no cache or tmpfs mount has a target containing one of `fragments`.
fn missing_cache_mount(
    ctx: &mut Context<'_>,
    rule: &'static Rule,
    uses: impl Fn(&Cmd) -> bool,
    fragments: &[&str],
    message: &str,
) {
    let f = ctx.model();
    let ranges: Vec<TextRange> = f
        .runs()
        .iter()
        .filter(|run| !fragments.iter().any(|frag| run.has_cache_mount(frag)))
        .filter_map(|run| run.commands().find(|c| uses(c)).map(|c| c.range))
        .collect();
    for range in ranges {
        report(ctx, rule, message, range);
    }
}

/// `name` with one of `args` anywhere among its arguments (hadolint's `cmdHasArgs`).
fn runs_with(cmd: &Cmd, name: &str, args: &[&str]) -> bool {
    cmd.is(name) && cmd.has_any_arg(args)
}

// ---------------------------------------------------------------------------------
pub static DL3069_META: RuleMeta = RuleMeta {
    code: "DL3069",
    name: "cargo-without-cache-mount",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3069"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Give cargo a BuildKit cache mount for its registry and git checkouts.",
    docs: r#"## What it does

Flags a RUN that runs `cargo build`, `install`, `fetch`, `test`, `check` or `clippy`
without a cache or tmpfs mount whose target contains `.cargo` (all of `~/.cargo`, or its
`registry` and `git` folders). A target containing `cargo/registry` or `cargo/git` also
counts: the `rust` images keep `CARGO_HOME` in `/usr/local/cargo`.

## Why is this bad?

Without a cache mount every build downloads the crate index and every dependency again,
and the downloads stay in the layer.

## Example

```dockerfile bad
FROM rust:1.80
WORKDIR /src
COPY . .
RUN cargo build --release
```

```dockerfile good
FROM rust:1.80
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    cargo build --release
```

## References

- hadolint `DL3069` (proposed upstream in hadolint pull request #1249, in no hadolint release: opt-in, run it with `--select DL3069` or `select` in `bosun.toml`)
- Docker documentation, "Use cache mounts"
"#,
};

pub static DL3069: Rule = Rule::new(&DL3069_META, check_dl3069).off_by_default();

fn check_dl3069(ctx: &mut Context<'_>) {
    missing_cache_mount(
        ctx,
        &DL3069,
        |c| {
            runs_with(
                c,
                "cargo",
                &["build", "install", "fetch", "test", "check", "clippy"],
            )
        },
        &[".cargo", "cargo/registry", "cargo/git"],
        "Use BuildKit cache mounts for cargo (`--mount=type=cache,target=/root/.cargo/registry --mount=type=cache,target=/root/.cargo/git`, or under `$CARGO_HOME`)",
    );
}

// ---------------------------------------------------------------------------------
pub static DL3070_META: RuleMeta = RuleMeta {
    code: "DL3070",
    name: "go-without-cache-mount",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3070"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Give the Go toolchain BuildKit cache mounts for its build and module caches.",
    docs: r#"## What it does

Flags a RUN that runs `go build`, `get`, `install`, `test` or `mod` without a cache or
tmpfs mount whose target contains `.cache/go-build` (the build cache) or `go/pkg/mod`
(the module cache).

## Why is this bad?

Without the caches every build downloads every module again and recompiles every
package from scratch.

## Example

```dockerfile bad
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /app ./cmd/app
```

```dockerfile good
FROM golang:1.22
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    go build -o /app ./cmd/app
```

## References

- hadolint `DL3070` (proposed upstream in hadolint pull request #1249, in no hadolint release: opt-in, run it with `--select DL3070` or `select` in `bosun.toml`)
- Docker documentation, "Use cache mounts"
"#,
};

pub static DL3070: Rule = Rule::new(&DL3070_META, check_dl3070).off_by_default();

fn check_dl3070(ctx: &mut Context<'_>) {
    missing_cache_mount(
        ctx,
        &DL3070,
        |c| runs_with(c, "go", &["build", "get", "install", "test", "mod"]),
        &[".cache/go-build", "go/pkg/mod"],
        "Use BuildKit cache mounts for Go (`--mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod`)",
    );
}

// ---------------------------------------------------------------------------------
pub static DL3071_META: RuleMeta = RuleMeta {
    code: "DL3071",
    name: "maven-without-cache-mount",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3071"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Give Maven a BuildKit cache mount for its local repository.",
    docs: r#"## What it does

Flags a RUN that runs `mvn` with one of the goals `install`, `compile`, `package`,
`test`, `verify`, `deploy` or `dependency:resolve` without a cache or tmpfs mount whose
target contains `.m2`.

## Why is this bad?

Without a cache mount every build downloads every dependency and plugin again, and the
local repository (`~/.m2`) stays in the layer.

## Example

```dockerfile bad
FROM maven:3.9-eclipse-temurin-21
WORKDIR /src
COPY . .
RUN mvn -B package
```

```dockerfile good
FROM maven:3.9-eclipse-temurin-21
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B package
```

## References

- hadolint `DL3071` (proposed upstream in hadolint pull request #1249, in no hadolint release: opt-in, run it with `--select DL3071` or `select` in `bosun.toml`)
- Docker documentation, "Use cache mounts"
"#,
};

pub static DL3071: Rule = Rule::new(&DL3071_META, check_dl3071).off_by_default();

fn check_dl3071(ctx: &mut Context<'_>) {
    missing_cache_mount(
        ctx,
        &DL3071,
        |c| {
            runs_with(
                c,
                "mvn",
                &[
                    "install",
                    "compile",
                    "package",
                    "test",
                    "verify",
                    "deploy",
                    "dependency:resolve",
                ],
            )
        },
        &[".m2"],
        "Use a BuildKit cache mount for Maven (`--mount=type=cache,target=/root/.m2`)",
    );
}

// ---------------------------------------------------------------------------------
pub static DL3072_META: RuleMeta = RuleMeta {
    code: "DL3072",
    name: "gradle-without-cache-mount",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3072"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Give Gradle a BuildKit cache mount for its user home.",
    docs: r#"## What it does

Flags a RUN that runs `gradle` or a Gradle wrapper (`gradlew`, `./gradlew`) without a
cache or tmpfs mount whose target contains `.gradle`.

## Why is this bad?

Without a cache mount every build downloads Gradle's distribution and every dependency
again, and they stay in the layer.

## Example

```dockerfile bad
FROM eclipse-temurin:21
WORKDIR /src
COPY . .
RUN ./gradlew build
```

```dockerfile good
FROM eclipse-temurin:21
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.gradle ./gradlew build
```

## References

- hadolint `DL3072` (proposed upstream in hadolint pull request #1249, in no hadolint release: opt-in, run it with `--select DL3072` or `select` in `bosun.toml`)
- Docker documentation, "Use cache mounts"
"#,
};

pub static DL3072: Rule = Rule::new(&DL3072_META, check_dl3072).off_by_default();

fn check_dl3072(ctx: &mut Context<'_>) {
    missing_cache_mount(
        ctx,
        &DL3072,
        |c| matches!(basename(&c.name), "gradle" | "gradlew"),
        &[".gradle"],
        "Use a BuildKit cache mount for Gradle (`--mount=type=cache,target=/root/.gradle`)",
    );
}

// ---------------------------------------------------------------------------------
pub static DL3073_META: RuleMeta = RuleMeta {
    code: "DL3073",
    name: "composer-without-cache-mount",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3073"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Give Composer a BuildKit cache mount for its download cache.",
    docs: r#"## What it does

Flags a RUN that runs `composer install`, `update` or `require` without a cache or
tmpfs mount whose target contains `.composer/cache`.

## Why is this bad?

Without a cache mount every build downloads every PHP package again, and Composer's
cache stays in the layer.

## Example

```dockerfile bad
FROM composer:2
WORKDIR /app
COPY composer.json composer.lock ./
RUN composer install --no-dev
```

```dockerfile good
FROM composer:2
WORKDIR /app
COPY composer.json composer.lock ./
RUN --mount=type=cache,target=/root/.composer/cache composer install --no-dev
```

## References

- hadolint `DL3073` (proposed upstream in hadolint pull request #1249, in no hadolint release: opt-in, run it with `--select DL3073` or `select` in `bosun.toml`)
- Docker documentation, "Use cache mounts"
"#,
};

pub static DL3073: Rule = Rule::new(&DL3073_META, check_dl3073).off_by_default();

fn check_dl3073(ctx: &mut Context<'_>) {
    missing_cache_mount(
        ctx,
        &DL3073,
        |c| runs_with(c, "composer", &["install", "update", "require"]),
        &[".composer/cache"],
        "Use a BuildKit cache mount for Composer (`--mount=type=cache,target=/root/.composer/cache`)",
    );
}

// ---------------------------------------------------------------------------------
pub static DL3074_META: RuleMeta = RuleMeta {
    code: "DL3074",
    name: "nuget-without-cache-mount",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3074"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Give NuGet (`dotnet`, `nuget`) a BuildKit cache mount for its packages.",
    docs: r#"## What it does

Flags a RUN that runs `dotnet restore`, `build`, `publish` or `test`, or
`nuget restore`, without a cache or tmpfs mount whose target contains
`.nuget/packages`.

## Why is this bad?

Without a cache mount every build downloads every NuGet package again, and the package
folder stays in the layer.

## Example

```dockerfile bad
FROM mcr.microsoft.com/dotnet/sdk:8.0
WORKDIR /src
COPY . .
RUN dotnet publish -c Release -o /app
```

```dockerfile good
FROM mcr.microsoft.com/dotnet/sdk:8.0
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.nuget/packages dotnet publish -c Release -o /app
```

## References

- hadolint `DL3074` (proposed upstream in hadolint pull request #1249, in no hadolint release: opt-in, run it with `--select DL3074` or `select` in `bosun.toml`)
- Docker documentation, "Use cache mounts"
"#,
};

pub static DL3074: Rule = Rule::new(&DL3074_META, check_dl3074).off_by_default();

fn check_dl3074(ctx: &mut Context<'_>) {
    missing_cache_mount(
        ctx,
        &DL3074,
        |c| {
            runs_with(c, "dotnet", &["restore", "build", "publish", "test"])
                || runs_with(c, "nuget", &["restore"])
        },
        &[".nuget/packages"],
        "Use a BuildKit cache mount for NuGet (`--mount=type=cache,target=/root/.nuget/packages`)",
    );
}

// ---------------------------------------------------------------------------------
pub static DL3075_META: RuleMeta = RuleMeta {
    code: "DL3075",
    name: "pnpm-without-cache-mount",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3075"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Give pnpm a BuildKit cache mount for its store.",
    docs: r#"## What it does

Flags a RUN that runs `pnpm install` (`i`), `add` or `fetch` without a cache or tmpfs
mount whose target contains `pnpm` (its store, `~/.local/share/pnpm/store` by default).

## Why is this bad?

Without a cache mount every build downloads every package again, and pnpm's store stays
in the layer.

## Example

```dockerfile bad
FROM node:20
WORKDIR /app
COPY package.json pnpm-lock.yaml ./
RUN pnpm install --frozen-lockfile
```

```dockerfile good
FROM node:20
WORKDIR /app
COPY package.json pnpm-lock.yaml ./
RUN --mount=type=cache,target=/root/.local/share/pnpm/store pnpm install --frozen-lockfile
```

## References

- hadolint `DL3075` (proposed upstream in hadolint pull request #1249, in no hadolint release: opt-in, run it with `--select DL3075` or `select` in `bosun.toml`)
- Docker documentation, "Use cache mounts"
"#,
};

pub static DL3075: Rule = Rule::new(&DL3075_META, check_dl3075).off_by_default();

fn check_dl3075(ctx: &mut Context<'_>) {
    missing_cache_mount(
        ctx,
        &DL3075,
        |c| runs_with(c, "pnpm", &["install", "add", "fetch", "i"]),
        &["pnpm"],
        "Use a BuildKit cache mount for pnpm (`--mount=type=cache,target=/root/.local/share/pnpm/store`)",
    );
}

// ---------------------------------------------------------------------------------
pub static DL3076_META: RuleMeta = RuleMeta {
    code: "DL3076",
    name: "mix-without-cache-mount",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3076"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Give Mix/Hex BuildKit cache mounts for their package caches.",
    docs: r#"## What it does

Flags a RUN that runs `mix deps.get`, `deps.compile` or `compile` without a cache or
tmpfs mount whose target contains `.hex` or `.mix`.

## Why is this bad?

Without a cache mount every build downloads every Hex package again, and the caches stay
in the layer.

## Example

```dockerfile bad
FROM elixir:1.17
WORKDIR /app
COPY mix.exs mix.lock ./
RUN mix deps.get
```

```dockerfile good
FROM elixir:1.17
WORKDIR /app
COPY mix.exs mix.lock ./
RUN --mount=type=cache,target=/root/.hex --mount=type=cache,target=/root/.mix mix deps.get
```

## References

- hadolint `DL3076` (proposed upstream in hadolint pull request #1249, in no hadolint release: opt-in, run it with `--select DL3076` or `select` in `bosun.toml`)
- Docker documentation, "Use cache mounts"
"#,
};

pub static DL3076: Rule = Rule::new(&DL3076_META, check_dl3076).off_by_default();

fn check_dl3076(ctx: &mut Context<'_>) {
    missing_cache_mount(
        ctx,
        &DL3076,
        |c| runs_with(c, "mix", &["deps.get", "deps.compile", "compile"]),
        &[".hex", ".mix"],
        "Use BuildKit cache mounts for Mix (`--mount=type=cache,target=/root/.hex --mount=type=cache,target=/root/.mix`)",
    );
}

// ---------------------------------------------------------------------------------
pub static DL3077_META: RuleMeta = RuleMeta {
    code: "DL3077",
    name: "gem-without-cache-mount",
    area: Area::Lint,
    group: "hadolint",
    aliases: buildkit_aliases("DL3077"),
    severity: Severity::Info,
    fix: FixAvailability::None,
    summary: "Give gem/bundler a BuildKit cache mount.",
    docs: r#"## What it does

Flags a RUN that runs `gem install`, `bundle install` or `bundle update` without a cache
or tmpfs mount whose target contains `.gem` or `bundle`.

## Why is this bad?

Without a cache mount every build downloads every gem again, and the downloaded `.gem`
files stay in the layer. Mount the download cache, not the folder the gems are installed
into: what is under a cache mount is not part of the image (the `ruby` images install
into `/usr/local/bundle`, which hadolint's message suggests mounting).

## Example

```dockerfile bad
FROM ruby:3.3
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle install
```

```dockerfile good
FROM ruby:3.3
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN --mount=type=cache,target=/root/.bundle/cache bundle install
```

## References

- hadolint `DL3077` (proposed upstream in hadolint pull request #1249, in no hadolint release: opt-in, run it with `--select DL3077` or `select` in `bosun.toml`)
- Docker documentation, "Use cache mounts"
"#,
};

pub static DL3077: Rule = Rule::new(&DL3077_META, check_dl3077).off_by_default();

fn check_dl3077(ctx: &mut Context<'_>) {
    missing_cache_mount(
        ctx,
        &DL3077,
        |c| runs_with(c, "gem", &["install"]) || runs_with(c, "bundle", &["install", "update"]),
        &[".gem", "bundle"],
        "Use a BuildKit cache mount for the gem/bundler download cache (`--mount=type=cache,target=/root/.gem`)",
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{lines, run};
    use super::*;

    #[test]
    fn one_finding_per_run_at_the_first_command() {
        let src = "FROM golang:1.22\nRUN go mod download && go build ./... && go test ./...\n";
        assert_eq!(run(&DL3070, src), vec![(2, 5)]);
    }

    #[test]
    fn onbuild_runs_and_mounts_count() {
        let src = "FROM m\nONBUILD RUN mvn package\nONBUILD RUN --mount=type=cache,target=/home/app/.m2 mvn package\nRUN --mount=type=bind,target=/root/.m2 mvn package\n";
        // a bind mount is not a cache: line 4 is reported
        assert_eq!(lines(&DL3071, src), vec![2, 4]);
    }

    #[test]
    fn rust_image_cargo_home() {
        let src = "FROM rust:1.80\nRUN --mount=type=cache,target=/usr/local/cargo/registry cargo build\nRUN cargo metadata\nRUN cargo build\n";
        assert_eq!(lines(&DL3069, src), vec![4]);
    }

    #[test]
    fn gradle_wrappers_by_path() {
        let src = "FROM j\nRUN /src/gradlew assemble\nRUN gradlew build\nRUN gradle-profiler x\n";
        assert_eq!(lines(&DL3072, src), vec![2, 3]);
    }

    #[test]
    fn other_subcommands_are_fine() {
        assert_eq!(
            lines(&DL3073, "FROM c\nRUN composer dump-autoload\n"),
            Vec::<usize>::new()
        );
        assert_eq!(
            lines(&DL3074, "FROM d\nRUN dotnet --info\nRUN nuget push x\n"),
            Vec::<usize>::new()
        );
        assert_eq!(
            lines(&DL3075, "FROM n\nRUN pnpm run build\n"),
            Vec::<usize>::new()
        );
        assert_eq!(
            lines(&DL3076, "FROM e\nRUN mix release\n"),
            Vec::<usize>::new()
        );
        assert_eq!(
            lines(
                &DL3077,
                "FROM r\nRUN gem update --system\nRUN bundle exec rake\n"
            ),
            Vec::<usize>::new()
        );
    }
}
