//! Stage 1: bytes to text.
//!
//! Order of evidence: a byte order mark is believed; bytes that are valid
//! UTF-8 are UTF-8; otherwise `chardetng` guesses from a bounded prefix
//! (Chinese pages are GBK/GB18030 or Big5 far more often than anything else,
//! and chardetng tells those apart well from a few kilobytes) and
//! `encoding_rs` decodes. Malformed sequences become U+FFFD and are counted;
//! decoding never fails.
//!
//! Text that is UTF-8 but for a few broken bytes (a truncated download, one
//! bad byte in a large page) stays UTF-8: re-reading a whole page in another
//! encoding for the sake of one byte would garble everything else.

use encoding_rs::{DecoderResult, Encoding, UTF_8};

/// How many bytes chardetng sees.
const SNIFF_LIMIT: usize = 64 * 1024;

/// Text decoded from bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding used, by its WHATWG name (`UTF-8`, `GBK`, `Big5`, …).
    pub encoding: &'static str,
    /// Whether a byte order mark chose the encoding.
    pub bom: bool,
    /// Malformed byte sequences replaced by U+FFFD.
    pub malformed: usize,
}

/// Decodes `bytes`, detecting the encoding.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom_len..], true);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
            bom: false,
            malformed: 0,
        };
    }
    if mostly_utf8(bytes) {
        return decode_with(UTF_8, bytes, false);
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(
        &bytes[..bytes.len().min(SNIFF_LIMIT)],
        bytes.len() <= SNIFF_LIMIT,
    );
    let encoding = detector.guess(None, true);
    decode_with(encoding, bytes, false)
}

/// Decodes `bytes` as `encoding`, counting malformed sequences.
pub fn decode_with(encoding: &'static Encoding, bytes: &[u8], bom: bool) -> Decoded {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3),
    );
    let mut malformed = 0;
    let mut rest = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut text, true);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::Malformed(_, _) => {
                malformed += 1;
                text.push('\u{FFFD}');
            }
            DecoderResult::OutputFull => {
                text.reserve(rest.len() * 3 + 16);
            }
        }
    }
    Decoded {
        text,
        encoding: encoding.name(),
        bom,
        malformed,
    }
}

/// UTF-8 with at least ten valid non-ASCII bytes for each malformed one.
/// Text in a legacy CJK encoding is nowhere near: nearly all its non-ASCII
/// bytes are malformed as UTF-8.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut decoder = UTF_8.new_decoder_without_bom_handling();
    let mut scratch = [0u8; 4096];
    let mut rest = bytes;
    let mut malformed = 0usize;
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    loop {
        let (result, read, _) =
            decoder.decode_to_utf8_without_replacement(rest, &mut scratch, true);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::Malformed(bad, _) => malformed += usize::from(bad),
            DecoderResult::OutputFull => {}
        }
    }
    let valid_multibyte = non_ascii.saturating_sub(malformed);
    valid_multibyte >= 4 && malformed * 10 <= valid_multibyte
}

/// Whether `bytes` look like a binary file rather than text: a NUL byte in
/// the first 8 KiB, unless a UTF-16 byte order mark explains it.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if matches!(Encoding::for_bom(bytes), Some((e, _)) if e != UTF_8) {
        return false;
    }
    bytes[..bytes.len().min(8192)].contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        let d = decode("發展 abc".as_bytes());
        assert_eq!(
            (d.text.as_str(), d.encoding, d.malformed),
            ("發展 abc", "UTF-8", 0)
        );
    }

    #[test]
    fn bom_decides() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "中文".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let d = decode(&bytes);
        assert_eq!(
            (d.text.as_str(), d.encoding, d.bom),
            ("中文", "UTF-16LE", true)
        );
        assert!(!looks_binary(&bytes));
    }

    #[test]
    fn gbk_is_detected() {
        let text = "过去五年，涪陵区残联在区委、区政府的坚强领导下，全面贯彻落实各项惠残政策。";
        let (bytes, _, _) = encoding_rs::GBK.encode(text);
        let d = decode(&bytes);
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, "GBK");
    }

    #[test]
    fn one_bad_byte_keeps_utf8() {
        let mut bytes = "區殘聯工作人員慰問困難殘疾人".as_bytes().to_vec();
        bytes.insert(6, 0xFF);
        let d = decode(&bytes);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.malformed, 1);
        assert_eq!(d.text, "區殘\u{FFFD}聯工作人員慰問困難殘疾人");
    }

    #[test]
    fn garbage_never_panics() {
        for bytes in [&b"a\xffb"[..], b"\xff", b"", b"\xe4\xb8", b"\x81"] {
            let d = decode(bytes);
            assert!(d.text.len() <= bytes.len() * 3 + 3);
        }
        assert!(looks_binary(b"\x7fELF\x02\x01\x01\0\0\0"));
    }
}
