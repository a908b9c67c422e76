//! OpenCC 1.4.2 data embedded in the binary (see `data/opencc/SOURCE.md`).

/// Names of the configs that ship with zhclean, as OpenCC names them.
pub const CONFIG_NAMES: &[&str] = &[
    "hk2s", "hk2sp", "hk2t", "jp2t", "s2hk", "s2hkp", "s2t", "s2tw", "s2twp", "t2hk", "t2jp",
    "t2s", "t2tw", "tw2s", "tw2sp", "tw2t",
];

/// The JSON text of a built-in config, by name (`t2s`, or `t2s.json`).
pub(crate) fn config(name: &str) -> Option<&'static str> {
    Some(match name.strip_suffix(".json").unwrap_or(name) {
        "hk2s" => include_str!("../../data/opencc/config/hk2s.json"),
        "hk2sp" => include_str!("../../data/opencc/config/hk2sp.json"),
        "hk2t" => include_str!("../../data/opencc/config/hk2t.json"),
        "jp2t" => include_str!("../../data/opencc/config/jp2t.json"),
        "s2hk" => include_str!("../../data/opencc/config/s2hk.json"),
        "s2hkp" => include_str!("../../data/opencc/config/s2hkp.json"),
        "s2t" => include_str!("../../data/opencc/config/s2t.json"),
        "s2tw" => include_str!("../../data/opencc/config/s2tw.json"),
        "s2twp" => include_str!("../../data/opencc/config/s2twp.json"),
        "t2hk" => include_str!("../../data/opencc/config/t2hk.json"),
        "t2jp" => include_str!("../../data/opencc/config/t2jp.json"),
        "t2s" => include_str!("../../data/opencc/config/t2s.json"),
        "t2tw" => include_str!("../../data/opencc/config/t2tw.json"),
        "tw2s" => include_str!("../../data/opencc/config/tw2s.json"),
        "tw2sp" => include_str!("../../data/opencc/config/tw2sp.json"),
        "tw2t" => include_str!("../../data/opencc/config/tw2t.json"),
        _ => return None,
    })
}

/// The text of a built-in dictionary, by file name.
pub(crate) fn dictionary(file: &str) -> Option<&'static str> {
    Some(match file {
        "CJK_Compatibility_Ideographs.txt" => {
            include_str!("../../data/opencc/dictionary/CJK_Compatibility_Ideographs.txt")
        }
        "HKPhrases.txt" => include_str!("../../data/opencc/dictionary/HKPhrases.txt"),
        "HKPhrasesRev.txt" => include_str!("../../data/opencc/dictionary/HKPhrasesRev.txt"),
        "HKVariants.txt" => include_str!("../../data/opencc/dictionary/HKVariants.txt"),
        "HKVariantsPhrases.txt" => {
            include_str!("../../data/opencc/dictionary/HKVariantsPhrases.txt")
        }
        "HKVariantsRev.txt" => include_str!("../../data/opencc/dictionary/HKVariantsRev.txt"),
        "HKVariantsRevPhrases.txt" => {
            include_str!("../../data/opencc/dictionary/HKVariantsRevPhrases.txt")
        }
        "JPShinjitaiCharacters.txt" => {
            include_str!("../../data/opencc/dictionary/JPShinjitaiCharacters.txt")
        }
        "JPShinjitaiCharactersRev.txt" => {
            include_str!("../../data/opencc/dictionary/JPShinjitaiCharactersRev.txt")
        }
        "JPShinjitaiPhrases.txt" => {
            include_str!("../../data/opencc/dictionary/JPShinjitaiPhrases.txt")
        }
        "STCharacters.txt" => include_str!("../../data/opencc/dictionary/STCharacters.txt"),
        "STPhrases.txt" => include_str!("../../data/opencc/dictionary/STPhrases.txt"),
        "STPhrases_GeneratedFromRegionalPhrases.txt" => {
            include_str!("../../data/opencc/dictionary/STPhrases_GeneratedFromRegionalPhrases.txt")
        }
        "TSCharacters.txt" => include_str!("../../data/opencc/dictionary/TSCharacters.txt"),
        "TSCharactersExt.txt" => include_str!("../../data/opencc/dictionary/TSCharactersExt.txt"),
        "TSPhrases.txt" => include_str!("../../data/opencc/dictionary/TSPhrases.txt"),
        "TWPhrases.txt" => include_str!("../../data/opencc/dictionary/TWPhrases.txt"),
        "TWPhrasesRev.txt" => include_str!("../../data/opencc/dictionary/TWPhrasesRev.txt"),
        "TWVariants.txt" => include_str!("../../data/opencc/dictionary/TWVariants.txt"),
        "TWVariantsPhrases.txt" => {
            include_str!("../../data/opencc/dictionary/TWVariantsPhrases.txt")
        }
        "TWVariantsRev.txt" => include_str!("../../data/opencc/dictionary/TWVariantsRev.txt"),
        "TWVariantsRevPhrases.txt" => {
            include_str!("../../data/opencc/dictionary/TWVariantsRevPhrases.txt")
        }
        _ => return None,
    })
}
