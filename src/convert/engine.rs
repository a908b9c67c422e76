//! The conversion itself, with OpenCC's semantics.
//!
//! 1. Each normalization dictionary rewrites the whole text, in order.
//! 2. Segmentation, if the config has one, cuts the text by maximum matching:
//!    at each position the longest key of the segmentation dictionary becomes
//!    a segment of its own, and the characters between matches are gathered
//!    into one segment. Without segmentation the whole text is one segment.
//! 3. Every segment goes through the conversion chain on its own: each stage
//!    replaces, left to right, the longest match of its dictionary with the
//!    match's first value and copies unmatched characters. A later stage sees
//!    the earlier stage's output of the same segment, never its neighbours,
//!    so segment boundaries hold across the chain.
//!
//! Because no key contains a character that occurs in no key, the text can
//! be cut after any such character (a line feed, most punctuation) and the
//! pieces converted apart with the same result: that is how [`ConvertStream`]
//! converts input of any size in bounded memory.

use super::config::Plan;
use super::matcher::{CharSet, Matcher};
use super::ConvertError;

/// An OpenCC converter: built once, then shared freely between threads.
///
/// ```
/// let t2s = zhclean::Converter::new("t2s").unwrap();
/// assert_eq!(t2s.convert("頭髮發展"), "头发发展");
///
/// let s2twp = zhclean::Converter::new("s2twp").unwrap();
/// assert_eq!(s2twp.convert("鼠标和软件"), "滑鼠和軟體");
/// ```
pub struct Converter {
    name: String,
    normalization: Vec<Matcher>,
    segmentation: Option<Matcher>,
    chain: Vec<Matcher>,
    /// For the common shape (no segmentation, one conversion): the
    /// characters where the single pass must stop, its own starters and
    /// those of normalization, which it checks on the way.
    fused_stops: Option<CharSet>,
}

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Converter")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Reusable buffers for the conversion chain.
#[derive(Default)]
struct Scratch {
    normalized: String,
    spare: String,
    stage_a: String,
    stage_b: String,
}

impl Converter {
    /// A converter for a built-in config (`t2s`, `s2twp`, … see
    /// [`CONFIG_NAMES`](crate::convert::CONFIG_NAMES)) or a config JSON file,
    /// with the dictionaries that may output tofu included, as in OpenCC's
    /// library.
    pub fn new(config: &str) -> Result<Converter, ConvertError> {
        Converter::with_tofu(config, true)
    }

    /// As [`Converter::new`]; `include_tofu: false` leaves out dictionaries
    /// marked `may_output_tofu`, as OpenCC's command-line tool does.
    pub fn with_tofu(config: &str, include_tofu: bool) -> Result<Converter, ConvertError> {
        Ok(Converter::from_plan(super::config::load(
            config,
            include_tofu,
        )?))
    }

    fn from_plan(plan: Plan) -> Converter {
        let normalization: Vec<Matcher> = plan.normalization.iter().map(Matcher::new).collect();
        let segmentation = plan.segmentation.as_ref().map(Matcher::new);
        let chain: Vec<Matcher> = plan.chain.iter().map(Matcher::new).collect();
        let fused_stops = match (&segmentation, chain.as_slice()) {
            (None, [only]) => {
                let mut stops = only.starters().clone();
                for matcher in &normalization {
                    stops.extend(matcher.starters());
                }
                Some(stops)
            }
            _ => None,
        };
        Converter {
            name: plan.name,
            normalization,
            segmentation,
            chain,
            fused_stops,
        }
    }

    /// The config's own description, e.g. "Traditional Chinese to Simplified Chinese".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Converts `text`.
    pub fn convert(&self, text: &str) -> String {
        self.convert_counting(text).0
    }

    /// Converts `text` and counts the dictionary matches that changed it.
    pub fn convert_counting(&self, text: &str) -> (String, usize) {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        let changes = self.convert_into(text, &mut out, &mut Scratch::default());
        (out, changes)
    }

