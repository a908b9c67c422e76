//! Stage 2: undo text that was decoded with the wrong encoding.
//!
//! Chinese pages are read with the wrong encoding in a handful of ways:
//! UTF-8 bytes read as GBK (`鍙戝睍` for `发展`) or as Windows-1252/Latin-1
//! (`å‘å±•`); Big5 read as GBK and GBK as Big5; GBK read as Latin-1
//! (`²úÆ·ÆëÈ«` for `产品齐全`); sometimes two of these in a row. Each is
//! reversible while no byte was lost: encode the text back with the wrong
//! encoding and decode the bytes with the right one. (UTF-8 read as Big5
//! seldom survives: Big5 leaves most UTF-8 bytes malformed.)
//!
//! Genuine text must never be touched, so a repair is accepted only when
//! every step is exact (no unmappable character, no malformed byte) and the
//! result reads as plain Chinese. What that means depends on the kind:
//!
//! - Into UTF-8: exactness is most of the evidence, since Chinese in a
//!   legacy encoding, or Latin text, is almost never valid UTF-8 for more
//!   than a few characters. The result must hold ideographs (or be a line
//!   of full-width forms) and no mojibake symbols; a re-reading of GBK or
//!   Big5 as UTF-8 is tried on every line that starts the way one must (one
//!   table look-up at its first non-ASCII character), the rest only on
//!   lines that look garbled.
//! - Between GBK and Big5: both readings are real characters, often common
//!   ones, so commonness cannot tell them apart, but words can (`freq`:
//!   character counts and the pairs of characters that make words, from
//!   jieba's word list and Cantonese sentences). A line is suspect when its
//!   ideographs make no words, or it holds mojibake symbols; a reading is
//!   accepted when it is clearly more plausible by both measures, keeps the
//!   line's Chinese punctuation, and, on a short line, makes words.
//! - GBK read as Latin-1: the result must be mostly common ideographs.
//!
//! Lines look garbled by mojibake symbols (Latin-1 and Windows-1252 symbols
//! that are not pinyin, private-use characters, box drawing, kana, zhuyin,
//! Greek or Cyrillic), by mostly rare ideographs, or by ideographs that make
//! no words; a line with a run of words is left alone, since a whole-line
//! repair would destroy good text around a garbled island.
//!
//! The unit is the line, so a page whose lines were mis-decoded differently is
//! repaired line by line; then the page has its say (`page`): a line of
//! three or four ideographs read the wrong way carries too little to be
//! told from Chinese, but on a page whose long lines were surely read from
//! one legacy encoding as the other it is read the same way, and a page
//! read as Big5 went through one Big5 decoder (the WHATWG standard that
//! browsers follow, or Python's own codec, which puts kana elsewhere).
//! Runs that cannot be repaired, the classic `锟斤拷` (UTF-8 replacement
//! characters read as GBK) and runs of U+FFFD, are counted. Lines no
//! whole-line reading fits may still hold byte-slip islands, the mojibake an
//! annotating converter leaves inside good text (`人們?nèi)绾闻c`): those are
//! repaired where their bytes can be told (`islands`), and lose their
//! dangling pinyin where not.
//!
//! The modules: `chinese` weighs how Chinese a text reads, `reencode` turns
//! text back into bytes and reads them again, `page` applies what a page
//! shows to its lines, `islands` repairs byte slips inside a line.

mod chinese;
mod islands;
mod page;
mod reencode;

use std::borrow::Cow;
use std::sync::OnceLock;

use encoding_rs::{Encoding, BIG5, GBK, UTF_8, WINDOWS_1252};
use memchr::memmem::Finder;
use serde::Serialize;

use crate::script::{is_han, ScriptTables};
use crate::unicode::lines;
use chinese::{
    evidence, full_width_only, more_plausible, plain_chinese, plausibility, suspect, Evidence,
};
use page::PageTally;
use reencode::{decode_exactly, may_be_utf8_as_legacy, python_big5_bytes, reencode};

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
    /// Byte-slip islands inside good lines, repaired.
    pub islands_repaired: usize,
    /// Byte-slip islands left as they were, their pinyin stripped.
    pub islands_unrepaired: usize,
}

