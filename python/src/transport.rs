//! How `clean_many`'s texts cross between Python and the cleaning threads.
//!
//! The calling thread holds the GIL at each crossing, and on two cores its
//! share of the work decides how far the call scales. Through CPython's
//! UTF-8 codecs a Chinese `str` (16-bit code units inside) costs it some
//! twenty to thirty instructions a character each way, a sixth of the
//! whole call.
//! As code points instead, CPython only widens or narrows them: a text
//! goes out with `PyUnicode_AsUCS4` and comes back with
//! `PyUnicode_FromWideChar` (a `wchar_t` is a code point on Unix), and the
//! cleaning threads turn code points into the UTF-8 the cleaner reads, and
//! back: with AVX2 eight characters at a time (a shuffle moves each one's
//! bytes into or out of a 32-bit lane), else one by one. Clean
//! texts of ASCII alone go back as UTF-8, which CPython copies as it is.

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// Texts end to end, each as code points, or as UTF-8 if it is ASCII. A
/// batch crosses between threads as three allocations, not one a text:
/// the system allocator takes a lock to free memory another thread
/// allocated.
#[derive(Default)]
pub(crate) struct Batch {
    ascii: String,
    units: Vec<u32>,
    /// Where each text ends: in `ascii` if `true`, else in `units`.
    ends: Vec<(bool, usize)>,
}

/// One text of a [`Batch`].
#[derive(Clone, Copy)]
pub(crate) enum Text<'a> {
    Ascii(&'a str),
    Units(&'a [u32]),
}

impl Batch {
    /// The size of the batch's buffers, in bytes.
    pub(crate) fn bytes(&self) -> usize {
        self.ascii.len() + 4 * self.units.len()
    }

    /// Appends the code points of `text` (the GIL held).
    pub(crate) fn push_str(&mut self, text: &Bound<'_, PyString>) -> PyResult<()> {
        let object = text.as_ptr();
        // SAFETY: `object` is a live `str` and the GIL is held.
        let len = unsafe { ffi::PyUnicode_GetLength(object) };
        let len = usize::try_from(len).map_err(|_| PyErr::fetch(text.py()))?;
        self.units.reserve(len);
        if len > 0 {
            // SAFETY: the spare capacity holds `len` code points, all that
            // CPython writes (no terminating zero is asked for); they are
            // written when it returns non-null.
            unsafe {
                let spare = self.units.spare_capacity_mut().as_mut_ptr().cast();
                if ffi::PyUnicode_AsUCS4(object, spare, len as ffi::Py_ssize_t, 0).is_null() {
                    return Err(PyErr::fetch(text.py()));
                }
                self.units.set_len(self.units.len() + len);
            }
        }
        self.ends.push((false, self.units.len()));
        Ok(())
    }

    /// Appends clean `text` (on a cleaning thread).
    pub(crate) fn push_utf8(&mut self, text: &str) {
        if text.is_ascii() {
            self.ascii.push_str(text);
            self.ends.push((true, self.ascii.len()));
        } else {
            push_code_points(text, &mut self.units);
            self.ends.push((false, self.units.len()));
        }
    }

    /// The texts, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Text<'_>> {
        let (mut ascii, mut units) = (0, 0);
        self.ends.iter().map(move |&(is_ascii, end)| {
            if is_ascii {
                let text = Text::Ascii(&self.ascii[ascii..end]);
                ascii = end;
                text
            } else {
                let text = Text::Units(&self.units[units..end]);
                units = end;
                text
            }
        })
    }
}

impl Text<'_> {
    /// The text as UTF-8 in `out` (cleared first); `false` if it holds a
    /// lone surrogate, which UTF-8 cannot carry.
    pub(crate) fn utf8_into(self, out: &mut String) -> bool {
        out.clear();
        match self {
            Text::Ascii(text) => {
                out.push_str(text);
                true
            }
            Text::Units(units) => push_utf8(units, out),
        }
    }

    /// The text as a Python `str` (the GIL held).
    pub(crate) fn to_py<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyString>> {
        match self {
            Text::Ascii(text) => Ok(PyString::new(py, text)),
            Text::Units(units) => from_code_points(py, units),
        }
    }
}

