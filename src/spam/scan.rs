//! One pass over a page: for each line, what the features need.
//!
//! Every line of every page is scored, and scoring must cost no more than
//! conversion. So the page is read once, a character at a time, through one
//! table over the Basic Multilingual Plane that answers everything the stage
//! asks of a character: its script, whether it separates list items, ends a
//! sentence, is blank, may start a chrome phrase, or anchors a lexicon entry
//! (see [`super::lexicon`]). Each line comes out as counts and flags, and
//! the few places where an entry may stand.

use crate::hash::{IntMap, IntSet};
use crate::script::{is_han, ScriptCounts, ScriptTables};
use crate::unicode::{char_at, lines as lines_of, three_byte_at, trim};

use super::lexicon::{fold, keeps_in_key, CHROME_HEAD, CHROME_WITHIN_MAX};
use super::REPEAT_MAX_BYTES;

/// What the table says about a character.
pub(crate) mod flag {
    /// Only in Traditional text.
    pub(crate) const TRADITIONAL: u32 = 1 << 16;
    /// Only in Simplified text.
    pub(crate) const SIMPLIFIED: u32 = 1 << 17;
    /// Separates the items of a keyword list.
    pub(crate) const SEPARATOR: u32 = 1 << 18;
    /// Ends a sentence.
    pub(crate) const SENTENCE_END: u32 = 1 << 19;
    /// Blank: left out of the folded form.
    pub(crate) const BLANK: u32 = 1 << 20;
    /// A letter or digit for the share of a line in lexicon entries.
    pub(crate) const LETTER: u32 = 1 << 21;
    /// Kept in a chrome key.
    pub(crate) const KEY: u32 = 1 << 22;
    /// Folds to the first character of a whole-line or prefix chrome phrase.
    pub(crate) const CHROME_START: u32 = 1 << 23;
    /// Folds to the first character of a word of counter bars.
    pub(crate) const COUNTER_START: u32 = 1 << 29;
    /// Folds to the first character of a prefix chrome phrase.
    pub(crate) const CHROME_PREFIX: u32 = 1 << 28;
    /// Folds to the first character of a phrase that makes a short line
    /// chrome wherever it stands.
    pub(crate) const CHROME_WITHIN: u32 = 1 << 24;
    /// A breadcrumb separator (`>`).
    pub(crate) const BREADCRUMB: u32 = 1 << 25;
    /// Folds to a digit or a dot: a line without one has no contact bait.
    pub(crate) const CONTACT: u32 = 1 << 26;
    /// Folds to a dot: a line without one names no site.
    pub(crate) const DOT: u32 = 1 << 30;
    /// Folds to the first character of a marker of a contact id (one of
    /// [`super::super::features::ID_MARKERS`]: `q`, `v`, `w`, `微`).
    pub(crate) const ID_MARKER: u32 = 1 << 31;
    /// Its folded form is another character.
    pub(crate) const FOLDS: u32 = 1 << 27;
    /// Folds to a character lexicon entries are anchored on, whose slot is
    /// in the bits below.
    pub(crate) const ANCHOR: u32 = 1 << 15;
    pub(crate) const ANCHOR_SLOT: u32 = ANCHOR - 1;
}

/// Five counters of 6 bits in the high half of a table entry, added for
/// each character in one go: Traditional-only, Simplified-only, letters,
/// non-blank characters, digits.
#[derive(Debug, Default)]
struct Lanes {
    packed: u64,
    totals: [usize; LANES],
}

/// How many counters [`Lanes`] has, and the bits of each.
const LANES: usize = 5;
const LANE_BITS: u32 = 6;

impl Lanes {
    /// Characters a lane can count before it must be spilled.
    const CAPACITY: usize = (1 << LANE_BITS) - 1;

    #[inline]
    fn add(&mut self, entry: u64) {
        self.packed += entry >> 32;
    }

    fn spill(&mut self) {
        for (i, total) in (0..).zip(self.totals.iter_mut()) {
            *total += ((self.packed >> (LANE_BITS * i)) & Lanes::CAPACITY as u64) as usize;
        }
        self.packed = 0;
    }
}

