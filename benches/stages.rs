//! Each stage's share of the whole pipeline, on the seed page repeated to
//! 50 MB (one document), in process. Prints the median of several runs of
//! each stage alone, its throughput, and its share of the whole pipeline's
//! time. Run with `cargo bench --bench stages`, or `-- FILE` for another
//! text.

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

fn main() {
    // `cargo bench --bench stages -- FILE` measures on FILE (UTF-8) instead.
    let file = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let (label, page) = match &file {
        Some(path) => (
            path.clone(),
            std::fs::read_to_string(path).expect("a UTF-8 file to measure on"),
        ),
        None => {
            let seed = include_str!("../data/examples/seed-page.txt");
            ("seed page".to_string(), format!("{seed}\n\n"))
        }
    };
    let text = page.repeat((50_000_000 / page.len().max(1)).max(1));
    let mb = text.len() as f64 / 1e6;
    let cleaner = Cleaner::new(Options::default()).expect("default options");
    let spam = SpamFilter::new(zhclean::spam::DEFAULT_THRESHOLD).expect("built-in lexicons");
    let t2s = Converter::new("t2s").expect("built-in config");
    let stripped = annotation::strip(&text, AnnotationMode::Auto).0;

    let whole = median(|| {
        std::hint::black_box(cleaner.clean(&text));
    });
    let stages: [(&str, Duration); 7] = [
        (
            "repair",
            median(|| drop(std::hint::black_box(mojibake::repair(&text)))),
        ),
        (
            "hygiene",
            median(|| drop(std::hint::black_box(unicode::clean(&text)))),
        ),
        (
            "annotations",
            median(|| {
                drop(std::hint::black_box(annotation::strip(
                    &text,
                    AnnotationMode::Auto,
                )))
            }),
        ),
        (
            "spam score",
            median(|| drop(std::hint::black_box(spam.assess(&stripped)))),
        ),
        (
            "spam",
            // The pipeline hands the stage its own copy, filtered in place.
            median_with(
                || stripped.clone(),
                |owned| drop(std::hint::black_box(spam.filter_owned(owned))),
            ),
        ),
        (
            "convert",
            median(|| drop(std::hint::black_box(t2s.convert_counting(&stripped)))),
        ),
        (
            "layout",
            median(|| drop(std::hint::black_box(unicode::tidy_layout(&stripped)))),
        ),
    ];
    println!("{label} repeated to {mb:.1} MB, median of {RUNS} runs");
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
