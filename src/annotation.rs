//! Stage 4: strip pinyin that a broken converter appended to characters.
//!
//! Spam-site converters write the reading of some characters after them in
//! parentheses: `發(fā)展`, `區(qū)`, even inside real parentheses:
//! `村(社區(qū))`. An annotation is recognised by its shape and then
//! *verified*.
//!
//! **Shape.** One Han character, `(` or `（`, optional blanks, one lower-case
//! pinyin syllable (tone marks, a tone number `fa1`, or no tone; `v` or `ü`),
//! optional blanks (`會(huì )`), `)` or `）`. A syllable cut off by the end of
//! a line or of the text (`數(s`) counts too, if it begins a reading.
//!
//! **Verification.** The syllable must be a reading of that character: any of
//! its readings, since converters ignore context (`長(zhǎng)長的`), or a
//! reading of its Simplified form, since converters annotate with the
//! Simplified reading. A toneless syllable is compared without tones.
//! Readings come from the `pinyin` crate's table (Unihan and pinyin-data),
//! which covers Traditional characters. This keeps real parentheses safe:
//! `(試行)`, `(兼)`, `(see below)`, `Fe(OH)3`, `(1)` are no reading, and a
//! capitalised name (`王(Wang)`) is no annotation.
//!
//! **The document decides.** Genuine pinyin exists: pages that teach Chinese
//! gloss words (`拼音(pīn yīn)`, `你好（nǐ hǎo）`), dictionaries gloss
//! characters (`发(fā)：出发`). Injected annotations have a fingerprint of
//! their own: single syllables on single characters, and on *Traditional*
//! characters, because the broken converter annotates what it converted to
//! Traditional. In [`AnnotationMode::Auto`] (the default) a document is
//! treated as garbled when it has verified single-syllable annotations, most
//! of them on Traditional-only characters, and more of them than
//! multi-syllable word glosses; otherwise every annotation in it is kept. The
//! report says which way the document went and why.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use memchr::memmem::Finder;
use pinyin::ToPinyinMulti;
use serde::Serialize;

use crate::hash::IntMap;
use crate::script::{is_han, ScriptTables};
use crate::unicode::three_byte_at;

/// Whether annotations are stripped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum AnnotationMode {
    /// Strip when the document looks garbled (see the module docs).
    #[default]
    Auto,
    /// Strip every verified annotation.
    Strip,
    /// Strip nothing; still count.
    Keep,
}

impl AnnotationMode {
    /// The mode's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AnnotationMode::Auto => "auto",
            AnnotationMode::Strip => "strip",
            AnnotationMode::Keep => "keep",
        }
    }
}

/// What the annotation stage saw and did in one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AnnotationCounts {
    /// Annotations removed.
    pub stripped: usize,
    /// Verified single-syllable annotations found (stripped or not).
    pub verified: usize,
    /// Of those, annotations on Traditional-only characters.
    pub on_traditional: usize,
    /// Syllable-shaped parentheses whose syllable is no reading of the
    /// character before them: kept.
    pub unverified: usize,
    /// Multi-syllable pinyin glosses after Han characters (`拼音(pīn yīn)`):
    /// kept, and evidence of a page that teaches Chinese.
    pub word_glosses: usize,
    /// `strip` or `keep`: what was done with this document.
    pub decision: &'static str,
    /// Why.
    pub reason: String,
}

/// How far after the opening parenthesis a closing one is looked for: a few
/// syllables with their blanks and marks.
const MAX_INNER_BYTES: usize = 64;

/// The longest syllable, in letters (`zhuang`).
const MAX_LETTERS: usize = 6;

/// Finds the annotations in `text` and, as `mode` and the document decide,
/// removes them.
pub fn strip(text: &str, mode: AnnotationMode) -> (String, AnnotationCounts) {
    let (out, counts) = strip_cow(text, mode);
    (out.into_owned(), counts)
}

