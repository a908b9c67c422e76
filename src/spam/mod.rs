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
//!
//! The page is read once (module `scan`); what is dear (folding a line into a
//! string, looking for contact bait and chrome phrases) is done only for the
//! lines where it can change the outcome.

pub(crate) mod features;
pub(crate) mod lexicon;
pub(crate) mod scan;

use std::borrow::Cow;
use std::ops::Range;

use serde::Serialize;

use crate::hash::IntMap;
use crate::script::ScriptCounts;

use features::{Context, LineFeatures};
use lexicon::{ChromePhrases, Lexicon};
use scan::{CharTable, LineScan};

/// How many non-blank lines at each end of a page count as its edge.
const EDGE_LINES: usize = 3;

/// The longest line, in bytes, checked for repetition.
pub(crate) const REPEAT_MAX_BYTES: usize = 300;

/// The default score at or above which a line is dropped as spam.
pub const DEFAULT_THRESHOLD: f64 = 5.0;

/// Why the spam stage could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpamError {
    /// The keyword automaton could not be built.
    #[error("cannot build the spam lexicon: {0}; check the lexicon files for very long entries")]
    Lexicon(String),
    /// A user lexicon file could not be read.
    #[error("{}: cannot read the lexicon ({source}); give a UTF-8 text file, one entry a line", path.display())]
    LexiconFile {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A user lexicon file as the `(category, text)` pair that
/// [`Options::lexicons`](crate::Options::lexicons) takes: the category is
/// the file's name without its extension (`casino.txt` adds to `casino`).
pub fn read_lexicon(path: &std::path::Path) -> Result<(String, String), SpamError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpamError::LexiconFile {
        path: path.to_path_buf(),
        source,
    })?;
    let category = path
        .file_stem()
        .map_or_else(|| "user".to_string(), |s| s.to_string_lossy().into_owned());
    Ok((category, text))
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
    /// The document's spam score: the share of its text (characters other
    /// than blanks) in lines dropped as spam, 0 to 1.
    pub spam_share: f64,
}

