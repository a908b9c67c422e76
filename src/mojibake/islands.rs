//! Byte-slip islands: the mojibake an annotating converter leaves inside
//! good text.
//!
//! The converter that appends pinyin (`發(fā)展`) sometimes worked on GBK
//! bytes and looked for characters at every byte offset, so it also
//! matched a character made of the last byte of one character and the first
//! byte of the next: in `們如` (`82 83 | c8 e7`) the pair `83 c8` is `內`,
//! and it wrote `(nèi)` after the byte `c8`. Decoding that as GBK fails at
//! `c8` followed by `(`: the decoder wrote `?` and swallowed the `(`, and the
//! bytes after the annotation paired up one off (`e7 ba` as `绾`) until an
//! ASCII byte set them right again: `人們?nèi)绾闻c` for `人們如何與`.
//!
//! Such an island tells nearly everything. The character before the `?`
//! gives the first byte of the annotated character, the annotation its
//! reading, and so the byte the `?` swallowed; that byte, then the bytes of
//! the characters read one off, then the ASCII byte that ended them, read as
//! GBK again, are the text. Where the island lost bytes for good (the `?`
//! without an annotation, a full-width `？` read one off and folded to `?`,
//! a private-use character dropped by the page's own pipeline), the values
//! of the lost bytes are tried and the likeliest text wins, by an n-gram
//! model of Chinese ([`freq::transition_after`]: pairs and runs of three of
//! running text, and jieba's words). The candidates for the last character
//! of a reading are ranked after the one before it alone, as the same ones
//! come back for every start of a reading; the winner is then read in full.
//! A repair must read as GBK exactly, without mojibake symbols; where bytes
//! were guessed, into ideographs and punctuation only, reading about as
//! well as Chinese does. A dropped private-use character is looked for at
//! every character boundary of the island and must make the text clearly
//! likelier than the exact reading (and read as well as Chinese does, unless
//! the exact reading holds a symbol that running text does not). An island
//! left as it is loses its pinyin fragment, and so does an annotation stuck
//! to an ASCII byte (`以~(cí)`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use encoding_rs::GBK;

use super::chinese::{is_cjk_punctuation, is_mojibake_symbol, makes_few_words};
use super::reencode::pair_char;
use crate::annotation;
use crate::freq;
use crate::script::{is_han, ScriptTables};

/// A repair that guessed lost bytes must read at least this well: the mean,
/// over its characters and the one before the island, of log10 of each
/// one's likelihood (see [`likelihood`]).
const MIN_MEAN_LIKELIHOOD: f64 = -3.0;
/// A reading with a dropped private-use character guesses two bytes more,
/// out of two thousand ways: it must beat the exact reading by this.
const MIN_DROPPED_GAIN: f64 = 1.0;
/// Each Simplified-only character a reading of an island in Traditional
/// text would bring costs this much.
const WRONG_SCRIPT_COST: f64 = 1.0;
/// Letters of the longest pinyin syllable (`zhuang`) and then some.
const MAX_SYLLABLE: usize = 7;
/// How many `？` folded to `?` an island may hold after its `?`...
const MAX_FOLDED: usize = 2;
/// ...and how many `?` among the characters read one off.
const MAX_INNER: usize = 2;
/// A following annotation that reads the repair's last character: strong
/// evidence for that repair.
const ANNOTATION_BONUS: f64 = 2.0;
/// A reading that ends the line with the end of a sentence...
const SENTENCE_END_BONUS: f64 = 0.5;
/// ...or closes a quotation or title the line opened.
const CLOSING_BONUS: f64 = 1.0;
/// log10 of the share among characters, for [`likelihood`], of digits,
/// which come in runs (`１９９８年`)...
const DIGIT: f64 = -2.5;
/// ...and of anything else neither ideograph nor punctuation: a full-width
/// letter between ideographs is most often a `，` read one off (`a3` and the
/// trail byte of the next character).
const OTHER: f64 = -8.0;

/// What the island pass did to a line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct IslandCounts {
    pub(super) repaired: usize,
    pub(super) unrepaired: usize,
}

/// `line` with its byte-slip islands repaired, or, where that cannot be
/// done, their pinyin fragments stripped; `None` when it has none.
pub(super) fn repair_islands(line: &str, tables: &ScriptTables) -> Option<(String, IslandCounts)> {
    let bytes = line.as_bytes();
    let first = memchr::memchr2(b'?', b'(', bytes)?;
    let question = memchr::memchr(b'?', &bytes[first..]).is_some();
    let (islands, mut counts) = match question {
        true => repair_question_marks(line, tables),
        false => (None, IslandCounts::default()),
    };
    let line = islands.as_deref().unwrap_or(line);
    // Beside an island left as it was, the bytes around an annotation
    // stuck to ASCII are themselves unknown: it goes whatever it reads.
    let unknown = counts.unrepaired > 0;
    let (stripped, stuck) = strip_stuck_annotations(line, tables, unknown);
    counts.repaired += stuck;
    stripped.or(islands).map(|text| (text, counts))
}

/// `line` with the islands that start at a `?` repaired or their pinyin
/// stripped, if it has any.
fn repair_question_marks(line: &str, tables: &ScriptTables) -> (Option<String>, IslandCounts) {
    let mut counts = IslandCounts::default();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    for at in memchr::memchr_iter(b'?', line.as_bytes()) {
        if at < copied {
            continue;
        }
        let island = Island::at(line, at, tables);
        if let Some((island, text)) = island.and_then(|i| Some((i.end, i.repair(line, tables)?))) {
            out.push_str(&line[copied..at]);
            out.push_str(&text);
            copied = island;
            counts.repaired += 1;
        } else if let Some(syllable) = annotation_at(&line[at + 1..]) {
            // Left as it is, but without its dangling pinyin.
            out.push_str(&line[copied..=at]);
            copied = at + 1 + syllable.len() + 1;
            counts.unrepaired += 1;
        }
    }
    if counts == IslandCounts::default() {
        return (None, counts);
    }
    out.push_str(&line[copied..]);
    (Some(out), counts)
}

/// `line` without the annotations of characters that straddled a GBK
/// character and an ASCII byte (`以~(cí)`: `以` ends with `d4`, and `d4 7e`
/// is `詞`), which no decoding error marks, or with `any`, of every
/// annotation stuck to such a byte after a GBK character; and how many
/// there were.
fn strip_stuck_annotations(
    line: &str,
    tables: &ScriptTables,
    any: bool,
) -> (Option<String>, usize) {
    let mut out = String::new();
    let mut copied = 0;
    let mut stripped = 0;
    for open in crate::byteset::positions(b'(', line.as_bytes()) {
        // Most `(` follow an ideograph: one byte settles them.
        let ascii = match open.checked_sub(1).map(|i| line.as_bytes()[i]) {
            Some(b @ 0x40..=0x7E) => b as char,
            _ => continue,
        };
        let Some(syllable) = annotation_at(&line[open + 1..]) else {
            continue;
        };
        let Some(han) = char_before(&line[..open - 1]) else {
            continue;
        };
        let Some([_, trail]) = gbk_pair(han) else {
            continue;
        };
        let straddling = pair_char(GBK, [trail, ascii as u8]);
        if any
            || straddling.is_some_and(|c| annotation::reads_as(c, syllable, tables) == Some(true))
        {
            out.push_str(&line[copied..open]);
            copied = open + 1 + syllable.len() + 1;
            stripped += 1;
        }
    }
    if stripped == 0 {
        return (None, 0);
    }
    out.push_str(&line[copied..]);
    (Some(out), stripped)
}

