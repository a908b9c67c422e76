//! Stage 1: bytes to text.
//!
//! Order of evidence: a byte order mark is believed; bytes that are valid
//! UTF-8 are UTF-8; otherwise `chardetng` guesses from a bounded prefix
//! (Chinese pages are GBK/GB18030 or Big5 far more often than anything else,
//! and chardetng tells those apart well from a few kilobytes) and
//! `encoding_rs` decodes. Malformed sequences become U+FFFD and are counted;
//! decoding never fails.
//!
//! Text that is UTF-8 but for a few broken bytes (a truncated download, one
//! bad byte in a large page) stays UTF-8: re-reading a whole page in another
//! encoding for the sake of one byte would garble everything else.
//!
//! UTF-16 without a byte order mark (saved by some Windows tools) is neither
//! UTF-8 nor anything chardetng knows; it is recognised when one byte order
//! reads the start as text: ASCII, common ideographs, CJK punctuation.

use std::io::{self, Read};

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// How many bytes chardetng sees.
const SNIFF_LIMIT: usize = 64 * 1024;

/// Text decoded from bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding used, by its WHATWG name (`UTF-8`, `GBK`, `Big5`, …).
    pub encoding: &'static str,
    /// Whether a byte order mark chose the encoding.
    pub bom: bool,
    /// Malformed byte sequences replaced by U+FFFD.
    pub malformed: usize,
}

/// Decodes `bytes`, detecting the encoding.
pub fn decode(bytes: &[u8]) -> Decoded {
    decode_as(bytes, None)
}

/// Decodes `bytes` as `forced`, or, if `None`, as detected. A byte order
/// mark of the encoding used is skipped either way.
pub fn decode_as(bytes: &[u8], forced: Option<&'static Encoding>) -> Decoded {
    if forced.is_none() && Encoding::for_bom(bytes).is_none() && sniff_utf16(bytes).is_none() {
        if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
            return Decoded {
                text: text.to_string(),
                encoding: UTF_8.name(),
                bom: false,
                malformed: 0,
            };
        }
    }
    let (encoding, bom_len) = choose(bytes, true, forced);
    decode_with(encoding, &bytes[bom_len..], bom_len > 0)
}

/// The encoding to read text starting with `prefix` in (`complete`: the
/// prefix is the whole text), and the length of its byte order mark: the
/// forced one, else the one a byte order mark names, else the detected one.
fn choose(
    prefix: &[u8],
    complete: bool,
    forced: Option<&'static Encoding>,
) -> (&'static Encoding, usize) {
    match (forced, Encoding::for_bom(prefix)) {
        (Some(forced), Some((named, bom_len))) if named == forced => (forced, bom_len),
        (Some(forced), _) => (forced, 0),
        (None, Some((named, bom_len))) => (named, bom_len),
        (None, None) => (detect(prefix, complete), 0),
    }
}

/// The encoding of text without a byte order mark that starts with
/// `prefix`; `complete` says whether `prefix` is the whole text.
fn detect(prefix: &[u8], complete: bool) -> &'static Encoding {
    if let Some(utf16) = sniff_utf16(prefix) {
        return utf16;
    }
    let valid_utf8 = match std::str::from_utf8(prefix) {
        Ok(_) => true,
        // Cut inside a character at the end of a partial prefix.
        Err(e) => !complete && e.error_len().is_none(),
    };
    if valid_utf8 || mostly_utf8(prefix) {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new();
    let sniffed = &prefix[..prefix.len().min(SNIFF_LIMIT)];
    detector.feed(sniffed, complete && sniffed.len() == prefix.len());
    detector.guess(None, true)
}

/// UTF-16 without a byte order mark, if one byte order reads the start of
/// `prefix` as text: at least [`UTF16_MIN_CHARS`] characters, nearly all of
/// them printable ASCII, blanks, common ideographs or CJK punctuation. Text
/// in a one-byte or GBK-like encoding read that way is mostly rare
/// ideographs and symbols; ASCII text in UTF-16 is full of NUL bytes, which
/// nothing else has.
fn sniff_utf16(prefix: &[u8]) -> Option<&'static Encoding> {
    let sample = &prefix[..prefix.len().min(4096) & !1];
    if sample.len() < 2 * UTF16_MIN_CHARS {
        return None;
    }
    [UTF_16LE, UTF_16BE].into_iter().find(|&encoding| {
        // A character cut at the end of the sample decodes as malformed.
        let (text, _) = encoding.decode_without_bom_handling(sample);
        let tables = crate::script::ScriptTables::get();
        let (mut chars, mut plausible) = (0usize, 0usize);
        for c in text.chars() {
            chars += 1;
            let textual = match c {
                '\t' | '\n' | '\r' | ' '..='~' => true,
                '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' => true,
                _ => crate::freq::is_common(tables.simplified(c).unwrap_or(c)),
            };
            plausible += usize::from(textual);
        }
        chars >= UTF16_MIN_CHARS && plausible * 100 >= chars * 95
    })
}

