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

    /// Adds every character of `other`.
    pub(crate) fn extend(&mut self, other: &CharSet) {
        for (word, more) in self.bmp.iter_mut().zip(other.bmp.iter()) {
            *word |= more;
        }
        self.astral.extend(&other.astral);
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
        first_edge: 0,
        edge_count: 0,
    };
}

/// A compiled dictionary (or group) for longest-match lookups.
pub(crate) struct Matcher {
    /// The characters some key starts with.
    starts: CharSet,
    /// Root child of each BMP character (`NO_NODE` if none).
    bmp_roots: Box<[u32]>,
    /// Root children of characters outside the BMP.
    astral_roots: HashMap<u32, u32>,
    nodes: Vec<Node>,
    /// (character, node) pairs, sorted by character within each node's range.
    edges: Vec<(u32, u32)>,
    values: String,
    /// Every character that occurs in any key (for safe streaming cuts).
    key_chars: CharSet,
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
}

impl Builder {
    fn insert(&mut self, key: &str, value: &str, class: u32, order: u32) {
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
        };
        builder.add(dict, &mut 0, &mut 0, false);

        let mut starts = CharSet::default();
        let mut bmp_roots = vec![NO_NODE; 0x10000].into_boxed_slice();
        let mut astral_roots = HashMap::new();
        let mut key_chars = CharSet::default();
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
                    starts.insert(c);
                    if c < 0x10000 {
                        bmp_roots[c as usize] = child;
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
    /// (`first_len` bytes long): its byte length and value.
    #[inline]
    pub(crate) fn match_at(
        &self,
        text: &str,
        first: u32,
        first_len: usize,
    ) -> Option<(usize, &str)> {
        let mut node = if first < 0x10000 {
            if !self.starts.contains(first) {
                return None;
            }
            self.bmp_roots[first as usize]
        } else {
            *self.astral_roots.get(&first)?
        };
        let mut pos = first_len;
        let mut best: Option<(usize, &Node)> = None;
        loop {
            let n = &self.nodes[node as usize];
            if n.class != NO_VALUE && best.is_none_or(|(_, b)| n.class <= b.class) {
                best = Some((pos, n));
            }
            if n.edge_count == 0 {
                break;
            }
            let Some(c) = text[pos..].chars().next() else {
                break;
            };
            match self.child(node, c as u32) {
                Some(next) => {
                    node = next;
                    pos += c.len_utf8();
                }
                None => break,
            }
        }
        best.map(|(len, n)| {
            let start = n.value_start as usize;
            (len, &self.values[start..start + n.value_len as usize])
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

    fn at<'m>(m: &'m Matcher, s: &str) -> Option<(usize, &'m str)> {
        let first = s.chars().next()?;
        m.match_at(s, first as u32, first.len_utf8())
    }

    #[test]
    fn longest_match_within_one_dictionary() {
        let m = Matcher::new(&text("一\tA\n一二三\tC\n"));
        assert_eq!(at(&m, "一二三四"), Some((9, "C")));
        assert_eq!(at(&m, "一二"), Some((3, "A")));
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
        assert_eq!(at(&m, "一二"), Some((3, "A")));
        assert_eq!(at(&m, "二"), Some((3, "D")));
    }

    #[test]
    fn union_longest_wins_and_earlier_member_breaks_ties() {
        let m = matcher(
            MatchPolicy::Union,
            vec![text("一\tA\n二\tX\n"), text("一二\tB\n二\tY\n")],
        );
        assert_eq!(at(&m, "一二"), Some((6, "B")));
        assert_eq!(at(&m, "二"), Some((3, "X")));
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
        assert_eq!(at(&m, "一二三"), Some((6, "B")));
        assert_eq!(at(&m, "三"), Some((3, "Z")));
    }

    #[test]
    fn astral_characters() {
        let m = Matcher::new(&text("𠮷\tK\n𠮷野\tL\n"));
        assert_eq!(at(&m, "𠮷野家"), Some(("𠮷野".len(), "L")));
    }
}