/// The spam and chrome filter, built once and shared.
#[derive(Debug)]
pub struct SpamFilter {
    lexicon: Lexicon,
    chrome: ChromePhrases,
    table: CharTable,
    threshold: f64,
    drop_spam: bool,
    drop_chrome: bool,
    explain: bool,
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
        let lexicon = Lexicon::build(sources)?;
        let chrome = ChromePhrases::parse(lexicon::BUILTIN_CHROME);
        let table = CharTable::build(lexicon.anchor_slots().clone(), chrome.starts());
        Ok(SpamFilter {
            lexicon,
            chrome,
            table,
            threshold,
            drop_spam: true,
            drop_chrome: true,
            explain: true,
        })
    }

    /// Chooses which kinds of line are dropped; the others are kept (and
    /// still scored).
    pub fn dropping(mut self, spam: bool, chrome: bool) -> SpamFilter {
        self.drop_spam = spam;
        self.drop_chrome = chrome;
        self
    }

    /// Whether [`SpamFilter::filter`] and [`SpamFilter::assess`] return each
    /// dropped line with its reasons (the default). Without, the list is
    /// empty and the stage quicker: the reasons are words and numbers
    /// written out for each line.
    pub fn explaining(mut self, explain: bool) -> SpamFilter {
        self.explain = explain;
        self
    }

    /// `text` without its spam and chrome lines, the counts, and each dropped
    /// line with its reasons.
    ///
    /// ```
    /// use zhclean::{DropKind, SpamFilter};
    ///
    /// let filter = SpamFilter::new(zhclean::spam::DEFAULT_THRESHOLD)?;
    /// let page = "澳门新葡京|注册送彩金|百家乐|真人娱乐|体育投注\n今天天气很好。\n全部评论\n";
    /// let (kept, counts, dropped) = filter.filter(page);
    /// assert_eq!(kept, "今天天气很好。\n");
    /// assert_eq!((counts.spam_lines, counts.chrome_lines), (1, 1));
    /// assert_eq!(dropped[0].kind, DropKind::Spam);
    /// # Ok::<(), zhclean::SpamError>(())
    /// ```
    pub fn filter(&self, text: &str) -> (String, SpamCounts, Vec<DroppedLine>) {
        let (kept, counts, dropped) = self.filter_cow(text);
        (kept.into_owned(), counts, dropped)
    }

    /// As [`SpamFilter::filter`], borrowing `text` when no line is dropped.
    pub(crate) fn filter_cow<'t>(
        &self,
        text: &'t str,
    ) -> (Cow<'t, str>, SpamCounts, Vec<DroppedLine>) {
        let (removed, counts, dropped) = self.judge(text);
        if removed.is_empty() {
            return (Cow::Borrowed(text), counts, dropped);
        }
        let mut kept = String::with_capacity(text.len());
        for range in kept_ranges(text.len(), &removed) {
            kept.push_str(&text[range]);
        }
        (Cow::Owned(kept), counts, dropped)
    }

    /// As [`SpamFilter::filter`], reusing `text`'s buffer: nothing is copied
    /// when nothing is dropped, and only what follows a dropped line moves.
    pub fn filter_owned(&self, mut text: String) -> (String, SpamCounts, Vec<DroppedLine>) {
        let (removed, counts, dropped) = self.judge(&text);
        if !removed.is_empty() {
            // SAFETY: every range removed is a whole line with its `\n`, so
            // the bytes kept are whole lines: valid UTF-8 still.
            let bytes = unsafe { text.as_mut_vec() };
            let mut write = 0;
            for range in kept_ranges(bytes.len(), &removed) {
                if range.start != write {
                    bytes.copy_within(range.clone(), write);
                }
                write += range.len();
            }
            bytes.truncate(write);
        }
        (text, counts, dropped)
    }

    /// Scores `text` without changing it: the counts, with the document's
    /// spam share, and the lines [`SpamFilter::filter`] would drop, with
    /// their reasons. For corpus builders who keep or drop whole documents.
    pub fn assess(&self, text: &str) -> (SpamCounts, Vec<DroppedLine>) {
        let (_, counts, dropped) = self.judge(text);
        (counts, dropped)
    }

    #[cfg(test)]
    pub(crate) fn table(&self) -> &CharTable {
        &self.table
    }

    /// The byte ranges of the lines to drop (each with its `\n`), the counts,
    /// and why each is dropped.
    fn judge(&self, text: &str) -> (Vec<Range<usize>>, SpamCounts, Vec<DroppedLine>) {
        let (lines, anchors) = self.table.scan(text);
        let page = Page::observe(&lines);
        // Room for the few lines a page drops, without growing.
        let mut removed = Vec::with_capacity(8);
        let mut counts = SpamCounts::default();
        let mut dropped = Vec::new();
        let mut spam_chars = 0;
        let mut all_chars = 0;
        let mut scratch = String::new();
        for (i, line) in lines.iter().enumerate() {
            all_chars += line.folded_chars;
            let context = page.context(&lines, i);
            let raw = &text[line.start..line.end];
            let mut folded = Folded::new(raw, &self.table, &mut scratch);
            let chrome = match self.drop_chrome && line.may_be_chrome() {
                true => self.chrome.find(folded.get()),
                false => None,
            };
            // What cannot change the outcome is not looked for: entries
            // (each needs an anchor of its own) and contact bait.
            let mut features = LineFeatures::new(line, Vec::new(), context);
            let line_anchors = line.anchors(&anchors);
            let contacts = LineFeatures::contacts_bound(line);
            let best = features.score()
                + LineFeatures::lexicon_bound(line, line_anchors.len(), self.lexicon.longest())
                + contacts;
            if chrome.is_none() && (!self.drop_spam || best < self.threshold) {
                continue;
            }
            if !line_anchors.is_empty() {
                let found = self.lexicon.find(&self.table, raw, line_anchors);
                features.add_hits(line, self.lexicon.hits(found));
            }
            let mut score = features.score();
            if contacts > 0.0 && (chrome.is_some() || score + contacts >= self.threshold) {
                features.look_for_contacts(folded.get());
                score = features.score();
            }
            let kind = match chrome {
                Some(_) => {
                    counts.chrome_lines += 1;
                    DropKind::Chrome
                }
                None if self.drop_spam && score >= self.threshold => {
                    counts.spam_lines += 1;
                    spam_chars += line.folded_chars;
                    DropKind::Spam
                }
                None => continue,
            };
            removed.push(line.start..(line.end + 1).min(text.len()));
            if self.explain {
                let chrome = chrome.map(|phrase| format!("chrome phrase {phrase}"));
                dropped.push(DroppedLine {
                    line: line.number + 1,
                    kind,
                    score,
                    reasons: chrome.into_iter().chain(features.reasons()).collect(),
                    text: raw.to_string(),
                });
            }
        }
        if all_chars > 0 {
            counts.spam_share = spam_chars as f64 / all_chars as f64;
        }
        (removed, counts, dropped)
    }
}

/// The ranges of a text of `len` bytes between the sorted, disjoint
/// `removed` ones.
fn kept_ranges(len: usize, removed: &[Range<usize>]) -> impl Iterator<Item = Range<usize>> + '_ {
    let starts = std::iter::once(0).chain(removed.iter().map(|range| range.end));
    let ends = removed
        .iter()
        .map(|range| range.start)
        .chain(std::iter::once(len));
    starts.zip(ends).map(|(start, end)| start..end)
}

