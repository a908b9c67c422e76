//! Stage 3: Unicode hygiene, and the final layout of the text.
//!
//! Scraped text carries characters nobody sees and look-alikes that dodge
//! keyword filters; they break matching in every later stage, so they go
//! first. Each class is switched on or off in [`HygieneClasses`]:
//!
//! - **invisible**: zero-width spaces and joiners, soft hyphens, byte order
//!   marks in the middle of a page, bidi controls, C0/C1 control characters.
//!   A zero-width joiner survives between two emoji, where it builds a
//!   sequence (👨‍👩‍👧).
//! - **ideographs**: CJK compatibility ideographs (`豈` U+F900, OpenCC's own
//!   table), Kangxi radicals (`⼈` U+2F08, by their Unicode compatibility
//!   mapping) and the CJK radicals that stand for whole characters (`⺠`
//!   U+2EA0, a table written by the project) become unified ideographs:
//!   `⼈⺠` is `人民`.
//! - **html**: character references left by broken scrapers (`&amp;`,
//!   `&nbsp;`, `&#x4E2D;`, `&#20013;`), only complete ones with their `;`.
//! - **width** (off by default): full-width ASCII letters and digits
//!   (`ＡＰＰ１２３`) become half-width; Chinese punctuation stays full-width.
//! - **whitespace**: no-break spaces become spaces, line breaks `\n`, and
//!   trailing blanks are trimmed.
//!
//! The layout (blank-line runs collapsed, leading and trailing blank lines
//! dropped, one final newline) is applied by [`tidy_layout`] after the spam
//! stage, which removes lines and leaves gaps.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::byteset::{table_of, ByteSet};
use crate::convert::builtin_dict;

/// Which classes of hygiene run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HygieneClasses {
    /// Remove invisible and control characters.
    pub invisible: bool,
    /// Map compatibility ideographs and radicals to unified ideographs.
    pub ideographs: bool,
    /// Decode HTML character references.
    pub html: bool,
    /// Fold full-width ASCII letters and digits to half-width.
    pub width: bool,
    /// No-break spaces to spaces, line breaks to `\n`, trailing blanks trimmed.
    pub whitespace: bool,
}

impl Default for HygieneClasses {
    fn default() -> HygieneClasses {
        HygieneClasses {
            invisible: true,
            ideographs: true,
            html: true,
            width: false,
            whitespace: true,
        }
    }
}

impl HygieneClasses {
    /// Every class off.
    pub fn none() -> HygieneClasses {
        HygieneClasses {
            invisible: false,
            ideographs: false,
            html: false,
            width: false,
            whitespace: false,
        }
    }

    /// Switches the class named `name` (`invisible`, `ideographs`, `html`,
    /// `width`, `whitespace`) on; `false` if there is no such class.
    pub fn enable(&mut self, name: &str) -> bool {
        let flag = match name.trim() {
            "invisible" => &mut self.invisible,
            "ideographs" => &mut self.ideographs,
            "html" => &mut self.html,
            "width" => &mut self.width,
            "whitespace" => &mut self.whitespace,
            _ => return false,
        };
        *flag = true;
        true
    }
}

/// What hygiene changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HygieneCounts {
    /// Zero-width, bidi and other invisible format characters removed.
    pub invisible_removed: usize,
    /// Control characters removed (C0 but tab and line feed, DEL, C1).
    pub controls_removed: usize,
    /// Compatibility ideographs and radicals mapped to unified ideographs.
    pub ideographs_unified: usize,
    /// HTML character references decoded.
    pub html_decoded: usize,
    /// Full-width letters and digits made half-width.
    pub width_folded: usize,
}

impl std::ops::AddAssign for HygieneCounts {
    /// Adds the counts of a later section of the same document.
    fn add_assign(&mut self, other: HygieneCounts) {
        self.invisible_removed += other.invisible_removed;
        self.controls_removed += other.controls_removed;
        self.ideographs_unified += other.ideographs_unified;
        self.html_decoded += other.html_decoded;
        self.width_folded += other.width_folded;
    }
}

/// Cleans `text` with the default classes.
pub fn clean(text: &str) -> (String, HygieneCounts) {
    clean_with(text, HygieneClasses::default())
}

