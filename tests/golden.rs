//! The seed page, a real scraped page, must come out exactly as its clean
//! version, whatever encoding it arrives in.

use zhclean::{Cleaner, DropKind, Options, Stage};

const SEED: &str = include_str!("../data/examples/seed-page.txt");
const CLEAN: &str = include_str!("../data/examples/seed-page.clean.txt");

fn cleaner() -> Cleaner {
    Cleaner::new(Options::default()).expect("default options build")
}

#[test]
fn seed_page_cleans_to_golden_file() {
    let cleaned = cleaner().clean(SEED);
    assert_eq!(cleaned.text, CLEAN);
}

#[test]
fn seed_page_report_counts_what_happened() {
    let report = cleaner().clean(SEED).report;
    // DESIGN.md counts 345 annotations on 47 characters of this page.
    assert_eq!(report.annotations.as_ref().map(|a| a.stripped), Some(345));
    let dropped: Vec<(usize, DropKind)> = report.dropped.iter().map(|d| (d.line, d.kind)).collect();
    let last = SEED.lines().count();
    assert_eq!(
        dropped,
        [
            (1, DropKind::Spam),
            (last - 4, DropKind::Chrome),
            (last - 2, DropKind::Chrome),
            (last, DropKind::Chrome),
        ]
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["dropped"][0]["kind"], "spam");
    assert_eq!(json["convert"]["config"], "t2s");
}

#[test]
fn no_annotation_is_left_and_real_parentheses_survive() {
    let cleaned = Cleaner::new(Options::only(&[Stage::Annotations]))
        .unwrap()
        .clean(SEED);
    let stripped = cleaned.text;
    let pinyin_letters = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü";
    assert!(!stripped.contains(|c| pinyin_letters.contains(c)));

    // Every parenthesised phrase of the page, in order, innermost.
    let mut phrases = Vec::new();
    let mut open = None;
    for (i, c) in stripped.char_indices() {
        match c {
            '(' => open = Some(i),
            ')' => {
                if let Some(start) = open.take() {
                    phrases.push(&stripped[start..=i]);
                }
            }
            _ => {}
        }
    }
    assert_eq!(
        phrases,
        [
            "(試行)",
            "(試行)",
            "(街道)",
            "(兼)",
            "(街道)",
            "(社區)",
            "(次)",
            "(試行)",
            "(試行)",
            "(含盲人按摩機構)",
            "(就業幫扶)",
            "(直播帶貨)",
            "(資料圖)",
            "(室)",
            "(版權作品 未經授權 嚴禁轉載、摘編)",
        ]
    );

    let counts = cleaned.report.annotations.unwrap();
    assert_eq!(counts.decision, "strip");
    assert_eq!(
        (counts.stripped, counts.unverified, counts.word_glosses),
        (345, 0, 0)
    );
    assert_eq!(counts.on_traditional, 345);
}

#[test]
fn seed_page_in_gb18030_gives_the_same_output() {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(SEED);
    assert!(!unmappable);
    let cleaned = cleaner().clean_bytes(&bytes);
    assert_eq!(
        cleaned.report.decode.as_ref().map(|d| d.encoding.as_str()),
        Some("GBK")
    );
    assert_eq!(cleaned.text, CLEAN);
}

#[test]
fn seed_page_in_big5_decodes_to_the_same_text() {
    // Big5 has neither the Simplified spam line nor pinyin letters: encode the
    // page's Traditional text without its annotations and first line.
    let traditional = Cleaner::new(Options::only(&[Stage::Annotations]))
        .unwrap()
        .clean(SEED)
        .text;
    let body = traditional.split_once('\n').map(|(_, rest)| rest).unwrap();
    let (bytes, _, unmappable) = encoding_rs::BIG5.encode(body);
    assert!(!unmappable, "the body must be representable in Big5");

    let decoded = Cleaner::new(Options::only(&[]))
        .unwrap()
        .clean_bytes(&bytes);
    assert_eq!(
        decoded.report.decode.as_ref().map(|d| d.encoding.as_str()),
        Some("Big5")
    );
    assert_eq!(decoded.text, body);
    assert_eq!(cleaner().clean_bytes(&bytes).text, CLEAN);
}

#[test]
fn a_long_document_is_cleaned_section_by_section_in_bounded_memory() {
    // Pages one after another, more than two sections' worth, in GBK.
    let copies = 2 * zhclean::SECTION_BYTES / SEED.len() + 3;
    let document = vec![SEED; copies].join("\n");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&document);
    assert!(!unmappable);
    let mut out = Vec::new();
    let report = cleaner().clean_reader(&gbk[..], &mut out).expect("cleans");
    let out = String::from_utf8(out).expect("UTF-8 out");
    // Every page comes out as the golden file, one blank line between.
    assert_eq!(out, vec![CLEAN; copies].join("\n"));
    assert_eq!(
        report.decode.as_ref().map(|d| d.encoding.as_str()),
        Some("GBK")
    );
    // Dropped lines are numbered in the whole document: the page's own,
    // moved down by the pages before.
    let page = cleaner().clean(SEED).report.dropped;
    let page_lines = SEED.matches('\n').count() + 1;
    let expected: Vec<usize> = (0..copies)
        .flat_map(|k| page.iter().map(move |d| d.line + k * page_lines))
        .collect();
    let got: Vec<usize> = report.dropped.iter().map(|d| d.line).collect();
    assert_eq!(got, expected);
    let spam = report.spam.expect("spam ran");
    assert_eq!((spam.spam_lines, spam.chrome_lines), (copies, 3 * copies));
}