    /// A streaming conversion: feed text in pieces of any size, get the same
    /// output as converting it all at once.
    ///
    /// ```
    /// let t2s = zhclean::Converter::new("t2s").unwrap();
    /// let mut stream = t2s.stream();
    /// let mut out = String::new();
    /// stream.push("頭", &mut out);
    /// stream.push("髮\n發", &mut out);
    /// stream.finish(&mut out);
    /// assert_eq!(out, "头发\n发");
    /// ```
    pub fn stream(&self) -> ConvertStream<'_> {
        ConvertStream {
            converter: self,
            pending: String::new(),
            scratch: Scratch::default(),
            changes: 0,
        }
    }

    /// Whether the text may be cut right after `c`: no key contains it.
    fn is_cut_after(&self, c: char) -> bool {
        !self
            .normalization
            .iter()
            .chain(&self.segmentation)
            .chain(&self.chain)
            .any(|m| m.in_any_key(c))
    }

    fn convert_into(&self, text: &str, out: &mut String, scratch: &mut Scratch) -> usize {
        if let (Some(stops), [only]) = (&self.fused_stops, self.chain.as_slice()) {
            // One pass that gives up if normalization would change the text.
            let start = out.len();
            if let Some(changes) = apply(only, stops, &self.normalization, text, out) {
                return changes;
            }
            out.truncate(start);
        }
        let mut changes = 0;
        let mut normalized = false;
        for matcher in &self.normalization {
            let source: &str = if normalized {
                &scratch.normalized
            } else {
                text
            };
            // Normalization rarely changes anything: look before copying.
            if !has_match(matcher, source) {
                continue;
            }
            scratch.spare.clear();
            changes += convert_all(matcher, source, &mut scratch.spare);
            std::mem::swap(&mut scratch.normalized, &mut scratch.spare);
            normalized = true;
        }
        let current: &str = if normalized {
            &scratch.normalized
        } else {
            text
        };
        let Some(segmentation) = &self.segmentation else {
            return changes
                + self.convert_segment(current, out, &mut scratch.stage_a, &mut scratch.stage_b);
        };
        let bytes = current.as_bytes();
        let mut gap_start = 0;
        let mut pos = 0;
        while let Some((at, c, len)) = next_in(segmentation.starters(), bytes, pos) {
            match segmentation.match_at(&current[at..], c, len) {
                Some((matched, _)) => {
                    if gap_start < at {
                        changes += self.convert_segment(
                            &current[gap_start..at],
                            out,
                            &mut scratch.stage_a,
                            &mut scratch.stage_b,
                        );
                    }
                    changes += self.convert_segment(
                        &current[at..at + matched],
                        out,
                        &mut scratch.stage_a,
                        &mut scratch.stage_b,
                    );
                    pos = at + matched;
                    gap_start = pos;
                }
                None => pos = at + len,
            }
        }
        if gap_start < bytes.len() {
            changes += self.convert_segment(
                &current[gap_start..],
                out,
                &mut scratch.stage_a,
                &mut scratch.stage_b,
            );
        }
        changes
    }

    /// One segment through the whole chain, appended to `out`.
    fn convert_segment(
        &self,
        segment: &str,
        out: &mut String,
        a: &mut String,
        b: &mut String,
    ) -> usize {
        match self.chain.as_slice() {
            [] => {
                out.push_str(segment);
                0
            }
            [only] => convert_all(only, segment, out),
            [first, middle @ .., last] => {
                a.clear();
                let mut changes = convert_all(first, segment, a);
                for matcher in middle {
                    b.clear();
                    changes += convert_all(matcher, a, b);
                    std::mem::swap(a, b);
                }
                changes + convert_all(last, a, out)
            }
        }
    }
}

/// One conversion stage over `text`, appended to `out`; see [`apply`].
fn convert_all(matcher: &Matcher, text: &str, out: &mut String) -> usize {
    apply(matcher, matcher.starters(), &[], text, out).unwrap_or(0)
}

/// One conversion stage over `text`, appended to `out`: longest match first,
/// left to right, unmatched characters copied in runs. Stops only at
/// characters in `stops`. Returns how many matches changed the text, or
/// `None`, with `out` partly written, as soon as a `guards` matcher matches.
#[inline(always)]
fn apply(
    matcher: &Matcher,
    stops: &CharSet,
    guards: &[Matcher],
    text: &str,
    out: &mut String,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut changes = 0;
    let mut copied = 0;
    let mut pos = 0;
    while let Some((at, c, len)) = next_in(stops, bytes, pos) {
        if guards
            .iter()
            .any(|g| g.starts_with(c) && g.match_at(&text[at..], c, len).is_some())
        {
            return None;
        }
        match matcher.match_at(&text[at..], c, len) {
            Some((matched, value)) => {
                out.push_str(&text[copied..at]);
                out.push_str(value);
                if value.as_bytes() != &bytes[at..at + matched] {
                    changes += 1;
                }
                pos = at + matched;
                copied = pos;
            }
            None => pos = at + len,
        }
    }
    out.push_str(&text[copied..]);
    Some(changes)
}