/// As [`strip`], borrowing `text` when nothing is stripped.
pub(crate) fn strip_cow(text: &str, mode: AnnotationMode) -> (Cow<'_, str>, AnnotationCounts) {
    let tables = ScriptTables::get();
    let mut counts = AnnotationCounts::default();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    VERDICTS.with_borrow_mut(|verdicts| {
        for at in openings(text) {
            if at < from {
                continue;
            }
            let rest = &text[at..];
            let Some(han) = char_before(text, at).filter(|&c| is_han(c)) else {
                continue;
            };
            let parsed = parse(rest);
            match parsed {
                Parsed::Syllable(len, written) | Parsed::CutOff(len, written) => {
                    let cut_off = matches!(parsed, Parsed::CutOff(..));
                    match verdicts.get(han, written, cut_off, tables) {
                        Some(true) => {
                            counts.verified += 1;
                            counts.on_traditional += usize::from(tables.simplified(han).is_some());
                            spans.push((at, at + len));
                            from = at + len;
                        }
                        Some(false) if !cut_off => counts.unverified += 1,
                        _ => {}
                    }
                }
                Parsed::Gloss => counts.word_glosses += 1,
                Parsed::Other => {}
            }
        }
    });

    let strip_them = match mode {
        AnnotationMode::Strip => {
            counts.reason = "--annotations strip".into();
            true
        }
        AnnotationMode::Keep => {
            counts.reason = "--annotations keep".into();
            false
        }
        AnnotationMode::Auto => decide(&mut counts),
    };
    counts.decision = if strip_them { "strip" } else { "keep" };
    if !strip_them || spans.is_empty() {
        return (Cow::Borrowed(text), counts);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end) in spans {
        out.push_str(&text[copied..start]);
        copied = end;
    }
    out.push_str(&text[copied..]);
    counts.stripped = counts.verified;
    (Cow::Owned(out), counts)
}

/// The character that ends at byte `at` of `text`: mostly one of three
/// bytes, as all of CJK but the rarest, read at once.
#[inline]
fn char_before(text: &str, at: usize) -> Option<char> {
    if let Some(start) = at.checked_sub(3) {
        if let Some(code) = three_byte_at(text, start) {
            return char::from_u32(code as u32);
        }
    }
    text[..at].chars().next_back()
}

/// The byte offsets of every `(` and `（` in `text`, in order. Each is
/// looked for with its own vectorised search: Chinese text is full of
/// other full-width punctuation, which shares the lead byte of `（`.
fn openings(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    let mut ascii = crate::byteset::positions(b'(', bytes).peekable();
    // Built once: a search's set-up costs more than a short page's search.
    static WIDE: OnceLock<Finder<'static>> = OnceLock::new();
    let wide = WIDE.get_or_init(|| Finder::new("（"));
    let mut wide = wide.find_iter(bytes).peekable();
    std::iter::from_fn(move || match (ascii.peek(), wide.peek()) {
        (Some(&a), Some(&w)) if w < a => wide.next(),
        (Some(_), _) => ascii.next(),
        (None, _) => wide.next(),
    })
}

/// The `auto` rule; fills in the reason.
fn decide(counts: &mut AnnotationCounts) -> bool {
    let AnnotationCounts {
        verified,
        on_traditional,
        word_glosses,
        ..
    } = *counts;
    let (strip, reason) = if verified == 0 {
        (false, "no annotations".to_string())
    } else if word_glosses >= verified {
        (
            false,
            format!("{word_glosses} word glosses, {verified} single-syllable annotations: a page that teaches pinyin"),
        )
    } else if 2 * on_traditional <= verified {
        (
            false,
            format!("{on_traditional} of {verified} annotations on Traditional-only characters: genuine glosses"),
        )
    } else {
        (
            true,
            format!("{on_traditional} of {verified} annotations on Traditional-only characters, {word_glosses} word glosses: injected"),
        )
    };
    counts.reason = reason;
    strip
}

/// Whether `written` is one pinyin syllable, tone marks or a digit or none.
pub(crate) fn is_syllable(written: &str) -> bool {
    parse_syllable(written).is_some()
}

