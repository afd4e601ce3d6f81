#!/usr/bin/env python3
"""Extracts conformance cases, as data, from hadolint's and BuildKit's own tests.

Usage:
    scripts/extract-conformance.py hadolint HADOLINT_CHECKOUT > crates/bosun_lint/tests/conformance/hadolint.jsonl
    scripts/extract-conformance.py buildkit BUILDKIT_CHECKOUT > crates/bosun_lint/tests/conformance/buildkit.jsonl

HADOLINT_CHECKOUT is a checkout (or a copy of its `test/` folder) of hadolint/hadolint: the
script reads `test/Hadolint/Rule/*Spec.hs` and `test/Hadolint/PragmaSpec.hs`.
BUILDKIT_CHECKOUT is a checkout of moby/buildkit: the script reads
`frontend/dockerfile/dockerfile_lint_test.go`.

Only the test cases are taken (Dockerfile text and the expected outcome); none of the
upstream code. The readers below understand the small subset of Haskell and Go that those
test files use (string literals with escapes and gaps, lists, `Text.unlines`, `let`
bindings; raw strings, `fmt.Sprintf`, `integration.UnixOrWindows`, composite literals) and
fail loudly on anything else, so a changed upstream file is noticed rather than skipped.

hadolint records:  {"id", "source", "code", "onbuild", "min", "max", "config", "dockerfile"}
  `code` is a DL code or "SC" (any ShellCheck finding); the case passes when the number of
  findings with that code is in [min, max] (max null: no upper bound). `onbuild` means
  hadolint's test wraps every RUN instruction in ONBUILD first. `dockerfile` is the exact
  text hadolint parses (its helper appends a newline). `config` is null or the settings
  the test gives hadolint, in bosun's terms: {"trusted_registries": [...],
  "label_schema": [[label, type], ...], "strict_labels": bool}.
buildkit records:  {"id", "source", "dockerfile", "dockerignore", "build_args", "warnings"}
  `warnings` is the list BuildKit's lint request returns (`UnmarshalWarnings` where the
  test gives them: the lint request checks every stage), each {"rule", "line"}, sorted.
  `build_args` are the test's `build-arg:` frontend attributes.
"""

import json
import re
import sys
from pathlib import Path

# --------------------------------------------------------------------------- Haskell


def hs_tokens(src):
    """Tokens of a Haskell source: ('str', value), ('int', n), ('id', name), ('op', s)."""
    i, n, out = 0, len(src), []
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
        elif src.startswith("--", i) and (i + 2 >= n or src[i + 2] in "- \t\n" or src[i + 2].isalnum()):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("{-", i):
            j = src.find("-}", i)
            i = n if j < 0 else j + 2
        elif c == '"':
            value, i = hs_string(src, i + 1)
            out.append(("str", value))
        elif c.isdigit():
            j = i
            while j < n and src[j].isdigit():
                j += 1
            out.append(("int", int(src[i:j])))
            i = j
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] in "_'."):
                j += 1
            out.append(("id", src[i:j].rstrip(".")))
            i = j
        elif c == "'" and i + 2 < n and src[i + 2] == "'":
            out.append(("chr", src[i + 1]))
            i += 3
        else:
            out.append(("op", c))
            i += 1
    return out


HS_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "r": "\r", "&": ""}


def hs_string(src, i):
    out = []
    while True:
        c = src[i]
        if c == '"':
            return "".join(out), i + 1
        if c != "\\":
            out.append(c)
            i += 1
            continue
        d = src[i + 1]
        if d in HS_ESCAPES:
            out.append(HS_ESCAPES[d])
            i += 2
        elif d.isspace():  # string gap: backslash, whitespace, backslash
            j = i + 1
            while src[j].isspace():
                j += 1
            if src[j] != "\\":
                raise ValueError(f"bad string gap at {i}")
            i = j + 1
        elif d.isdigit():
            j = i + 1
            while src[j].isdigit():
                j += 1
            out.append(chr(int(src[i + 1 : j])))
            i = j
        else:
            raise ValueError(f"unknown escape \\{d} at {i}")


# hadolint's label types -> bosun's `label-schema` type names.
LABEL_TYPES = {
    "RawText": "text",
    "Url": "url",
    "SemVer": "semver",
    "GitHash": "hash",
    "Rfc3339": "rfc3339",
    "Spdx": "spdx",
    "Email": "email",
}

CALLS = {
    # name: (onbuild, min, max); None for min/max means "from failsWith"
    "ruleCatches": (False, 1, None),
    "ruleCatchesNot": (False, 0, 0),
    "onBuildRuleCatches": (True, 1, 1),
    "onBuildRuleCatchesNot": (True, 0, 0),
}


