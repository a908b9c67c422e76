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
//! repaired line by line. Runs that cannot be repaired, the classic `锟斤拷`
//! (UTF-8 replacement characters read as GBK) and runs of U+FFFD, are
//! counted. Islands of mojibake inside good lines are not handled yet, and a
//! line of three or four ideographs read the wrong way carries too little to
//! be told from Chinese: those are left as they are.

use crate::hash::{IntMap, IntSet};
use std::sync::OnceLock;

use encoding_rs::{Encoding, BIG5, GBK, UTF_8, WINDOWS_1252};
use serde::Serialize;

use crate::freq;
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

impl Kind {
    /// Between the two legacy encodings (Big5 read as GBK, or GBK as Big5):
    /// both readings are made of real characters.
    fn is_legacy_pair(&self) -> bool {
        self.right != UTF_8 && self.wrong != WINDOWS_1252
    }
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

/// Word pairs in a row that mark a line as partly good (four characters
/// that read as words: `发展残疾人事业` has five).
const WORD_RUN: usize = 3;
/// At most this share of a line's pairs of ideographs make words when it
/// was read with the wrong legacy encoding (real text: a third to a half).
const MAX_GARBLED_WORD_SHARE: f64 = 0.1;
/// A repair of such a line must make at least this share of words...
const MIN_WORD_SHARE: f64 = 0.3;
/// ...and this many.
const MIN_WORDS: usize = 2;
/// A reading from one legacy encoding into the other must be this much more
/// plausible than the line (see [`plausibility`]). Measured on real
/// sentences: true repairs gain 1 or more (99 in 100 of them), genuine text
/// read the wrong way round at most 0.6.
const MIN_GAIN: f64 = 0.8;
/// The same for a line of fewer than [`MIN_HAN`] ideographs.
const MIN_GAIN_SHORT: f64 = 1.6;
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
    // A run of words, usually met within a few characters, settles most
    // lines before the whole line is weighed.
    if has_word_run(line, tables) {
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
                for (second, kind2) in exact_repairs(&first) {
                    // Legacy text read as the other legacy encoding twice is
                    // not a way pages go wrong; once, it needs words.
                    let accepted = match (kind.is_legacy_pair(), kind2.is_legacy_pair()) {
                        (true, true) => None,
                        (_, true) => more_plausible(&second, line, tables),
                        _ => plain_chinese(&second, Evidence::RareIdeographs(1.0), tables),
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
    kinds()
        .into_iter()
        .filter(|kind| kind.right == UTF_8 && kind.wrong != WINDOWS_1252)
        .find_map(|kind| {
            let fixed = reencode(line, kind.wrong, kind.right)?;
            let han = fixed.chars().filter(|&c| is_han(c)).count();
            let chinese = plain_chinese(&fixed, Evidence::Symbols, tables).is_some();
            let enough = han >= MIN_HAN_UTF8 || full_width_only(&fixed);
            (enough && chinese).then(|| (fixed, vec![kind]))
        })
}

/// Whether `c`, encoded with `legacy` (GBK or Big5), is a UTF-8 lead byte
/// then a continuation byte: the first non-ASCII character of UTF-8 read as
/// that encoding always is, and that of genuine text seldom. One look at a
/// table spares most lines an encoding.
fn starts_utf8(c: char, legacy: &'static Encoding) -> bool {
    static GBK_STARTS: OnceLock<IntSet<char>> = OnceLock::new();
    static BIG5_STARTS: OnceLock<IntSet<char>> = OnceLock::new();
    let build = || {
        let mut starts = IntSet::default();
        for lead in 0xC2..=0xF4u8 {
            for trail in 0x80..=0xBFu8 {
                if let Some(c) = pair_char(legacy, [lead, trail]) {
                    starts.insert(c);
                }
            }
        }
        starts
    };
    let starts = if legacy == GBK {
        GBK_STARTS.get_or_init(build)
    } else {
        BIG5_STARTS.get_or_init(build)
    };
    starts.contains(&c)
}

/// Every exact re-reading of `line`.
fn exact_repairs(line: &str) -> impl Iterator<Item = (String, Kind)> + '_ {
    kinds()
        .into_iter()
        .filter_map(move |kind| Some((reencode(line, kind.wrong, kind.right)?, kind)))
}

/// Whether `line` holds a run of words ([`WORD_RUN`] word pairs in a row)
/// that a whole-line repair would destroy: mojibake inside good text is
/// left for a finer repair.
fn has_word_run(line: &str, tables: &ScriptTables) -> bool {
    let mut run = 0;
    for pair in neighbour_pairs(line, tables) {
        run = if pair == Some(true) { run + 1 } else { 0 };
        if run >= WORD_RUN {
            return true;
        }
    }
    false
}

/// How many pairs of neighbouring ideographs `text` has, blanks aside, and
/// how many of them make words.
fn word_pairs(text: &str, tables: &ScriptTables) -> (usize, usize) {
    neighbour_pairs(text, tables)
        .flatten()
        .fold((0, 0), |(pairs, words), word| {
            (pairs + 1, words + usize::from(word))
        })
}

/// For each character of `text` after the first, blanks aside: `None` if
/// it and the one before are not both ideographs, else whether the two (in
/// their Simplified forms) make a word.
fn neighbour_pairs<'a>(
    text: &'a str,
    tables: &'a ScriptTables,
) -> impl Iterator<Item = Option<bool>> + 'a {
    let mut previous = None;
    text.chars().filter(|c| !c.is_whitespace()).map(move |c| {
        let c = is_han(c).then(|| tables.simplified(c).unwrap_or(c));
        let pair = previous.zip(c).map(|(a, b)| freq::is_word_pair(a, b));
        previous = c;
        pair
    })
}

