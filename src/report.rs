//! What cleaning a document did, stage by stage.

use serde::Serialize;

use crate::annotation::AnnotationCounts;
use crate::mojibake::MojibakeCounts;
use crate::spam::{DroppedLine, SpamCounts};
use crate::unicode::HygieneCounts;

/// The report of one cleaned document: per-stage counts and every dropped
/// line with its reasons. Serialises to JSON with `serde`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Stage 1; absent when the input was already text.
    pub decode: Option<DecodeReport>,
    /// Stage 2, when it ran.
    pub repair: Option<MojibakeCounts>,
    /// Stage 3, when it ran.
    pub hygiene: Option<HygieneCounts>,
    /// Stage 4, when it ran.
    pub annotations: Option<AnnotationCounts>,
    /// Stage 5, when it ran.
    pub spam: Option<SpamCounts>,
    /// Stage 6, when it ran.
    pub convert: Option<ConvertReport>,
    /// The lines stage 5 dropped, in document order.
    pub dropped: Vec<DroppedLine>,
    /// Bytes of text the report covers, when sections were added up (to
    /// weigh their spam shares).
    #[serde(skip)]
    pub(crate) section_bytes: usize,
}

/// How the bytes were read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodeReport {
    /// The encoding, by its WHATWG name.
    pub encoding: String,
    /// Whether a byte order mark named it.
    pub bom: bool,
    /// Malformed byte sequences replaced by U+FFFD.
    pub malformed: usize,
}

/// What conversion did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConvertReport {
    /// The OpenCC config used.
    pub config: String,
    /// The engine: `builtin` or `opencc-sys`.
    pub engine: String,
    /// Dictionary matches that changed the text (not counted by the
    /// `opencc-sys` engine).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacements: Option<usize>,
}

impl Report {
    /// Adds the report of a later section of the same document, `bytes`
    /// long, whose first line was line `lines_before + 1` of the whole.
    pub(crate) fn absorb(&mut self, section: Report, lines_before: usize, bytes: usize) {
        merge(&mut self.repair, section.repair, |a, b| *a += b);
        merge(&mut self.hygiene, section.hygiene, |a, b| *a += b);
        merge(&mut self.annotations, section.annotations, |a, b| {
            a.stripped += b.stripped;
            a.verified += b.verified;
            a.on_traditional += b.on_traditional;
            a.unverified += b.unverified;
            a.word_glosses += b.word_glosses;
            if a.decision != b.decision {
                a.decision = "mixed";
                a.reason = "decided section by section in a long document".into();
            }
        });
        let (before, now) = (self.section_bytes as f64, bytes as f64);
        merge(&mut self.spam, section.spam, |a, b| {
            a.spam_lines += b.spam_lines;
            a.chrome_lines += b.chrome_lines;
            a.spam_share = (a.spam_share * before + b.spam_share * now) / (before + now).max(1.0);
        });
        self.section_bytes += bytes;
        merge(&mut self.convert, section.convert, |a, b| {
            a.replacements = a.replacements.zip(b.replacements).map(|(x, y)| x + y);
        });
        self.dropped
            .extend(section.dropped.into_iter().map(|mut line| {
                line.line += lines_before;
                line
            }));
    }
}

/// `into` with `from` added by `add`, or `from` if `into` is empty.
fn merge<T>(into: &mut Option<T>, from: Option<T>, add: impl FnOnce(&mut T, T)) {
    match (into.as_mut(), from) {
        (Some(a), Some(b)) => add(a, b),
        (None, from) => *into = from,
        (Some(_), None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mojibake::MojibakeCounts;

    #[test]
    fn sections_add_up() {
        let section = |islands| Report {
            repair: Some(MojibakeCounts {
                utf8_as_gbk: 1,
                islands_repaired: islands,
                ..MojibakeCounts::default()
            }),
            ..Report::default()
        };
        let mut whole = section(2);
        whole.absorb(section(3), 10, 100);
        let repair = whole.repair.unwrap();
        assert_eq!((repair.utf8_as_gbk, repair.islands_repaired), (2, 5));
    }
}
