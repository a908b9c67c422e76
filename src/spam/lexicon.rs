//! Keyword lexicons and chrome phrases, and matching them.
//!
//! Entries are kept in their folded form (Simplified, half-width, lower-case,
//! no blanks; see [`fold`]), so each is found in every spelling that folds
//! to it: Traditional, full-width, spaced out.
//!
//! Matching is anchored: each entry is watched for by its rarest character
//! (by the frequency table of [`crate::freq`]), and only where the page scan
//! meets such a character are the entries anchored on it compared with the
//! text around it. Rare characters are rare, so almost every line costs
//! nothing beyond the scan that reads it anyway, whatever the size of the
//! lexicons; an automaton over the whole page would read every byte again.

use std::cmp::Reverse;

use aho_corasick::AhoCorasick;
use std::collections::HashSet;

use crate::freq;
use crate::hash::IntMap;
use crate::script::{is_han, ScriptTables};

use super::scan::{opening, CharTable, ChromeStarts};
use super::SpamError;

/// The lexicons that ship with zhclean: (category, text).
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("porn", include_str!("../../data/spam/porn.txt")),
    ("gambling", include_str!("../../data/spam/gambling.txt")),
    ("drugs", include_str!("../../data/spam/drugs.txt")),
    ("fraud", include_str!("../../data/spam/fraud.txt")),
    ("seo", include_str!("../../data/spam/seo.txt")),
];

/// The chrome phrases that ship with zhclean.
pub(crate) const BUILTIN_CHROME: &str = include_str!("../../data/spam/chrome.txt");

/// How many characters of a line the chrome check looks at; a longer line is
/// chrome only by a prefix phrase.
pub(crate) const CHROME_HEAD: usize = 64;

/// How many distinct characters entries can be anchored on.
pub(crate) const MAX_ANCHORS: usize = 0x7FFF;

/// Spam keywords by category.
#[derive(Debug)]
pub(crate) struct Lexicon {
    entries: Vec<Entry>,
    /// The characters entries are anchored on, each with its slot in
    /// `anchored`.
    anchors: IntMap<char, usize>,
    /// For each anchor character: the entries anchored on it.
    anchored: Vec<Vec<Candidate>>,
    /// The most characters an entry has.
    longest: usize,
}

/// An entry anchored on a character, with the characters beside the anchor
/// in it: most candidates are ruled out by those without reading the entry.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    entry: u32,
    /// Where the anchor stands in the entry, in characters.
    index: u32,
    /// The characters after and before the anchor, if the entry has them.
    next: Option<char>,
    previous: Option<char>,
}

#[derive(Debug)]
struct Entry {
    category: String,
    /// The folded text.
    term: String,
    chars: Vec<char>,
}

/// A keyword found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit<'a> {
    pub(crate) category: &'a str,
    pub(crate) term: &'a str,
    /// How often it occurs in the line.
    pub(crate) count: usize,
}

