//! JSON as a Bitrix24 portal writes it.
//!
//! Portals encode with PHP's `json_encode` and the flags `HEX_TAG | HEX_AMP | HEX_APOS |
//! HEX_QUOT | UNESCAPED_UNICODE` (spec §2.1): non-ASCII stays raw UTF-8, `/` becomes `\/`, and
//! `< > & ' "` become `\u003C \u003E \u0026 \u0027 \u0022`. serde_json lets us swap its
//! string escaping through a [`Formatter`], so that is all this module does.

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};
use std::io::{self, Write};

/// serde_json's compact formatter with PHP's escaping.
#[derive(Debug, Clone, Copy, Default)]
pub struct PhpFormatter;

impl Formatter for PhpFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        // A byte scan, not a `char` pattern: every escaped character is ASCII, so its byte
        // never occurs inside a multi-byte UTF-8 sequence, and the cut below stays on a
        // character boundary. (The `char` pattern decoded every character: about 5 % of a
        // chat.get's instructions.)
        while let Some(at) = rest.bytes().position(escaped_by_php) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let escaped: &[u8] = match rest.as_bytes()[at] {
                b'/' => b"\\/",
                b'<' => b"\\u003C",
                b'>' => b"\\u003E",
                b'&' => b"\\u0026",
                _ => b"\\u0027",
            };
            writer.write_all(escaped)?;
            rest = &rest[at + 1..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> io::Result<()> {
        let escaped: &[u8] = match char_escape {
            CharEscape::Quote => b"\\u0022",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"\\/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => {
                // PHP writes other control characters as \u00xx with lower-case hex.
                return write!(writer, "\\u{byte:04x}");
            }
        };
        writer.write_all(escaped)
    }
}

/// The bytes PHP's flags escape that serde_json's own escaping leaves alone.
fn escaped_by_php(byte: u8) -> bool {
    matches!(byte, b'/' | b'<' | b'>' | b'&' | b'\'')
}

/// Serializes `value` as a portal would.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    // Room for a typical answer (a 10-chat chat.get is about 1 KiB) without regrowing.
    let mut out = Vec::with_capacity(1024);
    to_writer(&mut out, value)?;
    Ok(out)
}

/// Serializes `value` as a portal would, appending to `writer`.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(writer: W, value: &T) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, PhpFormatter);
    value.serialize(&mut serializer)
}

/// [`to_vec`] as a `String`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    // The formatter only ever writes ASCII escapes or the input's own UTF-8.
    to_vec(value).map(|bytes| {
        String::from_utf8(bytes)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
    })
}

#[cfg(test)]
mod tests;
