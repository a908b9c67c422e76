//! The command line, through the real binary.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SEED: &str = "data/examples/seed-page.txt";
const CLEAN: &str = include_str!("../data/examples/seed-page.clean.txt");

fn zhclean(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhclean"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The summary a batch run ends with, if any, and the other lines of
/// standard error.
fn split_summary(o: &Output) -> (Option<String>, String) {
    let err = stderr(o);
    match err.lines().last() {
        Some(last) if last.contains(" files") && last.contains(" MB in ") => {
            let rest = err[..err.len() - last.len() - 1].to_string();
            (Some(last.to_string()), rest)
        }
        _ => (None, err),
    }
}

/// Each error is one line naming the input (besides the summary).
fn assert_one_line_error(o: &Output, name: &str, what: &str) {
    let (_, err) = split_summary(o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(&format!("zhclean: {name}: ")), "{err}");
    assert!(err.contains(what), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn stdin_to_stdout() {
    let o = zhclean(&[], "發(fā)展\n".as_bytes());
    assert!(o.status.success());
    assert_eq!(stdout(&o), "发展\n");
    let o = zhclean(&["-"], "區(qū)殘聯(lián)".as_bytes());
    assert_eq!(stdout(&o), "区残联\n");
}

#[test]
fn seed_page_through_the_binary() {
    let o = zhclean(&[SEED], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), CLEAN);
    assert_eq!(stderr(&o), "");
}

#[test]
fn invalid_utf8_does_not_crash() {
    let o = zhclean(&[], b"a\xffb");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1);
    let o = zhclean(
        &[],
        b"\xe7\x99\xbc\xe5\xb1\x95\xff\xe5\x8d\x80\xe6\xae\x98\xe8\x81\xaf",
    );
    assert!(o.status.success());
    assert_eq!(stdout(&o), "发展\u{FFFD}区残联\n");
}

#[test]
fn empty_input_gives_empty_output() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    fs::write(&empty, b"").unwrap();
    let o = zhclean(&[empty.to_str().unwrap()], b"");
    assert!(o.status.success());
    assert_eq!(stdout(&o), "");
    let o = zhclean(&[], b"");
    assert!(o.status.success());
    assert_eq!(stdout(&o), "");
}

#[test]
fn missing_file_fails_but_the_others_are_cleaned() {
    let o = zhclean(&["no-such-file.txt", SEED], b"");
    assert_eq!(o.status.code(), Some(1));
    assert_one_line_error(&o, "no-such-file.txt", "no such file");
    assert_eq!(stdout(&o), CLEAN);
}

#[test]
fn folder_without_output_dir_fails() {
    let o = zhclean(&["data/examples"], b"");
    assert_eq!(o.status.code(), Some(1));
    assert_one_line_error(&o, "data/examples", "-o DIR");
    assert_eq!(stdout(&o), "");
}

