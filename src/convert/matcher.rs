//! A compiled dictionary: one character trie for all the dictionaries of a
//! conversion stage, built for speed.
//!
//! OpenCC resolves a group of dictionaries at each position of the text:
//! members of a `short_circuit` group are tried in order and the first that
//! matches at all wins (with its longest match); members of a `union` group
//! compete on length. Both rules fit in one trie. Every key of every member
//! is inserted; a node where keys end keeps the value of the member that
//! ranks first there, and each member carries a *class*: short-circuit
//! members get increasing classes, union members share their group's class.
//! Walking the text down the trie, a match replaces the best one so far when
//! its class is no worse, which gives "lowest class first, then longest".
//!
//! The root is a direct table indexed by code point, and a bitset over the
//! Basic Multilingual Plane says which characters start a key at all, so
//! the commonest case, a character no key starts with, costs one bit test.
//! Deeper nodes keep their children sorted in one flat array.

use std::collections::{HashMap, HashSet};

use super::dict::{Dict, MatchPolicy, TextDict};
use crate::unicode::char_at;

const NO_VALUE: u32 = u32::MAX;

/// A set of characters: a bitset over the Basic Multilingual Plane, where
/// nearly all Chinese text lives, and a hash set for the rest.
#[derive(Debug, Clone)]
pub(crate) struct CharSet {
    bmp: Box<[u64]>,
    astral: HashSet<u32>,
}

impl Default for CharSet {
    fn default() -> CharSet {
        CharSet {
            bmp: vec![0u64; 0x10000 / 64].into_boxed_slice(),
            astral: HashSet::new(),
        }
    }
}

impl CharSet {
    pub(crate) fn insert(&mut self, c: u32) {
        if c < 0x10000 {
            self.bmp[c as usize / 64] |= 1 << (c % 64);
        } else {
            self.astral.insert(c);
        }
    }

    #[inline(always)]
    pub(crate) fn contains(&self, c: u32) -> bool {
        if c < 0x10000 {
            self.bmp[c as usize / 64] & (1 << (c % 64)) != 0
        } else {
            !self.astral.is_empty() && self.astral.contains(&c)
        }
    }

    /// Whether `c`, a BMP character, is in the set.
    #[inline(always)]
    pub(crate) fn contains_bmp(&self, c: u32) -> bool {
        self.bmp[(c as usize / 64) & 0x3FF] & (1 << (c % 64)) != 0
    }
}
const NO_NODE: u32 = 0;

#[derive(Debug, Clone, Copy)]
struct Node {
    /// Class of the member whose value this node holds; `NO_VALUE` if none.
    class: u32,
    /// Order of that member among all leaves, to break ties inside a class.
    order: u32,
    value_start: u32,
    value_len: u32,
    /// The value when it is one character (pushed without a copy call),
    /// else `NO_VALUE`.
    single: u32,
    /// Whether the value differs from the key.
    changed: bool,
    /// The node's children: `edges[first_edge..first_edge + edge_count]`.
    first_edge: u32,
    edge_count: u32,
}

impl Node {
    const EMPTY: Node = Node {
        class: NO_VALUE,
        order: NO_VALUE,
        value_start: 0,
        value_len: 0,
        single: NO_VALUE,
        changed: false,
        first_edge: 0,
        edge_count: 0,
    };
}

/// A compiled dictionary (or group) for longest-match lookups.
pub(crate) struct Matcher {
    /// The characters some key starts with.
    starts: CharSet,
    /// Root child of each BMP character (`NO_NODE` if none), or, tagged
    /// with [`SIMPLE`], the answer itself when that child is a one-character
    /// key with a one-character value and no longer keys: the commonest case
    /// (`發` → `发`) then costs one table read.
    bmp_roots: Box<[u32]>,
    /// Root children of characters outside the BMP.
    astral_roots: HashMap<u32, u32>,
    nodes: Vec<Node>,
    /// (character, node) pairs, sorted by character within each node's range.
    edges: Vec<(u32, u32)>,
    values: String,
    /// Every character that occurs in any key (for safe streaming cuts).
    key_chars: CharSet,
    /// Hashed bitset of the first two characters of every key of two or
    /// more characters: most characters that start a phrase are not
    /// followed by its second character, and this says so without a search.
    pairs: Box<[u64]>,
    /// `pairs` holds `1 << (32 - pair_shift)` bits.
    pair_shift: u32,
    /// The longest key, in characters.
    max_key_chars: usize,
}

