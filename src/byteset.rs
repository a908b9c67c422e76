//! Finding bytes 32 at a time: the next of a small set, or every place of one.
//!
//! Hygiene looks only at the bytes that can start a character it may
//! change, but in Chinese text those are rare while every byte must be
//! tested: a loop over a 256-entry table costs a cycle a byte, most of the
//! stage. With AVX2 the test is made on 32 bytes at once by the nibble
//! look-up simdjson uses to classify bytes: a byte is in the set when the
//! entry for its high nibble and the entry for its low nibble share a bit.
//! That is exact when the high nibbles take at most eight different sets of
//! low nibbles, each becoming one bit; [`ByteSet::new`] checks it at
//! compile time. Without AVX2 (or off x86-64), the table loop runs.

/// The 256-entry table that marks `bytes`, for [`ByteSet::new`] and the
/// other byte tables.
pub(crate) const fn table_of(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// A set of bytes, with the nibble tables that test 32 of them at once.
pub(crate) struct ByteSet {
    members: [bool; 256],
    /// For each low nibble, the bits of the high-nibble groups whose
    /// members have it.
    low: [u8; 16],
    /// For each high nibble, the bit of its group (its set of low nibbles).
    high: [u8; 16],
}

impl ByteSet {
    /// The set of the bytes `members` marks. Fails to compile (in a
    /// constant) when the high nibbles need more than eight groups.
    pub(crate) const fn new(members: [bool; 256]) -> ByteSet {
        let mut groups = [0u16; 8];
        let mut count = 0;
        let mut low = [0u8; 16];
        let mut high = [0u8; 16];
        let mut h = 0;
        while h < 16 {
            let mut lows = 0u16;
            let mut l = 0;
            while l < 16 {
                if members[h * 16 + l] {
                    lows |= 1 << l;
                }
                l += 1;
            }
            if lows != 0 {
                let mut group = 0;
                while group < count && groups[group] != lows {
                    group += 1;
                }
                if group == count {
                    assert!(count < 8, "more than eight groups of low nibbles");
                    groups[count] = lows;
                    count += 1;
                }
                high[h] = 1 << group;
                let mut l = 0;
                while l < 16 {
                    if lows & (1 << l) != 0 {
                        low[l] |= 1 << group;
                    }
                    l += 1;
                }
            }
            h += 1;
        }
        ByteSet { members, low, high }
    }

    /// Whether `byte` is in the set.
    #[cfg(test)]
    pub(crate) fn contains(&self, byte: u8) -> bool {
        self.members[usize::from(byte)]
    }

    /// The position of the first byte of `bytes` in the set.
    #[inline]
    pub(crate) fn find(&self, bytes: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if bytes.len() >= 32 && std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is there.
            return unsafe { self.find_avx2(bytes) };
        }
        self.find_one_by_one(bytes)
    }

    fn find_one_by_one(&self, bytes: &[u8]) -> Option<usize> {
        bytes.iter().position(|&b| self.members[usize::from(b)])
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn find_avx2(&self, bytes: &[u8]) -> Option<usize> {
        use std::arch::x86_64::{
            __m128i, __m256i, _mm256_and_si256, _mm256_broadcastsi128_si256, _mm256_cmpeq_epi8,
            _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8, _mm256_setzero_si256,
            _mm256_shuffle_epi8, _mm256_srli_epi16, _mm_loadu_si128,
        };
        // SAFETY (the loads): `low` and `high` are 16 bytes, and each block
        // read is the 32 bytes at `at`, which `at + 32 <= bytes.len()` keeps
        // inside `bytes`; unaligned loads need no alignment.
        let low = unsafe { _mm_loadu_si128(self.low.as_ptr().cast::<__m128i>()) };
        let high = unsafe { _mm_loadu_si128(self.high.as_ptr().cast::<__m128i>()) };
        let (low, high) = (
            _mm256_broadcastsi128_si256(low),
            _mm256_broadcastsi128_si256(high),
        );
        let nibble = _mm256_set1_epi8(0x0F);
        let mut at = 0;
        while at + 32 <= bytes.len() {
            let block = unsafe { _mm256_loadu_si256(bytes.as_ptr().add(at).cast::<__m256i>()) };
            let low_nibbles = _mm256_and_si256(block, nibble);
            let high_nibbles = _mm256_and_si256(_mm256_srli_epi16::<4>(block), nibble);
            let shared = _mm256_and_si256(
                _mm256_shuffle_epi8(low, low_nibbles),
                _mm256_shuffle_epi8(high, high_nibbles),
            );
            let outside = _mm256_cmpeq_epi8(shared, _mm256_setzero_si256());
            let found = !(_mm256_movemask_epi8(outside) as u32);
            if found != 0 {
                return Some(at + found.trailing_zeros() as usize);
            }
            at += 32;
        }
        self.find_one_by_one(&bytes[at..]).map(|i| at + i)
    }
}

/// Every position of `byte` in `bytes`, in order.
///
/// For a byte that comes every few dozen bytes (each `(` of a page of
/// pinyin annotations), a search for each one costs more than the looking:
/// this compares 32 bytes at once and hands out the positions of a block
/// from its bit mask.
pub(crate) fn positions(byte: u8, bytes: &[u8]) -> Positions<'_> {
    Positions {
        bytes,
        byte,
        #[cfg(target_arch = "x86_64")]
        avx2: std::arch::is_x86_feature_detected!("avx2"),
        next_block: 0,
        block: 0,
        mask: 0,
    }
}

