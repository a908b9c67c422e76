//! Byte-slip islands made by the mechanism itself on real text, repaired.
//!
//! The lines of the labelled spam corpus (People's Daily, Tang poetry,
//! HKCanCor, classics, and the spam and chrome injected into them; see
//! tests/data/spam/SOURCE.md) are made
//! Traditional (OpenCC `s2t`) and encoded as GBK. A converter that annotates
//! at every byte offset (a list of 300 Traditional-only characters of the
//! corpus, each with its first pinyin reading; one list for each 300 of
//! them by frequency rank, each line once with each) writes `(pinyin)` after every pair of
//! bytes that makes one of them, straddling pairs too. A decoder that
//! writes `?` for a lead byte without a trail byte and swallows the next
//! byte reads it back; on every third line, full-width `？` are then folded
//! to `?` and private-use characters dropped, which loses bytes for good
//! where that happens inside an island. The truth is the Traditional text
//! with the annotations of the aligned characters only.

use encoding_rs::GBK;
use pinyin::ToPinyin;
use zhclean::annotation::AnnotationMode;
use zhclean::{mojibake, Cleaner, Converter, Options};

const LABELLED: &str = include_str!("data/spam/labelled.txt");
const ANNOTATED: usize = 300;
const LISTS: usize = 8;

/// One generated line: what the decoder read, the truth, how many islands
/// it holds, and whether it lost bytes for good.
struct Sample {
    garbled: String,
    truth: String,
    islands: usize,
    lost: bool,
    /// How it lost bytes: a byte other than `(` swallowed, a `？` read one
    /// off and folded to `?`, a private-use character read one off and
    /// dropped.
    causes: [bool; 3],
}

/// The names of [`Sample::causes`].
const CAUSES: [&str; 3] = ["byte swallowed", "？ folded", "private use dropped"];

fn genuine_lines() -> Vec<String> {
    let s2t = Converter::new("s2t").unwrap();
    LABELLED
        .lines()
        .filter_map(|line| line.split_once('\t').map(|(_, text)| text))
        .filter(|line| line.chars().filter(|c| !c.is_ascii()).count() >= 8)
        .filter(|line| !line.contains(['(', ')', '?', '（', '）']))
        .map(|line| s2t.convert(line))
        .filter(|line| !GBK.encode(line).2)
        .collect()
}

/// The characters of `lines` that OpenCC's `t2s` changes, most frequent
/// first, with a reading that GBK can write.
fn ranked(lines: &[String]) -> Vec<(char, String)> {
    let t2s = Converter::new("t2s").unwrap();
    let mut counts = std::collections::HashMap::new();
    for c in lines.iter().flat_map(|line| line.chars()) {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let mut chars: Vec<(char, usize)> = counts
        .into_iter()
        .filter(|&(c, _)| !c.is_ascii() && t2s.convert(&c.to_string()) != c.to_string())
        .collect();
    chars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    chars
        .into_iter()
        .filter_map(|(c, _)| {
            let reading = c.to_pinyin()?.with_tone().to_string();
            (!GBK.encode(&reading).2).then_some((c, reading))
        })
        .take(ANNOTATED * LISTS)
        .collect()
}

fn gbk(text: &str) -> Vec<u8> {
    GBK.encode(text).0.into_owned()
}

fn pair(bytes: &[u8]) -> Option<char> {
    let (text, malformed) = GBK.decode_without_bom_handling(bytes);
    let mut chars = text.chars();
    match (malformed, chars.next(), chars.next()) {
        (false, Some(c), None) if !c.is_ascii() => Some(c),
        _ => None,
    }
}

fn generate(line: &str, list: &[(char, String)], lose: bool) -> Sample {
    let reading = |c: char| list.iter().find(|(l, _)| *l == c).map(|(_, r)| r.as_str());
    let bytes = gbk(line);
    // Character boundaries, for telling aligned matches from straddling ones.
    let mut aligned = vec![false; bytes.len() + 1];
    let mut at = 0;
    for c in line.chars() {
        aligned[at] = true;
        at += if c.is_ascii() { 1 } else { 2 };
    }
    let mut inserts = Vec::new();
    let mut straddling = 0;
    for i in 0..bytes.len().saturating_sub(1) {
        if let Some(r) = pair(&bytes[i..i + 2]).and_then(reading) {
            inserts.push((i + 2, r));
            straddling += usize::from(!aligned[i]);
        }
    }
    let mut annotated = Vec::new();
    let mut from = 0;
    for (at, r) in inserts {
        annotated.extend_from_slice(&bytes[from..at]);
        annotated.push(b'(');
        annotated.extend_from_slice(&gbk(r));
        annotated.push(b')');
        from = at;
    }
    annotated.extend_from_slice(&bytes[from..]);
    let garbled = read_swallowing(&annotated, lose);
    let mut truth = String::new();
    for c in line.chars() {
        truth.push(c);
        if let Some(r) = reading(c) {
            truth.push_str(&format!("({r})"));
        }
    }
    // Bytes are lost for good where the decoder read, one off, a `？` or a
    // private-use character the text did not have, and folding or dropping
    // took it.
    let read = read_swallowing(&annotated, false);
    let differ = |kind: fn(char) -> bool| {
        let count = |text: &str| text.chars().filter(|&c| kind(c)).count();
        lose && count(&read) != count(&truth)
    };
    let causes = [
        swallows_more_than_parentheses(&annotated),
        differ(|c| c == '？'),
        differ(is_private_use),
    ];
    let lost = causes.contains(&true);
    if lose {
        truth = truth.replace('？', "?");
        truth.retain(|c| !is_private_use(c));
    }
    Sample {
        garbled,
        truth,
        islands: straddling,
        lost,
        causes,
    }
}

/// Reads GBK as the broken converter's decoder did: `?` for a lead byte
/// without a valid trail byte, swallowing the next byte. With `lose`,
/// full-width `？` become `?` and private-use characters go, as some
/// pages' own pipelines do.
fn read_swallowing(bytes: &[u8], lose: bool) -> String {
    let mut text = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            text.push(b as char);
            i += 1;
        } else if let Some(c) = bytes.get(i..i + 2).and_then(pair) {
            match c {
                '？' if lose => text.push('?'),
                c if lose && is_private_use(c) => {}
                c => text.push(c),
            }
            i += 2;
        } else {
            text.push('?');
            i += 2;
        }
    }
    text
}