/// The folded form of a line, for the checks that need it as a string,
/// made at the first need in a buffer shared by the page's lines.
struct Folded<'a> {
    line: &'a str,
    table: &'a CharTable,
    buffer: &'a mut String,
    made: bool,
}

impl<'a> Folded<'a> {
    fn new(line: &'a str, table: &'a CharTable, buffer: &'a mut String) -> Folded<'a> {
        Folded {
            line,
            table,
            buffer,
            made: false,
        }
    }

    fn get(&mut self) -> &str {
        if !self.made {
            self.buffer.clear();
            self.table.fold_into(self.line, self.buffer);
            self.made = true;
        }
        self.buffer
    }
}

/// What the page as a whole says about its lines.
struct Page {
    traditional: bool,
    non_blank: usize,
    /// Paragraphs are mostly set apart by blank lines: being so says nothing.
    spaced_out: bool,
    /// How often each short folded line occurs, by hash.
    seen: IntMap<u64, u32>,
}

impl Page {
    fn observe(lines: &[LineScan]) -> Page {
        let mut script = ScriptCounts::default();
        let non_blank = lines.len();
        let mut seen: IntMap<u64, u32> =
            IntMap::with_capacity_and_hasher(non_blank, Default::default());
        let mut isolated = 0;
        for (i, line) in lines.iter().enumerate() {
            isolated += usize::from(is_isolated(lines, i));
            script += line.script;
            if line.bytes <= REPEAT_MAX_BYTES {
                *seen.entry(line.hash).or_default() += 1;
            }
        }
        Page {
            traditional: script.is_traditional(),
            non_blank,
            spaced_out: isolated * 2 > non_blank,
            seen,
        }
    }

