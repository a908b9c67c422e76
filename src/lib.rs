//! zhclean turns scraped, garbled Chinese web text into clean Simplified
//! Chinese, or any other OpenCC target.
//!
//! Scraped pages arrive broken in several ways at once: read in the wrong
//! encoding, full of invisible characters, with pinyin a broken converter
//! appended to characters (`發(fā)展`), in the wrong script, with spam lines
//! injected and page chrome left over. A [`Cleaner`] runs six stages over
//! each document, in this order:
//!
//! | # | stage | module | job |
//! |---|---|---|---|
//! | 1 | decode | [`decode`] | bytes to text: BOM, UTF-8, else detection and decoding |
//! | 2 | repair | [`mojibake`] | undo text decoded with the wrong encoding |
//! | 3 | hygiene | [`unicode`] | drop invisible and control characters |
//! | 4 | annotations | [`annotation`] | strip verified pinyin after characters |
//! | 5 | spam | [`spam`] | drop spam and chrome lines, with reasons |
//! | 6 | convert | [`convert`] | OpenCC-exact conversion |
//!
//! ```
//! use zhclean::{Cleaner, Options};
//!
//! let cleaner = Cleaner::new(Options::default()).unwrap();
//! let cleaned = cleaner.clean("區(qū)殘聯(lián)發(fā)展\n");
//! assert_eq!(cleaned.text, "区残联发展\n");
//! assert_eq!(cleaned.report.annotations.unwrap().stripped, 3);
//! ```

#![warn(missing_docs)]

pub mod annotation;
mod byteset;
pub mod convert;
pub mod decode;
mod freq;
mod hash;
pub mod mojibake;
mod report;
mod script;
pub mod spam;
pub mod unicode;

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read, Write};
use std::str::FromStr;

pub use convert::{ConvertError, Converter};
pub use decode::StreamDecoder;
pub use report::{ConvertReport, DecodeReport, Report};
pub use spam::{DropKind, DroppedLine, SpamError, SpamFilter};

/// A stage that can be switched on or off (decoding always runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Stage 2, [`mojibake`].
    Repair,
    /// Stage 3, [`unicode`].
    Hygiene,
    /// Stage 4, [`annotation`].
    Annotations,
    /// Stage 5, [`spam`].
    Spam,
    /// Stage 6, [`convert`].
    Convert,
}

impl Stage {
    /// Every switchable stage, in pipeline order.
    pub const ALL: [Stage; 5] = [
        Stage::Repair,
        Stage::Hygiene,
        Stage::Annotations,
        Stage::Spam,
        Stage::Convert,
    ];

    /// The stage's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Repair => "repair",
            Stage::Hygiene => "hygiene",
            Stage::Annotations => "annotations",
            Stage::Spam => "spam",
            Stage::Convert => "convert",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Stage {
    type Err = Error;

    fn from_str(s: &str) -> Result<Stage, Error> {
        Stage::ALL
            .into_iter()
            .find(|stage| stage.name() == s.trim())
            .ok_or_else(|| Error::UnknownStage(s.to_string()))
    }
}

/// Which implementation converts (stage 6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Engine {
    /// zhclean's own engine over the OpenCC 1.4.2 data built in.
    #[default]
    Builtin,
    /// The system OpenCC library (cargo feature `opencc-sys`).
    OpenccSys,
}

impl Engine {
    /// The engine's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Builtin => "builtin",
            Engine::OpenccSys => "opencc-sys",
        }
    }
}