/// A `?` after a GBK character that may be where the bytes slipped.
struct Island<'a> {
    /// The two GBK bytes of the character before the `?`.
    before: [u8; 2],
    before_char: char,
    /// The character before that, if any: what the repair reads after.
    earlier: Option<char>,
    /// The annotation after the `?` (`nèi` of `?nèi)`), if any.
    syllable: Option<&'a str>,
    /// `?`s after the first: full-width `？` read one off, then folded.
    folded: usize,
    /// The characters read one off, with the annotations of those the
    /// converter matched too.
    middle: &'a str,
    /// What set the reading right again.
    resync: Option<Resync<'a>>,
    /// Where the island ends.
    end: usize,
}

/// What ends an island.
#[derive(Clone, Copy)]
enum Resync<'a> {
    /// An ASCII byte, read as the trail byte of the last character.
    Byte(u8),
    /// Another `?` then an annotation (`?shū)`): a lead byte and the `(` of
    /// the annotation of the character it ends, swallowed.
    Annotation(&'a str),
    /// A `?` that ends the line: the last byte, alone.
    End,
    /// A `?` then ASCII: the last byte, and an ASCII byte it swallowed,
    /// taken to be the one that follows again (`..` of `?.`, a space).
    Swallowed(u8),
}

impl<'a> Island<'a> {
    fn at(line: &'a str, at: usize, tables: &ScriptTables) -> Option<Island<'a>> {
        let (earlier, before_char) = chars_before(&line[..at])?;
        let before = gbk_pair(before_char)?;
        let mut rest = &line[at + 1..];
        let syllable = annotation_at(rest);
        if let Some(syllable) = syllable {
            rest = &rest[syllable.len() + 1..];
        }
        let mut folded = 0;
        if syllable.is_none() {
            while folded < MAX_FOLDED && rest.starts_with('?') {
                rest = &rest[1..];
                folded += 1;
            }
        }
        // Characters read one off, and the annotations of those the
        // converter matched too (`囀(zhuàn)`), after which the reading goes
        // on one off.
        // A `?` among them (a character whose trail byte is 0x80, which
        // the decoder took for a lead byte, and the lead byte after it,
        // swallowed) counts in when an ASCII byte or a `?` ends the island
        // (see `resync_at`).
        let mut middle_len = 0;
        let mut last = None;
        let mut short = None;
        let mut inner = 0;
        while let Some(c) = rest[middle_len..].chars().next() {
            if gbk_pair(c).is_some() {
                middle_len += c.len_utf8();
                last = Some(c);
                continue;
            }
            let after_c = middle_len + c.len_utf8();
            let next = rest[after_c..].chars().next();
            // Right after the annotation, the `?` is the byte it names
            // with 0x80 (`個` is `82 80`).
            let reads_on = last.is_some() || middle_len == 0 && syllable.is_some();
            // A trail byte at once: an ASCII one (`o`, but not a letter
            // after a separator the line uses, `優化-seo`), or another `?`
            // (`??` after a character or the annotation).
            let ends = match next {
                Some(n @ '\x40'..='\x7E') => {
                    annotation_at(&rest[after_c..]).is_none()
                        && (!n.is_ascii_alphabetic() || separator(line).is_none())
                }
                Some('?') => reads_on,
                _ => false,
            };
            if c == '?'
                && inner < MAX_INNER
                && reads_on
                && (ends || next.and_then(gbk_pair).is_some())
            {
                short.get_or_insert(middle_len);
                inner += 1;
                middle_len += 1;
                last = None;
                // The island ends at once: the character whose lead byte it
                // swallowed has its trail byte there (`個無` read as `?o`).
                if ends {
                    break;
                }
                continue;
            }
            let own = following_annotation(&rest[middle_len..]).filter(|syllable| {
                last.is_some_and(|c| annotation::reads_as(c, syllable, tables) == Some(true))
            });
            match own {
                Some(syllable) => {
                    middle_len += syllable.len() + 2;
                    last = None;
                }
                None => break,
            }
        }
        let resync_at = |after: &'a str| match after.bytes().next() {
            Some(b @ 0x40..=0x7E) => (Some(Resync::Byte(b)), 1),
            Some(b'?') if after.len() == 1 => (Some(Resync::End), 1),
            Some(b'?') if syllable.is_some() && annotation_at(&after[1..]).is_none() => {
                match after.as_bytes().get(1) {
                    Some(&b) if b" .,;:!".contains(&b) => (Some(Resync::Swallowed(b)), 1),
                    // Digits come in runs: most likely a digit, but which
                    // one nothing tells. It stays a `?`.
                    Some(b'0'..=b'9') => (Some(Resync::Swallowed(b'?')), 1),
                    // Text that spaces its words (Cantonese transcripts)
                    // lost a space; text with ASCII punctuation, most
                    // likely the mark it uses most.
                    Some(&b) if b >= 0x80 => match ascii_punctuation(line) {
                        Some(mark) => (Some(Resync::Swallowed(mark)), 1),
                        None if line.matches(' ').count() >= 3 => {
                            (Some(Resync::Swallowed(b' ')), 1)
                        }
                        None if line.contains([',', '.', ';', ':', '!']) => {
                            (Some(Resync::Swallowed(b',')), 1)
                        }
                        // A digit, a space or a mark: nothing tells which.
                        // It stays a `?`, and the rest is read.
                        None => (Some(Resync::Swallowed(b'?')), 1),
                    },
                    // Before a word in Latin letters, the separator the
                    // line puts between its items (`優化-seo`).
                    Some(b) if b.is_ascii_alphabetic() => match separator(line) {
                        Some(mark) => (Some(Resync::Swallowed(mark)), 1),
                        None => (None, 0),
                    },
                    _ => (None, 0),
                }
            }
            Some(b'?') => match annotation_at(&after[1..]) {
                Some(next) => (Some(Resync::Annotation(next)), next.len() + 2),
                None => (None, 0),
            },
            _ => (None, 0),
        };
        // Else the island ends at the first `?` among the characters.
        let mut after = &rest[middle_len..];
        let (mut resync, mut resync_len) = resync_at(after);
        if let Some(short) = short {
            // Before a `?` that ends the island, the characters after the
            // first `?` must make as few words as mojibake does if it
            // swallowed a byte: the text that goes on after a `?` of the
            // page makes many (`白色的?但是顏色`). Word pairs, not the bigram
            // model, tell: the model is built only for islands read.
            let garbled = || makes_few_words(&rest[short + 1..middle_len], tables);
            let ends = match after.as_bytes().first() {
                Some(0x40..=0x7E) => true,
                Some(b'?') => garbled(),
                _ => false,
            };
            if resync.is_none() || !ends {
                middle_len = short;
                after = &rest[middle_len..];
                (resync, resync_len) = resync_at(after);
            }
        }
        let middle = &rest[..middle_len];
        let end = line.len() - after.len() + resync_len;
        // Without an annotation, only `??` (a swallowed byte, then a `？`
        // read one off and folded) between GBK characters and an ASCII byte
        // that set the reading right is looked at: a lone `?` is most often
        // a question, whatever follows it.
        if syllable.is_none()
            && (folded == 0 || middle.is_empty() || !matches!(resync, Some(Resync::Byte(_))))
        {
            return None;
        }
        Some(Island {
            before,
            before_char,
            earlier,
            syllable,
            folded,
            middle,
            resync,
            end,
        })
    }

