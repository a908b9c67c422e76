//! Stage 5: drop injected spam lines and page chrome, saying why.
//!
//! Two kinds of line are not the article:
//!
//! - **spam**: keyword lists of porn and gambling sites pasted into the page
//!   (`花季91制片厂|娱乐吃瓜网|阴抖app|…`). Each line gets a score, the sum
//!   of named features: lexicon entries found, the shape
//!   of a separator-joined list, a Simplified line inside a Traditional page,
//!   a place at the edge of the page; sentence punctuation counts against.
//!   A line at or above the threshold is dropped.
//! - **chrome**: lines that are wholly a phrase of the page's furniture
//!   (`网友评论`, `全部评论`, `上一篇：…`), from `data/spam/chrome.txt`.
//!
//! This stage runs before conversion because the script of a line is
//! evidence: injected lines are written in Simplified while the page is
//! Traditional. Word lists are matched on a character-by-character
//! Simplified fold of the line, so they serve both scripts.

pub(crate) mod features;
pub(crate) mod lexicon;

use serde::Serialize;

use crate::script::{ScriptCounts, ScriptTables};
use std::collections::HashMap;

use features::{Context, LineFeatures};
use lexicon::{ChromePhrases, Lexicon};

/// How many non-blank lines at each end of a page count as its edge.
const EDGE_LINES: usize = 3;

/// The longest line, in bytes of normal form, checked for repetition.
const REPEAT_MAX_BYTES: usize = 300;

/// The default score at or above which a line is dropped as spam.
pub const DEFAULT_THRESHOLD: f64 = 5.0;

/// Why the spam stage could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpamError {
    /// The keyword automaton could not be built.
    #[error("cannot build the spam lexicon: {0}; check the lexicon files for very long entries")]
    Lexicon(String),
}

/// What kind of line was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DropKind {
    /// Injected keyword stuffing or advertising.
    Spam,
    /// Page furniture: comment boxes, share bars, navigation.
    Chrome,
}

impl std::fmt::Display for DropKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DropKind::Spam => "spam",
            DropKind::Chrome => "chrome",
        })
    }
}

/// A line the spam stage removed, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DroppedLine {
    /// 1-based line number in the document.
    pub line: usize,
    /// Spam or chrome.
    pub kind: DropKind,
    /// The spam score of the line (the sum of the weights in `reasons`).
    pub score: f64,
    /// Each feature that fired, with its weight, or the chrome phrase.
    pub reasons: Vec<String>,
    /// The line as it entered the stage.
    pub text: String,
}

/// Counts of the spam stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SpamCounts {
    /// Lines dropped as spam.
    pub spam_lines: usize,
    /// Lines dropped as page chrome.
    pub chrome_lines: usize,
    /// The document's spam score: the share of its text (characters of
    /// non-blank lines) in lines dropped as spam, 0 to 1.
    pub spam_share: f64,
}

/// The spam and chrome filter, built once and shared.
#[derive(Debug)]
pub struct SpamFilter {
    lexicon: Lexicon,
    chrome: ChromePhrases,
    threshold: f64,
    drop_spam: bool,
    drop_chrome: bool,
}

impl SpamFilter {
    /// The filter with zhclean's own lexicons and chrome phrases, dropping
    /// lines that score `threshold` or more.
    pub fn new(threshold: f64) -> Result<SpamFilter, SpamError> {
        SpamFilter::with_lexicons(threshold, &[])
    }

    /// As [`SpamFilter::new`], with user lexicons besides the built-in
    /// ones: `(category, text)` pairs, one entry a line, `#` comments.
    pub fn with_lexicons(
        threshold: f64,
        extra: &[(String, String)],
    ) -> Result<SpamFilter, SpamError> {
        let sources = lexicon::BUILTIN
            .iter()
            .copied()
            .chain(extra.iter().map(|(c, t)| (c.as_str(), t.as_str())));
        Ok(SpamFilter {
            lexicon: Lexicon::build(sources)?,
            chrome: ChromePhrases::parse(lexicon::BUILTIN_CHROME),
            threshold,
            drop_spam: true,
            drop_chrome: true,
        })
    }

    /// Chooses which kinds of line are dropped; the others are kept (and
    /// still scored).
    pub fn dropping(mut self, spam: bool, chrome: bool) -> SpamFilter {
        self.drop_spam = spam;
        self.drop_chrome = chrome;
        self
    }