/// How a [`Cleaner`] works: which stages run and how they are tuned.
///
/// ```
/// use zhclean::{Options, Stage};
///
/// let mut options = Options::only(&[Stage::Convert]);
/// options.config = "s2twp".into();
/// assert!(!options.spam && options.convert);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Options {
    /// Run stage 2, mojibake repair.
    pub repair: bool,
    /// Run stage 3, Unicode hygiene.
    pub hygiene: bool,
    /// Which classes of hygiene run.
    pub hygiene_classes: unicode::HygieneClasses,
    /// Run stage 4, annotation stripping.
    pub annotations: bool,
    /// When stage 4 strips: by the document's evidence, always, or never.
    pub annotation_mode: annotation::AnnotationMode,
    /// Run stage 5, spam and chrome removal.
    pub spam: bool,
    /// Run stage 6, conversion.
    pub convert: bool,
    /// The OpenCC config: a built-in name (`t2s`, `s2twp`, …) or a JSON path.
    pub config: String,
    /// Keep OpenCC dictionaries that may output characters fonts lack.
    pub include_tofu: bool,
    /// Which implementation converts.
    pub engine: Engine,
    /// Decode input as this encoding instead of detecting one.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Refuse input with malformed bytes instead of replacing them.
    pub strict: bool,
    /// Spam score at or above which a line is dropped.
    pub spam_threshold: f64,
    /// Drop injected spam lines (stage 5).
    pub drop_spam: bool,
    /// Drop page chrome lines (stage 5).
    pub drop_chrome: bool,
    /// User lexicons for stage 5, besides the built-in ones: (category,
    /// text) pairs, one entry a line, `#` comments.
    pub lexicons: Vec<(String, String)>,
    /// Whether reports list each dropped line with its text and reasons
    /// ([`Report::dropped`]); without, they keep the counts only, and a long
    /// document cleans in flat memory however much of it is dropped.
    pub keep_dropped: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            repair: true,
            hygiene: true,
            hygiene_classes: unicode::HygieneClasses::default(),
            annotations: true,
            annotation_mode: annotation::AnnotationMode::Auto,
            spam: true,
            convert: true,
            config: "t2s".to_string(),
            include_tofu: true,
            engine: Engine::Builtin,
            encoding: None,
            strict: false,
            spam_threshold: spam::DEFAULT_THRESHOLD,
            drop_spam: true,
            drop_chrome: true,
            lexicons: Vec::new(),
            keep_dropped: true,
        }
    }
}

impl Options {
    /// The default options with only `stages` switched on.
    pub fn only(stages: &[Stage]) -> Options {
        let mut options = Options::default();
        for stage in Stage::ALL {
            options.set(stage, stages.contains(&stage));
        }
        options
    }

    /// Switches `stage` on or off.
    pub fn set(&mut self, stage: Stage, on: bool) {
        match stage {
            Stage::Repair => self.repair = on,
            Stage::Hygiene => self.hygiene = on,
            Stage::Annotations => self.annotations = on,
            Stage::Spam => self.spam = on,
            Stage::Convert => self.convert = on,
        }
    }
}

/// Why a [`Cleaner`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The conversion config could not be loaded.
    #[error(transparent)]
    Convert(#[from] ConvertError),
    /// The spam stage could not be built.
    #[error(transparent)]
    Spam(#[from] SpamError),
    /// The `opencc-sys` engine was asked for in a build without it.
    #[error("this zhclean was built without the opencc-sys engine; rebuild it with `cargo build --release --features opencc-sys`")]
    EngineUnavailable,
    /// A stage name that does not exist.
    #[error("unknown stage {0:?}; the stages are repair, hygiene, annotations, spam, convert")]
    UnknownStage(String),
}

/// Why [`Cleaner::clean_reader`] stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// Reading the input failed.
    #[error("cannot read: {0}")]
    Read(#[source] io::Error),
    /// Writing the output failed.
    #[error("cannot write: {0}")]
    Write(#[source] io::Error),
    /// Malformed bytes in the input, with [`Options::strict`].
    #[error("{count} malformed byte sequence(s) in {encoding}; check the encoding (--encoding LABEL) or drop --strict to replace them with U+FFFD")]
    Malformed {
        /// How many.
        count: usize,
        /// The encoding the input was read as.
        encoding: &'static str,
    },
    /// The input has NUL bytes near its start: not text.
    #[error("looks like a binary file (it has NUL bytes), not text; leave it out")]
    Binary,
}

/// The output of cleaning one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Cleaned {
    /// The clean text: one final newline, no leading or trailing blank lines.
    pub text: String,
    /// What each stage did.
    pub report: Report,
}

/// The converter of stage 6, whichever engine it is.
#[derive(Debug)]
enum Backend {
    Builtin(Box<Converter>),
    #[cfg(feature = "opencc-sys")]
    System(convert::SystemConverter),
}

impl Backend {
    fn new(options: &Options) -> Result<Backend, Error> {
        match options.engine {
            Engine::Builtin => Ok(Backend::Builtin(Box::new(Converter::with_tofu(
                &options.config,
                options.include_tofu,
            )?))),
            #[cfg(feature = "opencc-sys")]
            Engine::OpenccSys => Ok(Backend::System(convert::SystemConverter::new(
                &options.config,
            )?)),
            #[cfg(not(feature = "opencc-sys"))]
            Engine::OpenccSys => Err(Error::EngineUnavailable),
        }
    }

    /// The converted text and, for the built-in engine, how many matches
    /// changed it.
    fn convert(&self, text: &str) -> (String, Option<usize>) {
        match self {
            Backend::Builtin(converter) => {
                let (text, changes) = converter.convert_counting(text);
                (text, Some(changes))
            }
            #[cfg(feature = "opencc-sys")]
            Backend::System(converter) => (converter.convert(text), None),
        }
    }

    fn stream(&self) -> BackendStream<'_> {
        match self {
            Backend::Builtin(converter) => BackendStream::Builtin(converter.stream()),
            #[cfg(feature = "opencc-sys")]
            Backend::System(converter) => BackendStream::System {
                converter,
                pending: String::new(),
            },
        }
    }
}