/// Tag of a [`Matcher::bmp_roots`] entry that holds a value, not a node.
const SIMPLE: u32 = 1 << 31;
/// With [`SIMPLE`]: the value differs from the key.
const SIMPLE_CHANGED: u32 = 1 << 30;

/// What a one-character key whose match cannot be longer maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Simple {
    pub(crate) value: char,
    pub(crate) changed: bool,
}

/// A table of what a single pass does with each BMP character: its
/// one-character output as UTF-8 bytes, whether that changes the text, and
/// whether a longer key may start there (then the pair filter decides
/// whether to look), or [`Dense::SLOW`]: match the slow way. Each character
/// then costs one table read, a write of its bytes, and no unpredictable
/// branch, which matters for Traditional text where converted and
/// unconverted characters alternate at random.
pub(crate) struct Dense {
    table: Box<[u32; 0x10000]>,
    /// The characters that change or need the slow way, every character
    /// outside the BMP that starts a key, and for each longer key without
    /// any of those its rarest character: every key holds a stop, so a scan
    /// that finds none in a stretch of text knows no key matches there.
    stops: CharSet,
}

impl Dense {
    /// Look the character up in the matcher.
    pub(crate) const SLOW: u32 = 1 << 31;
    /// The output differs from the character.
    pub(crate) const CHANGED: u32 = 1 << 30;
    /// A key of two or more characters starts with this one.
    pub(crate) const PHRASE: u32 = 1 << 29;
    /// The output character, in the low bits.
    pub(crate) const CHAR: u32 = 0x1F_FFFF;
    /// The output character's UTF-8 bytes, in the low three bytes (the
    /// first lowest); a character outside the BMP goes the slow way.
    const UTF8: u32 = 0xFF_FFFF;
    /// How many bytes of [`Dense::UTF8`] there are, from bit
    /// [`Dense::LEN_SHIFT`].
    const LEN_SHIFT: u32 = 24;
    const LEN: u32 = 0b11 << Dense::LEN_SHIFT;

    /// The characters a scan must stop at.
    pub(crate) fn stops(&self) -> &CharSet {
        &self.stops
    }

    /// The entry of BMP character `c`.
    #[inline(always)]
    pub(crate) fn get(&self, c: u32) -> u32 {
        self.table[(c & 0xFFFF) as usize]
    }

    /// The UTF-8 bytes of the output in `entry` (not [`Dense::SLOW`]), as
    /// a little-endian word, and how many there are.
    #[inline(always)]
    pub(crate) fn output(entry: u32) -> (u32, usize) {
        (
            entry & Dense::UTF8,
            ((entry & Dense::LEN) >> Dense::LEN_SHIFT) as usize,
        )
    }
}

impl std::fmt::Debug for Dense {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dense").finish_non_exhaustive()
    }
}

/// Bits of the pair filter per distinct pair: few false alarms, and small
/// enough for `t2s` (a few hundred pairs) to stay in the L1 cache.
const PAIR_BITS_PER_PAIR: usize = 64;
/// The pair filter's size limits, in bits (512 bytes to 128 KiB).
const PAIR_BITS_MIN: usize = 1 << 12;
const PAIR_BITS_MAX: usize = 1 << 20;

/// Multiplicative hashing of a character pair to the top `32 - shift` bits.
#[inline(always)]
fn pair_hash(first: u32, second: u32, shift: u32) -> u32 {
    (first.wrapping_mul(0x9E37_79B1) ^ second).wrapping_mul(0x85EB_CA6B) >> shift
}

/// A match: its length in bytes, its value, and whether it changes the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found<'m> {
    pub(crate) len: usize,
    pub(crate) value: Value<'m>,
    pub(crate) changed: bool,
}

