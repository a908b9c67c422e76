//! JSON Lines: clean one string field of every record, leave the rest as it
//! was, one output line per input line. The line is checked to be a JSON
//! object and the field's string is found in it, cleaned and written back
//! in its place: every other byte (key order, spacing, numbers, escapes)
//! stays as it was. A line that is not a JSON object is reported with its number and
//! kept, dropped or made fatal as `--on-error` says; a record without the
//! field is copied unchanged. Corpus builders can drop whole documents whose
//! spam share is above a threshold.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::value::RawValue;
use zhclean::{Cleaner, DroppedLine};

/// What to do with a line that is not a JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Copy it through unchanged.
    Keep,
    /// Leave it out of the output.
    Drop,
    /// Stop with an error.
    Fail,
}

/// How records are cleaned.
#[derive(Debug, Clone)]
pub struct JsonlOptions {
    /// Dotted path of the string field to clean (`text`, `page.body`).
    pub field: Vec<String>,
    pub on_error: OnError,
    /// Drop a record whose spam share (0 to 1) is above this.
    pub drop_above: Option<f64>,
    /// Print each dropped line on standard error, naming the input so.
    pub explain: Option<String>,
}

/// What cleaning one JSON Lines input did.
#[derive(Debug, Default, Serialize)]
pub struct JsonlSummary {
    pub records: usize,
    pub cleaned: usize,
    pub without_field: usize,
    pub dropped_records: usize,
    pub malformed: usize,
    /// Line numbers of the first malformed lines (at most 100).
    pub malformed_lines: Vec<usize>,
    pub spam_lines: usize,
    pub chrome_lines: usize,
    pub annotations_stripped: usize,
    /// Replacements the conversion made.
    pub converted: usize,
}

/// Why a JSON Lines input stopped.
#[derive(Debug)]
pub enum JsonlError {
    Read(io::Error),
    Write(io::Error),
    /// `--on-error fail` and a line that is not a JSON object.
    Malformed {
        line: usize,
        why: String,
    },
}

/// How many lines are read before a batch is cleaned in parallel, unless
/// they come to [`BATCH_BYTES`] first: a dump of long pages would otherwise
/// hold a thousand of them, twice, and their cleaned text.
const BATCH: usize = 1024;
const BATCH_BYTES: usize = 16 << 20;
/// How much is read at a time into a batch; what the last read brought past
/// the batch's last line is copied to start the next.
const READ_BYTES: usize = 256 << 10;
/// At most this many records are cleaned in a row by one thread without a
/// chance for another to take some: rayon's own shares of a batch were a
/// quarter of it, and at its end one thread idled while another finished
/// the last quarter, a few milliseconds a batch.
const MAX_SHARE: usize = 8;

/// Lines of the input in one buffer: no allocation and no copy for each.
struct Batch {
    /// The lines, then bytes of no meaning: the buffer is reused whole.
    bytes: Vec<u8>,
    /// Each line's number and where it stands in `bytes`, with its `\n`.
    lines: Vec<(usize, Range<usize>)>,
}

impl Batch {
    fn line(&self, range: &Range<usize>) -> &[u8] {
        &self.bytes[range.clone()]
    }
}