/// What makes a line look garbled.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Evidence {
    /// Symbols mojibake leaves and Chinese text has no use for.
    Symbols,
    /// Mostly rare ideographs; the share of common ones.
    RareIdeographs(f64),
    /// Ideographs that make no words (see [`crate::freq`]), or mojibake
    /// symbols among common ideographs; whether there are such symbols.
    NoWords { symbols: bool },
    /// No evidence is needed: the text is an exact UTF-8 reading of Latin-1
    /// or Windows-1252 letters, which genuine text in those scripts almost
    /// never is.
    ExactUtf8,
}

/// Whether, and why, `line` looks like mojibake: Latin-1 and Windows-1252
/// symbols other than pinyin letters, private-use characters, box drawing,
/// kana or Greek/Cyrillic letters, ideographs that are mostly rare, or
/// ideographs that make no words.
fn evidence(line: &str, tables: &ScriptTables) -> Option<Evidence> {
    let (mut han, mut common, mut symbols) = (0usize, 0usize, 0usize);
    for c in line.chars().filter(|c| !c.is_ascii()) {
        if is_han(c) {
            han += 1;
            common += usize::from(is_common(c, tables));
        } else if is_mojibake_symbol(c) || is_bopomofo(c) {
            symbols += 1;
        }
    }
    let mostly_rare = common * 2 < han.max(1);
    if symbols > 0 && mostly_rare {
        return Some(Evidence::Symbols);
    }
    if han > 0 && mostly_rare {
        return Some(Evidence::RareIdeographs(common as f64 / han as f64));
    }
    // Characters read the wrong way are seldom all common; text that is
    // (classical Chinese makes few modern words) needs no second look.
    if symbols == 0 && common == han {
        return None;
    }
    let (pairs, words) = word_pairs(line, tables);
    let no_words = pairs > MIN_WORDS && words as f64 <= MAX_GARBLED_WORD_SHARE * pairs as f64;
    (no_words || symbols > 0).then_some(Evidence::NoWords {
        symbols: symbols > 0,
    })
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

/// Zhuyin letters: what GBK punctuation and full-width forms become when
/// read as Big5 (`，` as `ㄛ`), and rare in Chinese text, though Taiwanese
/// pages use a few (`ㄧ` for `一`), so a repair may keep them.
fn is_bopomofo(c: char) -> bool {
    ('\u{3100}'..='\u{312F}').contains(&c)
}

/// CJK punctuation and full-width forms, at home in Chinese text.
fn is_cjk_punctuation(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x00B7 | 0x2014 | 0x2018..=0x201D | 0x2026)
}

