//! The named features of a line, and what each contributes to its score.
//!
//! Every feature is cheap and explainable, and the score is their plain sum,
//! so a dropped line always comes with the list of what fired.

use super::lexicon::Hit;
use crate::script::is_han;

/// Weight of each distinct lexicon entry found in a line.
const PER_HIT: f64 = 1.5;
/// Lexicon hits stop adding beyond this.
const MAX_LEXICON: f64 = 6.0;
/// Lexicon entries cover most of the line: it is made of them.
const DENSE_HITS: f64 = 1.5;
/// Share of the line's characters the entries must cover for [`DENSE_HITS`].
const DENSE_SHARE: f64 = 0.4;
/// A run of short items joined by separators, with no sentence punctuation.
const LIST_SHAPE: f64 = 2.5;
/// Each kind of contact bait: a URL or domain, a phone number, a QQ or
/// WeChat id.
const PER_CONTACT: f64 = 1.5;
/// A Simplified line in a Traditional page: pasted in after conversion.
const SCRIPT_MISMATCH: f64 = 1.5;
/// Among the first or last lines of the page, where injections sit.
const AT_EDGE: f64 = 0.5;
/// The same line again elsewhere on the page.
const REPEATED: f64 = 1.0;
/// Sentence punctuation: the line reads as prose.
const PROSE: f64 = -2.0;

/// A separator between the items of an injected keyword list.
#[inline]
fn is_separator(c: char) -> bool {
    matches!(c, '|' | '｜' | ',' | '，' | '_' | '-' | ' ' | '\u{3000}')
}

/// Punctuation that ends a sentence.
#[inline]
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';')
}
/// Top-level domains that spam sites use.
const TLDS: [&str; 18] = [
    "com", "net", "org", "cn", "cc", "tv", "vip", "top", "xyz", "me", "co", "io", "app", "info",
    "club", "site", "live", "in",
];

/// What was observed about one line.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineFeatures {
    pub(crate) hits: Vec<Hit>,
    /// Share of the line's letters inside lexicon entries.
    pub(crate) hit_share: f64,
    pub(crate) items: usize,
    /// Length of the line in characters.
    pub(crate) chars: usize,
    pub(crate) contacts: Vec<&'static str>,
    pub(crate) sentence_punctuation: bool,
    pub(crate) script_mismatch: bool,
    pub(crate) at_edge: bool,
    pub(crate) repeated: bool,
}

/// What the page says about a line.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Context {
    pub(crate) script_mismatch: bool,
    pub(crate) at_edge: bool,
    pub(crate) repeated: bool,
}

impl LineFeatures {
    /// Observes `line`; `folded` is its normal form for matching (see
    /// `lexicon::normalize`), in which `hits` were found.
    pub(crate) fn observe(
        line: &str,
        folded: &str,
        hits: Vec<Hit>,
        context: Context,
    ) -> LineFeatures {
        let shape = Shape::of(line);
        // The share of the line in lexicon entries matters only with hits.
        let hit_share = if hits.is_empty() {
            0.0
        } else {
            let letters = folded
                .chars()
                .filter(|&c| c.is_ascii_alphanumeric() || is_han(c))
                .count()
                .max(1);
            let covered: usize = hits.iter().map(|h| h.term.chars().count() * h.count).sum();
            covered as f64 / letters as f64
        };
        LineFeatures {
            hit_share,
            hits,
            items: shape.items,
            chars: shape.chars,
            contacts: contacts(folded),
            sentence_punctuation: shape.sentence_punctuation,
            script_mismatch: context.script_mismatch,
            at_edge: context.at_edge,
            repeated: context.repeated,
        }
    }

    /// Whether the line has the shape of an injected keyword list.
    fn is_list(&self) -> bool {
        self.items >= 4 && !self.sentence_punctuation
    }

    /// The score: the sum of the weights of the features that fired.
    pub(crate) fn score(&self) -> f64 {
        self.weigh(&mut |_, _| {})
    }

    /// For each feature that fired, a reason with its weight.
    pub(crate) fn reasons(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        self.weigh(&mut |weight, reason: &dyn Fn() -> String| {
            reasons.push(format!("{} ({weight:+.1})", reason()));
        });
        reasons
    }

    /// Calls `fired` with the weight and the (lazily written) reason of each
    /// feature that fired; returns the sum of the weights.
    fn weigh(&self, fired: &mut dyn FnMut(f64, &dyn Fn() -> String)) -> f64 {
        let mut score = 0.0;
        let mut add = |weight: f64, reason: &dyn Fn() -> String| {
            score += weight;
            fired(weight, reason);
        };
        if !self.hits.is_empty() {
            let weight = (PER_HIT * self.hits.len() as f64).min(MAX_LEXICON);
            add(weight, &|| {
                let mut categories: Vec<&str> = Vec::new();
                for hit in &self.hits {
                    if !categories.contains(&hit.category.as_str()) {
                        categories.push(&hit.category);
                    }
                }
                let terms: Vec<&str> = self.hits.iter().map(|h| h.term.as_str()).collect();
                format!("lexicon {}: {}", categories.join("+"), terms.join(", "))
            });
            if self.hit_share >= DENSE_SHARE {
                add(DENSE_HITS, &|| {
                    format!("{:.0}% of the line is lexicon", 100.0 * self.hit_share)
                });
            }
        }
        if self.is_list() {
            add(LIST_SHAPE, &|| {
                format!("list of {} separated items", self.items)
            });
        }
        if !self.contacts.is_empty() {
            add(PER_CONTACT * self.contacts.len() as f64, &|| {
                format!("contact: {}", self.contacts.join(", "))
            });
        }
        if self.script_mismatch {
            add(SCRIPT_MISMATCH, &|| {
                "Simplified line in a Traditional page".into()
            });
        }
        if self.at_edge {
            add(AT_EDGE, &|| "at the edge of the page".into());
        }
        if self.repeated {
            add(REPEATED, &|| "repeated on the page".into());
        }
        if self.sentence_punctuation {
            add(PROSE, &|| "sentence punctuation".into());
        }
        score
    }
}

