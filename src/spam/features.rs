//! The named features of a line, and what each contributes to its score.
//!
//! Every feature is cheap and explainable, and the score is their plain sum,
//! so a dropped line always comes with the list of what fired.

use super::lexicon::Hit;
use super::scan::{flag, LineScan};

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
/// What comes before a contact id (see [`has_id`]); the character table
/// flags the characters they start with ([`flag::ID_MARKER`]).
pub(crate) const ID_MARKERS: [&str; 6] = ["qq", "vx", "wx", "v:", "v：", "微信"];
/// A Simplified line in a Traditional page: pasted in after conversion.
const SCRIPT_MISMATCH: f64 = 1.5;
/// Among the first or last lines of the page, where injections sit.
const AT_EDGE: f64 = 0.5;
/// Set apart by blank lines on a page whose paragraphs are not.
const ISOLATED: f64 = 0.5;
/// The same line again elsewhere on the page.
const REPEATED: f64 = 1.0;
/// Sentence punctuation: the line reads as prose.
const PROSE: f64 = -2.0;

/// Top-level domains that spam sites use.
const TLDS: [&str; 18] = [
    "com", "net", "org", "cn", "cc", "tv", "vip", "top", "xyz", "me", "co", "io", "app", "info",
    "club", "site", "live", "in",
];

/// What was observed about one line.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineFeatures<'a> {
    pub(crate) hits: Vec<Hit<'a>>,
    /// Share of the line's letters inside lexicon entries.
    pub(crate) hit_share: f64,
    pub(crate) items: usize,
    /// Contact bait; looked for only where it can change the outcome (see
    /// [`LineFeatures::contacts_bound`]).
    pub(crate) contacts: Vec<&'static str>,
    pub(crate) sentence_punctuation: bool,
    pub(crate) context: Context,
}

/// What the page says about a line.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Context {
    pub(crate) script_mismatch: bool,
    pub(crate) at_edge: bool,
    /// Blank lines on both sides, on a page whose paragraphs mostly are not.
    pub(crate) isolated: bool,
    pub(crate) repeated: bool,
}