fn is_common(c: char, tables: &ScriptTables) -> bool {
    freq::is_common(tables.simplified(c).unwrap_or(c))
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
    if han == 0 && full_width_only(text) {
        return matches!(before, Evidence::Symbols | Evidence::ExactUtf8).then_some(1.0);
    }
    let frequent_enough = match before {
        Evidence::Symbols => han >= 2 && share >= MIN_PLAIN_SHARE,
        Evidence::ExactUtf8 => han >= 2,
        Evidence::RareIdeographs(before) => {
            han >= MIN_HAN && share >= MIN_COMMON_SHARE.min(before + MIN_SHARE_GAIN)
        }
        // Characters that made no words must now make words; with mojibake
        // symbols gone besides, fewer will do (short lines).
        Evidence::NoWords { symbols } => {
            let (pairs, words) = word_pairs(text, tables);
            let word_share = words as f64 / pairs.max(1) as f64;
            let needed = if symbols { 1 } else { MIN_WORDS };
            words >= needed && word_share >= MIN_WORD_SHARE
        }
    };
    (frequent_enough && other_share <= MAX_OTHER_SHARE).then_some(share)
}

/// Whether `text` is made of full-width forms and CJK punctuation, four or
/// more (a line of full-width digits), besides ASCII.
fn full_width_only(text: &str) -> bool {
    let mut count = 0;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if !is_cjk_punctuation(c) {
            return false;
        }
        count += 1;
    }
    count >= 4
}

/// The common share of `candidate`, a reading of `line` from one legacy
/// encoding into the other, if it is clearly more plausible Chinese than
/// `line`: by at least [`MIN_GAIN`] (see [`plausibility`]), or for a line
/// of fewer than [`MIN_HAN`] ideographs by [`MIN_GAIN_SHORT`] and with
/// [`MIN_WORDS`] words; keeping the line's Chinese punctuation, with no
/// mojibake symbols and few other ones. Both readings are real characters, often
/// common ones, so commonness alone cannot tell them apart; words can.
fn more_plausible(candidate: &str, line: &str, tables: &ScriptTables) -> Option<f64> {
    if full_width_only(candidate) {
        return plain_chinese(candidate, Evidence::Symbols, tables);
    }
    let share = plain_chinese(candidate, Evidence::ExactUtf8, tables)?;
    let reading = plausibility(candidate, tables)?;
    let gain = reading.score - plausibility(line, tables)?.score;
    let (gain_needed, words_needed) = if reading.han >= MIN_HAN {
        (MIN_GAIN, 0)
    } else {
        (MIN_GAIN_SHORT, MIN_WORDS)
    };
    let words = reading.words;
    // Chinese punctuation in the line that the reading turns into something
    // else was genuine: mojibake of it is symbols, not `，` and `。`.
    let kept_punctuation = punctuation(candidate) >= punctuation(line);
    (kept_punctuation && words >= words_needed && gain >= gain_needed).then_some(share)
}

/// How many marks of Chinese punctuation `text` has.
fn punctuation(text: &str) -> usize {
    text.chars()
        .filter(|c| "，。、；：？！（）「」『』《》“”".contains(*c))
        .count()
}

/// How much `text` reads like Chinese: the mean of log10(count + 10) over
/// its ideographs (`freq::count` of their Simplified forms: 1 to about 6),
/// plus up to 4 for the share of neighbouring ideographs that make words,
/// plus 0.5 for each of its first four words. `None` without ideographs.
fn plausibility(text: &str, tables: &ScriptTables) -> Option<Plausibility> {
    let (mut han, mut sum) = (0usize, 0.0);
    for c in text.chars().filter(|&c| is_han(c)) {
        han += 1;
        sum += ((freq::count(tables.simplified(c).unwrap_or(c)) + 10) as f64).log10();
    }
    if han == 0 {
        return None;
    }
    let (pairs, words) = word_pairs(text, tables);
    let word_share = words as f64 / pairs.max(1) as f64;
    Some(Plausibility {
        score: sum / han as f64 + 4.0 * word_share + 0.5 * words.min(4) as f64,
        han,
        words,
    })
}

