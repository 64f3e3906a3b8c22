//! Traffic Light Protocol markings.
//!
//! TLP 1.0 is built into STIX 2.1 (§7.2.1.4: four marking-definition
//! objects with fixed ids, `definition_type: "tlp"`; other instances MUST
//! NOT be created). TLP 2.0 is published as five marking-definition
//! objects with fixed ids carrying the extension
//! `extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d`
//! (`"tlp_2_0": "clear" | "green" | "amber" | "amber+strict" | "red"`).
//!
//! An object is never more visible than its most restrictive marking:
//! [`classify_markings`] returns the highest [`Tlp`] among the refs it is
//! given and keeps every other marking ref for the caller.

use crate::ids::StixId;
use crate::validate::StixObject;

/// TLP levels, ordered by restrictiveness (`Clear` is the least).
/// TLP 1.0 WHITE is `Clear`; TLP 1.0 AMBER is `Amber`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

/// The TLP 2.0 extension definition.
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// The TLP 1.0 marking definitions of STIX 2.1, with their `definition.tlp` word.
pub const TLP1: [(&str, &str, Tlp); 4] = [
    ("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "white", Tlp::Clear),
    ("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green", Tlp::Green),
    ("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber", Tlp::Amber),
    ("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red", Tlp::Red),
];

/// The TLP 2.0 marking definitions, with their `tlp_2_0` word.
pub const TLP2: [(&str, &str, Tlp); 5] = [
    ("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "clear", Tlp::Clear),
    ("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green", Tlp::Green),
    ("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber", Tlp::Amber),
    ("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict", Tlp::AmberStrict),
    ("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "red", Tlp::Red),
];

impl Tlp {
    /// The TLP level a marking-definition id stands for, if it is one of
    /// the nine fixed TLP 1.0 / 2.0 ids.
    pub fn of_marking(id: &StixId) -> Option<Tlp> {
        TLP1.iter().chain(TLP2.iter()).find(|(m, _, _)| *m == id.as_str()).map(|(_, _, t)| *t)
    }

    /// TLP 2.0 label, e.g. `TLP:AMBER+STRICT`.
    pub fn label(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }
}

/// The markings of an object, split.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Markings {
    /// The most restrictive TLP among the refs, if any is a TLP marking.
    pub tlp: Option<Tlp>,
    /// Every marking ref that is not a TLP marking, in order, without repeats.
    pub other: Vec<StixId>,
}

/// Splits marking refs into the most restrictive TLP and the rest.
pub fn classify_markings<'a>(refs: impl IntoIterator<Item = &'a StixId>) -> Markings {
    let mut m = Markings::default();
    for r in refs {
        match Tlp::of_marking(r) {
            Some(t) => m.tlp = m.tlp.max(Some(t)),
            None => {
                if !m.other.contains(r) {
                    m.other.push(r.clone());
                }
            }
        }
    }
    m
}

/// The TLP of a validated object: the most restrictive TLP marking it
/// carries (see [`StixObject::tlp`]).
pub fn tlp_of(object: &StixObject) -> Option<Tlp> {
    object.tlp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> StixId {
        StixId::parse(s).unwrap()
    }

    #[test]
    fn fixed_ids_parse_and_map() {
        for (s, _, t) in TLP1.iter().chain(TLP2.iter()) {
            assert_eq!(Tlp::of_marking(&id(s)), Some(*t));
        }
        StixId::parse(TLP2_EXTENSION).unwrap();
    }

    #[test]
    fn order() {
        assert!(Tlp::Clear < Tlp::Green);
        assert!(Tlp::Green < Tlp::Amber);
        assert!(Tlp::Amber < Tlp::AmberStrict);
        assert!(Tlp::AmberStrict < Tlp::Red);
    }

    #[test]
    fn most_restrictive_mixed_versions() {
        let white1 = id(TLP1[0].0);
        let amber1 = id(TLP1[2].0);
        let strict2 = id(TLP2[3].0);
        let green2 = id(TLP2[1].0);
        let red1 = id(TLP1[3].0);
        let other = id("marking-definition--6ba7b810-9dad-41d1-80b4-00c04fd430c8");
        let m = classify_markings([&white1, &strict2, &amber1, &other, &other]);
        assert_eq!(m.tlp, Some(Tlp::AmberStrict));
        assert_eq!(m.other, vec![other.clone()]);
        assert_eq!(classify_markings([&green2, &red1]).tlp, Some(Tlp::Red));
        assert_eq!(classify_markings([&white1]).tlp, Some(Tlp::Clear));
        assert_eq!(classify_markings([&other]).tlp, None);
        assert_eq!(classify_markings([]).tlp, None);
    }
}
