//! Keyword lexicons and chrome phrases, and matching them.
//!
//! Entries are kept in Simplified; lines are folded to Simplified character
//! by character before matching, so one entry serves both scripts. All
//! keyword entries of all categories go into one Aho-Corasick automaton, so
//! a line is scanned once whatever the size of the lexicons.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::script::{is_han, ScriptCounts, ScriptTables};

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
const CHROME_HEAD: usize = 64;

/// Spam keywords by category, compiled for matching.
#[derive(Debug)]
pub(crate) struct Lexicon {
    automaton: AhoCorasick,
    /// For each pattern: its category and text.
    entries: Vec<(String, String)>,
}

/// A keyword found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) category: String,
    pub(crate) term: String,
    /// How often it occurs in the line.
    pub(crate) count: usize,
}

impl Lexicon {
    /// Builds a lexicon from `(category, text)` pairs.
    pub(crate) fn build<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Lexicon, SpamError> {
        let mut entries: Vec<(String, String)> = Vec::new();
        let mut seen = HashSet::new();
        for (category, text) in sources {
            for term in entry_lines(text) {
                let term = normalize_term(term);
                if seen.insert(term.clone()) {
                    entries.push((category.to_string(), term));
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(entries.iter().map(|(_, term)| term))
            .map_err(|e| SpamError::Lexicon(e.to_string()))?;
        Ok(Lexicon { automaton, entries })
    }

    /// The distinct entries found in `folded` (a line in [`normalize`]d form).
    pub(crate) fn hits(&self, folded: &str) -> Vec<Hit> {
        let mut found: Vec<Hit> = Vec::new();
        for m in self.automaton.find_iter(folded) {
            let (category, term) = &self.entries[m.pattern().as_usize()];
            match found.iter_mut().find(|h| &h.term == term) {
                Some(hit) => hit.count += 1,
                None => found.push(Hit {
                    category: category.clone(),
                    term: term.clone(),
                    count: 1,
                }),
            }
        }
        found
    }
}

/// Phrases that make up a whole line of page chrome.
#[derive(Debug, Default)]
pub(crate) struct ChromePhrases {
    exact: HashSet<String>,
    prefixes: Vec<String>,
    /// Phrases that make a short line chrome wherever they stand in it.
    within: Vec<String>,
}

/// The longest line, in characters, that a `~` phrase makes chrome.
const CHROME_WITHIN_MAX: usize = 40;

impl ChromePhrases {
    pub(crate) fn parse(text: &str) -> ChromePhrases {
        let mut phrases = ChromePhrases::default();
        for entry in entry_lines(text) {
            if let Some(prefix) = entry.strip_suffix('*') {
                phrases.prefixes.push(chrome_key(prefix));
            } else if let Some(phrase) = entry.strip_prefix('~') {
                phrases.within.push(chrome_key(phrase));
            } else {
                phrases.exact.insert(chrome_key(entry));
            }
        }
        phrases
    }

    /// The phrase that makes `folded` (a line in [`normalize`]d form)
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
            return self
                .within
                .iter()
                .find(|p| key.contains(p.as_str()))
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

/// Appends to `out` the form lexicons and chrome phrases are matched on:
/// Traditional-only characters folded to Simplified, full-width letters and
/// digits to ASCII, ASCII lower-cased, blanks removed (`麻 豆` is `麻豆`).
/// Returns the line's script counts, seen on the way.
pub(crate) fn normalize(line: &str, tables: &ScriptTables, out: &mut String) -> ScriptCounts {
    let mut counts = ScriptCounts::default();
    for c in line.chars() {
        if c.is_ascii() {
            if !c.is_ascii_whitespace() {
                out.push(c.to_ascii_lowercase());
            }
            continue;
        }
        let c = match c as u32 {
            0xFF01..=0xFF5E => {
                char::from_u32(c as u32 - 0xFEE0).map_or(c, |a| a.to_ascii_lowercase())
            }
            _ => match tables.simplified(c) {
                Some(simplified) => {
                    counts.traditional += 1;
                    simplified
                }
                None => {
                    counts.simplified += usize::from(tables.is_simplified_only(c));
                    c
                }
            },
        };
        if !c.is_whitespace() {
            out.push(c);
        }
    }
    counts
}

/// Whether `c` stays in a chrome key: letters, not blanks, punctuation or digits.
fn keeps_in_key(c: char) -> bool {
    c.is_ascii_alphabetic() || is_han(c) || (!c.is_ascii() && c.is_alphabetic())
}

/// A line reduced for comparing with chrome phrases: no blanks, punctuation
/// or digits, ASCII lower-cased.
pub(crate) fn chrome_key(text: &str) -> String {
    text.chars()
        .filter(|&c| keeps_in_key(c))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn normalize_term(term: &str) -> String {
    term.to_lowercase()
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

    #[test]
    fn finds_distinct_hits_once() {
        let lex = Lexicon::build([("porn", "# c\n麻豆\n吃瓜网\n91香蕉\n")]).unwrap();
        let hits = lex.hits("麻豆传媒|麻豆|吃瓜网|91香蕉视频");
        let terms: Vec<_> = hits.iter().map(|h| h.term.as_str()).collect();
        assert_eq!(terms, ["麻豆", "吃瓜网", "91香蕉"]);
        assert!(lex.hits("今天天气很好").is_empty());
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
