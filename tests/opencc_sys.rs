//! The `opencc-sys` engine against the system's own `opencc` command on the
//! same input: both are the system OpenCC library, so they must agree byte
//! for byte. Run by `.ci/run`, which installs Debian's libopencc-dev and
//! opencc: `cargo test --features opencc-sys --test opencc_sys`.
#![cfg(feature = "opencc-sys")]

use std::process::Command;

use zhclean::convert::SystemConverter;

const SEED: &str = include_str!("../data/examples/seed-page.txt");
const CASES: &str = include_str!("../data/opencc/test_data/testcases.json");

/// The configs Debian's OpenCC 1.1 ships.
const CONFIGS: &[&str] = &[
    "t2s", "s2t", "s2tw", "s2twp", "tw2s", "tw2sp", "hk2s", "s2hk", "t2tw", "t2hk", "tw2t", "hk2t",
    "t2jp", "jp2t",
];

/// Every `"input"` string of OpenCC's test cases, one a line.
fn case_inputs() -> String {
    CASES
        .lines()
        .filter_map(|line| line.trim().strip_prefix("\"input\": \""))
        .filter_map(|rest| rest.strip_suffix("\","))
        .map(|s| format!("{s}\n"))
        .collect()
}

fn system_command(config: &str, input: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.txt");
    std::fs::write(&path, input).unwrap();
    let out = Command::new("opencc")
        .args(["-c", &format!("{config}.json"), "-i"])
        .arg(&path)
        .output()
        .expect("the opencc command is installed (apt-get install opencc)");
    assert!(
        out.status.success(),
        "opencc -c {config}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn engine_matches_the_opencc_command() {
    let inputs = [SEED.to_string(), case_inputs()];
    assert!(
        inputs[1].lines().count() > 200,
        "test case inputs not found"
    );
    for config in CONFIGS {
        let engine = SystemConverter::new(config).unwrap();
        for input in &inputs {
            assert_eq!(
                engine.convert(input),
                system_command(config, input),
                "{config}"
            );
        }
    }
}

#[test]
fn command_line_engine_matches_the_opencc_command() {
    let out = Command::new(env!("CARGO_BIN_EXE_zhclean"))
        .args([
            "--engine",
            "opencc-sys",
            "--stages",
            "convert",
            "--config",
            "tw2sp",
            "data/examples/seed-page.txt",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        system_command("tw2sp", SEED)
    );
}
