//! Turning text back into the bytes a wrong decoder read, and reading them
//! with the right one, exactly or not at all.
//!
//! `encoding_rs` encodes GBK and Big5 quickly with its `fast-*-hanzi-encode`
//! features; what it leaves out is done here: the Hong Kong extensions a
//! Big5 decoder reads but the standard encoder does not write, the bytes
//! behind Windows-1252 and Latin-1 letters, and the pairs that Python's own
//! Big5 codec reads differently from the WHATWG standard. Genuine text is
//! turned away early: a line whose first non-ASCII character cannot start
//! a UTF-8 sequence in the wrong encoding is not encoded at all.

use std::sync::OnceLock;

use encoding_rs::{DecoderResult, EncoderResult, Encoding, BIG5, GBK, UTF_8, WINDOWS_1252};

use crate::convert::CharSet;
use crate::hash::IntMap;
use crate::unicode::char_at;

/// The characters whose two bytes in a legacy encoding (GBK, or Big5 by
/// either codec) can stand where UTF-8 read as that encoding has them: a
/// lead byte then a continuation byte at the start of a sequence, one or two
/// continuation bytes after a lead. The first non-ASCII character of UTF-8
/// read so, and the character after it, always fit; those of genuine text
/// seldom, and a look at a few tables spares most lines an encoding.
struct Utf8Shapes {
    /// A lead byte of a sequence of two, three and four bytes, then a
    /// continuation byte...
    starts: [CharSet; 3],
    /// ...and of any of them.
    any_start: CharSet,
    /// A continuation byte first.
    continues: CharSet,
    /// Two continuation bytes.
    continues_twice: CharSet,
}

