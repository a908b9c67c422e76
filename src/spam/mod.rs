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

use crate::script::ScriptTables;
use features::LineFeatures;
use lexicon::{ChromePhrases, Lexicon};

/// How many non-blank lines at each end of a page count as its edge.
const EDGE_LINES: usize = 3;

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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SpamCounts {
    /// Lines dropped as spam.
    pub spam_lines: usize,
    /// Lines dropped as page chrome.
    pub chrome_lines: usize,
}

/// The spam and chrome filter, built once and shared.
#[derive(Debug)]
pub struct SpamFilter {
    lexicon: Lexicon,
    chrome: ChromePhrases,
    threshold: f64,
}

impl SpamFilter {
    /// The filter with zhclean's own lexicons and chrome phrases, dropping
    /// lines that score `threshold` or more.
    pub fn new(threshold: f64) -> Result<SpamFilter, SpamError> {
        Ok(SpamFilter {
            lexicon: Lexicon::build(lexicon::BUILTIN.iter().copied())?,
            chrome: ChromePhrases::parse(lexicon::BUILTIN_CHROME),
            threshold,
        })
    }

    /// `text` without its spam and chrome lines, the counts, and each dropped
    /// line with its reasons.
    pub fn filter(&self, text: &str) -> (String, SpamCounts, Vec<DroppedLine>) {
        let tables = ScriptTables::get();
        let traditional_page = tables.count(text).is_traditional();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let non_blank = lines.iter().filter(|l| !l.trim().is_empty()).count();
        let mut rank = 0;

        let mut out = String::with_capacity(text.len());
        let mut counts = SpamCounts::default();
        let mut dropped = Vec::new();
        for (i, raw) in lines.iter().enumerate() {
            let line = raw.trim_end_matches('\n');
            if line.trim().is_empty() {
                out.push_str(raw);
                continue;
            }
            let at_edge = rank < EDGE_LINES || rank + EDGE_LINES >= non_blank;
            rank += 1;
            let folded = tables.fold_to_simplified(line);
            let mismatch = traditional_page && tables.count(line).is_purely_simplified();
            let features =
                LineFeatures::observe(line, self.lexicon.hits(&folded), mismatch, at_edge);
            let (score, mut reasons) = features.score();
            let kind = if let Some(phrase) = self.chrome.find(&folded) {
                reasons.insert(0, format!("chrome phrase {phrase}"));
                DropKind::Chrome
            } else if score >= self.threshold {
                DropKind::Spam
            } else {
                out.push_str(raw);
                continue;
            };
            match kind {
                DropKind::Spam => counts.spam_lines += 1,
                DropKind::Chrome => counts.chrome_lines += 1,
            }
            dropped.push(DroppedLine {
                line: i + 1,
                kind,
                score,
                reasons,
                text: line.to_string(),
            });
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
        assert_eq!(
            counts,
            SpamCounts {
                spam_lines: 1,
                chrome_lines: 2
            }
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
            assert_eq!(counts, SpamCounts::default());
        }
    }
}
