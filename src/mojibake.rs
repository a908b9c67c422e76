//! Stage 2: undo text that was decoded with the wrong encoding.
//!
//! Chinese pages are read with the wrong encoding in a handful of ways:
//! UTF-8 bytes read as GBK (`鍙戝睍` for `发展`) or as Windows-1252/Latin-1
//! (`å‘å±•`); Big5 read as GBK and GBK as Big5; GBK read as Latin-1
//! (`²úÆ·ÆëÈ«` for `产品齐全`); sometimes two of these in a row. Each is
//! reversible while no byte was lost: encode the text back with the wrong
//! encoding and decode the bytes with the right one. (UTF-8 read as Big5 and
//! GBK read as Big5 are tried too, but the first seldom survives, Big5
//! leaving most UTF-8 bytes malformed, and the second reads as plausible
//! Traditional text, so it is seldom recognised.)
//!
//! Genuine text must never be touched, so a repair is accepted only when
//! every step is exact (no unmappable character, no malformed byte) and the
//! result reads as plain Chinese: enough ideographs, most of them common ones
//! (`freq`: counts from jieba's word list; a Traditional character counts as
//! its Simplified form), few other symbols, no replacement, private-use or
//! other mojibake symbols. Re-reading as UTF-8 is tried on every line, since
//! Chinese in a legacy encoding is almost never valid UTF-8 for more than a
//! few characters (a look at the first 16 characters keeps that cheap). The
//! other kinds are tried only on lines that look garbled: mojibake symbols
//! (Latin-1 and Windows-1252 symbols that are not pinyin, private-use
//! characters, box drawing, kana, Greek or Cyrillic) or mostly rare
//! ideographs, and no run of six common ideographs (a whole-line repair
//! would destroy good text around a garbled island).
//!
//! The unit is the line, so a page whose lines were mis-decoded differently is
//! repaired line by line. Runs that cannot be repaired, the classic `锟斤拷`
//! (UTF-8 replacement characters read as GBK) and runs of U+FFFD, are
//! counted. Islands of mojibake inside good lines are not handled yet, and
//! short Big5-as-GBK lines are often missed (they look like Chinese).

use encoding_rs::{Encoding, BIG5, GBK, UTF_8, WINDOWS_1252};
use serde::Serialize;

use crate::script::{is_han, ScriptTables};

/// What the repair stage changed and saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MojibakeCounts {
    /// Lines that were UTF-8 read as GBK, restored.
    pub utf8_as_gbk: usize,
    /// Lines that were UTF-8 read as Big5, restored.
    pub utf8_as_big5: usize,
    /// Lines that were UTF-8 read as Windows-1252 or Latin-1, restored.
    pub utf8_as_latin: usize,
    /// Lines that were Big5 read as GBK, restored.
    pub big5_as_gbk: usize,
    /// Lines that were GBK read as Big5, restored.
    pub gbk_as_big5: usize,
    /// Lines that were GBK read as Windows-1252 or Latin-1, restored.
    pub gbk_as_latin: usize,
    /// Lines that needed two repairs in a row.
    pub double: usize,
    /// Irreparable runs left in the text: `锟斤拷` and runs of U+FFFD.
    pub irreparable: usize,
}

/// One way of going wrong: bytes in `right` were decoded as `wrong`.
#[derive(Clone, Copy)]
struct Kind {
    wrong: &'static Encoding,
    right: &'static Encoding,
    /// Its counter in the report.
    count: fn(&mut MojibakeCounts) -> &mut usize,
}

/// Every way of going wrong that is tried.
fn kinds() -> [Kind; 6] {
    let kind = |wrong, right, count| Kind {
        wrong,
        right,
        count,
    };
    [
        kind(GBK, UTF_8, |c| &mut c.utf8_as_gbk),
        kind(BIG5, UTF_8, |c| &mut c.utf8_as_big5),
        kind(WINDOWS_1252, UTF_8, |c| &mut c.utf8_as_latin),
        kind(GBK, BIG5, |c| &mut c.big5_as_gbk),
        kind(BIG5, GBK, |c| &mut c.gbk_as_big5),
        kind(WINDOWS_1252, GBK, |c| &mut c.gbk_as_latin),
    ]
}

