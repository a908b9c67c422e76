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
