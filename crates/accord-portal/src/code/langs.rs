//! The languages of the Code's texts as pages show them: which way a tag's
//! script runs, what a language calls itself, and which of several texts
//! suits a reader of a given interface language.
//!
//! What it is not: the interface's own languages (`crate::i18n`). A text
//! may be in any BCP 47 tag (`pt-BR`, `zh-Hans`); the interface is in the
//! six UN languages only.

use crate::i18n::Ui;
use accord_core::code::Lang;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// Primary subtags written right to left.
const RTL_LANGUAGES: [&str; 12] = ["ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"];
/// Script subtags written right to left.
const RTL_SCRIPTS: [&str; 6] = ["Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm"];

fn primary(l: &Lang) -> &str {
    l.as_str().split('-').next().unwrap_or("")
}

/// `rtl` for a tag written right to left (by language or script), else `ltr`.
pub(crate) fn dir(l: &Lang) -> &'static str {
    let mut parts = l.as_str().split('-');
    let lang = parts.next().unwrap_or("");
    if RTL_LANGUAGES.contains(&lang) || parts.any(|p| RTL_SCRIPTS.contains(&p)) {
        "rtl"
    } else {
        "ltr"
    }
}

/// The language's name in itself: the UN language's own name, with the
/// tag when it carries a script or region (`中文 (zh-Hans)`); other tags as
/// they are.
pub(crate) fn native_name(l: &Lang) -> String {
    match Ui::parse(primary(l)) {
        Some(u) if u.code() == l.as_str() => u.native_name().to_string(),
        Some(u) => format!("{} ({})", u.native_name(), l.as_str()),
        None => l.as_str().to_string(),
    }
}

/// The language's own name, marked with its `lang` and `dir`.
pub(crate) fn name_markup(l: &Lang) -> Markup {
    html! { span lang=(l.as_str()) dir=(dir(l)) { (native_name(l)) } }
}

/// Whether `l` is the interface language `ui` (by primary subtag).
pub(crate) fn is_ui(l: &Lang, ui: Ui) -> bool {
    primary(l) == ui.code()
}

/// The entry of `map` for a reader of `ui`: that language exactly, then
/// any tag of it (`zh-Hans` for `zh`), then English, then the first.
pub(crate) fn preferred<V>(map: &BTreeMap<Lang, V>, ui: Ui) -> Option<(&Lang, &V)> {
    let exact = map.iter().find(|(l, _)| l.as_str() == ui.code());
    exact
        .or_else(|| map.iter().find(|(l, _)| is_ui(l, ui)))
        .or_else(|| map.iter().find(|(l, _)| l.as_str() == "en"))
        .or_else(|| map.iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(s: &str) -> Lang {
        Lang::parse(s).unwrap()
    }

    #[test]
    fn arabic_scripts_run_right_to_left() {
        for (l, d) in
            [("ar", "rtl"), ("fa", "rtl"), ("az-Arab", "rtl"), ("en", "ltr"), ("zh-Hans", "ltr"), ("ru", "ltr")]
        {
            assert_eq!(dir(&lang(l)), d, "{l}");
        }
    }

    #[test]
    fn languages_are_named_in_themselves() {
        assert_eq!(native_name(&lang("ar")), "العربية");
        assert_eq!(native_name(&lang("zh-Hans")), "中文 (zh-Hans)");
        assert_eq!(native_name(&lang("pt-BR")), "pt-BR");
        let m = name_markup(&lang("ar")).into_string();
        assert_eq!(m, r#"<span lang="ar" dir="rtl">العربية</span>"#);
    }

    #[test]
    fn the_readers_language_then_english_then_the_first() {
        let map: BTreeMap<Lang, &str> = [(lang("en"), "E"), (lang("fr"), "F"), (lang("zh-Hans"), "Z")].into();
        assert_eq!(preferred(&map, Ui::Fr).map(|(_, v)| *v), Some("F"));
        assert_eq!(preferred(&map, Ui::Zh).map(|(_, v)| *v), Some("Z"));
        assert_eq!(preferred(&map, Ui::Ar).map(|(_, v)| *v), Some("E"));
        let only: BTreeMap<Lang, &str> = [(lang("ru"), "R"), (lang("fr"), "F")].into();
        assert_eq!(preferred(&only, Ui::Ar).map(|(l, _)| l.as_str()), Some("fr"));
        assert!(preferred(&BTreeMap::<Lang, ()>::new(), Ui::En).is_none());
    }
}