/// Characters UTF-16 sniffing needs.
const UTF16_MIN_CHARS: usize = 4;

/// Decodes a byte stream chunk by chunk, in bounded memory: the encoding is
/// decided from the first 64 KiB (byte order mark, UTF-8 validity, else
/// chardetng), and characters split between reads come out whole.
pub struct StreamDecoder<R> {
    reader: R,
    decoder: Decoder,
    encoding: &'static Encoding,
    bom: bool,
    buf: Vec<u8>,
    /// The unread part of `buf` is `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    malformed: usize,
    binary: bool,
}

impl<R> std::fmt::Debug for StreamDecoder<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamDecoder")
            .field("encoding", &self.encoding.name())
            .field("malformed", &self.malformed)
            .finish_non_exhaustive()
    }
}

/// How much a [`StreamDecoder`] reads at a time.
const CHUNK: usize = 1 << 20;

impl<R: Read> StreamDecoder<R> {
    /// Reads the start of `reader` and decides its encoding (`forced`, if
    /// given, is used as is).
    pub fn new(mut reader: R, forced: Option<&'static Encoding>) -> io::Result<StreamDecoder<R>> {
        let mut buf = vec![0u8; CHUNK.max(SNIFF_LIMIT)];
        let mut end = 0;
        let mut eof = false;
        while end < SNIFF_LIMIT {
            match reader.read(&mut buf[end..]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let (encoding, start) = choose(&buf[..end], eof, forced);
        let bom = start > 0;
        let binary = looks_binary(&buf[..end]);
        Ok(StreamDecoder {
            binary,
            reader,
            decoder: encoding.new_decoder_without_bom_handling(),
            encoding,
            bom,
            buf,
            start,
            end,
            eof,
            malformed: 0,
        })
    }

    /// The encoding being decoded, by its WHATWG name.
    pub fn encoding(&self) -> &'static str {
        self.encoding.name()
    }

    /// Whether a byte order mark named the encoding.
    pub fn bom(&self) -> bool {
        self.bom
    }

    /// Whether the start of the input looks like a binary file (see
    /// [`looks_binary`]).
    pub fn looks_binary(&self) -> bool {
        self.binary
    }

    /// Malformed byte sequences replaced by U+FFFD so far.
    pub fn malformed(&self) -> usize {
        self.malformed
    }

    /// Appends the next piece of text to `out`; `false` once the input is
    /// exhausted and everything has been decoded.
    pub fn read_chunk(&mut self, out: &mut String) -> io::Result<bool> {
        if self.start == self.end {
            if self.eof {
                return Ok(false);
            }
            self.fill()?;
        }
        let input = &self.buf[self.start..self.end];
        self.malformed += decode_into(&mut self.decoder, input, self.eof, out);
        self.start = self.end;
        Ok(true)
    }

    fn fill(&mut self) -> io::Result<()> {
        self.start = 0;
        self.end = 0;
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end = n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Decodes `bytes` as `encoding`, counting malformed sequences.
pub fn decode_with(encoding: &'static Encoding, bytes: &[u8], bom: bool) -> Decoded {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::new();
    let malformed = decode_into(&mut decoder, bytes, true, &mut text);
    Decoded {
        text,
        encoding: encoding.name(),
        bom,
        malformed,
    }
}

/// Appends `bytes` decoded by `decoder` to `out`, malformed sequences as
/// U+FFFD; returns how many there were. `last`: no more bytes follow.
fn decode_into(decoder: &mut Decoder, bytes: &[u8], last: bool, out: &mut String) -> usize {
    out.reserve(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3),
    );
    let mut malformed = 0;
    let mut rest = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, out, last);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => return malformed,
            DecoderResult::Malformed(_, _) => {
                malformed += 1;
                out.push('\u{FFFD}');
            }
            DecoderResult::OutputFull => out.reserve(rest.len() * 3 + 16),
        }
    }
}

/// UTF-8 with at least ten valid non-ASCII bytes for each malformed one.
/// Text in a legacy CJK encoding is nowhere near: nearly all its non-ASCII
/// bytes are malformed as UTF-8.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut decoder = UTF_8.new_decoder_without_bom_handling();
    let mut scratch = [0u8; 4096];
    let mut rest = bytes;
    let mut malformed = 0usize;
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    loop {
        let (result, read, _) =
            decoder.decode_to_utf8_without_replacement(rest, &mut scratch, true);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::Malformed(bad, _) => malformed += usize::from(bad),
            DecoderResult::OutputFull => {}
        }
    }
    let valid_multibyte = non_ascii.saturating_sub(malformed);
    valid_multibyte >= 4 && malformed * 10 <= valid_multibyte
}

