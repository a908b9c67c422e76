//! Stage 3: Unicode hygiene, and the final layout of the text.
//!
//! Scraped text carries characters nobody sees: zero-width spaces and joiners
//! used to dodge keyword filters, soft hyphens, byte order marks in the middle
//! of a page, bidi controls, and C0/C1 control characters from broken
//! converters. They break matching in every later stage, so they go first.
//! A zero-width joiner survives between two emoji, where it builds a
//! sequence (👨‍👩‍👧).
//!
//! Line breaks are normalised to `\n` and trailing blanks trimmed here; the
//! layout (blank-line runs collapsed, leading and trailing blank lines
//! dropped, one final newline) is applied by [`tidy_layout`] after the spam
//! stage, which removes lines and leaves gaps.

use serde::Serialize;

/// What hygiene removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HygieneCounts {
    /// Zero-width, bidi and other invisible format characters removed.
    pub invisible_removed: usize,
    /// Control characters removed (C0 but tab and line feed, DEL, C1).
    pub controls_removed: usize,
}

/// Removes invisible and control characters, normalises line breaks and
/// trims trailing blanks from each line.
pub fn clean(text: &str) -> (String, HygieneCounts) {
    let mut counts = HygieneCounts::default();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    push_newline(&mut out);
                }
                prev = Some('\n');
                continue;
            }
            '\n' => push_newline(&mut out),
            '\u{200D}'
                if prev.is_some_and(is_emoji) && chars.peek().is_some_and(|&n| is_emoji(n)) =>
            {
                out.push(c)
            }
            c if is_invisible(c) => {
                counts.invisible_removed += 1;
                continue;
            }
            c if c != '\t' && c.is_control() => {
                counts.controls_removed += 1;
                continue;
            }
            c => out.push(c),
        }
        prev = Some(c);
    }
    trim_trailing_blanks(&mut out);
    (out, counts)
}

fn push_newline(out: &mut String) {
    trim_trailing_blanks(out);
    out.push('\n');
}

fn trim_trailing_blanks(out: &mut String) {
    let kept = out
        .trim_end_matches([' ', '\t', '\u{3000}', '\u{A0}'])
        .len();
    out.truncate(kept);
}

/// Invisible format characters with no business in running text.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{034F}'                // combining grapheme joiner
        | '\u{061C}'                // Arabic letter mark
        | '\u{180E}'                // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space/non-joiner/joiner, LRM, RLM
        | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
        | '\u{2066}'..='\u{206F}'   // bidi isolates, deprecated format characters
        | '\u{FEFF}'                // byte order mark / zero-width no-break space
        | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation controls
    )
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF)
}

/// Collapses runs of blank lines into one, drops leading and trailing blank
/// lines, and ends non-empty text with exactly one newline.
pub fn tidy_layout(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut pending_blank = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            pending_blank = !out.is_empty();
            continue;
        }
        if pending_blank {
            out.push('\n');
            pending_blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_invisible_and_control_characters() {
        let (text, counts) = clean("涪\u{200B}陵\u{FEFF}區\u{0007}殘\u{AD}聯\r\n下一行 \u{3000}\r");
        assert_eq!(text, "涪陵區殘聯\n下一行\n");
        assert_eq!(counts.invisible_removed, 3);
        assert_eq!(counts.controls_removed, 1);
    }

    #[test]
    fn keeps_tabs_and_emoji_joiners() {
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(clean(&format!("a\tb {family}")).0, format!("a\tb {family}"));
        assert_eq!(clean("中\u{200D}文").0, "中文");
    }

    #[test]
    fn layout_collapses_blank_runs_and_trims() {
        assert_eq!(tidy_layout("\n\n一\n\n\n\n二\n \n三"), "一\n\n二\n\n三\n");
        assert_eq!(tidy_layout("\n \n"), "");
        assert_eq!(tidy_layout(""), "");
    }
}