    /// The text the island stands for, from the `?` to its end, if one
    /// reading is exact and plausible enough.
    fn repair(&self, line: &str, tables: &ScriptTables) -> Option<String> {
        let resync = self.resync?;
        let mut middle = Vec::with_capacity(self.middle.len());
        let mut slots = Vec::new();
        let mut chars = self.middle.chars();
        while let Some(c) = chars.next() {
            match c {
                // The annotation of a character read one off goes.
                '(' => drop(chars.by_ref().find(|&c| c == ')')),
                '?' => {
                    slots.push(middle.len());
                    middle.extend_from_slice(&[0x80, 0]);
                }
                c => middle.extend_from_slice(&gbk_pair(c)?),
            }
        }
        let tail = match resync {
            Resync::Byte(b) => Some(b),
            _ => None,
        };
        // Guesses inside the island are tried where it is short: each is a
        // reading of all of it.
        let guessing = middle.len() <= MAX_GUESSED_BYTES;
        if !guessing && !slots.is_empty() {
            return None;
        }
        let ending = match resync {
            Resync::Annotation(syllable) => Some(syllable),
            _ => None,
        };
        let middles = fill_slots(&middle, &slots, (tail, ending), tables);
        let rest = &line[self.end..];
        let follow = following(rest);
        let annotated = following_annotation(rest);
        let traditional = line.chars().any(|c| tables.simplified(c).is_some());
        // What a reading's last character shows: read as the annotation
        // after the island, or, at the end of the line, ending a sentence.
        let bonus = |text: &str| match (text.chars().next_back(), annotated) {
            (Some(last), Some(syllable))
                if annotation::reads_as(last, syllable, tables) == Some(true) =>
            {
                ANNOTATION_BONUS
            }
            (Some(last), None) if matches!(resync, Resync::End) => {
                if closes(line, last) {
                    CLOSING_BONUS
                } else if "。！？".contains(last) {
                    SENTENCE_END_BONUS
                } else {
                    0.0
                }
            }
            _ => 0.0,
        };
        // `bonus`: `bonus(text)`, found once by the caller.
        let wrong_script = |text: &str| match traditional {
            true => text
                .chars()
                .filter(|&c| tables.is_simplified_only(c))
                .count(),
            false => 0,
        };
        // The score of the end of a reading, `rest`, read on from `previous`
        // (where its start left off), with the `bonus` it earns: what it
        // adds to the score of the start.
        let score_rest = |previous: Likelihood, rest: &str, bonus: f64| {
            let read = Likelihood {
                sum: 0.0,
                ..previous
            };
            let sum = read.read(rest, tables).read(&follow, tables).sum;
            sum + bonus - WRONG_SCRIPT_COST * wrong_script(rest) as f64
        };
        let context: String = self.earlier.into_iter().chain([self.before_char]).collect();
        let before_island = Likelihood::default().read(&context, tables);
        // The start of a reading, all but its last character, read on from
        // the two characters before the island: where it leaves off, and
        // its score.
        let read_start = |start: &str| {
            let head = before_island.read(start, tables);
            (
                head,
                head.sum - WRONG_SCRIPT_COST * wrong_script(start) as f64,
            )
        };
        // Whether the bytes of a reading read as Chinese, and well enough:
        // readings of different lengths compare by their mean transition.
        // What the island's end added to a reading is not guessed.
        let acceptable = |text: &str| {
            let text = resync.strip_from(text);
            let window = format!("{}{text}", self.before_char);
            is_plain(text)
                && likelihood(&window, tables) / window.chars().count() as f64
                    >= MIN_MEAN_LIKELIHOOD
        };
        // The bytes that may end the island, and what must be read from them.
        let tails: Vec<u8> = match resync {
            Resync::Byte(b) => vec![b],
            Resync::Annotation(_) => swallowing_bytes().collect(),
            Resync::End | Resync::Swallowed(_) => (0x40..=0xFEu8).filter(|&b| b != 0x7F).collect(),
        };
        // A reading's end, `last` (its last character) and what the
        // island's end adds to it, with its score read on from `previous`.
        let finish = |previous: Likelihood, last: char| -> Option<(f64, String)> {
            let mut rest = last.to_string();
            // An annotation right after the island is the aligned one of
            // its last character.
            let mut found = bonus(&rest);
            if annotated.is_some() && found == 0.0 {
                return None;
            }
            if let Resync::Annotation(syllable) = resync {
                if annotation::reads_as(last, syllable, tables) != Some(true) {
                    return None;
                }
                rest = format!("{rest}({syllable})");
                found = bonus(&rest);
            }
            if let Resync::Swallowed(ascii) = resync {
                rest.push(char::from(ascii));
                found = bonus(&rest);
            }
            Some((score_rest(previous, &rest, found), rest))
        };
        let clean = |text: &str, loose: bool| match loose {
            true => reads_cleanly(&text.replace(is_private_use, "")),
            false => reads_cleanly(text),
        };
        // The best last character for a last byte, after an ideograph (or
        // a space), the same for every reading that ends so.
        let endings = RefCell::new(HashMap::new());
        // `body`: the bytes before the one that ended the island.
        // With `loose`, a reading may keep private-use characters: one
        // that more restored pairs may mend.
        let read_with = |body: &[u8], loose: bool| -> Option<(f64, String)> {
            let (&last, pairs) = body.split_last()?;
            // Mostly the bytes pair up: then only the last pair changes
            // with the tail, and the rest is read once.
            if let Some(start) = read_pairs(pairs) {
                if !clean(&start, loose) {
                    return None;
                }
                let (head, head_score) = read_start(&start);
                // The last character is chosen after `head`'s last one
                // alone, then read after both.
                let last = *endings
                    .borrow_mut()
                    .entry((last, head.previous, loose))
                    .or_insert_with(|| {
                        let after = Likelihood {
                            before: ' ',
                            ..head
                        };
                        tails
                            .iter()
                            .filter_map(|&tail| {
                                let c = gbk_pair_char([last, tail])?;
                                let clean = clean(c.encode_utf8(&mut [0; 4]), loose);
                                let (score, _) = clean.then(|| finish(after, c)).flatten()?;
                                Some((score, c))
                            })
                            .max_by(|a, b| a.0.total_cmp(&b.0))
                            .map(|(_, c)| c)
                    });
                let (rest_score, rest) = finish(head, last?)?;
                return Some((head_score + rest_score, start + &rest));
            }
            tails
                .iter()
                .filter_map(|&tail| {
                    let mut bytes = Vec::with_capacity(body.len() + 1);
                    bytes.extend_from_slice(body);
                    bytes.push(tail);
                    let (text, malformed) = GBK.decode_without_bom_handling(&bytes);
                    // Bytes paired up right make no ASCII.
                    if malformed || text.bytes().any(|b| b.is_ascii()) || !clean(&text, loose) {
                        return None;
                    }
                    let (split, last) = text.char_indices().next_back()?;
                    let start = &text[..split];
                    let (head, head_score) = read_start(start);
                    let (rest_score, rest) = finish(head, last)?;
                    Some((head_score + rest_score, format!("{start}{rest}")))
                })
                .max_by(|a, b| a.0.total_cmp(&b.0))
        };
        let read = |body: &[u8]| read_with(body, false);
        let best = |bodies: &mut dyn Iterator<Item = Vec<u8>>| {
            bodies
                .filter_map(|body| read(&body))
                .max_by(|a, b| a.0.total_cmp(&b.0))
        };
        let body = |head: &[u8], middle: &[u8]| [head, middle].concat();
        // The swallowed byte, where the annotation names it: the second
        // byte of a character read so whose first byte ends the character
        // before the `?`. The converter annotates Traditional characters;
        // others only when no Traditional one fits.
        let annotated_by = |syllable: &str, traditional: bool| -> Vec<u8> {
            lead_bytes()
                .filter(|&x| {
                    gbk_pair_char([self.before[1], x]).is_some_and(|c| {
                        (!traditional || tables.simplified(c).is_some())
                            && annotation::reads_as(c, syllable, tables) == Some(true)
                    })
                })
                .collect()
        };
        let swallowed = match self.syllable {
            Some(syllable) => Some(annotated_by(syllable, true))
                .filter(|bytes| !bytes.is_empty())
                .unwrap_or_else(|| annotated_by(syllable, false)),
            None => Vec::new(),
        };
        if !swallowed.is_empty() {
            // Named by the annotation and read exactly: evidence enough.
            let mut exact: Vec<(f64, String, &[u8])> = middles
                .iter()
                .filter_map(|m| {
                    let (found, text) = best(&mut swallowed.iter().map(|&x| body(&[x], m)))?;
                    Some((found, text, m.as_slice()))
                })
                .collect();
            exact.sort_by(|a, b| b.0.total_cmp(&a.0));
            // Or a private-use character read one off, which the page
            // dropped, came between: it must read clearly better.
            let bar = exact
                .first()
                .map_or(f64::NEG_INFINITY, |(found, ..)| found + MIN_DROPPED_GAIN);
            // Where the exact reading holds a symbol running text does not
            // (`ｌ` of `，天` less `ac cc`), one that beats it need only be
            // plain itself, however rare its characters.
            let exact_is_prose = exact
                .first()
                .is_none_or(|(_, text, _)| resync.strip_from(text).chars().all(is_prose));
            // Where dropped pairs are looked for: the middles read best,
            // and the likeliest fillings of the `?`s, which a dropped pair
            // may be what makes readable (`來，還沒` of `81 ed a3 [ac df]
            // 80 9b 5d`, where `a3 80` is no character).
            let mut near: Vec<&[u8]> = exact.iter().take(DROPPED_MIDDLES).map(|e| e.2).collect();
            for m in middles.iter().take(DROPPED_MIDDLES) {
                if !near.contains(&m.as_slice()) {
                    near.push(m);
                }
            }
            let context = (self.before_char, follow.chars().next(), ending);
            // Readings with one dropped pair more than `m`, the likeliest
            // first.
            let with_drop = |x: u8, m: &[u8]| -> Vec<Reading> {
                let mut found: Vec<Reading> = dropped_pairs(x, m, tail, context, tables)
                    .into_iter()
                    .filter_map(|(at, pair)| {
                        let mut dropped = m.to_vec();
                        dropped.splice(at..at, pair);
                        let (score, text) = read_with(&body(&[x], &dropped), true)?;
                        Some(Reading {
                            x,
                            score,
                            text,
                            middle: dropped,
                        })
                    })
                    .collect();
                found.sort_by(|a, b| b.score.total_cmp(&a.score));
                found.truncate(DROPPED_BEAM);
                found
            };
            // A beam of the likeliest readings with one dropped pair, two,
            // up to MAX_DROPPED; each must read clearly better than the one
            // it grew from.
            let root = bar;
            let mut beam: Vec<(f64, Reading)> = near
                .iter()
                .filter(|_| guessing)
                .flat_map(|&m| swallowed.iter().flat_map(move |&x| with_drop(x, m)))
                .map(|reading| (bar, reading))
                .collect();
            let mut accepted: Option<Reading> = None;
            for round in 0..MAX_DROPPED {
                // Readings that still hold a private-use character are not
                // taken, but may grow into one that is.
                beam.retain(|(bar, r)| r.score >= *bar);
                beam.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
                beam.truncate(DROPPED_BEAM);
                let taken = beam.iter().map(|(_, r)| r).find(|r| match exact_is_prose {
                    true => acceptable(&r.text),
                    false => is_plain(resync.strip_from(&r.text)),
                });
                if let Some(best) = taken {
                    if accepted.as_ref().is_none_or(|a| best.score > a.score) {
                        accepted = Some(best.clone());
                    }
                }
                if round + 1 == MAX_DROPPED {
                    break;
                }
                beam = beam
                    .iter()
                    .flat_map(|(_, r)| {
                        let bar = (r.score + MIN_DROPPED_GAIN).max(root);
                        with_drop(r.x, &r.middle)
                            .into_iter()
                            .map(move |more| (bar, more))
                    })
                    .collect();
            }
            let accepted = accepted.map(|r| r.text);
            return accepted.or_else(|| exact.into_iter().next().map(|(_, text, _)| text));
        }
        // Lost for good: the swallowed byte, then the folded `？`s.
        let mut head = vec![0];
        for _ in 0..self.folded {
            head.extend_from_slice(&[0xA3, 0xBF]);
        }
        let mut guesses = middles.iter().take(DROPPED_MIDDLES).flat_map(|m| {
            let mut head = head.clone();
            lead_bytes().map(move |x| {
                head[0] = x;
                body(&head, m)
            })
        });
        let (_, text) = best(&mut guesses)?;
        acceptable(&text).then_some(text)
    }
}