/// Common ideographs in a row that mark a line as partly good.
const PLAIN_RUN: usize = 6;
/// A repair of ideographs into ideographs needs at least this many: short
/// genuine lines re-read exactly by chance.
const MIN_HAN: usize = 6;
/// A re-reading as UTF-8 needs at least this many ideographs.
const MIN_HAN_UTF8: usize = 2;
/// Below this share of common ideographs, text is still garbled.
const MIN_PLAIN_SHARE: f64 = 0.5;
/// Share of a repaired line's ideographs that must be common ones, unless
/// it gains [`MIN_SHARE_GAIN`] over the garbled line.
const MIN_COMMON_SHARE: f64 = 0.8;
/// A repair of rare ideographs must raise the share of common ones by this.
const MIN_SHARE_GAIN: f64 = 0.25;
/// A common character occurs at least this often in the frequency table.
const COMMON: u64 = 1000;
/// Share of a repaired line's non-ASCII characters that may be other than
/// ideographs (punctuation, symbols).
const MAX_OTHER_SHARE: f64 = 0.25;

/// Repairs mis-decoded lines of `text`.
pub fn repair(text: &str) -> (String, MojibakeCounts) {
    let tables = ScriptTables::get();
    let mut counts = MojibakeCounts::default();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        match repair_line(body, tables) {
            Some((fixed, kinds)) => {
                for kind in &kinds {
                    *(kind.count)(&mut counts) += 1;
                }
                counts.double += usize::from(kinds.len() > 1);
                counts.irreparable += irreparable_runs(&fixed);
                out.push_str(&fixed);
            }
            None => {
                counts.irreparable += irreparable_runs(body);
                out.push_str(body);
            }
        }
        out.push_str(newline);
    }
    (out, counts)
}

/// The repaired line and the repairs made (one or two), if any is clearly
/// better.
fn repair_line(line: &str, tables: &ScriptTables) -> Option<(String, Vec<Kind>)> {
    if line.is_ascii() {
        return None;
    }
    // Re-read as UTF-8, exactly, is evidence of its own: Chinese text in a
    // legacy encoding is almost never valid UTF-8 for more than a few
    // characters.
    if let Some(repaired) = utf8_rereading(line, tables) {
        return Some(repaired);
    }
    if has_plain_run(line, tables) {
        return None;
    }
    let before = evidence(line, tables)?;
    let mut best: Option<(f64, String, Vec<Kind>)> = None;
    // The same text reached in fewer steps is the same repair, named by
    // its shortest path.
    let mut consider = |score: f64, text: String, kinds: Vec<Kind>| match &mut best {
        Some(b) if b.1 == text => {
            b.0 = b.0.max(score);
            if kinds.len() < b.2.len() {
                b.2 = kinds;
            }
        }
        Some(b) if score <= b.0 => {}
        _ => best = Some((score, text, kinds)),
    };
    for (first, kind) in exact_repairs(line) {
        // A second layer that is an exact UTF-8 re-reading outranks
        // stopping at the first: mojibake of mojibake often looks Chinese.
        if let Some((second, kinds2)) = utf8_rereading(&first, tables) {
            let score = plain_chinese(&second, Evidence::Symbols, tables).unwrap_or(0.0);
            consider(score + 1.0, second, [vec![kind], kinds2].concat());
            continue;
        }
        match plain_chinese(&first, before, tables) {
            Some(score) => consider(score, first, vec![kind]),
            // Not Chinese yet: perhaps a second layer, which must then read
            // as plain Chinese by the strictest measure.
            None if evidence(&first, tables).is_some() => {
                for (second, kind2) in exact_repairs(&first) {
                    if let Some(score) =
                        plain_chinese(&second, Evidence::RareIdeographs(1.0), tables)
                    {
                        consider(score, second, vec![kind, kind2]);
                    }
                }
            }
            None => {}
        }
    }
    best.map(|(_, text, kinds)| (text, kinds))
}

/// `line` read back as the UTF-8 it was, if that is exact and gives
/// Chinese: at least [`MIN_HAN_UTF8`] ideographs, few other symbols.
fn utf8_rereading(line: &str, tables: &ScriptTables) -> Option<(String, Vec<Kind>)> {
    kinds()
        .into_iter()
        .filter(|kind| kind.right == UTF_8 && kind.wrong != WINDOWS_1252)
        .find_map(|kind| {
            let fixed = reencode(line, kind.wrong, kind.right)?;
            let han = fixed.chars().filter(|&c| is_han(c)).count();
            let chinese = plain_chinese(&fixed, Evidence::Symbols, tables).is_some();
            (han >= MIN_HAN_UTF8 && chinese).then(|| (fixed, vec![kind]))
        })
}