/// Cleans `text` with the given classes.
pub fn clean_with(text: &str, classes: HygieneClasses) -> (String, HygieneCounts) {
    let (out, counts) = clean_cow(text, classes);
    (out.into_owned(), counts)
}

/// As [`clean_with`], borrowing `text` when nothing changes, as in most
/// pages.
pub(crate) fn clean_cow(text: &str, classes: HygieneClasses) -> (Cow<'_, str>, HygieneCounts) {
    let mut counts = HygieneCounts::default();
    let decoded = (classes.html && memchr::memchr(b'&', text.as_bytes()).is_some())
        .then(|| decode_references(text, &mut counts.html_decoded));
    let source = decoded.as_deref().unwrap_or(text);
    // Written from the first character that may change.
    let mut out: Option<String> = None;
    // Runs of characters no class touches are copied whole; only the bytes
    // that can start such a character are looked at.
    let bytes = source.as_bytes();
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = MAY_START_CHANGE.find(&bytes[from..]) {
        let at = from + found;
        // The set holds lead bytes only: `at` starts a character.
        let (code, len) = char_at(source, at);
        from = at + len;
        if !may_change_at(code) {
            continue;
        }
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        // A line end after a character copied as it is, and no blank, stays
        // as it is: most stops are these.
        if c == '\n' && copied < at && !ends_with_blank(&bytes[..at]) {
            continue;
        }
        let next = source[from..].chars().next();
        let out = out.get_or_insert_with(|| String::with_capacity(source.len()));
        out.push_str(&source[copied..at]);
        copied = from;
        rewrite(c, &source[..at], next, classes, &mut counts, out);
    }
    if let Some(out) = &mut out {
        out.push_str(&source[copied..]);
    }
    let mut out = match (out, decoded) {
        (Some(out), _) | (None, Some(out)) => Cow::Owned(out),
        (None, None) => Cow::Borrowed(text),
    };
    if classes.whitespace && out.ends_with(TRAILING_BLANKS) {
        trim_trailing_blanks(out.to_mut());
    }
    (out, counts)
}

/// Writes to `out` what the classes make of `c`, a character that
/// [`may_change_code`] admits; `before` is the text before it, `next` the
/// character after.
fn rewrite(
    c: char,
    before: &str,
    next: Option<char>,
    classes: HygieneClasses,
    counts: &mut HygieneCounts,
    out: &mut String,
) {
    match c {
        '\r' if classes.whitespace => {
            if next != Some('\n') {
                push_newline(out);
            }
        }
        '\n' if classes.whitespace => push_newline(out),
        '\u{200D}'
            if classes.invisible
                && before.chars().next_back().is_some_and(is_emoji)
                && next.is_some_and(is_emoji) =>
        {
            out.push(c)
        }
        c if classes.invisible && is_invisible(c) => counts.invisible_removed += 1,
        c if classes.invisible && c != '\t' && c != '\n' && c != '\r' && c.is_control() => {
            counts.controls_removed += 1
        }
        mut c => {
            let look_alike = classes.ideographs && is_look_alike_block(c);
            if let Some(unified) = look_alike.then(ideograph_table).and_then(|t| t.get(&c)) {
                c = *unified;
                counts.ideographs_unified += 1;
            } else if classes.width && is_full_width_alphanumeric(c) {
                c = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
                counts.width_folded += 1;
            } else if classes.whitespace && c == '\u{A0}' {
                c = ' ';
            }
            out.push(c);
        }
    }
}

/// The bytes that start a character [`may_change_code`] admits: ASCII controls
/// and the lead bytes of its blocks. Ideographs and every continuation byte
/// are passed over without decoding a character.
static MAY_START_CHANGE: ByteSet = ByteSet::new({
    // U+007F; U+0080..U+00BF; U+034F; U+061C; U+180E; U+2000..U+2FFF;
    // U+F000..U+FFFF; the supplementary planes up to U+3FFFF.
    let mut table = table_of(&[0x7F, 0xC2, 0xCD, 0xD8, 0xE1, 0xE2, 0xEF, 0xF0]);
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table
});

/// [`may_change_code`] of `c`, for the tests.
#[cfg(test)]
fn may_change(c: char) -> bool {
    may_change_code(c as u32)
}