/// What one pass over a line sees.
struct Shape {
    /// Non-empty items between separators.
    items: usize,
    chars: usize,
    sentence_punctuation: bool,
}

impl Shape {
    fn of(line: &str) -> Shape {
        let mut shape = Shape {
            items: 0,
            chars: 0,
            sentence_punctuation: false,
        };
        let mut in_item = false;
        for c in line.chars() {
            shape.chars += 1;
            let separator = is_separator(c);
            if !separator && !in_item {
                shape.items += 1;
            }
            in_item = !separator;
            shape.sentence_punctuation |= is_sentence_end(c);
        }
        shape
    }
}

/// The kinds of contact bait in `folded` (half-width, lower-case, no blanks).
fn contacts(folded: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    let bytes = folded.as_bytes();
    if memchr::memchr(b'.', bytes).is_some() && has_domain(folded) {
        found.push("url");
    }
    let digits = bytes.iter().any(u8::is_ascii_digit);
    if digits && has_phone(bytes) {
        found.push("phone");
    }
    let marker = memchr::memchr3(b'q', b'v', b'w', bytes).is_some() || folded.contains("微信");
    if digits && marker && has_id(folded) {
        found.push("qq/wechat id");
    }
    found
}

/// `http`, `www.` or `name.tld` with a spam-site top-level domain.
fn has_domain(text: &str) -> bool {
    if text.contains("http") || text.contains("www.") {
        return true;
    }
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'.', bytes).any(|dot| {
        let before = dot > 0 && bytes[dot - 1].is_ascii_alphanumeric();
        let after = &text[dot + 1..];
        let tld_len = after.bytes().take_while(u8::is_ascii_lowercase).count();
        before && TLDS.contains(&&after[..tld_len])
    })
}

/// A Chinese mobile number: 11 digits, `1` then `3`..`9`.
fn has_phone(bytes: &[u8]) -> bool {
    let mut run = 0;
    for (i, b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() {
            run += 1;
            continue;
        }
        if run == 11 && is_mobile(&bytes[i - 11..i]) {
            return true;
        }
        run = 0;
    }
    run == 11 && is_mobile(&bytes[bytes.len() - 11..])
}

fn is_mobile(digits: &[u8]) -> bool {
    digits[0] == b'1' && (b'3'..=b'9').contains(&digits[1])
}

/// `qq`, `vx`, `wx`, `v:` or `微信(号)` followed by an id of letters and
/// digits (five or more, some digits).
fn has_id(text: &str) -> bool {
    ["qq", "vx", "wx", "v:", "v：", "微信"]
        .iter()
        .any(|marker| {
            text.match_indices(marker).any(|(at, m)| {
                let rest = text[at + m.len()..].trim_start_matches([':', '：', '号']);
                let id = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
                id >= 5 && rest.bytes().take(id).any(|b| b.is_ascii_digit())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(term: &str) -> Hit {
        Hit {
            category: "porn".into(),
            term: term.into(),
            count: 1,
        }
    }

    #[test]
    fn keyword_list_scores_high() {
        let line = "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看";
        let context = Context {
            script_mismatch: true,
            at_edge: true,
            repeated: false,
        };
        let hits = vec![hit("制片厂"), hit("吃瓜网"), hit("阴抖"), hit("麻豆")];
        let f = LineFeatures::observe(
            line,
            "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看",
            hits,
            context,
        );
        assert_eq!(f.score(), 6.0 + 2.5 + 1.5 + 0.5);
        assert_eq!(f.reasons()[1], "list of 4 separated items (+2.5)");
    }

    #[test]
    fn prose_with_one_keyword_scores_low() {
        let line = "警方近日捣毁一个以百家乐为幌子的赌博团伙，抓获嫌疑人12名。";
        let score =
            LineFeatures::observe(line, line, vec![hit("百家乐")], Context::default()).score();
        assert!(score < 0.0, "{score}");
    }

    #[test]
    fn contact_bait() {
        assert_eq!(contacts("最新地址:www.madou666.com"), ["url"]);
        assert_eq!(contacts("发布页:madou.app永久"), ["url"]);
        assert_eq!(contacts("微信同号13912345678"), ["phone"]);
        assert_eq!(contacts("加qq2457813690无需押金"), ["qq/wechat id"]);
        assert_eq!(contacts("加v:daikuan666"), ["qq/wechat id"]);
        assert!(contacts("咨询电话:023-72231234").is_empty());
        assert!(contacts("沪指涨0.91%,报3000.5点").is_empty());
        assert!(contacts("微信公众号搜索涪陵发布即可关注").is_empty());
        assert!(contacts("投诉邮箱:service@example.com.cn").contains(&"url"));
    }
}