impl<'a> LineFeatures<'a> {
    /// The features of a scanned line with its lexicon `hits`; contact bait
    /// is added by [`LineFeatures::look_for_contacts`].
    pub(crate) fn new(line: &LineScan, hits: Vec<Hit<'a>>, context: Context) -> LineFeatures<'a> {
        let mut features = LineFeatures {
            hit_share: 0.0,
            hits: Vec::new(),
            items: line.items,
            contacts: Vec::new(),
            sentence_punctuation: line.flags & flag::SENTENCE_END != 0,
            context,
        };
        if !hits.is_empty() {
            features.add_hits(line, hits);
        }
        features
    }

    /// Adds the lexicon entries found in the line.
    pub(crate) fn add_hits(&mut self, line: &LineScan, hits: Vec<Hit<'a>>) {
        let covered: usize = hits.iter().map(|h| h.term.chars().count() * h.count).sum();
        self.hit_share = covered as f64 / line.letters.max(1) as f64;
        self.hits = hits;
    }

    /// The most lexicon entries can add to the score of `line`, with
    /// `anchors` anchor characters, when no entry is longer than
    /// `longest` characters: each entry found stands on an anchor of its
    /// own, so they cover no more than `anchors * longest` of its letters:
    /// in a long line, too few for [`DENSE_HITS`].
    pub(crate) fn lexicon_bound(line: &LineScan, anchors: usize, longest: usize) -> f64 {
        if anchors == 0 {
            return 0.0;
        }
        let hits = (PER_HIT * anchors as f64).min(MAX_LEXICON);
        // As `add_hits` works out the share.
        let share = anchors.saturating_mul(longest) as f64 / line.letters.max(1) as f64;
        match share >= DENSE_SHARE {
            true => hits + DENSE_HITS,
            false => hits,
        }
    }

    /// The most that contact bait in `line` can add to its score, from
    /// what each kind needs (see [`contacts`]): a dot for a site, eleven
    /// digits for a phone number, a digit and a marker for an id.
    pub(crate) fn contacts_bound(line: &LineScan) -> f64 {
        if line.flags & flag::CONTACT == 0 {
            return 0.0;
        }
        let site = line.flags & flag::DOT != 0;
        let phone = line.digits >= 11;
        let id = line.digits > 0 && line.flags & flag::ID_MARKER != 0;
        PER_CONTACT * (usize::from(site) + usize::from(phone) + usize::from(id)) as f64
    }

    /// Looks for contact bait in `folded`, the line's folded form.
    pub(crate) fn look_for_contacts(&mut self, folded: &str) {
        self.contacts = contacts(folded);
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
            reasons.push(format!("{} ({})", reason(), signed_tenths(weight)));
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
                    if !categories.contains(&hit.category) {
                        categories.push(hit.category);
                    }
                }
                let terms: Vec<&str> = self.hits.iter().map(|h| h.term).collect();
                format!("lexicon {}: {}", categories.join("+"), terms.join(", "))
            });
            if self.hit_share >= DENSE_SHARE {
                add(DENSE_HITS, &|| {
                    let percent = (100.0 * self.hit_share).round() as u32;
                    format!("{percent}% of the line is lexicon")
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
        if self.context.script_mismatch {
            add(SCRIPT_MISMATCH, &|| {
                "Simplified line in a Traditional page".into()
            });
        }
        if self.context.at_edge {
            add(AT_EDGE, &|| "at the edge of the page".into());
        }
        if self.context.isolated {
            add(ISOLATED, &|| "set apart by blank lines".into());
        }
        if self.context.repeated {
            add(REPEATED, &|| "repeated on the page".into());
        }
        if self.sentence_punctuation {
            add(PROSE, &|| "sentence punctuation".into());
        }
        score
    }
}

/// `weight` as `+1.5`: one decimal, always signed. (Written out by hand:
/// `{:+.1}` takes the slow exact path of float formatting, and every
/// dropped line has several reasons.)
fn signed_tenths(weight: f64) -> String {
    let tenths = (weight * 10.0).round() as i64;
    let sign = if tenths < 0 { '-' } else { '+' };
    let abs = tenths.unsigned_abs();
    format!("{sign}{}.{}", abs / 10, abs % 10)
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
/// digits (five or more, some digits). Each marker is taken where a search
/// for it alone would find it (leftmost, not overlapping the one before),
/// all of them in one pass over the places where one may start.
fn has_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    let id_after = |end: usize| {
        let rest = text[end..].trim_start_matches([':', '：', '号']);
        let id = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
        id >= 5 && rest.bytes().take(id).any(|b| b.is_ascii_digit())
    };
    // Where each marker's last match ended.
    let mut free = [0; ID_MARKERS.len()];
    let mut starts = memchr::memchr3_iter(b'q', b'v', b'w', bytes)
        .chain(memchr::memmem::find_iter(bytes, "微信"));
    starts.any(|at| {
        ID_MARKERS.iter().zip(&mut free).any(|(marker, free)| {
            let found = at >= *free && bytes[at..].starts_with(marker.as_bytes());
            if found {
                *free = at + marker.len();
            }
            found && id_after(at + marker.len())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spam::scan::CharTable;

    fn scanned(line: &str) -> LineScan {
        let table = CharTable::build(Default::default(), Default::default());
        table.scan(line).0.remove(0)
    }

    fn hit(term: &str) -> Hit<'_> {
        Hit {
            category: "porn",
            term,
            count: 1,
        }
    }

    /// `has_id` finds what a search for each marker in turn finds.
    #[test]
    fn ids_are_found_as_a_search_for_each_marker_finds_them() {
        let model = |text: &str| {
            ["qq", "vx", "wx", "v:", "v：", "微信"]
                .iter()
                .any(|marker| {
                    text.match_indices(marker).any(|(at, m)| {
                        let rest = text[at + m.len()..].trim_start_matches([':', '：', '号']);
                        let id = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
                        id >= 5 && rest.bytes().take(id).any(|b| b.is_ascii_digit())
                    })
                })
        };
        let labelled = include_str!("../../tests/data/spam/labelled.txt");
        let mut texts: Vec<String> = labelled.lines().map(|line| line.to_lowercase()).collect();
        texts.extend(
            [
                "qqq:12345",
                "qqq12345",
                "加qq:2457813690",
                "vv:abc12",
                "微信微信号ab123",
                "wx",
                "v：x1234",
            ]
            .map(String::from),
        );
        let mut found = 0;
        for text in &texts {
            assert_eq!(has_id(text), model(text), "{text}");
            found += usize::from(model(text));
        }
        assert!(found >= 10, "{found}");
    }

    #[test]
    fn keyword_list_scores_high() {
        let line = "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看";
        let context = Context {
            script_mismatch: true,
            at_edge: true,
            ..Context::default()
        };
        let hits = vec![hit("制片厂"), hit("吃瓜网"), hit("阴抖"), hit("麻豆")];
        let f = LineFeatures::new(&scanned(line), hits, context);
        assert_eq!(f.score(), 6.0 + 2.5 + 1.5 + 0.5);
        assert_eq!(f.reasons()[1], "list of 4 separated items (+2.5)");
    }

    #[test]
    fn prose_with_one_keyword_scores_low() {
        let line = "警方近日捣毁一个以百家乐为幌子的赌博团伙，抓获嫌疑人12名。";
        let line = scanned(line);
        let score = LineFeatures::new(&line, vec![hit("百家乐")], Context::default()).score();
        assert!(score < 0.0, "{score}");
        // Two digits: no phone number, no id without a marker.
        assert_eq!(LineFeatures::contacts_bound(&line), 0.0);
        assert_eq!(LineFeatures::contacts_bound(&scanned("加微信有惊喜")), 0.0);
        let bait = scanned("加微信 139 1234 5678 或 www.example.com");
        assert_eq!(LineFeatures::contacts_bound(&bait), 3.0 * PER_CONTACT);
    }

    /// The bound holds: no line's contact bait weighs more.
    #[test]
    fn contact_bait_stays_within_its_bound() {
        let table = CharTable::build(Default::default(), Default::default());
        let labelled = include_str!("../../tests/data/spam/labelled.txt");
        let seed = include_str!("../../data/examples/seed-page.txt");
        let (mut with_bait, mut spared) = (0, 0);
        for text in labelled.lines().chain(seed.lines()) {
            for line in table.scan(text).0 {
                let mut folded = String::new();
                crate::spam::lexicon::fold_into(
                    &text[line.start..line.end],
                    crate::script::ScriptTables::get(),
                    &mut folded,
                );
                let found = contacts(&folded).len();
                let bound = LineFeatures::contacts_bound(&line);
                assert!(PER_CONTACT * found as f64 <= bound, "{text}");
                with_bait += usize::from(found > 0);
                spared += usize::from(line.flags & flag::CONTACT != 0 && bound < 3.0 * PER_CONTACT);
            }
        }
        assert!(with_bait >= 30 && spared > 1000, "{with_bait} {spared}");
    }

    #[test]
    fn weights_read_with_one_decimal() {
        assert_eq!(signed_tenths(2.5), "+2.5");
        assert_eq!(signed_tenths(-2.0), "-2.0");
        assert_eq!(signed_tenths(0.0), "+0.0");
        assert_eq!(signed_tenths(6.0), "+6.0");
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
