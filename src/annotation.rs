//! Stage 4: strip pinyin that a broken converter appended to characters.
//!
//! Spam-site converters write the reading of some characters after them in
//! parentheses: `發(fā)展`, `區(qū)`, even inside real parentheses:
//! `村(社區(qū))`. An annotation is recognised by its shape (one Han character,
//! `(` or `（`, one lower-case pinyin syllable with tone marks, a tone number
//! or no tone, optional blanks, `)` or `）`) and then *verified*: the syllable
//! must be a reading of that character, any of its readings (converters
//! ignore context), or of its Simplified form. Readings come from the
//! `pinyin` crate's table, which is built from the Unihan and pinyin-data
//! databases and covers Traditional characters.
//!
//! Verification is what keeps real parentheses safe: `(試行)`, `(兼)`,
//! `(see below)`, `Fe(OH)3` never look like a reading, and a capitalised
//! name (`王(Wang)`) is not taken for an annotation. What is not yet handled:
//! a document-level decision to leave language-teaching pages alone, and
//! annotations cut off at the end of a text.

use pinyin::ToPinyinMulti;
use serde::Serialize;

use crate::script::{is_han, ScriptTables};

/// What the annotation stage did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AnnotationCounts {
    /// Annotations removed: the syllable was a reading of the character.
    pub stripped: usize,
    /// Syllable-shaped parentheses kept because the syllable is not a
    /// reading of the character before them.
    pub unverified: usize,
}

/// The longest syllable inside an annotation, in characters (`zhuang` + tone).
const MAX_SYLLABLE: usize = 7;

/// Removes verified pinyin annotations from `text`.
pub fn strip(text: &str) -> (String, AnnotationCounts) {
    let tables = ScriptTables::get();
    let mut counts = AnnotationCounts::default();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices();
    while let Some((i, c)) = iter.next() {
        if matches!(c, '(' | '（') {
            if let Some(han) = prev.filter(|&p| is_han(p)) {
                if let Some((len, syllable)) = parse_annotation(&text[i..]) {
                    if is_reading(han, &syllable, tables) {
                        out.push_str(&text[copied..i]);
                        copied = i + len;
                        counts.stripped += 1;
                        // Skip the annotation; the character before stays `prev`.
                        while iter.offset() < copied {
                            iter.next();
                        }
                        continue;
                    }
                    counts.unverified += 1;
                }
            }
        }
        prev = Some(c);
    }
    out.push_str(&text[copied..]);
    (out, counts)
}

/// A pinyin syllable reduced to plain letters (`ü` as `v`) and its tone
/// (1 to 4, 0 for neutral; `None` when the annotation gives no tone).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Syllable {
    letters: String,
    tone: Option<u8>,
}

/// Parses `(syllable)` at the start of `text`: its byte length and syllable.
fn parse_annotation(text: &str) -> Option<(usize, Syllable)> {
    let mut chars = text.char_indices();
    chars.next(); // the opening parenthesis
    let mut raw = String::new();
    for (i, c) in chars {
        match c {
            ')' | '）' => {
                let syllable = parse_syllable(raw.trim_end_matches(' '))?;
                return Some((i + c.len_utf8(), syllable));
            }
            _ if raw.chars().count() > MAX_SYLLABLE + 1 => return None,
            _ => raw.push(c),
        }
    }
    None
}

fn parse_syllable(raw: &str) -> Option<Syllable> {
    let first = raw.chars().next()?;
    if !first.is_lowercase() {
        return None;
    }
    let mut letters = String::with_capacity(raw.len());
    let mut tone = None;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(digit) = c.to_digit(10) {
            if chars.peek().is_some() || !(1..=5).contains(&digit) || tone.is_some() {
                return None;
            }
            tone = Some((digit % 5) as u8);
            continue;
        }
        let (base, mark) = split_tone(c)?;
        if mark.is_some() {
            if tone.is_some() {
                return None;
            }
            tone = mark;
        }
        letters.push(base);
    }
    if letters.is_empty() || letters.chars().count() > MAX_SYLLABLE - 1 {
        return None;
    }
    Some(Syllable { letters, tone })
}