/// Whether any key of `matcher` matches anywhere in `text`.
fn has_match(matcher: &Matcher, text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some((at, c, len)) = next_in(matcher.starters(), bytes, pos) {
        if matcher.match_at(&text[at..], c, len).is_some() {
            return true;
        }
        pos = at + len;
    }
    false
}

/// The first character at or after byte `pos` of valid UTF-8 that is in
/// `set`: its position, code point and length. This loop is where nearly
/// all the time of converting goes.
#[inline(always)]
fn next_in(set: &CharSet, bytes: &[u8], mut pos: usize) -> Option<(usize, u32, usize)> {
    while pos < bytes.len() {
        let b0 = bytes[pos];
        let (code, len) = if b0 < 0x80 {
            (u32::from(b0), 1)
        } else if (0xE0..0xF0).contains(&b0) {
            (
                (u32::from(b0 & 0x0F) << 12)
                    | (u32::from(bytes[pos + 1] & 0x3F) << 6)
                    | u32::from(bytes[pos + 2] & 0x3F),
                3,
            )
        } else if b0 < 0xE0 {
            (
                (u32::from(b0 & 0x1F) << 6) | u32::from(bytes[pos + 1] & 0x3F),
                2,
            )
        } else {
            (
                (u32::from(b0 & 0x07) << 18)
                    | (u32::from(bytes[pos + 1] & 0x3F) << 12)
                    | (u32::from(bytes[pos + 2] & 0x3F) << 6)
                    | u32::from(bytes[pos + 3] & 0x3F),
                4,
            )
        };
        if set.contains(code) {
            return Some((pos, code, len));
        }
        pos += len;
    }
    None
}

/// A conversion fed in pieces; see [`Converter::stream`].
pub struct ConvertStream<'c> {
    converter: &'c Converter,
    pending: String,
    scratch: Scratch,
    changes: usize,
}

impl std::fmt::Debug for ConvertStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConvertStream")
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

impl ConvertStream<'_> {
    /// Adds `text`; appends to `out` whatever can already be converted.
    pub fn push(&mut self, text: &str, out: &mut String) {
        let Some(cut) = text
            .char_indices()
            .rev()
            .find(|&(_, c)| self.converter.is_cut_after(c))
            .map(|(i, c)| i + c.len_utf8())
        else {
            self.pending.push_str(text);
            return;
        };
        if self.pending.is_empty() {
            self.changes += self
                .converter
                .convert_into(&text[..cut], out, &mut self.scratch);
        } else {
            self.pending.push_str(&text[..cut]);
            let pending = std::mem::take(&mut self.pending);
            self.changes += self
                .converter
                .convert_into(&pending, out, &mut self.scratch);
            self.pending = pending;
            self.pending.clear();
        }
        self.pending.push_str(&text[cut..]);
    }

    /// Converts what is left; returns how many matches changed the text in all.
    pub fn finish(mut self, out: &mut String) -> usize {
        let pending = std::mem::take(&mut self.pending);
        self.changes
            + self
                .converter
                .convert_into(&pending, out, &mut self.scratch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converter_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Converter>();
    }

    #[test]
    fn t2s_converts_phrases_and_characters() {
        let c = Converter::new("t2s").unwrap();
        assert_eq!(c.convert("乾隆皇帝頭髮"), "乾隆皇帝头发");
        assert_eq!(c.convert("abc 123"), "abc 123");
        assert_eq!(c.convert(""), "");
    }

    #[test]
    fn normalization_maps_compatibility_ideographs_first() {
        // U+F900 is a compatibility form of 豈, which t2s then simplifies.
        let c = Converter::new("t2s").unwrap();
        assert_eq!(c.convert("\u{F900}"), "岂");
    }

    #[test]
    fn unknown_config_is_an_error() {
        let err = Converter::new("nope2nope").unwrap_err();
        assert!(err.to_string().contains("nope2nope"), "{err}");
    }

    #[test]
    fn streaming_split_anywhere_equals_whole() {
        let text = "鼠标和软件，乌兹别克斯坦的三极管。\n头发发展、\u{F900}乾隆皇帝頭髮。伯克希尔-哈撒韦公司𠮷野家";
        for config in ["t2s", "s2twp", "tw2sp", "s2hk"] {
            let c = Converter::new(config).unwrap();
            let whole = c.convert(text);
            for (cut, _) in text.char_indices() {
                let mut out = String::new();
                let mut stream = c.stream();
                stream.push(&text[..cut], &mut out);
                stream.push(&text[cut..], &mut out);
                stream.finish(&mut out);
                assert_eq!(out, whole, "{config}, cut at byte {cut}");
            }
        }
    }
}
