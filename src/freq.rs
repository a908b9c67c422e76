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

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/freq/hanzi.txt");
const PAIRS: &str = include_str!("../data/freq/bigrams.txt");

/// Whether `a` then `b` occur side by side inside a word (both in their
/// Simplified form).
pub(crate) fn is_word_pair(a: char, b: char) -> bool {
    static SET: OnceLock<HashSet<u64, BuildHasherDefault<PairHasher>>> = OnceLock::new();
    let set = SET.get_or_init(|| {
        let mut set = HashSet::with_capacity_and_hasher(120_000, Default::default());
        let listed = PAIRS.lines().filter(|line| !line.starts_with('#'));
        for (first, seconds) in listed.filter_map(|line| line.split_once('\t')) {
            let mut chars = first.chars();
            if let (Some(a), None) = (chars.next(), chars.next()) {
                set.extend(seconds.chars().map(|b| pair_key(a, b)));
            }
        }
        set
    });
    set.contains(&pair_key(a, b))
}

fn pair_key(a: char, b: char) -> u64 {
    u64::from(a) << 32 | u64::from(b)
}

/// Hashes a pair key with one multiplication: the keys are dense and the
/// set is looked up for every pair of characters repair examines.
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ n >> 29).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
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
    }

    #[test]
    fn common_characters_outrank_rare_ones() {
        assert!(count('一') > count('瞭'));
        assert!(count('的') > 100_000);
        assert_eq!(count('a'), 0);
    }
}
