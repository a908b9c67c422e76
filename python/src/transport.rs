//! How `clean_many`'s texts cross between Python and the cleaning threads.
//!
//! The calling thread holds the GIL at each crossing, and on two cores its
//! share of the work decides how far the call scales. Through CPython's
//! UTF-8 codecs a Chinese `str` (16-bit code units inside) costs it some
//! thirty instructions a character each way, a sixth of the whole call.
//! As code points instead, CPython only widens or narrows them: a text
//! goes out with `PyUnicode_AsUCS4` and comes back with
//! `PyUnicode_FromWideChar` (a `wchar_t` is a code point on Unix), and the
//! cleaning threads turn code points into the UTF-8 the cleaner reads, and
//! back, in tight loops of their own. Clean texts of ASCII alone go back as
//! UTF-8, which CPython copies as it is.

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
    let tail = |b: u8| u32::from(b & 0x3F);
    // SAFETY: a lead byte of a `str` is followed by its continuation bytes,
    // so every read is inside `bytes`; at most one code point is written a
    // byte read, inside the capacity reserved, and those written are then
    // taken into the length.
    unsafe {
        let (mut from, end) = (bytes.as_ptr(), bytes.as_ptr().add(bytes.len()));
        let first = units.as_mut_ptr().add(units.len());
        let mut to = first;
        while from < end {
            let lead = *from;
            let (code, len) = if lead & 0xF0 == 0xE0 {
                // The marker bits of the three bytes are fixed: one constant
                // takes them all out.
                const MARKERS: u32 = (0xE0 << 12) ^ (0x80 << 6) ^ 0x80;
                let code = (u32::from(lead) << 12)
                    ^ (u32::from(*from.add(1)) << 6)
                    ^ u32::from(*from.add(2))
                    ^ MARKERS;
                (code, 3)
            } else if lead < 0x80 {
                (u32::from(lead), 1)
            } else if lead < 0xE0 {
                ((u32::from(lead & 0x1F) << 6) | tail(*from.add(1)), 2)
            } else {
                let code = (u32::from(lead & 0x07) << 18)
                    | (tail(*from.add(1)) << 12)
                    | (tail(*from.add(2)) << 6)
                    | tail(*from.add(3));
                (code, 4)
            };
            to.write(code);
            to = to.add(1);
            from = from.add(len);
        }
        units.set_len(units.len() + to.offset_from(first) as usize);
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
    // in fits: there is always room for it.
    out.reserve(4 * units.len());
    // SAFETY: each code point moves on by at most the four bytes reserved
    // for it, so every four-byte store is inside the capacity; the length
    // takes in the UTF-8 sequences of the scalar values checked above.
    unsafe {
        let buffer = out.as_mut_vec();
        let first = buffer.as_mut_ptr().add(buffer.len());
        let mut to = first;
        for &unit in units {
            let tail = |shift: u32| 0x80 | ((unit >> shift) & 0x3F);
            // Three bytes first (all of CJK), in one comparison.
            let (word, len) = if unit.wrapping_sub(0x800) < 0x1_0000 - 0x800 {
                (0xE0 | (unit >> 12) | (tail(6) << 8) | (tail(0) << 16), 3)
            } else if unit < 0x80 {
                (unit, 1)
            } else if unit < 0x800 {
                (0xC0 | (unit >> 6) | (tail(0) << 8), 2)
            } else {
                let word =
                    0xF0 | (unit >> 18) | (tail(12) << 8) | (tail(6) << 16) | (tail(0) << 24);
                (word, 4)
            };
            to.cast::<[u8; 4]>().write_unaligned(word.to_le_bytes());
            to = to.add(len);
        }
        buffer.set_len(buffer.len() + to.offset_from(first) as usize);
    }
    true
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
        for surrogate in [0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x11_0000] {
            let mut out = String::from("前");
            assert!(!push_utf8(&[0x4E2D, surrogate, 0x6587], &mut out));
            assert_eq!(out, "前");
        }
    }
}