/// Whether some class may change the character with code point `code`:
/// controls and line breaks, the no-break space, invisible format
/// characters, radicals, compatibility ideographs and full-width letters
/// and digits. Everything else, nearly all text (quotation marks and
/// full-width punctuation too), is copied in runs.
const fn may_change_code(code: u32) -> bool {
    matches!(code,
        0x00..=0x1F | 0x7F..=0xA0 | 0xAD | 0x034F | 0x061C | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x206F | 0x2E80..=0x2FDF | 0xF900..=0xFAFF | 0xFEFF
        | 0xFF10..=0xFF5A | 0xFFF9..=0xFFFB | 0x2F800..=0x2FA1F)
}

/// [`may_change_code`] of each character of the Basic Multilingual Plane, a bit
/// each: the stops of the hygiene scan are mostly full-width punctuation
/// (`，`, `：`), and a look-up here tells them at once, where the ranges
/// took a chain of comparisons.
static MAY_CHANGE_BMP: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut code = 0;
    while code < 0x10000 {
        if may_change_code(code) {
            bits[(code >> 6) as usize] |= 1 << (code & 63);
        }
        code += 1;
    }
    bits
};

/// [`may_change_code`], through [`MAY_CHANGE_BMP`] where it can.
#[inline]
fn may_change_at(code: u32) -> bool {
    match MAY_CHANGE_BMP.get((code >> 6) as usize) {
        Some(bits) => bits >> (code & 63) & 1 != 0,
        None => may_change_code(code),
    }
}

/// Whether `bytes` end with one of [`TRAILING_BLANKS`], told by the last
/// byte where it can be.
#[inline]
fn ends_with_blank(bytes: &[u8]) -> bool {
    matches!(
        bytes,
        [.., b' ' | b'\t'] | [.., 0xE3, 0x80, 0x80] | [.., 0xC2, 0xA0]
    )
}

fn push_newline(out: &mut String) {
    trim_trailing_blanks(out);
    out.push('\n');
}

/// The blanks trimmed from the ends of lines.
const TRAILING_BLANKS: [char; 4] = [' ', '\t', '\u{3000}', '\u{A0}'];

fn trim_trailing_blanks(out: &mut String) {
    let kept = out.trim_end_matches(TRAILING_BLANKS).len();
    out.truncate(kept);
}

/// The blocks of radicals and compatibility ideographs.
fn is_look_alike_block(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x2FDF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

fn is_full_width_alphanumeric(c: char) -> bool {
    matches!(c, '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
}

/// Radicals of the CJK Radicals Supplement that stand for a whole
/// character and have no Unicode compatibility mapping, with that character.
const RADICALS: [(char, char); 29] = [
    ('⺠', '民'),
    ('⺩', '王'),
    ('⻁', '虎'),
    ('⻄', '西'),
    ('⻅', '见'),
    ('⻆', '角'),
    ('⻉', '贝'),
    ('⻋', '车'),
    ('⻑', '長'),
    ('⻓', '长'),
    ('⻔', '门'),
    ('⻗', '雨'),
    ('⻘', '青'),
    ('⻙', '韦'),
    ('⻚', '页'),
    ('⻛', '风'),
    ('⻜', '飞'),
    ('⻝', '食'),
    ('⻡', '首'),
    ('⻢', '马'),
    ('⻣', '骨'),
    ('⻤', '鬼'),
    ('⻥', '鱼'),
    ('⻦', '鸟'),
    ('⻧', '卤'),
    ('⻨', '麦'),
    ('⻩', '黄'),
    ('⻬', '齐'),
    ('⻮', '齿'),
];

/// Look-alike ideographs and their unified forms, built once.
fn ideograph_table() -> &'static HashMap<char, char> {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: HashMap<char, char> = RADICALS.into_iter().collect();
        // Kangxi radicals and the radicals supplement: compatibility mappings.
        for code in (0x2E80..=0x2EF3).chain(0x2F00..=0x2FD5) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let mut mapped = std::iter::once(c).nfkc();
            if let (Some(unified), None) = (mapped.next(), mapped.next()) {
                if unified != c {
                    table.insert(c, unified);
                }
            }
        }
        if let Ok(Some(compat)) = builtin_dict("CJK_Compatibility_Ideographs.txt") {
            for (key, value) in compat.iter() {
                let (mut k, mut v) = (key.chars(), value.chars());
                if let (Some(k), None, Some(v), None) = (k.next(), k.next(), v.next(), v.next()) {
                    table.insert(k, v);
                }
            }
        }
        table
    })
}