impl Resync<'_> {
    /// `text`, a reading of an island, without what this end of it adds
    /// to the bytes read: the annotation, or the ASCII byte swallowed.
    fn strip_from(self, text: &str) -> &str {
        match self {
            Resync::Annotation(syllable) => text
                .strip_suffix(')')
                .and_then(|t| t.strip_suffix(syllable))
                .and_then(|t| t.strip_suffix('('))
                .unwrap_or(text),
            Resync::Swallowed(ascii) => text.strip_suffix(char::from(ascii)).unwrap_or(text),
            Resync::Byte(_) | Resync::End => text,
        }
    }
}

/// The ways to fill the `slots` of `middle` (each a `?` the decoder wrote
/// for a character whose trail byte is 0x80, read one off as a lead byte,
/// and the lead byte after it, which it swallowed; or a full-width `？` read
/// one off and folded to `?`), likeliest first: the swallowed byte among
/// those that make a likely ideograph with the next one. The byte after a
/// slot that ends `middle` is `tail`, or, when the island's end took it
/// too, any that makes a character (read as the annotation the end
/// swallowed, if `ending`).
fn fill_slots(
    middle: &[u8],
    slots: &[usize],
    (tail, ending): (Option<u8>, Option<&str>),
    tables: &ScriptTables,
) -> Vec<Vec<u8>> {
    let han = |pair| han_pair(pair, tables);
    let byte = |i| byte_after(middle, tail, i);
    let mut filled = vec![middle.to_vec()];
    for &slot in slots {
        let left = slot.checked_sub(1).and_then(|i| han([middle[i], 0x80]));
        let right = match (byte(slot + 3), byte(slot + 4)) {
            (Some(a), Some(b)) => han([a, b]),
            _ => None,
        };
        let score = |c: char| {
            let before = freq::transition(left.unwrap_or(' '), c);
            before + right.map_or(0.0, |r| freq::transition(c, r))
        };
        let mut swallowed: Vec<(f64, u8)> = match byte(slot + 2) {
            Some(trail) => lead_bytes()
                .filter_map(|y| Some((score(han([y, trail])?), y)))
                .collect(),
            // The last character, both of whose bytes the island's end
            // took (`爛了,` read as `??`): its best reading for each lead.
            None if slot + 2 == middle.len() => lead_bytes()
                .filter_map(|y| {
                    let best = (0x40..=0xFEu8)
                        .filter_map(|t| han([y, t]))
                        .filter(|&c| {
                            ending.is_none_or(|syllable| {
                                annotation::reads_as(c, syllable, tables) == Some(true)
                            })
                        })
                        .map(score)
                        .max_by(f64::total_cmp)?;
                    Some((best, y))
                })
                .collect(),
            None => return Vec::new(),
        };
        swallowed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        let options: Vec<[u8; 2]> = swallowed
            .iter()
            .take(DROPPED_CANDIDATES)
            .map(|&(_, y)| [0x80, y])
            .chain(std::iter::once([0xA3, 0xBF]))
            .collect();
        filled = filled
            .iter()
            .flat_map(|m| {
                options.iter().map(move |pair| {
                    let mut m = m.clone();
                    m[slot..slot + 2].copy_from_slice(pair);
                    m
                })
            })
            .collect();
    }
    filled
}

