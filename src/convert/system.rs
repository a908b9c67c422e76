//! The system OpenCC library as a conversion backend (cargo feature
//! `opencc-sys`), through the `opencc-rust` binding.
//!
//! It exists to compare with, and for users who must match the OpenCC their
//! distribution ships (Debian 12: OpenCC 1.1.6, configs in
//! `/usr/share/opencc`) rather than the OpenCC 1.4.2 data built into zhclean.

use super::ConvertError;

/// A converter backed by the system's OpenCC library.
pub struct SystemConverter {
    inner: opencc_rust::OpenCC,
    config: String,
}

impl std::fmt::Debug for SystemConverter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemConverter")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl SystemConverter {
    /// Opens a config the system OpenCC knows: a name (`t2s`, looked up in
    /// its data directory as `t2s.json`) or the path of a config file.
    pub fn new(config: &str) -> Result<SystemConverter, ConvertError> {
        let file = if config.ends_with(".json") {
            config.to_string()
        } else {
            format!("{config}.json")
        };
        if file.contains('\0') {
            return Err(ConvertError::UnknownConfig(config.to_string()));
        }
        let inner = opencc_rust::OpenCC::new(&file).map_err(|why| ConvertError::System {
            config: config.to_string(),
            why: why.to_string(),
        })?;
        Ok(SystemConverter {
            inner,
            config: config.to_string(),
        })
    }

    /// Converts `text`. NUL characters, which the C interface cannot pass,
    /// are kept and the text between them converted.
    pub fn convert(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        for (i, piece) in text.split('\0').enumerate() {
            if i > 0 {
                out.push('\0');
            }
            if !piece.is_empty() {
                out.push_str(&self.inner.convert(piece));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_keeps_nul() {
        let t2s = SystemConverter::new("t2s").unwrap();
        assert_eq!(t2s.convert("頭髮\0發展"), "头发\0发展");
    }

    #[test]
    fn unknown_config_is_an_error() {
        let err = SystemConverter::new("nope2nope").unwrap_err();
        assert!(err.to_string().contains("nope2nope"), "{err}");
    }
}
