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

/// The documents named by `paths`, in order; folders are walked (sorted by
/// name, symbolic links not followed) when `output` is given.
pub fn plan(paths: &[PathBuf], output: Option<&Path>) -> Vec<Result<Job, Failure>> {
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
        match (meta.is_dir(), output) {
            (true, None) => jobs.push(Err(Failure::new(
                path.display(),
                "is a folder; give -o DIR to clean a folder into DIR",
            ))),
            (true, Some(out)) => {
                let mut files = Vec::new();
                walk(path, out_canonical.as_deref(), &mut files, &mut jobs);
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

/// Collects the regular files under `dir`, skipping symbolic links and the
/// output folder itself.
fn walk(
    dir: &Path,
    skip: Option<&Path>,
    files: &mut Vec<PathBuf>,
    jobs: &mut Vec<Result<Job, Failure>>,
) {
    if let (Some(skip), Ok(canonical)) = (skip, fs::canonicalize(dir)) {
        if canonical == skip {
            return;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            jobs.push(Err(Failure::new(dir.display(), describe_io(&e))));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, skip, files, jobs),
            Ok(meta) if meta.is_file() => files.push(path),
            Ok(_) => {}
            Err(e) => jobs.push(Err(Failure::new(path.display(), describe_io(&e)))),
        }
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