/// Cleans the records of `reader` into `writer`, batches of records in
/// parallel on rayon's threads, the output in input order. With more than
/// one thread, the calling thread writes the batch before and reads the
/// batch after while one is cleaned; with one (or when called on a thread
/// of rayon's), it does each in turn, so that `-j 1` is one core.
pub fn clean(
    cleaner: &Cleaner,
    options: &JsonlOptions,
    reader: impl Read,
    mut writer: impl Write,
) -> Result<JsonlSummary, JsonlError> {
    let mut summary = JsonlSummary::default();
    let mut reader = LineReader::new(reader);
    let clean_all = |batch: &Batch| -> Vec<LineResult> {
        batch
            .lines
            .par_iter()
            .with_max_len(MAX_SHARE)
            .map(|(_, range)| clean_line(cleaner, options, batch.line(range)))
            .collect()
    };
    // Not on one of rayon's threads (files cleaned side by side): that
    // thread would wait for the cleaning without helping its pool.
    let overlap = rayon::current_num_threads() > 1 && rayon::current_thread_index().is_none();
    if !overlap {
        loop {
            let batch = reader.next_batch().map_err(JsonlError::Read)?;
            if batch.lines.is_empty() {
                break;
            }
            let results = clean_all(&batch);
            write_lines(&mut writer, options, &mut summary, &batch, results)?;
            reader.recycle(batch);
        }
    } else {
        let mut batch = reader.next_batch().map_err(JsonlError::Read)?;
        let mut cleaned: Option<(Batch, Vec<LineResult>)> = None;
        while !batch.lines.is_empty() {
            let (results, next) = std::thread::scope(|scope| {
                let cleaning = scope.spawn(|| clean_all(&batch));
                let next = match cleaned.take() {
                    Some((done, results)) => {
                        let written =
                            write_lines(&mut writer, options, &mut summary, &done, results);
                        reader.recycle(done);
                        written
                    }
                    None => Ok(()),
                }
                .and_then(|()| reader.next_batch().map_err(JsonlError::Read));
                let results = cleaning
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (results, next)
            });
            cleaned = Some((std::mem::replace(&mut batch, next?), results));
        }
        if let Some((done, results)) = cleaned {
            write_lines(&mut writer, options, &mut summary, &done, results)?;
        }
    }
    writer.flush().map_err(JsonlError::Write)?;
    Ok(summary)
}

/// Reads batches of lines straight into their buffers, a large read at a
/// time; what is read past a batch's last line starts the next one. The
/// buffers of written batches come back to be read into again: they are
/// already there and zeroed, so a read is one system call into them, not
/// a fresh allocation filled in small reads.
struct LineReader<R> {
    reader: R,
    /// The bytes read past the last batch.
    carry: Vec<u8>,
    /// Buffers given back, their whole length initialised.
    spare: Vec<Vec<u8>>,
    /// The number of the last line read.
    number: usize,
    /// The size of the last batch: the next is likely as large, and its
    /// buffer is made so at once, not grown by copies.
    last_size: usize,
    done: bool,
}

impl<R: Read> LineReader<R> {
    fn new(reader: R) -> LineReader<R> {
        LineReader {
            reader,
            carry: Vec::new(),
            spare: Vec::new(),
            number: 0,
            last_size: 0,
            done: false,
        }
    }

    /// The next lines, at most [`BATCH`] or a line past [`BATCH_BYTES`];
    /// none at the end.
    fn next_batch(&mut self) -> io::Result<Batch> {
        let mut bytes = self.spare.pop().unwrap_or_default();
        let size = self.last_size.clamp(READ_BYTES, BATCH_BYTES) + READ_BYTES;
        let size = size.max(self.carry.len() + READ_BYTES);
        if bytes.len() < size {
            bytes.resize(size, 0);
        }
        bytes[..self.carry.len()].copy_from_slice(&self.carry);
        let mut filled = self.carry.len();
        self.carry.clear();
        let mut lines = Vec::with_capacity(BATCH);
        // Where the next line starts, and how far its end was looked for.
        let (mut start, mut searched) = (0, 0);
        loop {
            while lines.len() < BATCH && start < BATCH_BYTES {
                let Some(found) = memchr::memchr(b'\n', &bytes[searched..filled]) else {
                    searched = filled;
                    break;
                };
                let end = searched + found + 1;
                self.number += 1;
                lines.push((self.number, start..end));
                (start, searched) = (end, end);
            }
            if lines.len() == BATCH || start >= BATCH_BYTES {
                break;
            }
            if self.done {
                if start < filled {
                    self.number += 1;
                    lines.push((self.number, start..filled));
                    start = filled;
                }
                break;
            }
            if bytes.len() < filled + READ_BYTES {
                bytes.resize((2 * bytes.len()).max(filled + READ_BYTES), 0);
            }
            let read = loop {
                match self.reader.read(&mut bytes[filled..filled + READ_BYTES]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    read => break read?,
                }
            };
            self.done = read == 0;
            filled += read;
        }
        self.carry.extend_from_slice(&bytes[start..filled]);
        self.last_size = start;
        Ok(Batch { bytes, lines })
    }

