//! Untrusted strings that end up in error messages: control characters are
//! escaped and the length is capped, so a hostile key file or payload cannot
//! drive the terminal or flood the one-line error.

pub(crate) fn short(s: &str) -> String {
    const MAX: usize = 80;
    let mut out: String = s.chars().take(MAX).flat_map(char::escape_debug).collect();
    if s.chars().count() > MAX {
        out.push('…');
    }
    out
}