/// The ASCII mark (`,` `.` `;` `:` `!`) most likely swallowed inside
/// `line`: the one it puts most often inside itself right after a word
/// (text that spaces its words out puts a space before its marks too; the
/// line's last mark ends it, and runs such as `...` are no single mark),
/// commas counted twice, as they come about twice as often as any other;
/// if any.
fn ascii_punctuation(line: &str) -> Option<u8> {
    let bytes = line.trim_end().as_bytes();
    most_used(b",.;:!", |mark| {
        let uses = bytes
            .windows(3)
            .filter(|w| {
                w[1] == mark && w[2] != mark && !matches!(w[0], b' ' | b'0'..=b'9') && w[0] != mark
            })
            .count();
        uses * if mark == b',' { 2 } else { 1 }
    })
}

/// The ASCII mark (`-` `|` `/` `_` `,`) that `line` puts most often
/// between two characters other than spaces, if any: how a list of site
/// names and keywords sets its items apart.
fn separator(line: &str) -> Option<u8> {
    let bytes = line.as_bytes();
    most_used(b"-|/_,", |mark| {
        bytes
            .windows(3)
            .filter(|w| w[1] == mark && !matches!(w[0], b' ' | b'?') && w[2] != b' ')
            .count()
    })
}

/// The mark of `marks` with the most `uses`, if any is used at all (on a
/// tie, the one with the higher byte).
fn most_used(marks: &[u8], uses: impl Fn(u8) -> usize) -> Option<u8> {
    marks
        .iter()
        .map(|&mark| (uses(mark), mark))
        .filter(|&(uses, _)| uses > 0)
        .max()
        .map(|(_, mark)| mark)
}

/// The character GBK reads the two bytes `pair` as, if they make one
/// that is not ASCII; from a table, as the repair asks for many.
fn gbk_pair_char(pair: [u8; 2]) -> Option<char> {
    static TABLE: OnceLock<Box<[char]>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..=0xFFFFu32)
            .map(|code| {
                let [lead, trail] = (code as u16).to_be_bytes();
                pair_char(GBK, [lead, trail])
                    .filter(|c| !c.is_ascii())
                    .unwrap_or('\0')
            })
            .collect()
    });
    let c = table[usize::from(u16::from_be_bytes(pair))];
    (c != '\0').then_some(c)
}

/// `bytes` read as GBK two at a time, if each pair makes one character
/// that is not ASCII: as the decoder reads them then.
fn read_pairs(bytes: &[u8]) -> Option<String> {
    let mut text = String::with_capacity(bytes.len() * 3 / 2);
    for pair in bytes.chunks(2) {
        text.push(gbk_pair_char(pair.try_into().ok()?)?);
    }
    Some(text)
}

/// The ideograph GBK reads `pair` as, in its Simplified form, if it is one.
fn han_pair(pair: [u8; 2], tables: &ScriptTables) -> Option<char> {
    gbk_pair_char(pair)
        .filter(|&c| is_han(c))
        .map(|c| tables.simplified(c).unwrap_or(c))
}

/// Byte `i` of `middle`, or, just past its end, `tail`: the ASCII byte that
/// ended the island and makes a character with its last byte.
fn byte_after(middle: &[u8], tail: Option<u8>, i: usize) -> Option<u8> {
    middle
        .get(i)
        .copied()
        .or(tail.filter(|_| i == middle.len()))
}

/// A reading of an island with dropped pairs restored.
#[derive(Clone)]
struct Reading {
    /// The swallowed byte.
    x: u8,
    score: f64,
    text: String,
    /// The bytes read one off, with the dropped pairs back.
    middle: Vec<u8>,
}

/// Whether `closer` closes a bracket or quotation that `line` opened and
/// left open.
fn closes(line: &str, closer: char) -> bool {
    const PAIRS: [(char, char); 6] = [
        ('《', '》'),
        ('“', '”'),
        ('「', '」'),
        ('『', '』'),
        ('（', '）'),
        ('〈', '〉'),
    ];
    PAIRS.iter().any(|&(open, close)| {
        close == closer && line.matches(open).count() > line.matches(close).count()
    })
}

/// The last character of `head`, or the one before its own annotation
/// (`談` of `談(tán)`).
fn char_before(head: &str) -> Option<char> {
    without_annotation(head).chars().next_back()
}

/// The last two characters of `head`, each without its own annotation:
/// the one before the last (if any), and the last.
fn chars_before(head: &str) -> Option<(Option<char>, char)> {
    let head = without_annotation(head);
    let last = head.chars().next_back()?;
    Some((char_before(&head[..head.len() - last.len_utf8()]), last))
}

/// `head` without the annotation it ends with, if any.
fn without_annotation(head: &str) -> &str {
    match head.strip_suffix(')').and_then(|h| h.rfind('(')) {
        Some(open) if annotation_at(&head[open + 1..]).is_some() => &head[..open],
        _ => head,
    }
}

/// The syllable of an annotation whose `(` was swallowed, at the start of
/// `rest`: `nèi` of `nèi)`.
fn annotation_at(rest: &str) -> Option<&str> {
    let letters = rest
        .char_indices()
        .take_while(|&(_, c)| is_pinyin_letter(c))
        .take(MAX_SYLLABLE + 1)
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    let syllable = &rest[..letters];
    (syllable.chars().count() <= MAX_SYLLABLE
        && rest[letters..].starts_with(')')
        && annotation::is_syllable(syllable))
    .then_some(syllable)
}

/// log10 of how likely `text` is as Chinese, by the model of
/// [`freq::transition_after`]: ideographs and the common Chinese
/// punctuation by their transitions (in Simplified), digits at a fixed
/// share, anything else (`＃`, full-width letters) as a rarity.
fn likelihood(text: &str, tables: &ScriptTables) -> f64 {
    Likelihood::default().read(text, tables).sum
}

/// [`likelihood`] read so far: the sum, the token a next one follows
/// (an ideograph or a mark; a space after anything else), and the one
/// before that.
#[derive(Clone, Copy)]
struct Likelihood {
    sum: f64,
    previous: char,
    before: char,
}

impl Default for Likelihood {
    fn default() -> Likelihood {
        Likelihood {
            sum: 0.0,
            previous: ' ',
            before: ' ',
        }
    }
}

impl Likelihood {
    /// This, read on through `text`.
    fn read(mut self, text: &str, tables: &ScriptTables) -> Likelihood {
        for c in text.chars() {
            match token(c, tables) {
                Some(c) => {
                    self.sum += freq::transition_after(self.before, self.previous, c);
                    self.before = self.previous;
                    self.previous = c;
                }
                None => {
                    self.sum += if is_digit(c) { DIGIT } else { OTHER };
                    self.previous = ' ';
                    self.before = ' ';
                }
            }
        }
        self
    }
}