class HsReader:
    def __init__(self, toks, source):
        self.t, self.i, self.source = toks, 0, source
        self.env, self.cases, self.context = {}, [], ""
        self.seen = {}
        # `let ?config = ...` for the whole spec, and one inside the current `it` (False
        # when there is none).
        self.spec_config, self.it_config = None, False

    def current_config(self):
        cfg = self.spec_config if self.it_config is False else self.it_config
        return cfg or None

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else ("eof", None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expr(self):
        """A Text value: string, list, `Text.unlines X`, a bound name; `$`/parens skipped."""
        tok = self.take()
        if tok == ("op", "$"):
            return self.expr()
        if tok == ("op", "("):
            v = self.expr()
            if self.take() != ("op", ")"):
                raise ValueError(f"{self.source}: expected ) near token {self.i}")
            return v
        if tok[0] == "str":
            return tok[1]
        if tok == ("op", "["):
            items = []
            while True:
                v = self.take()
                if v == ("op", "]"):
                    return items
                if v == ("op", ","):
                    continue
                if v[0] != "str":
                    raise ValueError(f"{self.source}: list item {v}")
                items.append(v[1])
        if tok[0] == "id" and tok[1] in ("Text.unlines", "unlines"):
            v = self.expr()
            if not isinstance(v, list):
                raise ValueError(f"{self.source}: unlines of {v!r}")
            return "".join(line + "\n" for line in v)
        if tok[0] == "id" and tok[1] in self.env:
            return self.env[tok[1]]
        raise ValueError(f"{self.source}: cannot read expression at {tok}")

    def config(self):
        """`def`, `mempty`, or `def { field = value, ... }` -> bosun settings (or None)."""
        base = self.take()
        if base not in (("id", "def"), ("id", "mempty")):
            raise ValueError(f"{self.source}: ?config = {base}")
        if self.peek() != ("op", "{"):
            return None
        self.take()
        out = {}
        while True:
            tok = self.take()
            if tok == ("op", "}"):
                return out
            if tok == ("op", ","):
                continue
            field = tok[1]
            if self.take() != ("op", "="):
                raise ValueError(f"{self.source}: config field {field}")
            if field == "allowedRegistries":
                out["trusted_registries"] = self.expr()
            elif field == "strictLabels":
                out["strict_labels"] = self.take() == ("id", "True")
            elif field == "labelSchema":
                if self.take() != ("id", "Map.fromList"):
                    raise ValueError(f"{self.source}: labelSchema")
                schema = []
                self.take()  # [
                while True:
                    tok = self.take()
                    if tok == ("op", "]"):
                        break
                    if tok != ("op", "("):
                        continue
                    name = self.take()[1]
                    self.take()  # ,
                    kind = self.take()[1].split(".")[-1]
                    self.take()  # )
                    schema.append([name, LABEL_TYPES[kind]])
                out["label_schema"] = schema
            else:
                raise ValueError(f"{self.source}: unknown config field {field}")

    def add(self, code, onbuild, lo, hi, text):
        if not isinstance(text, str):
            raise ValueError(f"{self.source}: dockerfile is not text: {text!r}")
        key = (self.context, code)
        self.seen[key] = self.seen.get(key, 0) + 1
        stem = Path(self.source).stem
        case_id = f"{stem}/{self.context}#{self.seen[key]}"
        if code != "SC":
            case_id = f"{stem}/{self.context}/{code}#{self.seen[key]}"
        self.cases.append(
            {
                "id": case_id,
                "source": self.source,
                "code": code,
                "onbuild": onbuild,
                "min": lo,
                "max": hi,
                "config": self.current_config(),
                # hadolint's helper parses `dockerfile <> "\n"`
                "dockerfile": text + "\n",
            }
        )

    def run(self):
        while self.peek()[0] != "eof":
            kind, val = self.take()
            if kind != "id":
                continue
            if val == "it" and self.peek()[0] == "str":
                self.context = self.take()[1]
                self.it_config = False
            elif val == "let" and self.peek() == ("op", "?"):
                self.take()
                self.take()  # config
                self.take()  # =
                cfg = self.config()
                if self.context:
                    self.it_config = cfg if cfg is not None else {}
                else:
                    self.spec_config = cfg
            elif val == "let" and self.peek()[0] == "id" and self.peek(1) == ("op", "="):
                # a `let` block may bind several names (`let rule = ...; snippet = ...`)
                while self.peek()[0] == "id" and self.peek(1) == ("op", "="):
                    name = self.take()[1]
                    self.take()
                    self.env[name] = self.expr()
            elif val in CALLS:
                onbuild, lo, hi = CALLS[val]
                code = self.expr()
                if not re.fullmatch(r"DL\d{4}", code):
                    # upstream typo (e.g. a Dockerfile line given as the code): the
                    # assertion can only pass, there is nothing to check.
                    self.expr()
                    continue
                self.add(code, onbuild, lo, hi, self.expr())
            elif val in ("assertChecks", "assertOnBuildChecks"):
                onbuild = val == "assertOnBuildChecks"
                text = self.expr()
                how = self.take()
                if how == ("op", "("):
                    fn = self.take()
                    if fn != ("id", "failsWith"):
                        raise ValueError(f"{self.source}: assertion {fn}")
                    count = self.take()[1]
                    code = self.expr()
                    self.take()  # )
                    self.add(code, onbuild, count, count, text)
                elif how == ("id", "failsShellcheck"):
                    self.add("SC", onbuild, 1, None, text)
                elif how == ("id", "passesShellcheck"):
                    self.add("SC", onbuild, 0, 0, text)
                else:
                    raise ValueError(f"{self.source}: assertion {how}")
        return self.cases


def hadolint(root):
    root = Path(root)
    files = sorted((root / "test/Hadolint/Rule").glob("*Spec.hs"))
    pragma = root / "test/Hadolint/PragmaSpec.hs"
    if pragma.exists():  # absent from a folder holding only some rule specs
        files.append(pragma)
    for f in files:
        src = f.read_text()
        rel = str(f.relative_to(root))
        for case in HsReader(hs_tokens(src), rel).run():
            yield case


# --------------------------------------------------------------------------- Go

GO_ESC = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "r": "\r"}