    /// Takes back the buffer of a batch done with, for a later batch.
    fn recycle(&mut self, batch: Batch) {
        self.spare.push(batch.bytes);
    }
}

/// Writes the cleaned `batch` in order, in one vectored write (the lines
/// are not copied into a buffer first), and adds up what was done to them.
fn write_lines(
    writer: &mut impl Write,
    options: &JsonlOptions,
    summary: &mut JsonlSummary,
    batch: &Batch,
    results: Vec<LineResult>,
) -> Result<(), JsonlError> {
    let mut slices = Vec::with_capacity(results.len());
    for (result, (number, range)) in results.iter().zip(&batch.lines) {
        summary.add(&result.counts);
        if let Some(name) = &options.explain {
            crate::explain(&format!("{name}:{number}"), &result.dropped);
        }
        if let Some(why) = &result.malformed {
            summary.malformed += 1;
            if summary.malformed_lines.len() < 100 {
                summary.malformed_lines.push(*number);
            }
            if options.on_error == OnError::Fail {
                write_all_vectored(writer, &mut slices).map_err(JsonlError::Write)?;
                return Err(JsonlError::Malformed {
                    line: *number,
                    why: why.clone(),
                });
            }
        }
        let bytes = match &result.output {
            Output::Raw => batch.line(range),
            Output::Line(line) => line,
            Output::Nothing => continue,
        };
        slices.push(io::IoSlice::new(bytes));
    }
    write_all_vectored(writer, &mut slices).map_err(JsonlError::Write)
}

/// Writes all of `slices`, as `Write::write_all_vectored` (not yet stable)
/// would.
fn write_all_vectored(
    writer: &mut impl Write,
    mut slices: &mut [io::IoSlice<'_>],
) -> io::Result<()> {
    io::IoSlice::advance_slices(&mut slices, 0);
    while !slices.is_empty() {
        match writer.write_vectored(slices) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(written) => io::IoSlice::advance_slices(&mut slices, written),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// What one input line becomes.
enum Output {
    /// The line as it was (blank, or malformed and kept).
    Raw,
    /// A cleaned record, with its newline.
    Line(Vec<u8>),
    /// Nothing (malformed and dropped, or a spam document).
    Nothing,
}

/// The outcome of one line, merged into the summary in input order.
struct LineResult {
    output: Output,
    counts: JsonlSummary,
    malformed: Option<String>,
    dropped: Vec<DroppedLine>,
}

impl JsonlSummary {
    fn add(&mut self, other: &JsonlSummary) {
        self.records += other.records;
        self.cleaned += other.cleaned;
        self.without_field += other.without_field;
        self.dropped_records += other.dropped_records;
        self.spam_lines += other.spam_lines;
        self.chrome_lines += other.chrome_lines;
        self.annotations_stripped += other.annotations_stripped;
        self.converted += other.converted;
    }
}

fn clean_line(cleaner: &Cleaner, options: &JsonlOptions, raw: &[u8]) -> LineResult {
    let mut result = LineResult {
        output: Output::Raw,
        counts: JsonlSummary::default(),
        malformed: None,
        dropped: Vec::new(),
    };
    let line = trim_newline(raw);
    if line.iter().all(u8::is_ascii_whitespace) {
        return result;
    }
    result.counts.records = 1;
    match parse(line, &options.field) {
        Ok(record) => {
            result.output = match clean_record(cleaner, options, record, &mut result) {
                Some(line) => Output::Line(line),
                None => {
                    result.counts.dropped_records = 1;
                    Output::Nothing
                }
            };
        }
        Err(why) => {
            result.malformed = Some(why);
            if options.on_error == OnError::Drop {
                result.output = Output::Nothing;
            }
        }
    }
    result
}

fn trim_newline(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

/// A record whose field was found: the line, and where in it the field's
/// JSON string stands, with its text.
struct Record<'a> {
    line: &'a str,
    field: Option<(Range<usize>, String)>,
}

/// `line` checked to be a JSON object, with the string at the dotted
/// `path` found in it. Only that string is ever rewritten: every other byte
/// of the line (key order, spacing, number spelling, escapes) stays.
fn parse<'a>(line: &'a [u8], path: &[String]) -> Result<Record<'a>, String> {
    let line = match simdutf8::basic::from_utf8(line) {
        Ok(line) => line,
        Err(_) => {
            let why = std::str::from_utf8(line).err().map(|e| e.to_string());
            return Err(format!("not UTF-8 ({})", why.unwrap_or_default()));
        }
    };
    if let [key] = path {
        if let Some(field) = scan_members(line, key) {
            return Ok(Record { line, field });
        }
    }
    read_members(line, path)
}

/// [`parse`] of a line that is UTF-8, by `serde_json`.
fn read_members<'a>(line: &'a str, path: &[String]) -> Result<Record<'a>, String> {
    let mut object = line;
    for (depth, key) in path.iter().enumerate() {
        let members = match serde_json::from_str::<BTreeMap<String, &RawValue>>(object) {
            Ok(members) => members,
            Err(_) if depth > 0 => return Ok(Record { line, field: None }),
            Err(e) if line.trim_start().starts_with('{') => return Err(e.to_string()),
            Err(_) => return Err("not a JSON object".to_string()),
        };
        let Some(raw) = members.get(key.as_str()).map(|raw| raw.get()) else {
            return Ok(Record { line, field: None });
        };
        if depth + 1 < path.len() {
            object = raw;
            continue;
        }
        let field = json_text(raw).map(|text| {
            let start = raw.as_ptr() as usize - line.as_ptr() as usize;
            (start..start + raw.len(), text)
        });
        return Ok(Record { line, field });
    }
    Ok(Record { line, field: None })
}

