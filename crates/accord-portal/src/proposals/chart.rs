//! The results chart of a recorded vote: inline SVG drawn on the server,
//! one horizontal bar each for yes, no, abstain and not voting, each
//! labelled with its name and its count in text, so that it reads without
//! JavaScript, without colour and without any font but the system's.
//! Right-to-left pages get the mirror image (labels on the right).
//!
//! What it is not: not the numbers' source of truth — the tally table
//! beside it carries them for machines and screen readers too.

use crate::ctx::Ctx;
use accord_core::decisions::Tally;
use maud::{html, Markup};

const WIDTH: u64 = 560;
/// Room for the category names.
const LABEL_W: u64 = 150;
/// The longest bar; the rest is room for the count.
const BAR_MAX: u64 = 330;
const ROW_H: u64 = 30;
const BAR_H: u64 = 18;

/// `(message id, colour, count)` of each bar, in the order shown. The
/// colours are the stylesheet's `--yes`, `--no`, `--abstain`, `--none`
/// (CSS variables do not reach SVG presentation attributes).
fn bars(t: &Tally) -> [(&'static str, &'static str, u64); 4] {
    [
        ("proposals-vote-yes", "#1b6e2c", t.yes),
        ("proposals-vote-no", "#a4161a", t.no),
        ("proposals-vote-abstain", "#5c5c5c", t.abstain),
        ("proposals-not-voting", "#9aa0a6", t.not_voting),
    ]
}

/// Bar length for `count` when the largest count is `max`.
fn bar_len(count: u64, max: u64) -> u64 {
    count.saturating_mul(BAR_MAX).checked_div(max).unwrap_or(0)
}

/// The chart of `t`. `id` prefixes the ids of its title and description.
pub(crate) fn chart(ctx: &Ctx, t: &Tally, id: &str) -> Markup {
    let rows = bars(t);
    let max = rows.iter().map(|r| r.2).max().unwrap_or(0);
    let height = ROW_H * rows.len() as u64 + 8;
    let rtl = ctx.ui().dir() == "rtl";
    // In either direction, `text-anchor="start"` puts a label's reading
    // start at its x: the left edge on LTR pages, the right on RTL ones.
    let x = |ltr_x: u64, w: u64| if rtl { WIDTH - ltr_x - w } else { ltr_x };
    let desc = ctx.tr.ta(
        "proposals-chart-desc",
        &[("yes", t.yes.into()), ("no", t.no.into()), ("abstain", t.abstain.into()), ("none", t.not_voting.into())],
    );
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    html! {
        svg class="chart" role="img" aria-labelledby=(title_id) aria-describedby=(desc_id)
            xmlns="http://www.w3.org/2000/svg" width=(WIDTH) height=(height)
            viewBox=(format!("0 0 {WIDTH} {height}")) direction=(ctx.ui().dir()) {
            title id=(title_id) { (ctx.t("proposals-chart-title")) }
            desc id=(desc_id) { (desc) }
            @for (i, (name, colour, count)) in rows.iter().enumerate() {
                @let top = ROW_H * i as u64 + 4;
                @let len = bar_len(*count, max);
                @let baseline = top + BAR_H - 4;
                text x=(x(0, 0)) y=(baseline) text-anchor="start" { (ctx.t(name)) }
                rect x=(x(LABEL_W, len)) y=(top) width=(len) height=(BAR_H) fill=(*colour) {}
                text x=(x(LABEL_W + len + 6, 0)) y=(baseline) text-anchor="start" class="count" { (count) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Tr, Ui};

    fn ctx(ui: Ui) -> Ctx {
        Ctx { tr: Tr::new(ui), path: "/proposals/p".into(), query_rest: String::new(), remember: false }
    }

    #[test]
    fn bars_scale_to_the_largest_count() {
        assert_eq!(bar_len(0, 0), 0);
        assert_eq!(bar_len(3, 3), BAR_MAX);
        assert_eq!(bar_len(1, 2), BAR_MAX / 2);
    }

    #[test]
    fn every_count_is_written_in_text() {
        let t = Tally { yes: 7, no: 2, abstain: 1, not_voting: 4 };
        let svg = chart(&ctx(Ui::En), &t, "c").into_string();
        assert!(svg.starts_with("<svg class=\"chart\" role=\"img\" aria-labelledby=\"c-title\""), "{svg}");
        for n in ["7", "2", "1", "4"] {
            assert!(svg.contains(&format!("class=\"count\">{n}</text>")), "{n} in {svg}");
        }
        assert!(svg.contains("<title id=\"c-title\">") && svg.contains("<desc id=\"c-desc\">"), "{svg}");
        assert_eq!(svg.matches("<rect ").count(), 4);
    }

    #[test]
    fn right_to_left_pages_mirror_the_bars() {
        let t = Tally { yes: 1, no: 0, abstain: 0, not_voting: 0 };
        let ltr = chart(&ctx(Ui::En), &t, "c").into_string();
        let rtl = chart(&ctx(Ui::Ar), &t, "c").into_string();
        assert!(ltr.contains(&format!("<rect x=\"{LABEL_W}\"")), "{ltr}");
        assert!(rtl.contains(&format!("<rect x=\"{}\"", WIDTH - LABEL_W - BAR_MAX)), "{rtl}");
        assert!(rtl.contains("direction=\"rtl\""), "{rtl}");
    }
}
