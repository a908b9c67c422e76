//! Keyword lexicons and chrome phrases, and matching them.
//!
//! Entries are kept in Simplified; lines are folded to Simplified character
//! by character before matching, so one entry serves both scripts. All
//! keyword entries of all categories go into one Aho-Corasick automaton, so
//! a line is scanned once whatever the size of the lexicons.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, MatchKind};

use super::SpamError;

/// The lexicons that ship with zhclean: (category, text).
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("porn", include_str!("../../data/spam/porn.txt")),
    ("gambling", include_str!("../../data/spam/gambling.txt")),
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
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(entries.iter().map(|(_, term)| term))
            .map_err(|e| SpamError::Lexicon(e.to_string()))?;
        Ok(Lexicon { automaton, entries })
    }

    /// The distinct entries found in `folded` (a line folded to Simplified).
    pub(crate) fn hits(&self, folded: &str) -> Vec<Hit> {
        let mut found: Vec<Hit> = Vec::new();
        for m in self.automaton.find_iter(folded) {
            let (category, term) = &self.entries[m.pattern().as_usize()];
            if !found.iter().any(|h| &h.term == term) {
                found.push(Hit {
                    category: category.clone(),
                    term: term.clone(),
                });
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
}

impl ChromePhrases {
    pub(crate) fn parse(text: &str) -> ChromePhrases {
        let mut phrases = ChromePhrases::default();
        for entry in entry_lines(text) {
            match entry.strip_suffix('*') {
                Some(prefix) => phrases.prefixes.push(chrome_key(prefix)),
                None => {
                    phrases.exact.insert(chrome_key(entry));
                }
            }
        }
        phrases
    }

    /// The phrase that makes `folded` (a line folded to Simplified) chrome.
    pub(crate) fn find(&self, folded: &str) -> Option<&str> {
        // Chrome is short, or starts with a prefix phrase: the start of a
        // line is enough to decide.
        let head_end = folded.char_indices().nth(CHROME_HEAD).map(|(i, _)| i);
        let key = chrome_key(&folded[..head_end.unwrap_or(folded.len())]);
        if key.is_empty() {
            return None;
        }
        if head_end.is_none() {
            if let Some(phrase) = self.exact.get(&key) {
                return Some(phrase);
            }
        }
        self.prefixes
            .iter()
            .find(|p| key.starts_with(p.as_str()))
            .map(String::as_str)
    }
}

/// A line reduced for comparing with chrome phrases: no blanks, punctuation
/// or digits, ASCII lower-cased.
pub(crate) fn chrome_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphabetic())
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
        let long = format!("全部评论{}", " ".repeat(100));
        assert_eq!(chrome.find(&long), None);
    }
}