/// Whether `written` is one pinyin syllable (tone marks or a digit, or
/// none) that `han` or its Simplified form is read as; `None` when
/// `written` is no syllable. The repair stage asks it of the characters an
/// annotation may have been meant for.
pub(crate) fn reads_as(han: char, written: &str, tables: &ScriptTables) -> Option<bool> {
    verdict(han, written, false, tables)
}

/// A pinyin syllable reduced to plain letters (`ü` as `v`) and its tone
/// (1 to 4, 0 for neutral; `None` when none is given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Syllable {
    letters: [u8; MAX_LETTERS],
    len: u8,
    tone: Option<u8>,
}

impl Syllable {
    fn letters(&self) -> &[u8] {
        &self.letters[..usize::from(self.len)]
    }
}

/// What follows a Han character's opening parenthesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parsed<'a> {
    /// `(syllable)`: byte length including both parentheses, and what is
    /// written between them (a syllable if [`parse_syllable`] says so).
    Syllable(usize, &'a str),
    /// `(sy` then the end of the line or text: byte length, and what is
    /// written.
    CutOff(usize, &'a str),
    /// Two or more tone-marked syllables: a word gloss.
    Gloss,
    Other,
}

/// Parses what follows at `text`, which starts with `(` or `（`.
fn parse(text: &str) -> Parsed<'_> {
    parse_short(text).unwrap_or_else(|| parse_in_full(text))
}

/// [`parse`] of any form.
fn parse_in_full(text: &str) -> Parsed<'_> {
    let open = if text.starts_with('(') {
        1
    } else {
        '（'.len_utf8()
    };
    let mut window_end = (open + MAX_INNER_BYTES).min(text.len());
    while !text.is_char_boundary(window_end) {
        window_end -= 1;
    }
    let window = &text[open..window_end];
    let close = closing(window);
    let inner = match close {
        Some(i) => &window[..i],
        None => {
            // Cut off by the end of the line or of the text?
            let line_end = window.find(['\n', '\r']);
            let ends_text = window_end == text.len();
            match line_end {
                Some(i) => &window[..i],
                None if ends_text => window,
                None => return Parsed::Other,
            }
        }
    };
    // Most hold one syllable and no space: no need to split them.
    let mut words = inner.split(' ').filter(|w| !w.is_empty());
    let (first, second) = if inner.bytes().any(|b| b == b' ') {
        (words.next(), words.next())
    } else {
        (Some(inner).filter(|w| !w.is_empty()), None)
    };
    let Some(first) = first else {
        return Parsed::Other;
    };
    match (close, second) {
        (Some(i), None) => {
            let close_len = window[i..].chars().next().map_or(1, char::len_utf8);
            Parsed::Syllable(open + i + close_len, first)
        }
        (None, None) if !inner.ends_with(' ') => Parsed::CutOff(open + inner.len(), first),
        (Some(_), Some(second)) => {
            let mut toned = false;
            for word in [first, second].into_iter().chain(words) {
                match parse_syllable(word) {
                    Some(s) => toned |= s.tone.is_some(),
                    None => return Parsed::Other,
                }
            }
            if toned {
                Parsed::Gloss
            } else {
                Parsed::Other
            }
        }
        _ => Parsed::Other,
    }
}

/// [`parse_in_full`] of the form nearly every annotation has, `(` then a
/// few bytes without a space or full-width parenthesis then `)`, found in
/// the 16 bytes after the `(` two words at a time; `None` for any other,
/// and where fewer than 16 bytes follow.
#[inline]
fn parse_short(text: &str) -> Option<Parsed<'_>> {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'(') {
        return None;
    }
    let window = bytes.get(1..17)?;
    // The high bit of each byte equal to `)`, a space or 0xEF (which
    // `（` and `）` start with), and maybe of bytes after the first such.
    let stops = |at: usize| {
        let mut word = [0; 8];
        word.copy_from_slice(&window[at..at + 8]);
        let word = u64::from_le_bytes(word);
        [b')', b' ', 0xEF].iter().fold(0, |found, &b| {
            let x = word ^ (ONES * u64::from(b));
            found | x.wrapping_sub(ONES) & !x & HIGH
        })
    };
    let found = u128::from(stops(0)) | u128::from(stops(8)) << 64;
    if found == 0 {
        return None;
    }
    let i = found.trailing_zeros() as usize / 8 + 1;
    // `i` and 1 stand after ASCII bytes: both are boundaries.
    (bytes[i] == b')' && i > 1).then(|| Parsed::Syllable(i + 1, &text[1..i]))
}