/// The entry of [`CharTable::OTHER`], for the scan to look past in one
/// test with the anchors: no character has the anchor flag alone.
const SENTINEL: u64 = flag::ANCHOR as u64;

/// A table entry: the flags, and the lanes they count in.
fn with_lanes(info: u32) -> u64 {
    let lane = |counted: bool, i: u32| u64::from(counted) << (32 + LANE_BITS * i);
    let digit = info & flag::CONTACT != 0 && info & flag::DOT == 0;
    u64::from(info)
        | lane(info & flag::TRADITIONAL != 0, 0)
        | lane(info & flag::SIMPLIFIED != 0, 1)
        | lane(info & flag::LETTER != 0, 2)
        | lane(info & flag::BLANK == 0, 3)
        | lane(digit, 4)
}

/// The character table of one spam filter (its lexicon anchors and chrome
/// phrases are part of it).
///
/// Few characters differ in what the stage asks of them (some fifty kinds),
/// so the table holds a byte for each character of the Basic Multilingual
/// Plane, its kind, and one entry for each kind. That keeps the part of the
/// table a page reads in the processor's nearest caches; a full entry for
/// each character took half a megabyte.
#[derive(Debug)]
pub(crate) struct CharTable {
    /// The kind of each BMP character: an index into `kinds`.
    bmp: Box<[u8; 0x10000]>,
    /// Flags in the low half, counters (see [`Lanes`]) in the high half,
    /// without the anchor slot. [`CharTable::OTHER`] is not a kind: its
    /// characters are described when met.
    kinds: Box<[u64; 256]>,
    /// The slot of each BMP character that folds to an anchor (others 0;
    /// looked at only for characters flagged [`flag::ANCHOR`]).
    slots: Box<[u16; 0x10000]>,
    anchors: IntMap<char, usize>,
    chrome: ChromeStarts,
}

/// The characters chrome phrases start with (see
/// [`super::lexicon::ChromePhrases::starts`]).
#[derive(Debug, Default)]
pub(crate) struct ChromeStarts {
    /// Of whole-line and prefix phrases.
    pub(crate) start: IntSet<char>,
    /// Of the words of counter bars.
    pub(crate) counter: IntSet<char>,
    /// Of prefix phrases.
    pub(crate) prefix: IntSet<char>,
    /// Of phrases that make a short line chrome wherever they stand.
    pub(crate) within: IntSet<char>,
    /// The first two characters of whole-line and prefix phrases, as
    /// [`opening`] keys them: a line whose key opens otherwise is none.
    pub(crate) openings: IntSet<u64>,
    /// The first two characters of the phrases of `within`, so keyed: a
    /// line whose key holds none of them holds none of those phrases.
    pub(crate) within_openings: IntSet<u64>,
}

/// The key of a phrase's opening: its first character and its second
/// (`\0` for a whole-line phrase of one character; `None` for a prefix
/// phrase of one, which any second character continues).
pub(crate) fn opening(first: char, second: Option<char>) -> u64 {
    u64::from(first) << 32 | second.map_or(u64::from(u32::MAX), u64::from)
}

/// What one line holds, as the features see it.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineScan {
    /// The line's number in the page, from 0.
    pub(crate) number: usize,
    /// Byte range of the line in the page, without its `\n`.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Bytes without the blanks at either end.
    pub(crate) bytes: usize,
    /// Characters of the folded form (all but blanks); 0 for a blank line.
    pub(crate) folded_chars: usize,
    /// Letters and digits (for the share of the line in lexicon entries).
    pub(crate) letters: usize,
    /// Characters that fold to an ASCII digit (for contact bait).
    pub(crate) digits: usize,
    /// Non-empty items between separators, counted only in a line without
    /// sentence punctuation (a list of items is none); else 0.
    pub(crate) items: usize,
    pub(crate) script: ScriptCounts,
    /// The union of the flags of its characters.
    pub(crate) flags: u32,
    /// The flags of the first character of its chrome key.
    pub(crate) first_key: u32,
    /// Whether its chrome key opens as a whole-line or prefix chrome phrase
    /// does (looked at only in short lines whose first key character may
    /// start one).
    pub(crate) opens_chrome: bool,
    /// Whether its chrome key holds the opening of a phrase that makes a
    /// short line chrome wherever it stands (looked at only in short lines
    /// with a character that may start one).
    pub(crate) holds_within: bool,
    /// A hash of the line without the blanks at either end, if it has no
    /// more than `REPEAT_MAX_BYTES`, for repetition.
    pub(crate) hash: u64,
    /// The line's anchor characters: a range of the page's list.
    pub(crate) anchors_start: usize,
    pub(crate) anchors_end: usize,
}

