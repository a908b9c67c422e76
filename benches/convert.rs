//! Conversion throughput, in process: `t2s` on Traditional and on already
//! Simplified text, and `tw2sp` (segmentation and a two-stage chain).
//!
//! Inputs come from the corpus that `scripts/build_corpus.py` builds in
//! `bench-data/corpus`; without it, the seed page stands in.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zhclean::Converter;

fn corpus(names: &[&str]) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/bench-data/corpus");
    let mut text = String::new();
    for name in names {
        if let Ok(part) = std::fs::read_to_string(format!("{dir}/{name}")) {
            text.push_str(&part);
        }
    }
    if text.is_empty() {
        text = include_str!("../data/examples/seed-page.txt").repeat(200);
    }
    text
}

fn convert(c: &mut Criterion) {
    let traditional = corpus(&["poetry-tang.txt", "hkcancor.txt"]);
    let poetry = corpus(&["poetry-tang.txt"]);
    let spoken = corpus(&["hkcancor.txt"]);
    let simplified = corpus(&["peoples-daily-1998.txt", "reviews.txt"]);
    let mut group = c.benchmark_group("convert");
    group.sample_size(20);
    for (config, name, text) in [
        ("t2s", "traditional", &traditional),
        ("t2s", "poetry", &poetry),
        ("t2s", "spoken", &spoken),
        ("t2s", "simplified", &simplified),
        ("tw2sp", "traditional", &traditional),
    ] {
        let converter = Converter::with_tofu(config, false).expect("built-in config");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("{config}/{name}"), |b| {
            b.iter(|| converter.convert(text))
        });
    }
    group.finish();
}

fn startup(c: &mut Criterion) {
    c.bench_function("startup/t2s", |b| {
        b.iter(|| Converter::with_tofu("t2s", false).expect("built-in config"))
    });
}

criterion_group!(benches, convert, startup);
criterion_main!(benches);
