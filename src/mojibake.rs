//! Stage 2: undo text that was decoded with the wrong encoding.
//!
//! The commonest accident on Chinese pages is UTF-8 bytes read as GBK
//! (`鍙戝睍` for `发展`) or as Windows-1252 (`å‘å±•`). Both are reversible
//! while no byte was lost: encode the line back with the wrong encoding and
//! read the bytes as UTF-8. The test for a real repair is strict, because
//! genuine text must never be touched: the bytes must be valid UTF-8 from
//! the first to the last, and the result must hold more Chinese than the
//! line did (at least three ideographs for a GBK reading, where short
//! genuine lines could be valid UTF-8 by chance).
//!
//! This works line by line, so a page whose lines were mis-decoded in
//! different ways is repaired line by line. Islands of mojibake inside good
//! text, and several layers of it, are not handled yet.

use encoding_rs::{Encoding, GBK, WINDOWS_1252};
use serde::Serialize;

use crate::script::is_han;

/// What the repair stage changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MojibakeCounts {
    /// Lines that were UTF-8 read as GBK, restored.
    pub utf8_as_gbk: usize,
    /// Lines that were UTF-8 read as Windows-1252 or Latin-1, restored.
    pub utf8_as_latin: usize,
}

/// Repairs mis-decoded lines of `text`.
pub fn repair(text: &str) -> (String, MojibakeCounts) {
    let mut counts = MojibakeCounts::default();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        match repair_line(body) {
            Some((fixed, Wrong::Gbk)) => {
                counts.utf8_as_gbk += 1;
                out.push_str(&fixed);
            }
            Some((fixed, Wrong::Latin)) => {
                counts.utf8_as_latin += 1;
                out.push_str(&fixed);
            }
            None => out.push_str(body),
        }
        out.push_str(newline);
    }
    (out, counts)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wrong {
    Gbk,
    Latin,
}

fn repair_line(line: &str) -> Option<(String, Wrong)> {
    if line.is_ascii() {
        return None;
    }
    let han_before = line.chars().filter(|&c| is_han(c)).count();
    if line
        .chars()
        .all(|c| (c as u32) < 0x100 || is_cp1252_extra(c))
    {
        let fixed = reencode(line, WINDOWS_1252)?;
        return (fixed.chars().any(is_han)).then_some((fixed, Wrong::Latin));
    }
    if han_before < 2 {
        return None;
    }
    let fixed = reencode(line, GBK)?;
    let han_after = fixed.chars().filter(|&c| is_han(c)).count();
    (han_after >= 3 && fixed.chars().count() < line.chars().count()).then_some((fixed, Wrong::Gbk))
}

/// `line` encoded with `wrong` and read back as UTF-8, if every step is exact.
fn reencode(line: &str, wrong: &'static Encoding) -> Option<String> {
    // A cheap look at the start first: genuine text fails within a few bytes.
    let head_end = line.char_indices().nth(24).map_or(line.len(), |(i, _)| i);
    if head_end < line.len() {
        let bytes = encode_exact(&line[..head_end], wrong)?;
        if std::str::from_utf8(&bytes).is_err_and(|e| e.error_len().is_some()) {
            return None;
        }
    }
    let bytes = encode_exact(line, wrong)?;
    String::from_utf8(bytes).ok()
}

fn encode_exact(text: &str, encoding: &'static Encoding) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = encoding.encode(text);
    (!unmappable).then(|| bytes.into_owned())
}

/// Windows-1252's printable characters outside Latin-1 (`€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ`).
fn is_cp1252_extra(c: char) -> bool {
    matches!(
        c,
        '€' | '‚'
            | 'ƒ'
            | '„'
            | '…'
            | '†'
            | '‡'
            | 'ˆ'
            | '‰'
            | 'Š'
            | '‹'
            | 'Œ'
            | 'Ž'
            | '‘'
            | '’'
            | '“'
            | '”'
            | '•'
            | '–'
            | '—'
            | '˜'
            | '™'
            | 'š'
            | '›'
            | 'œ'
            | 'ž'
            | 'Ÿ'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn garble(text: &str, wrong: &'static Encoding) -> String {
        wrong
            .decode_without_bom_handling(text.as_bytes())
            .0
            .into_owned()
    }

    #[test]
    fn restores_utf8_read_as_gbk() {
        let original = "发展残疾人事业，改善残疾民生";
        let garbled = garble(original, GBK);
        assert_ne!(garbled, original);
        let (fixed, counts) = repair(&format!("{garbled}\n好的一行\n"));
        assert_eq!(fixed, format!("{original}\n好的一行\n"));
        assert_eq!(counts.utf8_as_gbk, 1);
    }

    #[test]
    fn restores_utf8_read_as_windows_1252() {
        let original = "涪陵区融媒体中心";
        let (fixed, counts) = repair(&garble(original, WINDOWS_1252));
        assert_eq!(fixed, original);
        assert_eq!(counts.utf8_as_latin, 1);
    }

    #[test]
    fn leaves_genuine_text_alone() {
        for text in [
            "過去五年,涪陵區殘聯在區委、區政府的堅強領導下",
            "过去五年，涪陵区残联在区委、区政府的坚强领导下",
            "Café crème, naïve façade",
            "記者 徐華東",
        ] {
            assert_eq!(repair(text).0, text);
        }
    }
}
