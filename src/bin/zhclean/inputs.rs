//! Turning the PATH arguments into a list of documents to clean.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("<stdin>"),
            Source::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// One document to clean, and where its output goes (`None`: standard output).
#[derive(Debug, Clone)]
pub struct Job {
    pub source: Source,
    pub target: Option<PathBuf>,
}

/// An input that cannot be cleaned, with the one-line message for the user.
#[derive(Debug, Clone)]
pub struct Failure {
    pub name: String,
    pub message: String,
}

impl Failure {
    pub fn new(name: impl fmt::Display, message: impl Into<String>) -> Failure {
        Failure {
            name: name.to_string(),
            message: message.into(),
        }
    }
}

/// How folders are walked.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// Globs a file's path (from the folder) must match; `!` excludes.
    pub globs: Vec<String>,
    /// Hidden files and folders too.
    pub hidden: bool,
    /// Follow symbolic links.
    pub follow: bool,
    /// Each file is its own output (`--in-place`).
    pub in_place: bool,
}

/// The documents named by `paths`, in order; folders are walked (sorted by
/// name) when `output` is given or files are cleaned in place.
pub fn plan(paths: &[PathBuf], output: Option<&Path>, how: &Walk) -> Vec<Result<Job, Failure>> {
    let mut jobs = Vec::new();
    let mut targets = HashSet::new();
    let out_canonical = output.and_then(|o| fs::canonicalize(o).ok());
    let stdin_only = [PathBuf::from("-")];
    let paths = if paths.is_empty() {
        &stdin_only[..]
    } else {
        paths
    };
    for path in paths {
        if path.as_os_str() == "-" && how.in_place {
            jobs.push(Err(Failure::new(
                "<stdin>",
                "standard input cannot be cleaned in place; leave out --in-place",
            )));
            continue;
        }
        if path.as_os_str() == "-" {
            jobs.push(match output {
                None => Ok(Job {
                    source: Source::Stdin,
                    target: None,
                }),
                Some(_) => Err(Failure::new(
                    "<stdin>",
                    "standard input has no file name to write under -o; redirect standard output instead",
                )),
            });
            continue;
        }
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                jobs.push(Err(Failure::new(path.display(), describe_io(&e))));
                continue;
            }
        };
        if how.in_place {
            let files = if meta.is_dir() {
                let mut files = Vec::new();
                walk(path, None, how, &mut files, &mut jobs);
                files
            } else {
                vec![path.clone()]
            };
            jobs.extend(files.into_iter().map(|file| {
                Ok(Job {
                    source: Source::File(file.clone()),
                    target: Some(file),
                })
            }));
            continue;
        }
        match (meta.is_dir(), output) {
            (true, None) => jobs.push(Err(Failure::new(
                path.display(),
                "is a folder; give -o DIR to clean a folder into DIR, or --in-place",
            ))),
            (true, Some(out)) => {
                let mut files = Vec::new();
                walk(path, out_canonical.as_deref(), how, &mut files, &mut jobs);
                for file in files {
                    let relative = file.strip_prefix(path).unwrap_or(&file).to_path_buf();
                    jobs.push(job_for(file, out.join(relative), &mut targets));
                }
            }
            (false, None) => jobs.push(Ok(Job {
                source: Source::File(path.clone()),
                target: None,
            })),
            (false, Some(out)) => {
                let name = path.file_name().map(PathBuf::from).unwrap_or_default();
                jobs.push(job_for(path.clone(), out.join(name), &mut targets));
            }
        }
    }
    jobs
}

fn job_for(
    source: PathBuf,
    target: PathBuf,
    targets: &mut HashSet<PathBuf>,
) -> Result<Job, Failure> {
    if !targets.insert(target.clone()) {
        return Err(Failure::new(
            source.display(),
            format!(
                "its output {} is also the output of an earlier input; clean them into different folders",
                target.display()
            ),
        ));
    }
    let same = match (fs::canonicalize(&source), fs::canonicalize(&target)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(Failure::new(
            source.display(),
            "its output would overwrite the input itself; choose an -o folder outside the inputs",
        ));
    }
    Ok(Job {
        source: Source::File(source),
        target: Some(target),
    })
}

/// Collects the regular files under `dir` that the globs let through,
/// skipping the output folder itself; what cannot be walked (an unreadable
/// folder, a loop of links) is a failure.
fn walk(
    dir: &Path,
    skip: Option<&Path>,
    how: &Walk,
    files: &mut Vec<PathBuf>,
    jobs: &mut Vec<Result<Job, Failure>>,
) {
    let mut overrides = ignore::overrides::OverrideBuilder::new(dir);
    for glob in &how.globs {
        if let Err(e) = overrides.add(glob) {
            jobs.push(Err(Failure::new(
                dir.display(),
                format!("bad --glob {glob:?} ({e}); use a glob such as *.txt or !*.bak"),
            )));
            return;
        }
    }
    let overrides = match overrides.build() {
        Ok(overrides) => overrides,
        Err(e) => {
            jobs.push(Err(Failure::new(
                dir.display(),
                format!("bad --glob ({e})"),
            )));
            return;
        }
    };
    let skip = skip.map(Path::to_path_buf);
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(!how.hidden)
        .follow_links(how.follow)
        .overrides(overrides)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            let is_output = skip.as_ref().is_some_and(|skip| {
                entry.file_type().is_some_and(|t| t.is_dir())
                    && fs::canonicalize(entry.path()).is_ok_and(|c| &c == skip)
            });
            !is_output
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                files.push(entry.into_path());
            }
            Ok(_) => {}
            Err(e) => jobs.push(Err(walk_failure(dir, &e))),
        }
    }
}

/// A failure for what the walk could not do, named by the path involved.
fn walk_failure(dir: &Path, error: &ignore::Error) -> Failure {
    match error {
        ignore::Error::WithPath { path, err } => walk_failure(path, err),
        ignore::Error::WithDepth { err, .. } => walk_failure(dir, err),
        ignore::Error::Loop { child, .. } => Failure::new(
            child.display(),
            "is a link back into a folder above it; left out (the walk would never end)",
        ),
        ignore::Error::Io(e) => Failure::new(dir.display(), describe_io(e)),
        other => Failure::new(dir.display(), format!("cannot walk: {other}")),
    }
}

/// A user-facing description of an I/O error, with what to do about it.
pub fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder; check the path".to_string(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied; check the file's permissions".to_string()
        }
        _ => format!("cannot read: {e}"),
    }
}