/// The value of a match; one character is kept apart so that it can be
/// pushed without a copy call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value<'m> {
    Char(char),
    Text(&'m str),
}

impl Value<'_> {
    /// Appends the value to `out`.
    #[inline(always)]
    pub(crate) fn push_to(self, out: &mut String) {
        match self {
            Value::Char(c) => out.push(c),
            Value::Text(s) => out.push_str(s),
        }
    }
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("nodes", &self.nodes.len())
            .finish_non_exhaustive()
    }
}

/// A trie under construction, with children in maps.
struct Builder {
    nodes: Vec<(Node, HashMap<u32, u32>)>,
    values: String,
    max_key_chars: usize,
}

impl Builder {
    fn insert(&mut self, key: &str, value: &str, class: u32, order: u32) {
        self.max_key_chars = self.max_key_chars.max(key.chars().count());
        let mut node = 0usize;
        for c in key.chars() {
            let next = self.nodes.len() as u32;
            let child = *self.nodes[node].1.entry(c as u32).or_insert(next);
            if child == next {
                self.nodes.push((Node::EMPTY, HashMap::new()));
            }
            node = child as usize;
        }
        let slot = &mut self.nodes[node].0;
        if (class, order) < (slot.class, slot.order) {
            slot.class = class;
            slot.order = order;
            slot.value_start = self.values.len() as u32;
            slot.value_len = value.len() as u32;
            let mut chars = value.chars();
            slot.single = match (chars.next(), chars.next()) {
                (Some(c), None) => c as u32,
                _ => NO_VALUE,
            };
            slot.changed = value != key;
            self.values.push_str(value);
        }
    }

    /// Adds every leaf of `dict`; returns the next free leaf order.
    fn add(&mut self, dict: &Dict, class: &mut u32, order: &mut u32, in_union: bool) {
        match dict {
            Dict::Text(text) => {
                self.add_text(text, *class, *order);
                *order += 1;
                if !in_union {
                    *class += 1;
                }
            }
            Dict::Group { policy, members } => {
                let union = in_union || *policy == MatchPolicy::Union;
                for member in members {
                    self.add(member, class, order, union);
                }
                if union && !in_union {
                    *class += 1;
                }
            }
        }
    }

    fn add_text(&mut self, dict: &TextDict, class: u32, order: u32) {
        for (key, value) in dict.iter() {
            self.insert(key, value, class, order);
        }
    }
}

impl Matcher {
    /// Compiles `dict` with OpenCC's group semantics.
    pub(crate) fn new(dict: &Dict) -> Matcher {
        let mut builder = Builder {
            nodes: vec![(Node::EMPTY, HashMap::new())],
            values: String::new(),
            max_key_chars: 0,
        };
        builder.add(dict, &mut 0, &mut 0, false);

        let mut starts = CharSet::default();
        let mut bmp_roots = vec![NO_NODE; 0x10000].into_boxed_slice();
        let mut astral_roots = HashMap::new();
        let mut key_chars = CharSet::default();
        let distinct_pairs: usize = builder.nodes[0]
            .1
            .values()
            .map(|&child| builder.nodes[child as usize].1.len())
            .sum();
        let pair_bits = (distinct_pairs * PAIR_BITS_PER_PAIR)
            .next_power_of_two()
            .clamp(PAIR_BITS_MIN, PAIR_BITS_MAX);
        let pair_shift = 32 - pair_bits.trailing_zeros();
        let mut pairs = vec![0u64; pair_bits / 64].into_boxed_slice();
        let mut nodes = Vec::with_capacity(builder.nodes.len());
        let mut edges = Vec::new();
        for (index, (node, children)) in builder.nodes.iter().enumerate() {
            let mut sorted: Vec<(u32, u32)> = children.iter().map(|(&c, &n)| (c, n)).collect();
            sorted.sort_unstable();
            for &(c, _) in &sorted {
                key_chars.insert(c);
            }
            if index == 0 {
                for &(c, child) in &sorted {
                    for &second in builder.nodes[child as usize].1.keys() {
                        let bit = pair_hash(c, second, pair_shift);
                        pairs[(bit / 64) as usize] |= 1 << (bit % 64);
                    }
                    starts.insert(c);
                    if c < 0x10000 {
                        let node = &builder.nodes[child as usize];
                        bmp_roots[c as usize] = match char::from_u32(node.0.single) {
                            Some(value) if node.1.is_empty() => {
                                SIMPLE
                                    | value as u32
                                    | if node.0.changed { SIMPLE_CHANGED } else { 0 }
                            }
                            _ => child,
                        };
                    } else {
                        astral_roots.insert(c, child);
                    }
                }
            }
            nodes.push(Node {
                first_edge: edges.len() as u32,
                edge_count: sorted.len() as u32,
                ..*node
            });
            edges.extend(sorted);
        }
        Matcher {
            starts,
            bmp_roots,
            astral_roots,
            nodes,
            edges,
            values: builder.values,
            key_chars,
            pairs,
            pair_shift,
            max_key_chars: builder.max_key_chars,
        }
    }