impl Utf8Shapes {
    fn for_encoding(legacy: &'static Encoding) -> &'static Utf8Shapes {
        static GBK_SHAPES: OnceLock<Utf8Shapes> = OnceLock::new();
        static BIG5_SHAPES: OnceLock<Utf8Shapes> = OnceLock::new();
        if legacy == GBK {
            // Every pair that reads as a character: the encoder writes one
            // of them.
            GBK_SHAPES.get_or_init(|| {
                let leads = (0x81..=0xBFu8).chain(0xC2..=0xF4);
                Utf8Shapes::of(leads.flat_map(gbk_row))
            })
        } else {
            // The pairs the two codecs write (see `write_big5`): those of
            // the table's two parts, read directly.
            BIG5_SHAPES.get_or_init(|| {
                let table = Big5Table::get();
                let whatwg = (0..)
                    .zip(table.bmp.iter())
                    .filter(|&(_, &pair)| pair != 0)
                    .filter_map(|(code, &pair)| Some((char::from_u32(code)?, pair.to_be_bytes())));
                let other = table.other.iter().map(|(&c, &pair)| (c, pair));
                let python = python_big5_table().iter().map(|(&c, &pair)| (c, pair));
                Utf8Shapes::of(whatwg.chain(other).chain(python))
            })
        }
    }

    fn of(pairs: impl Iterator<Item = (char, [u8; 2])>) -> Utf8Shapes {
        let mut shapes = Utf8Shapes {
            starts: Default::default(),
            any_start: CharSet::default(),
            continues: CharSet::default(),
            continues_twice: CharSet::default(),
        };
        let continuation = |byte: u8| (0x80..=0xBF).contains(&byte);
        for (c, [lead, trail]) in pairs {
            let set = match lead {
                0xC2..=0xDF if continuation(trail) => &mut shapes.starts[0],
                0xE0..=0xEF if continuation(trail) => &mut shapes.starts[1],
                0xF0..=0xF4 if continuation(trail) => &mut shapes.starts[2],
                0x80..=0xBF => {
                    if continuation(trail) {
                        shapes.continues_twice.insert(c as u32);
                    }
                    &mut shapes.continues
                }
                _ => continue,
            };
            set.insert(c as u32);
            if (0xC2..=0xF4).contains(&lead) {
                shapes.any_start.insert(c as u32);
            }
        }
        shapes
    }

    /// Whether `first` may start a UTF-8 sequence.
    fn starts(&self, first: char) -> bool {
        self.any_start.contains(first as u32)
    }

    /// Whether `first`, then `next` (the character after it, if any), may
    /// be UTF-8: a sequence of two bytes, then ASCII or another sequence; or
    /// one of three or four, which `next` goes on with.
    fn may_start(&self, first: char, next: Option<char>) -> bool {
        let [two, three, four] = &self.starts;
        let first = first as u32;
        two.contains(first) && next.is_none_or(|next| next.is_ascii() || self.starts(next))
            || three.contains(first)
                && next.is_some_and(|next| self.continues.contains(next as u32))
            || four.contains(first)
                && next.is_some_and(|next| self.continues_twice.contains(next as u32))
    }
}

/// The characters of the GBK pairs with `lead`, each with its pair. Every
/// such pair reads as one character, so that a row is read in one go, not
/// a pair at a time.
fn gbk_row(lead: u8) -> Vec<(char, [u8; 2])> {
    let trails: Vec<u8> = (0x40..=0xFEu8).filter(|&trail| trail != 0x7F).collect();
    let bytes: Vec<u8> = trails.iter().flat_map(|&trail| [lead, trail]).collect();
    let (text, malformed) = GBK.decode_without_bom_handling(&bytes);
    if !malformed && text.chars().count() == trails.len() {
        return text
            .chars()
            .zip(trails.iter().map(|&trail| [lead, trail]))
            .collect();
    }
    trails
        .into_iter()
        .filter_map(|trail| Some((pair_char(GBK, [lead, trail])?, [lead, trail])))
        .collect()
}

/// Whether `line` may be UTF-8 read as GBK or as Big5 (by either Big5
/// codec): its first non-ASCII character, and the character after it,
/// must then have bytes in that encoding that may start UTF-8 (see
/// [`Utf8Shapes`]). Without this, every re-reading of `line` as UTF-8 from
/// either is `None`, and is spared.
pub(super) fn may_be_utf8_as_legacy(line: &str) -> bool {
    let Some(at) = line.bytes().position(|byte| !byte.is_ascii()) else {
        return false;
    };
    let (gbk, big5) = (
        Utf8Shapes::for_encoding(GBK),
        Utf8Shapes::for_encoding(BIG5),
    );
    let (code, len) = char_at(line, at);
    if !gbk.any_start.contains(code) && !big5.any_start.contains(code) {
        return false;
    }
    let Some(first) = char::from_u32(code) else {
        return false;
    };
    let next = line[at + len..].chars().next();
    gbk.may_start(first, next) || big5.may_start(first, next)
}

/// `line` encoded with `wrong` and decoded with `right`, if both are exact.
pub(super) fn reencode(
    line: &str,
    wrong: &'static Encoding,
    right: &'static Encoding,
) -> Option<String> {
    // Genuine text fails within a few characters: look at its first one,
    // then at its start.
    if super::is_utf8_as_legacy(wrong, right) {
        let first = line.chars().find(|c| !c.is_ascii())?;
        if !Utf8Shapes::for_encoding(wrong).starts(first) {
            return None;
        }
    }
    let encode = |text: &str| match wrong {
        w if w == WINDOWS_1252 => latin_bytes(text),
        w if w == BIG5 => big5_bytes(text),
        _ => match wrong.encode(text) {
            (_, _, true) => None,
            (bytes, _, false) => Some(bytes.into_owned()),
        },
    };
    if wrong != WINDOWS_1252 {
        // A malformed sequence in a head stays one in any longer head and
        // in the whole line, and most genuine lines have one within a few
        // characters: a head of 4 characters, then one of 16, each where
        // the line is longer.
        let mut starts = line.char_indices().map(|(i, _)| i);
        let mut buffer = [0; HEAD_BYTES];
        for head_end in [starts.nth(4), starts.nth(11)].into_iter().flatten() {
            if !reads_as(head_bytes(&line[..head_end], wrong, &mut buffer)?, right) {
                return None;
            }
        }
    }
    decode_exactly(encode(line)?, right, line)
}

/// `bytes` decoded as `right`, if they are not ASCII, decode without a
/// malformed sequence, and give other text than `line`.
pub(super) fn decode_exactly(
    bytes: Vec<u8>,
    right: &'static Encoding,
    line: &str,
) -> Option<String> {
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

/// Room for the bytes of a head of 16 characters in GBK or Big5 (two bytes
/// at most for each) and for their decoding (three for each byte).
const HEAD_BYTES: usize = 64;

/// The bytes of `head`, the first characters of a line, encoded with
/// `wrong` (GBK or Big5) as [`reencode`] does, written into `buffer`
/// rather than a new vector: most heads are genuine text, looked at once
/// and turned away. `None` where a character has no bytes.
fn head_bytes<'b>(
    head: &str,
    wrong: &'static Encoding,
    buffer: &'b mut [u8; HEAD_BYTES],
) -> Option<&'b [u8]> {
    if wrong == BIG5 {
        let mut len = 0;
        write_big5(head, None, |byte| {
            *buffer.get_mut(len)? = byte;
            len += 1;
            Some(())
        })?;
        return Some(&buffer[..len]);
    }
    let mut encoder = wrong.new_encoder();
    match encoder.encode_from_utf8_without_replacement(head, buffer, true) {
        (EncoderResult::InputEmpty, _, written) => Some(&buffer[..written]),
        _ => None,
    }
}