def go_tokens(src):
    i, n, out = 0, len(src), []
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif c == "`":
            j = src.index("`", i + 1)
            out.append(("str", src[i + 1 : j]))
            i = j + 1
        elif c == '"':
            j, buf = i + 1, []
            while src[j] != '"':
                if src[j] == "\\":
                    buf.append(GO_ESC[src[j + 1]])
                    j += 2
                else:
                    buf.append(src[j])
                    j += 1
            out.append(("str", "".join(buf)))
            i = j + 1
        elif c.isdigit():
            j = i
            while j < n and src[j].isdigit():
                j += 1
            out.append(("int", int(src[i:j])))
            i = j
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] in "_."):
                j += 1
            out.append(("id", src[i:j]))
            i = j
        elif src.startswith(":=", i):
            out.append(("op", ":="))
            i += 2
        elif src.startswith("[]", i):
            out.append(("op", "[]"))
            i += 2
        else:
            out.append(("op", c))
            i += 1
    return out


class GoFunc:
    def __init__(self, params, body):
        self.params, self.body = params, body


def go_sprintf(fmt, args):
    out, k = [], 0
    for part in re.split(r"(%[sdq%])", fmt):
        if part in ("%s", "%d"):
            out.append(str(args[k]))
            k += 1
        elif part == "%q":
            out.append(json.dumps(args[k]))
            k += 1
        elif part == "%%":
            out.append("%")
        else:
            out.append(part)
    return "".join(out)


