//! Reading OpenCC config JSON into dictionaries.
//!
//! The format is OpenCC's own: an optional `normalization` list of
//! conversions applied to the whole text first, an optional `segmentation`
//! (`mmseg` over a dictionary), and a required `conversion_chain`. A
//! dictionary is `{"type": "text", "file": …}` or
//! `{"type": "group", "match_policy": …, "dicts": [...]}`; a text dictionary
//! marked `may_output_tofu` can be left out when loading.
//!
//! Dictionary files are looked up next to a config loaded from disk, then in
//! the data embedded in the binary, so a user config can mix its own
//! dictionaries with OpenCC's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use super::builtin;
use super::dict::{Dict, MatchPolicy, TextDict};
use super::ConvertError;

/// What a config describes, with its dictionaries loaded.
pub(crate) struct Plan {
    pub(crate) name: String,
    pub(crate) normalization: Vec<Dict>,
    pub(crate) segmentation: Option<Dict>,
    pub(crate) chain: Vec<Dict>,
}

/// Where dictionary files come from.
pub(crate) struct Loader {
    /// The folder of a config read from disk.
    pub(crate) dir: Option<PathBuf>,
    /// Whether dictionaries marked `may_output_tofu` are kept.
    pub(crate) include_tofu: bool,
    /// The config's name or path, for error messages.
    pub(crate) source: String,
}

impl Loader {
    pub(crate) fn parse(&self, json: &str) -> Result<Plan, ConvertError> {
        let doc: Value = serde_json::from_str(json).map_err(|e| self.invalid(e.to_string()))?;
        let root = doc
            .as_object()
            .ok_or_else(|| self.invalid("the root must be an object".into()))?;
        let name = root
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let normalization = match root.get("normalization") {
            None => Vec::new(),
            Some(v) => self.conversions(v, "normalization")?,
        };
        let segmentation = match root.get("segmentation") {
            None => None,
            Some(seg) => {
                let kind = self.string(seg, "type")?;
                if kind != "mmseg" {
                    return Err(self.invalid(format!("unknown segmentation type {kind:?}")));
                }
                Some(self.dict(self.object(seg, "dict")?)?)
            }
        };
        let chain_value = root
            .get("conversion_chain")
            .ok_or_else(|| self.invalid("required property conversion_chain is missing".into()))?;
        let chain = self.conversions(chain_value, "conversion_chain")?;
        Ok(Plan {
            name,
            normalization,
            segmentation,
            chain,
        })
    }

    fn conversions(&self, list: &Value, what: &str) -> Result<Vec<Dict>, ConvertError> {
        let items = list
            .as_array()
            .ok_or_else(|| self.invalid(format!("{what} must be an array")))?;
        items
            .iter()
            .filter(|item| item.is_object())
            .map(|item| self.dict(self.object(item, "dict")?))
            .collect()
    }

    fn dict(&self, doc: &Value) -> Result<Dict, ConvertError> {
        match self.string(doc, "type")? {
            "group" => {
                let policy = match doc.get("match_policy").and_then(Value::as_str) {
                    None | Some("short_circuit") => MatchPolicy::ShortCircuit,
                    Some("union") => MatchPolicy::Union,
                    Some(other) => {
                        return Err(self.invalid(format!("unknown match_policy {other:?}")))
                    }
                };
                let members = doc
                    .get("dicts")
                    .and_then(Value::as_array)
                    .ok_or_else(|| self.invalid("a group needs an array `dicts`".into()))?;
                let mut loaded = Vec::with_capacity(members.len());
                for member in members {
                    if !member.is_object() {
                        return Err(self.invalid("each entry of `dicts` must be an object".into()));
                    }
                    if self.skipped_for_tofu(member) {
                        continue;
                    }
                    loaded.push(self.dict(member)?);
                }
                Ok(Dict::Group {
                    policy,
                    members: loaded,
                })
            }
            "text" => {
                if self.skipped_for_tofu(doc) {
                    return Ok(Dict::Group {
                        policy: MatchPolicy::ShortCircuit,
                        members: Vec::new(),
                    });
                }
                Ok(Dict::Text(self.text_dict(self.string(doc, "file")?)?))
            }
            other => Err(ConvertError::UnknownDictType {
                config: self.source.clone(),
                kind: other.to_string(),
            }),
        }
    }

    fn skipped_for_tofu(&self, doc: &Value) -> bool {
        !self.include_tofu && doc.get("may_output_tofu").and_then(Value::as_bool) == Some(true)
    }

    fn text_dict(&self, file: &str) -> Result<Arc<TextDict>, ConvertError> {
        if let Some(dir) = &self.dir {
            let path = dir.join(file);
            if path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|e| ConvertError::Io {
                    path: path.clone(),
                    source: e,
                })?;
                return Ok(Arc::new(TextDict::parse(
                    &path.display().to_string(),
                    &text,
                )?));
            }
        }
        builtin_dict(file)?.ok_or_else(|| ConvertError::MissingDictionary {
            config: self.source.clone(),
            file: file.to_string(),
        })
    }

    fn object<'a>(&self, doc: &'a Value, key: &str) -> Result<&'a Value, ConvertError> {
        doc.get(key)
            .filter(|v| v.is_object())
            .ok_or_else(|| self.invalid(format!("required object property {key:?} is missing")))
    }

    fn string<'a>(&self, doc: &'a Value, key: &str) -> Result<&'a str, ConvertError> {
        doc.get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| self.invalid(format!("required string property {key:?} is missing")))
    }

    fn invalid(&self, why: String) -> ConvertError {
        ConvertError::InvalidConfig {
            config: self.source.clone(),
            why,
        }
    }
}

/// A built-in dictionary, parsed once per process and shared.
pub(crate) fn builtin_dict(file: &str) -> Result<Option<Arc<TextDict>>, ConvertError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<TextDict>>>> = OnceLock::new();
    let Some(text) = builtin::dictionary(file) else {
        return Ok(None);
    };
    let cache = CACHE.get_or_init(Default::default);
    if let Some(dict) = cache.lock().ok().and_then(|c| c.get(file).cloned()) {
        return Ok(Some(dict));
    }
    let dict = Arc::new(TextDict::parse(file, text)?);
    if let Ok(mut c) = cache.lock() {
        c.insert(file.to_string(), Arc::clone(&dict));
    }
    Ok(Some(dict))
}

/// Reads a config named by `name_or_path`: a built-in name, or a JSON file.
pub(crate) fn load(name_or_path: &str, include_tofu: bool) -> Result<Plan, ConvertError> {
    if let Some(json) = builtin::config(name_or_path) {
        let loader = Loader {
            dir: None,
            include_tofu,
            source: name_or_path.to_string(),
        };
        return loader.parse(json);
    }
    let path = Path::new(name_or_path);
    if !path.is_file() {
        return Err(ConvertError::UnknownConfig(name_or_path.to_string()));
    }
    let json = std::fs::read_to_string(path).map_err(|e| ConvertError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let loader = Loader {
        dir: path.parent().map(Path::to_path_buf),
        include_tofu,
        source: path.display().to_string(),
    };
    loader.parse(&json)
}