/// A streaming conversion by either engine.
enum BackendStream<'c> {
    Builtin(convert::ConvertStream<'c>),
    /// The system library converts whole lines; the rest waits.
    #[cfg(feature = "opencc-sys")]
    System {
        converter: &'c convert::SystemConverter,
        pending: String,
    },
}

impl BackendStream<'_> {
    fn push(&mut self, text: &str, out: &mut String) {
        match self {
            BackendStream::Builtin(stream) => stream.push(text, out),
            #[cfg(feature = "opencc-sys")]
            BackendStream::System { converter, pending } => {
                pending.push_str(text);
                if let Some(cut) = pending.rfind('\n') {
                    out.push_str(&converter.convert(&pending[..=cut]));
                    pending.drain(..=cut);
                }
            }
        }
    }

    fn finish(self, out: &mut String) -> Option<usize> {
        match self {
            BackendStream::Builtin(stream) => Some(stream.finish(out)),
            #[cfg(feature = "opencc-sys")]
            BackendStream::System { converter, pending } => {
                out.push_str(&converter.convert(&pending));
                None
            }
        }
    }
}

/// The cleaning pipeline, built once from [`Options`] and shared by every
/// thread (`Send + Sync`; cleaning borrows it immutably).
///
/// ```
/// use zhclean::{Cleaner, DropKind, Options};
///
/// let cleaner = Cleaner::new(Options::default())?;
/// let page = "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看\n\n\
///             過去五年,涪陵區(qū)殘聯(lián)的工作取得了新進展。\n\n網(wǎng)友評論\n";
/// let cleaned = cleaner.clean(page);
/// assert_eq!(cleaned.text, "过去五年,涪陵区残联的工作取得了新进展。\n");
/// let kinds: Vec<DropKind> = cleaned.report.dropped.iter().map(|d| d.kind).collect();
/// assert_eq!(kinds, [DropKind::Spam, DropKind::Chrome]);
///
/// // Bytes in any common encoding: here GBK.
/// let (gbk, _, _) = encoding_rs::GBK.encode("區殘聯在區委、區政府的堅強領導下，全面發展。");
/// let cleaned = cleaner.clean_bytes(&gbk);
/// assert_eq!(cleaned.text, "区残联在区委、区政府的坚强领导下，全面发展。\n");
/// assert_eq!(cleaned.report.decode.unwrap().encoding, "GBK");
/// # Ok::<(), zhclean::Error>(())
/// ```
#[derive(Debug)]
pub struct Cleaner {
    options: Options,
    converter: Option<Backend>,
    spam: Option<SpamFilter>,
}

impl Cleaner {
    /// Builds the pipeline: loads the conversion config and the lexicons.
    pub fn new(options: Options) -> Result<Cleaner, Error> {
        let converter = if options.convert {
            Some(Backend::new(&options)?)
        } else {
            None
        };
        let spam = if options.spam {
            Some(
                SpamFilter::with_lexicons(options.spam_threshold, &options.lexicons)?
                    .dropping(options.drop_spam, options.drop_chrome)
                    .explaining(options.keep_dropped),
            )
        } else {
            None
        };
        Ok(Cleaner {
            options,
            converter,
            spam,
        })
    }

    /// The options this cleaner was built from.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Whether this cleaner only converts (or does nothing but decode), so
    /// that documents can stream through it in bounded memory.
    fn streams(&self) -> bool {
        !(self.options.repair
            || self.options.hygiene
            || self.options.annotations
            || self.options.spam)
    }