#[test]
fn binary_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("image.png");
    fs::write(&bin, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").unwrap();
    let o = zhclean(&[bin.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(1));
    assert_one_line_error(&o, bin.to_str().unwrap(), "binary");
}

#[test]
fn ten_megabyte_line() {
    let line =
        "區(qū)殘聯(lián)發(fā)展,".repeat(10 * 1024 * 1024 / "區(qū)殘聯(lián)發(fā)展,".len());
    let o = zhclean(&[], line.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let unit = "区残联发展,";
    assert_eq!(
        out.len(),
        unit.len() * (line.len() / "區(qū)殘聯(lián)發(fā)展,".len()) + 1
    );
    assert!(out.starts_with(unit) && out.ends_with(",\n"));
}

#[test]
fn several_files_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    fs::write(&a, "發(fā)展\n").unwrap();
    fs::write(&b, "學(xué)習(xí)\n").unwrap();
    let o = zhclean(&[b.to_str().unwrap(), a.to_str().unwrap()], b"");
    assert!(o.status.success());
    assert_eq!(stdout(&o), "学习\n发展\n");
}

#[test]
fn output_dir_keeps_layout_and_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pages");
    fs::create_dir_all(input.join("2023/01")).unwrap();
    fs::copy(SEED, input.join("2023/01/seed.txt")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode("發(fā)展\n");
    fs::write(input.join("gbk.txt"), &gbk).unwrap();
    let out = dir.path().join("out");

    let o = zhclean(&[input.to_str().unwrap(), "-o", out.to_str().unwrap()], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        fs::read_to_string(out.join("2023/01/seed.txt")).unwrap(),
        CLEAN
    );
    assert_eq!(fs::read_to_string(out.join("gbk.txt")).unwrap(), "发展\n");
    assert_eq!(fs::read(input.join("gbk.txt")).unwrap(), gbk.as_ref());
    assert_no_temporaries(&out);

    // A single file goes under DIR by its name.
    let o = zhclean(&[SEED, "-o", out.to_str().unwrap()], b"");
    assert!(o.status.success());
    assert_eq!(
        fs::read_to_string(out.join("seed-page.txt")).unwrap(),
        CLEAN
    );
}

#[test]
fn output_dir_never_overwrites_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.txt");
    fs::write(&file, "發(fā)展\n").unwrap();
    let o = zhclean(
        &[file.to_str().unwrap(), "-o", dir.path().to_str().unwrap()],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_one_line_error(&o, file.to_str().unwrap(), "overwrite the input");
    assert_eq!(fs::read_to_string(&file).unwrap(), "發(fā)展\n");
}

#[test]
fn stdin_cannot_go_under_output_dir() {
    let dir = tempfile::tempdir().unwrap();
    let o = zhclean(&["-", "-o", dir.path().to_str().unwrap()], b"x");
    assert_eq!(o.status.code(), Some(1));
    assert_one_line_error(&o, "<stdin>", "redirect standard output");
}

#[test]
fn convert_stage_alone_is_a_plain_converter() {
    let page = fs::read_to_string(SEED).unwrap();
    let o = zhclean(&["--stages", "convert", "--config", "t2s"], page.as_bytes());
    assert!(o.status.success());
    let expected = zhclean::Converter::new("t2s").unwrap().convert(&page);
    assert_eq!(stdout(&o), expected);
    assert!(stdout(&o).starts_with("花季91制片厂|"));
    assert!(stdout(&o).contains("发(fā)展"));
}

#[test]
fn report_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let o = zhclean(
        &[SEED, "--explain", "--report", report.to_str().unwrap()],
        b"",
    );
    assert!(o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 4, "{err}");
    assert!(
        err.starts_with(&format!("{SEED}:1: dropped spam (score ")),
        "{err}"
    );
    assert!(err.contains("chrome phrase 网友评论"), "{err}");

    let json: serde_json::Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    let first = &json["inputs"][0];
    assert_eq!(first["input"], SEED);
    assert_eq!(first["report"]["decode"]["encoding"], "UTF-8");
    assert_eq!(first["report"]["annotations"]["stripped"], 345);
    assert_eq!(first["report"]["spam"]["spam_lines"], 1);
    assert_eq!(first["report"]["spam"]["chrome_lines"], 3);
    assert_eq!(first["report"]["dropped"].as_array().unwrap().len(), 4);
}

#[test]
fn bad_usage_exits_2() {
    let o = zhclean(&["--no-such-flag"], b"");
    assert_eq!(o.status.code(), Some(2));
    let o = zhclean(&["--stages", "decode"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown stage"));
    let o = zhclean(&["--config", "x2y"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1);
}

fn assert_no_temporaries(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "left behind: {}", path.display());
        if path.is_dir() {
            assert_no_temporaries(&path);
        }
    }
}

#[test]
fn user_config_with_own_dictionary() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("mine.txt"), "# my words\n滑鼠\t鼠标\n").unwrap();
    let config = dir.path().join("mine.json");
    fs::write(
        &config,
        r#"{"name": "mine", "conversion_chain": [{"dict": {"type": "group", "dicts": [
            {"type": "text", "file": "mine.txt"}, {"type": "text", "file": "TSCharacters.txt"}]}}]}"#,
    )
    .unwrap();
    let o = zhclean(
        &["--stages", "convert", "--config", config.to_str().unwrap()],
        "滑鼠和軟體".as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "鼠标和软体");
}

