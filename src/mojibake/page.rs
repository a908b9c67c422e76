//! A page is read with one encoding: what its long lines show decides its
//! short ones.
//!
//! A line of three or four ideographs read the wrong way carries too little
//! to be told from Chinese, but a page whose long lines were surely read
//! from one legacy encoding as the other (Big5 as GBK, GBK as Big5) was
//! most likely read that way as a whole. Its other lines are then read the
//! same way where that is exact and gives clean characters, unless the page
//! also holds long lines that read as Chinese as they are: a mixed page
//! keeps its short lines. The same holds for the Big5 decoder: Python's
//! codec and the WHATWG one read some bytes differently, a line alone may
//! not tell which was used, and the page's majority decides.

use encoding_rs::{BIG5, GBK};

use super::chinese::{
    has_word_run, is_bopomofo, is_cjk_punctuation, is_mojibake_symbol, punctuation, MAX_OTHER_SHARE,
};
use super::{kinds, reading, repair_line, split_newline, Big5Codec, Kind, MojibakeCounts, MIN_HAN};
use crate::script::{is_han, ScriptTables};
use crate::unicode::lines;

/// Lines of a page repaired from one legacy encoding into the other, with
/// enough ideographs to be sure of: the page was likely read the wrong way
/// as a whole, which its short lines cannot show by themselves.
#[derive(Default)]
pub(super) struct PageTally {
    /// Indices of the lines repaired in any way.
    lines: Vec<usize>,
    /// Sure legacy repairs: Big5 read as GBK, GBK read as Big5.
    big5_as_gbk: usize,
    gbk_as_big5: usize,
    /// Lines read back from Big5 that either Big5 codec reads exactly, and
    /// the codec chosen.
    big5_choices: Vec<(usize, Big5Codec)>,
}

/// Sure repairs of one kind a page needs before its short lines are read
/// the same way...
const MIN_PAGE_REPAIRS: usize = 2;
/// ...and at most this share of them may be long lines left as they were.
const MAX_PAGE_GENUINE_SHARE: f64 = 0.1;

impl PageTally {
    /// `out`, the line by line repair of `text`, with what the page shows
    /// applied: lines read with the page's Big5 codec, short lines read as
    /// the page's legacy kind.
    pub(super) fn finish(
        self,
        text: &str,
        mut out: String,
        counts: &mut MojibakeCounts,
        tables: &ScriptTables,
    ) -> String {
        let codec = self.big5_codec();
        if let Some(codec) = codec {
            out = reread_big5(text, &out, codec, &self.big5_choices, tables);
        }
        if let Some((kind, sure)) = self.whole_page_kind() {
            out = repair_short_lines(&out, kind, codec, sure, &self.lines, counts, tables);
        }
        out
    }

    /// Notes line `index`, `line`, repaired as `fixed` by `kinds`.
    pub(super) fn repaired(
        &mut self,
        index: usize,
        line: &str,
        fixed: &str,
        kinds: &[Kind],
        tables: &ScriptTables,
    ) {
        self.lines.push(index);
        if let [kind] = kinds {
            if kind.is_legacy_pair() {
                if kind.wrong == GBK {
                    self.big5_as_gbk += 1;
                } else {
                    self.gbk_as_big5 += 1;
                    let [whatwg, python] = [Big5Codec::Whatwg, Big5Codec::Python]
                        .map(|codec| reading(line, *kind, tables, Some(codec)));
                    if whatwg.is_some() && python.is_some() && whatwg != python {
                        let chosen = if python.as_deref() == Some(fixed) {
                            Big5Codec::Python
                        } else {
                            Big5Codec::Whatwg
                        };
                        self.big5_choices.push((index, chosen));
                    }
                }
            }
        }
    }

    /// The Big5 codec most of the page's lines that either could read were
    /// read with, if there is a majority.
    fn big5_codec(&self) -> Option<Big5Codec> {
        let python = self
            .big5_choices
            .iter()
            .filter(|(_, codec)| *codec == Big5Codec::Python)
            .count();
        let whatwg = self.big5_choices.len() - python;
        match python.cmp(&whatwg) {
            std::cmp::Ordering::Greater => Some(Big5Codec::Python),
            std::cmp::Ordering::Less => Some(Big5Codec::Whatwg),
            std::cmp::Ordering::Equal => None,
        }
    }