#[cfg(unix)]
fn from_code_points<'py>(py: Python<'py>, units: &[u32]) -> PyResult<Bound<'py, PyString>> {
    // SAFETY: a `wchar_t` is a 32-bit code point on Unix; CPython copies
    // `units` and returns a new reference, or null with an error set.
    unsafe {
        let object =
            ffi::PyUnicode_FromWideChar(units.as_ptr().cast(), units.len() as ffi::Py_ssize_t);
        Ok(Bound::from_owned_ptr_or_err(py, object)?.downcast_into_unchecked())
    }
}

/// Elsewhere a `wchar_t` is a UTF-16 code unit: through UTF-8 then.
#[cfg(not(unix))]
fn from_code_points<'py>(py: Python<'py>, units: &[u32]) -> PyResult<Bound<'py, PyString>> {
    let mut text = String::new();
    push_utf8(units, &mut text);
    Ok(PyString::new(py, &text))
}

/// Appends the code points of `text` to `units`.
fn push_code_points(text: &str, units: &mut Vec<u32>) {
    let bytes = text.as_bytes();
    // No more code points than bytes.
    units.reserve(bytes.len());
    #[cfg(target_arch = "x86_64")]
    let avx2 = std::arch::is_x86_feature_detected!("avx2");
    // SAFETY: a lead byte of a `str` is followed by its continuation bytes,
    // so every read is inside `bytes` (the vector loop reads inside them
    // too); at most one code point is written a byte read, inside the
    // capacity reserved, and those written are then taken into the length.
    unsafe {
        let (mut from, end) = (bytes.as_ptr(), bytes.as_ptr().add(bytes.len()));
        let first = units.as_mut_ptr().add(units.len());
        let mut to = first;
        while from < end {
            #[cfg(target_arch = "x86_64")]
            if avx2 {
                let (read, written) = simd::decode_three_byte_runs(from, end, to);
                from = from.add(read);
                to = to.add(written);
            }
            // Then a few characters one by one, before the next run.
            for _ in 0..8 {
                if from >= end {
                    break;
                }
                let (code, len) = decode(from);
                to.write(code);
                to = to.add(1);
                from = from.add(len);
            }
        }
        units.set_len(units.len() + to.offset_from(first) as usize);
    }
}

/// The code point of the UTF-8 sequence at `from`, and its length.
///
/// # Safety
///
/// `from` points at a lead byte of a `str`, followed by its continuation
/// bytes.
#[inline(always)]
unsafe fn decode(from: *const u8) -> (u32, usize) {
    let tail = |i: usize| u32::from(*from.add(i) & 0x3F);
    let lead = *from;
    if lead & 0xF0 == 0xE0 {
        // The marker bits of the three bytes are fixed: one constant takes
        // them all out.
        const MARKERS: u32 = (0xE0 << 12) ^ (0x80 << 6) ^ 0x80;
        let code = (u32::from(lead) << 12)
            ^ (u32::from(*from.add(1)) << 6)
            ^ u32::from(*from.add(2))
            ^ MARKERS;
        (code, 3)
    } else if lead < 0x80 {
        (u32::from(lead), 1)
    } else if lead < 0xE0 {
        ((u32::from(lead & 0x1F) << 6) | tail(1), 2)
    } else {
        let code = (u32::from(lead & 0x07) << 18) | (tail(1) << 12) | (tail(2) << 6) | tail(3);
        (code, 4)
    }
}