/// The characters after an island that its repair must read well with:
/// up to two, after an annotation if one comes first.
fn following(rest: &str) -> String {
    let rest = match following_annotation(rest) {
        Some(syllable) => &rest[syllable.len() + 2..],
        None => rest,
    };
    rest.chars().take(2).collect()
}

/// The syllable of an annotation right at the start of `rest`: `(yè)`.
fn following_annotation(rest: &str) -> Option<&str> {
    let inner = rest.strip_prefix('(')?;
    let close = inner.find(')')?;
    let syllable = &inner[..close];
    (!syllable.is_empty() && syllable.chars().all(is_pinyin_letter)).then_some(syllable)
}

/// The two GBK bytes of `c`, if it is a two-byte GBK character.
fn gbk_pair(c: char) -> Option<[u8; 2]> {
    if c.is_ascii() {
        return None;
    }
    let mut buffer = [0u8; 4];
    let (bytes, _, unmappable) = GBK.encode(c.encode_utf8(&mut buffer));
    match (unmappable, &bytes[..]) {
        (false, &[lead, trail]) => Some([lead, trail]),
        _ => None,
    }
}

fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase()
        || matches!(
            c,
            'ā' | 'á'
                | 'ǎ'
                | 'à'
                | 'ē'
                | 'é'
                | 'ě'
                | 'è'
                | 'ī'
                | 'í'
                | 'ǐ'
                | 'ì'
                | 'ō'
                | 'ó'
                | 'ǒ'
                | 'ò'
                | 'ū'
                | 'ú'
                | 'ǔ'
                | 'ù'
                | 'ǖ'
                | 'ǘ'
                | 'ǚ'
                | 'ǜ'
                | 'ü'
                | 'ê'
        )
}

fn lead_bytes() -> impl Iterator<Item = u8> {
    0x81..=0xFEu8
}

/// Bytes the decoder wrote `?` for when `(` followed: every byte that is
/// not ASCII (`0x80` reads as `€` alone, or not at all).
fn swallowing_bytes() -> impl Iterator<Item = u8> {
    0x80..=0xFFu8
}

/// How many characters for the byte a `?` swallowed are tried, the
/// likeliest first.
const DROPPED_CANDIDATES: usize = 12;
/// How many private-use pairs are tried at each character boundary: the
/// likeliest, by their two bytes scored apart.
const DROPPED_PER_BOUNDARY: usize = DROPPED_CANDIDATES * DROPPED_CANDIDATES;
/// How many private-use pairs are tried in one island, at most: as many as
/// at each of the 25 boundaries of a stretch of 48 bytes. A longer one has
/// fewer tried at each boundary, so that, each reading of it taking time
/// in step with its length, repair spends no more time on a byte of it.
const DROPPED_PER_ISLAND: usize = DROPPED_PER_BOUNDARY * 25;
/// The longest stretch read one off, in bytes, inside which lost bytes are
/// guessed (a `?`'s swallowed byte, a dropped private-use pair): a long
/// one is mostly a whole sentence that one pair cut loose.
const MAX_GUESSED_BYTES: usize = 160;
/// How many readings with dropped pairs are carried from one dropped pair
/// to the next.
const DROPPED_BEAM: usize = 4;
/// How many private-use pairs an island may have lost.
const MAX_DROPPED: usize = 4;
/// How many of the readings of an island's `?`s a dropped pair is looked
/// for in, the likeliest first: those read best, and as many of those
/// filled likeliest.
const DROPPED_MIDDLES: usize = 3;

/// The private-use pairs that may have been dropped from `middle` (the
/// bytes read one off, after the swallowed byte `first`, and before the
/// ASCII byte `tail` that ended them, if known), each with where it
/// stood: at every character boundary, the pairs that GBK reads as
/// private-use characters ([`private_use_pairs`], which pages drop) whose
/// bytes complete the characters on both sides plausibly.
///
/// A pair dropped at a boundary takes the trail byte of one character and
/// the lead byte of the next. Each byte is scored apart, by how likely an
/// ideograph or mark it makes beside its known neighbour (`before` the
/// island, `after` it, or a character that reads as the annotation that
/// `ending` it swallowed), and the pairs with the best sums are kept: some
/// hundreds of readings instead of tens of thousands, fewer at each
/// boundary of a long island ([`DROPPED_PER_ISLAND`]).
fn dropped_pairs(
    first: u8,
    middle: &[u8],
    tail: Option<u8>,
    (before, after, ending): (char, Option<char>, Option<&str>),
    tables: &ScriptTables,
) -> Vec<(usize, [u8; 2])> {
    let simplified = |c: char| tables.simplified(c).unwrap_or(c);
    // What a pair reads as in running text: an ideograph, or a mark (`，`
    // is `a3 ac`, and `ac` with a lead byte is a private-use pair).
    let token = |pair| gbk_pair_char(pair).and_then(|c| token(c, tables));
    let byte = |i| byte_after(middle, tail, i);
    let mut pairs = Vec::new();
    let boundaries = middle.len() / 2 + 1;
    let per_boundary =
        (DROPPED_PER_ISLAND / boundaries).clamp(DROPPED_CANDIDATES, DROPPED_PER_BOUNDARY);
    for at in (0..=middle.len()).step_by(2) {
        let lead = if at == 0 { first } else { middle[at - 1] };
        let Some(trail) = byte(at) else {
            continue;
        };
        let left = match at {
            0 => Some(simplified(before)),
            2 => token([first, middle[0]]),
            _ => token([middle[at - 3], middle[at - 2]]),
        };
        let right: Vec<char> = match (byte(at + 1), byte(at + 2)) {
            (Some(a), Some(b)) => token([a, b]).into_iter().collect(),
            (None, _) => after.map(simplified).into_iter().collect(),
            // The last character, whose trail byte the `?` of the
            // annotation after the island swallowed: one that reads so.
            (Some(a), None) => ending.map_or_else(Vec::new, |syllable| {
                swallowing_bytes()
                    .filter_map(|y| gbk_pair_char([a, y]))
                    .filter(|&c| {
                        is_han(c) && annotation::reads_as(c, syllable, tables) == Some(true)
                    })
                    .map(simplified)
                    .collect()
            }),
        };
        let end = |t: u8| {
            let d = token([lead, t])?;
            Some(freq::transition(left.unwrap_or(' '), d))
        };
        let start = |l: u8| {
            let e = token([l, trail])?;
            let next = right
                .iter()
                .map(|&r| freq::transition(e, r))
                .max_by(f64::total_cmp)
                .unwrap_or(0.0);
            Some(freq::transition(' ', e) + next)
        };
        let mut ends = [None; 256];
        let mut starts = [None; 256];
        let mut found: Vec<(f64, [u8; 2])> = private_use_pairs()
            .iter()
            .filter_map(|&[t, l]| {
                let end = *ends[usize::from(t)].get_or_insert_with(|| end(t));
                let start = *starts[usize::from(l)].get_or_insert_with(|| start(l));
                Some((end? + start?, [t, l]))
            })
            .collect();
        if found.len() > per_boundary {
            found.select_nth_unstable_by(per_boundary, |a, b| b.0.total_cmp(&a.0));
            found.truncate(per_boundary);
        }
        pairs.extend(found.into_iter().map(|(_, pair)| (at, pair)));
    }
    pairs
}