impl Lexicon {
    /// Builds a lexicon from `(category, text)` pairs.
    pub(crate) fn build<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Lexicon, SpamError> {
        let tables = ScriptTables::get();
        let mut entries = Vec::new();
        let mut anchors: IntMap<char, usize> = IntMap::default();
        let mut anchored: Vec<Vec<Candidate>> = Vec::new();
        let mut seen = HashSet::new();
        let too_many =
            || SpamError::Lexicon("more than 2^32 entries, or an entry that long".into());
        for (category, text) in sources {
            for line in entry_lines(text) {
                let mut term = String::new();
                fold_into(line, tables, &mut term);
                if !seen.insert(term.clone()) {
                    continue;
                }
                let chars: Vec<char> = term.chars().collect();
                let Some((at, &anchor)) = chars
                    .iter()
                    .enumerate()
                    .min_by_key(|&(_, &c)| commonness(c))
                else {
                    continue;
                };
                let slot = *anchors.entry(anchor).or_insert_with(|| {
                    anchored.push(Vec::new());
                    anchored.len() - 1
                });
                anchored[slot].push(Candidate {
                    entry: u32::try_from(entries.len()).map_err(|_| too_many())?,
                    index: u32::try_from(at).map_err(|_| too_many())?,
                    next: chars.get(at + 1).copied(),
                    previous: at.checked_sub(1).map(|i| chars[i]),
                });
                entries.push(Entry {
                    category: category.to_string(),
                    term,
                    chars,
                });
            }
        }
        if entries.is_empty() {
            return Err(SpamError::Lexicon("no entries".into()));
        }
        if anchored.len() > MAX_ANCHORS {
            return Err(SpamError::Lexicon(format!(
                "entries need {} distinct anchor characters, more than {MAX_ANCHORS}",
                anchored.len()
            )));
        }
        let longest = entries.iter().map(|e| e.chars.len()).max().unwrap_or(0);
        Ok(Lexicon {
            entries,
            anchors,
            anchored,
            longest,
        })
    }

    /// The most characters an entry has (for
    /// [`super::features::LineFeatures::lexicon_bound`]).
    pub(crate) fn longest(&self) -> usize {
        self.longest
    }

    /// The characters entries are anchored on, with their slots (for
    /// [`CharTable::anchor_slot`]).
    pub(crate) fn anchor_slots(&self) -> &IntMap<char, usize> {
        &self.anchors
    }

    /// The entries found in `line`, leftmost first and the longest of those
    /// starting at one place, not overlapping; `anchors` are the byte
    /// offsets of the line's anchor characters (from the page scan).
    pub(crate) fn find(&self, table: &CharTable, line: &str, anchors: &[usize]) -> Vec<usize> {
        let mut matches = Vec::new();
        for &at in anchors {
            let Some(c) = line[at..].chars().next() else {
                continue;
            };
            let Some(candidates) = table
                .anchor_slot(c)
                .and_then(|slot| self.anchored.get(slot))
            else {
                continue;
            };
            let after = at + c.len_utf8();
            // The neighbours rule out most candidates at once; the one
            // before is read only for a candidate the one after lets by.
            let next = line[after..].chars().find_map(|c| table.fold(c));
            let mut previous = None;
            for candidate in candidates {
                if candidate.next.is_some_and(|w| Some(w) != next) {
                    continue;
                }
                if let Some(w) = candidate.previous {
                    let previous = *previous.get_or_insert_with(|| {
                        line[..at].chars().rev().find_map(|c| table.fold(c))
                    });
                    if Some(w) != previous {
                        continue;
                    }
                }
                let (entry, index) = (candidate.entry as usize, candidate.index as usize);
                let chars = &self.entries[entry].chars;
                let mut before = line[..at].char_indices().rev();
                let Some(start) = matched(table, &mut before, chars[..index].iter().rev(), at)
                else {
                    continue;
                };
                let mut rest = line[after..]
                    .char_indices()
                    .map(|(i, c)| (after + i + c.len_utf8(), c));
                let Some(end) = matched(table, &mut rest, chars[index + 1..].iter(), after) else {
                    continue;
                };
                // Sized at the first (an entry stands on each anchor of a
                // spam line, some on two), as are the lists below: grown,
                // they took a few reallocations a spam line.
                if matches.is_empty() {
                    matches.reserve(2 * anchors.len());
                }
                matches.push((start, Reverse(chars.len()), end, entry));
            }
        }
        matches.sort_unstable();
        let mut found = Vec::with_capacity(matches.len());
        let mut free_from = 0;
        for (start, _, end, entry) in matches {
            if start >= free_from {
                found.push(entry);
                free_from = end;
            }
        }
        found
    }

