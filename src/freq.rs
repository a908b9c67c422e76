//! How common each Han character is in Chinese text, and which pairs of
//! characters make words.
//!
//! Both tables come from the word list of jieba 0.42.1, counted on a large
//! Simplified corpus; `scripts/build_char_freq.py` builds them. Conversion
//! uses the character counts to pick, for each phrase, the character a fast
//! scan watches for (the rarer, the fewer false stops); repair uses both to
//! tell Chinese from mojibake. Text read with the wrong legacy encoding is
//! made of real characters, often common ones, but they do not make words:
//! real text has a word pair at every second or third character, such text
//! almost none.

use std::sync::OnceLock;

use crate::hash::IntSet;

const TABLE: &str = include_str!("../data/freq/hanzi.txt");
const PAIRS: &str = include_str!("../data/freq/bigrams.txt");
const STRONG_PAIRS: &str = include_str!("../data/freq/bigrams-strong.txt");

/// Whether `a` then `b` occur side by side inside a word (both in their
/// Simplified form).
pub(crate) fn is_word_pair(a: char, b: char) -> bool {
    static SET: OnceLock<IntSet<u64>> = OnceLock::new();
    SET.get_or_init(|| pair_set(PAIRS, 140_000))
        .contains(&pair_key(a, b))
}

/// Whether `a` then `b` make a common word (counted 1000 times or more in
/// jieba's word list), as `专业` does and `向对` (of `面向对象`) does not.
pub(crate) fn is_strong_pair(a: char, b: char) -> bool {
    static SET: OnceLock<IntSet<u64>> = OnceLock::new();
    SET.get_or_init(|| pair_set(STRONG_PAIRS, 10_000))
        .contains(&pair_key(a, b))
}

/// The pairs of a `first<TAB>seconds` table.
fn pair_set(table: &str, capacity: usize) -> IntSet<u64> {
    let mut set = IntSet::with_capacity_and_hasher(capacity, Default::default());
    let listed = table.lines().filter(|line| !line.starts_with('#'));
    for (first, seconds) in listed.filter_map(|line| line.split_once('\t')) {
        let mut chars = first.chars();
        if let (Some(a), None) = (chars.next(), chars.next()) {
            set.extend(seconds.chars().map(|b| pair_key(a, b)));
        }
    }
    set
}

fn pair_key(a: char, b: char) -> u64 {
    u64::from(a) << 32 | u64::from(b)
}

/// A common character occurs at least this often in the table.
const COMMON: u64 = 1000;

/// Whether `c` (in its Simplified form) is a common character.
pub(crate) fn is_common(c: char) -> bool {
    count(c) >= COMMON
}

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
    fn word_pairs_are_known() {
        assert!(is_word_pair('发', '展'));
        assert!(is_word_pair('人', '民'));
        assert!(!is_word_pair('展', '发'));
        assert!(!is_word_pair('鍙', '戝'));
        assert!(is_strong_pair('专', '业'));
        assert!(is_word_pair('向', '对') && !is_strong_pair('向', '对'));
    }

    #[test]
    fn common_characters_outrank_rare_ones() {
        assert!(count('一') > count('瞭'));
        assert!(count('的') > 100_000);
        assert_eq!(count('a'), 0);
    }
}
