//! Word-level differences between two wordings of one article, for the
//! side-by-side diff: each side as runs of kept, deleted or inserted text.
//!
//! Words are runs of letters, digits and marks; each ideograph, kana or
//! hangul syllable (scripts written without spaces) and each punctuation
//! sign is a word of its own; whitespace runs are tokens too, so the
//! sides put back together are the texts exactly. The matching is
//! `similar`'s Myers diff over those tokens.
//!
//! What it is not: which articles differ — that is the core's one
//! `code::diff`; this only highlights the words within a changed text.

use similar::{capture_diff_slices, Algorithm, DiffTag};

/// What a run of text is on its side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mark {
    Same,
    /// Only on the before side.
    Deleted,
    /// Only on the after side.
    Inserted,
}

/// Both sides of a wording's change.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Sides {
    pub before: Vec<(Mark, String)>,
    pub after: Vec<(Mark, String)>,
}

impl Sides {
    /// How many runs were deleted and inserted.
    pub fn counts(&self) -> (usize, usize) {
        let deleted = self.before.iter().filter(|(m, _)| *m == Mark::Deleted).count();
        let inserted = self.after.iter().filter(|(m, _)| *m == Mark::Inserted).count();
        (deleted, inserted)
    }
}

/// Scripts written without spaces between words: each character is a word.
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x3FFFF) // CJK extensions B and later
}

/// Punctuation and symbols that end a word, in the scripts of the six
/// languages.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0x00A1..=0x00BF          // ¡ « » ¿ and Latin-1 signs
            | 0x060C | 0x061B | 0x061F | 0x066A..=0x066D // Arabic comma, semicolon, question mark
            | 0x2000..=0x206F        // general punctuation
            | 0x3000..=0x303F        // CJK symbols and punctuation
            | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
    // full-width
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Word,
    /// A token of one character.
    Single,
}

fn class(c: char) -> Class {
    if c.is_whitespace() {
        Class::Space
    } else if is_unspaced(c) || is_punctuation(c) {
        Class::Single
    } else {
        Class::Word
    }
}

/// `s` cut into words, whitespace runs and single signs (in order, so
/// that they join back into `s`).
pub(crate) fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<Class> = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        let joins = prev == Some(k) && k != Class::Single;
        if i > start && !joins {
            out.push(&s[start..i]);
            start = i;
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Appends `text` to a side, joining it to the last run when marked alike.
fn push(side: &mut Vec<(Mark, String)>, mark: Mark, text: String) {
    if text.is_empty() {
        return;
    }
    match side.last_mut() {
        Some((m, t)) if *m == mark => t.push_str(&text),
        _ => side.push((mark, text)),
    }
}

/// Folds whitespace kept between two changed runs into the change, so that
/// `a b c` → `x y c` reads as one deletion, not two.
fn fold_spaces(side: Vec<(Mark, String)>) -> Vec<(Mark, String)> {
    let mut out: Vec<(Mark, String)> = Vec::with_capacity(side.len());
    let mut it = side.into_iter().peekable();
    while let Some((mark, text)) = it.next() {
        let between_changes = mark == Mark::Same
            && text.chars().all(char::is_whitespace)
            && out.last().is_some_and(|(m, _)| *m != Mark::Same)
            && it.peek().is_some_and(|(m, _)| out.last().is_some_and(|(l, _)| l == m));
        if between_changes {
            if let (Some((_, last)), Some((_, next))) = (out.last_mut(), it.next()) {
                last.push_str(&text);
                last.push_str(&next);
            }
        } else {
            push(&mut out, mark, text);
        }
    }
    out
}

/// The word-level difference from `old` to `new`.
pub(crate) fn diff(old: &str, new: &str) -> Sides {
    let (a, b) = (tokens(old), tokens(new));
    let mut sides = Sides::default();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, ra, rb) = op.as_tag_tuple();
        let (old_part, new_part) = (a[ra].concat(), b[rb].concat());
        match tag {
            DiffTag::Equal => {
                push(&mut sides.before, Mark::Same, old_part);
                push(&mut sides.after, Mark::Same, new_part);
            }
            DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                push(&mut sides.before, Mark::Deleted, old_part);
                push(&mut sides.after, Mark::Inserted, new_part);
            }
        }
    }
    Sides { before: fold_spaces(sides.before), after: fold_spaces(sides.after) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(side: &[(Mark, String)]) -> String {
        side.iter().map(|(_, t)| t.as_str()).collect()
    }

    fn marked(side: &[(Mark, String)], mark: Mark) -> Vec<&str> {
        side.iter().filter(|(m, _)| *m == mark).map(|(_, t)| t.as_str()).collect()
    }

    #[test]
    fn tokens_join_back_into_the_text() {
        assert_eq!(tokens("To comply, with  the"), ["To", " ", "comply", ",", " ", "with", "  ", "the"]);
        assert_eq!(tokens("不利用信息"), ["不", "利", "用", "信", "息"]);
        assert_eq!(tokens("عدم استخدام، التكنولوجيا"), ["عدم", " ", "استخدام", "،", " ", "التكنولوجيا"]);
        assert!(tokens("").is_empty());
        for s in ["a  b\n\nc", "« d’accord » ¿sí?", "数字 2015年", "  "] {
            assert_eq!(tokens(s).concat(), s);
        }
    }

    #[test]
    fn changed_words_are_marked_on_their_side() {
        let d = diff("States pledge to comply with the Charter", "States pledge to respect the Charter fully");
        assert_eq!(joined(&d.before), "States pledge to comply with the Charter");
        assert_eq!(joined(&d.after), "States pledge to respect the Charter fully");
        assert_eq!(marked(&d.before, Mark::Deleted), ["comply with"]);
        assert_eq!(marked(&d.after, Mark::Inserted), ["respect", " fully"]);
        assert_eq!(d.counts(), (1, 2));
    }

    #[test]
    fn chinese_differs_by_character() {
        let d = diff("不利用信息通信技术", "不使用信息技术");
        assert_eq!(joined(&d.before), "不利用信息通信技术");
        assert_eq!(joined(&d.after), "不使用信息技术");
        assert_eq!(marked(&d.before, Mark::Deleted), ["利", "通信"]);
        assert_eq!(marked(&d.after, Mark::Inserted), ["使"]);
    }

    #[test]
    fn the_same_text_has_no_change() {
        let d = diff("الدول تتعهد", "الدول تتعهد");
        assert_eq!(d.before, [(Mark::Same, "الدول تتعهد".to_string())]);
        assert_eq!(d.counts(), (0, 0));
        let gone = diff("a b", "");
        assert_eq!(gone.before, [(Mark::Deleted, "a b".to_string())]);
        assert!(gone.after.is_empty());
    }
}
