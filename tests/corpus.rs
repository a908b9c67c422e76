//! On clean registry text (the corpus `scripts/build_corpus.py` builds in
//! `bench-data/corpus`: 10.6 MB of Simplified and Traditional poetry and
//! prose), repair must change nothing, and hygiene nothing but what its
//! classes are for. Needs the corpus, so `.ci/run` runs these after building
//! it: `cargo test --release --test corpus -- --ignored`.

use zhclean::mojibake;
use zhclean::unicode::{self, HygieneClasses};

fn corpus() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/bench-data/corpus");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("bench-data/corpus exists: run scripts/build_corpus.py")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    let size: usize = files.iter().map(|(_, t)| t.len()).sum();
    assert!(
        size >= 5 << 20,
        "corpus of {size} bytes, want at least 5 MB"
    );
    files
}

#[test]
#[ignore = "needs bench-data/corpus (scripts/build_corpus.py)"]
fn repair_changes_nothing_on_clean_text() {
    for (name, text) in corpus() {
        let (repaired, counts) = mojibake::repair(&text);
        assert_eq!(counts, Default::default(), "{name}");
        assert!(repaired == text, "{name} changed");
    }
}

#[test]
#[ignore = "needs bench-data/corpus (scripts/build_corpus.py)"]
fn hygiene_changes_only_what_its_classes_are_for() {
    let mut invisible_and_whitespace = HygieneClasses::none();
    invisible_and_whitespace.enable("invisible");
    invisible_and_whitespace.enable("whitespace");
    for (name, text) in corpus() {
        let (cleaned, counts) = unicode::clean_with(&text, invisible_and_whitespace);
        assert_eq!(
            (counts.invisible_removed, counts.controls_removed),
            (0, 0),
            "{name}"
        );
        assert!(cleaned == text, "{name} changed");
        // The other classes do change clean text, and say so.
        let (_, counts) = unicode::clean(&text);
        eprintln!(
            "{name}: {} ideographs unified, {} HTML references decoded",
            counts.ideographs_unified, counts.html_decoded
        );
    }
}