impl std::ops::AddAssign for MojibakeCounts {
    /// Adds the counts of a later section of the same document.
    fn add_assign(&mut self, other: MojibakeCounts) {
        self.utf8_as_gbk += other.utf8_as_gbk;
        self.utf8_as_big5 += other.utf8_as_big5;
        self.utf8_as_latin += other.utf8_as_latin;
        self.big5_as_gbk += other.big5_as_gbk;
        self.gbk_as_big5 += other.gbk_as_big5;
        self.gbk_as_latin += other.gbk_as_latin;
        self.double += other.double;
        self.irreparable += other.irreparable;
        self.islands_repaired += other.islands_repaired;
        self.islands_unrepaired += other.islands_unrepaired;
    }
}

/// One way of going wrong: bytes in `right` were decoded as `wrong`.
#[derive(Clone, Copy)]
struct Kind {
    wrong: &'static Encoding,
    right: &'static Encoding,
    /// Its counter in the report.
    count: fn(&mut MojibakeCounts) -> &mut usize,
}

impl Kind {
    /// Between the two legacy encodings (Big5 read as GBK, or GBK as Big5):
    /// both readings are made of real characters.
    fn is_legacy_pair(&self) -> bool {
        self.right != UTF_8 && self.wrong != WINDOWS_1252
    }

    /// UTF-8 read as GBK or as Big5: a character of the text straddles
    /// the characters of the misreading.
    fn is_utf8_as_legacy(&self) -> bool {
        is_utf8_as_legacy(self.wrong, self.right)
    }
}

/// Whether a re-reading with `wrong` and `right` is of UTF-8 read as GBK or
/// Big5.
fn is_utf8_as_legacy(wrong: &'static Encoding, right: &'static Encoding) -> bool {
    right == UTF_8 && wrong != WINDOWS_1252
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

/// A repair of ideographs into ideographs needs at least this many: short
/// genuine lines re-read exactly by chance.
const MIN_HAN: usize = 6;
/// A re-reading as UTF-8 needs at least this many ideographs.
const MIN_HAN_UTF8: usize = 2;

/// Repairs mis-decoded lines of `text`.
pub fn repair(text: &str) -> (String, MojibakeCounts) {
    let (out, counts) = repair_cow(text);
    (out.into_owned(), counts)
}

/// As [`repair`], borrowing `text` when no line changes, as on most pages.
pub(crate) fn repair_cow(text: &str) -> (Cow<'_, str>, MojibakeCounts) {
    let tables = ScriptTables::get();
    let mut counts = MojibakeCounts::default();
    // Written from the first line that changes.
    let mut out: Option<String> = None;
    let mut page = PageTally::default();
    let mut start = 0;
    for (index, line) in lines(text).enumerate() {
        let (body, newline) = split_newline(line);
        let fixed = match repair_line(body, tables, None) {
            Some((fixed, kinds)) => {
                for kind in &kinds {
                    *(kind.count)(&mut counts) += 1;
                }
                counts.double += usize::from(kinds.len() > 1);
                page.repaired(index, body, &fixed, &kinds, tables);
                Some(fixed)
            }
            None => islands::repair_islands(body, tables).map(|(fixed, islands)| {
                counts.islands_repaired += islands.repaired;
                counts.islands_unrepaired += islands.unrepaired;
                fixed
            }),
        };
        match (fixed, &mut out) {
            (Some(fixed), out) => {
                let out = out.get_or_insert_with(|| {
                    let mut out = String::with_capacity(text.len());
                    out.push_str(&text[..start]);
                    out
                });
                out.push_str(&fixed);
                out.push_str(newline);
            }
            (None, Some(out)) => out.push_str(line),
            (None, None) => {}
        }
        start += line.len();
    }
    // A page without a repaired line has nothing for the page to decide.
    let out = match out {
        Some(out) => Cow::Owned(page.finish(text, out, &mut counts, tables)),
        None => Cow::Borrowed(text),
    };
    counts.irreparable = irreparable_runs(&out);
    (out, counts)
}

fn split_newline(line: &str) -> (&str, &str) {
    match line.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (line, ""),
    }
}

