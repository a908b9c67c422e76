//! OpenCC text dictionaries and dictionary groups.
//!
//! A text dictionary is one entry a line: the key, a tab, then one or more
//! candidate values separated by spaces. OpenCC always emits the first
//! candidate, so that is the only one kept. Lines starting with `#` and blank
//! lines are skipped.
//!
//! Lookups are longest-prefix matches. A group resolves its members with a
//! match policy: `short_circuit` takes the first member that matches at all
//! (its longest match), `union` takes the longest match across all members,
//! the earlier member winning a tie.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::ConvertError;

/// One parsed text dictionary: key to default value.
#[derive(Debug)]
pub(crate) struct TextDict {
    entries: HashMap<Box<str>, Box<str>>,
    first_chars: HashSet<char>,
    max_key_len: usize,
}

impl TextDict {
    /// Parses OpenCC's text format; `name` is used in error messages.
    pub(crate) fn parse(name: &str, text: &str) -> Result<TextDict, ConvertError> {
        let mut entries = HashMap::new();
        let mut first_chars = HashSet::new();
        let mut max_key_len = 0;
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
            let first = key.chars().next().ok_or_else(|| malformed("empty key"))?;
            first_chars.insert(first);
            max_key_len = max_key_len.max(key.len());
            entries
                .entry(Box::from(key))
                .or_insert_with(|| Box::from(value));
        }
        Ok(TextDict {
            entries,
            first_chars,
            max_key_len,
        })
    }

    /// The longest key that is a prefix of `text`: its byte length and value.
    pub(crate) fn longest_prefix(&self, text: &str) -> Option<(usize, &str)> {
        let first = text.chars().next()?;
        if !self.first_chars.contains(&first) {
            return None;
        }
        let mut end = self.max_key_len.min(text.len());
        while end > 0 {
            if text.is_char_boundary(end) {
                if let Some(value) = self.entries.get(&text[..end]) {
                    return Some((end, value));
                }
            }
            end -= 1;
        }
        None
    }

    /// Every entry, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (&**k, &**v))
    }

    /// Characters that start at least one key.
    pub(crate) fn first_chars(&self) -> &HashSet<char> {
        &self.first_chars
    }
}

/// How a group picks among its members' matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MatchPolicy {
    ShortCircuit,
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

impl Dict {
    /// The match this dictionary makes at the start of `text`, if any.
    pub(crate) fn longest_prefix(&self, text: &str) -> Option<(usize, &str)> {
        match self {
            Dict::Text(dict) => dict.longest_prefix(text),
            Dict::Group {
                policy: MatchPolicy::ShortCircuit,
                members,
            } => members.iter().find_map(|d| d.longest_prefix(text)),
            Dict::Group {
                policy: MatchPolicy::Union,
                members,
            } => members.iter().filter_map(|d| d.longest_prefix(text)).fold(
                None,
                |best: Option<(usize, &str)>, m| match best {
                    Some(b) if b.0 >= m.0 => Some(b),
                    _ => Some(m),
                },
            ),
        }
    }

    /// Adds every character that can start a key to `out`.
    pub(crate) fn collect_first_chars(&self, out: &mut HashSet<char>) {
        match self {
            Dict::Text(dict) => out.extend(dict.first_chars()),
            Dict::Group { members, .. } => {
                for member in members {
                    member.collect_first_chars(out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(text: &str) -> Dict {
        Dict::Text(Arc::new(TextDict::parse("test", text).unwrap()))
    }

    #[test]
    fn parses_and_keeps_first_candidate() {
        let d = TextDict::parse("t", "# comment\n\n發\t发 發\n頭髮\t头发\n").unwrap();
        assert_eq!(d.longest_prefix("發"), Some(("發".len(), "发")));
        assert_eq!(d.longest_prefix("頭髮長"), Some(("頭髮".len(), "头发")));
        assert_eq!(d.longest_prefix("頭"), None);
        assert_eq!(d.longest_prefix("abc"), None);
    }

    #[test]
    fn malformed_line_names_file_and_line() {
        let err = TextDict::parse("X.txt", "a\tb\nno-tab\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "dictionary X.txt, line 2: no tab between key and values; fix or remove that line"
        );
    }

    #[test]
    fn short_circuit_prefers_first_member_union_prefers_longest() {
        let group = |policy| Dict::Group {
            policy,
            members: vec![dict("一\tA\n"), dict("一二\tB\n")],
        };
        assert_eq!(
            group(MatchPolicy::ShortCircuit).longest_prefix("一二三"),
            Some((3, "A"))
        );
        assert_eq!(
            group(MatchPolicy::Union).longest_prefix("一二三"),
            Some((6, "B"))
        );
    }
}