/// The string at `key` of `line`, if `line` is a JSON object that a byte
/// scan can vouch for; `None` where it cannot (not an object, a broken or
/// unusual spelling), and `serde_json` reads the line instead. The members
/// are looked at in place, strings by a search for their quotes and
/// escapes, other values by `serde_json`: read into a map, as `parse`
/// does, a page's text was checked a byte at a time and every key copied.
/// As there, the last member of a name counts.
fn scan_members(line: &str, key: &str) -> Option<Option<(Range<usize>, String)>> {
    use serde::Deserialize;
    let bytes = line.as_bytes();
    let mut at = skip_blanks(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_blanks(bytes, at + 1);
    let mut field = None;
    if bytes.get(at) == Some(&b'}') {
        at += 1;
    } else {
        loop {
            let (name_end, escaped, _) = json_string(line, at, false)?;
            let is_key = match escaped {
                false => &line[at + 1..name_end - 1] == key,
                true => json_text(&line[at..name_end])? == key,
            };
            at = skip_blanks(bytes, name_end);
            if bytes.get(at) != Some(&b':') {
                return None;
            }
            let start = skip_blanks(bytes, at + 1);
            let end = match bytes.get(start) {
                Some(b'"') => {
                    let (end, _, text) = json_string(line, start, is_key)?;
                    if let Some(text) = text {
                        field = Some(Some((start..end, text)));
                    }
                    end
                }
                _ => {
                    let mut values = serde_json::Deserializer::from_str(&line[start..]);
                    let raw = <&RawValue>::deserialize(&mut values).ok()?.get();
                    if is_key {
                        field = Some(None);
                    }
                    raw.as_ptr() as usize - line.as_ptr() as usize + raw.len()
                }
            };
            at = skip_blanks(bytes, end);
            match bytes.get(at) {
                Some(b',') => at = skip_blanks(bytes, at + 1),
                Some(b'}') => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_blanks(bytes, at) == bytes.len()).then_some(field.flatten())
}

/// The first byte from `at` that is no JSON white space.
fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
        at += 1;
    }
    at
}

/// The text of `raw`, a JSON value that `serde_json` has checked to be
/// well formed, if it is a string: its escapes read, the runs between them
/// copied whole. `None` for other values and for a string with a lone
/// surrogate, which no UTF-8 can carry (`serde_json` refuses it too).
fn json_text(raw: &str) -> Option<String> {
    match json_string(raw, 0, true)? {
        (end, _, text) if end == raw.len() => text,
        _ => None,
    }
}

/// The JSON string at `at` of `s` (its opening `"`): where it ends, past
/// its closing `"`; whether it has escapes; and, if `read`, its text, the
/// escapes read and the runs between them copied whole. `None` if it is no
/// well-formed string (a control character, an unknown escape, no end) or,
/// read, if it holds a lone surrogate, which no UTF-8 can carry.
fn json_string(s: &str, at: usize, read: bool) -> Option<(usize, bool, Option<String>)> {
    let bytes = s.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let hex = |at: usize| -> Option<u32> {
        let digits = bytes.get(at..at + 4)?;
        let digits = std::str::from_utf8(digits).ok()?;
        digits
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| u32::from_str_radix(digits, 16).ok())?
    };
    let mut text = read.then(|| String::with_capacity(s.len() - at));
    let (mut copied, mut escaped) = (at + 1, false);
    loop {
        let found = copied + memchr::memchr2(b'"', b'\\', &bytes[copied..])?;
        if let Some(text) = &mut text {
            text.push_str(&s[copied..found]);
        }
        if bytes[found] == b'"' {
            // The least byte, found a vector at a time: no control character.
            let least = bytes[at + 1..found]
                .iter()
                .copied()
                .min()
                .unwrap_or(u8::MAX);
            return (least >= 0x20).then_some((found + 1, escaped, text));
        }
        escaped = true;
        let (c, len) = match bytes.get(found + 1)? {
            b'n' => ('\n', 2),
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'u' => match (hex(found + 2)?, &mut text) {
                (_, None) => ('\0', 6),
                (high @ 0xD800..=0xDBFF, Some(_)) => {
                    if bytes.get(found + 6..found + 8)? != b"\\u" {
                        return None;
                    }
                    let low = hex(found + 8).filter(|low| (0xDC00..=0xDFFF).contains(low))?;
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    (char::from_u32(code)?, 12)
                }
                (code, Some(_)) => (char::from_u32(code)?, 6),
            },
            _ => return None,
        };
        if let Some(text) = &mut text {
            text.push(c);
        }
        copied = found + len;
    }
}

