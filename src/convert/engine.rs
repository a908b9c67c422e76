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
use super::matcher::{CharSet, Dense, Matcher, Value};
use super::ConvertError;
use crate::unicode::{char_at, three_byte_at};

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
    /// For the common shape (no segmentation, one conversion): a table
    /// for a single pass that checks normalization on the way.
    fused: Option<Dense>,
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
        let fused = match (&segmentation, chain.as_slice()) {
            (None, [only]) => Some(only.dense(&normalization)),
            _ => None,
        };
        Converter {
            name: plan.name,
            normalization,
            segmentation,
            chain,
            fused,
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
        if let (Some(dense), [only]) = (&self.fused, self.chain.as_slice()) {
            // One pass that gives up if normalization would change the text.
            let start = out.len();
            if let Some(changes) = apply_dense(only, dense, &self.normalization, text, out) {
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
        while let Some((at, c, len)) = next_in(segmentation.starters(), current, pos) {
            match segmentation.match_at(&current[at..], c, len).map(|f| f.len) {
                Some(matched) => {
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

/// One conversion stage over `text`, appended to `out`: longest match first,
/// left to right, unmatched characters copied in runs. Returns how many
/// matches changed the text.
fn convert_all(matcher: &Matcher, text: &str, out: &mut String) -> usize {
    let mut changes = 0;
    let mut copied = 0;
    let mut pos = 0;
    while let Some((at, c, len)) = next_in(matcher.starters(), text, pos) {
        let found = match matcher.simple(c) {
            Some(simple) => Some((len, Value::Char(simple.value), simple.changed)),
            None => matcher
                .match_at(&text[at..], c, len)
                .map(|f| (f.len, f.value, f.changed)),
        };
        match found {
            Some((matched, value, changed)) => {
                out.push_str(&text[copied..at]);
                value.push_to(out);
                changes += usize::from(changed);
                pos = at + matched;
                copied = pos;
            }
            None => pos = at + len,
        }
    }
    out.push_str(&text[copied..]);
    changes
}

/// [`convert_all`] for a matcher compiled into a [`Dense`] table, which gives up
/// (`None`) where a `guards` matcher matches.
///
/// Text comes in two kinds, and each has its own loop. Where conversions are
/// rare (Simplified text under `t2s`), a scan jumps from stop to stop; since
/// every key holds a stop, no key matches in a stretch without one, and at a
/// stop the exact matching starts as far back as the longest key reaches.
/// Where conversions are dense (Traditional text), every character is
/// written through its table entry, with no branch on whether it changed.
/// The loops take turns by blocks of text, each block choosing from what the
/// previous one saw.
fn apply_dense(
    matcher: &Matcher,
    dense: &Dense,
    guards: &[Matcher],
    text: &str,
    out: &mut String,
) -> Option<usize> {
    // Short enough that a page's spam line or headline in the other script
    // does not set the loop for the paragraphs after it.
    const BLOCK: usize = 512;
    const SAMPLE: usize = 64;
    let bytes = text.as_bytes();
    let reach = matcher.max_key_chars().saturating_sub(1);
    let mut changes = 0;
    let mut pos = 0;
    // Everything before `copied` is written; in the dense loop `copied == pos`.
    let mut copied = 0;
    // The first block goes the way its first characters go: short pages
    // are mostly first block. One character in ten or so that may change
    // (a stop in 32 bytes) is Traditional text for `t2s`; Simplified text
    // has next to none.
    let mut dense_mode = {
        let mut end = SAMPLE.min(bytes.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let (mut stops, mut at) = (0, 0);
        while let Some((stop, _, len)) = next_in(dense.stops(), &text[..end], at) {
            stops += 1;
            at = stop + len;
        }
        stops * 32 > end
    };
    out.reserve(text.len());
    while pos < bytes.len() {
        let mut end = (pos + BLOCK).min(bytes.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let start = pos;
        let mut events = 0;
        if dense_mode {
            let (exact_changes, changed, exact) =
                dense_block(matcher, dense, guards, text, &mut pos, end, out)?;
            changes += exact_changes + changed;
            events += exact + changed;
            copied = pos;
        } else {
            while let Some((stop, _, _)) = next_in(dense.stops(), &text[..end], pos) {
                events += 1;
                let from = back_up(text, stop, reach, copied);
                out.push_str(&text[copied..from]);
                pos = from;
                while pos <= stop {
                    let (c, len) = char_at(text, pos);
                    if matcher.starts_with(c) || guards.iter().any(|g| g.starts_with(c)) {
                        changes += slow_match(matcher, guards, text, &mut pos, c, len, out)?;
                    } else {
                        out.push_str(&text[pos..pos + len]);
                        pos += len;
                    }
                }
                copied = pos;
            }
            pos = pos.max(end);
        }
        // About one event in sixteen bytes (five or six characters) or more.
        let next_dense = events * 16 > pos - start;
        if next_dense && !dense_mode {
            // The dense loop matches exactly from where it starts: hand it
            // the stretch a key could still reach into.
            let from = back_up(text, pos, reach, copied);
            out.push_str(&text[copied..from]);
            pos = from;
            copied = from;
        }
        dense_mode = next_dense;
    }
    out.push_str(&text[copied..]);
    Some(changes)
}

/// The dense loop over one block of `text`, from `*pos` to `end`: every
/// character written through its table entry, the rare one that may start
/// a phrase or has no entry matched exactly. Returns how many exact
/// matches changed the text, how many table entries did, and how many
/// exact matches there were; `None` if a guard matches.
///
/// Not inlined, and the output's length kept in a register between exact
/// matches: inside the caller, and through `String`, the loop spilled and
/// reloaded its state at every character, a third more instructions.
#[inline(never)]
fn dense_block(
    matcher: &Matcher,
    dense: &Dense,
    guards: &[Matcher],
    text: &str,
    pos: &mut usize,
    end: usize,
    out: &mut String,
) -> Option<(usize, usize, usize)> {
    let (mut changes, mut changed, mut exact) = (0, 0, 0);
    // Characters are read from the block, whose length bounds them.
    let block = &text[..end];
    let mut at = *pos;
    while at < end {
        // Room for every character left in the block (one output character
        // of up to three bytes each) and the four-byte store.
        out.reserve(3 * (end - at) + 4);
        // SAFETY: only whole UTF-8 sequences are written, below `len`.
        let buffer = unsafe { out.as_mut_vec() };
        let base = buffer.as_mut_ptr();
        let mut len = buffer.len();
        let mut slow = None;
        while at < block.len() {
            let (c, char_len, mut entry) = match three_byte_at(block, at) {
                Some(code) => (code as u32, 3, dense.get(code as u32)),
                None => {
                    let (c, char_len) = char_at(block, at);
                    let entry = if c < 0x10000 {
                        dense.get(c)
                    } else {
                        Dense::SLOW
                    };
                    (c, char_len, entry)
                }
            };
            if entry & Dense::PHRASE != 0 && phrase_may_match(matcher, text, c, at + char_len) {
                entry = Dense::SLOW;
            }
            if entry & Dense::SLOW != 0 {
                slow = Some((c, char_len));
                break;
            }
            // The table holds the UTF-8 bytes of one character, then zero
            // bytes, and their number (see `Matcher::dense`): all four are
            // stored in one go, and the character's bytes kept.
            let (word, word_len) = Dense::output(entry);
            // SAFETY: past `len` there was room for three bytes for each
            // byte of the block left, and four more; each character since
            // wrote at most three bytes and moved on by at least one, so
            // four bytes are free at `len`.
            unsafe {
                base.add(len)
                    .cast::<[u8; 4]>()
                    .write_unaligned(word.to_le_bytes())
            };
            len += word_len;
            changed += (entry >> 30) as usize & 1;
            at += char_len;
        }
        // SAFETY: the bytes up to `len` are written (see above).
        unsafe { buffer.set_len(len) };
        if let Some((c, char_len)) = slow {
            exact += 1;
            changes += slow_match(matcher, guards, text, &mut at, c, char_len, out)?;
        }
    }
    *pos = at;
    Some((changes, changed, exact))
}

/// The position `chars` characters before `pos` in `text`, but not before
/// `floor`.
fn back_up(text: &str, mut pos: usize, chars: usize, floor: usize) -> usize {
    for _ in 0..chars {
        if pos <= floor {
            break;
        }
        pos -= 1;
        while !text.is_char_boundary(pos) {
            pos -= 1;
        }
    }
    pos.max(floor)
}

/// Whether a key of two or more characters may start at `c`, followed by
/// the character at byte `next`.
#[inline(always)]
fn phrase_may_match(matcher: &Matcher, text: &str, c: u32, next: usize) -> bool {
    next < text.len() && matcher.pair_maybe(c, char_at(text, next).0)
}

/// The full lookup at `*pos`: writes the match, or the character itself, and
/// moves `pos` past it; `None` if a guard matches there.
#[inline(never)]
fn slow_match(
    matcher: &Matcher,
    guards: &[Matcher],
    text: &str,
    pos: &mut usize,
    c: u32,
    len: usize,
    out: &mut String,
) -> Option<usize> {
    let here = &text[*pos..];
    for guard in guards {
        if guard.starts_with(c) && guard.match_at(here, c, len).is_some() {
            return None;
        }
    }
    match matcher.match_at(here, c, len) {
        Some(found) => {
            found.value.push_to(out);
            *pos += found.len;
            Some(usize::from(found.changed))
        }
        None => {
            out.push_str(&here[..len]);
            *pos += len;
            Some(0)
        }
    }
}

/// Whether any key of `matcher` matches anywhere in `text`.
fn has_match(matcher: &Matcher, text: &str) -> bool {
    let mut pos = 0;
    while let Some((at, c, len)) = next_in(matcher.starters(), text, pos) {
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
fn next_in(set: &CharSet, text: &str, mut pos: usize) -> Option<(usize, u32, usize)> {
    let bytes = text.as_bytes();
    while let Some(rest) = bytes.get(pos..) {
        // Three-byte characters (all of CJK and its punctuation) first, two
        // at a time: one branch for the pair.
        if let [b0 @ 0xE0..=0xEF, b1, b2, b3 @ 0xE0..=0xEF, b4, b5, ..] = *rest {
            let first =
                (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            let second =
                (u32::from(b3 & 0x0F) << 12) | (u32::from(b4 & 0x3F) << 6) | u32::from(b5 & 0x3F);
            let (hit_first, hit_second) = (set.contains_bmp(first), set.contains_bmp(second));
            if !(hit_first | hit_second) {
                pos += 6;
                continue;
            }
            return Some(if hit_first {
                (pos, first, 3)
            } else {
                (pos + 3, second, 3)
            });
        }
        if let [b0 @ 0xE0..=0xEF, b1, b2, ..] = *rest {
            let code =
                (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            if set.contains_bmp(code) {
                return Some((pos, code, 3));
            }
            pos += 3;
            continue;
        }
        if rest.is_empty() {
            break;
        }
        let (code, len) = char_at(text, pos);
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
    fn phrases_whose_first_character_is_unchanged_are_found_in_both_loops() {
        // Converted character by character these would be 一目瞭然, 上炼, 不瞭解.
        let phrases = "一目瞭然，上鍊，不瞭解。";
        let expected = "一目了然，上链，不了解。";
        let t2s = Converter::new("t2s").unwrap();
        assert_eq!(t2s.convert(phrases), expected);
        let simplified = "过去五年，残联在区委的领导下发展。".repeat(300);
        let traditional = "過去五年，殘聯在區委的領導下發展。".repeat(300);
        for filler in [simplified, traditional] {
            let out = t2s.convert(&format!("{filler}{phrases}{filler}"));
            assert!(out.contains(expected), "missed after {}", &filler[..9]);
        }
    }

    #[test]
    fn single_pass_equals_general_path_on_long_mixed_text() {
        let seed = include_str!("../../data/examples/seed-page.txt");
        let simplified = "过去五年，涪陵区残联在区委、区政府的坚强领导下，一心一意发展。\n";
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(if i % 3 == 0 { seed } else { simplified });
            text.push_str("\u{F900}𠮷abc\n");
        }
        for config in ["t2s", "s2t", "t2tw", "jp2t"] {
            let fused = Converter::new(config).unwrap();
            assert!(
                fused.fused.is_some(),
                "{config} has one conversion and no segmentation"
            );
            let general = Converter {
                fused: None,
                ..Converter::new(config).unwrap()
            };
            assert_eq!(
                fused.convert_counting(&text),
                general.convert_counting(&text),
                "{config}"
            );
            // The first block's loop is chosen by the text's start: every
            // kind of start, a phrase cut or not, comes out the same.
            for (cut, _) in text[..seed.len() + 2 * simplified.len()].char_indices() {
                let mut end = (cut + 1500).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let piece = &text[cut..end];
                assert_eq!(
                    fused.convert_counting(piece),
                    general.convert_counting(piece),
                    "{config}, from byte {cut}"
                );
            }
        }
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