#[test]
fn bad_user_configs_get_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let chain = |file: &str, kind: &str| {
        format!(r#"{{"conversion_chain": [{{"dict": {{"type": "{kind}", "file": "{file}"}}}}]}}"#)
    };
    write("bad.txt", "好\t好\nno tab here\n");
    let cases = [
        (
            dir.path().join("absent.json").to_str().unwrap().to_string(),
            "unknown OpenCC config",
        ),
        (
            write("missing-dict.json", &chain("nowhere.txt", "text")),
            "\"nowhere.txt\" not found",
        ),
        (
            write("malformed.json", &chain("bad.txt", "text")),
            "line 2: no tab",
        ),
        (
            write("ocd2.json", &chain("TSPhrases.ocd2", "ocd2")),
            "unknown dictionary type \"ocd2\"",
        ),
        (
            write("broken.json", "{\"conversion_chain\": ["),
            "EOF while parsing",
        ),
        (write("nochain.json", "{}"), "conversion_chain is missing"),
    ];
    for (config, what) in cases {
        let o = zhclean(&["--config", &config], b"x");
        assert_eq!(o.status.code(), Some(2), "{config}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(what), "{config}: {err}");
    }
}

#[test]
#[cfg(not(feature = "opencc-sys"))]
fn engine_not_built_in_is_bad_usage() {
    let o = zhclean(&["--engine", "opencc-sys"], b"x");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--features opencc-sys"));
}

#[test]
fn annotation_modes() {
    let dictionary = "发(fā)：出发，发展，发现。\n";
    let auto = zhclean(&["--stages", "annotations"], dictionary.as_bytes());
    assert_eq!(stdout(&auto), dictionary);
    let strip = zhclean(
        &["--stages", "annotations", "--annotations", "strip"],
        dictionary.as_bytes(),
    );
    assert_eq!(stdout(&strip), "发：出发，发展，发现。\n");
    let keep = zhclean(&["--annotations", "keep"], "區(qū)殘聯(lián)\n".as_bytes());
    assert_eq!(stdout(&keep), "区(qū)残联(lián)\n");

    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let o = zhclean(&[SEED, "--report", report.to_str().unwrap()], b"");
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    let annotations = &json["inputs"][0]["report"]["annotations"];
    assert_eq!(annotations["decision"], "strip");
    assert!(annotations["reason"]
        .as_str()
        .unwrap()
        .contains("345 of 345"));
}

#[test]
fn spam_kinds_threshold_and_user_lexicons() {
    let page = "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看\n\n正文一行。\n\n网友评论\n";
    let spam_line = "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看\n";
    assert_eq!(stdout(&zhclean(&[], page.as_bytes())), "正文一行。\n");
    assert_eq!(
        stdout(&zhclean(&["--drop", "chrome"], page.as_bytes())),
        format!("{spam_line}\n正文一行。\n")
    );
    assert_eq!(
        stdout(&zhclean(&["--drop", "spam"], page.as_bytes())),
        "正文一行。\n\n网友评论\n"
    );
    assert_eq!(stdout(&zhclean(&["--drop", "none"], page.as_bytes())), page);
    let high = zhclean(
        &["--spam-threshold", "50", "--drop", "spam"],
        page.as_bytes(),
    );
    assert_eq!(
        stdout(&high),
        format!("{spam_line}\n正文一行。\n\n网友评论\n")
    );

    let dir = tempfile::tempdir().unwrap();
    let lexicon = dir.path().join("mars.txt");
    fs::write(&lexicon, "# invented brand\n火星牌\n").unwrap();
    let ad = "正文一行。\n\n今日特价：火星牌摩托车|火星牌自行车|火星牌电动车|火星牌滑板车\n";
    assert_eq!(stdout(&zhclean(&[], ad.as_bytes())), ad);
    let o = zhclean(
        &["--lexicon", lexicon.to_str().unwrap(), "--explain"],
        ad.as_bytes(),
    );
    assert_eq!(stdout(&o), "正文一行。\n");
    assert!(
        stderr(&o).contains("lexicon mars: 火星牌"),
        "{}",
        stderr(&o)
    );

    let missing = dir.path().join("missing.txt");
    let o = zhclean(&["--lexicon", missing.to_str().unwrap()], ad.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    assert_one_line_error(&o, missing.to_str().unwrap(), "cannot read the lexicon");
}

#[test]
fn json_lines_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump.jsonl");
    let spam = "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看|91香蕉视频.tv";
    fs::write(
        &dump,
        format!(
            "{{\"url\":\"u1\",\"text\":\"區(qū)殘聯(lián)發(fā)展\"}}\n{{\"broken\"\n{{\"url\":\"u3\",\"text\":\"{spam}\\n\\n短文。\"}}\n"
        ),
    )
    .unwrap();
    let report = dir.path().join("r.json");
    let o = zhclean(
        &[
            dump.to_str().unwrap(),
            "--drop-docs-above",
            "0.5",
            "--report",
            report.to_str().unwrap(),
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"url\":\"u1\",\"text\":\"区残联发展\"}\n{\"broken\"\n"
    );
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&report).unwrap()).unwrap();
    let summary = &json["inputs"][0]["jsonl"];
    assert_eq!(summary["records"], 3);
    assert_eq!(summary["dropped_records"], 1);
    assert_eq!(summary["malformed_lines"][0], 2);

    let o = zhclean(&[dump.to_str().unwrap(), "--on-error", "fail"], b"");
    assert_eq!(o.status.code(), Some(1));
    assert_one_line_error(&o, dump.to_str().unwrap(), "line 2 is not a JSON object");

    let o = zhclean(
        &["--jsonl", "--field", "page.body"],
        "{\"page\":{\"body\":\"發(fā)\"}}\n".as_bytes(),
    );
    assert_eq!(stdout(&o), "{\"page\":{\"body\":\"发\"}}\n");
}