/// The repaired line and the repairs made (one or two), if any is clearly
/// better.
fn repair_line(
    line: &str,
    tables: &ScriptTables,
    codec: Option<Big5Codec>,
) -> Option<(String, Vec<Kind>)> {
    if line.is_ascii() {
        return None;
    }
    // Re-read as UTF-8, exactly, is evidence of its own: Chinese text in a
    // legacy encoding is almost never valid UTF-8 for more than a few
    // characters.
    let utf8_start = may_be_utf8_as_legacy(line);
    if let Some(repaired) = utf8_start.then(|| utf8_readings(line, tables)).flatten() {
        return Some(repaired);
    }
    // Most genuine lines no re-reading could take: told at once, before
    // the look at their characters and words.
    if !utf8_start && !may_be_legacy_misreading(line) {
        return None;
    }
    // A line with a run of words is left for a finer repair.
    let before = suspect(line, tables)?;
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
    for (first, kind) in exact_repairs(line, tables, codec, |_| true) {
        // A second layer that is an exact UTF-8 re-reading outranks
        // stopping at the first: mojibake of mojibake often looks Chinese.
        if let Some((second, kinds2)) = utf8_rereading(&first, tables) {
            let score = plain_chinese(&second, Evidence::Symbols, tables).unwrap_or(0.0);
            consider(score + 1.0, second, [vec![kind], kinds2].concat());
            continue;
        }
        let accepted = if kind.is_legacy_pair() {
            more_plausible(&first, line, tables)
        } else if kind.wrong == WINDOWS_1252 && kind.right == UTF_8 {
            plain_chinese(&first, Evidence::ExactUtf8, tables)
        } else {
            plain_chinese(&first, before, tables)
        };
        match accepted {
            Some(score) => consider(score, first, vec![kind]),
            // Not Chinese yet: perhaps a second layer, which must then read
            // as plain Chinese by the strictest measure.
            None if evidence(&first, tables).is_some() => {
                // Legacy text read as the other legacy encoding twice is not
                // a way pages go wrong; once, it needs words.
                let twice = |kind2: &Kind| kind.is_legacy_pair() && kind2.is_legacy_pair();
                for (second, kind2) in exact_repairs(&first, tables, codec, |k| !twice(k)) {
                    let accepted = if kind2.is_legacy_pair() {
                        more_plausible(&second, line, tables)
                    } else {
                        plain_chinese(&second, Evidence::RareIdeographs(1.0), tables)
                    };
                    if let Some(score) = accepted {
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
    may_be_utf8_as_legacy(line)
        .then(|| utf8_readings(line, tables))
        .flatten()
}

/// [`utf8_rereading`] of a line that [`may_be_utf8_as_legacy`].
fn utf8_readings(line: &str, tables: &ScriptTables) -> Option<(String, Vec<Kind>)> {
    kinds()
        .into_iter()
        .filter(Kind::is_utf8_as_legacy)
        .find_map(|kind| {
            let fixed = reencode(line, kind.wrong, kind.right)?;
            let han = fixed.chars().filter(|&c| is_han(c)).count();
            let chinese = plain_chinese(&fixed, Evidence::Symbols, tables).is_some();
            let enough = han >= MIN_HAN_UTF8 || full_width_only(&fixed);
            (enough && chinese).then(|| (fixed, vec![kind]))
        })
}

/// Every exact re-reading of `line` of the kinds `wanted` lets through.
fn exact_repairs<'a>(
    line: &'a str,
    tables: &'a ScriptTables,
    codec: Option<Big5Codec>,
    wanted: impl Fn(&Kind) -> bool + 'a,
) -> impl Iterator<Item = (String, Kind)> + 'a {
    let marks = sentence_marks(line);
    kinds()
        .into_iter()
        .filter(move |kind| wanted(kind) && marks_survive(marks, kind))
        .filter_map(move |kind| Some((reading(line, kind, tables, codec)?, kind)))
}

/// Whether a re-reading of `line` between legacy encodings may be exact.
/// A line with a sentence mark that every such re-reading would lose (see
/// [`marks_survive`]) is no such misreading, and, if no UTF-8 could have
/// been read as it either ([`may_be_utf8_as_legacy`]), none at all: most
/// genuine prose and verse.
fn may_be_legacy_misreading(line: &str) -> bool {
    let some_survive = |marks: u32| {
        lost_marks()
            .iter()
            .any(|&(wrong, right, lost)| !is_utf8_as_legacy(wrong, right) && marks & lost == 0)
    };
    // Prose and verse mostly end with a mark: that one is enough, and
    // cheaper than a search of the line.
    let last = line.trim_end().chars().next_back().map_or(0, mark_bit);
    if last != 0 && !some_survive(last) {
        return false;
    }
    let marks = sentence_marks(line);
    marks == 0 || some_survive(marks)
}

/// The marks of running Chinese text that [`marks_survive`] looks for.
const SENTENCE_MARKS: [char; 6] = ['，', '。', '、', '；', '：', '！'];

/// Whether each sentence mark of `line` would still be a mark or an
/// ideograph in its re-reading as `kind`.
///
/// Between legacy encodings an exact re-reading maps character to
/// character: each character of a misread line stands for one of the text
/// it was (Python's Big5 codec writes these marks as the standard does). A
/// comma that would turn into a private-use character or zhuyin was a
/// comma all along, and the line is no such misreading; a line read as
/// Windows-1252 holds no such mark at all. Classical Chinese, which makes few modern words, is thus
/// spared the re-readings (and their second layers) that it would only
/// fail. Re-readings of GBK or Big5 as UTF-8 are not so mapped (a
/// character of UTF-8 straddles two of GBK) and are always let through.
fn marks_survive(marks: u32, kind: &Kind) -> bool {
    if kind.is_utf8_as_legacy() {
        return true;
    }
    let lost = lost_marks()
        .iter()
        .find(|&&(wrong, right, _)| wrong == kind.wrong && right == kind.right)
        .map_or(0, |&(.., lost)| lost);
    marks & lost == 0
}

/// For each kind, a bit for each mark that its re-reading turns into
/// something else: found once.
fn lost_marks() -> &'static [(&'static Encoding, &'static Encoding, u32)] {
    static LOST: OnceLock<Vec<(&'static Encoding, &'static Encoding, u32)>> = OnceLock::new();
    LOST.get_or_init(|| {
        kinds()
            .iter()
            .map(|kind| {
                let lost = (0..).zip(SENTENCE_MARKS).fold(0, |lost, (bit, mark)| {
                    let mut buffer = [0; 4];
                    let read = reencode(mark.encode_utf8(&mut buffer), kind.wrong, kind.right)
                        .and_then(|text| text.chars().next());
                    match read.is_some_and(|c| is_han(c) || chinese::is_cjk_punctuation(c)) {
                        true => lost,
                        false => lost | 1 << bit,
                    }
                });
                (kind.wrong, kind.right, lost)
            })
            .collect()
    })
}

/// The [`SENTENCE_MARKS`] that `line` holds, a bit for each.
fn sentence_marks(line: &str) -> u32 {
    let bytes = line.as_bytes();
    // All are three bytes long and start with one of two bytes.
    memchr::memchr2_iter(0xE3, 0xEF, bytes)
        .filter_map(|at| line.get(at..at + 3)?.chars().next())
        .fold(0, |marks, c| marks | mark_bit(c))
}

/// The bit of `c` among [`SENTENCE_MARKS`], or 0.
fn mark_bit(c: char) -> u32 {
    SENTENCE_MARKS
        .iter()
        .position(|&m| m == c)
        .map_or(0, |i| 1 << i)
}

/// The decoder that read bytes as Big5: browsers and encoding_rs follow
/// the WHATWG standard; Python's own codec puts kana and circled numbers
/// at other bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Big5Codec {
    Whatwg,
    Python,
}

/// A reading by Python's Big5 codec is preferred to the WHATWG one when it
/// is this much more plausible (see [`plausibility`]); the page then
/// decides by majority. Measured: nearer 0 mends more Python pages but
/// spoils more WHATWG ones.
const PYTHON_BIG5_GAIN: f64 = 0.3;

/// The exact reading of `line` as `kind`. Text read as Big5 may have come
/// through either [`Big5Codec`]: `codec` names it, or `None` leaves the
/// choice to plausibility when both readings are exact.
fn reading(
    line: &str,
    kind: Kind,
    tables: &ScriptTables,
    codec: Option<Big5Codec>,
) -> Option<String> {
    if kind.wrong != BIG5 {
        return reencode(line, kind.wrong, kind.right);
    }
    let whatwg = || reencode(line, kind.wrong, kind.right);
    let python = || decode_exactly(python_big5_bytes(line)?, kind.right, line);
    match codec {
        Some(Big5Codec::Whatwg) => whatwg(),
        Some(Big5Codec::Python) => python().or_else(whatwg),
        None => match (whatwg(), python()) {
            (Some(whatwg), Some(python)) => {
                let score = |text: &str| plausibility(text, tables).map_or(f64::MIN, |p| p.score);
                Some(if score(&python) > score(&whatwg) + PYTHON_BIG5_GAIN {
                    python
                } else {
                    whatwg
                })
            }
            (whatwg, python) => whatwg.or(python),
        },
    }
}

/// Runs of `锟斤拷` and of U+FFFD in `text`.
fn irreparable_runs(text: &str) -> usize {
    // Built once: a search's set-up costs more than a short page's search.
    static FINDERS: OnceLock<[Finder<'static>; 2]> = OnceLock::new();
    let finders = FINDERS.get_or_init(|| ["锟", "\u{FFFD}"].map(Finder::new));
    if finders
        .iter()
        .all(|finder| finder.find(text.as_bytes()).is_none())
    {
        return 0;
    }
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
        check(
            "已近午夜，大圪村委会帐篷里灯火通明，电话不断。",
            BIG5,
            GBK,
            |c| c.gbk_as_big5,
        );
        // Traditional text in GBK reads as Big5 with Hong Kong extensions.
        check("孔光尊董賢，胡廣慚李固。", BIG5, GBK, |c| {
            c.gbk_as_big5
        });
        // A line of full-width digits has no ideographs to go by.
        check(
            "１２３９·９０３·８４２８０１５",
            GBK,
            UTF_8,
            |c| c.utf8_as_gbk,
        );
        check("佢哋 唔 - 唔 頻密 𡃉 .", WINDOWS_1252, UTF_8, |c| {
            c.utf8_as_latin
        });
    }

    /// No line of real text misread between legacy encodings holds a
    /// mark that the re-reading would lose, and no misread line at all is
    /// taken for genuine by the first look of [`repair_line`]; genuine
    /// lines are.
    #[test]
    fn misread_lines_keep_their_marks() {
        // The first look of `repair_line`.
        let may_be_misread =
            |line: &str| may_be_utf8_as_legacy(line) || may_be_legacy_misreading(line);
        const LABELLED: &str = include_str!("../../tests/data/spam/labelled.txt");
        let mut tried = [0; 6];
        for line in LABELLED.lines().filter_map(|line| line.split_once('\t')) {
            for (kind, tried) in kinds().iter().zip(&mut tried) {
                if let Some(garbled) = garble(line.1, kind.wrong, kind.right) {
                    assert!(marks_survive(sentence_marks(&garbled), kind), "{garbled}");
                    assert!(may_be_misread(&garbled), "{garbled}");
                    *tried += 1;
                }
            }
        }
        // Big5 cannot write the Simplified lines, nor Windows-1252 any.
        assert!(
            tried.iter().filter(|&&n| n > 1000).count() >= 4,
            "{tried:?}"
        );
        let mut genuine = 0;
        for line in LABELLED.lines().filter_map(|line| line.split_once('\t')) {
            genuine += usize::from(!may_be_misread(line.1));
        }
        // A quarter: the others have no sentence mark (lists, titles,
        // spam, spoken Cantonese with spaces).
        assert!(genuine > 1500, "{genuine}");
        for line in ["床前明月光，疑是地上霜。", "綠筠尚含粉，圓荷始散芳。"]
        {
            assert_eq!(sentence_marks(line), 0b11);
            assert!(!may_be_misread(line), "{line}");
        }
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
            "归鸿多北归。",
            "俶載南畝",
            "沒有ㄧ台是夠冷的",
        ] {
            assert_eq!(repair(text).0, text);
        }
    }

    /// Lines of a page garbled the same way, one `\n` after each.
    fn page(lines: &[&str], wrong: &'static Encoding, right: &'static Encoding) -> String {
        lines
            .iter()
            .map(|line| garble(line, wrong, right).expect("garbles exactly") + "\n")
            .collect()
    }

    #[test]
    fn reads_short_lines_as_the_rest_of_their_page() {
        let short = "喀 , 喀 , 喀 .";
        let garbled = garble(short, GBK, BIG5).unwrap();
        assert_eq!(repair(&garbled).0, garbled, "too short to tell alone");
        let lines = ["秋夜長，殊未央。", "開拆秋天光，崩騰夏雷吼。", short];
        let (fixed, counts) = repair(&page(&lines, GBK, BIG5));
        assert_eq!(fixed, lines.map(|line| format!("{line}\n")).concat());
        assert_eq!(counts.big5_as_gbk, 3);
    }

    #[test]
    fn leaves_short_lines_of_a_mixed_page() {
        let garbled = page(&["秋夜長，殊未央。", "開拆秋天光，崩騰夏雷吼。"], GBK, BIG5);
        let genuine = "過去五年，殘聯的工作取得新進展\n喀 , 喀 , 喀 .\n";
        let (fixed, counts) = repair(&format!("{garbled}{genuine}"));
        assert!(fixed.ends_with(genuine), "{fixed}");
        assert_eq!(counts.big5_as_gbk, 2);
    }

    #[test]
    fn restores_gbk_read_by_pythons_big5_codec() {
        // GBK text that Python's `big5` codec decoded: `片` became `え`,
        // where the WHATWG standard reads the same bytes as `⑵`.
        let (fixed, counts) =
            repair("婓坋拻湮儕朸硌竘狟吨瞳ヶ輛〞〞啋筒瓬棗\n境れ綻腑茩陔爛ㄗ芞えㄘ\n");
        assert_eq!(
            fixed,
            "在十五大精神指引下胜利前进——元旦献辞\n挂起红灯迎新年（图片）\n"
        );
        assert_eq!(counts.gbk_as_big5, 2);
    }

    #[test]
    fn a_page_goes_through_one_big5_codec() {
        // Alone, `⑻` reads better as the WHATWG codec's `撇` than as
        // Python's `曲`; the rest of the page shows Python read it.
        let lines = [
            ("雜曲歌辭 君子有所思行", "褭⑻貉煠 澱赽衄垀佷俴"),
            ("莫言山水間，幽意在鳴琴。", "蘆晟刓阨嶲ㄛ蚅砩婓頀р﹝"),
            ("冰雕童话世界（图片）", "梨蛐肵趕岍賜ㄗ芞えㄘ"),
            ("挂起红灯迎新年（图片）", "境れ綻腑茩陔爛ㄗ芞えㄘ"),
        ];
        assert_ne!(
            repair(lines[0].1).0,
            lines[0].0,
            "the test needs a line wrong alone"
        );
        let garbled: String = lines.iter().map(|(_, g)| format!("{g}\n")).collect();
        let original: String = lines.iter().map(|(o, _)| format!("{o}\n")).collect();
        assert_eq!(repair(&garbled).0, original);
    }

    #[test]
    fn counts_irreparable_runs() {
        let (_, counts) = repair("锟斤拷锟斤拷好\u{FFFD}\u{FFFD}的");
        assert_eq!(counts.irreparable, 3);
    }
}