/// What [`plausibility`] weighed: the score, and the ideographs and words
/// it counted.
struct Plausibility {
    score: f64,
    han: usize,
    words: usize,
}

/// `line` encoded with `wrong` and decoded with `right`, if both are exact.
fn reencode(line: &str, wrong: &'static Encoding, right: &'static Encoding) -> Option<String> {
    // Genuine text fails within a few characters: look at its first one,
    // then at its start.
    if right == UTF_8 && wrong != WINDOWS_1252 {
        let first = line.chars().find(|c| !c.is_ascii())?;
        if !starts_utf8(first, wrong) {
            return None;
        }
    }
    if wrong != WINDOWS_1252 {
        let head_end = line.char_indices().nth(16).map_or(line.len(), |(i, _)| i);
        if head_end < line.len() {
            let (head, _, unmappable) = wrong.encode(&line[..head_end]);
            // Big5's Hong Kong extensions are encoded by `big5_bytes` only.
            if unmappable && wrong != BIG5 || !reads_as(&head, right) {
                return None;
            }
        }
    }
    let bytes = if wrong == WINDOWS_1252 {
        latin_bytes(line)?
    } else {
        let (bytes, _, unmappable) = wrong.encode(line);
        match (unmappable, wrong == BIG5) {
            (false, _) => bytes.into_owned(),
            (true, true) => big5_bytes(line)?,
            (true, false) => return None,
        }
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

/// Whether `bytes`, the start of a text, decode as `encoding` without a
/// malformed sequence (one cut off at the end is not).
fn reads_as(bytes: &[u8], encoding: &'static Encoding) -> bool {
    if encoding == UTF_8 {
        return !std::str::from_utf8(bytes).is_err_and(|e| e.error_len().is_some());
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() * 2);
    let (result, _) = decoder.decode_to_string_without_replacement(bytes, &mut text, false);
    !matches!(result, encoding_rs::DecoderResult::Malformed(..))
}

/// The Big5 bytes a Big5 reading turned into `line`, including those of
/// the Hong Kong extensions (lead bytes 0x81 to 0xA0), which a Big5 decoder
/// reads but the standard encoder leaves out: GBK text read as Big5 is full
/// of them.
fn big5_bytes(line: &str) -> Option<Vec<u8>> {
    static EXTENSIONS: OnceLock<IntMap<char, [u8; 2]>> = OnceLock::new();
    let extensions = EXTENSIONS.get_or_init(|| {
        let mut map = IntMap::default();
        for lead in 0x81..=0xA0u8 {
            for trail in (0x40..=0x7Eu8).chain(0xA1..=0xFE) {
                if let Some(c) = pair_char(BIG5, [lead, trail]) {
                    map.entry(c).or_insert([lead, trail]);
                }
            }
        }
        map
    });
    let mut bytes = Vec::with_capacity(line.len());
    let mut buffer = [0u8; 4];
    for c in line.chars() {
        let (encoded, _, unmappable) = BIG5.encode(c.encode_utf8(&mut buffer));
        if !unmappable {
            bytes.extend_from_slice(&encoded);
        } else {
            bytes.extend_from_slice(extensions.get(&c)?);
        }
    }
    Some(bytes)
}

/// The one character two bytes make in `encoding`, if they make one.
fn pair_char(encoding: &'static Encoding, pair: [u8; 2]) -> Option<char> {
    let (text, malformed) = encoding.decode_without_bom_handling(&pair);
    let mut chars = text.chars();
    match (malformed, chars.next(), chars.next()) {
        (false, Some(c), None) => Some(c),
        _ => None,
    }
}

/// Runs of `锟斤拷` and of U+FFFD in `text`.
fn irreparable_runs(text: &str) -> usize {
    let bytes = text.as_bytes();
    let finder = |needle: &str| memchr::memmem::find(bytes, needle.as_bytes()).is_some();
    if !finder("锟") && !finder("\u{FFFD}") {
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

    #[test]
    fn counts_irreparable_runs() {
        let (_, counts) = repair("锟斤拷锟斤拷好\u{FFFD}\u{FFFD}的");
        assert_eq!(counts.irreparable, 3);
    }
}
