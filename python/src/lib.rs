//! zhclean for Python: the [`zhclean::Cleaner`] behind a PyO3 class.
//!
//! The class keeps the settings it was built from, so that pickling ships
//! settings, not tables: a Spark or Ray worker rebuilds the cleaner from
//! them (a few milliseconds, the OpenCC dictionaries being embedded). Every
//! call that cleans releases the GIL; `clean_many` also spreads a batch
//! over rayon's threads, keeping its order.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Arc};

use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use zhclean::annotation::AnnotationMode;
use zhclean::unicode::HygieneClasses;
use zhclean::{ConvertError, Options, Stage};

use transport::Batch;

mod transport;

/// The hygiene classes on unless asked otherwise, as on the command line.
const DEFAULT_HYGIENE: [&str; 4] = ["invisible", "ideographs", "html", "whitespace"];

/// What a `Cleaner` was built from: its keyword arguments, lexicon files
/// already read.
#[derive(Clone, Debug)]
struct Settings {
    config: String,
    stages: [bool; 5],
    hygiene_classes: Vec<String>,
    annotation_mode: String,
    spam_threshold: f64,
    drop_spam: bool,
    drop_chrome: bool,
    include_tofu: bool,
    encoding: Option<String>,
    strict: bool,
    lexicons: Vec<(String, String)>,
    keep_dropped: bool,
}

impl Settings {
    fn options(&self) -> PyResult<Options> {
        let mut options = Options::default();
        for (stage, on) in Stage::ALL.into_iter().zip(self.stages) {
            options.set(stage, on);
        }
        options.config = self.config.clone();
        options.hygiene_classes = HygieneClasses::none();
        for class in &self.hygiene_classes {
            if !options.hygiene_classes.enable(class) {
                return Err(PyValueError::new_err(format!(
                    "unknown hygiene class {class:?}; the classes are invisible, ideographs, html, width, whitespace"
                )));
            }
        }
        options.annotation_mode = match self.annotation_mode.as_str() {
            "auto" => AnnotationMode::Auto,
            "strip" => AnnotationMode::Strip,
            "keep" => AnnotationMode::Keep,
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown annotation_mode {other:?}; use \"auto\", \"strip\" or \"keep\""
                )))
            }
        };
        if !self.spam_threshold.is_finite() {
            return Err(PyValueError::new_err(
                "spam_threshold must be a finite number (the default is 5.0)",
            ));
        }
        options.spam_threshold = self.spam_threshold;
        options.drop_spam = self.drop_spam;
        options.drop_chrome = self.drop_chrome;
        options.include_tofu = self.include_tofu;
        options.encoding = match &self.encoding {
            None => None,
            Some(label) => Some(
                encoding_rs::Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "unknown encoding {label:?}; use a WHATWG label such as \"gbk\", \"big5\" or \"utf-16le\""
                    ))
                })?,
            ),
        };
        options.strict = self.strict;
        options.lexicons = self.lexicons.clone();
        options.keep_dropped = self.keep_dropped;
        Ok(options)
    }

    /// The keyword arguments that build the same cleaner.
    fn kwargs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("config", &self.config)?;
        for (stage, on) in Stage::ALL.into_iter().zip(self.stages) {
            kwargs.set_item(stage.name(), on)?;
        }
        kwargs.set_item("hygiene_classes", &self.hygiene_classes)?;
        kwargs.set_item("annotation_mode", &self.annotation_mode)?;
        kwargs.set_item("spam_threshold", self.spam_threshold)?;
        kwargs.set_item("drop_spam", self.drop_spam)?;
        kwargs.set_item("drop_chrome", self.drop_chrome)?;
        kwargs.set_item("include_tofu", self.include_tofu)?;
        kwargs.set_item("encoding", &self.encoding)?;
        kwargs.set_item("strict", self.strict)?;
        kwargs.set_item("lexicons", &self.lexicons)?;
        kwargs.set_item("keep_dropped", self.keep_dropped)?;
        Ok(kwargs)
    }
}

/// Cleans scraped Chinese text: repairs mojibake, tidies Unicode, strips
/// pinyin annotations, drops spam and page chrome, converts with OpenCC.
///
/// The keyword arguments mirror the command line's options; the defaults
/// are its defaults, so `Cleaner().clean_bytes(page)` gives the bytes
/// `zhclean page` prints. A cleaner is safe to share between threads and
/// picklable (it is rebuilt from its settings).
#[pyclass(module = "zhclean._zhclean", name = "Cleaner", frozen)]
struct PyCleaner {
    cleaner: Arc<zhclean::Cleaner>,
    settings: Settings,
}

/// `clean_many` hands documents to its threads in batches of about this
/// many bytes (of code points, see [`transport`]): enough that a hand-over
/// costs nothing, few enough that the GIL-held work at either end (a `str`
/// copied out, the clean text back into a `str`) overlaps the cleaning
/// instead of preceding and following it.
const BATCH_BYTES: usize = 256 << 10;
/// Batches handed out and not yet back, per thread: the threads never
/// wait for the next, and memory stays a few megabytes a thread.
const BATCHES_IN_FLIGHT: usize = 4;