    /// The distinct entries among `found` (entry numbers from [`Lexicon::find`]).
    pub(crate) fn hits(&self, found: impl IntoIterator<Item = usize>) -> Vec<Hit<'_>> {
        let found = found.into_iter();
        let mut hits: Vec<Hit> = Vec::with_capacity(found.size_hint().0);
        for entry in found {
            let Entry { category, term, .. } = &self.entries[entry];
            match hits.iter_mut().find(|h| h.term == term) {
                Some(hit) => hit.count += 1,
                None => hits.push(Hit {
                    category,
                    term,
                    count: 1,
                }),
            }
        }
        hits
    }
}

/// Walks `text` (positions and characters, blanks skipped) along `want`;
/// the position of the last character matched (`from` if `want` is empty),
/// or `None` at the first that differs.
fn matched<'a>(
    table: &CharTable,
    text: &mut impl Iterator<Item = (usize, char)>,
    want: impl Iterator<Item = &'a char>,
    from: usize,
) -> Option<usize> {
    let mut position = from;
    for &w in want {
        let (at, folded) = text.find_map(|(at, c)| table.fold(c).map(|f| (at, f)))?;
        if folded != w {
            return None;
        }
        position = at;
    }
    Some(position)
}

/// How common `c` is in text; entries are anchored on their least common
/// character. ASCII letters are rarer in Chinese text than its common
/// characters, and rank among themselves by their frequency in English;
/// digits and punctuation are everywhere.
fn commonness(c: char) -> u64 {
    const LETTERS: &str = "zqxjkvbpygfwmucldrhsnioate";
    if let Some(rank) = LETTERS.find(c) {
        return 1_000 + 100 * rank as u64;
    }
    if c.is_ascii() {
        return u64::MAX;
    }
    freq::count(c)
}

/// Phrases that make up a whole line of page chrome.
#[derive(Debug, Default)]
pub(crate) struct ChromePhrases {
    exact: HashSet<String>,
    prefixes: Vec<String>,
    /// Phrases that make a short line chrome wherever they stand in it, and
    /// an automaton that finds any of them in one pass.
    within: Vec<String>,
    within_matcher: Option<AhoCorasick>,
}

/// The longest line, in characters, that a `~` phrase makes chrome.
pub(crate) const CHROME_WITHIN_MAX: usize = 40;

impl ChromePhrases {
    pub(crate) fn parse(text: &str) -> ChromePhrases {
        let tables = ScriptTables::get();
        let key = |phrase: &str| {
            let mut folded = String::new();
            fold_into(phrase, tables, &mut folded);
            chrome_key(&folded)
        };
        let mut phrases = ChromePhrases::default();
        for entry in entry_lines(text) {
            if let Some(prefix) = entry.strip_suffix('*') {
                phrases.prefixes.push(key(prefix));
            } else if let Some(phrase) = entry.strip_prefix('~') {
                phrases.within.push(key(phrase));
            } else {
                phrases.exact.insert(key(entry));
            }
        }
        // Phrases are short and few; the automaton cannot fail to build.
        phrases.within_matcher = AhoCorasick::new(&phrases.within).ok();
        phrases
    }

    /// The characters chrome phrases and counter words start with.
    pub(crate) fn starts(&self) -> ChromeStarts {
        let first = |phrase: &String| phrase.chars().next();
        // The first two characters; a phrase of one, any second.
        let opening_of = |phrase: &String| {
            let mut chars = phrase.chars();
            Some(opening(chars.next()?, chars.next()))
        };
        ChromeStarts {
            start: self
                .exact
                .iter()
                .chain(&self.prefixes)
                .filter_map(first)
                .collect(),
            counter: COUNTER_WORDS
                .iter()
                .filter_map(|w| w.chars().next())
                .collect(),
            prefix: self.prefixes.iter().filter_map(first).collect(),
            within: self.within.iter().filter_map(first).collect(),
            openings: self
                .exact
                .iter()
                .filter_map(|phrase| {
                    let mut chars = phrase.chars();
                    Some(opening(chars.next()?, Some(chars.next().unwrap_or('\0'))))
                })
                .chain(self.prefixes.iter().filter_map(opening_of))
                .collect(),
            within_openings: self.within.iter().filter_map(opening_of).collect(),
        }
    }

