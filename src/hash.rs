//! A hasher for integer keys (and characters): one multiplication. The standard hasher
//! resists crafted keys, which costs; the maps keyed by integers here (pairs
//! of characters, hashes of lines) are looked up once for nearly every
//! character or line of a page, and their keys come from the data files or
//! are hashes already.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A map with integer keys.
pub(crate) type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;
/// A set of integers.
pub(crate) type IntSet<K> = HashSet<K, BuildHasherDefault<IntHasher>>;

const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// Hashes an integer key by multiplying (other keys byte by byte).
#[derive(Default)]
pub(crate) struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(MULTIPLIER);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ n >> 29).wrapping_mul(MULTIPLIER);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u128(&mut self, n: u128) {
        // The high half multiplied first, so that it reaches the top bits
        // the table looks at as the low half does.
        let high = ((n >> 64) as u64).wrapping_mul(MULTIPLIER);
        self.write_u64(n as u64 ^ high.rotate_left(32));
    }
}