    /// Cleans one document from `reader` into `writer`, in bounded memory
    /// whatever its size.
    ///
    /// With conversion as the only stage, the text streams straight through.
    /// Otherwise a document of up to [`SECTION_BYTES`] is cleaned whole, as
    /// [`Cleaner::clean_bytes`] would, and a longer one section by section,
    /// each cut at a blank line (or a line end) and cleaned as a page of its
    /// own: what the stages judge per page (the annotation decision, a page's
    /// script, its first and last lines) is then judged per section. The
    /// report adds the sections up, with dropped lines numbered in the whole
    /// document.
    ///
    /// ```
    /// use zhclean::{Cleaner, Options, Stage};
    ///
    /// let cleaner = Cleaner::new(Options::only(&[Stage::Convert]))?;
    /// let mut out = Vec::new();
    /// let report = cleaner.clean_reader("頭髮\n".as_bytes(), &mut out)?;
    /// assert_eq!(out, "头发\n".as_bytes());
    /// assert_eq!(report.convert.unwrap().replacements, Some(2)); // 頭 and 髮
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clean_reader(
        &self,
        reader: impl Read,
        mut writer: impl Write,
    ) -> Result<Report, StreamError> {
        let mut decoder =
            decode::StreamDecoder::new(reader, self.options.encoding).map_err(StreamError::Read)?;
        if decoder.looks_binary() {
            return Err(StreamError::Binary);
        }
        if !self.streams() {
            return self.clean_sections(decoder, writer);
        }
        let mut stream = self.converter.as_ref().map(Backend::stream);
        let mut text = String::new();
        let mut out = String::new();
        while decoder.read_chunk(&mut text).map_err(StreamError::Read)? {
            self.check_strict(decoder.malformed(), decoder.encoding())?;
            let piece = match &mut stream {
                Some(stream) => {
                    out.clear();
                    stream.push(&text, &mut out);
                    &out
                }
                None => &text,
            };
            writer
                .write_all(piece.as_bytes())
                .map_err(StreamError::Write)?;
            text.clear();
        }
        let mut report = Report {
            decode: Some(DecodeReport {
                encoding: decoder.encoding().to_string(),
                bom: decoder.bom(),
                malformed: decoder.malformed(),
            }),
            ..Report::default()
        };
        if let Some(stream) = stream {
            out.clear();
            let replacements = stream.finish(&mut out);
            writer
                .write_all(out.as_bytes())
                .map_err(StreamError::Write)?;
            report.convert = Some(ConvertReport {
                config: self.options.config.clone(),
                engine: self.options.engine.name().to_string(),
                replacements,
            });
        }
        writer.flush().map_err(StreamError::Write)?;
        Ok(report)
    }

    /// The whole pipeline over `decoder`'s text, a section at a time.
    fn clean_sections<R: Read>(
        &self,
        mut decoder: decode::StreamDecoder<R>,
        mut writer: impl Write,
    ) -> Result<Report, StreamError> {
        let mut report = Report::default();
        let mut pending = String::new();
        let mut lines_before = 0;
        let mut blank_line_owed = false;
        // Whether the text read so far ends in a line longer than a
        // section: only new text is looked at for its end.
        let mut line_open = false;
        loop {
            let read_from = pending.len();
            let more = decoder
                .read_chunk(&mut pending)
                .map_err(StreamError::Read)?;
            self.check_strict(decoder.malformed(), decoder.encoding())?;
            if more && pending.len() < SECTION_BYTES {
                continue;
            }
            if more && line_open && !pending[read_from..].contains('\n') {
                continue;
            }
            let end = section_end(&pending);
            line_open = end.is_none();
            let (cut, at_blank_line) = match (more, end) {
                (false, _) => (pending.len(), false),
                (true, Some(end)) => end,
                // A line is never cut: read on to its end.
                (true, None) => continue,
            };
            let rest = pending.split_off(cut);
            let section = std::mem::replace(&mut pending, rest);
            let cleaned = self.clean(&section);
            if blank_line_owed && !cleaned.text.is_empty() {
                writer.write_all(b"\n").map_err(StreamError::Write)?;
            }
            writer
                .write_all(cleaned.text.as_bytes())
                .map_err(StreamError::Write)?;
            report.absorb(cleaned.report, lines_before, section.len());
            lines_before += memchr::memchr_iter(b'\n', section.as_bytes()).count();
            blank_line_owed = at_blank_line && self.options.hygiene;
            if !more {
                break;
            }
        }
        report.decode = Some(DecodeReport {
            encoding: decoder.encoding().to_string(),
            bom: decoder.bom(),
            malformed: decoder.malformed(),
        });
        writer.flush().map_err(StreamError::Write)?;
        Ok(report)
    }

    fn check_strict(&self, malformed: usize, encoding: &str) -> Result<(), StreamError> {
        if self.options.strict && malformed > 0 {
            let encoding = encoding_rs::Encoding::for_label(encoding.as_bytes())
                .map_or("the detected encoding", |e| e.name());
            return Err(StreamError::Malformed {
                count: malformed,
                encoding,
            });
        }
        Ok(())
    }

