//! PEM in and out, on `pem-rfc7468` (via `der`). Reading is lenient about
//! what surrounds the block (text before it, blank lines, CRLF), as key files
//! written by hand or by other tools often carry such things.

use pkcs8::der::pem as rfc7468;

use crate::error::{one_line, KeyError};

/// The label and the DER of the first PEM block in `input`.
pub(crate) fn decode(input: &[u8]) -> Result<(String, Vec<u8>), KeyError> {
    let text =
        std::str::from_utf8(input).map_err(|_| KeyError::Pem("the file is not text".into()))?;
    let start = text
        .find("-----BEGIN ")
        .ok_or_else(|| KeyError::Pem("no -----BEGIN line".into()))?;
    let rest = &text[start..];
    let end_marker = rest
        .find("-----END ")
        .ok_or_else(|| KeyError::Pem("no -----END line".into()))?;
    let end = rest[end_marker + 9..]
        .find("-----")
        .map(|i| end_marker + 9 + i + 5)
        .ok_or_else(|| KeyError::Pem("unterminated -----END line".into()))?;
    let block: String = rest[..end]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let (label, der) = rfc7468::decode_vec(block.as_bytes())
        .map_err(|e| KeyError::Pem(one_line(&e.to_string())))?;
    Ok((label.to_string(), der))
}

/// A PEM block with 64-column lines and LF endings (as Go's `pem.Encode`).
pub(crate) fn encode(label: &str, der: &[u8]) -> Result<String, KeyError> {
    rfc7468::encode_string(label, rfc7468::LineEnding::LF, der)
        .map_err(|e| KeyError::Pem(one_line(&e.to_string())))
}