class GoReader:
    def __init__(self, toks, source):
        self.t, self.i, self.source = toks, 0, source
        self.cases = []

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else ("eof", None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, tok):
        got = self.take()
        if got != tok:
            raise ValueError(f"{self.source}: expected {tok}, got {got} at {self.i}")

    def args(self, env):
        out = []
        self.expect(("op", "("))
        while self.peek() != ("op", ")"):
            out.append(self.expr(env))
            if self.peek() == ("op", ","):
                self.take()
        self.take()
        return out

    def composite(self, env):
        """`{ key: value, ... }` or `{ value, ... }` after a type."""
        self.expect(("op", "{"))
        fields, items = {}, []
        while self.peek() != ("op", "}"):
            if self.peek()[0] in ("id", "str") and self.peek(1) == ("op", ":"):
                key = self.take()[1]
                self.take()
                fields[key] = self.expr(env)
            else:
                items.append(self.expr(env))
            if self.peek() == ("op", ","):
                self.take()
        self.take()
        return fields if fields else items

    def skip_type(self):
        # []T, map[K]V, T, *T
        while True:
            tok = self.peek()
            if tok in (("op", "[]"), ("op", "*"), ("op", "&")):
                self.take()
            elif tok == ("id", "map"):
                self.take()
                self.expect(("op", "["))
                self.skip_type()
                self.expect(("op", "]"))
            elif tok[0] == "id":
                self.take()
                return
            else:
                return

    def expr(self, env):
        tok = self.peek()
        if tok[0] in ("str", "int"):
            self.take()
            return tok[1]
        if tok == ("op", "{"):
            return self.composite(env)
        if tok in (("op", "&"), ("op", "[]")) or tok == ("id", "map"):
            self.skip_type()
            return self.composite(env)
        if tok[0] == "id":
            name = self.take()[1]
            if self.peek() == ("op", "{") and name[:1].isupper() or name in (
                "lintTestParams",
                "expectedLintWarning",
            ):
                return self.composite(env)
            if self.peek() == ("op", "("):
                args = self.args(env)
                if name == "fmt.Sprintf":
                    return go_sprintf(args[0], args[1:])
                if name == "integration.UnixOrWindows":
                    return args[0]  # the Linux variant
                if name == "regexp.MustCompile":
                    return {"regexp": args[0]}
                if name in env and isinstance(env[name], GoFunc):
                    f = env[name]
                    saved, self.t, self.i = (self.t, self.i), f.body, 0
                    try:
                        return self.expr({**env, **dict(zip(f.params, args))})
                    finally:
                        self.t, self.i = saved
                raise ValueError(f"{self.source}: call of {name}")
            if name in env:
                return env[name]
            raise ValueError(f"{self.source}: unknown name {name}")
        if tok == ("op", "["):
            pass
        raise ValueError(f"{self.source}: expression at {tok} ({self.i})")

    def byte_slice(self, env):
        # []byte(EXPR)
        self.expect(("op", "[]"))
        self.expect(("id", "byte"))
        self.expect(("op", "("))
        v = self.expr(env)
        self.expect(("op", ")"))
        return v

    def function(self, name):
        env, n = {"t": None, "sb": None}, 0
        self.expect(("op", "("))
        depth = 1
        while depth:
            tok = self.take()
            depth += {("op", "("): 1, ("op", ")"): -1}.get(tok, 0)
        self.expect(("op", "{"))
        depth = 1
        while depth:
            tok = self.peek()
            if tok == ("op", "{"):
                depth += 1
                self.take()
            elif tok == ("op", "}"):
                depth -= 1
                self.take()
            elif tok[0] == "id" and self.peek(1) in (("op", ":="), ("op", "=")):
                var = self.take()[1]
                self.take()
                if self.peek() == ("op", "[]") and self.peek(1) == ("id", "byte"):
                    env[var] = self.byte_slice(env)
                elif self.peek() == ("id", "func"):
                    env[var] = self.closure()
                else:
                    env[var] = self.expr(env)
            elif tok == ("id", "checkLinterWarnings"):
                self.take()
                args = self.args(env)
                n += 1
                self.record(name, n, args[2])
            else:
                self.take()

    def closure(self):
        self.expect(("id", "func"))
        self.expect(("op", "("))
        params = []
        while self.peek() != ("op", ")"):
            tok = self.take()
            if tok[0] == "id" and self.peek()[0] == "id":
                params.append(tok[1])
        self.take()
        while self.peek() != ("op", "{"):
            self.take()
        self.take()
        self.expect(("id", "return"))
        start, depth = self.i, 0
        while True:
            tok = self.take()
            if tok == ("op", "{"):
                depth += 1
            elif tok == ("op", "}"):
                if depth == 0:
                    break
                depth -= 1
        return GoFunc(params, self.t[start : self.i - 1])

    def record(self, func, n, params):
        if not isinstance(params, dict):
            raise ValueError(f"{self.source}: checkLinterWarnings without params in {func}")
        warnings = params.get("UnmarshalWarnings", params.get("Warnings", []))
        expected = sorted(
            ({"rule": w["RuleName"], "line": w["Line"], "detail": w.get("Detail", "")} for w in warnings),
            key=lambda w: (w["line"], w["detail"]),
        )
        attrs = params.get("FrontendAttrs", {})
        build_args = {k[len("build-arg:") :]: v for k, v in attrs.items() if k.startswith("build-arg:")}
        self.cases.append(
            {
                "id": f"{func}#{n}",
                "source": self.source,
                "dockerfile": params["Dockerfile"],
                "dockerignore": params.get("DockerIgnore"),
                "build_args": build_args,
                "warnings": [{"rule": w["rule"], "line": w["line"]} for w in expected],
            }
        )

    def run(self):
        while self.peek()[0] != "eof":
            tok = self.take()
            if tok == ("id", "func") and self.peek()[0] == "id" and self.peek()[1].startswith("test"):
                name = self.take()[1]
                self.function(name)
        return self.cases


def buildkit(root):
    rel = "frontend/dockerfile/dockerfile_lint_test.go"
    src = (Path(root) / rel).read_text()
    yield from GoReader(go_tokens(src), rel).run()


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("hadolint", "buildkit"):
        sys.exit(__doc__)
    reader = hadolint if sys.argv[1] == "hadolint" else buildkit
    for case in reader(sys.argv[2]):
        print(json.dumps(case, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