    /// The one legacy kind the page was surely repaired by, and how many
    /// lines it repaired, if there was one kind only.
    fn whole_page_kind(&self) -> Option<(Kind, usize)> {
        let (sure, wrong) = match (self.big5_as_gbk, self.gbk_as_big5) {
            (n, 0) if n >= MIN_PAGE_REPAIRS => (n, GBK),
            (0, n) if n >= MIN_PAGE_REPAIRS => (n, BIG5),
            _ => return None,
        };
        kinds()
            .into_iter()
            .find(|kind| kind.is_legacy_pair() && kind.wrong == wrong)
            .map(|kind| (kind, sure))
    }
}

/// `out`, the repair of `text` line by line, with the lines that were read
/// back with the other Big5 codec than `codec` (of `choices`) read with
/// `codec`: a page goes through one decoder.
fn reread_big5(
    text: &str,
    out: &str,
    codec: Big5Codec,
    choices: &[(usize, Big5Codec)],
    tables: &ScriptTables,
) -> String {
    let mut others = choices
        .iter()
        .filter(|(_, c)| *c != codec)
        .map(|(i, _)| *i)
        .peekable();
    if others.peek().is_none() {
        return out.to_owned();
    }
    let mut reread = String::with_capacity(out.len());
    for (index, (line, done)) in lines(text).zip(lines(out)).enumerate() {
        let again = others
            .next_if_eq(&index)
            .and_then(|_| repair_line(split_newline(line).0, tables, Some(codec)));
        match again {
            Some((fixed, _)) => {
                reread.push_str(&fixed);
                reread.push_str(split_newline(done).1);
            }
            None => reread.push_str(done),
        }
    }
    reread
}

/// `text` (repaired line by line) with its other lines also read as `kind`
/// where that is exact, keeps their Chinese punctuation and gives clean
/// characters; unless long lines are left that read as Chinese or cannot
/// be read as `kind` (more than [`MAX_PAGE_GENUINE_SHARE`] of the `sure`
/// repairs): then the page is mixed and its short lines may be genuine.
fn repair_short_lines(
    text: &str,
    kind: Kind,
    codec: Option<Big5Codec>,
    sure: usize,
    repaired: &[usize],
    counts: &mut MojibakeCounts,
    tables: &ScriptTables,
) -> String {
    let mut found = Vec::new();
    let mut genuine = 0usize;
    let mut done = repaired.iter().peekable();
    for (index, line) in lines(text).enumerate() {
        if done.next_if_eq(&&index).is_some() {
            continue;
        }
        let (body, _) = split_newline(line);
        let han = body.chars().filter(|&c| is_han(c)).count();
        if han == 0 {
            continue;
        }
        let long = han >= MIN_HAN;
        let reading = (!long || !has_word_run(body, tables))
            .then(|| reading(body, kind, tables, codec))
            .flatten()
            .filter(|candidate| reads_cleanly(candidate, body));
        match reading {
            Some(fixed) => found.push((index, fixed)),
            None => genuine += usize::from(long),
        }
    }
    if found.is_empty() || genuine as f64 > MAX_PAGE_GENUINE_SHARE * sure as f64 {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut found = found.into_iter().peekable();
    for (index, line) in lines(text).enumerate() {
        let (body, newline) = split_newline(line);
        match found.next_if(|(i, _)| *i == index) {
            Some((_, fixed)) => {
                *(kind.count)(counts) += 1;
                out.push_str(&fixed);
            }
            None => out.push_str(body),
        }
        out.push_str(newline);
    }
    out
}

/// Whether `candidate`, a reading of the short line `line`, is made of
/// ideographs and punctuation Chinese text uses: no mojibake symbols or
/// replacement characters, few other symbols, and the line's Chinese
/// punctuation kept.
fn reads_cleanly(candidate: &str, line: &str) -> bool {
    let mut other = 0usize;
    let mut han = 0usize;
    for c in candidate.chars().filter(|c| !c.is_ascii()) {
        if is_han(c) {
            han += 1;
        } else if c == '\u{FFFD}' || is_mojibake_symbol(c) || is_bopomofo(c) {
            return false;
        } else if !is_cjk_punctuation(c) {
            other += 1;
        }
    }
    han > 0
        && other as f64 <= MAX_OTHER_SHARE * (han + other) as f64
        && punctuation(candidate) >= punctuation(line)
}
