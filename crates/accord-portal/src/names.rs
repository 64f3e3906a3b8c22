//! Names in the reader's language.
//!
//! A member's name, or the body's, is what was signed for that language
//! (`names` in genesis, in `member.admit` or in `member.rename`). Where
//! none was, English reads the one name every member has, and the other
//! languages read CLDR's name for the member's ISO 3166 code (ICU4X's
//! compiled CLDR data: never a table typed here), then the one name.
//!
//! What it is not: a source of record. The log and the API carry only
//! what was signed; the fallback is the portal's reading aid.

use crate::i18n::{Tr, Ui};
use icu_experimental::displaynames::{DisplayNamesOptions, RegionDisplayNames};
use icu_locale_core::subtags::Region;
use icu_locale_core::Locale;
use std::collections::BTreeMap;

/// The name of `id` in `ui`: signed for it, else (English) `name`, else
/// CLDR's, else `name`.
pub(crate) fn in_language(ui: Ui, id: &str, name: &str, signed: Option<&str>) -> String {
    if let Some(n) = signed {
        return n.to_string();
    }
    if ui == Ui::En {
        return name.to_string();
    }
    cldr(ui, id).unwrap_or_else(|| name.to_string())
}

/// Member id → name in the reader's language, for pages that name many.
pub(crate) fn of_members(tr: Tr, rows: &[accord_store::MemberRow]) -> BTreeMap<String, String> {
    rows.iter().map(|m| (m.id.clone(), of_member(tr, m))).collect()
}

/// A member's name in the reader's language; the secretariat's is the
/// interface's word for it.
pub(crate) fn of_member(tr: Tr, m: &accord_store::MemberRow) -> String {
    if m.id == accord_core::MemberId::secretariat().as_str() {
        return tr.t("members-secretariat-name");
    }
    let ui = tr.ui;
    in_language(ui, &m.id, &m.name, m.names.get(ui.code()).map(String::as_str))
}

/// CLDR's name, in `ui`, of the region an id names: an ISO 3166-1 alpha-3
/// code (`KEN`) or alpha-2 (`KE`).
fn cldr(ui: Ui, id: &str) -> Option<String> {
    let alpha2 = match id.len() {
        3 => celes::Country::from_alpha3(id).ok()?.alpha2.to_string(),
        2 => id.to_string(),
        _ => return None,
    };
    let region: Region = alpha2.parse().ok()?;
    DISPLAYERS.with(|d| d.get(&ui).and_then(|names| names.of(region)).map(str::to_string))
}

thread_local! {
    /// One display-names reader per interface language, made once per
    /// thread (ICU4X's readers are not `Sync`; its compiled data makes
    /// them cheap).
    static DISPLAYERS: BTreeMap<Ui, RegionDisplayNames> = Ui::ALL
        .into_iter()
        .filter_map(|ui| {
            let locale: Locale = ui.code().parse().ok()?;
            RegionDisplayNames::try_new(locale.into(), DisplayNamesOptions::default()).ok().map(|n| (ui, n))
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_name_comes_first_then_english_then_cldr() {
        assert_eq!(in_language(Ui::Fr, "KEN", "Kenya", Some("République du Kenya")), "République du Kenya");
        assert_eq!(in_language(Ui::En, "KEN", "Republic of Kenya", None), "Republic of Kenya");
        let none = None;
        assert_eq!(in_language(Ui::Ar, "KEN", "Kenya", none), "كينيا");
        assert_eq!(in_language(Ui::Zh, "CHN", "China", none), "中国");
        assert_eq!(in_language(Ui::Ru, "DEU", "Germany", none), "Германия");
        assert_eq!(in_language(Ui::Es, "MEX", "Mexico", none), "México");
        // Not a country code: the one name.
        assert_eq!(in_language(Ui::Ar, "secretariat", "Secretariat", none), "Secretariat");
        assert_eq!(in_language(Ui::Ar, "M001", "Member 1", none), "Member 1");
        assert_eq!(in_language(Ui::Ar, "ZZZ", "Nowhere", none), "Nowhere");
    }
}