    /// The phrase that makes `folded` (a line in [`fold`]ed form)
    /// chrome, or the shape: a breadcrumb trail or a bar of counters.
    pub(crate) fn find(&self, folded: &str) -> Option<&str> {
        // Chrome is short, or starts with a prefix phrase: the start of a
        // line is enough to decide.
        let head_end = folded.char_indices().nth(CHROME_HEAD).map(|(i, _)| i);
        let Some(head_end) = head_end else {
            return self.find_in_short(folded);
        };
        // A long line is chrome only by a prefix phrase: look no further
        // unless it starts the way one does.
        let first = folded.chars().find(|&c| keeps_in_key(c));
        if !first.is_some_and(|f| self.prefixes.iter().any(|p| p.starts_with(f))) {
            return None;
        }
        let key = chrome_key(&folded[..head_end]);
        self.prefixes
            .iter()
            .find(|p| key.starts_with(p.as_str()))
            .map(String::as_str)
    }

    fn find_in_short(&self, folded: &str) -> Option<&str> {
        if is_breadcrumb(folded) {
            return Some("breadcrumb trail");
        }
        if is_counter_bar(folded) {
            return Some("counter bar");
        }
        let key = chrome_key(folded);
        if key.is_empty() {
            return None;
        }
        if let Some(phrase) = self.exact.get(&key) {
            return Some(phrase);
        }
        if let Some(prefix) = self.prefixes.iter().find(|p| key.starts_with(p.as_str())) {
            return Some(prefix);
        }
        if folded.chars().count() <= CHROME_WITHIN_MAX {
            let found = self.within_matcher.as_ref()?.find(&key)?;
            return self
                .within
                .get(found.pattern().as_usize())
                .map(String::as_str);
        }
        None
    }
}

/// Words of counter bars (`2 评论 3384 浏览 15 收藏`, `浏览次数：2568`).
const COUNTER_WORDS: [&str; 17] = [
    "浏览次数",
    "阅读量",
    "评论",
    "浏览",
    "收藏",
    "阅读",
    "点赞",
    "分享",
    "转发",
    "回复",
    "关注",
    "点击",
    "围观",
    "人气",
    "次",
    "条",
    "人",
];

/// `首页 > 财经 > 正文`: two or more `>`-like separators between short items.
fn is_breadcrumb(folded: &str) -> bool {
    if !folded.contains(['>', '›', '»', '＞']) {
        return false;
    }
    let items: Vec<&str> = folded.split(['>', '›', '»', '＞']).collect();
    items.len() >= 3
        && items.iter().all(|item| {
            (1..=12).contains(&item.chars().count())
                && item.chars().any(char::is_alphabetic)
                && !item.contains(['。', '，'])
        })
}

/// A line of counters: digits, and nothing but counter words between them.
fn is_counter_bar(folded: &str) -> bool {
    if !folded.bytes().any(|b| b.is_ascii_digit()) || folded.chars().count() > 40 {
        return false;
    }
    let mut rest = chrome_key(folded);
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        match COUNTER_WORDS.iter().find(|w| rest.starts_with(**w)) {
            Some(word) => rest.drain(..word.len()),
            None => return false,
        };
    }
    true
}

/// The form a character takes for matching: Traditional-only characters
/// folded to Simplified, full-width letters and digits to ASCII, ASCII
/// lower-cased; `None` for a blank, which is left out (`麻 豆` is `麻豆`).
#[inline]
pub(crate) fn fold(c: char, tables: &ScriptTables) -> Option<char> {
    if c.is_ascii() {
        return (!c.is_ascii_whitespace()).then(|| c.to_ascii_lowercase());
    }
    let folded = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).map_or(c, |a| a.to_ascii_lowercase()),
        _ => tables.simplified(c).unwrap_or(c),
    };
    (!folded.is_whitespace()).then_some(folded)
}