#[test]
fn forced_encoding_and_strict() {
    let (gbk, _, _) = encoding_rs::GBK.encode("啊阿");
    let o = zhclean(&["--encoding", "gbk", "--stages", "convert"], &gbk);
    assert_eq!(stdout(&o), "啊阿");
    let o = zhclean(&["--encoding", "x-no-such"], b"");
    assert_eq!(o.status.code(), Some(2));

    let broken =
        b"\xe5\x8d\x80\xe6\xae\x98\xff\xe8\x81\xaf\xe5\xb7\xa5\xe4\xbd\x9c\xe4\xba\xba\xe5\x93\xa1";
    assert!(zhclean(&[], broken).status.success());
    for stages in [&["--strict"][..], &["--strict", "--stages", "convert"]] {
        let o = zhclean(stages, broken);
        assert_eq!(o.status.code(), Some(1), "{stages:?}");
        assert_one_line_error(&o, "<stdin>", "1 malformed byte sequence(s) in UTF-8");
    }
}

#[test]
fn hygiene_classes() {
    let text = "⼈⺠&amp;ＡＰＰ\u{200B}\n".as_bytes();
    let o = zhclean(&["--stages", "hygiene"], text);
    assert_eq!(stdout(&o), "人民&ＡＰＰ\n");
    let o = zhclean(
        &[
            "--stages",
            "hygiene",
            "--hygiene",
            "invisible,ideographs,html,whitespace,width",
        ],
        text,
    );
    assert_eq!(stdout(&o), "人民&APP\n");
    let o = zhclean(&["--stages", "hygiene", "--hygiene", "invisible"], text);
    assert_eq!(stdout(&o), "⼈⺠&amp;ＡＰＰ\n");
    assert_eq!(
        zhclean(&["--hygiene", "colour"], text).status.code(),
        Some(2)
    );
}