/// The pairs of bytes that GBK reads as private-use characters: its
/// user-defined areas, and the code points of GB2312 and GBK left
/// unassigned (`d7 fa` to `d7 fe`), which decoders map to private use too.
fn private_use_pairs() -> &'static [[u8; 2]] {
    static PAIRS: OnceLock<Vec<[u8; 2]>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        (0x8140..=0xFEFEu16)
            .map(u16::to_be_bytes)
            .filter(|&pair| gbk_pair_char(pair).is_some_and(is_private_use))
            .collect()
    })
}

/// What the n-gram model reads `c` as: an ideograph in its Simplified
/// form, or one of the [`COMMON_MARKS`]; anything else it does not read.
fn token(c: char, tables: &ScriptTables) -> Option<char> {
    match is_han(c) {
        true => Some(tables.simplified(c).unwrap_or(c)),
        false => Some(c).filter(|&c| is_common_mark(c)),
    }
}

/// The punctuation marks of running Chinese text, each of which the
/// n-gram model reads.
const COMMON_MARKS: &str = "，。、；：？！“”‘’「」『』《》（）…—·∶";

/// Whether `c` is one of [`COMMON_MARKS`].
fn is_common_mark(c: char) -> bool {
    COMMON_MARKS.contains(c)
}

/// Whether `c` is an ASCII or full-width digit.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Whether [`likelihood`] reads `c` as running Chinese text does: an
/// ideograph, a common mark or a digit, not a rarity.
fn is_prose(c: char) -> bool {
    is_han(c) || is_common_mark(c) || is_digit(c)
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// Whether a reading holds no mojibake symbols (private-use characters
/// among them).
fn reads_cleanly(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c == '\u{FFFD}' || (!c.is_ascii() && is_mojibake_symbol(c)))
}