    /// The context of `lines[i]`, the page's non-blank lines.
    fn context(&self, lines: &[LineScan], i: usize) -> Context {
        let line = &lines[i];
        let rank = i;
        Context {
            script_mismatch: self.traditional && line.script.is_purely_simplified(),
            at_edge: rank < EDGE_LINES || rank + EDGE_LINES >= self.non_blank,
            isolated: !self.spaced_out && is_isolated(lines, i),
            repeated: line.bytes <= REPEAT_MAX_BYTES
                && self.seen.get(&line.hash).is_some_and(|&n| n > 1),
        }
    }
}

/// Whether `lines[i]` (of the page's non-blank lines) has a blank line or
/// the page's edge on both sides.
fn is_isolated(lines: &[LineScan], i: usize) -> bool {
    let number = lines[i].number;
    let before = i.checked_sub(1).and_then(|j| lines.get(j));
    let after = lines.get(i + 1);
    before.is_none_or(|l| l.number + 1 < number) && after.is_none_or(|l| l.number > number + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan's look at a line's start never turns away a line that the
    /// chrome phrases would find: every phrase as a line, in Traditional,
    /// spaced out, upper-cased and followed by more, the seed page, and the
    /// labelled corpus.
    #[test]
    fn may_be_chrome_admits_every_line_chrome_phrases_find() {
        let filter = SpamFilter::new(DEFAULT_THRESHOLD).unwrap();
        let phrases: Vec<&str> = lexicon::BUILTIN_CHROME
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| line.trim_matches(['*', '~']))
            .collect();
        assert!(phrases.len() > 50, "{}", phrases.len());
        let mut lines = Vec::new();
        for phrase in &phrases {
            let spaced: String = phrase.chars().flat_map(|c| [c, ' ']).collect();
            let converted = crate::Cleaner::new(crate::Options {
                config: "s2t".into(),
                ..crate::Options::default()
            })
            .unwrap()
            .clean(phrase)
            .text;
            lines.extend([
                phrase.to_string(),
                spaced,
                phrase.to_uppercase(),
                converted.trim().to_string(),
                format!("{phrase}：第二章 12"),
                format!("【{phrase}】"),
            ]);
        }
        let seed = include_str!("../../data/examples/seed-page.txt");
        let labelled = include_str!("../../tests/data/spam/labelled.txt");
        lines.extend(seed.lines().chain(labelled.lines()).map(str::to_string));
        let (mut found, mut scratch) = (0, String::new());
        for text in &lines {
            let (scans, _) = filter.table.scan(text);
            for line in &scans {
                let raw = &text[line.start..line.end];
                let mut folded = Folded::new(raw, &filter.table, &mut scratch);
                if filter.chrome.find(folded.get()).is_some() {
                    found += 1;
                    assert!(line.may_be_chrome(), "{raw}");
                }
            }
        }
        assert!(found > 4 * phrases.len(), "{found}");
    }

    fn filter(text: &str) -> (String, SpamCounts, Vec<DroppedLine>) {
        SpamFilter::new(DEFAULT_THRESHOLD).unwrap().filter(text)
    }

    const ARTICLE: &str = "過去五年,涪陵區殘聯在區委、區政府的堅強領導下,全面貫徹殘疾人事業的重要指示。\n\n五年來,涪陵區殘聯強化責任擔當,殘疾人工作融入大局更加充分。\n";

    /// The bound holds: what the entries found in a line add to its score
    /// is never more, on the labelled corpus and the seed page; and the
    /// length of the entries takes the dense share out of it for some of
    /// the lines with anchors (886 of 8,100: the long ones).
    #[test]
    fn lexicon_hits_stay_within_their_bound() {
        let filter = SpamFilter::new(DEFAULT_THRESHOLD).unwrap();
        let labelled = include_str!("../../tests/data/spam/labelled.txt");
        let seed = include_str!("../../data/examples/seed-page.txt");
        let (mut with_hits, mut with_anchors, mut spared) = (0, 0, 0);
        for text in labelled.lines().chain(seed.lines()) {
            let (lines, anchors) = filter.table.scan(text);
            for line in &lines {
                let line_anchors = line.anchors(&anchors);
                let raw = &text[line.start..line.end];
                let found = filter.lexicon.find(&filter.table, raw, line_anchors);
                let hits = filter.lexicon.hits(found);
                with_hits += usize::from(!hits.is_empty());
                with_anchors += usize::from(!line_anchors.is_empty());
                let context = Context::default();
                let gain = LineFeatures::new(line, hits, context).score()
                    - LineFeatures::new(line, Vec::new(), context).score();
                let longest = filter.lexicon.longest();
                let bound = LineFeatures::lexicon_bound(line, line_anchors.len(), longest);
                assert!(gain <= bound, "{raw}: {gain} > {bound}");
                let loose = LineFeatures::lexicon_bound(line, line_anchors.len(), usize::MAX);
                spared += usize::from(bound < loose);
            }
        }
        assert!(
            with_hits >= 100 && spared >= 500,
            "{with_hits} {with_anchors} {spared}"
        );
    }

    #[test]
    fn without_reasons_drops_the_same_lines() {
        let seed = include_str!("../../data/examples/seed-page.txt");
        let t2s = crate::Converter::new("t2s").unwrap();
        let page = t2s.convert(seed);
        let explained = filter(&page);
        assert!(!explained.2.is_empty(), "the seed page has spam and chrome");
        let quiet = SpamFilter::new(DEFAULT_THRESHOLD)
            .unwrap()
            .explaining(false)
            .filter_owned(page.clone());
        assert_eq!((quiet.0, quiet.1), (explained.0, explained.1));
        assert!(quiet.2.is_empty());
    }

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
    fn filtering_in_place_keeps_the_same_lines() {
        let spam = "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看|91香蕉视频.tv";
        let filter = SpamFilter::new(DEFAULT_THRESHOLD).unwrap();
        for page in [
            format!("{spam}\n{ARTICLE}網友評論\n{ARTICLE}全部評論"),
            format!("{ARTICLE}{spam}"),
            format!("{spam}\n{spam}\n"),
            ARTICLE.to_string(),
            String::new(),
        ] {
            let borrowed = filter.filter(&page);
            let owned = filter.filter_owned(page.clone());
            assert_eq!(owned.0, borrowed.0, "{page}");
            assert_eq!(owned.2, borrowed.2);
        }
        let (kept, ..) = filter.filter(&format!("{spam}\n{ARTICLE}網友評論\n{ARTICLE}全部評論"));
        assert_eq!(kept, format!("{ARTICLE}{ARTICLE}"));
    }

    #[test]
    fn kept_ranges_are_the_gaps_between_removed_ones() {
        let kept = |removed: &[Range<usize>]| kept_ranges(10, removed).collect::<Vec<_>>();
        assert_eq!(kept(&[]), std::iter::once(0..10).collect::<Vec<_>>());
        assert_eq!(kept(&[0..3, 5..10]), [0..0, 3..5, 10..10]);
        assert_eq!(kept(&[2..4, 4..6]), [0..2, 4..4, 6..10]);
    }

    #[test]
    fn a_line_set_apart_counts_only_where_paragraphs_are_not() {
        let filter = SpamFilter::new(DEFAULT_THRESHOLD).unwrap();
        let isolated = |page: &str| {
            let (lines, _) = filter.table.scan(page);
            let page_view = Page::observe(&lines);
            (0..lines.len())
                .map(|i| page_view.context(&lines, i).isolated)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            isolated("第一段\n第二段\n\n插入的一行\n\n第三段\n第四段\n"),
            [false, false, true, false, false]
        );
        assert_eq!(isolated("第一段\n\n第二段\n\n第三段\n"), [false; 3]);
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