/// The cleaned record as a line, or `None` when it is dropped as spam.
fn clean_record(
    cleaner: &Cleaner,
    options: &JsonlOptions,
    record: Record<'_>,
    result: &mut LineResult,
) -> Option<Vec<u8>> {
    let counts = &mut result.counts;
    let Some((span, text)) = record.field else {
        counts.without_field += 1;
        let mut line = Vec::with_capacity(record.line.len() + 1);
        line.extend_from_slice(record.line.as_bytes());
        line.push(b'\n');
        return Some(line);
    };
    let cleaned = cleaner.clean(&text);
    let report = cleaned.report;
    if let Some(spam) = &report.spam {
        counts.spam_lines += spam.spam_lines;
        counts.chrome_lines += spam.chrome_lines;
        if options
            .drop_above
            .is_some_and(|limit| spam.spam_share > limit)
        {
            return None;
        }
    }
    counts.annotations_stripped += report.annotations.as_ref().map_or(0, |a| a.stripped);
    counts.converted += report
        .convert
        .as_ref()
        .and_then(|c| c.replacements)
        .unwrap_or(0);
    result.dropped = report.dropped;
    let mut out = cleaned.text;
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    counts.cleaned += 1;
    let line = record.line.as_bytes();
    let mut spliced = Vec::with_capacity(line.len() + out.len() / 4 + 1);
    spliced.extend_from_slice(&line[..span.start]);
    write_json_string(&mut spliced, &out);
    spliced.extend_from_slice(&line[span.end..]);
    spliced.push(b'\n');
    Some(spliced)
}

