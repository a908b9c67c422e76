//! How much a text reads like Chinese, and whether it looks garbled.
//!
//! Mojibake of Chinese is often made of real characters, so the measures
//! are statistical: how common the ideographs are (`freq::count`), and how
//! many neighbouring pairs of them make words (`freq::is_word_pair`: pairs
//! from jieba's word list and Cantonese sentences). Real text has a third
//! to a half of its pairs in words; text read with the wrong legacy
//! encoding almost none. Symbols that mojibake leaves and Chinese has no use
//! for (Latin-1 letters that are not pinyin, private-use characters, box
//! drawing, kana, zhuyin, Greek and Cyrillic) are evidence of their own.

use std::sync::OnceLock;

use super::MIN_HAN;
use crate::freq;
use crate::script::{is_han, ScriptTables};
use crate::unicode::{char_at, three_byte_at};

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
/// Below this share of common ideographs, text is still garbled.
const MIN_PLAIN_SHARE: f64 = 0.5;
/// Share of a repaired line's ideographs that must be common ones, unless
/// it gains [`MIN_SHARE_GAIN`] over the garbled line.
const MIN_COMMON_SHARE: f64 = 0.8;
/// A repair of rare ideographs must raise the share of common ones by this.
const MIN_SHARE_GAIN: f64 = 0.25;
/// Share of a repaired line's non-ASCII characters that may be other than
/// ideographs (punctuation, symbols).
pub(super) const MAX_OTHER_SHARE: f64 = 0.25;

/// Whether `line` holds a run of words ([`WORD_RUN`] word pairs in a row)
/// that a whole-line repair would destroy: mojibake inside good text is
/// left for a finer repair.
pub(super) fn has_word_run(line: &str, tables: &ScriptTables) -> bool {
    let mut run = 0;
    for pair in neighbour_pairs(line, tables) {
        run = if pair == Some(true) { run + 1 } else { 0 };
        if run >= WORD_RUN {
            return true;
        }
    }
    false
}

/// Whether `text` makes as few words as garbled text does: at most
/// [`MAX_GARBLED_WORD_SHARE`] of its pairs of neighbouring ideographs make
/// words (so text without such pairs does).
pub(super) fn makes_few_words(text: &str, tables: &ScriptTables) -> bool {
    let (pairs, words) = word_pairs(text, tables);
    words as f64 <= MAX_GARBLED_WORD_SHARE * pairs as f64
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
    let classes = char_classes(tables);
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut previous = None;
    std::iter::from_fn(move || loop {
        if at >= bytes.len() {
            return None;
        }
        let (code, class) = match three_byte_at(text, at) {
            Some(code) => {
                at += 3;
                (code as u32, classes[code])
            }
            None => {
                let (code, len) = char_at(text, at);
                at += len;
                (code, class_at(classes, code, tables))
            }
        };
        if class & BLANK != 0 {
            continue;
        }
        let c = (class & HAN != 0)
            .then(|| char::from_u32(code))
            .flatten()
            .map(|c| tables.simplified(c).unwrap_or(c));
        let pair = previous.zip(c).map(|(a, b)| freq::is_word_pair(a, b));
        previous = c;
        return Some(pair);
    })
}

