//! Lua rocks: installed `*.rockspec` files (LuaRocks' tree, `lib/luarocks/rocks-5.1/
//! <name>/<version>/<name>-<version>.rockspec`, as in OpenResty and Kong images). A
//! rockspec is Lua source; its top-level `package = "..."` and `version = "..."`
//! assignments and the `license = "..."` of its description are read line by line,
//! taking the quoted strings: hand-written, as no crate reads rockspecs and evaluating
//! Lua is out of the question. syft reads the same files (trivy does not); the purl is
//! `pkg:luarocks/<name>@<version>`.

use super::{text, too_large, Cataloguer, FileMeta, Sink};
use crate::catalog::lang_common::with_purl;
use crate::model::{Package, PackageType};

/// The rockspec reader.
pub struct Rockspec;

/// Cap for one rockspec.
const CAP: u64 = 1 << 20;

/// The quoted value of `key = "value"` (or single quotes) on `line`.
fn assigned<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.trim().strip_prefix(key)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = &rest[1..];
    inner.find(q).map(|end| &inner[..end])
}

impl Cataloguer for Rockspec {
    fn name(&self) -> &'static str {
        "lua-rock"
    }

    fn wants(&self, file: &FileMeta<'_>) -> Option<u64> {
        file.file_name().ends_with(".rockspec").then_some(CAP)
    }

    fn parse(&self, file: &FileMeta<'_>, body: &[u8], truncated: bool, sink: &mut Sink) {
        if truncated {
            return too_large(file, CAP, sink);
        }
        let text = text(body);
        let first = |key: &str| text.lines().find_map(|l| assigned(l, key));
        let (Some(name), Some(version)) = (first("package"), first("version")) else {
            return sink.warn(file.path, "rockspec without literal package and version");
        };
        let mut p = Package::new(PackageType::LuaRocks, name, version, "lua-rock");
        p.licenses.extend(first("license").map(str::to_string));
        sink.package(with_purl(p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rockspecs() {
        let f = FileMeta {
            path: "/usr/local/openresty/luajit/lib/luarocks/rocks-5.1/lua-resty-http/0.17.1-0/lua-resty-http-0.17.1-0.rockspec",
            size: 10,
            mode: 0o644,
        };
        assert!(Rockspec.wants(&f).is_some());
        let body = "package = \"lua-resty-http\"\nversion = '0.17.1-0'\nsource = {\n   url = \"git://x\",\n}\ndescription = {\n   license = \"2-clause BSD\",\n}\n";
        let mut sink = Sink::default();
        Rockspec.parse(&f, body.as_bytes(), false, &mut sink);
        let p = &sink.packages[0];
        assert_eq!(p.purl, "pkg:luarocks/lua-resty-http@0.17.1-0");
        assert_eq!(p.licenses, ["2-clause BSD"]);
        let mut sink = Sink::default();
        Rockspec.parse(&f, b"package = name_from_a_variable\n", false, &mut sink);
        assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
    }
}