/// Where the first `)` or `）` of `window` is: a byte loop, where a search
/// for either character decodes each one.
fn closing(window: &str) -> Option<usize> {
    let bytes = window.as_bytes();
    let wide = "）".as_bytes();
    bytes
        .iter()
        .enumerate()
        .position(|(i, &b)| b == b')' || b == wide[0] && bytes[i..].starts_with(wide))
}

fn parse_syllable(raw: &str) -> Option<Syllable> {
    let first = raw.chars().next()?;
    if !first.is_lowercase() {
        return None;
    }
    let mut syllable = Syllable {
        letters: [0; MAX_LETTERS],
        len: 0,
        tone: None,
    };
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(digit) = c.to_digit(10) {
            if chars.peek().is_some() || !(1..=5).contains(&digit) || syllable.tone.is_some() {
                return None;
            }
            syllable.tone = Some((digit % 5) as u8);
            continue;
        }
        let (base, mark) = split_tone(c)?;
        if mark.is_some() {
            if syllable.tone.is_some() {
                return None;
            }
            syllable.tone = mark;
        }
        *syllable.letters.get_mut(usize::from(syllable.len))? = base;
        syllable.len += 1;
    }
    (syllable.len > 0).then_some(syllable)
}

/// A pinyin letter as its base letter and tone mark, if any.
fn split_tone(c: char) -> Option<(u8, Option<u8>)> {
    let (base, tone) = match c {
        'a'..='z' => return Some((c as u8, None)),
        'ü' => return Some((b'v', None)),
        'ê' => return Some((b'e', None)),
        'ā' => (b'a', 1),
        'á' => (b'a', 2),
        'ǎ' => (b'a', 3),
        'à' => (b'a', 4),
        'ē' => (b'e', 1),
        'é' => (b'e', 2),
        'ě' => (b'e', 3),
        'è' => (b'e', 4),
        'ī' => (b'i', 1),
        'í' => (b'i', 2),
        'ǐ' => (b'i', 3),
        'ì' => (b'i', 4),
        'ō' => (b'o', 1),
        'ó' => (b'o', 2),
        'ǒ' => (b'o', 3),
        'ò' => (b'o', 4),
        'ū' => (b'u', 1),
        'ú' => (b'u', 2),
        'ǔ' => (b'u', 3),
        'ù' => (b'u', 4),
        'ǖ' => (b'v', 1),
        'ǘ' => (b'v', 2),
        'ǚ' => (b'v', 3),
        'ǜ' => (b'v', 4),
        'ḿ' => (b'm', 2),
        'ń' => (b'n', 2),
        'ň' => (b'n', 3),
        'ǹ' => (b'n', 4),
        _ => return None,
    };
    Some((base, Some(tone)))
}

/// Whether `written` is a syllable that `han` (or its Simplified form)
/// reads as (the letters `written` begins with, when `cut_off`); `None`
/// when it is no syllable: [`Verdicts::get`] of this thread's verdicts.
fn verdict(han: char, written: &str, cut_off: bool, tables: &ScriptTables) -> Option<bool> {
    VERDICTS.with_borrow_mut(|verdicts| verdicts.get(han, written, cut_off, tables))
}

thread_local! {
    /// The verdicts known on this thread.
    static VERDICTS: RefCell<Verdicts> = RefCell::default();
}

/// Verdicts worked out, remembered: pages annotate the same few thousand
/// characters over and over, mostly with the same few syllables (the 200
/// MB benchmark dump, 3.7 million annotations, has some 1,400 pairs), so
/// each verdict on a character and a syllable is kept under one 128-bit
/// key (one look-up in one table). A page's annotations are judged with
/// the table borrowed once.
#[derive(Default)]
struct Verdicts {
    known: IntMap<u128, Option<bool>>,
}

