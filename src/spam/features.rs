//! The named features of a line, and what each contributes to its score.
//!
//! Every feature is cheap and explainable, and the score is their plain sum,
//! so a dropped line always comes with the list of what fired.

use super::lexicon::Hit;

/// Weight of each distinct lexicon entry found in a line.
const PER_HIT: f64 = 1.5;
/// Lexicon hits stop adding beyond this.
const MAX_LEXICON: f64 = 6.0;
/// A run of short items joined by separators, with no sentence punctuation.
const LIST_SHAPE: f64 = 2.5;
/// A Simplified line in a Traditional page: pasted in after conversion.
const SCRIPT_MISMATCH: f64 = 1.5;
/// Among the first or last lines of the page, where injections sit.
const AT_EDGE: f64 = 0.5;
/// Sentence punctuation: the line reads as prose.
const PROSE: f64 = -2.0;

/// Separators between the items of an injected keyword list.
const SEPARATORS: [char; 6] = ['|', '｜', ',', '，', '_', '-'];
/// Punctuation that ends a sentence.
const SENTENCE_END: [char; 7] = ['。', '！', '？', '；', '!', '?', ';'];

/// What was observed about one line.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineFeatures {
    pub(crate) hits: Vec<Hit>,
    pub(crate) items: usize,
    pub(crate) sentence_punctuation: bool,
    pub(crate) script_mismatch: bool,
    pub(crate) at_edge: bool,
}

impl LineFeatures {
    /// Observes `line`, given the lexicon entries found in it and what the
    /// page around it says.
    pub(crate) fn observe(
        line: &str,
        hits: Vec<Hit>,
        script_mismatch: bool,
        at_edge: bool,
    ) -> LineFeatures {
        LineFeatures {
            hits,
            items: line
                .split(SEPARATORS)
                .filter(|item| !item.trim().is_empty())
                .count(),
            sentence_punctuation: line.contains(SENTENCE_END),
            script_mismatch,
            at_edge,
        }
    }

    /// Whether the line has the shape of an injected keyword list.
    fn is_list(&self) -> bool {
        self.items >= 4 && !self.sentence_punctuation
    }

    /// The score and, for each feature that fired, a reason with its weight.
    pub(crate) fn score(&self) -> (f64, Vec<String>) {
        let mut score = 0.0;
        let mut reasons = Vec::new();
        let mut add = |weight: f64, reason: String| {
            score += weight;
            reasons.push(format!("{reason} ({weight:+.1})"));
        };
        if !self.hits.is_empty() {
            let mut categories: Vec<&str> = Vec::new();
            for hit in &self.hits {
                if !categories.contains(&hit.category.as_str()) {
                    categories.push(&hit.category);
                }
            }
            let terms: Vec<&str> = self.hits.iter().map(|h| h.term.as_str()).collect();
            let weight = (PER_HIT * self.hits.len() as f64).min(MAX_LEXICON);
            add(
                weight,
                format!("lexicon {}: {}", categories.join("+"), terms.join(", ")),
            );
        }
        if self.is_list() {
            add(
                LIST_SHAPE,
                format!("list of {} separated items", self.items),
            );
        }
        if self.script_mismatch {
            add(
                SCRIPT_MISMATCH,
                "Simplified line in a Traditional page".into(),
            );
        }
        if self.at_edge {
            add(AT_EDGE, "at the edge of the page".into());
        }
        if self.sentence_punctuation {
            add(PROSE, "sentence punctuation".into());
        }
        (score, reasons)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(term: &str) -> Hit {
        Hit {
            category: "porn".into(),
            term: term.into(),
        }
    }

    #[test]
    fn keyword_list_scores_high() {
        let line = "花季91制片厂|娱乐吃瓜网|阴抖app|麻豆文化传媒在线看";
        let f = LineFeatures::observe(
            line,
            vec![hit("制片厂"), hit("吃瓜网"), hit("阴抖"), hit("麻豆")],
            true,
            true,
        );
        let (score, reasons) = f.score();
        assert_eq!(score, 6.0 + 2.5 + 1.5 + 0.5);
        assert_eq!(reasons.len(), 4);
        assert_eq!(reasons[1], "list of 4 separated items (+2.5)");
    }

    #[test]
    fn prose_with_one_keyword_scores_low() {
        let line = "警方近日捣毁一个以百家乐为幌子的赌博团伙，抓获嫌疑人12名。";
        let (score, _) = LineFeatures::observe(line, vec![hit("百家乐")], false, false).score();
        assert!(score < 0.0, "{score}");
    }
}