#[test]
fn gzip_json_lines_in_and_out_in_parallel() {
    use std::io::Read as _;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("dump.jsonl.gz");
    let mut records = String::new();
    for i in 0..3000 {
        records.push_str(&format!(
            "{{\"id\":{i},\"text\":\"區(qū)殘聯(lián)第{i}條\"}}\n"
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, records.as_bytes()).unwrap();
    fs::write(&input, gz.finish().unwrap()).unwrap();

    // Standard output is plain, in input order, whatever the threads.
    let o = zhclean(&["-j", "2", input.to_str().unwrap()], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 3000);
    assert_eq!(
        out.lines().nth(2999).unwrap(),
        "{\"id\":2999,\"text\":\"区残联第2999条\"}"
    );

    // Under -o, a .gz stays compressed.
    let out_dir = dir.path().join("out");
    let o = zhclean(
        &[
            "-j",
            "2",
            input.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Each record: two annotations, four characters converted (區 殘 聯 條).
    let summary = split_summary(&o).0.expect("a summary line");
    assert!(
        summary.contains("3000 JSON Lines records")
            && summary.contains("6000 annotations stripped; 12000 conversions"),
        "{summary}"
    );
    let mut written = String::new();
    flate2::read::GzDecoder::new(fs::File::open(out_dir.join("dump.jsonl.gz")).unwrap())
        .read_to_string(&mut written)
        .unwrap();
    assert_eq!(written, out);
}

/// A tree of inputs: nested folders, a GBK file, an empty file, a binary
/// file, a hidden folder, a Markdown file and a link back to the top.
fn input_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("in");
    fs::create_dir_all(root.join("news/2023")).unwrap();
    fs::create_dir_all(root.join(".cache")).unwrap();
    let seed = fs::read_to_string(SEED).unwrap();
    fs::write(root.join("news/2023/page.txt"), &seed).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&seed);
    fs::write(root.join("news/gbk.txt"), &gbk).unwrap();
    fs::write(root.join("empty.txt"), b"").unwrap();
    fs::write(root.join("image.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    fs::write(root.join(".cache/hidden.txt"), "發(fā)展\n").unwrap();
    fs::write(root.join("notes.md"), "區(qū)殘聯(lián)\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&root, root.join("news/loop")).unwrap();
    dir
}

#[test]
fn a_folder_tree_is_cleaned_into_the_same_layout() {
    let dir = input_tree();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    let o = zhclean(&[input.to_str().unwrap(), "-o", out.to_str().unwrap()], b"");
    // The binary file fails; everything else is cleaned.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (summary, errors) = split_summary(&o);
    assert_eq!(errors.lines().count(), 1, "{errors}");
    assert!(
        errors.contains("image.png") && errors.contains("binary"),
        "{errors}"
    );
    let summary = summary.expect("a summary line");
    assert!(
        summary.starts_with("zhclean: 4 files, 1 failed;"),
        "{summary}"
    );
    assert!(
        summary.contains("dropped 2 spam and 6 chrome lines"),
        "{summary}"
    );
    assert_eq!(
        fs::read_to_string(out.join("news/2023/page.txt")).unwrap(),
        CLEAN
    );
    assert_eq!(fs::read_to_string(out.join("news/gbk.txt")).unwrap(), CLEAN);
    assert_eq!(
        fs::read_to_string(out.join("notes.md")).unwrap(),
        "区残联\n"
    );
    assert!(out.join("empty.txt").exists());
    // Hidden files are left out, links are not followed.
    assert!(!out.join(".cache").exists());
    assert!(!out.join("news/loop").exists());
}

/// Files that cannot be read: one without read permission (which only
/// stops a user other than root) and a link to `/proc/self/mem`, which no
/// one can read from its start. Each fails on its own; the rest are
/// cleaned, and no output is left for them.
#[cfg(target_os = "linux")]
#[test]
fn unreadable_files_fail_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    fs::create_dir_all(&input).unwrap();
    fs::copy(SEED, input.join("page.txt")).unwrap();
    fs::copy(SEED, input.join("locked.txt")).unwrap();
    fs::set_permissions(input.join("locked.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    let locked = fs::read(input.join("locked.txt")).is_err();
    std::os::unix::fs::symlink("/proc/self/mem", input.join("memory.txt")).unwrap();
    let o = zhclean(
        &[
            input.to_str().unwrap(),
            "--follow",
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (_, errors) = split_summary(&o);
    let mut failed = vec!["memory.txt"];
    if locked {
        failed.push("locked.txt");
        assert!(errors.contains("permission denied"), "{errors}");
    }
    assert_eq!(errors.lines().count(), failed.len(), "{errors}");
    for name in &failed {
        assert!(errors.lines().any(|line| line.contains(name)), "{errors}");
        assert!(!out.join(name).exists(), "{name} has an output");
    }
    assert_eq!(fs::read_to_string(out.join("page.txt")).unwrap(), CLEAN);
    assert_no_temporaries(&out);
}

#[test]
fn globs_hidden_files_and_links_are_the_users_choice() {
    let dir = input_tree();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    let (input, out) = (input.to_str().unwrap(), out.to_str().unwrap());
    let o = zhclean(
        &[
            input,
            "-o",
            out,
            "--glob",
            "*.txt",
            "--glob",
            "!empty.txt",
            "--hidden",
            "-q",
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let out = Path::new(out);
    assert_eq!(
        fs::read_to_string(out.join(".cache/hidden.txt")).unwrap(),
        "发展\n"
    );
    assert!(out.join("news/gbk.txt").exists());
    assert!(!out.join("notes.md").exists() && !out.join("empty.txt").exists());
    // Following links, the loop is reported and the walk ends.
    #[cfg(unix)]
    {
        let out2 = dir.path().join("out2");
        let o = zhclean(
            &[
                input,
                "-o",
                out2.to_str().unwrap(),
                "--follow",
                "--glob",
                "*.txt",
            ],
            b"",
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("loop") && stderr(&o).contains("never end"),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            fs::read_to_string(out2.join("news/2023/page.txt")).unwrap(),
            CLEAN
        );
    }
}

/// Starts a run over 40 files of 300 seed pages each, one at a time, and
/// stops it with `signal` (a `kill` name) once some outputs exist but not
/// all. Checks every output left is whole, and returns the exit status and
/// the names of the temporaries left.
#[cfg(unix)]
fn interrupt_a_run(signal: &str) -> (std::process::ExitStatus, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    fs::create_dir_all(&input).unwrap();
    let seed = fs::read_to_string(SEED).unwrap();
    let page = vec![seed.as_str(); 300].join("\n");
    let expected = vec![CLEAN; 300].join("\n");
    for i in 0..40 {
        fs::write(input.join(format!("{i:02}.txt")), &page).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhclean"))
        .args([
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-j",
            "1",
            "-q",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let done = fs::read_dir(&out).map_or(0, |d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".txt"))
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .count()
        });
        if done >= 3 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let killed = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let (mut complete, mut temporaries) = (0, Vec::new());
    for entry in fs::read_dir(&out).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".tmp") {
            temporaries.push(name);
            continue;
        }
        assert_eq!(
            fs::read_to_string(entry.path()).unwrap(),
            expected,
            "{name}"
        );
        complete += 1;
    }
    assert!((3..40).contains(&complete), "{complete} outputs");
    (status, temporaries)
}

#[cfg(unix)]
#[test]
fn a_killed_run_leaves_no_partial_output() {
    // A killed process cannot remove its temporary file; that is all it
    // may leave besides complete outputs.
    let (status, temporaries) = interrupt_a_run("KILL");
    assert!(!status.success());
    assert!(temporaries.len() <= 1, "{temporaries:?}");
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_removes_its_temporaries() {
    for signal in ["INT", "TERM"] {
        let (status, temporaries) = interrupt_a_run(signal);
        assert_eq!(status.code(), Some(130), "{signal}");
        assert_eq!(temporaries, Vec::<String>::new(), "{signal}");
    }
}

#[test]
fn in_place_replaces_each_input_with_its_cleaned_version() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("news/page.txt");
    fs::create_dir_all(page.parent().unwrap()).unwrap();
    fs::copy(SEED, &page).unwrap();
    let single = dir.path().join("one.txt");
    fs::write(&single, "發(fā)展\n").unwrap();
    let o = zhclean(
        &[
            dir.path().join("news").to_str().unwrap(),
            single.to_str().unwrap(),
            "--in-place",
            "-q",
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&page).unwrap(), CLEAN);
    assert_eq!(fs::read_to_string(&single).unwrap(), "发展\n");
    // Nothing but the cleaned files is left behind.
    assert_eq!(fs::read_dir(dir.path().join("news")).unwrap().count(), 1);
    let o = zhclean(&["--in-place"], b"x");
    assert_one_line_error(&o, "<stdin>", "in place");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_said_once() {
    let page = fs::read(SEED).unwrap();
    let lines: Vec<u8> = (0..200)
        .flat_map(|i| {
            let record = serde_json::json!({ "id": i, "text": String::from_utf8_lossy(&page) });
            format!("{record}\n").into_bytes()
        })
        .collect();
    // One small write, held to the end; and many that fill the buffer.
    for (args, input) in [(vec![SEED], Vec::new()), (vec!["--jsonl", "-"], lines)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhclean"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(fs::File::create("/dev/full").unwrap())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut pipe = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_one_line_error(&output, "standard output", "No space left");
    }
}