/// Whether `bytes`, the start of a text, decode as `encoding` without a
/// malformed sequence (one cut off at the end is not).
fn reads_as(bytes: &[u8], encoding: &'static Encoding) -> bool {
    if encoding == UTF_8 {
        return !std::str::from_utf8(bytes).is_err_and(|e| e.error_len().is_some());
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = [0; 3 * HEAD_BYTES];
    let (result, ..) = decoder.decode_to_utf8_without_replacement(bytes, &mut text, false);
    !matches!(result, DecoderResult::Malformed(..))
}

/// The Big5 bytes a Big5 reading turned into `line`, including those of
/// the Hong Kong extensions (lead bytes 0x81 to 0xA0), which a Big5 decoder
/// reads but the standard encoder leaves out: GBK text read as Big5 is full
/// of them.
fn big5_bytes(line: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(line.len());
    write_big5(line, None, |byte| {
        bytes.push(byte);
        Some(())
    })?;
    Some(bytes)
}

/// Hands the Big5 bytes of `text` one by one to `push`: those of
/// [`big5_bytes`], or of [`python_big5_bytes`] with Python's `table`.
/// `None` at a character without bytes, or where `push` has no room.
fn write_big5(
    text: &str,
    python: Option<&IntMap<char, [u8; 2]>>,
    mut push: impl FnMut(u8) -> Option<()>,
) -> Option<()> {
    let table = Big5Table::get();
    for c in text.chars() {
        let [lead, trail] = match python.and_then(|python| python.get(&c)) {
            Some(&pair) => pair,
            None if c.is_ascii() => {
                push(c as u8)?;
                continue;
            }
            None => table.pair(c)?,
        };
        push(lead)?;
        push(trail)?;
    }
    Some(())
}

/// The Big5 bytes of every character a Big5 decoder reads, in one look-up:
/// `encoding_rs` finds those outside its common hanzi by a linear search,
/// and rare ideographs are just what a suspect line holds.
struct Big5Table {
    /// The WHATWG encoder's pair for each character of the Basic
    /// Multilingual Plane, 0 where it has none.
    bmp: Box<[u16]>,
    /// The same beyond it, and the pairs of the Hong Kong extensions.
    other: IntMap<char, [u8; 2]>,
}

impl Big5Table {
    fn get() -> &'static Big5Table {
        static TABLE: OnceLock<Big5Table> = OnceLock::new();
        TABLE.get_or_init(|| {
            let mut table = Big5Table {
                bmp: vec![0; 0x10000].into_boxed_slice(),
                other: IntMap::default(),
            };
            // The WHATWG encoder writes no pair below lead byte 0xA1 and
            // takes a character's first pair, but the last for six of them.
            let last = [
                '\u{2550}', '\u{255E}', '\u{2561}', '\u{256A}', '\u{5341}', '\u{5345}',
            ];
            for lead in 0xA1..=0xFEu8 {
                for trail in (0x40..=0x7Eu8).chain(0xA1..=0xFE) {
                    let Some(c) = pair_char(BIG5, [lead, trail]) else {
                        continue;
                    };
                    let code = c as usize;
                    if code < 0x10000 {
                        if table.bmp[code] == 0 || last.contains(&c) {
                            table.bmp[code] = u16::from_be_bytes([lead, trail]);
                        }
                    } else if !table.other.contains_key(&c) || last.contains(&c) {
                        table.other.insert(c, [lead, trail]);
                    }
                }
            }
            for lead in 0x81..=0xA0u8 {
                for trail in (0x40..=0x7Eu8).chain(0xA1..=0xFE) {
                    if let Some(c) = pair_char(BIG5, [lead, trail]) {
                        let code = c as usize;
                        if code >= 0x10000 || table.bmp[code] == 0 {
                            table.other.entry(c).or_insert([lead, trail]);
                        }
                    }
                }
            }
            table
        })
    }

    /// The pair the WHATWG encoder writes for `c`, or else its pair among
    /// the Hong Kong extensions.
    fn pair(&self, c: char) -> Option<[u8; 2]> {
        match self.bmp.get(c as usize) {
            Some(&pair) if pair != 0 => Some(pair.to_be_bytes()),
            _ => self.other.get(&c).copied(),
        }
    }
}

