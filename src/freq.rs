//! How common each Han character is in Chinese text.
//!
//! The table (`data/freq/hanzi.txt`) counts characters over the word list of
//! jieba 0.42.1, a large Simplified corpus; `scripts/build_char_freq.py`
//! builds it. Conversion uses it to pick, for each phrase, the character a
//! fast scan watches for: the rarer, the fewer false stops.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/freq/hanzi.txt");

/// How often `c` occurs in the corpus; 0 for characters too rare to list.
pub(crate) fn count(c: char) -> u64 {
    static COUNTS: OnceLock<HashMap<char, u64>> = OnceLock::new();
    let counts = COUNTS.get_or_init(|| {
        TABLE
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let (ch, n) = line.split_once('\t')?;
                let mut chars = ch.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some((c, n.trim().parse().ok()?)),
                    _ => None,
                }
            })
            .collect()
    });
    counts.get(&c).copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_characters_outrank_rare_ones() {
        assert!(count('一') > count('瞭'));
        assert!(count('的') > 100_000);
        assert_eq!(count('a'), 0);
    }
}
