//! How common each Han character is in Chinese text.
//!
//! The table (`data/freq/hanzi.txt`) counts characters over the word list of
//! jieba 0.42.1, a large Simplified corpus; `scripts/build_char_freq.py`
//! builds it. Conversion uses it to pick, for each phrase, the character a
//! fast scan watches for: the rarer, the fewer false stops.

use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/freq/hanzi.txt");

/// How often `c` occurs in the corpus; 0 for characters too rare to list.
pub(crate) fn count(c: char) -> u64 {
    // A direct table over the Basic Multilingual Plane, where the listed
    // characters are: the repair and spam stages ask for every character.
    static COUNTS: OnceLock<Box<[u32]>> = OnceLock::new();
    let counts = COUNTS.get_or_init(|| {
        let mut table = vec![0u32; 0x10000].into_boxed_slice();
        let listed = TABLE.lines().filter(|line| !line.starts_with('#'));
        for (ch, n) in listed.filter_map(|line| line.split_once('\t')) {
            let mut chars = ch.chars();
            if let (Some(c), None, Ok(n)) = (chars.next(), chars.next(), n.trim().parse::<u32>()) {
                if let Some(slot) = table.get_mut(c as usize) {
                    *slot = n;
                }
            }
        }
        table
    });
    counts.get(c as usize).map_or(0, |&n| u64::from(n))
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