/// The Big5 bytes Python's own `big5` codec turned into `line`, if it holds
/// a character that codec reads from other bytes than the WHATWG standard
/// (`data/big5/python-big5.txt`): scrapers written in Python decode with
/// it, and GBK text read that way is full of its kana (`片` as `え`).
pub(super) fn python_big5_bytes(line: &str) -> Option<Vec<u8>> {
    let table = python_big5_table();
    if !line.chars().any(|c| table.contains_key(&c)) {
        return None;
    }
    let mut bytes = Vec::with_capacity(line.len());
    write_big5(line, Some(table), |byte| {
        bytes.push(byte);
        Some(())
    })?;
    Some(bytes)
}

/// The characters Python's Big5 codec reads from other bytes than the
/// WHATWG standard does, with those bytes.
fn python_big5_table() -> &'static IntMap<char, [u8; 2]> {
    static TABLE: OnceLock<IntMap<char, [u8; 2]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../../data/big5/python-big5.txt")
            .lines()
            .filter(|row| !row.starts_with('#'))
            .filter_map(|row| {
                let (hex, c) = row.split_once('\t')?;
                let pair = u16::from_str_radix(hex, 16).ok()?.to_be_bytes();
                Some((c.chars().next()?, pair))
            })
            .collect()
    })
}