/// Every exact re-reading of `line`.
fn exact_repairs(line: &str) -> impl Iterator<Item = (String, Kind)> + '_ {
    kinds()
        .into_iter()
        .filter_map(move |kind| Some((reencode(line, kind.wrong, kind.right)?, kind)))
}

/// Whether `line` holds a run of plain Chinese (four common ideographs in a
/// row) that a whole-line repair would destroy: mojibake inside good text is
/// left for a finer repair.
fn has_plain_run(line: &str, tables: &ScriptTables) -> bool {
    let mut run = 0;
    for c in line.chars() {
        run = if is_han(c) && is_common(c, tables) {
            run + 1
        } else {
            0
        };
        if run >= PLAIN_RUN {
            return true;
        }
    }
    false
}

/// What makes a line look garbled.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Evidence {
    /// Symbols mojibake leaves and Chinese text has no use for.
    Symbols,
    /// Mostly rare ideographs; the share of common ones.
    RareIdeographs(f64),
}

/// Whether, and why, `line` looks like mojibake: Latin-1 and Windows-1252
/// symbols other than pinyin letters, private-use characters, box drawing,
/// kana or Greek/Cyrillic letters, or ideographs that are mostly rare.
fn evidence(line: &str, tables: &ScriptTables) -> Option<Evidence> {
    let (mut han, mut common, mut symbols) = (0usize, 0usize, 0usize);
    for c in line.chars().filter(|c| !c.is_ascii()) {
        if is_han(c) {
            han += 1;
            common += usize::from(is_common(c, tables));
        } else if is_mojibake_symbol(c) {
            symbols += 1;
        }
    }
    let mostly_rare = common * 2 < han.max(1);
    if symbols > 0 && mostly_rare {
        Some(Evidence::Symbols)
    } else if han > 0 && mostly_rare {
        Some(Evidence::RareIdeographs(common as f64 / han as f64))
    } else {
        None
    }
}

fn is_mojibake_symbol(c: char) -> bool {
    let pinyin = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ";
    match c as u32 {
        0x80..=0xFF | 0x152..=0x17E | 0x2C6 | 0x2DC | 0x2013..=0x2122 => {
            !pinyin.contains(c) && !matches!(c, '·' | '“' | '”' | '‘' | '’' | '—' | '…' | '–')
        }
        0xE000..=0xF8FF | 0x2500..=0x257F | 0x3040..=0x30FF | 0x0370..=0x03FF | 0x0400..=0x04FF => {
            true
        }
        _ => false,
    }
}

/// CJK punctuation and full-width forms, at home in Chinese text.
fn is_cjk_punctuation(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x00B7 | 0x2014 | 0x2018..=0x201D | 0x2026)
}

fn is_common(c: char, tables: &ScriptTables) -> bool {
    crate::freq::count(tables.simplified(c).unwrap_or(c)) >= COMMON
}

/// How plainly `text` reads as Chinese (the share of common ideographs),
/// or `None` when it does not: too few ideographs, too many of them rare
/// (compared with the garbled line, when that was rare ideographs), too
/// many other symbols, or any replacement or private-use character.
fn plain_chinese(text: &str, before: Evidence, tables: &ScriptTables) -> Option<f64> {
    let (mut han, mut common, mut other) = (0usize, 0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if is_han(c) {
            han += 1;
            common += usize::from(is_common(c, tables));
        } else if c == '\u{FFFD}' || is_mojibake_symbol(c) {
            return None;
        } else if !is_cjk_punctuation(c) {
            other += 1;
        }
    }
    let share = common as f64 / han.max(1) as f64;
    let other_share = other as f64 / (han + other).max(1) as f64;
    // From Latin-1 letters to ideographs, exactly, is evidence enough; from
    // rare ideographs, the repair must read as clearly more common Chinese.
    let frequent_enough = match before {
        Evidence::Symbols => han >= 2 && share >= MIN_PLAIN_SHARE,
        Evidence::RareIdeographs(before) => {
            han >= MIN_HAN && share >= MIN_COMMON_SHARE.min(before + MIN_SHARE_GAIN)
        }
    };
    (frequent_enough && other_share <= MAX_OTHER_SHARE).then_some(share)
}

