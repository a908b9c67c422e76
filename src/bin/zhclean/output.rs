//! Writing files so that an interrupted run never leaves half of one.
//!
//! Each output is written under a temporary name beside its final one and
//! renamed into place when whole. The temporaries in flight are listed, so
//! that Ctrl-C or SIGTERM removes them before the process exits; only a
//! process killed outright (SIGKILL) can leave one, and never under an
//! output's name.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use anyhow::{Context, Result};

/// A file written under a temporary name in the same folder and renamed into
/// place by [`AtomicFile::commit`]: readers see the old file or the whole new
/// one, never a part. Dropped without a commit, it removes itself.
pub struct AtomicFile {
    file: io::BufWriter<fs::File>,
    temp: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create folder {}", dir.display()))?;
        let temp = temp_path(dir, path);
        let file = {
            let mut live = in_flight();
            let file = fs::File::create(&temp)
                .with_context(|| format!("cannot write {}", temp.display()))?;
            live.push(temp.clone());
            file
        };
        Ok(AtomicFile {
            file: io::BufWriter::with_capacity(1 << 20, file),
            temp,
            path: path.to_path_buf(),
            committed: false,
        })
    }

    /// Flushes and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        self.file
            .flush()
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        let mut live = in_flight();
        fs::rename(&self.temp, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        live.retain(|temp| temp != &self.temp);
        self.committed = true;
        Ok(())
    }
}

/// The temporaries being written.
fn in_flight() -> MutexGuard<'static, Vec<PathBuf>> {
    static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    // A panic elsewhere while the list was held leaves it as it was.
    IN_FLIGHT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// On Ctrl-C or SIGTERM: removes the temporaries being written, says so,
/// and exits with 130. Holding the list, it waits for a rename under way.
pub fn remove_temporaries_on_interrupt() {
    let installed = ctrlc::set_handler(|| {
        let live = in_flight();
        for temp in live.iter() {
            let _ = fs::remove_file(temp);
        }
        eprintln!("zhclean: interrupted; outputs not finished were removed");
        std::process::exit(130);
    });
    if let Err(e) = installed {
        eprintln!("zhclean: warning: cannot watch for Ctrl-C ({e}); an interrupted run may leave temporary files");
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.file.write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let mut live = in_flight();
            let _ = fs::remove_file(&self.temp);
            live.retain(|temp| temp != &self.temp);
        }
    }
}

/// Writes `bytes` to `path` atomically (see [`AtomicFile`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.commit()
}

fn temp_path(dir: &Path, path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{name}.zhclean-{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.txt");
        write_atomically(&path, "发展\n".as_bytes()).unwrap();
        write_atomically(&path, "区\n".as_bytes()).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "区\n");
        let names: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn dropped_without_commit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.txt");
        let mut file = AtomicFile::create(&path).unwrap();
        file.write_all(b"half").unwrap();
        drop(file);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
