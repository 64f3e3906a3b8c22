//! The six UN languages of the interface: Project Fluent messages under
//! `locales/<lang>/<area>.ftl`, compiled into the binary, and the choice of
//! a language for a request (`?lang=`, then the remembered cookie, then
//! `Accept-Language`, then English).
//!
//! A message missing in one language falls back to English and then to
//! its id; the test `every_language_has_every_message` keeps that from
//! happening in a release.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;
use unic_langid::LanguageIdentifier;

/// An interface language: the six official languages of the UN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ui {
    Ar,
    Zh,
    En,
    Fr,
    Ru,
    Es,
}

impl Ui {
    /// In the UN's order (alphabetical in English).
    pub const ALL: [Ui; 6] = [Ui::Ar, Ui::Zh, Ui::En, Ui::Fr, Ui::Ru, Ui::Es];

    pub fn code(self) -> &'static str {
        match self {
            Ui::Ar => "ar",
            Ui::Zh => "zh",
            Ui::En => "en",
            Ui::Fr => "fr",
            Ui::Ru => "ru",
            Ui::Es => "es",
        }
    }

    pub fn parse(s: &str) -> Option<Ui> {
        Ui::ALL.into_iter().find(|u| u.code().eq_ignore_ascii_case(s))
    }

    /// `rtl` for Arabic, else `ltr`.
    pub fn dir(self) -> &'static str {
        if self == Ui::Ar {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Ui::Ar => "العربية",
            Ui::Zh => "中文",
            Ui::En => "English",
            Ui::Fr => "Français",
            Ui::Ru => "Русский",
            Ui::Es => "Español",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Areas of the interface, one `.ftl` file each per language.
macro_rules! ftl_files {
    ($lang:literal) => {
        [
            include_str!(concat!("../locales/", $lang, "/common.ftl")),
            include_str!(concat!("../locales/", $lang, "/home.ftl")),
            include_str!(concat!("../locales/", $lang, "/members.ftl")),
            include_str!(concat!("../locales/", $lang, "/proposals.ftl")),
            include_str!(concat!("../locales/", $lang, "/code.ftl")),
            include_str!(concat!("../locales/", $lang, "/log.ftl")),
            include_str!(concat!("../locales/", $lang, "/desk.ftl")),
            include_str!(concat!("../locales/", $lang, "/registry.ftl")),
            include_str!(concat!("../locales/", $lang, "/witnesses.ftl")),
        ]
    };
}

/// The FTL sources of one language, all areas.
pub fn sources(ui: Ui) -> [&'static str; 9] {
    match ui {
        Ui::Ar => ftl_files!("ar"),
        Ui::Zh => ftl_files!("zh"),
        Ui::En => ftl_files!("en"),
        Ui::Fr => ftl_files!("fr"),
        Ui::Ru => ftl_files!("ru"),
        Ui::Es => ftl_files!("es"),
    }
}

type Bundle = FluentBundle<FluentResource>;

fn build(ui: Ui) -> Bundle {
    let id: LanguageIdentifier = ui.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // Pages set `dir` themselves; Unicode isolation marks around every
    // argument would end up in attributes and URLs.
    b.set_use_isolating(false);
    for src in sources(ui) {
        // Syntax errors are caught by the tests; a bad entry is skipped.
        let res = FluentResource::try_new(src.to_string()).unwrap_or_else(|(res, _)| res);
        let _ = b.add_resource(res);
    }
    b
}

fn bundles() -> &'static [Bundle; 6] {
    static B: OnceLock<[Bundle; 6]> = OnceLock::new();
    B.get_or_init(|| Ui::ALL.map(build))
}

fn format(b: &Bundle, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
    let msg = b.get_message(id)?;
    let pattern = msg.value()?;
    let mut errors = Vec::new();
    Some(b.format_pattern(pattern, args, &mut errors).into_owned())
}

/// The interface strings of one language.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    pub ui: Ui,
}

impl Tr {
    pub fn new(ui: Ui) -> Tr {
        Tr { ui }
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.lookup(id, None)
    }

    /// The message `id` with named arguments (numbers or strings).
    pub fn ta(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Str(s) => fa.set(*k, FluentValue::from(*s)),
                Arg::Num(n) => fa.set(*k, FluentValue::from(*n)),
            }
        }
        self.lookup(id, Some(&fa))
    }

    fn lookup(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let all = bundles();
        format(&all[self.ui.index()], id, args)
            .or_else(|| format(&all[Ui::En.index()], id, args))
            .unwrap_or_else(|| id.to_string())
    }
}

/// An argument of a message.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    Str(&'a str),
    Num(f64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}

impl From<u64> for Arg<'_> {
    fn from(n: u64) -> Self {
        // Counts shown here stay far below 2^53.
        #[allow(clippy::cast_precision_loss)]
        Arg::Num(n as f64)
    }
}

/// The language for a request: `?lang=` wins, then the cookie the
/// switcher set, then the best of `Accept-Language` (by q-value, first
/// listed on ties; `zh-Hans-CN` matches `zh`), then English.
pub fn choose(query: Option<&str>, cookie: Option<&str>, accept: Option<&str>) -> Ui {
    if let Some(u) = query.and_then(Ui::parse) {
        return u;
    }
    if let Some(u) = cookie.and_then(Ui::parse) {
        return u;
    }
    accept.and_then(from_accept_language).unwrap_or(Ui::En)
}