    /// The characters some key starts with.
    pub(crate) fn starters(&self) -> &CharSet {
        &self.starts
    }

    /// Whether any key starts with `c`.
    #[inline(always)]
    pub(crate) fn starts_with(&self, c: u32) -> bool {
        self.starts.contains(c)
    }

    /// The answer for a BMP character whose only possible match is itself
    /// mapped to one character.
    #[inline(always)]
    pub(crate) fn simple(&self, c: u32) -> Option<Simple> {
        let root = *self.bmp_roots.get(c as usize)?;
        if root & SIMPLE == 0 {
            return None;
        }
        Some(Simple {
            value: char::from_u32(root & 0x1F_FFFF)?,
            changed: root & SIMPLE_CHANGED != 0,
        })
    }

    /// Whether a key of two or more characters may start with `first`
    /// followed by `second` (false positives, no false negatives).
    #[inline(always)]
    pub(crate) fn pair_maybe(&self, first: u32, second: u32) -> bool {
        let bit = pair_hash(first, second, self.pair_shift);
        self.pairs[(bit / 64) as usize] & (1 << (bit % 64)) != 0
    }

    /// Whether some key of two or more characters starts with BMP `c`.
    fn starts_phrase(&self, c: u32) -> bool {
        match self.bmp_roots[c as usize] {
            NO_NODE => false,
            root if root & SIMPLE != 0 => false,
            node => self.nodes[node as usize].edge_count > 0,
        }
    }

    /// What BMP `c` becomes when no key longer than one character matches
    /// there: its value and whether that changes the text (`c` itself when
    /// `c` alone is no key); `None` when the value is longer than one
    /// character.
    fn fallback(&self, c: u32) -> Option<(char, bool)> {
        match self.bmp_roots[c as usize] {
            NO_NODE => char::from_u32(c).map(|same| (same, false)),
            root if root & SIMPLE != 0 => Some((
                char::from_u32(root & Dense::CHAR)?,
                root & SIMPLE_CHANGED != 0,
            )),
            node => {
                let n = &self.nodes[node as usize];
                if n.class == NO_VALUE {
                    return char::from_u32(c).map(|same| (same, false));
                }
                Some((char::from_u32(n.single)?, n.changed))
            }
        }
    }