    /// Cleans bytes in any encoding zhclean can detect (or the one
    /// [`Options::encoding`] names).
    pub fn clean_bytes(&self, bytes: &[u8]) -> Cleaned {
        let decoded = decode::decode_as(bytes, self.options.encoding);
        let mut cleaned = self.clean(&decoded.text);
        cleaned.report.decode = Some(DecodeReport {
            encoding: decoded.encoding.to_string(),
            bom: decoded.bom,
            malformed: decoded.malformed,
        });
        cleaned
    }

    /// Cleans text.
    pub fn clean(&self, text: &str) -> Cleaned {
        let mut report = Report::default();
        // Each stage borrows the text it was given when it changes nothing.
        let mut current: Cow<'_, str> = text.into();
        if self.options.repair {
            let (repaired, counts) = mojibake::repair_cow(&current);
            report.repair = Some(counts);
            if let Some(written) = written(repaired) {
                current = Cow::Owned(written);
            }
        }
        if self.options.hygiene {
            let (tidy, counts) = unicode::clean_cow(&current, self.options.hygiene_classes);
            report.hygiene = Some(counts);
            if let Some(written) = written(tidy) {
                current = Cow::Owned(written);
            }
        }
        if self.options.annotations {
            let (stripped, counts) = annotation::strip_cow(&current, self.options.annotation_mode);
            report.annotations = Some(counts);
            if let Some(written) = written(stripped) {
                current = Cow::Owned(written);
            }
        }
        if let Some(filter) = &self.spam {
            let (kept, counts, dropped) = match current {
                Cow::Owned(text) => {
                    let (kept, counts, dropped) = filter.filter_owned(text);
                    (Cow::Owned(kept), counts, dropped)
                }
                Cow::Borrowed(text) => filter.filter_cow(text),
            };
            report.spam = Some(counts);
            if self.options.keep_dropped {
                report.dropped = dropped;
            }
            current = kept;
        }
        if let Some(converter) = &self.converter {
            let (converted, replacements) = converter.convert(&current);
            report.convert = Some(ConvertReport {
                config: self.options.config.clone(),
                engine: self.options.engine.name().to_string(),
                replacements,
            });
            current = converted.into();
        }
        let text = match (self.options.hygiene, current) {
            (true, Cow::Owned(text)) => unicode::tidy_layout_in_place(text),
            (true, Cow::Borrowed(text)) => unicode::tidy_layout(text),
            (false, current) => current.into_owned(),
        };
        Cleaned { text, report }
    }
}

/// The text a stage wrote, if it wrote one (else it changed nothing).
fn written(stage: Cow<'_, str>) -> Option<String> {
    match stage {
        Cow::Owned(text) => Some(text),
        Cow::Borrowed(_) => None,
    }
}

/// Documents longer than this, in bytes of text, are cleaned by
/// [`Cleaner::clean_reader`] a section of about this size at a time.
pub const SECTION_BYTES: usize = 4 << 20;

/// Where to end a section of `text`: after its last blank line in the second
/// half (and whether it was one), else after its last line; `None` without
/// a line end.
fn section_end(text: &str) -> Option<(usize, bool)> {
    let mut half = text.len() / 2;
    while !text.is_char_boundary(half) {
        half += 1;
    }
    if let Some(at) = text[half..].rfind("\n\n") {
        return Some((half + at + 2, true));
    }
    text.rfind('\n').map(|at| (at + 1, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaner_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Cleaner>();
    }

    #[test]
    fn stages_parse_by_name() {
        assert_eq!("convert".parse::<Stage>().unwrap(), Stage::Convert);
        assert!(matches!(
            "decode".parse::<Stage>(),
            Err(Error::UnknownStage(_))
        ));
    }

    #[test]
    fn sections_end_at_a_blank_line_or_a_line_end() {
        assert_eq!(section_end("一段\n二段\n\n三段"), Some((15, true)));
        assert_eq!(section_end("一段\n\n二段\n三段"), Some((15, false)));
        assert_eq!(section_end("一段\n二段\n三段"), Some((14, false)));
        assert_eq!(section_end("一段二段三段"), None);
        // Half-way falls inside a character: no panic.
        for text in ["發展區發展區發展區\n\n發", "發\n發展區發展區"] {
            let (end, _) = section_end(text).unwrap();
            assert!(text.is_char_boundary(end));
        }
    }

    #[test]
    fn convert_only_is_a_plain_converter() {
        let cleaner = Cleaner::new(Options::only(&[Stage::Convert])).unwrap();
        let text = "網(wǎng)友評論\n\n\n";
        assert_eq!(cleaner.clean(text).text, "网(wǎng)友评论\n\n\n");
    }
}
