//! Which script a character or a line is written in.
//!
//! OpenCC's character tables say it: a character that `TSCharacters` maps
//! to something else exists only in Traditional text (`發`), and one that
//! `STCharacters` maps to something else only in Simplified text (`发`).
//! Characters shared by both scripts (`人`, `著`) count for neither. The
//! spam stage uses this to spot a Simplified line pasted into a Traditional
//! page; the annotation stage to read a Traditional character through its
//! Simplified form.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::convert::builtin_dict;

/// Character tables for telling the scripts apart: direct tables over the
/// Basic Multilingual Plane (every line of every page goes through them),
/// maps for the rest.
#[derive(Debug)]
pub(crate) struct ScriptTables {
    /// The Simplified form of each Traditional-only BMP character, else 0.
    bmp_simplified: Box<[u32]>,
    astral_simplified: HashMap<char, char>,
    /// Bit per BMP character: Simplified-only.
    bmp_simplified_only: Box<[u64]>,
    astral_simplified_only: HashSet<char>,
}

/// How many characters of a text belong only to one script.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ScriptCounts {
    pub(crate) traditional: usize,
    pub(crate) simplified: usize,
}

impl std::ops::AddAssign for ScriptCounts {
    fn add_assign(&mut self, other: ScriptCounts) {
        self.traditional += other.traditional;
        self.simplified += other.simplified;
    }
}

impl ScriptCounts {
    /// Mostly Traditional: enough Traditional-only characters, and more of
    /// them than Simplified-only ones (an injected line can be long).
    pub(crate) fn is_traditional(&self) -> bool {
        self.traditional >= 10 && self.traditional > self.simplified
    }

    /// Simplified-specific characters and no Traditional ones.
    pub(crate) fn is_purely_simplified(&self) -> bool {
        self.simplified > 0 && self.traditional == 0
    }
}

impl ScriptTables {
    /// The tables, built once per process from the embedded OpenCC data.
    pub(crate) fn get() -> &'static ScriptTables {
        static TABLES: OnceLock<ScriptTables> = OnceLock::new();
        TABLES.get_or_init(ScriptTables::build)
    }

    fn build() -> ScriptTables {
        let single = |s: &str| {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Some(c),
                _ => None,
            }
        };
        let mut to_simplified = HashMap::new();
        // The embedded tables are checked by tests; a failure here would be a
        // build defect, and leaves the tables empty rather than panicking.
        if let Ok(Some(ts)) = builtin_dict("TSCharacters.txt") {
            for (key, value) in ts.iter() {
                if let (Some(k), Some(v)) = (single(key), single(value)) {
                    if k != v {
                        to_simplified.insert(k, v);
                    }
                }
            }
        }
        let mut simplified_only = HashSet::new();
        if let Ok(Some(st)) = builtin_dict("STCharacters.txt") {
            for (key, value) in st.iter() {
                if let (Some(k), Some(v)) = (single(key), single(value)) {
                    if k != v && !to_simplified.contains_key(&k) {
                        simplified_only.insert(k);
                    }
                }
            }
        }
        let mut bmp_simplified = vec![0u32; 0x10000].into_boxed_slice();
        let mut astral_simplified = HashMap::new();
        for (k, v) in to_simplified {
            match bmp_simplified.get_mut(k as usize) {
                Some(slot) => *slot = v as u32,
                None => {
                    astral_simplified.insert(k, v);
                }
            }
        }
        let mut bmp_simplified_only = vec![0u64; 0x10000 / 64].into_boxed_slice();
        let mut astral_simplified_only = HashSet::new();
        for c in simplified_only {
            match bmp_simplified_only.get_mut(c as usize / 64) {
                Some(word) if (c as u32) < 0x10000 => *word |= 1 << (c as u32 % 64),
                _ => {
                    astral_simplified_only.insert(c);
                }
            }
        }
        ScriptTables {
            bmp_simplified,
            astral_simplified,
            bmp_simplified_only,
            astral_simplified_only,
        }
    }

    /// The Simplified form of a Traditional-only character.
    #[inline]
    pub(crate) fn simplified(&self, c: char) -> Option<char> {
        match self.bmp_simplified.get(c as usize) {
            Some(&0) => None,
            Some(&s) => char::from_u32(s),
            None => self.astral_simplified.get(&c).copied(),
        }
    }

    /// Whether `c` exists only in Simplified text.
    #[inline]
    pub(crate) fn is_simplified_only(&self, c: char) -> bool {
        let c32 = c as u32;
        if c32 < 0x10000 {
            self.bmp_simplified_only[c32 as usize / 64] & (1 << (c32 % 64)) != 0
        } else {
            self.astral_simplified_only.contains(&c)
        }
    }

    /// Counts the script-specific characters of `text`.
    #[cfg(test)]
    pub(crate) fn count(&self, text: &str) -> ScriptCounts {
        let mut counts = ScriptCounts::default();
        for c in text.chars().filter(|c| !c.is_ascii()) {
            if self.simplified(c).is_some() {
                counts.traditional += 1;
            } else if self.is_simplified_only(c) {
                counts.simplified += 1;
            }
        }
        counts
    }
}

/// A CJK ideograph (unified, extensions, or compatibility).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_scripts_apart() {
        let t = ScriptTables::get();
        assert_eq!(
            t.count("發展區"),
            ScriptCounts {
                traditional: 2,
                simplified: 0
            }
        );
        assert_eq!(
            t.count("发展区"),
            ScriptCounts {
                traditional: 0,
                simplified: 2
            }
        );
        assert_eq!(t.count("人著abc"), ScriptCounts::default());
        assert_eq!(t.simplified('區'), Some('区'));
    }
}