/// What a thread of `clean_many` sends back: where its batch starts, and
/// the clean texts, or the index of a text it could not read, or the panic
/// that stopped it.
type Done = (usize, std::thread::Result<Result<Batch, usize>>);

#[pymethods]
impl PyCleaner {
    #[new]
    #[pyo3(signature = (
        config = "t2s".to_string(),
        *,
        repair = true,
        hygiene = true,
        annotations = true,
        spam = true,
        convert = true,
        hygiene_classes = None,
        annotation_mode = "auto".to_string(),
        spam_threshold = zhclean::spam::DEFAULT_THRESHOLD,
        drop_spam = true,
        drop_chrome = true,
        include_tofu = true,
        encoding = None,
        strict = false,
        lexicons = None,
        lexicon_files = None,
        keep_dropped = false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        config: String,
        repair: bool,
        hygiene: bool,
        annotations: bool,
        spam: bool,
        convert: bool,
        hygiene_classes: Option<Vec<String>>,
        annotation_mode: String,
        spam_threshold: f64,
        drop_spam: bool,
        drop_chrome: bool,
        include_tofu: bool,
        encoding: Option<String>,
        strict: bool,
        lexicons: Option<Bound<'_, PyAny>>,
        lexicon_files: Option<Vec<std::path::PathBuf>>,
        keep_dropped: bool,
    ) -> PyResult<PyCleaner> {
        let mut lexicons = match lexicons {
            Some(given) => lexicon_pairs(&given)?,
            None => Vec::new(),
        };
        for path in lexicon_files.unwrap_or_default() {
            let lexicon = zhclean::spam::read_lexicon(&path)
                .map_err(|e| PyOSError::new_err(e.to_string()))?;
            lexicons.push(lexicon);
        }
        let settings = Settings {
            config,
            stages: [repair, hygiene, annotations, spam, convert],
            hygiene_classes: hygiene_classes
                .unwrap_or_else(|| DEFAULT_HYGIENE.map(String::from).to_vec()),
            annotation_mode,
            spam_threshold,
            drop_spam,
            drop_chrome,
            include_tofu,
            encoding,
            strict,
            lexicons,
            keep_dropped,
        };
        let options = settings.options()?;
        let cleaner = py
            .allow_threads(|| zhclean::Cleaner::new(options))
            .map_err(build_error)?;
        Ok(PyCleaner {
            cleaner: Arc::new(cleaner),
            settings,
        })
    }

    /// Cleans `text` and returns the clean text.
    fn clean(&self, py: Python<'_>, text: String) -> String {
        py.allow_threads(|| self.cleaner.clean(&text).text)
    }

    /// Cleans bytes in any encoding zhclean detects (GB18030, GBK, Big5,
    /// UTF-16, UTF-8), or the one `encoding` names. With `strict`,
    /// malformed bytes raise `ValueError` instead of becoming U+FFFD.
    fn clean_bytes(&self, py: Python<'_>, data: &[u8]) -> PyResult<String> {
        let data = data.to_vec();
        let cleaned = py.allow_threads(|| self.cleaner.clean_bytes(&data));
        if let Some(decode) = cleaned.report.decode.as_ref() {
            if self.settings.strict && decode.malformed > 0 {
                return Err(PyValueError::new_err(format!(
                    "{} malformed byte sequence(s) in {}; check the encoding (encoding=\"...\") or drop strict=True to replace them with U+FFFD",
                    decode.malformed, decode.encoding
                )));
            }
        }
        Ok(cleaned.text)
    }

    /// Cleans `text`; returns the clean text and the report as a dict (what
    /// each stage did; with `keep_dropped=True`, each dropped line with its
    /// reasons).
    fn clean_with_report<'py>(
        &self,
        py: Python<'py>,
        text: String,
    ) -> PyResult<(String, Bound<'py, PyAny>)> {
        let (text, report) = py.allow_threads(|| {
            let cleaned = self.cleaner.clean(&text);
            (cleaned.text, serde_json::to_string(&cleaned.report))
        });
        let report = report.map_err(|e| PyValueError::new_err(format!("cannot report: {e}")))?;
        let report = py.import("json")?.call_method1("loads", (report,))?;
        Ok((text, report))
    }

    /// Cleans each of `texts`, on `threads` threads (default: every core),
    /// without the GIL; the results in the order of `texts`.
    ///
    /// The calling thread copies the texts out and the clean texts back
    /// into `str` objects, which needs the GIL, batch by batch while the
    /// other threads clean: on two cores that work would otherwise be a
    /// quarter of the call.
    #[pyo3(signature = (texts, threads = None))]
    fn clean_many<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<Bound<'py, PyString>>,
        threads: Option<usize>,
    ) -> PyResult<Vec<Bound<'py, PyString>>> {
        let pool = match threads {
            Some(0) => {
                return Err(PyValueError::new_err(
                    "threads must be at least 1 (or None for every core)",
                ))
            }
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| PyOSError::new_err(format!("cannot start {n} threads: {e}")))?,
            ),
            None => None,
        };
        let workers = pool.as_ref().map_or_else(
            rayon::current_num_threads,
            rayon::ThreadPool::current_num_threads,
        );
        let (done, mut finished) = mpsc::channel::<Done>();
        let mut results: Vec<Option<Bound<'py, PyString>>> = texts.iter().map(|_| None).collect();
        let (mut next, mut in_flight) = (0, 0);
        loop {
            while in_flight < workers * BATCHES_IN_FLIGHT && next < texts.len() {
                let start = next;
                let mut batch = Batch::default();
                while next < texts.len() && batch.bytes() < BATCH_BYTES {
                    batch.push_str(&texts[next])?;
                    next += 1;
                }
                let cleaner = Arc::clone(&self.cleaner);
                let done = done.clone();
                let job = move || {
                    let cleaned = panic::catch_unwind(AssertUnwindSafe(|| {
                        let (mut cleaned, mut text) = (Batch::default(), String::new());
                        for (i, units) in batch.iter().enumerate() {
                            if !units.utf8_into(&mut text) {
                                return Err(start + i);
                            }
                            cleaned.push_utf8(&cleaner.clean(&text).text);
                        }
                        Ok(cleaned)
                    }));
                    // The receiver is gone only if the call already failed.
                    let _ = done.send((start, cleaned));
                };
                match &pool {
                    Some(pool) => pool.spawn(job),
                    None => rayon::spawn(job),
                }
                in_flight += 1;
            }
            if in_flight == 0 {
                break;
            }
            // A receiver is not shared between threads, so it goes along.
            let received;
            (finished, received) = py.allow_threads(move || {
                let received = finished.recv();
                (finished, received)
            });
            let (start, cleaned) = received
                .map_err(|_| PyRuntimeError::new_err("zhclean's threads stopped answering"))?;
            in_flight -= 1;
            let cleaned = cleaned
                .map_err(|_| {
                    PyRuntimeError::new_err(
                        "zhclean panicked while cleaning this batch; please report it with the texts",
                    )
                })?
                // The error Python gives for a lone surrogate.
                .map_err(|unreadable| match texts[unreadable].encode_utf8() {
                    Err(error) => error,
                    Ok(_) => PyValueError::new_err("a text holds a lone surrogate"),
                })?;
            for (slot, text) in results[start..].iter_mut().zip(cleaned.iter()) {
                *slot = Some(text.to_py(py)?);
            }
        }
        Ok(results.into_iter().flatten().collect())
    }

    /// The keyword arguments this cleaner was built with.
    fn settings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.settings.kwargs(py)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let rebuild = py.import("zhclean._zhclean")?.getattr("_rebuild")?;
        PyTuple::new(
            py,
            [
                rebuild,
                PyTuple::new(py, [self.settings.kwargs(py)?])?.into_any(),
            ],
        )
    }

    fn __repr__(&self) -> String {
        let stages: Vec<&str> = Stage::ALL
            .into_iter()
            .zip(self.settings.stages)
            .filter(|(_, on)| *on)
            .map(|(stage, _)| stage.name())
            .collect();
        format!(
            "Cleaner(config={:?}, stages={:?})",
            self.settings.config,
            stages.join(",")
        )
    }
}

