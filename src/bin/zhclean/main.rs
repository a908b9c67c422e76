//! The `zhclean` command line.
//!
//! Exit status: 0 when every input was cleaned, 1 when any failed (the
//! others are still cleaned and written), 2 for bad usage.

mod args;
mod inputs;
mod jsonl;
mod output;

use std::fs::File;
use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use zhclean::{Cleaner, DroppedLine, Report, StreamError};

use args::Args;
use inputs::{describe_io, Failure, Job, Source};
use output::AtomicFile;

fn main() -> ExitCode {
    if cpu_lacks_build_level() {
        eprintln!(
            "zhclean: this build is for x86-64-v3 CPUs (AVX2, BMI2) and this one is older; \
             rebuild it with RUSTFLAGS=\"-C target-cpu=x86-64\" cargo build --release"
        );
        return ExitCode::from(2);
    }
    keep_freed_memory();
    let args = Args::parse();
    if let Some(jobs) = args.jobs {
        // Only fails if a pool exists already: then that one serves.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global();
    }
    let options = match args.options() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("zhclean: {e}");
            return ExitCode::from(2);
        }
    };
    let cleaner = match Cleaner::new(options) {
        Ok(cleaner) => cleaner,
        Err(e) => {
            eprintln!("zhclean: {e}");
            return ExitCode::from(2);
        }
    };
    output::remove_temporaries_on_interrupt();
    run(&args, &cleaner)
}

/// One input's entry in the `--report` file.
#[derive(Serialize)]
struct InputReport {
    input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jsonl: Option<jsonl::JsonlSummary>,
}