/// Appends `units` to `out` as UTF-8; `false`, and `out` as it was, if one
/// of them is not a Unicode scalar value (a lone surrogate).
fn push_utf8(units: &[u32], out: &mut String) -> bool {
    // A pass of its own without a branch, which the compiler vectorises.
    let invalid = units.iter().fold(false, |invalid, &unit| {
        invalid | (unit & 0xFFFF_F800 == 0xD800) | (unit > 0x10_FFFF)
    });
    if invalid {
        return false;
    }
    // Four bytes a code point at most, and the whole word each is stored
    // in (sixteen bytes for the vector loop) fits: there is always room.
    out.reserve(4 * units.len());
    #[cfg(target_arch = "x86_64")]
    let avx2 = std::arch::is_x86_feature_detected!("avx2");
    // SAFETY: each code point moves on by at most the four bytes reserved
    // for it, and every store ends inside what the next ones reserve, so
    // inside the capacity; the length takes in the UTF-8 sequences of the
    // scalar values checked above.
    unsafe {
        let buffer = out.as_mut_vec();
        let first = buffer.as_mut_ptr().add(buffer.len());
        let mut to = first;
        let mut at = 0;
        while at < units.len() {
            #[cfg(target_arch = "x86_64")]
            if avx2 {
                let (read, written) = simd::encode_bmp_runs(&units[at..], to);
                at += read;
                to = to.add(written);
            }
            // Then a few code points one by one, before the next run.
            for &unit in units[at..].iter().take(8) {
                let (word, len) = encode(unit);
                to.cast::<[u8; 4]>().write_unaligned(word.to_le_bytes());
                to = to.add(len);
                at += 1;
            }
        }
        buffer.set_len(buffer.len() + to.offset_from(first) as usize);
    }
    true
}

/// Whether `unit` takes three bytes in UTF-8, as all of CJK does.
#[inline(always)]
fn is_three_byte(unit: u32) -> bool {
    unit.wrapping_sub(0x800) < 0x1_0000 - 0x800
}

/// The UTF-8 sequence of the scalar value `unit`, as a little-endian word,
/// and its length.
#[inline(always)]
fn encode(unit: u32) -> (u32, usize) {
    let tail = |shift: u32| 0x80 | ((unit >> shift) & 0x3F);
    // Three bytes first (all of CJK), in one comparison.
    if is_three_byte(unit) {
        (0xE0 | (unit >> 12) | (tail(6) << 8) | (tail(0) << 16), 3)
    } else if unit < 0x80 {
        (unit, 1)
    } else if unit < 0x800 {
        (0xC0 | (unit >> 6) | (tail(0) << 8), 2)
    } else {
        let word = 0xF0 | (unit >> 18) | (tail(12) << 8) | (tail(6) << 16) | (tail(0) << 24);
        (word, 4)
    }
}

/// The conversions eight characters at a time: a shuffle puts each one's
/// bytes in a lane of its own, or takes them out of it, and the bits move
/// lane by lane. Into code points, runs of three-byte characters (all of
/// CJK); out of them, any run of the Basic Multilingual Plane.
#[cfg(target_arch = "x86_64")]
mod simd {
    use std::arch::x86_64::*;