/// A pinyin letter as its base letter and tone mark, if any.
fn split_tone(c: char) -> Option<(char, Option<u8>)> {
    const MARKED: [(char, [char; 4]); 7] = [
        ('a', ['ā', 'á', 'ǎ', 'à']),
        ('e', ['ē', 'é', 'ě', 'è']),
        ('i', ['ī', 'í', 'ǐ', 'ì']),
        ('o', ['ō', 'ó', 'ǒ', 'ò']),
        ('u', ['ū', 'ú', 'ǔ', 'ù']),
        ('v', ['ǖ', 'ǘ', 'ǚ', 'ǜ']),
        ('n', ['ń', 'ň', 'ǹ', 'ǹ']),
    ];
    match c {
        'a'..='z' => Some((c, None)),
        'ü' => Some(('v', None)),
        'ê' => Some(('e', None)),
        'ḿ' => Some(('m', Some(2))),
        _ => MARKED.iter().find_map(|(base, marks)| {
            marks
                .iter()
                .position(|&m| m == c)
                .map(|i| (*base, Some(i as u8 + 1)))
        }),
    }
}

/// Whether `syllable` is a reading of `han` or of its Simplified form.
fn is_reading(han: char, syllable: &Syllable, tables: &ScriptTables) -> bool {
    let matches = |c: char| {
        c.to_pinyin_multi().is_some_and(|readings| {
            readings.into_iter().any(|reading| {
                parse_reading(reading.with_tone()).is_some_and(|r| {
                    r.letters == syllable.letters && syllable.tone.is_none_or(|t| r.tone == Some(t))
                })
            })
        })
    };
    matches(han) || tables.simplified(han).is_some_and(matches)
}

/// A reading from the `pinyin` table; unmarked readings are neutral tone.
fn parse_reading(reading: &str) -> Option<Syllable> {
    let mut syllable = parse_syllable(reading)?;
    syllable.tone.get_or_insert(0);
    Some(syllable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped(text: &str) -> String {
        strip(text).0
    }

    #[test]
    fn strips_verified_annotations() {
        assert_eq!(stripped("發(fā)展"), "發展");
        assert_eq!(stripped("涪陵區(qū)殘聯(lián)"), "涪陵區殘聯");
        assert_eq!(stripped("村(社區(qū))殘協(xié)"), "村(社區)殘協");
        assert_eq!(stripped("會(huì )議"), "會議");
        assert_eq!(stripped("發（fā）展"), "發展");
        assert_eq!(stripped("發(fa1)展"), "發展");
        assert_eq!(stripped("綠(lv4)色"), "綠色");
        assert_eq!(stripped("長(zhǎng)長的"), "長長的");
    }

    #[test]
    fn keeps_real_parentheses() {
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
        ] {
            assert_eq!(stripped(text), text, "{text}");
        }
    }

    #[test]
    fn wrong_reading_is_kept_and_counted() {
        let (text, counts) = strip("發(shuǐ)展");
        assert_eq!(text, "發(shuǐ)展");
        assert_eq!(
            counts,
            AnnotationCounts {
                stripped: 0,
                unverified: 1
            }
        );
    }

    #[test]
    fn syllables_parse_with_marks_numbers_and_none() {
        let s = |letters: &str, tone| {
            Some(Syllable {
                letters: letters.into(),
                tone,
            })
        };
        assert_eq!(parse_syllable("zhǎng"), s("zhang", Some(3)));
        assert_eq!(parse_syllable("lü4"), s("lv", Some(4)));
        assert_eq!(parse_syllable("de5"), s("de", Some(0)));
        assert_eq!(parse_syllable("fa"), s("fa", None));
        assert_eq!(parse_syllable("Fa"), None);
        assert_eq!(parse_syllable("f4a"), None);
    }
}