/// Whether a repair is ideographs and Chinese punctuation.
fn is_plain(text: &str) -> bool {
    text.chars().all(|c| is_han(c) || is_cjk_punctuation(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(line: &str) -> String {
        let tables = ScriptTables::get();
        repair_islands(line, tables).map_or_else(|| line.to_string(), |(text, _)| text)
    }

    /// Each island of `cases` repaired as its text.
    fn assert_repairs(cases: &[(&str, &str)]) {
        for &(island, text) in cases {
            assert_eq!(repaired(island), text, "{island}");
        }
    }

    /// Characters GBK cannot write two bytes for, inside or after an
    /// island: left as they are, never a slice inside one of them.
    #[test]
    fn characters_outside_gbk_end_an_island() {
        for line in [
            "人們?nèi)\u{80}绾闻c",
            "人們?nèi)绾\u{80}?闻c",
            "人們?nèi)😀?o绾",
            "人們?nèi)绾?\u{fffd}?",
            "人們?nèi)\u{20000}??",
        ] {
            let out = repaired(line);
            assert!(
                out.contains(['\u{80}', '😀', '\u{fffd}', '\u{20000}']),
                "{line} -> {out}"
            );
        }
    }

    #[test]
    fn the_five_examples() {
        assert_repairs(&[
            ("人們?nèi)绾闻c", "人們如何與"),
            ("因?yàn)橐婚_(kāi)", "因為一開(kāi)"),
            ("向?qū)I(yè)化", "向專業(yè)化"),
            ("上??萍即髮W", "上海科技大學"),
            ("推動?xùn)|北", "推動東北"),
        ]);
    }

    #[test]
    fn a_swallowed_ascii_byte_is_guessed_from_its_neighbours() {
        // Spaced Cantonese lost the space after `初` to the `?`.
        assert_eq!(repaired("結果 , 何必當?dí)?呢 ."), "結果 , 何必當初 呢 .");
        // A lone `?` before dots is left: no annotation names a byte.
        assert_eq!(repaired("我暈?....都啥"), "我暈?....都啥");
    }

    #[test]
    fn the_bigram_model_reads_every_common_mark() {
        for c in COMMON_MARKS.chars() {
            assert!(freq::mark_share(c).is_some(), "{c}");
        }
        // After a sentence, a new one; not inside a word.
        assert!(freq::transition('。', '我') > freq::transition('。', '了'));
        assert!(freq::transition('了', '。') > freq::transition('的', '。'));
    }

    #[test]
    fn private_use_pairs_are_the_user_defined_areas_and_the_gaps() {
        let pairs = private_use_pairs();
        for pair in [[0xAA, 0xA1], [0xFE, 0xFE], [0xA1, 0x40], [0xD7, 0xFC]] {
            assert!(pairs.contains(&pair), "{pair:x?}");
        }
        // 1,894 in the user-defined areas (6 and 7 rows of 94, 7 of 96),
        // 154 in the gaps.
        assert_eq!(pairs.len(), 2048);
        assert!(!pairs.contains(&[0xD7, 0xF9]));
    }

    #[test]
    fn pairs_read_as_the_decoder_reads_them() {
        let text = "人們如何與專業化，上海科技大學。";
        let (bytes, _, _) = GBK.encode(text);
        assert_eq!(read_pairs(&bytes).as_deref(), Some(text));
        // ASCII, and the first half of a four-byte GB18030 sequence.
        assert_eq!(read_pairs(b"ab"), None);
        assert_eq!(read_pairs(&[0x81, 0x30, 0x81, 0x30]), None);
        assert_eq!(gbk_pair_char([0x83, 0xC8]), Some('內'));
        assert_eq!(gbk_pair_char([0x83, b'(']), None);
    }

    #[test]
    fn swallowed_marks_follow_the_line() {
        // The comma comes twice as often; `......` is one mark; the last
        // mark ends the line.
        assert_eq!(
            ascii_punctuation("發灰. 上面,還有,很多. 小洞......"),
            Some(b',')
        );
        assert_eq!(ascii_punctuation("一.房間外面.無法入睡"), Some(b'.'));
        assert_eq!(ascii_punctuation("這本書真的很好!"), None);
        assert_eq!(separator("seo排名-百度快照-關鍵詞排名"), Some(b'-'));
        assert_eq!(separator("百度 | 快照 | 排名"), None);
    }

    /// A byte swallowed before an ideograph, in a line with no ASCII mark
    /// or spaces to tell what it was, stays a `?`; the island around it is
    /// read (a line the islands test makes from a product review).
    #[test]
    fn an_unknown_swallowed_byte_stays_a_question_mark() {
        assert_eq!(
            repaired("一次看到這本?wěi)?因爲包裝什麼的都很喜歡所以來買了結果"),
            "一次看到這本書?因爲包裝什麼的都很喜歡所以來買了結果"
        );
    }

    /// A character whose trail byte is 0x80 inside an island that a `?`
    /// ends (`?yōng)`, the annotation of `擁`); lines the islands test
    /// makes from People's Daily and a product review.
    #[test]
    fn a_question_mark_inside_an_island_that_a_question_mark_ends() {
        assert_repairs(&[
            (
                "１５個行政村中８?jìng)?鍝?yōng)有專利，其中",
                "１５個行政村中８個村擁(yōng)有專利，其中",
            ),
            (
                "感覺要比這本?wěi)\u{e24d}枚嗔耍\u{e0e9}曳\u{e13a}藗?蟾牛\u{e0d9}腿拥揭贿吶チ恕?",
                "感覺要比這本書好多了，我翻了個大概，就扔到一邊去了。",
            ),
            // Where good text follows the `?`, it is the page's own and
            // the island ends before it.
            (
                concat!(
                    "2. 衛生差, 房間地毯很髒(zāng), 一個一個不知道是什麼液體留下的",
                    "黑色圈圈痕跡(jī), 寢具洗得不夠(gòu)乾(qián)淨(jìng), ",
                    "本來?xiǎng)\u{e033}撌前咨\u{e072}?但是顏(yán)色看起?kuì)韰s發灰. 上面還有很多小洞. ",
                    "另外, 看到蟑螂坦然的從桌子上爬過去......",
                ),
                concat!(
                    "2. 衛生差, 房間地毯很髒(zāng), 一個一個不知道是什麼液體留下的",
                    "黑色圈圈痕跡(jī), 寢具洗得不夠(gòu)乾(qián)淨(jìng), ",
                    "本來應該是白色的,但是顏(yán)色看起來卻發灰. 上面還有很多小洞. ",
                    "另外, 看到蟑螂坦然的從桌子上爬過去......",
                ),
            ),
        ]);
    }

    /// A character whose trail byte is 0x80 right before the island's end:
    /// the `?` the decoder wrote for it swallowed the lead byte of the
    /// last character, whose trail byte ends the island (`無` of `?o`), or
    /// is itself taken by the end (`了,` of `??`). Lines the islands test
    /// makes from product reviews.
    #[test]
    fn a_last_character_cut_by_0x80_is_read() {
        assert_repairs(&[
            (
                "沒想到，一本?wěi)\u{e265}粋?o聊透頂的故事",
                "沒想到，一本書一個無聊透頂的故事",
            ),
            (
                "這本?wěi)鴮嵲谔珷??什麼朗讀手冊,一點朗讀的內容都沒有.",
                "這本書實在太爛了,什麼朗讀手冊,一點朗讀的內容都沒有.",
            ),
            // Right after the annotation: `個` is `82 80`, the `?` it
            // reads as swallowed the `91` of `懶`, whose `d0` the `?` of
            // the annotation after it is.
            (
                "原本想睡?fēng)??lǎn)覺，早上9點鐘",
                "原本想睡個懶(lǎn)覺，早上9點鐘",
            ),
        ]);
    }

    #[test]
    fn lost_bytes_are_guessed_by_the_ngram_model() {
        assert_repairs(&[
            // `個` is `82 80`: the decoder took 0x80 for a lead byte and
            // swallowed the `b2` of `部`.
            ("我公司?jī)蓚?块T共六個人", "我公司兩個部門共六個人"),
            // The page dropped the private-use character that `aa ca` (of
            // `應受`) read as; the annotation after the island stays.
            (
                "是一種不法行爲，理?xiǎng)艿絿绤柎驌?jī)。",
                "是一種不法行爲，理應受到嚴厲打擊(jī)。",
            ),
            // The annotation after the island confirms its last character,
            // not that nothing was dropped before it (`，真` read one off
            // is `ac d5`, private use).
            (
                "但發自?xún)刃牡奈⑿Γ嬲\\(chéng)的服務",
                "但發自內心的微笑，真誠(chéng)的服務",
            ),
            // The `?` swallowed a digit (`2` of `209`): which one, nothing
            // tells, so it stays a `?`; the rest is read back.
            (
                "之前我們(men)?nèi)胱〉娜缂?09元的房費",
                "之前我們(men)入住的如家?09元的房費",
            ),
            // The `?` swallowed the `.` the line writes elsewhere too.
            (
                "一.房間外面是中央空調外機的聲?tán)?無法入睡",
                "一.房間外面是中央空調外機的聲音.無法入睡",
            ),
            // `幾點` (`8e d7 fc 63`) read one off is `d7 fc`, a code point
            // GBK left unassigned, which decoders read as private use: the
            // page dropped it.
            ("凌波臺畔花如剪，?yáo)c吳霜。", "凌波臺畔花如剪，幾點吳霜。"),
            // Read exactly, `，天` less the dropped `ac cc` is `a3 ec`,
            // `ｌ`: then a reading of rare characters (`惻惻`) will do.
            ("節往情?yán)艕牛旄咚加朴啤?", "節往情惻惻，天高思悠悠。"),
            // `a3 80` (`，` and the lead byte of `還`) is no character:
            // only with `ac df` restored between them does the `?`, which
            // swallowed the `9b` of `沒`, read.
            (
                "到了門口才想起?kuì)恚?]預定，立即撥打",
                "到了門口才想起來，還沒預定，立即撥打",
            ),
            // Two pairs dropped: `f9 b1` of `根本`, and `fe a1` of `楚。`,
            // whose second byte starts a mark, not an ideograph.
            (
                "因爲大部分DVD的聲?tán)舾韭牪磺宄Ｖ挥械谝粡埖诹鶑埵呛玫摹，F在很後悔",
                "因爲大部分DVD的聲音根本聽不清楚。只有第一張第六張是好的。現在很後悔",
            ),
            // Verse: `亭午` is a pair of the verse in the bigram model.
            ("溪行衣自?huī)幔の鐨馐忌ⅰ?", "溪行衣自溼，亭午氣始散。"),
            // Four pairs dropped: each of `國和`, `阿拉伯`, `國家` and `之間`
            // straddles one.
            (
                "爲?jù)袊桶⒗畤抑g的友好交往",
                "爲中國和阿拉伯國家之間的友好交往",
            ),
            // A whole sentence read one off (62 bytes), cut loose by the
            // pair dropped after `於`.
            (
                "當我們?yǎn)踩混镀匠：同嵥椋斘覀冃燎陟赌切┢匠：同嵥椋覀儽囟ㄊ鞘辗偟哪且涣t。",
                "當我們安然於平常和瑣碎，當我們辛勤於那些平常和瑣碎，我們必定是收穫的那一羣。",
            ),
        ]);
    }

    /// Runs of three of running text tell readings apart that pairs rate
    /// alike: `不要輕易` over `只要輕易`, `、機關` over `。機關`.
    #[test]
    fn runs_of_three_tell_what_pairs_cannot() {
        assert_repairs(&[
            (
                "有關安全的麻?kuò)┳龊贸浞炙枷霚蕚渲埃灰p易作決定。",
                "有關安全的麻煩做好充分思想準備之前，不要輕易作決定。",
            ),
            (
                "學生、解?huǒ)跑姂鹗俊C關幹部，深切懷念",
                "學生、解放軍戰士、機關幹部，深切懷念",
            ),
            (
                "所以對這本?wěi)钠谕颠^高，拿到手裏看時",
                "所以對這本書的期望值過高，拿到手裏看時",
            ),
        ]);
    }

    /// A reading whose run of three never came after a context counted
    /// often loses to one whose run did: `個版的` over `個真的`, `個嶄` over
    /// `個展` (both read `zhǎn`).
    #[test]
    fn runs_never_seen_after_a_common_context_lose() {
        assert_repairs(&[
            ("並減少６—８?jìng)?娴挠∷⒘俊?", "並減少６—８個版的印刷量。"),
            (
                "一座座冰雕?luò)嫵闪肆硪粋??zhǎn)新的世界，人們穿梭其間",
                "一座座冰雕構成了另一個嶄(zhǎn)新的世界，人們穿梭其間",
            ),
        ]);
    }

    #[test]
    fn genuine_question_marks_stay() {
        for text in [
            "哪天入九?",
            "是嗎?好的",
            "真的嗎??",
            "What?",
            "你好?OK",
            "為什麼?為什麼?",
        ] {
            assert_eq!(repaired(text), text);
        }
    }
}