/// Appends the folded form of `text` (see [`fold`]) to `out`.
pub(crate) fn fold_into(text: &str, tables: &ScriptTables, out: &mut String) {
    out.extend(text.chars().filter_map(|c| fold(c, tables)));
}

/// Whether `c` stays in a chrome key: letters, not blanks, punctuation or digits.
pub(crate) fn keeps_in_key(c: char) -> bool {
    c.is_ascii_alphabetic() || is_han(c) || (!c.is_ascii() && c.is_alphabetic())
}

/// A line reduced for comparing with chrome phrases: no blanks, punctuation
/// or digits, ASCII lower-cased.
pub(crate) fn chrome_key(text: &str) -> String {
    // Sized at once: collected, it grew a few times a line.
    let mut key = String::with_capacity(text.len());
    key.extend(
        text.chars()
            .filter(|&c| keeps_in_key(c))
            .map(|c| c.to_ascii_lowercase()),
    );
    key
}

/// The entries of a lexicon file: trimmed, non-empty, not comments.
fn entry_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spam::scan::{CharTable, ChromeStarts};

    fn terms(lex: &Lexicon, text: &str) -> Vec<String> {
        let starts = ChromeStarts::default();
        let table = CharTable::build(lex.anchor_slots().clone(), starts);
        let (lines, anchors) = table.scan(text);
        let anchors = lines[0].anchors(&anchors);
        let hits = lex.hits(lex.find(&table, text, anchors));
        hits.into_iter().map(|h| h.term.to_string()).collect()
    }

    #[test]
    fn finds_distinct_hits_once() {
        let lex = Lexicon::build([("porn", "# c\n麻豆\n吃瓜网\n91香蕉\n香蕉视频\n")]).unwrap();
        assert_eq!(
            terms(&lex, "麻豆传媒|麻豆|吃瓜网|91香蕉视频"),
            ["麻豆", "吃瓜网", "91香蕉"]
        );
        assert!(terms(&lex, "今天天气很好").is_empty());
    }

    #[test]
    fn finds_every_spelling_of_an_entry() {
        let lex = Lexicon::build([("gambling", "澳門新葡京\nBet365\n")]).unwrap();
        for text in [
            "澳门新葡京",
            "澳門新葡京",
            "澳 门 新 葡 京",
            "ＢＥＴ３６５",
            "bet 365",
        ] {
            assert_eq!(terms(&lex, text).len(), 1, "{text}");
        }
        assert_eq!(terms(&lex, "澳门新葡京")[0], "澳门新葡京");
    }

    #[test]
    fn chrome_lines_match_whole_or_by_prefix() {
        let chrome = ChromePhrases::parse("全部评论\n上一篇*\n");
        assert_eq!(chrome.find("全部评论"), Some("全部评论"));
        assert_eq!(chrome.find(" 全部评论 (12)"), Some("全部评论"));
        assert_eq!(chrome.find("上一篇：涪陵区召开会议"), Some("上一篇"));
        assert_eq!(chrome.find("全部评论都很精彩"), None);
        assert_eq!(chrome.find("  "), None);
        let long = format!("全部评论{}", "，".repeat(100));
        assert_eq!(chrome.find(&long), None);
        assert_eq!(chrome.find("首页>财经>正文"), Some("breadcrumb trail"));
        assert_eq!(chrome.find("2评论3384浏览15收藏"), Some("counter bar"));
        assert_eq!(chrome.find("浏览次数：2568"), Some("counter bar"));
        assert_eq!(chrome.find("评论"), None);
        assert_eq!(chrome.find("3>2>1是对的"), None);
        assert_eq!(chrome.find("共有15人参加了评论比赛"), None);
    }
}