/// `line` encoded with `wrong` and decoded with `right`, if both are exact.
fn reencode(line: &str, wrong: &'static Encoding, right: &'static Encoding) -> Option<String> {
    // Genuine text fails within a few characters: look at the start first.
    if right == UTF_8 && wrong != WINDOWS_1252 {
        let head_end = line.char_indices().nth(16).map_or(line.len(), |(i, _)| i);
        if head_end < line.len() {
            let (head, _, unmappable) = wrong.encode(&line[..head_end]);
            if unmappable || std::str::from_utf8(&head).is_err_and(|e| e.error_len().is_some()) {
                return None;
            }
        }
    }
    let bytes = if wrong == WINDOWS_1252 {
        latin_bytes(line)?
    } else {
        let (bytes, _, unmappable) = wrong.encode(line);
        if unmappable {
            return None;
        }
        bytes.into_owned()
    };
    if bytes.is_ascii() {
        return None;
    }
    if right == UTF_8 {
        let text = String::from_utf8(bytes).ok()?;
        return (text != line).then_some(text);
    }
    let (text, malformed) = right.decode_without_bom_handling(&bytes);
    (!malformed && text != line).then(|| text.into_owned())
}

/// The bytes a Latin-1 or Windows-1252 reading turned into `line`: code
/// points up to U+00FF are the bytes themselves (Latin-1 and the C1
/// controls), the typographic characters of Windows-1252 its bytes 0x80 to
/// 0x9F.
fn latin_bytes(line: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(line.len());
    let mut buffer = [0u8; 4];
    for c in line.chars() {
        match u8::try_from(c as u32) {
            Ok(byte) => bytes.push(byte),
            Err(_) => {
                let (encoded, _, unmappable) = WINDOWS_1252.encode(c.encode_utf8(&mut buffer));
                if unmappable || encoded.len() != 1 {
                    return None;
                }
                bytes.extend_from_slice(&encoded);
            }
        }
    }
    Some(bytes)
}

/// Runs of `锟斤拷` and of U+FFFD in `text`.
fn irreparable_runs(text: &str) -> usize {
    let mut runs = text.matches("锟斤拷").count();
    let mut in_run = false;
    for c in text.chars() {
        let replacement = c == '\u{FFFD}';
        runs += usize::from(replacement && !in_run);
        in_run = replacement;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Garbles `text` the way `kind` does: encode with the right encoding,
    /// decode with the wrong one.
    fn garble(text: &str, wrong: &'static Encoding, right: &'static Encoding) -> Option<String> {
        let (bytes, _, unmappable) = right.encode(text);
        if unmappable {
            return None;
        }
        let (garbled, malformed) = wrong.decode_without_bom_handling(&bytes);
        (!malformed).then(|| garbled.into_owned())
    }

    fn check(
        original: &str,
        wrong: &'static Encoding,
        right: &'static Encoding,
        field: fn(&MojibakeCounts) -> usize,
    ) {
        let garbled = garble(original, wrong, right).expect("garbles exactly");
        assert_ne!(garbled, original);
        let (fixed, counts) = repair(&format!("{garbled}\n好的一行\n"));
        assert_eq!(fixed, format!("{original}\n好的一行\n"), "{garbled}");
        assert_eq!(field(&counts), 1, "{garbled}: {counts:?}");
    }

    #[test]
    fn restores_each_kind() {
        check(
            "发展残疾人事业，改善残疾民生",
            GBK,
            UTF_8,
            |c| c.utf8_as_gbk,
        );
        check("涪陵区融媒体中心", WINDOWS_1252, UTF_8, |c| {
            c.utf8_as_latin
        });
        check(
            "過去五年，殘聯的工作取得新進展",
            GBK,
            BIG5,
            |c| c.big5_as_gbk,
        );
        check("产品齐全，价格优惠", WINDOWS_1252, GBK, |c| {
            c.gbk_as_latin
        });
    }

    #[test]
    fn restores_two_layers() {
        let original = "发展残疾人事业，改善残疾民生";
        let once = garble(original, GBK, UTF_8).unwrap();
        let twice = garble(&once, WINDOWS_1252, UTF_8).unwrap();
        let (fixed, counts) = repair(&twice);
        assert_eq!(fixed, original);
        assert_eq!(counts.double, 1);
    }

    #[test]
    fn leaves_genuine_text_alone() {
        for text in [
            "過去五年,涪陵區殘聯在區委、區政府的堅強領導下",
            "过去五年，涪陵区残联在区委、区政府的坚强领导下",
            "Café crème, naïve façade",
            "記者 徐華東",
            "床前明月光，疑是地上霜。",
            "鍋巴",
        ] {
            assert_eq!(repair(text).0, text);
        }
    }

    #[test]
    fn counts_irreparable_runs() {
        let (_, counts) = repair("锟斤拷锟斤拷好\u{FFFD}\u{FFFD}的");
        assert_eq!(counts.irreparable, 3);
    }
}