fn run(args: &Args, cleaner: &Cleaner) -> ExitCode {
    let started = Instant::now();
    let how = inputs::Walk {
        globs: args.glob.clone(),
        hidden: args.hidden,
        follow: args.follow,
        in_place: args.in_place,
    };
    let jobs = inputs::plan(&args.paths, args.output.as_deref(), &how);
    let batch = args.output.is_some() || args.in_place;
    let progress = if batch && !args.quiet {
        ProgressBar::new(jobs.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files, {per_sec}, ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let stdout = io::stdout();
    let mut stdout = stdout_writer(stdout.lock());
    let mut reports = Vec::new();
    let mut summary = Summary::default();
    let mut failed = false;
    // A write that failed stays in the buffer: said once is enough.
    let mut stdout_failed = false;
    let mut record = |job: Result<(Job, Outcome), (Option<Job>, Stop)>| -> bool {
        progress.inc(1);
        match job {
            Ok((job, outcome)) => {
                summary.add(&job, &outcome);
                if args.report.is_none() {
                    return true;
                }
                let (report, jsonl) = match outcome {
                    Outcome::Document(report) => (Some(*report), None),
                    Outcome::Records(summary) => (None, Some(summary)),
                };
                reports.push(InputReport {
                    input: job.source.to_string(),
                    output: job.target.map(|t| t.display().to_string()),
                    error: None,
                    report,
                    jsonl,
                });
            }
            Err((_, Stop::BrokenPipe)) => return false,
            Err((_, Stop::Failed(failure))) => {
                failed = true;
                stdout_failed |= failure.name == STDOUT;
                summary.failed += 1;
                progress.suspend(|| eprintln!("zhclean: {}: {}", failure.name, failure.message));
                reports.push(InputReport {
                    input: failure.name,
                    output: None,
                    error: Some(failure.message),
                    report: None,
                    jsonl: None,
                });
            }
        }
        true
    };
    if batch {
        // One file each into -o DIR: in parallel, taken in order.
        let results: Vec<_> = jobs
            .into_par_iter()
            .map(|job| {
                let job = job.map_err(|f| (None, Stop::Failed(f)))?;
                match clean_one(args, cleaner, &job, &mut io::sink()) {
                    Ok(outcome) => Ok((job, outcome)),
                    Err(stop) => Err((Some(job), stop)),
                }
            })
            .collect();
        for result in results {
            record(result);
        }
    } else {
        for job in jobs {
            let result = job.map_err(|f| (None, Stop::Failed(f))).and_then(|job| {
                match clean_one(args, cleaner, &job, &mut stdout) {
                    Ok(outcome) => Ok((job, outcome)),
                    Err(stop) => Err((Some(job), stop)),
                }
            });
            if !record(result) {
                break;
            }
        }
    }
    progress.finish_and_clear();
    if !args.quiet && (batch || summary.inputs() > 1) {
        eprintln!("{}", summary.line(started.elapsed()));
    }
    if let Err(e) = stdout.flush() {
        if e.kind() != io::ErrorKind::BrokenPipe && !stdout_failed {
            eprintln!("zhclean: {STDOUT}: {e}");
            failed = true;
        }
    }
    if let Some(path) = &args.report {
        let json = serde_json::to_vec_pretty(&serde_json::json!({ "inputs": reports }));
        let written = json.map_err(anyhow::Error::from).and_then(|mut bytes| {
            bytes.push(b'\n');
            output::write_atomically(path, &bytes)
        });
        if let Err(e) = written {
            eprintln!(
                "zhclean: {}: cannot write the report: {e:#}",
                path.display()
            );
            failed = true;
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Takes a progress bar off the screen when the input is done, however it
/// ended.
struct ClearBar(ProgressBar);

impl Drop for ClearBar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// What a run did, for the line printed at its end.
#[derive(Debug, Default)]
struct Summary {
    files: usize,
    failed: usize,
    records: usize,
    bytes: u64,
    spam_lines: usize,
    chrome_lines: usize,
    annotations: usize,
    converted: usize,
}

impl Summary {
    fn add(&mut self, job: &Job, outcome: &Outcome) {
        self.files += 1;
        if let Source::File(path) = &job.source {
            self.bytes += std::fs::metadata(path).map_or(0, |m| m.len());
        }
        match outcome {
            Outcome::Document(report) => {
                if let Some(spam) = &report.spam {
                    self.spam_lines += spam.spam_lines;
                    self.chrome_lines += spam.chrome_lines;
                }
                self.annotations += report.annotations.as_ref().map_or(0, |a| a.stripped);
                self.converted += report
                    .convert
                    .as_ref()
                    .and_then(|c| c.replacements)
                    .unwrap_or(0);
            }
            Outcome::Records(jsonl) => {
                self.records += jsonl.records;
                self.spam_lines += jsonl.spam_lines;
                self.chrome_lines += jsonl.chrome_lines;
                self.annotations += jsonl.annotations_stripped;
                self.converted += jsonl.converted;
            }
        }
    }

    fn inputs(&self) -> usize {
        self.files + self.failed
    }

    fn line(&self, took: Duration) -> String {
        let mb = self.bytes as f64 / 1e6;
        let seconds = took.as_secs_f64();
        let mut line = format!("zhclean: {} files", self.files);
        if self.records > 0 {
            line += &format!(" ({} JSON Lines records)", self.records);
        }
        if self.failed > 0 {
            line += &format!(", {} failed", self.failed);
        }
        line += &format!(
            "; {mb:.1} MB in {seconds:.1} s ({:.1} MB/s); dropped {} spam and {} chrome lines; \
             {} annotations stripped; {} conversions",
            mb / seconds.max(1e-9),
            self.spam_lines,
            self.chrome_lines,
            self.annotations,
            self.converted,
        );
        line
    }
}

/// Why an input was not cleaned.
enum Stop {
    /// This input failed; go on with the next.
    Failed(Failure),
    /// Whoever reads standard output has gone; stop quietly.
    BrokenPipe,
}

/// Where one input's output goes.
enum Sink<'a> {
    Stdout(&'a mut dyn Write),
    File(AtomicFile),
    Gzip(GzEncoder<AtomicFile>),
}

impl Sink<'_> {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(out) => *out,
            Sink::File(file) => file,
            Sink::Gzip(gzip) => gzip,
        }
    }

    /// Completes the output: the gzip trailer, then the rename into place.
    fn finish(self) -> Result<(), String> {
        let file = match self {
            Sink::Stdout(_) => return Ok(()),
            Sink::File(file) => file,
            Sink::Gzip(gzip) => gzip
                .finish()
                .map_err(|e| format!("cannot write the compressed output: {e}"))?,
        };
        file.commit().map_err(|e| format!("{e:#}"))
    }
}

/// What cleaning one input gave.
enum Outcome {
    /// One document and its report.
    Document(Box<Report>),
    /// JSON Lines records and their summary.
    Records(jsonl::JsonlSummary),
}

/// How failures to write to standard output name it.
const STDOUT: &str = "standard output";

/// Bytes gathered before a write to standard output, unless it is a
/// terminal.
const STDOUT_BUFFER: usize = 1 << 20;

/// Standard output for the cleaned text. A terminal gets it through
/// `Stdout`, a few kilobytes at a time. Elsewhere (a file, a pipe) it goes
/// in large writes straight to the file descriptor: `Stdout` looks for the
/// last line end in every write and copies what follows it. A batch of
/// JSON Lines records, written as one vectored write, is not copied at all.
fn stdout_writer(lock: io::StdoutLock<'static>) -> StdoutWriter {
    use std::io::IsTerminal;
    if lock.is_terminal() {
        return StdoutWriter {
            buffer: io::BufWriter::new(Box::new(lock)),
            _lock: None,
        };
    }
    match unbuffered(&lock) {
        Some(file) => StdoutWriter {
            buffer: io::BufWriter::with_capacity(STDOUT_BUFFER, file),
            _lock: Some(lock),
        },
        None => StdoutWriter {
            buffer: io::BufWriter::with_capacity(STDOUT_BUFFER, Box::new(lock)),
            _lock: None,
        },
    }
}

/// Standard output, buffered; its lock held while a duplicate of its file
/// descriptor is written, so that nothing else writes to it. The buffer is
/// dropped (flushed) before the lock.
struct StdoutWriter {
    buffer: io::BufWriter<Box<dyn Write>>,
    _lock: Option<io::StdoutLock<'static>>,
}

impl Write for StdoutWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.write(bytes)
    }

    fn write_vectored(&mut self, slices: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.buffer.write_vectored(slices)
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.buffer.write_all(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.buffer.flush()
    }
}

/// A duplicate of standard output's file descriptor: a `File`, whose
/// vectored writes go to the system whole.
#[cfg(unix)]
fn unbuffered(lock: &io::StdoutLock<'static>) -> Option<Box<dyn Write>> {
    use std::os::fd::AsFd;
    let fd = lock.as_fd().try_clone_to_owned().ok()?;
    Some(Box::new(File::from(fd)))
}

#[cfg(not(unix))]
fn unbuffered(_: &io::StdoutLock<'static>) -> Option<Box<dyn Write>> {
    None
}

fn clean_one(
    args: &Args,
    cleaner: &Cleaner,
    job: &Job,
    stdout: &mut dyn Write,
) -> Result<Outcome, Stop> {
    let failed = |message: String| Stop::Failed(Failure::new(&job.source, message));
    // One input streamed to standard output shows its bytes on a terminal;
    // a batch shows files instead (see `run`).
    let bar = match &job.source {
        Source::File(path) if job.target.is_none() && !args.quiet && !args.explain => {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            let bar = ProgressBar::new(size);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes}, {bytes_per_sec}, ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        }
        _ => ProgressBar::hidden(),
    };
    let _clear = ClearBar(bar.clone());
    let reader: Box<dyn Read> = match &job.source {
        Source::Stdin => Box::new(io::stdin().lock()),
        Source::File(path) => {
            let file = File::open(path).map_err(|e| failed(describe_io(&e)))?;
            // The bar's reader zeroes every buffer it is given before a read:
            // not worth it when nothing is drawn.
            let file: Box<dyn Read> = match bar.is_hidden() {
                true => Box::new(file),
                false => Box::new(bar.wrap_read(file)),
            };
            if is_gzip(path) {
                Box::new(MultiGzDecoder::new(io::BufReader::new(file)))
            } else {
                file
            }
        }
    };
    let write_failed = |e: io::Error| {
        if job.target.is_none() && e.kind() == io::ErrorKind::BrokenPipe {
            Stop::BrokenPipe
        } else if job.target.is_none() {
            Stop::Failed(Failure::new(STDOUT, e.to_string()))
        } else {
            failed(e.to_string())
        }
    };
    let mut sink = match &job.target {
        Some(target) => {
            let file = AtomicFile::create(target).map_err(|e| failed(format!("{e:#}")))?;
            // A `.gz` output is compressed; standard output stays plain.
            if is_gzip(target) {
                Sink::Gzip(GzEncoder::new(file, Compression::default()))
            } else {
                Sink::File(file)
            }
        }
        None => Sink::Stdout(stdout),
    };
    let writer = sink.writer();
    let outcome = if is_jsonl(args, job) {
        let options = jsonl::JsonlOptions {
            field: args.field.split('.').map(String::from).collect(),
            on_error: match args.on_error.as_str() {
                "drop" => jsonl::OnError::Drop,
                "fail" => jsonl::OnError::Fail,
                _ => jsonl::OnError::Keep,
            },
            drop_above: args.drop_docs_above,
            explain: args.explain.then(|| job.source.to_string()),
        };
        let summary = jsonl::clean(cleaner, &options, reader, writer).map_err(|e| match e {
            jsonl::JsonlError::Read(e) => failed(describe_io(&e)),
            jsonl::JsonlError::Write(e) => write_failed(e),
            jsonl::JsonlError::Malformed { line, why } => failed(format!(
                "line {line} is not a JSON object ({why}); fix it, or use --on-error keep or drop"
            )),
        })?;
        Outcome::Records(summary)
    } else {
        let report = cleaner.clean_reader(reader, writer).map_err(|e| match e {
            StreamError::Write(e) => write_failed(e),
            StreamError::Read(e) => failed(describe_io(&e)),
            other => failed(other.to_string()),
        })?;
        if args.explain {
            explain(&job.source.to_string(), &report.dropped);
        }
        Outcome::Document(Box::new(report))
    };
    sink.finish().map_err(failed)?;
    Ok(outcome)
}