/// Rebuilds a pickled `Cleaner` from its keyword arguments.
#[pyfunction]
#[pyo3(signature = (kwargs))]
fn _rebuild<'py>(py: Python<'py>, kwargs: Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    py.get_type::<PyCleaner>().call((), Some(&kwargs))
}

/// User lexicons given as a dict (category: text) or as (category, text)
/// pairs.
fn lexicon_pairs(given: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let pairs = match given.downcast::<PyDict>() {
        Ok(dict) => dict.items().extract(),
        Err(_) => given.extract(),
    };
    pairs.map_err(|_| {
        PyValueError::new_err(
            "lexicons must be a dict {category: text} or a list of (category, text) pairs, the text one entry a line",
        )
    })
}

/// `OSError` for files that cannot be read (a config named by a path that
/// does not exist among them), `ValueError` for the rest.
fn build_error(error: zhclean::Error) -> PyErr {
    match &error {
        zhclean::Error::Convert(ConvertError::UnknownConfig(config)) if looks_like_path(config) => {
            PyFileNotFoundError::new_err(error.to_string())
        }
        zhclean::Error::Convert(ConvertError::Io { .. })
        | zhclean::Error::Convert(ConvertError::MissingDictionary { .. }) => {
            PyOSError::new_err(error.to_string())
        }
        _ => PyValueError::new_err(error.to_string()),
    }
}

fn looks_like_path(config: &str) -> bool {
    config.contains(std::path::MAIN_SEPARATOR) || config.contains('/') || config.ends_with(".json")
}

#[pymodule]
fn _zhclean(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCleaner>()?;
    m.add_function(wrap_pyfunction!(_rebuild, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