/// What makes a line look garbled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Evidence {
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
pub(super) fn evidence(line: &str, tables: &ScriptTables) -> Option<Evidence> {
    let (han, common, symbols) = class_counts(line, tables);
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

/// The [`evidence`] that `line` is mojibake to repair as a whole: none
/// where it holds a run of words (see [`has_word_run`]), since a whole-line
/// repair would destroy good text around a garbled island. The same answer
/// as both, found sooner: one look-up a character settles most lines, and
/// the walk over pairs of ideographs stops as soon as they make too many
/// words for mojibake.
pub(super) fn suspect(line: &str, tables: &ScriptTables) -> Option<Evidence> {
    let (han, common, symbols) = class_counts(line, tables);
    let mostly_rare = common * 2 < han.max(1);
    if mostly_rare && (symbols > 0 || han > 0) {
        let evidence = if symbols > 0 {
            Evidence::Symbols
        } else {
            Evidence::RareIdeographs(common as f64 / han as f64)
        };
        return (!has_word_run(line, tables)).then_some(evidence);
    }
    if symbols == 0 && common == han {
        return None;
    }
    // Words only add up: past this many, the line is no mojibake however
    // many pairs it has.
    let too_many_words = MAX_GARBLED_WORD_SHARE * han.saturating_sub(1) as f64;
    let (mut pairs, mut words, mut row) = (0usize, 0usize, 0usize);
    for pair in neighbour_pairs(line, tables) {
        row = if pair == Some(true) { row + 1 } else { 0 };
        if row >= WORD_RUN {
            return None;
        }
        if let Some(word) = pair {
            pairs += 1;
            words += usize::from(word);
            if symbols == 0 && words as f64 > too_many_words {
                return None;
            }
        }
    }
    let no_words = pairs > MIN_WORDS && words as f64 <= MAX_GARBLED_WORD_SHARE * pairs as f64;
    (no_words || symbols > 0).then_some(Evidence::NoWords {
        symbols: symbols > 0,
    })
}

/// How many ideographs `line` has, how many of them common, and how many
/// mojibake symbols.
fn class_counts(line: &str, tables: &ScriptTables) -> (usize, usize, usize) {
    // The three counts in fields of one word, added in one go.
    const FIELD: u32 = 21;
    const SPREAD: [u64; 8] = {
        let mut spread = [0; 8];
        let mut class = 0;
        while class < 8 {
            spread[class] = (class as u64 & 1)
                | ((class as u64 >> 1 & 1) << FIELD)
                | ((class as u64 >> 2 & 1) << (2 * FIELD));
            class += 1;
        }
        spread
    };
    let classes = char_classes(tables);
    let spread = |class: u8| SPREAD[usize::from(class & 7)];
    let (mut han, mut common, mut symbols) = (0, 0, 0);
    let mut at = 0;
    while at < line.len() {
        // Fewer characters than a field holds, then spilled.
        let stretch = line.len().min(at + (1 << (FIELD - 1)));
        let mut packed = 0u64;
        while at < stretch {
            let class = match three_byte_at(line, at) {
                Some(code) => {
                    at += 3;
                    classes[code]
                }
                None => {
                    let (code, len) = char_at(line, at);
                    at += len;
                    class_at(classes, code, tables)
                }
            };
            packed += spread(class);
        }
        let field = |i: u32| (packed >> (i * FIELD)) as usize & ((1 << FIELD) - 1);
        han += field(0);
        common += field(1);
        symbols += field(2);
    }
    (han, common, symbols)
}

/// Bits of [`char_classes`].
const HAN: u8 = 1;
const COMMON: u8 = 2;
const SYMBOL: u8 = 4;
/// White space, which [`neighbour_pairs`] looks past.
const BLANK: u8 = 8;

/// What [`evidence`] asks of each character of the Basic Multilingual
/// Plane: an ideograph, a common one, a mojibake symbol or zhuyin, or
/// white space.
fn char_classes(tables: &ScriptTables) -> &'static [u8; 0x10000] {
    static CLASSES: OnceLock<Box<[u8; 0x10000]>> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let mut classes = Box::new([0; 0x10000]);
        for (code, class) in (0..).zip(classes.iter_mut()) {
            *class = char::from_u32(code).map_or(0, |c| class_of(c, tables));
        }
        classes
    })
}

/// The class of the character `code`, from the table in the Basic
/// Multilingual Plane.
#[inline(always)]
fn class_at(classes: &[u8], code: u32, tables: &ScriptTables) -> u8 {
    match classes.get(code as usize) {
        Some(&class) => class,
        None => char::from_u32(code).map_or(0, |c| class_of(c, tables)),
    }
}

fn class_of(c: char, tables: &ScriptTables) -> u8 {
    let blank = if c.is_whitespace() { BLANK } else { 0 };
    blank
        | if is_han(c) {
            HAN | if is_common(c, tables) { COMMON } else { 0 }
        } else if is_mojibake_symbol(c) || is_bopomofo(c) {
            SYMBOL
        } else {
            0
        }
}