impl Verdicts {
    /// [`verdict`], remembered.
    fn get(
        &mut self,
        han: char,
        written: &str,
        cut_off: bool,
        tables: &ScriptTables,
    ) -> Option<bool> {
        let work_out = || {
            parse_syllable(written).map(|written| {
                readings_of(han, tables)
                    .iter()
                    .any(|r| r.read_as(&written, cut_off))
            })
        };
        // What is no syllable is told as fast by parsing it.
        let Some(key) = verdict_key(han, written, cut_off) else {
            return work_out();
        };
        if let Some(&verdict) = self.known.get(&key) {
            return verdict;
        }
        let verdict = work_out();
        if verdict.is_some() {
            // A page of everything but annotations may fill it: start over.
            if self.known.len() >= MAX_VERDICTS {
                self.known.clear();
            }
            self.known.insert(key, verdict);
        }
        verdict
    }
}

/// How many verdicts a thread remembers at most.
const MAX_VERDICTS: usize = 1 << 16;

/// The key of a verdict: the syllable as written (up to 11 bytes, which
/// any syllable fits in), its length and whether it was cut off, and the
/// character, as one number; `None` for longer text, which is no syllable.
fn verdict_key(han: char, written: &str, cut_off: bool) -> Option<u128> {
    let bytes = written.as_bytes();
    let len = bytes.len();
    if len > 11 {
        return None;
    }
    // Loads of a fixed size, overlapping, put together in registers: bytes
    // stored one by one and loaded as words stall the load (and a copy of a
    // length not known would be a call to `memcpy`).
    let word = |at: usize, width: usize| -> u128 {
        let mut buffer = [0; 8];
        buffer[..width].copy_from_slice(&bytes[at..at + width]);
        u128::from(u64::from_le_bytes(buffer)) << (8 * at)
    };
    let text = match len {
        8.. => word(0, 8) | word(len - 8, 8),
        4.. => word(0, 4) | word(len - 4, 4),
        // One to three bytes: the first, middle and last are all.
        1.. => word(0, 1) | word(len / 2, 1) | word(len - 1, 1),
        0 => 0,
    };
    let flags = u128::from(u8::from(cut_off) | (len as u8) << 1);
    Some(text | flags << 88 | u128::from(u32::from(han)) << 96)
}

/// Every reading of `han` and of its Simplified form, from the `pinyin`
/// crate's table (a reading without a tone mark is neutral, tone 0).
fn readings_of(han: char, tables: &ScriptTables) -> Box<[Syllable]> {
    std::iter::once(han)
        .chain(tables.simplified(han))
        .filter_map(|c| c.to_pinyin_multi())
        .flat_map(|multi| multi.into_iter())
        .filter_map(|reading| parse_syllable(reading.with_tone()))
        .map(|mut reading| {
            reading.tone.get_or_insert(0);
            reading
        })
        .collect()
}