/// `text` as a JSON string, quoted and escaped as `serde_json` writes it.
/// Cleaned pages have an escape on every line, and `serde_json` looks at
/// each byte in turn: this copies the runs between escapes whole, found 32
/// bytes at a time when the only control character is `\n` (nearly
/// always), else eight at a time.
fn write_json_string(out: &mut Vec<u8>, text: &str) {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    let has_zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Most texts need no escape but `"`, `\\` and line ends: their
    // vectorised search goes 32 bytes at a time.
    let controls = bytes
        .iter()
        .fold(0u8, |n, &b| n | u8::from(b < 0x20) & u8::from(b != b'\n'));
    if controls == 0 {
        let mut copied = 0;
        for at in memchr::memchr3_iter(b'"', b'\\', b'\n', bytes) {
            out.extend_from_slice(&bytes[copied..at]);
            write_escape(out, bytes[at]);
            copied = at + 1;
        }
        out.extend_from_slice(&bytes[copied..]);
        out.push(b'"');
        return;
    }
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if let Some(chunk) = bytes.get(at..at + 8) {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            let word = u64::from_le_bytes(word);
            let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
            let special = control
                | has_zero(word ^ (ONES * u64::from(b'"')))
                | has_zero(word ^ (ONES * u64::from(b'\\')));
            if special == 0 {
                at += 8;
                continue;
            }
            at += special.trailing_zeros() as usize / 8;
        }
        let byte = bytes[at];
        if byte >= 0x20 && byte != b'"' && byte != b'\\' {
            at += 1;
            continue;
        }
        out.extend_from_slice(&bytes[copied..at]);
        write_escape(out, byte);
        at += 1;
        copied = at;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

/// Writes the JSON escape of `byte`, a control character, `"` or `\\`, as
/// `serde_json` writes it.
fn write_escape(out: &mut Vec<u8>, byte: u8) {
    let short: &[u8] = match byte {
        b'"' => b"\\\"",
        b'\\' => b"\\\\",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\t' => b"\\t",
        0x08 => b"\\b",
        0x0C => b"\\f",
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xF)]);
            return;
        }
    };
    out.extend_from_slice(short);
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhclean::Options;

    fn run(input: &str, options: &JsonlOptions) -> Result<(String, JsonlSummary), JsonlError> {
        let cleaner = Cleaner::new(Options::default()).unwrap();
        let mut out = Vec::new();
        let summary = clean(&cleaner, options, input.as_bytes(), &mut out)?;
        Ok((String::from_utf8(out).unwrap(), summary))
    }

    /// A reader that gives at most `step` bytes a read, as pipes do.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn read_all(text: &[u8], step: usize) -> Vec<(usize, Vec<u8>)> {
        let mut reader = LineReader::new(Trickle { bytes: text, step });
        let mut lines = Vec::new();
        loop {
            let batch = reader.next_batch().unwrap();
            if batch.lines.is_empty() {
                return lines;
            }
            assert!(batch.lines.len() <= BATCH);
            lines.extend(
                batch
                    .lines
                    .iter()
                    .map(|(n, r)| (*n, batch.line(r).to_vec())),
            );
            // What a recycled buffer still holds must not leak into a line.
            reader.recycle(batch);
        }
    }

    #[test]
    fn lines_are_read_whole_across_reads_and_batches() {
        let text = "{\"text\": \"發展\"}\n\n{\"a\": 1}\r\nlast without an end";
        let expected: Vec<&str> = text.split_inclusive('\n').collect();
        for step in [1, 3, 7, 64] {
            let lines = read_all(text.as_bytes(), step);
            let numbers: Vec<usize> = lines.iter().map(|(n, _)| *n).collect();
            assert_eq!(numbers, (1..=expected.len()).collect::<Vec<_>>());
            let lines: Vec<&[u8]> = lines.iter().map(|(_, l)| l.as_slice()).collect();
            assert_eq!(
                lines,
                expected.iter().map(|l| l.as_bytes()).collect::<Vec<_>>()
            );
        }
        // More lines than a batch holds, and lines longer than a read.
        let long = "長".repeat(READ_BYTES);
        let mut text = String::new();
        for n in 0..BATCH * 2 + 5 {
            text.push_str(if n % 700 == 0 { &long } else { "{}" });
            text.push('\n');
        }
        let lines = read_all(text.as_bytes(), usize::MAX);
        assert_eq!(lines.len(), BATCH * 2 + 5);
        let joined: Vec<u8> = lines.iter().flat_map(|(_, l)| l.iter().copied()).collect();
        assert_eq!(joined, text.as_bytes());
    }

    /// Where the member scan vouches for a line, `serde_json` reads it so
    /// too; it vouches for the plain lines of a dump.
    #[test]
    fn the_member_scan_agrees_with_serde_json() {
        let cases = [
            r#"{"text":"a\nb"}"#,
            r#"{"text": "x", "text": "y"}"#,
            r#"{ "a" : "\u4e2d\/x",  "text":"發(fā)\n", "n":1.0e2 , "text2":"區"}"#,
            r#"{"te\u0078t":"發","n":[1,{"text":"x"}],"text":"區"}"#,
            r#"{"text":"發","n":tru}"#,
            r#"{"text":12}"#,
            r#"{"text":null,"b":false}"#,
            r#"{"text":"\ud83d lone"}"#,
            r#"{"text":"\ud83d\ude00 pair"}"#,
            "{\"text\":\"raw\ttab\"}",
            "{\"text\":\"raw\u{1}control\"}",
            r#"{"text":"escaped \u0001 control"}"#,
            r#"{}"#,
            r#"  {"text":"x"}  "#,
            "{\"text\":\"x\"}\r",
            r#"{"text":"x"}garbage"#,
            r#"{"text":"x"}}"#,
            r#"[1,2]"#,
            r#"not json"#,
            r#""text""#,
            r#"{"text":"x",}"#,
            r#"{"text" "x"}"#,
            r#"{"text":"\x"}"#,
            r#"{"text":"\u12"}"#,
            r#"{"text":"\u+123"}"#,
            r#"{"text":"open"#,
            r#"{"a":{"b":"c"},"text":"t"}"#,
            r#"{"a":[1,2,{"x":"y"}],"text":"t","z":-0.5e-3}"#,
            r#"{"a":"\"quoted\"","text":"\"t\""}"#,
            r#"{"text":"ends with \\"}"#,
            r#"{"text":"","a":01}"#,
            r#"{"a":1e999,"text":"big"}"#,
            r#"{"te\"xt":"q","text":"r"}"#,
            r#"{"text":"x" , "a" : [ ] , "b" : { } }"#,
        ];
        let dump = [include_str!("../../../data/examples/seed-page.txt")].map(|page| {
            serde_json::json!({"id": 1, "url": "https://example.com/1", "text": page}).to_string()
        });
        let mut vouched = 0;
        for line in cases.iter().copied().chain(dump.iter().map(String::as_str)) {
            for key in ["text", "a", "n", "te\"xt"] {
                let path = [key.to_string()];
                let Some(field) = scan_members(line, key) else {
                    continue;
                };
                vouched += 1;
                match read_members(line, &path) {
                    Ok(record) => assert_eq!(record.field, field, "{line} {key}"),
                    Err(e) => panic!("{line}: scanned, but {e}"),
                }
            }
        }
        assert!(vouched >= 60, "{vouched}");
        for line in &dump {
            assert!(scan_members(line, "text").is_some_and(|field| field.is_some()));
        }
    }

    #[test]
    fn json_text_reads_strings_as_serde_json_does() {
        let cases = [
            r#""""#,
            r#""plain 中文""#,
            r#""a\nb\r\t\"\\\/\b\f end""#,
            r#""\u4e2d\u6587 \u00e9 \u0000""#,
            r#""\ud83d\ude00 emoji""#,
            r#""\ud83d lone high""#,
            r#""lone low \ude00""#,
            r#""\ud83d\u0041 high then letter""#,
            r#""\ud83d""#,
            r#""ends with \\""#,
            r#"12"#,
            r#"{"text": "x"}"#,
            r#"null"#,
        ];
        for raw in cases {
            let raw = serde_json::from_str::<&RawValue>(raw).unwrap().get();
            assert_eq!(
                json_text(raw),
                serde_json::from_str::<String>(raw).ok(),
                "{raw}"
            );
        }
    }

    fn options(field: &str, on_error: OnError) -> JsonlOptions {
        JsonlOptions {
            field: field.split('.').map(String::from).collect(),
            on_error,
            drop_above: None,
            explain: None,
        }
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let mut texts: Vec<String> = (0u8..0x80).map(|b| format!("{}", b as char)).collect();
        texts.push(include_str!("../../../data/examples/seed-page.txt").to_string());
        texts.push("\"引號\"\\反斜線\u{7f}\u{1}\t末尾\n".repeat(5));
        texts.push("\"引號\"\\反斜線\u{7f}末尾\n\n".repeat(5));
        texts.push("abcdefg\u{0}hijklmnop\"qrstuvw\\xyz".into());
        texts.push(String::new());
        for text in texts {
            let mut ours = Vec::new();
            write_json_string(&mut ours, &text);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&text).unwrap()
            );
        }
    }

    #[test]
    fn cleans_the_field_and_keeps_the_rest() {
        let input =
            "{\"id\":7,\"score\":1.10,\"text\":\"區(qū)殘聯(lián)\",\"url\":\"http://a/b\"}\n";
        let (out, summary) = run(input, &options("text", OnError::Keep)).unwrap();
        assert_eq!(
            out,
            "{\"id\":7,\"score\":1.10,\"text\":\"区残联\",\"url\":\"http://a/b\"}\n"
        );
        assert_eq!((summary.records, summary.cleaned), (1, 1));
    }

    #[test]
    fn only_the_field_is_rewritten() {
        let input =
            "{ \"a\" : \"\\u4e2d\\/x\",  \"text\":\"發(fā)\\n\", \"n\":1.0e2 , \"text2\":\"區\"}\n";
        let (out, _) = run(input, &options("text", OnError::Keep)).unwrap();
        assert_eq!(
            out,
            "{ \"a\" : \"\\u4e2d\\/x\",  \"text\":\"发\\n\", \"n\":1.0e2 , \"text2\":\"區\"}\n"
        );
    }

    #[test]
    fn keys_are_read_with_their_escapes_and_the_last_one_counts() {
        let input = "{\"te\\u0078t\":\"發\",\"n\":[1,{\"text\":\"x\"}],\"text\":\"區\"}\n";
        let (out, _) = run(input, &options("text", OnError::Keep)).unwrap();
        assert_eq!(
            out,
            "{\"te\\u0078t\":\"發\",\"n\":[1,{\"text\":\"x\"}],\"text\":\"区\"}\n"
        );
        let (out, _) = run("{\"te\\u0078t\":\"發\"}\n", &options("text", OnError::Keep)).unwrap();
        assert_eq!(out, "{\"te\\u0078t\":\"发\"}\n");
        // A broken value after the field still makes the line malformed.
        let (_, summary) = run(
            "{\"text\":\"發\",\"n\":tru}\n",
            &options("text", OnError::Keep),
        )
        .unwrap();
        assert_eq!(summary.malformed_lines, [1]);
    }

    #[test]
    fn nested_field_and_records_without_it() {
        let input = "{\"page\":{\"body\":\"發(fā)展\"},\"n\":1}\n{\"other\":true}\n";
        let (out, summary) = run(input, &options("page.body", OnError::Keep)).unwrap();
        assert_eq!(
            out,
            "{\"page\":{\"body\":\"发展\"},\"n\":1}\n{\"other\":true}\n"
        );
        assert_eq!(summary.without_field, 1);
    }

    #[test]
    fn malformed_lines_follow_on_error() {
        let input = "{\"text\":\"發\"}\nnot json\n[1,2]\n{\"text\":\"展\"}\n";
        let (kept, summary) = run(input, &options("text", OnError::Keep)).unwrap();
        assert_eq!(
            kept,
            "{\"text\":\"发\"}\nnot json\n[1,2]\n{\"text\":\"展\"}\n"
        );
        assert_eq!(summary.malformed_lines, [2, 3]);
        let (dropped, _) = run(input, &options("text", OnError::Drop)).unwrap();
        assert_eq!(dropped, "{\"text\":\"发\"}\n{\"text\":\"展\"}\n");
        match run(input, &options("text", OnError::Fail)) {
            Err(JsonlError::Malformed { line: 2, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn drops_spam_documents_above_the_threshold() {
        let spam = "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看|91香蕉视频.tv";
        let input = format!(
            "{{\"text\":\"{spam}\\n\\n短文。\"}}\n{{\"text\":\"過去五年,涪陵區殘聯的工作取得了新進展。\"}}\n"
        );
        let mut opts = options("text", OnError::Keep);
        opts.drop_above = Some(0.5);
        let (out, summary) = run(&input, &opts).unwrap();
        assert_eq!(
            out,
            "{\"text\":\"过去五年,涪陵区残联的工作取得了新进展。\"}\n"
        );
        assert_eq!((summary.records, summary.dropped_records), (2, 1));
    }
}
