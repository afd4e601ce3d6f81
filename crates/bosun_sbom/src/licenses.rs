//! Declared licences to SPDX expressions, where the metadata allows.
//!
//! Validity is decided by the `spdx` crate (Embark's; the SPDX licence list compiled in),
//! not by a list of our own. A string that is no valid expression is kept as declared;
//! the writers then emit it as a named licence rather than an expression.

/// The canonical form of `s` when it is a valid SPDX expression (also accepting the
/// common imprecise spellings the `spdx` crate knows, like
/// `GPLv2+`), else `s` trimmed.
pub fn normalise(s: &str) -> String {
    let s = s.trim();
    if let Ok(e) = spdx::Expression::parse(s) {
        return e.to_string();
    }
    if let Ok(e) = spdx::Expression::parse_mode(s, spdx::ParseMode::LAX) {
        return e.to_string();
    }
    // A whole string that is a known imprecise name (`Apache 2.0`, `GPLv2`).
    if let Some((id, len)) = spdx::imprecise_license_id(s) {
        if len == s.len() {
            return id.name.to_string();
        }
    }
    s.to_string()
}

/// True when `s` is a valid SPDX expression as written.
pub fn is_expression(s: &str) -> bool {
    spdx::Expression::parse(s).is_ok()
}

/// False for `License:` headers that hold a whole licence text or nothing useful
/// (`UNKNOWN`, several lines), which Python metadata often does.
pub fn plausible(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.len() <= 100 && !s.eq_ignore_ascii_case("UNKNOWN") && !s.contains('\n')
}

/// A trove classifier's last part (`MIT License`) to SPDX, for the unambiguous ones;
/// ambiguous ones (`BSD License`, `Apache Software License`) are kept as written.
pub fn from_classifier(c: &str) -> String {
    match c {
        "MIT License" => "MIT",
        "MIT No Attribution License (MIT-0)" => "MIT-0",
        "ISC License (ISCL)" => "ISC",
        "Mozilla Public License 2.0 (MPL 2.0)" => "MPL-2.0",
        "GNU General Public License v2 (GPLv2)" => "GPL-2.0-only",
        "GNU General Public License v3 (GPLv3)" => "GPL-3.0-only",
        "GNU Lesser General Public License v2 (LGPLv2)" => "LGPL-2.0-only",
        "GNU Lesser General Public License v3 (LGPLv3)" => "LGPL-3.0-only",
        "GNU Affero General Public License v3" => "AGPL-3.0-only",
        "The Unlicense (Unlicense)" => "Unlicense",
        "Python Software Foundation License" => "PSF-2.0",
        "Zope Public License" => "ZPL-2.1",
        "Boost Software License 1.0 (BSL-1.0)" => "BSL-1.0",
        "zlib/libpng License" => "Zlib",
        other => other,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_valid_and_lax_and_keeps_the_rest() {
        assert_eq!(normalise("MIT"), "MIT");
        assert_eq!(normalise(" Apache-2.0 OR MIT "), "Apache-2.0 OR MIT");
        assert_eq!(normalise("Some custom licence"), "Some custom licence");
        assert!(is_expression("GPL-2.0-only WITH Classpath-exception-2.0"));
        assert!(!is_expression("BSD License"));
    }
}