fn from_accept_language(header: &str) -> Option<Ui> {
    let mut best: Option<(u32, Ui)> = None;
    for part in header.split(',') {
        let mut it = part.split(';');
        let tag = it.next().unwrap_or("").trim();
        let q =
            it.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
        if q.is_nan() || q <= 0.0 || !q.is_finite() {
            continue;
        }
        // q has at most three decimals (RFC 9110).
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let q = (q.min(1.0) * 1000.0).round() as u32;
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(u) = Ui::parse(primary) {
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, u));
            }
        }
    }
    best.map(|(_, u)| u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_syntax::ast::Entry;
    use std::collections::BTreeSet;

    fn ids(ui: Ui) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (i, src) in sources(ui).iter().enumerate() {
            let res = match fluent_syntax::parser::parse(*src) {
                Ok(r) => r,
                Err((_, errs)) => panic!("{} area {i}: FTL syntax errors: {errs:?}", ui.code()),
            };
            for e in res.body {
                if let Entry::Message(m) = e {
                    assert!(out.insert(m.id.name.to_string()), "{}: {} defined twice", ui.code(), m.id.name);
                }
            }
        }
        out
    }

    #[test]
    fn counts_take_each_languages_plural_forms() {
        let forms = |ui: Ui, id: &str, ns: &[u64]| -> Vec<String> {
            ns.iter().map(|n| Tr::new(ui).ta(id, &[("count", (*n).into())])).collect()
        };
        let distinct = |v: &[String]| v.iter().collect::<BTreeSet<_>>().len();
        // English: one, other.
        assert_eq!(forms(Ui::En, "members-count", &[1, 12]), ["1 member state", "12 member states"]);
        // Russian: one (1, 21), few (3, 22), many (5, 12).
        let ru = forms(Ui::Ru, "members-count", &[1, 3, 5, 21, 22, 12]);
        assert_eq!(ru[0], "1 государство-член");
        assert_eq!(ru[1], "3 государства-члена");
        assert_eq!(ru[2], "5 государств-членов");
        assert_eq!(ru[3], "21 государство-член");
        assert_eq!(ru[4], "22 государства-члена");
        assert_eq!(ru[5], "12 государств-членов");
        // Arabic: zero, one, two, few (3–10), many (11–99), other (100).
        assert_eq!(distinct(&forms(Ui::Ar, "members-count", &[0, 1, 2, 3, 11, 100])), 6);
        // French: 0 and 1 are singular.
        assert_eq!(forms(Ui::Fr, "members-count", &[0, 1, 2]), ["0 État membre", "1 État membre", "2 États membres"]);
        // Seconds too, and the exact-number variant where a language has one.
        let ru = Tr::new(Ui::Ru);
        assert_eq!(ru.ta("proposals-seconds", &[("n", 2u64.into())]), "2 секунды");
        assert_eq!(ru.ta("home-all-open", &[("count", 1u64.into())]), "Единственное открытое голосование");
        assert_eq!(ru.ta("home-all-open", &[("count", 21u64.into())]), "Все 21 открытое голосование");
    }

    #[test]
    fn every_language_has_every_message() {
        let en = ids(Ui::En);
        assert!(!en.is_empty());
        for ui in Ui::ALL {
            let other = ids(ui);
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{}: missing {missing:?}, extra {extra:?}", ui.code());
        }
    }

    #[test]
    fn messages_are_translated_not_copied() {
        // A language whose strings are all English is not a translation.
        let tr_en = Tr::new(Ui::En);
        for ui in Ui::ALL.into_iter().filter(|u| *u != Ui::En) {
            let tr = Tr::new(ui);
            let same = ids(Ui::En).iter().filter(|id| tr.t(id) == tr_en.t(id)).count();
            let n = ids(Ui::En).len();
            assert!(same * 4 < n, "{}: {same} of {n} messages read as in English", ui.code());
        }
    }

    #[test]
    fn choice_of_language() {
        assert_eq!(choose(Some("ar"), Some("fr"), Some("ru")), Ui::Ar);
        assert_eq!(choose(Some("xx"), Some("fr"), Some("ru")), Ui::Fr);
        assert_eq!(choose(None, None, Some("de-DE, ru;q=0.8, fr;q=0.9")), Ui::Fr);
        assert_eq!(choose(None, None, Some("zh-Hans-CN,zh;q=0.9,en;q=0.8")), Ui::Zh);
        assert_eq!(choose(None, None, Some("es;q=0, ru;q=0.1")), Ui::Ru);
        assert_eq!(choose(None, None, Some("de")), Ui::En);
        assert_eq!(choose(None, None, Some(";;,,q=")), Ui::En);
        assert_eq!(choose(None, None, None), Ui::En);
    }

    #[test]
    fn arabic_is_right_to_left() {
        assert_eq!(Ui::Ar.dir(), "rtl");
        assert!(Ui::ALL.iter().filter(|u| **u != Ui::Ar).all(|u| u.dir() == "ltr"));
    }
}