impl LineScan {
    /// The byte offsets, in the line, of its anchor characters, out of the
    /// page's list.
    pub(crate) fn anchors<'a>(&self, page: &'a [usize]) -> &'a [usize] {
        &page[self.anchors_start..self.anchors_end]
    }

    /// Whether a chrome phrase or shape may make the line chrome; when not,
    /// `ChromePhrases::find` would say no.
    pub(crate) fn may_be_chrome(&self) -> bool {
        if self.folded_chars > CHROME_HEAD {
            return self.first_key & flag::CHROME_PREFIX != 0;
        }
        self.opens_chrome
            || self.first_key & flag::COUNTER_START != 0
                && self.flags & flag::CONTACT != 0
                && self.folded_chars <= CHROME_WITHIN_MAX
            || self.flags & flag::BREADCRUMB != 0
            || self.holds_within
    }
}

/// A hash of `bytes`, eight at a time.
fn hash_bytes(bytes: &[u8]) -> u64 {
    const MULTIPLIER: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut chunks = bytes.chunks_exact(8);
    let mut hash = bytes.len() as u64;
    for chunk in chunks.by_ref() {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(MULTIPLIER);
    }
    // The last bytes one by one: a copy of a length not known would be a
    // call to `memcpy` for each line.
    let last = (0..)
        .zip(chunks.remainder())
        .fold(0, |word, (i, &byte)| word | u64::from(byte) << (8 * i));
    (hash.rotate_left(5) ^ last).wrapping_mul(MULTIPLIER)
}

impl CharTable {
    /// The table for the lexicon `anchors` and the first characters of
    /// chrome phrases.
    pub(crate) fn build(anchors: IntMap<char, usize>, chrome: ChromeStarts) -> CharTable {
        let mut table = CharTable {
            bmp: Box::new([0; 0x10000]),
            kinds: Box::new([0; 256]),
            slots: Box::new([0; 0x10000]),
            anchors,
            chrome,
        };
        let tables = ScriptTables::get();
        let mut kinds: IntMap<u64, u8> = IntMap::default();
        for n in 0..0x10000u32 {
            let info = char::from_u32(n).map_or(0, |c| table.describe(c, tables));
            if info & flag::ANCHOR != 0 {
                // ANCHOR_SLOT is 15 bits.
                table.slots[n as usize] = (info & flag::ANCHOR_SLOT) as u16;
            }
            let entry = with_lanes(info & !flag::ANCHOR_SLOT);
            let next = kinds.len();
            let kind = match kinds.get(&entry) {
                Some(&kind) => kind,
                None if next < usize::from(CharTable::OTHER) => {
                    let kind = next as u8;
                    kinds.insert(entry, kind);
                    table.kinds[usize::from(kind)] = entry;
                    kind
                }
                None => CharTable::OTHER,
            };
            table.bmp[n as usize] = kind;
        }
        table.kinds[usize::from(CharTable::OTHER)] = SENTINEL;
        table
    }

    /// The kind of the characters that have no kind of their own. Its
    /// entry is [`SENTINEL`].
    const OTHER: u8 = u8::MAX;

