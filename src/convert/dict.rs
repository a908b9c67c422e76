//! OpenCC text dictionaries and dictionary groups, as a config names them.
//!
//! A text dictionary is one entry a line: the key, a tab, then one or more
//! candidate values separated by spaces. OpenCC always emits the first
//! candidate, so that is the only one kept; of two entries with the same key
//! the first is kept. Lines starting with `#` and blank lines are skipped.
//! How groups resolve their members is the matcher's business.

use std::collections::HashSet;
use std::sync::Arc;

use super::ConvertError;

/// One parsed text dictionary: keys and their default values.
#[derive(Debug)]
pub(crate) struct TextDict {
    entries: Vec<(Box<str>, Box<str>)>,
}

impl TextDict {
    /// Parses OpenCC's text format; `name` is used in error messages.
    pub(crate) fn parse(name: &str, text: &str) -> Result<TextDict, ConvertError> {
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let malformed = |why: &str| ConvertError::MalformedDictionary {
                file: name.to_string(),
                line: index + 1,
                why: why.to_string(),
            };
            let (key, values) = line
                .split_once('\t')
                .ok_or_else(|| malformed("no tab between key and values"))?;
            let value = values
                .split(' ')
                .find(|v| !v.is_empty())
                .ok_or_else(|| malformed("no value after the tab"))?;
            if key.is_empty() {
                return Err(malformed("empty key"));
            }
            if seen.insert(key) {
                entries.push((Box::from(key), Box::from(value)));
            }
        }
        Ok(TextDict { entries })
    }

    /// Every entry, in file order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (&**k, &**v))
    }
}

/// How a group picks among its members' matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MatchPolicy {
    /// The first member that matches at all wins.
    ShortCircuit,
    /// The longest match across the members wins.
    Union,
}

/// A dictionary as a config names it: one text dictionary or a group.
#[derive(Debug)]
pub(crate) enum Dict {
    Text(Arc<TextDict>),
    Group {
        policy: MatchPolicy,
        members: Vec<Dict>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_keeps_first_candidate() {
        let d = TextDict::parse("t", "# comment\n\n發\t发 發\n頭髮\t头发\n發\t髮\n").unwrap();
        let entries: Vec<_> = d.iter().collect();
        assert_eq!(entries, [("發", "发"), ("頭髮", "头发")]);
    }

    #[test]
    fn malformed_line_names_file_and_line() {
        let err = TextDict::parse("X.txt", "a\tb\nno-tab\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "dictionary X.txt, line 2: no tab between key and values; fix or remove that line"
        );
    }
}
