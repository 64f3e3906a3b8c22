//! A name written in several languages: a member state's official name,
//! or the body's, in the UN's six languages (others are allowed).
//!
//! What it is not: a fallback. Where a language is missing, the portal
//! falls back to CLDR's name for the member's ISO 3166 code, and then to
//! the one name every member has; the log holds only what was signed.

use crate::code::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most languages one name is given in.
pub const MAX_LANGUAGES: usize = 16;
/// Longest name in one language, in characters (as the one name).
pub const MAX_NAME_CHARS: usize = 200;

/// A name by language. Absent from a body when empty (one act, one
/// encoding), so bodies without it read as before.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Names(BTreeMap<Lang, String>);

impl Names {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The name in `lang` (a tag such as `ar` or `zh`), if given.
    pub fn get(&self, lang: &str) -> Option<&str> {
        self.0.iter().find(|(l, _)| l.as_str() == lang).map(|(_, n)| n.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Lang, &str)> {
        self.0.iter().map(|(l, n)| (l, n.as_str()))
    }

    /// At most [`MAX_LANGUAGES`] languages, each name 1–[`MAX_NAME_CHARS`]
    /// characters and not only blanks; `field` names it in the refusal.
    pub(crate) fn validate(&self, field: &str) -> Result<(), String> {
        if self.0.len() > MAX_LANGUAGES {
            return Err(format!("{field}: at most {MAX_LANGUAGES} languages (got {})", self.0.len()));
        }
        for (lang, name) in &self.0 {
            let n = name.chars().count();
            if n == 0 || n > MAX_NAME_CHARS || name.trim().is_empty() {
                return Err(format!(
                    "{field}.{}: a name must be 1–{MAX_NAME_CHARS} characters (got {n})",
                    lang.as_str()
                ));
            }
        }
        Ok(())
    }
}

impl FromIterator<(Lang, String)> for Names {
    fn from_iter<I: IntoIterator<Item = (Lang, String)>>(iter: I) -> Names {
        Names(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pairs: &[(&str, &str)]) -> Names {
        pairs.iter().map(|(l, n)| (Lang::parse(l).unwrap(), n.to_string())).collect()
    }

    #[test]
    fn names_are_bounded_and_read_by_language() {
        let n = names(&[("ar", "كينيا"), ("zh", "肯尼亚"), ("en", "Kenya")]);
        assert_eq!(n.get("zh"), Some("肯尼亚"));
        assert_eq!(n.get("ru"), None);
        assert!(n.validate("names").is_ok());
        assert_eq!(serde_json::to_string(&n).unwrap(), r#"{"ar":"كينيا","en":"Kenya","zh":"肯尼亚"}"#);
        assert!(names(&[("fr", " ")]).validate("names").unwrap_err().contains("names.fr"));
        assert!(names(&[("fr", &"x".repeat(201))]).validate("names").is_err());
        let many: Names =
            (0..17).map(|i| (Lang::parse(&format!("a{}", (b'a' + i) as char)).unwrap(), "x".into())).collect();
        assert!(many.validate("names").unwrap_err().contains("at most 16"));
        assert!(serde_json::from_str::<Names>(r#"{"EN":"x"}"#).is_err(), "a bad tag is refused");
    }
}