    /// `text` without its spam and chrome lines, the counts, and each dropped
    /// line with its reasons.
    pub fn filter(&self, text: &str) -> (String, SpamCounts, Vec<DroppedLine>) {
        let tables = ScriptTables::get();
        // Every line in normal form, in one buffer, with its script counts.
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut folded_all = String::with_capacity(text.len());
        let mut spans = Vec::with_capacity(lines.len());
        let mut page_script = ScriptCounts::default();
        for raw in &lines {
            let start = folded_all.len();
            let script = lexicon::normalize(raw, tables, &mut folded_all);
            page_script += script;
            spans.push((start, folded_all.len(), script));
        }
        let traditional_page = page_script.is_traditional();
        // Repetition is looked for among short lines: injected lines are.
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for &(start, end, _) in &spans {
            if start < end && end - start <= REPEAT_MAX_BYTES {
                *seen.entry(&folded_all[start..end]).or_default() += 1;
            }
        }
        let non_blank = spans.iter().filter(|(start, end, _)| start < end).count();
        let mut rank = 0;

        let mut out = String::with_capacity(text.len());
        let mut counts = SpamCounts::default();
        let mut dropped = Vec::new();
        let mut spam_chars = 0;
        let mut all_chars = 0;
        for (i, (raw, &(start, end, script))) in lines.iter().zip(&spans).enumerate() {
            if start == end {
                out.push_str(raw);
                continue;
            }
            let folded = &folded_all[start..end];
            let line = raw.trim_end_matches('\n');
            let context = Context {
                script_mismatch: traditional_page && script.is_purely_simplified(),
                at_edge: rank < EDGE_LINES || rank + EDGE_LINES >= non_blank,
                repeated: seen.get(folded).is_some_and(|&n| n > 1),
            };
            rank += 1;
            let features = LineFeatures::observe(line, folded, self.lexicon.hits(folded), context);
            let length = features.chars;
            all_chars += length;
            let score = features.score();
            let mut reasons = Vec::new();
            let kind = match self.chrome.find(folded) {
                Some(phrase) if self.drop_chrome => {
                    reasons.push(format!("chrome phrase {phrase}"));
                    counts.chrome_lines += 1;
                    DropKind::Chrome
                }
                _ if self.drop_spam && score >= self.threshold => {
                    counts.spam_lines += 1;
                    spam_chars += length;
                    DropKind::Spam
                }
                _ => {
                    out.push_str(raw);
                    continue;
                }
            };
            reasons.extend(features.reasons());
            dropped.push(DroppedLine {
                line: i + 1,
                kind,
                score,
                reasons,
                text: line.to_string(),
            });
        }
        if all_chars > 0 {
            counts.spam_share = spam_chars as f64 / all_chars as f64;
        }
        (out, counts, dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(text: &str) -> (String, SpamCounts, Vec<DroppedLine>) {
        SpamFilter::new(DEFAULT_THRESHOLD).unwrap().filter(text)
    }

    const ARTICLE: &str = "過去五年,涪陵區殘聯在區委、區政府的堅強領導下,全面貫徹殘疾人事業的重要指示。\n\n五年來,涪陵區殘聯強化責任擔當,殘疾人工作融入大局更加充分。\n";

    #[test]
    fn drops_injected_keyword_line_and_chrome() {
        let page = format!(
            "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看|91香蕉视频.tv\n\n{ARTICLE}\n網友評論\n\n全部評論\n"
        );
        let (text, counts, dropped) = filter(&page);
        assert_eq!(text, format!("\n{ARTICLE}\n\n"));
        assert_eq!((counts.spam_lines, counts.chrome_lines), (1, 2));
        assert!(
            counts.spam_share > 0.3 && counts.spam_share < 0.6,
            "{}",
            counts.spam_share
        );
        assert_eq!(dropped[0].line, 1);
        assert_eq!(dropped[0].kind, DropKind::Spam);
        assert!(dropped[0]
            .reasons
            .iter()
            .any(|r| r.contains("Simplified line")));
        assert_eq!(dropped[1].reasons[0], "chrome phrase 网友评论");
    }

    #[test]
    fn keeps_articles_that_mention_spam_words() {
        for line in [
            "警方近日捣毁一个以百家乐为幌子的赌博团伙，抓获嫌疑人12名。",
            "本店经营：苹果、香蕉、草莓、西瓜、榴莲、葡萄",
            "第91届奥斯卡颁奖典礼今天举行，多部影片获奖。",
            "专家提醒，网上黑料满天飞，网民要注意辨别真伪。",
        ] {
            let (text, counts, _) = filter(line);
            assert_eq!(text, line);
            assert_eq!((counts.spam_lines, counts.chrome_lines), (0, 0));
        }
    }
}
