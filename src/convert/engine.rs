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

use std::collections::HashSet;

use super::config::Plan;
use super::dict::Dict;
use super::ConvertError;

/// An OpenCC converter: built once, then shared freely between threads.
///
/// ```
/// let t2s = zhclean::Converter::new("t2s").unwrap();
/// assert_eq!(t2s.convert("頭髮發展"), "头发发展");
/// ```
pub struct Converter {
    name: String,
    normalization: Vec<Dict>,
    segmentation: Option<Dict>,
    chain: Vec<Dict>,
    /// Characters that can start a key anywhere in the config; all others
    /// are copied without a lookup.
    starters: HashSet<char>,
}

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Converter")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
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
        let mut starters = HashSet::new();
        for dict in plan
            .normalization
            .iter()
            .chain(&plan.segmentation)
            .chain(&plan.chain)
        {
            dict.collect_first_chars(&mut starters);
        }
        Converter {
            name: plan.name,
            normalization: plan.normalization,
            segmentation: plan.segmentation,
            chain: plan.chain,
            starters,
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
        let mut changes = 0;
        let normalized;
        let current = if self.normalization.is_empty() {
            text
        } else {
            let mut step = text.to_string();
            for dict in &self.normalization {
                let mut next = String::with_capacity(step.len());
                self.apply(dict, &step, &mut next, &mut changes);
                step = next;
            }
            normalized = step;
            normalized.as_str()
        };
        let mut out = String::with_capacity(current.len() + current.len() / 8);
        match &self.segmentation {
            None => self.convert_segment(current, &mut out, &mut changes),
            Some(seg) => {
                let mut gap_start = 0;
                let mut pos = 0;
                while pos < current.len() {
                    let rest = &current[pos..];
                    let matched = self.lookup(seg, rest).map(|(len, _)| len);
                    match matched {
                        Some(len) => {
                            if gap_start < pos {
                                self.convert_segment(
                                    &current[gap_start..pos],
                                    &mut out,
                                    &mut changes,
                                );
                            }
                            self.convert_segment(&rest[..len], &mut out, &mut changes);
                            pos += len;
                            gap_start = pos;
                        }
                        None => pos += next_char_len(rest),
                    }
                }
                if gap_start < current.len() {
                    self.convert_segment(&current[gap_start..], &mut out, &mut changes);
                }
            }
        }
        (out, changes)
    }

    fn convert_segment(&self, segment: &str, out: &mut String, changes: &mut usize) {
        match self.chain.as_slice() {
            [] => out.push_str(segment),
            [only] => self.apply(only, segment, out, changes),
            [first, rest @ ..] => {
                let mut current = String::with_capacity(segment.len());
                self.apply(first, segment, &mut current, changes);
                for dict in rest {
                    let mut next = String::with_capacity(current.len());
                    self.apply(dict, &current, &mut next, changes);
                    current = next;
                }
                out.push_str(&current);
            }
        }
    }

    /// One conversion stage over `text`: longest match first, left to right.
    fn apply(&self, dict: &Dict, text: &str, out: &mut String, changes: &mut usize) {
        let mut copy_from = 0;
        let mut pos = 0;
        while pos < text.len() {
            let rest = &text[pos..];
            match self.lookup(dict, rest) {
                Some((len, value)) => {
                    out.push_str(&text[copy_from..pos]);
                    out.push_str(value);
                    if value != &rest[..len] {
                        *changes += 1;
                    }
                    pos += len;
                    copy_from = pos;
                }
                None => pos += next_char_len(rest),
            }
        }
        out.push_str(&text[copy_from..]);
    }

    fn lookup<'d>(&self, dict: &'d Dict, text: &str) -> Option<(usize, &'d str)> {
        let first = text.chars().next()?;
        if !self.starters.contains(&first) {
            return None;
        }
        dict.longest_prefix(text)
    }
}

fn next_char_len(text: &str) -> usize {
    text.chars().next().map_or(1, char::len_utf8)
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
}