pub(super) fn is_mojibake_symbol(c: char) -> bool {
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
pub(super) fn is_bopomofo(c: char) -> bool {
    ('\u{3100}'..='\u{312F}').contains(&c)
}

/// CJK punctuation and full-width forms, at home in Chinese text.
pub(super) fn is_cjk_punctuation(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x00B7 | 0x2014 | 0x2018..=0x201D | 0x2026)
}

fn is_common(c: char, tables: &ScriptTables) -> bool {
    freq::is_common(tables.simplified(c).unwrap_or(c))
}

/// How plainly `text` reads as Chinese (the share of common ideographs),
/// or `None` when it does not: too few ideographs, too many of them rare
/// (compared with the garbled line, when that was rare ideographs), too
/// many other symbols, or any replacement or private-use character.
pub(super) fn plain_chinese(text: &str, before: Evidence, tables: &ScriptTables) -> Option<f64> {
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
pub(super) fn full_width_only(text: &str) -> bool {
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
pub(super) fn more_plausible(candidate: &str, line: &str, tables: &ScriptTables) -> Option<f64> {
    if full_width_only(candidate) {
        return plain_chinese(candidate, Evidence::Symbols, tables);
    }
    let share = plain_chinese(candidate, Evidence::ExactUtf8, tables)?;
    let reading = plausibility(candidate, tables)?;
    // A line read the wrong way may hold no ideographs at all (Big5 read as
    // GBK is often private-use characters).
    let gain = reading.score - plausibility(line, tables).map_or(0.0, |p| p.score);
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
pub(super) fn punctuation(text: &str) -> usize {
    text.chars()
        .filter(|c| "，。、；：？！（）「」『』《》“”".contains(*c))
        .count()
}

/// How much `text` reads like Chinese: the mean of log10(count + 10) over
/// its ideographs (`freq::count` of their Simplified forms: 1 to about 6),
/// plus up to 4 for the share of neighbouring ideographs that make words,
/// plus 0.5 for each of its first four words. `None` without ideographs.
pub(super) fn plausibility(text: &str, tables: &ScriptTables) -> Option<Plausibility> {
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
pub(super) struct Plausibility {
    pub(super) score: f64,
    han: usize,
    words: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{BIG5, GBK, UTF_8};

    /// The counts are of ideographs, common ones, and mojibake symbols or
    /// zhuyin, and those that outgrow a field of the packed counters are
    /// spilled.
    #[test]
    fn class_counts_outgrow_their_fields() {
        let tables = ScriptTables::get();
        let line = "重要的是齾¤ㄛ a".repeat(600_000);
        let count = |f: fn(char) -> bool| line.chars().filter(|&c| f(c)).count();
        let han = count(is_han);
        let common = count(|c| is_han(c) && is_common(c, ScriptTables::get()));
        let symbols = count(|c| is_mojibake_symbol(c) || is_bopomofo(c));
        assert!(han > 1 << 21 && common > 1 << 21 && symbols > 0);
        assert_eq!(class_counts(&line, tables), (han, common, symbols));
    }

    /// `suspect` is `evidence` where there is no run of words: checked on
    /// real lines, clean and garbled each way between GBK, Big5 and UTF-8.
    #[test]
    fn suspect_is_evidence_without_a_run_of_words() {
        let tables = ScriptTables::get();
        let corpus = include_str!("../../tests/data/spam/labelled.txt");
        let seed = include_str!("../../data/examples/seed-page.txt");
        let lines = corpus
            .lines()
            .filter_map(|line| line.split_once('\t').map(|(_, text)| text))
            .chain(seed.lines());
        let mut checked = 0;
        for line in lines {
            let garbled = [(GBK, UTF_8), (BIG5, GBK), (GBK, BIG5)].map(|(wrong, right)| {
                let (bytes, _, _) = right.encode(line);
                wrong.decode_without_bom_handling(&bytes).0.into_owned()
            });
            for text in std::iter::once(line.to_string()).chain(garbled) {
                let expected = if has_word_run(&text, tables) {
                    None
                } else {
                    evidence(&text, tables)
                };
                assert_eq!(suspect(&text, tables), expected, "{text}");
                checked += 1;
            }
        }
        assert!(checked > 20_000, "{checked}");
    }
}