    /// The entry of `c`, worked out.
    fn describe(&self, c: char, tables: &ScriptTables) -> u32 {
        let mut info = 0;
        if matches!(c, '|' | '｜' | ',' | '，' | '_' | '-' | ' ' | '\u{3000}') {
            info |= flag::SEPARATOR;
        }
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';') {
            info |= flag::SENTENCE_END;
        }
        if matches!(c, '>' | '›' | '»' | '＞') {
            info |= flag::BREADCRUMB;
        }
        if !c.is_ascii() && !('\u{FF01}'..='\u{FF5E}').contains(&c) {
            if tables.simplified(c).is_some() {
                info |= flag::TRADITIONAL;
            } else if tables.is_simplified_only(c) {
                info |= flag::SIMPLIFIED;
            }
        }
        let Some(folded) = fold(c, tables) else {
            return info | flag::BLANK;
        };
        if folded != c {
            info |= flag::FOLDS;
        }
        if folded.is_ascii_alphanumeric() || is_han(folded) {
            info |= flag::LETTER;
        }
        if folded.is_ascii_digit() || folded == '.' {
            info |= flag::CONTACT;
        }
        if folded == '.' {
            info |= flag::DOT;
        }
        if matches!(folded, 'q' | 'v' | 'w' | '微') {
            info |= flag::ID_MARKER;
        }
        if keeps_in_key(folded) {
            info |= flag::KEY;
        }
        if self.chrome.start.contains(&folded) {
            info |= flag::CHROME_START;
        }
        if self.chrome.counter.contains(&folded) {
            info |= flag::COUNTER_START;
        }
        if self.chrome.prefix.contains(&folded) {
            info |= flag::CHROME_PREFIX;
        }
        if self.chrome.within.contains(&folded) {
            info |= flag::CHROME_WITHIN;
        }
        if let Some(&slot) = self.anchors.get(&folded) {
            info |= flag::ANCHOR | (slot as u32 & flag::ANCHOR_SLOT);
        }
        info
    }

    /// The slot of the entries anchored on `c`'s folded form.
    #[inline]
    pub(crate) fn anchor_slot(&self, c: char) -> Option<usize> {
        if self.info(c) & flag::ANCHOR == 0 {
            return None;
        }
        match self.slots.get(c as usize) {
            Some(&slot) => Some(usize::from(slot)),
            None => Some((self.describe(c, ScriptTables::get()) & flag::ANCHOR_SLOT) as usize),
        }
    }

    /// The folded form of `c` (see [`super::lexicon::fold`]).
    #[inline]
    pub(crate) fn fold(&self, c: char) -> Option<char> {
        let info = self.info(c);
        if info & flag::BLANK != 0 {
            None
        } else if info & flag::FOLDS != 0 {
            fold(c, ScriptTables::get())
        } else {
            Some(c)
        }
    }

    /// Appends the folded form of `line` to `out`, as
    /// [`super::lexicon::fold_into`] does: characters that fold to
    /// themselves, nearly all, are copied in runs.
    pub(crate) fn fold_into(&self, line: &str, out: &mut String) {
        let bytes = line.as_bytes();
        let (mut at, mut copied) = (0, 0);
        while at < bytes.len() {
            let (c, len) = char_at(line, at);
            if self.entry_of(c) as u32 & (flag::BLANK | flag::FOLDS) != 0 {
                out.push_str(&line[copied..at]);
                copied = at + len;
                if let Some(folded) = char::from_u32(c).and_then(|c| self.fold(c)) {
                    out.push(folded);
                }
            }
            at += len;
        }
        out.push_str(&line[copied..]);
    }

    #[inline]
    fn info(&self, c: char) -> u32 {
        self.entry(c) as u32
    }

    /// The flags and counters of `c` (without its anchor slot).
    #[inline]
    fn entry(&self, c: char) -> u64 {
        self.entry_of(u32::from(c))
    }

    #[inline(always)]
    fn entry_of(&self, c: u32) -> u64 {
        if let Some(&kind) = self.bmp.get(c as usize) {
            if kind != CharTable::OTHER {
                return self.kinds[usize::from(kind)];
            }
        }
        let info = char::from_u32(c).map_or(0, |c| self.describe(c, ScriptTables::get()));
        with_lanes(info & !flag::ANCHOR_SLOT)
    }

    /// The non-empty items between separators in `line`.
    fn items(&self, line: &str) -> usize {
        let mut items = 0;
        let mut in_item = false;
        for c in line.chars() {
            let separator = self.info(c) & flag::SEPARATOR != 0;
            items += usize::from(!separator && !in_item);
            in_item = !separator;
        }
        items
    }

    /// Scans `page`: one [`LineScan`] for each line that is not blank
    /// (lines end at `\n`), and the byte offsets of anchor characters, each
    /// from the start of its line.
    pub(crate) fn scan(&self, page: &str) -> (Vec<LineScan>, Vec<usize>) {
        // Sized at once: a page has a line in some 160 bytes, and an anchor
        // in some 65 of the dump's pages.
        let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', page.as_bytes()).count() + 1);
        let mut anchors = Vec::with_capacity(page.len() / 32 + 1);
        let mut start = 0;
        for (number, piece) in lines_of(page).enumerate() {
            let text = piece.strip_suffix('\n').unwrap_or(piece);
            let anchors_start = anchors.len();
            let (flags, totals) = self.scan_line(text, &mut anchors);
            let mut line = LineScan {
                number,
                start,
                flags,
                anchors_start,
                ..LineScan::default()
            };
            start += piece.len();
            self.finish(text, totals, &mut line, anchors.len());
            if line.folded_chars > 0 {
                lines.push(line);
            }
        }
        (lines, anchors)
    }

    /// The union of the flags of the characters of `line` (without its
    /// `\n`) and the totals of their counters; the offsets of its anchor
    /// characters are pushed to `anchors`.
    ///
    /// Not inlined into the page's loop, whose registers it would share:
    /// on its own, the loop for a character of CJK is some twenty
    /// instructions.
    #[inline(never)]
    fn scan_line(&self, line: &str, anchors: &mut Vec<usize>) -> (u32, [usize; LANES]) {
        let mut flags = 0;
        let mut lanes = Lanes::default();
        let mut at = 0;
        while at < line.len() {
            // No more characters than bytes.
            let stretch = line.len().min(at + Lanes::CAPACITY);
            while at < stretch {
                let (mut entry, len) = match three_byte_at(line, at) {
                    Some(code) => (self.kinds[usize::from(self.bmp[code])], 3),
                    None => {
                        let (c, len) = char_at(line, at);
                        (self.entry_of(c), len)
                    }
                };
                // Anchors, and the sentinel of characters without a kind.
                if entry as u32 & flag::ANCHOR != 0 {
                    if entry == SENTINEL {
                        entry = self.entry_of(char_at(line, at).0);
                    }
                    if entry as u32 & flag::ANCHOR != 0 {
                        anchors.push(at);
                    }
                }
                flags |= entry as u32;
                lanes.add(entry);
                at += len;
            }
            lanes.spill();
        }
        (flags, lanes.totals)
    }

    /// Whether the chrome key of `line` holds the opening of a phrase of
    /// [`ChromeStarts::within`]: most short lines with a character that may
    /// start one (`如`, `关`, `网`) hold none, and are spared their key.
    fn holds_within(&self, line: &str) -> bool {
        let openings = &self.chrome.within_openings;
        // The key character of the last character that may start a phrase,
        // while the next key character is looked for.
        let mut first: Option<char> = None;
        for c in line.chars() {
            let info = self.info(c);
            if info & flag::KEY == 0 {
                continue;
            }
            // Only a character that may start such a phrase opens one.
            if first.is_none() && info & flag::CHROME_WITHIN == 0 {
                continue;
            }
            // Folded, ASCII is lower case already.
            let Some(key) = self.fold(c) else {
                continue;
            };
            if let Some(first) = first.take() {
                if openings.contains(&opening(first, Some(key))) {
                    return true;
                }
            }
            if info & flag::CHROME_WITHIN != 0 {
                if openings.contains(&opening(key, None)) {
                    return true;
                }
                first = Some(key);
            }
        }
        false
    }

    /// Completes `line` from its `text` and counter `totals`: the counts,
    /// and what only some lines need, in a second look at those.
    fn finish(&self, text: &str, totals: [usize; LANES], line: &mut LineScan, anchors: usize) {
        line.end = line.start + text.len();
        line.anchors_end = anchors;
        let [traditional, simplified, letters, folded_chars, digits] = totals;
        line.script = ScriptCounts {
            traditional,
            simplified,
        };
        line.letters = letters;
        line.folded_chars = folded_chars;
        line.digits = digits;
        if folded_chars == 0 {
            return;
        }
        let mut keys = text
            .chars()
            .map(|c| (c, self.info(c)))
            .filter(|&(_, info)| info & flag::KEY != 0);
        let first = keys.next();
        line.first_key = first.map_or(0, |(_, info)| info);
        if let Some((c, info)) = first.filter(|_| line.folded_chars <= CHROME_HEAD) {
            if info & flag::CHROME_START != 0 {
                let (first, second) = (self.fold(c), keys.next().and_then(|(c, _)| self.fold(c)));
                let openings = &self.chrome.openings;
                line.opens_chrome = first.is_some_and(|first| {
                    openings.contains(&opening(first, Some(second.unwrap_or('\0'))))
                        || openings.contains(&opening(first, None))
                });
            }
        }
        if line.flags & flag::CHROME_WITHIN != 0 && line.folded_chars <= CHROME_WITHIN_MAX {
            line.holds_within = self.holds_within(text);
        }
        if line.flags & flag::SENTENCE_END == 0 {
            // Without a separator the line is one item, and needs no count.
            line.items = match line.flags & flag::SEPARATOR {
                0 => 1,
                _ => self.items(text),
            };
        }
        let trimmed = trim(text);
        line.bytes = trimmed.len();
        if trimmed.len() <= REPEAT_MAX_BYTES {
            line.hash = hash_bytes(trimmed.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spam::lexicon::fold_into as fold_into_lexicon;

    fn table() -> CharTable {
        let chrome = ChromeStarts {
            start: IntSet::from_iter(['全']),
            counter: IntSet::default(),
            prefix: IntSet::default(),
            within: IntSet::from_iter(['版']),
            openings: IntSet::from_iter([opening('全', Some('部'))]),
            within_openings: IntSet::from_iter([opening('版', Some('权'))]),
        };
        CharTable::build(IntMap::from_iter([('站', 0), ('a', 1)]), chrome)
    }

    /// The characters the table flags as starting an id marker are those
    /// the markers start with.
    #[test]
    fn id_marker_flags_are_the_markers_first_characters() {
        let table = CharTable::build(Default::default(), Default::default());
        let mut flagged: Vec<char> = (0..0x10000)
            .filter_map(char::from_u32)
            .filter(|&c| table.fold(c) == Some(c) && table.info(c) & flag::ID_MARKER != 0)
            .collect();
        let mut firsts: Vec<char> = crate::spam::features::ID_MARKERS
            .iter()
            .filter_map(|m| m.chars().next())
            .collect();
        flagged.sort_unstable();
        firsts.sort_unstable();
        firsts.dedup();
        assert_eq!(flagged, firsts);
    }

    #[test]
    fn kinds_answer_as_each_character_described() {
        let filter = crate::SpamFilter::new(crate::spam::DEFAULT_THRESHOLD).unwrap();
        let t = filter.table();
        let tables = ScriptTables::get();
        let mut anchors = 0;
        for c in (0..0x10000).filter_map(char::from_u32) {
            let info = t.describe(c, tables);
            assert_eq!(t.entry(c), with_lanes(info & !flag::ANCHOR_SLOT), "{c:?}");
            let slot = (info & flag::ANCHOR != 0).then_some((info & flag::ANCHOR_SLOT) as usize);
            assert_eq!(t.anchor_slot(c), slot, "{c:?}");
            anchors += usize::from(slot.is_some());
        }
        assert!(anchors > 100, "{anchors}");
    }

    /// The scan of a line adds up each character's entry, and finds each
    /// anchor, also for characters without a kind of their own.
    #[test]
    fn scan_line_adds_up_each_character() {
        let filter = crate::SpamFilter::new(crate::spam::DEFAULT_THRESHOLD).unwrap();
        let mut table = CharTable::build(filter.table().anchors.clone(), ChromeStarts::default());
        let seed = include_str!("../../data/examples/seed-page.txt");
        let labelled = include_str!("../../tests/data/spam/labelled.txt");
        // Every other character of the seed page without a kind: anchors
        // and not, three bytes and not.
        for c in seed.chars().step_by(2).filter(|&c| (c as u32) < 0x10000) {
            table.bmp[c as usize] = CharTable::OTHER;
        }
        let long = "網站ａ，".repeat(200);
        let mut others = 0;
        for line in seed
            .lines()
            .chain(labelled.lines())
            .chain([long.as_str(), "", "a𠀀網"])
        {
            let (mut flags, mut totals, mut expected) = (0, [0; LANES], Vec::new());
            for (at, c) in line.char_indices() {
                let entry = table.entry(c);
                flags |= entry as u32;
                for (i, total) in (0..).zip(totals.iter_mut()) {
                    *total += ((entry >> (32 + LANE_BITS * i)) & Lanes::CAPACITY as u64) as usize;
                }
                if entry as u32 & flag::ANCHOR != 0 {
                    expected.push(at);
                }
                others += usize::from(table.bmp.get(c as usize) == Some(&CharTable::OTHER));
            }
            let mut anchors = Vec::new();
            assert_eq!(
                table.scan_line(line, &mut anchors),
                (flags, totals),
                "{line}"
            );
            assert_eq!(anchors, expected, "{line}");
        }
        assert!(others > 1000, "{others}");
    }

    #[test]
    fn folds_lines_as_the_lexicon_does() {
        let filter = crate::SpamFilter::new(crate::spam::DEFAULT_THRESHOLD).unwrap();
        let t = filter.table();
        let tables = ScriptTables::get();
        let seed = include_str!("../../data/examples/seed-page.txt");
        let labelled = include_str!("../../tests/data/spam/labelled.txt");
        let every_kind: String = (0..0x3_0000).filter_map(char::from_u32).collect();
        for line in seed
            .lines()
            .chain(labelled.lines())
            .chain([every_kind.as_str(), "網 站ＡA\u{3000}𠀀"])
        {
            let (mut table_fold, mut lexicon_fold) = (String::new(), String::new());
            t.fold_into(line, &mut table_fold);
            fold_into_lexicon(line, tables, &mut lexicon_fold);
            assert_eq!(table_fold, lexicon_fold, "{line}");
        }
    }

    #[test]
    fn folds_spellings_and_skips_blanks() {
        let t = table();
        let folded: String = "網 站ＡA\u{3000}"
            .chars()
            .filter_map(|c| t.fold(c))
            .collect();
        assert_eq!(folded, "网站aa");
        assert_eq!(
            (t.anchor_slot('站'), t.anchor_slot('Ａ')),
            (Some(0), Some(1))
        );
        assert_eq!(t.anchor_slot('网'), None);
    }

    #[test]
    fn scans_lines_and_their_shape() {
        let t = table();
        let (lines, anchors) = t.scan("网站|a_b,的\n\n全部評論。\n");
        assert_eq!(lines.len(), 2);
        let first = &lines[0];
        assert_eq!((first.folded_chars, first.items, first.letters), (8, 4, 5));
        assert_eq!((first.start, first.end, lines[1].start), (0, 14, 16));
        assert_eq!(first.flags & flag::SENTENCE_END, 0);
        assert_eq!(first.anchors(&anchors), [3, 7]);
        let third = &lines[1];
        assert_eq!(third.number, 2);
        assert!(third.first_key & flag::CHROME_START != 0 && third.may_be_chrome());
        assert_eq!(third.script.traditional, 2);
        assert_ne!(third.flags & flag::SENTENCE_END, 0);
        assert!(third.anchors(&anchors).is_empty());
    }

    #[test]
    fn same_lines_hash_alike() {
        let t = table();
        let (lines, _) = t.scan("网友评论 \n 网友评论\n网友评\n网友评论网友评论\n");
        assert_eq!(lines[0].hash, lines[1].hash);
        assert_ne!(lines[1].hash, lines[2].hash);
        assert_ne!(lines[1].hash, lines[3].hash);
    }
}