/// Whether the decoder swallowed a byte other than an annotation's `(`:
/// that byte is lost for good.
fn swallows_more_than_parentheses(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i += 1;
        } else if bytes.get(i..i + 2).and_then(pair).is_some() {
            i += 2;
        } else {
            if bytes.get(i + 1).is_some_and(|&b| b != b'(') {
                return true;
            }
            i += 2;
        }
    }
    false
}

/// How many characters must be inserted, deleted or replaced to turn `a`
/// into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &y) in b.iter().enumerate() {
            current[j + 1] = (previous[j + 1] + 1)
                .min(current[j] + 1)
                .min(previous[j] + usize::from(x != y));
        }
        previous = current;
    }
    previous[b.len()]
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü".contains(c)
}

/// A pinyin fragment: letters then `)`.
fn has_pinyin_fragment(text: &str) -> bool {
    text.match_indices(')')
        .any(|(at, _)| text[..at].chars().next_back().is_some_and(is_pinyin_letter))
}

#[test]
fn generated_islands_are_repaired() {
    let lines = genuine_lines();
    let ranked = ranked(&lines);
    assert!(ranked.len() >= ANNOTATED * 3, "{} characters", ranked.len());
    // Annotations always stripped: in `auto` mode a line with one correct
    // gloss may keep it, which is no island's fragment.
    let mut options = Options::default();
    options.annotation_mode = AnnotationMode::Strip;
    let cleaner = Cleaner::new(options).unwrap();
    let (mut determined, mut determined_ok) = (0, 0);
    let (mut lost, mut lost_ok) = (0, 0);
    // How far from the truth the lines that lost bytes come out, in
    // characters: a line half repaired counts for something here.
    let (mut lost_edits, mut lost_garbled_edits) = (0, 0);
    let mut changed_clean = 0;
    let mut shown = 0;
    // Islands and islands repaired, of the lines that lost bytes each way
    // (a line may lose them more than one way), and of those that lost
    // them only to a swallowed byte.
    let mut by_cause = [(0, 0); 3];
    let mut swallowed_only = (0, 0);
    for (n, line) in lines.iter().enumerate() {
        for list in ranked.chunks_exact(ANNOTATED) {
            let sample = generate(line, list, n % 3 == 0);
            let (repaired, _) = mojibake::repair(&sample.garbled);
            let right = repaired == sample.truth;
            match (sample.islands, sample.lost) {
                (0, _) => {
                    if repaired != sample.garbled {
                        changed_clean += 1;
                        eprintln!("changed: {}\n  ->     {repaired}", sample.garbled);
                    }
                }
                (_, false) => {
                    determined += sample.islands;
                    determined_ok += if right { sample.islands } else { 0 };
                }
                (_, true) => {
                    lost += sample.islands;
                    lost_ok += if right { sample.islands } else { 0 };
                    for (i, _) in sample.causes.iter().enumerate().filter(|(_, &c)| c) {
                        by_cause[i].0 += sample.islands;
                        by_cause[i].1 += if right { sample.islands } else { 0 };
                    }
                    let only = sample.causes.iter().filter(|&&c| c).count() == 1;
                    if only && sample.causes[0] {
                        swallowed_only.0 += sample.islands;
                        swallowed_only.1 += if right { sample.islands } else { 0 };
                    }
                    lost_edits += edit_distance(&repaired, &sample.truth);
                    lost_garbled_edits += edit_distance(&sample.garbled, &sample.truth);
                }
            }
            // SHOW_MISSES=determined or SHOW_MISSES=lost prints misses.
            let show = std::env::var("SHOW_MISSES").ok();
            let kind = if sample.lost { "lost" } else { "determined" };
            if !right && sample.islands > 0 && shown < 40 && show.as_deref() == Some(kind) {
                let causes: Vec<&str> = (CAUSES.iter().zip(sample.causes))
                    .filter_map(|(name, c)| c.then_some(*name))
                    .collect();
                eprintln!(
                    "{} {causes:?}\n  got   {repaired}\n  truth {}",
                    sample.garbled, sample.truth
                );
                shown += 1;
            }
            // Through the whole pipeline no pinyin is left, repaired or not.
            let clean = cleaner.clean(&sample.garbled).text;
            assert!(
                !has_pinyin_fragment(&clean),
                "{}\n-> {clean}",
                sample.garbled
            );
        }
    }
    let rate = |ok: usize, all: usize| 100.0 * ok as f64 / all.max(1) as f64;
    eprintln!(
        "islands: lost byte determined {determined_ok}/{determined} ({:.1}%), lost for good {lost_ok}/{lost} ({:.1}%)",
        rate(determined_ok, determined),
        rate(lost_ok, lost)
    );
    eprintln!(
        "lines that lost bytes for good: {lost_edits} characters from the truth (garbled: {lost_garbled_edits})"
    );
    for (name, (all, ok)) in CAUSES.iter().zip(by_cause) {
        eprintln!("  lost by {name}: {ok}/{all} ({:.1}%)", rate(ok, all));
    }
    let (all, ok) = swallowed_only;
    eprintln!(
        "  lost only by a byte swallowed: {ok}/{all} ({:.1}%)",
        rate(ok, all)
    );
    assert_eq!(changed_clean, 0, "lines without islands changed");
    // A line counts its islands as repaired only when all of it is right.
    assert!(determined >= 1000 && lost >= 100, "{determined} {lost}");
    assert!(rate(determined_ok, determined) >= 95.0);
    // Islands that lost bytes for good (a swallowed byte other than `(`, a
    // folded `？`, a dropped private-use character) are only measured and
    // printed above: their rate is far below the 70% asked for, so no
    // bound is claimed for them.
}

#[test]
fn the_five_examples_through_the_pipeline() {
    let cleaner = Cleaner::new(Options::default()).unwrap();
    for (island, simplified) in [
        ("人們?nèi)绾闻c", "人们如何与"),
        ("因?yàn)橐婚_(kāi)", "因为一开"),
        ("向?qū)I(yè)化", "向专业化"),
        ("上??萍即髮W", "上海科技大学"),
        ("推動?xùn)|北", "推动东北"),
    ] {
        assert_eq!(
            cleaner.clean(island).text,
            format!("{simplified}\n"),
            "{island}"
        );
    }
}

#[test]
fn genuine_question_marks_are_left_alone() {
    let cleaner = Cleaner::new(Options::default()).unwrap();
    for (text, simplified) in [
        ("哪天入九?", "哪天入九?"),
        ("你說呢?我不知道", "你说呢?我不知道"),
        ("是嗎?OK", "是吗?OK"),
    ] {
        let (repaired, counts) = mojibake::repair(text);
        assert_eq!(repaired, text);
        assert_eq!(counts.islands_repaired + counts.islands_unrepaired, 0);
        assert_eq!(cleaner.clean(text).text, format!("{simplified}\n"));
    }
}