/// `text` with its complete HTML character references decoded.
fn decode_references(text: &str, decoded: &mut usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match reference(rest) {
            Some((len, c)) => {
                out.push(c);
                rest = &rest[len..];
                *decoded += 1;
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The reference at the start of `text` (which starts with `&`): its length
/// and character.
fn reference(text: &str) -> Option<(usize, char)> {
    let end = text.as_bytes()[..text.len().min(12)]
        .iter()
        .position(|&b| b == b';')?;
    let body = &text[1..end];
    let c = if let Some(number) = body.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        char::from_u32(code).filter(|&c| c != '\0')?
    } else {
        named_reference(body)?
    };
    Some((end + 1, c))
}

fn named_reference(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "middot" => '·',
        "bull" => '•',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "times" => '×',
        "divide" => '÷',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "yen" => '¥',
        _ => return None,
    })
}

/// Invisible format characters with no business in running text.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{034F}'                // combining grapheme joiner
        | '\u{061C}'                // Arabic letter mark
        | '\u{180E}'                // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space/non-joiner/joiner, LRM, RLM
        | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
        | '\u{2066}'..='\u{206F}'   // bidi isolates, deprecated format characters
        | '\u{FEFF}'                // byte order mark / zero-width no-break space
        | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation controls
    )
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF)
}

/// The character starting at byte `pos` (< `text.len()`, a character
/// boundary) of `text`: its code point and length.
///
/// The hot loops of three stages decode every character with this, so it
/// checks the bounds once: in UTF-8, a lead byte is always followed by its
/// continuation bytes. A `pos` inside a character gives U+FFFD, one byte.
#[inline(always)]
pub(crate) fn char_at(text: &str, pos: usize) -> (u32, usize) {
    let bytes = text.as_bytes();
    let b0 = bytes[pos];
    // SAFETY: `text` is UTF-8, so a lead byte at `pos` is followed by its
    // continuation bytes: `pos + i` is in bounds for each `i` read below.
    let at = |i: usize| u32::from(unsafe { *bytes.get_unchecked(pos + i) } & 0x3F);
    // Three bytes first: all of CJK and its punctuation.
    if let Some(code) = three_byte_at(text, pos) {
        return (code as u32, 3);
    }
    if b0 < 0x80 {
        return (u32::from(b0), 1);
    }
    if b0 >= 0xF0 {
        return (
            (u32::from(b0 & 0x07) << 18) | (at(1) << 12) | (at(2) << 6) | at(3),
            4,
        );
    }
    if b0 >= 0xC0 {
        return ((u32::from(b0 & 0x1F) << 6) | at(1), 2);
    }
    (u32::from(char::REPLACEMENT_CHARACTER), 1)
}

/// The code point of the character at byte `pos` (< `text.len()`) of
/// `text` if it takes three bytes, as all of CJK does: [`char_at`] for the
/// hot loops that look each character up in a table of the Basic
/// Multilingual Plane and treat the others apart.
#[inline(always)]
pub(crate) fn three_byte_at(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let b0 = bytes[pos];
    if b0 & 0xF0 != 0xE0 {
        return None;
    }
    // SAFETY: `text` is UTF-8, so this lead byte is followed by its two
    // continuation bytes.
    let (b1, b2) = unsafe { (*bytes.get_unchecked(pos + 1), *bytes.get_unchecked(pos + 2)) };
    // The marker bits of the three bytes are fixed: one constant takes
    // them all out, where masking each byte takes three operations.
    const MARKERS: usize = (0xE0 << 12) ^ (0x80 << 6) ^ 0x80;
    Some(((usize::from(b0) << 12) ^ (usize::from(b1) << 6) ^ usize::from(b2) ^ MARKERS) & 0xFFFF)
}

/// The lines of `text`, each with its `\n`: `str::split_inclusive` with the
/// vectorised search of `memchr` (the standard one goes a word at a time,
/// and the stages split every page into lines).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut from = 0;
    std::iter::from_fn(move || {
        if from == text.len() {
            return None;
        }
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[from..]).map_or(text.len(), |at| from + at + 1);
        let line = &text[from..end];
        from = end;
        Some(line)
    })
}

