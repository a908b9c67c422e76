//! Precision and recall of the spam stage on the project's labelled corpus
//! (`tests/data/spam/labelled.txt`, built by `scripts/build_spam_corpus.py`):
//! pages with injected spam, page chrome and genuine lines of many kinds.

use zhclean::spam::DEFAULT_THRESHOLD;
use zhclean::{DropKind, SpamFilter};

const LABELLED: &str = include_str!("data/spam/labelled.txt");

/// Pages as (label, line) pairs.
fn pages() -> Vec<Vec<(char, &'static str)>> {
    let mut pages = Vec::new();
    for line in LABELLED.lines().filter(|l| !l.starts_with('#')) {
        if line.starts_with("=== page") {
            pages.push(Vec::new());
            continue;
        }
        let (label, text) = line.split_once('\t').expect("LABEL<TAB>text");
        let label = label.chars().next().expect("a label");
        pages
            .last_mut()
            .expect("a page header first")
            .push((label, text));
    }
    pages
}

#[test]
fn spam_and_chrome_are_found_precisely() {
    let filter = SpamFilter::new(DEFAULT_THRESHOLD).unwrap();
    // confusion[label][outcome]: labels S, C, G; outcomes kept, spam, chrome.
    let labels = ['S', 'C', 'G'];
    let mut confusion = [[0usize; 3]; 3];
    let mut misses = Vec::new();
    for page in pages() {
        let text: String = page.iter().map(|(_, line)| format!("{line}\n")).collect();
        let (_, _, dropped) = filter.filter(&text);
        for (i, (label, line)) in page.iter().enumerate() {
            if *label == 'B' {
                continue;
            }
            let outcome = match dropped.iter().find(|d| d.line == i + 1).map(|d| d.kind) {
                None => 0,
                Some(DropKind::Spam) => 1,
                Some(DropKind::Chrome) => 2,
            };
            let row = labels
                .iter()
                .position(|l| l == label)
                .expect("label S, C, G or B");
            confusion[row][outcome] += 1;
            if (row == 2) != (outcome == 0) {
                misses.push(format!("{label} -> {outcome}: {line}"));
            }
        }
    }
    let dropped_right = confusion[0][1] + confusion[0][2] + confusion[1][1] + confusion[1][2];
    let dropped_all = dropped_right + confusion[2][1] + confusion[2][2];
    let not_article = confusion[0].iter().sum::<usize>() + confusion[1].iter().sum::<usize>();
    let precision = dropped_right as f64 / dropped_all as f64;
    let recall = dropped_right as f64 / not_article as f64;
    eprintln!("label   kept  spam chrome");
    for (label, row) in labels.iter().zip(confusion) {
        eprintln!("{label}     {:6} {:5} {:6}", row[0], row[1], row[2]);
    }
    eprintln!("precision {precision:.4}, recall {recall:.4}");
    for miss in misses.iter().take(40) {
        eprintln!("  {miss}");
    }
    assert!(not_article >= 300 && confusion[2].iter().sum::<usize>() >= 3000);
    assert!(precision >= 0.995, "precision {precision:.4}");
    assert!(recall >= 0.95, "recall {recall:.4}");
}