/// Prints each dropped line on standard error: `WHERE:LINE: dropped KIND
/// (score S): reasons: text`, `place` naming the input (and record).
pub(crate) fn explain(place: &str, dropped: &[DroppedLine]) {
    for line in dropped {
        eprintln!(
            "{place}:{}: dropped {} (score {:.1}): {}: {}",
            line.line,
            line.kind,
            line.score,
            line.reasons.join("; "),
            line.text
        );
    }
}

/// JSON Lines when asked for, or for a file named `*.jsonl` or `*.jsonl.gz`.
fn is_jsonl(args: &Args, job: &Job) -> bool {
    args.jsonl
        || matches!(&job.source, Source::File(path) if {
            let name = path.to_string_lossy();
            name.ends_with(".jsonl") || name.ends_with(".jsonl.gz")
        })
}

/// A gzip file, by its name.
fn is_gzip(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "gz")
}

/// Whether the CPU lacks what a build for x86-64-v3 (`.cargo/config.toml`)
/// uses: said at once, rather than an illegal instruction somewhere later.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
fn cpu_lacks_build_level() -> bool {
    use std::arch::x86_64::__cpuid;
    // SAFETY: every x86-64 CPU has CPUID; leaf 7 counts only where the
    // CPU has it.
    #[allow(unused_unsafe)]
    let (max_leaf, leaf7) = unsafe { (__cpuid(0).eax, __cpuid(7)) };
    const AVX2: u32 = 1 << 5;
    const BMI2: u32 = 1 << 8;
    max_leaf < 7 || leaf7.ebx & (AVX2 | BMI2) != AVX2 | BMI2
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
fn cpu_lacks_build_level() -> bool {
    false
}

/// Tells glibc's allocator to keep the memory freed between batches of
/// records, not hand it back to the system and take it again, zeroed,
/// page by page, for the next batch: a batch of a thousand pages of 14 KB
/// is 14 MB in and more out, and on such pages that churn took a tenth of
/// the time. The peak is the same; only what is freed stays mapped.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_freed_memory() {
    // SAFETY: `mallopt` sets allocator parameters; it is called before any
    // other thread starts.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 512 << 20);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_freed_memory() {}