/// `text` without the white space at either end, as `str::trim`, which
/// the stages ask of every line: a look at its first and last byte settles
/// most lines, which neither start nor end with white space.
#[inline]
pub(crate) fn trim(text: &str) -> &str {
    match text.as_bytes() {
        [] => text,
        [first, ..] if SPACE_FIRST_BYTES[usize::from(*first)] => text.trim(),
        // Its first character is not white space: only the end may be.
        [.., last] if !SPACE_LAST_BYTES[usize::from(*last)] => text,
        _ => match text.chars().next_back() {
            Some(c) if c.is_whitespace() => text.trim_end(),
            _ => text,
        },
    }
}

/// The bytes a white space character (`char::is_whitespace`) starts with...
const SPACE_FIRST_BYTES: [bool; 256] = table_of(b"\t\n\x0B\x0C\r \xC2\xE1\xE2\xE3");
/// ...and those it ends with.
const SPACE_LAST_BYTES: [bool; 256] =
    table_of(b"\t\n\x0B\x0C\r \x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8A\x9F\xA0\xA8\xA9\xAF");

/// Whether `line` is empty or white space only.
#[inline]
pub(crate) fn is_blank(line: &str) -> bool {
    trim(line).is_empty()
}

/// Collapses runs of blank lines into one, drops leading and trailing blank
/// lines, and ends non-empty text with exactly one newline.
pub fn tidy_layout(text: &str) -> String {
    // Room for the final newline the layout may add.
    let mut owned = String::with_capacity(text.len() + 1);
    owned.push_str(text);
    tidy_layout_in_place(owned)
}