/// Whether `bytes` look like a binary file rather than text: a NUL byte in
/// the first 8 KiB, unless a UTF-16 byte order mark explains it.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if !bytes[..bytes.len().min(8192)].contains(&0) {
        return false;
    }
    // NUL bytes are at home in UTF-16 only.
    let utf16_bom = matches!(Encoding::for_bom(bytes), Some((e, _)) if e != UTF_8);
    !utf16_bom && sniff_utf16(bytes).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_without_byte_order_mark_is_recognised() {
        let text = "發展殘疾人事業 (2023), 中文 text。\n";
        for encoding in [UTF_16LE, UTF_16BE] {
            let (bytes, _, _) = encoding.encode(text);
            // encoding_rs encodes UTF-16 as UTF-8; write the code units.
            assert_eq!(bytes.as_ref(), text.as_bytes());
            let units: Vec<u8> = text
                .encode_utf16()
                .flat_map(|u| {
                    if encoding == UTF_16LE {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    }
                })
                .collect();
            assert!(!looks_binary(&units));
            let d = decode(&units);
            assert_eq!((d.text.as_str(), d.encoding), (text, encoding.name()));
        }
        // GBK and Big5 text is not taken for UTF-16.
        for (encoding, text) in [
            (encoding_rs::GBK, "发展残疾人事业，改善残疾民生"),
            (encoding_rs::BIG5, "發展殘疾人事業，改善殘疾民生"),
        ] {
            let (bytes, _, _) = encoding.encode(text);
            assert_eq!(decode(&bytes).text, text);
        }
    }

    #[test]
    fn utf8_passes_through() {
        let d = decode("發展 abc".as_bytes());
        assert_eq!(
            (d.text.as_str(), d.encoding, d.malformed),
            ("發展 abc", "UTF-8", 0)
        );
    }

    #[test]
    fn bom_decides() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "中文".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let d = decode(&bytes);
        assert_eq!(
            (d.text.as_str(), d.encoding, d.bom),
            ("中文", "UTF-16LE", true)
        );
        assert!(!looks_binary(&bytes));
    }

    #[test]
    fn gbk_is_detected() {
        let text = "过去五年，涪陵区残联在区委、区政府的坚强领导下，全面贯彻落实各项惠残政策。";
        let (bytes, _, _) = encoding_rs::GBK.encode(text);
        let d = decode(&bytes);
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, "GBK");
    }

    #[test]
    fn one_bad_byte_keeps_utf8() {
        let mut bytes = "區殘聯工作人員慰問困難殘疾人".as_bytes().to_vec();
        bytes.insert(6, 0xFF);
        let d = decode(&bytes);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.malformed, 1);
        assert_eq!(d.text, "區殘\u{FFFD}聯工作人員慰問困難殘疾人");
    }

    #[test]
    fn stream_decoder_gives_the_same_text_in_any_read_sizes() {
        /// Hands out at most `step` bytes a read.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let text = "过去五年，涪陵区残联在区委、区政府的坚强领导下，全面贯彻落实各项惠残政策。\n"
            .repeat(40);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        for (bytes, encoding) in [(text.as_bytes(), "UTF-8"), (&gbk[..], "GBK")] {
            for step in [1, 2, 3, 7, 4096] {
                let mut stream = StreamDecoder::new(Trickle(bytes, step), None).unwrap();
                let mut out = String::new();
                while stream.read_chunk(&mut out).unwrap() {}
                assert_eq!(stream.encoding(), encoding);
                assert_eq!(out, text, "{encoding}, {step} bytes a read");
                assert_eq!(stream.malformed(), 0);
            }
        }
    }

    #[test]
    fn a_forced_encoding_skips_its_own_bom_in_both_paths() {
        let bytes = b"\xef\xbb\xbf\xe4\xb8\xad";
        let whole = decode_as(bytes, Some(UTF_8));
        assert_eq!((whole.text.as_str(), whole.bom), ("中", true));
        let mut stream = StreamDecoder::new(&bytes[..], Some(UTF_8)).unwrap();
        let mut out = String::new();
        while stream.read_chunk(&mut out).unwrap() {}
        assert_eq!((out.as_str(), stream.bom()), ("中", true));
        // A BOM of another encoding is text in the forced one.
        assert_eq!(
            decode_as(bytes, Some(encoding_rs::WINDOWS_1252)).text,
            "ï»¿ä¸\u{AD}"
        );
    }

    #[test]
    fn garbage_never_panics() {
        for bytes in [&b"a\xffb"[..], b"\xff", b"", b"\xe4\xb8", b"\x81"] {
            let d = decode(bytes);
            assert!(d.text.len() <= bytes.len() * 3 + 3);
        }
        assert!(looks_binary(b"\x7fELF\x02\x01\x01\0\0\0"));
    }
}