    /// Decodes eight three-byte characters at a time from `from` into
    /// `to`, while they are such and at least 28 bytes are left; the bytes
    /// read and the code points written.
    ///
    /// # Safety
    ///
    /// AVX2 is available; `from..end` is UTF-8 starting at a character,
    /// and `to` has room for a code point for each byte of it.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn decode_three_byte_runs(
        mut from: *const u8,
        end: *const u8,
        mut to: *mut u32,
    ) -> (usize, usize) {
        let (start, first) = (from, to);
        // Each character's bytes, last first, in a lane: b2 b1 b0 0.
        let gather = _mm256_setr_epi8(
            2, 1, 0, -128, 5, 4, 3, -128, 8, 7, 6, -128, 11, 10, 9, -128, //
            2, 1, 0, -128, 5, 4, 3, -128, 8, 7, 6, -128, 11, 10, 9, -128,
        );
        let lead_bits = _mm256_set1_epi32(0x00F0_0000);
        let three_byte_lead = _mm256_set1_epi32(0x00E0_0000);
        while end.offset_from(from) >= 28 {
            let lanes = _mm256_set_m128i(
                _mm_loadu_si128(from.add(12).cast()),
                _mm_loadu_si128(from.cast()),
            );
            let words = _mm256_shuffle_epi8(lanes, gather);
            // UTF-8 being valid, the leads say it all.
            let leads = _mm256_cmpeq_epi32(_mm256_and_si256(words, lead_bits), three_byte_lead);
            if _mm256_movemask_epi8(leads) != -1 {
                break;
            }
            let low = _mm256_and_si256(words, _mm256_set1_epi32(0x3F));
            let middle = _mm256_and_si256(_mm256_srli_epi32(words, 2), _mm256_set1_epi32(0xFC0));
            let high = _mm256_and_si256(_mm256_srli_epi32(words, 4), _mm256_set1_epi32(0xF000));
            _mm256_storeu_si256(
                to.cast(),
                _mm256_or_si256(low, _mm256_or_si256(middle, high)),
            );
            from = from.add(24);
            to = to.add(8);
        }
        let read = from.offset_from(start) as usize;
        (read, to.offset_from(first) as usize)
    }

    /// Encodes eight code points at a time from `units` into `to`, while
    /// they are in the Basic Multilingual Plane and eight are left; the
    /// code points read and the bytes written.
    ///
    /// Each lane's word holds its sequence, whatever its length. Eight of
    /// three bytes (CJK) are packed by one shuffle; other mixes (pinyin
    /// among ideographs) a half at a time, by the shuffle [`PACK`] has for
    /// the lengths of its four.
    ///
    /// # Safety
    ///
    /// AVX2 is available; `units` are scalar values, and `to` has room for
    /// four bytes for each.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn encode_bmp_runs(units: &[u32], mut to: *mut u8) -> (usize, usize) {
        let first = to;
        // The three bytes of each lane's word, packed: twelve a half.
        let pack_three = _mm256_setr_epi8(
            0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -128, -128, -128, -128, //
            0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -128, -128, -128, -128,
        );
        let low_six = _mm256_set1_epi32(0x3F);
        let mut read = 0;
        for chunk in units.chunks_exact(8) {
            let v = _mm256_loadu_si256(chunk.as_ptr().cast());
            if _mm256_movemask_epi8(_mm256_cmpgt_epi32(v, _mm256_set1_epi32(0xFFFF))) != 0 {
                break;
            }
            let two = _mm256_cmpgt_epi32(v, _mm256_set1_epi32(0x7F));
            let three = _mm256_cmpgt_epi32(v, _mm256_set1_epi32(0x7FF));
            let tail = _mm256_or_si256(_mm256_and_si256(v, low_six), _mm256_set1_epi32(0x80));
            let middle = _mm256_or_si256(
                _mm256_and_si256(_mm256_srli_epi32(v, 6), low_six),
                _mm256_set1_epi32(0x80),
            );
            let words3 = _mm256_or_si256(
                _mm256_or_si256(_mm256_srli_epi32(v, 12), _mm256_set1_epi32(0xE0)),
                _mm256_or_si256(_mm256_slli_epi32(middle, 8), _mm256_slli_epi32(tail, 16)),
            );
            let threes = _mm256_movemask_ps(_mm256_castsi256_ps(three)) as usize;
            if threes == 0xFF {
                let packed = _mm256_shuffle_epi8(words3, pack_three);
                _mm_storeu_si128(to.cast(), _mm256_castsi256_si128(packed));
                _mm_storeu_si128(to.add(12).cast(), _mm256_extracti128_si256(packed, 1));
                to = to.add(24);
                read += 8;
                continue;
            }
            let words2 = _mm256_or_si256(
                _mm256_or_si256(_mm256_srli_epi32(v, 6), _mm256_set1_epi32(0xC0)),
                _mm256_slli_epi32(tail, 8),
            );
            let words = _mm256_blendv_epi8(_mm256_blendv_epi8(v, words2, two), words3, three);
            let twos = _mm256_movemask_ps(_mm256_castsi256_ps(two)) as usize;
            for (half, word) in [
                _mm256_castsi256_si128(words),
                _mm256_extracti128_si256(words, 1),
            ]
            .into_iter()
            .enumerate()
            {
                let (twos, threes) = ((twos >> (4 * half)) & 15, (threes >> (4 * half)) & 15);
                let shuffle = _mm_loadu_si128(PACK[twos | threes << 4].as_ptr().cast());
                _mm_storeu_si128(to.cast(), _mm_shuffle_epi8(word, shuffle));
                to = to.add(4 + (twos.count_ones() + threes.count_ones()) as usize);
            }
            read += 8;
        }
        (read, to.offset_from(first) as usize)
    }

    /// For each four code points of the Basic Multilingual Plane, by which
    /// of them take two bytes or more (the low four bits) and three (the
    /// high four): the shuffle that packs their sequences from their 32-bit
    /// lanes.
    static PACK: [[u8; 16]; 256] = {
        let mut table = [[0x80; 16]; 256];
        let mut key = 0;
        while key < 256 {
            let mut out = 0;
            let mut lane = 0;
            while lane < 4 {
                let len = 1 + (key >> lane & 1) + (key >> (4 + lane) & 1);
                let mut byte = 0;
                while byte < len {
                    table[key][out] = (4 * lane + byte) as u8;
                    out += 1;
                    byte += 1;
                }
                lane += 1;
            }
            key += 1;
        }
        table
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Code points to UTF-8 and back, on every scalar value (in steps) and
    /// the seed page; a lone surrogate is refused and leaves `out` alone.
    #[test]
    fn code_points_and_utf8_round_trip() {
        let every: String = (0..=char::MAX as u32)
            .step_by(5)
            .filter_map(char::from_u32)
            .collect();
        let seed = include_str!("../../data/examples/seed-page.txt");
        for text in [every.as_str(), seed, "", "a", "中"] {
            let mut units = vec![7];
            push_code_points(text, &mut units);
            let expected: Vec<u32> = std::iter::once(7)
                .chain(text.chars().map(u32::from))
                .collect();
            assert_eq!(units, expected);
            let mut out = String::from("前");
            assert!(push_utf8(&units[1..], &mut out));
            assert_eq!(out, format!("前{text}"));
        }
        // Runs of every width and length, at every alignment: the vector
        // loops take the runs of three-byte characters.
        let widths = ['a', 'é', '中', '𠀀'];
        let mut state = 2026u32;
        let mut mixed = String::new();
        for _ in 0..4000 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let width = widths[(state >> 16) as usize % 4];
            let run = (state >> 8) as usize % 40;
            for i in 0..run {
                mixed.push(char::from_u32(u32::from(width) + i as u32 % 7).unwrap());
            }
        }
        for start in 0..12 {
            let text = &mixed[mixed.char_indices().nth(start).unwrap().0..];
            let mut units = Vec::new();
            push_code_points(text, &mut units);
            assert_eq!(units, text.chars().map(u32::from).collect::<Vec<_>>());
            let mut out = String::new();
            assert!(push_utf8(&units, &mut out));
            assert_eq!(out, text);
        }
        for surrogate in [0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x11_0000] {
            let mut run = vec![0x4E2D; 40];
            run[21] = surrogate;
            let mut out = String::from("前");
            assert!(!push_utf8(&run, &mut out));
            assert_eq!(out, "前");
            let mut out = String::from("前");
            assert!(!push_utf8(&[0x4E2D, surrogate, 0x6587], &mut out));
            assert_eq!(out, "前");
        }
    }
}