/// [`tidy_layout`] in `text`'s own buffer: a stage's output is mostly tidy
/// already, and then nothing is copied.
pub(crate) fn tidy_layout_in_place(text: String) -> String {
    let mut bytes = text.into_bytes();
    let len = bytes.len();
    // Lines only move towards the start, never past `read`: what is read
    // is the input's, unmoved.
    let (mut read, mut write) = (0, 0);
    let mut pending_blank = false;
    while read < len {
        let (line_end, next) = match memchr::memchr(b'\n', &bytes[read..]) {
            Some(at) => (read + at, read + at + 1),
            None => (len, len),
        };
        let end = match bytes[read..line_end] {
            [.., b'\r'] => line_end - 1,
            _ => line_end,
        };
        // SAFETY: a whole line of the input, which was a `String`, cut
        // before an ASCII byte or at its end.
        let line = unsafe { std::str::from_utf8_unchecked(&bytes[read..end]) };
        if is_blank(line) {
            pending_blank = write > 0;
        } else {
            if std::mem::take(&mut pending_blank) {
                bytes[write] = b'\n';
                write += 1;
            }
            if write != read {
                bytes.copy_within(read..end, write);
            }
            write += end - read;
            match bytes.get_mut(write) {
                Some(byte) => *byte = b'\n',
                None => bytes.push(b'\n'),
            }
            write += 1;
        }
        read = next;
    }
    bytes.truncate(write);
    // SAFETY: whole lines of the input, each followed by `\n`.
    unsafe { String::from_utf8_unchecked(bytes) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `trim` is `str::trim`: the byte tables hold the first and last byte
    /// of every white space character, and lines of every make trim alike.
    #[test]
    fn trim_is_the_standard_trim() {
        let spaces: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert!(spaces.len() > 20, "{spaces:?}");
        let mut buffer = [0u8; 4];
        for &c in &spaces {
            let bytes = c.encode_utf8(&mut buffer).as_bytes();
            assert!(SPACE_FIRST_BYTES[usize::from(bytes[0])], "{c:?}");
            assert!(
                SPACE_LAST_BYTES[usize::from(bytes[bytes.len() - 1])],
                "{c:?}"
            );
        }
        let seed = include_str!("../data/examples/seed-page.txt");
        let ends = spaces
            .iter()
            .map(char::to_string)
            .chain(["".into(), "a".into(), "。".into()]);
        for end in ends {
            for line in seed.lines().chain(["", " ", "一", "\u{3000}", "x"]) {
                for text in [
                    format!("{end}{line}"),
                    format!("{line}{end}"),
                    format!("{end}{line}{end}"),
                ] {
                    assert_eq!(trim(&text), text.trim(), "{text:?}");
                }
            }
        }
    }

    /// Every `step`th scalar value, in order.
    fn every_char(step: usize) -> String {
        (0..=char::MAX as u32)
            .step_by(step)
            .filter_map(char::from_u32)
            .collect()
    }

    /// Every character of every length decodes as `char_indices` has it,
    /// and a position inside a character is one replacement byte.
    #[test]
    fn char_at_decodes_every_character() {
        let text = every_char(7);
        for (pos, c) in text.char_indices() {
            assert_eq!(char_at(&text, pos), (u32::from(c), c.len_utf8()), "{c:?}");
            for inside in pos + 1..pos + c.len_utf8() {
                assert_eq!(char_at(&text, inside), (0xFFFD, 1));
            }
        }
        assert_eq!(char_at("\u{10FFFF}", 0), (0x10FFFF, 4));
    }

    /// `three_byte_at` is `char_at` for three-byte characters, and `None`
    /// for every other character and inside any.
    #[test]
    fn three_byte_at_decodes_three_byte_characters() {
        let text = every_char(3);
        let mut three = 0;
        for pos in 0..text.len() {
            let expected = match text.is_char_boundary(pos).then(|| char_at(&text, pos)) {
                Some((code, 3)) => Some(code as usize),
                _ => None,
            };
            assert_eq!(three_byte_at(&text, pos), expected, "at {pos}");
            three += usize::from(expected.is_some());
        }
        assert_eq!(three, text.chars().filter(|c| c.len_utf8() == 3).count());
        assert!(three > 20_000, "{three}");
    }

    #[test]
    fn the_bitmap_of_characters_that_may_change_is_the_ranges() {
        let mut changing = 0;
        for code in 0..=char::MAX as u32 {
            assert_eq!(may_change_at(code), may_change_code(code), "{code:X}");
            changing += usize::from(may_change_at(code));
        }
        assert!(changing > 1000 && may_change_at(0x2F800), "{changing}");
    }

    #[test]
    fn every_character_that_may_change_is_looked_at() {
        let mut buffer = [0u8; 4];
        let missed: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|&c| may_change(c))
            .filter(|c| !MAY_START_CHANGE.contains(c.encode_utf8(&mut buffer).as_bytes()[0]))
            .collect();
        assert!(missed.is_empty(), "{missed:?}");
    }

    #[test]
    fn no_class_changes_a_character_that_may_not_change() {
        let all = HygieneClasses {
            width: true,
            ..HygieneClasses::default()
        };
        let changed: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|&c| !may_change(c))
            .filter(|&c| {
                let (mut out, mut counts) = ("中".to_string(), HygieneCounts::default());
                rewrite(c, "中", Some('文'), all, &mut counts, &mut out);
                out != format!("中{c}") || counts != HygieneCounts::default()
            })
            .collect();
        assert!(changed.is_empty(), "{changed:?}");
    }

    #[test]
    fn line_ends_trim_the_blanks_before_them() {
        for (text, clean_text) in [
            ("一行 \n二行", "一行\n二行"),
            ("一行\u{3000}\u{200B}\n二行", "一行\n二行"),
            ("一行\u{A0}\n二行 \n", "一行\n二行\n"),
            ("一行 二行\n三行\n", "一行 二行\n三行\n"),
        ] {
            assert_eq!(clean(text).0, clean_text, "{text:?}");
        }
    }

    /// The layout as `str::lines` and `str::trim` make it.
    fn layout_model(text: &str) -> String {
        let mut out = String::new();
        let mut blank = false;
        for line in text.lines() {
            if line.trim().is_empty() {
                blank = !out.is_empty();
                continue;
            }
            if std::mem::take(&mut blank) {
                out.push('\n');
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    #[test]
    fn layout_reads_lines_as_str_lines_does() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\n\r\n\r\nb\r\n",
            "\n\n一\n \n\n二",
            "一\r二\n",
        ] {
            let expected = layout_model(text);
            assert_eq!(tidy_layout(text), expected, "{text:?}");
            assert_eq!(tidy_layout_in_place(text.into()), expected, "{text:?}");
        }
    }

    #[test]
    fn removes_invisible_and_control_characters() {
        let (text, counts) = clean("涪\u{200B}陵\u{FEFF}區\u{0007}殘\u{AD}聯\r\n下一行 \u{3000}\r");
        assert_eq!(text, "涪陵區殘聯\n下一行\n");
        assert_eq!(counts.invisible_removed, 3);
        assert_eq!(counts.controls_removed, 1);
    }

    #[test]
    fn keeps_tabs_and_emoji_joiners() {
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(clean(&format!("a\tb {family}")).0, format!("a\tb {family}"));
        assert_eq!(clean("中\u{200D}文").0, "中文");
    }

    #[test]
    fn ideographs_become_unified() {
        let (text, counts) = clean("⼈⺠\u{F900}⻔口");
        assert_eq!(text, "人民豈门口");
        assert_eq!(counts.ideographs_unified, 4);
    }

    #[test]
    fn html_references_are_decoded() {
        let (text, counts) = clean("&#x4E2D;&#25991;&nbsp;A&amp;B &lt;p&gt; &unknown; &#0; AT&T&");
        assert_eq!(text, "中文 A&B <p> &unknown; &#0; AT&T&");
        assert_eq!(counts.html_decoded, 6);
        // Multi-byte characters right after an ampersand.
        assert_eq!(
            clean("&amp;ＡＰＰ &中文字符很多;").0,
            "&ＡＰＰ &中文字符很多;"
        );
        // A zero-width space written as a reference goes too.
        assert_eq!(clean("麻&#8203;豆").0, "麻豆");
    }

    #[test]
    fn width_folding_is_opt_in() {
        assert_eq!(clean("ＡＰＰ１２３，").0, "ＡＰＰ１２３，");
        let mut classes = HygieneClasses::default();
        assert!(classes.enable("width"));
        let (text, counts) = clean_with("ＡＰＰ１２３，", classes);
        assert_eq!(text, "APP123，");
        assert_eq!(counts.width_folded, 6);
    }

    #[test]
    fn classes_switch_off() {
        let text = "⼈\u{200B}&amp;\u{A0}x \r\n";
        assert_eq!(clean_with(text, HygieneClasses::none()).0, text);
        let mut only_invisible = HygieneClasses::none();
        only_invisible.enable("invisible");
        assert_eq!(clean_with(text, only_invisible).0, "⼈&amp;\u{A0}x \r\n");
        assert!(!only_invisible.enable("nope"));
    }

    /// The look at the last bytes says what `str::ends_with` does.
    #[test]
    fn blank_ends_are_told_by_their_bytes() {
        let chars = every_char(1);
        for c in chars.chars() {
            for text in [format!("{c}"), format!("一{c}"), format!("{c}\u{3000}")] {
                assert_eq!(
                    ends_with_blank(text.as_bytes()),
                    text.ends_with(TRAILING_BLANKS),
                    "{text:?}"
                );
            }
        }
        assert!(!ends_with_blank(b""));
    }

    #[test]
    fn layout_collapses_blank_runs_and_trims() {
        for tidy in [tidy_layout, |text: &str| tidy_layout_in_place(text.into())] {
            assert_eq!(tidy("\n\n一\n\n\n\n二\n \n三"), "一\n\n二\n\n三\n");
            assert_eq!(tidy("\n \n"), "");
            assert_eq!(tidy(""), "");
            assert_eq!(tidy("一\r\n\r\n\r\n二\r"), "一\n\n二\n");
        }
    }

    /// In place or copied, the layout comes out as the model makes it on
    /// the example pages, their lines ended with `\r\n` too, and cut
    /// anywhere.
    #[test]
    fn layout_in_place_is_layout() {
        let pages = [
            include_str!("../data/examples/seed-page.txt"),
            include_str!("../data/examples/seed-page.clean.txt"),
        ];
        for page in pages {
            let crlf = page.replace('\n', "\r\n");
            for text in [page, crlf.as_str()] {
                for (cut, _) in text.char_indices().step_by(97) {
                    let piece = &text[cut..];
                    let expected = layout_model(piece);
                    assert_eq!(tidy_layout_in_place(piece.into()), expected);
                    assert_eq!(tidy_layout(piece), expected);
                }
            }
        }
    }
}