    /// What to do with each BMP character in a single-pass conversion by
    /// this matcher that must give up where a `guards` matcher matches (see
    /// [`Dense`]).
    pub(crate) fn dense(&self, guards: &[Matcher]) -> Dense {
        let mut table = Box::new([0u32; 0x10000]);
        for (c, entry) in table.iter_mut().enumerate() {
            let c = c as u32;
            *entry = match self.fallback(c) {
                _ if guards.iter().any(|g| g.starts_with(c)) => Dense::SLOW,
                // Values of several characters, and surrogates (never in text).
                None => Dense::SLOW,
                Some((value, _)) if value.len_utf8() == 4 => Dense::SLOW,
                Some((value, changed)) => {
                    let mut bytes = [0u8; 4];
                    let len = value.encode_utf8(&mut bytes).len() as u32;
                    u32::from_le_bytes(bytes)
                        | len << Dense::LEN_SHIFT
                        | if changed { Dense::CHANGED } else { 0 }
                        | if self.starts_phrase(c) {
                            Dense::PHRASE
                        } else {
                            0
                        }
                }
            };
        }
        let mut stops = CharSet::default();
        for (c, &entry) in table.iter().enumerate() {
            if entry & (Dense::SLOW | Dense::CHANGED) != 0 {
                stops.insert(c as u32);
            }
        }
        for matcher in std::iter::once(self).chain(guards) {
            stops.astral.extend(&matcher.starts.astral);
        }
        // Every longer key must hold a stop: where none of its characters
        // is one, its rarest character becomes one.
        let mut anchors = Vec::new();
        self.for_each_key(&mut Vec::new(), 0, &mut |key| {
            if key.len() > 1 && !key.iter().any(|&c| stops.contains(c)) {
                let rarest = key.iter().copied().min_by_key(|&c| {
                    (
                        char::from_u32(c).map_or(0, crate::freq::count),
                        u32::MAX - c,
                    )
                });
                anchors.extend(rarest);
            }
        });
        for anchor in anchors {
            stops.insert(anchor);
        }
        Dense { table, stops }
    }

    /// Calls `f` with every key (as code points) below `node`, whose path
    /// from the root is `path`.
    fn for_each_key(&self, path: &mut Vec<u32>, node: u32, f: &mut impl FnMut(&[u32])) {
        let n = self.nodes[node as usize];
        if n.class != NO_VALUE {
            f(path);
        }
        for &(c, child) in
            &self.edges[n.first_edge as usize..(n.first_edge + n.edge_count) as usize]
        {
            path.push(c);
            self.for_each_key(path, child, f);
            path.pop();
        }
    }

    /// The longest key, in characters.
    pub(crate) fn max_key_chars(&self) -> usize {
        self.max_key_chars
    }

    /// Whether `c` occurs anywhere in any key.
    pub(crate) fn in_any_key(&self, c: char) -> bool {
        self.key_chars.contains(c as u32)
    }

    fn child(&self, node: u32, c: u32) -> Option<u32> {
        let n = &self.nodes[node as usize];
        let range = &self.edges[n.first_edge as usize..(n.first_edge + n.edge_count) as usize];
        range
            .binary_search_by_key(&c, |&(ch, _)| ch)
            .ok()
            .map(|i| range[i].1)
    }