impl Syllable {
    /// Whether this reading is what an annotation `written` says: the same
    /// letters (or, `cut_off`, beginning with them) and the same tone when
    /// the annotation gives one.
    fn read_as(&self, written: &Syllable, cut_off: bool) -> bool {
        let letters = if cut_off {
            self.letters().starts_with(written.letters())
        } else {
            self.letters() == written.letters()
        };
        letters && written.tone.is_none_or(|t| Some(t) == self.tone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key holds the syllable's bytes, zeros after them, its length and
    /// cut-off flag, and the character: keys of different syllables or
    /// characters differ.
    #[test]
    fn verdict_keys_hold_the_syllable_and_character() {
        let text = "zhuàngfā1qü234567";
        for han in ['發', '𠀀'] {
            for start in 0..text.len() {
                for end in start..=text.len() {
                    let Some(written) = text.get(start..end) else {
                        continue;
                    };
                    for cut_off in [false, true] {
                        let key = verdict_key(han, written, cut_off);
                        let len = written.len();
                        if len > 11 {
                            assert_eq!(key, None);
                            continue;
                        }
                        let key = key.unwrap().to_le_bytes();
                        assert_eq!(&key[..len], written.as_bytes(), "{written}");
                        assert!(key[len..11].iter().all(|&b| b == 0), "{written}");
                        assert_eq!(key[11], u8::from(cut_off) | (len as u8) << 1);
                        assert_eq!(key[12..], u32::from(han).to_le_bytes());
                    }
                }
            }
        }
    }

    /// A verdict remembered is the one worked out: every character of the
    /// seed page with syllables right and wrong, whole and cut off, long
    /// and not syllables at all, asked twice, past the verdicts kept.
    #[test]
    fn verdicts_remembered_are_those_worked_out() {
        let tables = ScriptTables::get();
        let direct = |han: char, written: &str, cut_off: bool| {
            parse_syllable(written).map(|w| {
                readings_of(han, tables)
                    .iter()
                    .any(|r| r.read_as(&w, cut_off))
            })
        };
        let seed = include_str!("../data/examples/seed-page.txt");
        let mut hans: Vec<char> = seed.chars().filter(|&c| is_han(c)).collect();
        hans.sort_unstable();
        hans.dedup();
        let written = [
            "fā",
            "fa1",
            "fa",
            "f",
            "qū",
            "qu4",
            "zhuàng",
            "zh",
            "lü",
            "xyz",
            "Fa",
            "",
            "fāfāfāfāfāfāfā",
        ];
        let (mut read, mut asked) = (0, 0);
        for _ in 0..2 {
            for &han in &hans {
                for written in written {
                    for cut_off in [false, true] {
                        let expected = direct(han, written, cut_off);
                        assert_eq!(
                            verdict(han, written, cut_off, tables),
                            expected,
                            "{han} {written}"
                        );
                        read += usize::from(expected == Some(true));
                        asked += 1;
                    }
                }
            }
        }
        assert!(
            hans.len() > 300 && read > 50,
            "{} {read} of {asked}",
            hans.len()
        );
    }

    fn stripped(text: &str) -> String {
        strip(text, AnnotationMode::Strip).0
    }

    fn auto(text: &str) -> (String, AnnotationCounts) {
        strip(text, AnnotationMode::Auto)
    }

    #[test]
    fn every_form_is_stripped() {
        for (garbled, clean) in [
            ("發(fā)展", "發展"),
            ("涪陵區(qū)殘聯(lián)", "涪陵區殘聯"),
            ("村(社區(qū))殘協(xié)", "村(社區)殘協"),
            ("會(huì )議", "會議"),
            ("會( huì )議", "會議"),
            ("發（fā）展", "發展"),
            ("發（fā ）展", "發展"),
            ("發(fa1)展", "發展"),
            ("發(fa)展", "發展"),
            ("綠(lv4)色", "綠色"),
            ("綠(lǜ)色", "綠色"),
            ("長(zhǎng)長的", "長長的"),
            ("隨著(zhù)", "隨著"),
            ("有效銜接的數(s", "有效銜接的數"),
            ("數(shù\n下一行", "數\n下一行"),
        ] {
            assert_eq!(stripped(garbled), clean, "{garbled}");
        }
    }

    #[test]
    fn real_parentheses_and_foreign_text_survive() {
        for text in [
            "細則(試行)",
            "專(兼)職",
            "鄉鎮(街道)",
            "Fe(OH)3",
            "長(see below)",
            "王小明(Wang Xiaoming)",
            "王(Wang)",
            "第(1)條",
            "發(xyz)",
            "發(shuǐ)展",
            "數(xyz",
            "數(s) 無",
        ] {
            assert_eq!(stripped(text), text, "{text}");
        }
    }

    #[test]
    fn a_wrong_reading_is_counted_and_kept() {
        let (text, counts) = strip("發(shuǐ)展", AnnotationMode::Strip);
        assert_eq!(text, "發(shuǐ)展");
        assert_eq!((counts.stripped, counts.unverified), (0, 1));
    }

    #[test]
    fn auto_strips_an_injected_page_even_with_two_annotations() {
        let page = "過去五年,涪陵區(qū)殘疾人事業實現持續健康發(fā)展。";
        let (text, counts) = auto(page);
        assert_eq!(text, "過去五年,涪陵區殘疾人事業實現持續健康發展。");
        assert_eq!(counts.decision, "strip");
        assert_eq!((counts.verified, counts.on_traditional), (2, 2));
    }

    #[test]
    fn auto_keeps_a_page_that_teaches_pinyin() {
        let page = "今天我们学习拼音(pīn yīn)。你好（nǐ hǎo）是问候语，谢谢(xiè xie)表示感谢。\
                    “好(hǎo)”是形容词，“学(xué)”是动词。";
        let (text, counts) = auto(page);
        assert_eq!(text, page);
        assert_eq!(counts.decision, "keep");
        assert_eq!(counts.word_glosses, 3);
        assert_eq!(counts.verified, 2);
    }

    #[test]
    fn auto_keeps_a_dictionary_line() {
        let line = "发(fā)：出发，发展，发现。";
        let (text, counts) = auto(line);
        assert_eq!(text, line);
        assert_eq!(counts.decision, "keep");
        assert!(counts.reason.contains("0 of 1"), "{}", counts.reason);
    }

    #[test]
    fn keep_mode_keeps_and_counts() {
        let (text, counts) = strip("發(fā)展", AnnotationMode::Keep);
        assert_eq!(text, "發(fā)展");
        assert_eq!(
            (counts.verified, counts.stripped, counts.decision),
            (1, 0, "keep")
        );
    }

    /// The short way reads what it reads as the full one does: every
    /// opening of the seed page and the labelled corpus, and forms made to
    /// sit on its edges.
    #[test]
    fn short_parse_agrees_with_full_parse() {
        let seed = include_str!("../data/examples/seed-page.txt");
        let labelled = include_str!("../tests/data/spam/labelled.txt");
        let mut forms: Vec<String> = Vec::new();
        for inner in [
            "",
            "a",
            "fā",
            "zhuàng",
            "a b",
            "fā）",
            "（",
            "x\n",
            "abcdefghijklmnop",
        ] {
            for close in [")", "）", " )", "\n", ""] {
                for open in ["(", "（"] {
                    forms.push(format!("{open}{inner}{close}後面還有幾個字"));
                    forms.push(format!("{open}{inner}{close}"));
                }
            }
        }
        // Each opening read in place, with the rest of its text after it.
        let texts = [seed, labelled]
            .into_iter()
            .flat_map(|text| openings(text).map(move |at| &text[at..]))
            .chain(forms.iter().map(String::as_str));
        let (mut short, mut edges, mut all) = (0, 0, 0);
        for text in texts {
            all += 1;
            if let Some(parsed) = parse_short(text) {
                assert_eq!(parsed, parse_in_full(text), "{text:?}");
                short += 1;
                edges += usize::from(text.ends_with("幾個字"));
            }
        }
        assert!(short >= 300 && edges >= 4, "{short} {edges} of {all}");
    }

    #[test]
    fn syllables_parse_with_marks_numbers_and_none() {
        let s = |letters: &str, tone| {
            let mut syllable = Syllable {
                letters: [0; MAX_LETTERS],
                len: letters.len() as u8,
                tone,
            };
            syllable.letters[..letters.len()].copy_from_slice(letters.as_bytes());
            Some(syllable)
        };
        assert_eq!(parse_syllable("zhǎng"), s("zhang", Some(3)));
        assert_eq!(parse_syllable("lü4"), s("lv", Some(4)));
        assert_eq!(parse_syllable("de5"), s("de", Some(0)));
        assert_eq!(parse_syllable("fa"), s("fa", None));
        assert_eq!(parse_syllable("Fa"), None);
        assert_eq!(parse_syllable("f4a"), None);
        assert_eq!(parse_syllable("zhuangg"), None);
        // 嗯: the marks on n are the second to fourth tones, as digits say.
        assert_eq!(parse_syllable("ń"), parse_syllable("n2"));
        assert_eq!(parse_syllable("ǹ"), s("n", Some(4)));
        assert_eq!(parse_syllable("ḿ"), s("m", Some(2)));
    }
}
