//! Each stage's share of the whole pipeline, on the seed page repeated to
//! 50 MB (one document), in process. Prints the median of several runs of
//! each stage alone, its throughput, and its share of the whole pipeline's
//! time. Run with `cargo bench --bench stages`, or `-- FILE` for another
//! text: a `.jsonl` file is read as one document per record (its `text`
//! field), as a batch run sees it, anything else as one document.

use std::time::{Duration, Instant};

use zhclean::annotation::{self, AnnotationMode};
use zhclean::{mojibake, unicode, Cleaner, Converter, Options, SpamFilter};

const RUNS: usize = 5;

fn median(mut f: impl FnMut()) -> Duration {
    median_with(|| (), |()| f())
}

/// The median time of `f` on what `setup` makes, untimed, for each run.
fn median_with<T>(mut setup: impl FnMut() -> T, mut f: impl FnMut(T)) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let input = setup();
            let start = Instant::now();
            f(input);
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

/// `text` repeated to about 50 MB, as one document.
fn repeat(text: &str) -> String {
    text.repeat((50_000_000 / text.len().max(1)).max(1))
}

fn main() {
    // `cargo bench --bench stages -- FILE` measures on FILE (UTF-8) instead.
    let file = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let (label, pages) = match &file {
        Some(path) if path.ends_with(".jsonl") => {
            let dump = std::fs::read_to_string(path).expect("a UTF-8 file to measure on");
            let pages: Vec<String> = dump
                .lines()
                .map(|record| {
                    let value: serde_json::Value =
                        serde_json::from_str(record).expect("one JSON object a line");
                    value["text"].as_str().unwrap_or_default().to_string()
                })
                .collect();
            (format!("{path} ({} documents)", pages.len()), pages)
        }
        Some(path) => {
            let text = std::fs::read_to_string(path).expect("a UTF-8 file to measure on");
            (format!("{path} repeated to 50 MB"), vec![repeat(&text)])
        }
        None => {
            let seed = include_str!("../data/examples/seed-page.txt");
            (
                "seed page repeated to 50 MB".to_string(),
                vec![repeat(&format!("{seed}\n\n"))],
            )
        }
    };
    let mb = pages.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    let cleaner = Cleaner::new(Options::default()).expect("default options");
    let spam = SpamFilter::new(zhclean::spam::DEFAULT_THRESHOLD).expect("built-in lexicons");
    let t2s = Converter::new("t2s").expect("built-in config");
    let stripped: Vec<String> = pages
        .iter()
        .map(|p| annotation::strip(p, AnnotationMode::Auto).0)
        .collect();
    let each = |pages: &[String], f: &dyn Fn(&str)| median(|| pages.iter().for_each(|p| f(p)));

    let whole = each(&pages, &|p| drop(std::hint::black_box(cleaner.clean(p))));
    let stages: [(&str, Duration); 7] = [
        (
            "repair",
            each(&pages, &|p| drop(std::hint::black_box(mojibake::repair(p)))),
        ),
        (
            "hygiene",
            each(&pages, &|p| drop(std::hint::black_box(unicode::clean(p)))),
        ),
        (
            "annotations",
            each(&pages, &|p| {
                drop(std::hint::black_box(annotation::strip(
                    p,
                    AnnotationMode::Auto,
                )))
            }),
        ),
        (
            "spam score",
            each(&stripped, &|p| drop(std::hint::black_box(spam.assess(p)))),
        ),
        (
            "spam",
            // The pipeline hands the stage its own copy, filtered in place.
            median_with(
                || stripped.clone(),
                |owned| {
                    for p in owned {
                        drop(std::hint::black_box(spam.filter_owned(p)));
                    }
                },
            ),
        ),
        (
            "convert",
            each(&stripped, &|p| {
                drop(std::hint::black_box(t2s.convert_counting(p)))
            }),
        ),
        (
            "layout",
            each(&stripped, &|p| {
                drop(std::hint::black_box(unicode::tidy_layout(p)))
            }),
        ),
    ];
    println!("{label}: {mb:.1} MB, median of {RUNS} runs");
    println!("(spam score: the scoring alone; spam: scoring and removing the lines)");
    println!(
        "{:12} {:>9} {:>9} {:>8}",
        "stage", "seconds", "MB/s", "share"
    );
    for &(name, time) in &stages {
        println!(
            "{name:12} {:9.4} {:9.1} {:7.1}%",
            time.as_secs_f64(),
            mb / time.as_secs_f64(),
            100.0 * time.as_secs_f64() / whole.as_secs_f64()
        );
    }
    let time = |name: &str| {
        stages
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.as_secs_f64())
    };
    if let (Some(score), Some(spam), Some(convert)) =
        (time("spam score"), time("spam"), time("convert"))
    {
        println!(
            "spam score / convert: {:.2}; spam / convert: {:.2}",
            score / convert,
            spam / convert
        );
    }
    println!(
        "{:12} {:9.4} {:9.1} {:7.1}%",
        "whole",
        whole.as_secs_f64(),
        mb / whole.as_secs_f64(),
        100.0
    );
}