/// The one character two bytes make in `encoding`, if they make one.
pub(super) fn pair_char(encoding: &'static Encoding, pair: [u8; 2]) -> Option<char> {
    let (text, malformed) = encoding.decode_without_bom_handling(&pair);
    let mut chars = text.chars();
    match (malformed, chars.next(), chars.next()) {
        (false, Some(c), None) => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`may_be_utf8_as_legacy`] skips the Python codec's table for ideographs,
    /// and the sentence marks of `super::marks_survive` are written by the
    /// standard encoder: it holds none of them.
    #[test]
    fn pythons_big5_differs_on_no_ideograph_nor_mark() {
        let table = python_big5_table();
        assert!(table.len() > 200, "{}", table.len());
        assert!(table.keys().all(|&c| !crate::script::is_han(c)));
        assert!(super::super::SENTENCE_MARKS
            .iter()
            .all(|c| !table.contains_key(c)));
    }

    #[test]
    fn big5_table_writes_what_the_standard_encoder_writes() {
        let table = Big5Table::get();
        let mut buffer = [0u8; 4];
        let mut standard = 0;
        for c in (0x80..=0x2FFFF).filter_map(char::from_u32) {
            let (bytes, _, unmappable) = BIG5.encode(c.encode_utf8(&mut buffer));
            match table.pair(c) {
                Some(pair) if !unmappable => {
                    assert_eq!(&pair[..], &bytes[..], "{c}");
                    standard += 1;
                }
                // Beyond the standard encoder: a Hong Kong extension that
                // reads back as the character.
                Some(pair) => {
                    assert!(pair[0] < 0xA1, "{c}");
                    assert_eq!(pair_char(BIG5, pair), Some(c));
                }
                None => assert!(unmappable, "{c}"),
            }
        }
        assert!(standard > 13_000, "{standard}");
    }

    /// A row of GBK read in one go gives what each pair gives alone.
    #[test]
    fn gbk_rows_read_as_their_pairs() {
        for lead in (0x81..=0xBFu8).chain(0xC2..=0xF4) {
            let alone: Vec<(char, [u8; 2])> = (0x40..=0xFEu8)
                .filter(|&trail| trail != 0x7F)
                .filter_map(|trail| Some((pair_char(GBK, [lead, trail])?, [lead, trail])))
                .collect();
            assert_eq!(gbk_row(lead), alone, "{lead:#x}");
        }
    }

    /// Bytes read by Python's Big5 codec: its own pairs, else the standard's.
    fn python_big5_read(bytes: &[u8]) -> Option<String> {
        let python: std::collections::HashMap<[u8; 2], char> = python_big5_table()
            .iter()
            .map(|(&c, &pair)| (pair, c))
            .collect();
        let mut text = String::new();
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at] < 0x80 {
                text.push(char::from(bytes[at]));
                at += 1;
                continue;
            }
            let pair = [bytes[at], *bytes.get(at + 1)?];
            text.push(
                python
                    .get(&pair)
                    .copied()
                    .or_else(|| pair_char(BIG5, pair))?,
            );
            at += 2;
        }
        Some(text)
    }

    /// Every line of UTF-8 read as GBK, as Big5 or by Python's Big5 codec
    /// is let through; most genuine lines are not.
    #[test]
    fn utf8_read_as_legacy_is_let_through() {
        let labelled = include_str!("../../tests/data/spam/labelled.txt");
        let seed = include_str!("../../data/examples/seed-page.txt");
        let lines: Vec<&str> = labelled
            .lines()
            .filter_map(|line| Some(line.split_once('\t')?.1))
            .chain(seed.lines())
            .collect();
        let mut garbled = [0; 3];
        for line in &lines {
            // Cut short too: a whole line of UTF-8 seldom reads as Big5.
            let head: String = line.chars().take(4).collect();
            for text in [*line, head.as_str()] {
                let bytes = text.as_bytes();
                let readings = [
                    Some(GBK.decode_without_bom_handling(bytes))
                        .filter(|(_, malformed)| !malformed)
                        .map(|(read, _)| read.into_owned()),
                    Some(BIG5.decode_without_bom_handling(bytes))
                        .filter(|(_, malformed)| !malformed)
                        .map(|(read, _)| read.into_owned()),
                    python_big5_read(bytes),
                ];
                for (read, count) in readings.into_iter().zip(&mut garbled) {
                    if let Some(read) = read.filter(|read| read != text) {
                        assert!(may_be_utf8_as_legacy(&read), "{text} read as {read}");
                        *count += 1;
                    }
                }
            }
        }
        assert!(garbled.iter().all(|&n| n > 100), "{garbled:?}");
        let genuine = lines
            .iter()
            .filter(|line| !may_be_utf8_as_legacy(line))
            .count();
        assert!(
            genuine * 10 > lines.len() * 9,
            "{genuine} of {}",
            lines.len()
        );
    }

    /// A head is encoded into the buffer as the whole line is into a
    /// vector, by either encoding, and a character without bytes stops it.
    #[test]
    fn heads_are_encoded_as_lines_are() {
        let mut buffer = [0; HEAD_BYTES];
        for line in ["過去五年，涪陵區abc", "穀梁傳a", "", "abc"] {
            let (gbk, _, _) = GBK.encode(line);
            assert_eq!(head_bytes(line, GBK, &mut buffer), Some(&gbk[..]));
            let big5 = big5_bytes(line).unwrap();
            assert_eq!(head_bytes(line, BIG5, &mut buffer), Some(&big5[..]));
        }
        assert_eq!(head_bytes("a\u{1F600}", GBK, &mut buffer), None);
        assert_eq!(head_bytes("a\u{1F600}", BIG5, &mut buffer), None);
    }
}
