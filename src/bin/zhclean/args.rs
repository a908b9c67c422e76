//! The command line's options.

use std::path::PathBuf;

use clap::Parser;
use zhclean::annotation::AnnotationMode;
use zhclean::unicode::HygieneClasses;
use zhclean::{Engine, Options, Stage};

/// Clean scraped, garbled Chinese text: fix the encoding, strip injected
/// pinyin, drop spam and page chrome, convert with OpenCC.
///
/// With no PATH, or with `-`, reads standard input and writes standard
/// output. Files are cleaned in order to standard output, or with -o into
/// one output file each under DIR (folders are walked, keeping their layout).
#[derive(Debug, Parser)]
#[command(name = "zhclean", version, max_term_width = 100)]
pub struct Args {
    /// Files or folders to clean; `-` is standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write one cleaned file per input under DIR instead of to standard output.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// OpenCC config: a built-in name (t2s, tw2sp, s2twp, …) or a config JSON file.
    #[arg(long, value_name = "NAME", default_value = "t2s")]
    pub config: String,

    /// Conversion engine: builtin (OpenCC 1.4.2 data, no system library), or
    /// opencc-sys (the system OpenCC; needs a build with --features opencc-sys).
    #[arg(long, value_name = "ENGINE", default_value = "builtin", value_parser = ["builtin", "opencc-sys"])]
    pub engine: String,

    /// Leave out OpenCC dictionaries that may output characters fonts lack,
    /// as OpenCC's command-line tool does.
    #[arg(long)]
    pub no_tofu: bool,

    /// Run only these stages, comma-separated: repair, hygiene, annotations,
    /// spam, convert (decoding always runs).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_stage)]
    pub stages: Option<Vec<Stage>>,

    /// Pinyin annotations: auto (strip where the page looks garbled, keep
    /// pages that teach pinyin), strip (always), keep (never).
    #[arg(long, value_name = "MODE", default_value = "auto", value_parser = ["auto", "strip", "keep"])]
    pub annotations: String,

    /// Read input in this encoding (a WHATWG label: gbk, gb18030, big5,
    /// utf-16le, shift_jis, …) instead of detecting it.
    #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,

    /// Fail an input with malformed bytes instead of replacing them.
    #[arg(long)]
    pub strict: bool,

    /// Hygiene classes to run, comma-separated: invisible, ideographs, html,
    /// whitespace, width (full-width letters and digits to half-width).
    #[arg(long, value_name = "LIST", value_delimiter = ',',
          default_value = "invisible,ideographs,html,whitespace",
          value_parser = ["invisible", "ideographs", "html", "whitespace", "width"])]
    pub hygiene: Vec<String>,

    /// Which lines the spam stage drops, comma-separated: spam, chrome, or
    /// none (the report still scores them).
    #[arg(long, value_name = "KINDS", value_delimiter = ',', default_value = "spam,chrome",
          value_parser = ["spam", "chrome", "none"])]
    pub drop: Vec<String>,

    /// Spam score at or above which a line is dropped (default 5.0; see --explain).
    #[arg(long, value_name = "SCORE", default_value_t = zhclean::spam::DEFAULT_THRESHOLD)]
    pub spam_threshold: f64,

    /// An extra spam lexicon: one entry a line, `#` comments; its category
    /// is the file's name without extension. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Vec<PathBuf>,

    /// Treat input as JSON Lines and clean one string field of each record
    /// (automatic for files ending in .jsonl).
    #[arg(long)]
    pub jsonl: bool,

    /// The field to clean in JSON Lines, a dotted path for nested objects.
    #[arg(long, value_name = "PATH", default_value = "text")]
    pub field: String,

    /// A JSON Lines line that is not a JSON object: keep it, drop it, or fail.
    #[arg(long, value_name = "WHAT", default_value = "keep", value_parser = ["keep", "drop", "fail"])]
    pub on_error: String,

    /// In JSON Lines, drop records whose spam share (0 to 1: the part of
    /// their text in spam lines) is above this.
    #[arg(long, value_name = "SHARE")]
    pub drop_docs_above: Option<f64>,

    /// Threads that clean files into -o DIR and JSON Lines records (default:
    /// one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// In folders, clean only files whose path matches GLOB (`*.txt`,
    /// `news/**`); a leading `!` leaves matching files out. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub glob: Vec<String>,

    /// In folders, clean hidden files and folders too (names starting with `.`).
    #[arg(long)]
    pub hidden: bool,

    /// In folders, follow symbolic links (loops are reported, not followed).
    #[arg(long)]
    pub follow: bool,

    /// Replace each input file (and each file in a folder) with its cleaned
    /// version, written whole before it takes the input's place.
    #[arg(long, conflicts_with = "output")]
    pub in_place: bool,

    /// No progress bar and no summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,

    /// Write a JSON report (per input: encoding, stage counts, dropped lines) to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Print each dropped line and why on standard error.
    #[arg(long)]
    pub explain: bool,
}

fn parse_encoding(label: &str) -> Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(label.trim().as_bytes())
        .ok_or_else(|| format!("unknown encoding {label:?}; use a WHATWG label such as utf-8, gbk, gb18030, big5, utf-16le"))
}

fn parse_stage(name: &str) -> Result<Stage, String> {
    name.parse().map_err(|e: zhclean::Error| e.to_string())
}

impl Args {
    /// The library options these arguments ask for; an error names a
    /// lexicon file that cannot be read.
    pub fn options(&self) -> Result<Options, String> {
        let mut options = match &self.stages {
            Some(stages) => Options::only(stages),
            None => Options::default(),
        };
        options.config = self.config.clone();
        options.include_tofu = !self.no_tofu;
        options.spam_threshold = self.spam_threshold;
        options.encoding = self.encoding;
        options.hygiene_classes = HygieneClasses::none();
        for class in &self.hygiene {
            options.hygiene_classes.enable(class);
        }
        options.strict = self.strict;
        // Dropped lines are listed only for those who read them.
        options.keep_dropped = self.explain || self.report.is_some();
        options.drop_spam = self.drop.iter().any(|k| k == "spam");
        options.drop_chrome = self.drop.iter().any(|k| k == "chrome");
        for path in &self.lexicon {
            let lexicon = zhclean::spam::read_lexicon(path).map_err(|e| e.to_string())?;
            options.lexicons.push(lexicon);
        }
        options.annotation_mode = match self.annotations.as_str() {
            "strip" => AnnotationMode::Strip,
            "keep" => AnnotationMode::Keep,
            _ => AnnotationMode::Auto,
        };
        options.engine = if self.engine == "opencc-sys" {
            Engine::OpenccSys
        } else {
            Engine::Builtin
        };
        Ok(options)
    }
}