/// The iterator of [`positions`].
pub(crate) struct Positions<'a> {
    bytes: &'a [u8],
    byte: u8,
    #[cfg(target_arch = "x86_64")]
    avx2: bool,
    /// Where the next block of 32 bytes starts.
    next_block: usize,
    /// Where the block of `mask` starts, and its positions not handed out.
    block: usize,
    mask: u32,
}

impl Positions<'_> {
    /// The positions of the byte among the (up to) 32 bytes at `at`.
    fn mask_at(&self, at: usize) -> u32 {
        let rest = &self.bytes[at..];
        #[cfg(target_arch = "x86_64")]
        if self.avx2 && self.bytes.len() >= 32 {
            // The last block ends with the bytes: it starts early and the
            // bits of what was seen go.
            let from = at.min(self.bytes.len() - 32);
            // SAFETY: AVX2 is there, and there are 32 bytes from `from`.
            return unsafe { mask_avx2(self.byte, &self.bytes[from..]) } >> (at - from);
        }
        rest.iter()
            .take(32)
            .enumerate()
            .fold(0, |mask, (i, &b)| mask | u32::from(b == self.byte) << i)
    }
}

impl Iterator for Positions<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            if self.next_block >= self.bytes.len() {
                return None;
            }
            self.block = self.next_block;
            self.mask = self.mask_at(self.block);
            self.next_block += 32;
        }
        let bit = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.block + bit)
    }
}

/// The bit mask of `byte` in the first 32 bytes of `bytes`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn mask_avx2(byte: u8, bytes: &[u8]) -> u32 {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
    };
    assert!(bytes.len() >= 32);
    // SAFETY: the 32 bytes read are in `bytes`; unaligned loads need no
    // alignment.
    let block = unsafe { _mm256_loadu_si256(bytes.as_ptr().cast::<__m256i>()) };
    let equal = _mm256_cmpeq_epi8(block, _mm256_set1_epi8(byte as i8));
    _mm256_movemask_epi8(equal) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    const SET: ByteSet = ByteSet::new(table_of(&[
        0x00, 0x1F, 0x7F, 0xC2, 0xCD, 0xD8, 0xE1, 0xE2, 0xEF, 0xF0, 0xFF,
    ]));

    #[test]
    fn positions_are_those_of_the_byte() {
        let seed = include_str!("../data/examples/seed-page.txt").as_bytes();
        for start in 0..70 {
            for byte in [b'(', b'\n', 0xE7, 0x00] {
                let text = &seed[start..];
                let expected: Vec<usize> = (0..text.len()).filter(|&i| text[i] == byte).collect();
                assert_eq!(positions(byte, text).collect::<Vec<_>>(), expected);
            }
        }
        let dense = [b'('; 100];
        assert_eq!(positions(b'(', &dense).count(), 100);
        assert_eq!(positions(b'(', b"ab(c(").collect::<Vec<_>>(), [2, 4]);
        let mut forty = [b'a'; 40];
        forty[5] = b'(';
        forty[39] = b'(';
        assert_eq!(positions(b'(', &forty).collect::<Vec<_>>(), [5, 39]);
        assert_eq!(positions(b'(', b"").next(), None);
    }

    #[test]
    fn finds_each_byte_at_each_place_as_the_table_does() {
        for byte in 0..=255u8 {
            for len in [1, 31, 32, 33, 64, 100] {
                for at in [0, len / 2, len - 1] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = byte;
                    let expected = SET.members[usize::from(byte)].then_some(at);
                    assert_eq!(SET.find(&bytes), expected, "{byte:#x} at {at} of {len}");
                    assert_eq!(SET.find_one_by_one(&bytes), expected);
                }
            }
        }
        let text = include_str!("../data/examples/seed-page.txt").as_bytes();
        for start in 0..200 {
            assert_eq!(
                SET.find(&text[start..]),
                SET.find_one_by_one(&text[start..])
            );
        }
    }
}