    /// The match at the start of `text`, whose first character is `first`
    /// (`first_len` bytes long).
    #[inline]
    pub(crate) fn match_at(&self, text: &str, first: u32, first_len: usize) -> Option<Found<'_>> {
        let mut node = if first < 0x10000 {
            if !self.starts.contains(first) {
                return None;
            }
            let root = self.bmp_roots[first as usize];
            if let Some(simple) = self.simple(first) {
                return Some(Found {
                    len: first_len,
                    value: Value::Char(simple.value),
                    changed: simple.changed,
                });
            }
            root
        } else {
            *self.astral_roots.get(&first)?
        };
        let bytes = text.as_bytes();
        let mut pos = first_len;
        let mut best: Option<(usize, &Node)> = None;
        let mut depth = 1;
        loop {
            let n = &self.nodes[node as usize];
            if n.class != NO_VALUE && best.is_none_or(|(_, b)| n.class <= b.class) {
                best = Some((pos, n));
            }
            if n.edge_count == 0 || pos >= bytes.len() {
                break;
            }
            let (c, len) = char_at(text, pos);
            if depth == 1 && !self.pair_maybe(first, c) {
                break;
            }
            match self.child(node, c) {
                Some(next) => {
                    node = next;
                    pos += len;
                    depth += 1;
                }
                None => break,
            }
        }
        best.map(|(len, n)| {
            let start = n.value_start as usize;
            Found {
                len,
                value: match char::from_u32(n.single) {
                    Some(c) => Value::Char(c),
                    None => Value::Text(&self.values[start..start + n.value_len as usize]),
                },
                changed: n.changed,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn text(entries: &str) -> Dict {
        Dict::Text(Arc::new(TextDict::parse("test", entries).unwrap()))
    }

    fn matcher(policy: MatchPolicy, members: Vec<Dict>) -> Matcher {
        Matcher::new(&Dict::Group { policy, members })
    }

    fn at(m: &Matcher, s: &str) -> Option<(usize, String)> {
        let first = s.chars().next()?;
        m.match_at(s, first as u32, first.len_utf8()).map(|f| {
            let mut value = String::new();
            f.value.push_to(&mut value);
            (f.len, value)
        })
    }

    #[test]
    fn dense_entries_hold_the_bytes_of_the_one_character_output() {
        // One-character values of every UTF-8 length, one of several
        // characters, and one outside the BMP.
        let m = Matcher::new(&text("a\tb\né\tè\n發\t发\n後\t後來\n丟\t𠀀\n"));
        let dense = m.dense(&[]);
        for c in (0..0x10000).filter_map(char::from_u32) {
            let entry = dense.get(c as u32);
            if entry & Dense::SLOW != 0 {
                continue;
            }
            let (bytes, len) = Dense::output(entry);
            let bytes = bytes.to_le_bytes();
            assert!(bytes[len..].iter().all(|&b| b == 0), "{c:?}");
            let out = std::str::from_utf8(&bytes[..len]).unwrap();
            let (expected, changed) = m.fallback(c as u32).unwrap();
            assert_eq!(out, expected.to_string(), "{c:?}");
            assert_eq!(entry & Dense::CHANGED != 0, changed, "{c:?}");
        }
        assert_eq!(dense.get('後' as u32) & Dense::SLOW, Dense::SLOW);
        assert_eq!(dense.get('丟' as u32) & Dense::SLOW, Dense::SLOW);
        assert_eq!(Dense::output(dense.get('發' as u32)).1, 3);
    }

    #[test]
    fn longest_match_within_one_dictionary() {
        let m = Matcher::new(&text("一\tA\n一二三\tC\n"));
        assert_eq!(at(&m, "一二三四"), Some((9, "C".to_string())));
        assert_eq!(at(&m, "一二"), Some((3, "A".to_string())));
        assert_eq!(at(&m, "二"), None);
        assert!(m.starts_with('一' as u32) && !m.starts_with('二' as u32));
        assert!(m.in_any_key('三') && !m.in_any_key('四'));
    }

    #[test]
    fn short_circuit_first_member_wins_even_when_shorter() {
        let m = matcher(
            MatchPolicy::ShortCircuit,
            vec![text("一\tA\n"), text("一二\tB\n二\tD\n")],
        );
        assert_eq!(at(&m, "一二"), Some((3, "A".to_string())));
        assert_eq!(at(&m, "二"), Some((3, "D".to_string())));
    }

    #[test]
    fn union_longest_wins_and_earlier_member_breaks_ties() {
        let m = matcher(
            MatchPolicy::Union,
            vec![text("一\tA\n二\tX\n"), text("一二\tB\n二\tY\n")],
        );
        assert_eq!(at(&m, "一二"), Some((6, "B".to_string())));
        assert_eq!(at(&m, "二"), Some((3, "X".to_string())));
    }

    #[test]
    fn union_nested_in_short_circuit() {
        let union = Dict::Group {
            policy: MatchPolicy::Union,
            members: vec![text("一\tA\n"), text("一二\tB\n")],
        };
        let m = matcher(
            MatchPolicy::ShortCircuit,
            vec![union, text("一二三\tC\n三\tZ\n")],
        );
        assert_eq!(at(&m, "一二三"), Some((6, "B".to_string())));
        assert_eq!(at(&m, "三"), Some((3, "Z".to_string())));
    }

    #[test]
    fn astral_characters() {
        let m = Matcher::new(&text("𠮷\tK\n𠮷野\tL\n"));
        assert_eq!(at(&m, "𠮷野家"), Some(("𠮷野".len(), "L".to_string())));
    }
}
