//! Dates and times in the reader's language: CLDR's patterns through
//! ICU4X (`6 déc. 2026, 00:41 UTC`, `2026年12月6日 00:41 UTC`), and for
//! deadlines also how far away they are (`dans 3 jours`, `2小时前`).
//!
//! Every time Accord shows is an entry time or a deadline in UTC, so the
//! zone is always UTC and said so. The machine-readable RFC 3339 stays in
//! `<time datetime>`.
//!
//! What it is not: a clock. Relative phrases are computed when the page
//! is rendered; the page cache keeps a page for a minute at most
//! (`cache.rs`), so they are never more than a minute stale.

use crate::i18n::Ui;
use chrono::{Datelike, Timelike};
use icu_datetime::fieldsets;
use icu_datetime::input::{Date, DateTime, Time};
use icu_datetime::options::TimePrecision;
use icu_datetime::DateTimeFormatter;
use icu_experimental::relativetime::{RelativeTimeFormatter, RelativeTimeFormatterOptions};
use icu_locale_core::Locale;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// Formatters of one language, made once per thread (ICU4X's are not
/// `Sync`; compiled data makes them cheap).
struct Formatters {
    datetime: DateTimeFormatter<fieldsets::YMDT>,
    minutes: RelativeTimeFormatter,
    hours: RelativeTimeFormatter,
    days: RelativeTimeFormatter,
}

impl Formatters {
    fn new(ui: Ui) -> Option<Formatters> {
        let locale: Locale = ui.code().parse().ok()?;
        let opts = RelativeTimeFormatterOptions::default();
        let fields = fieldsets::YMDT::medium().with_time_precision(TimePrecision::Minute);
        Some(Formatters {
            datetime: DateTimeFormatter::try_new(locale.clone().into(), fields).ok()?,
            minutes: RelativeTimeFormatter::try_new_long_minute(locale.clone().into(), opts).ok()?,
            hours: RelativeTimeFormatter::try_new_long_hour(locale.clone().into(), opts).ok()?,
            days: RelativeTimeFormatter::try_new_long_day(locale.into(), opts).ok()?,
        })
    }
}

thread_local! {
    static FORMATTERS: BTreeMap<Ui, Formatters> =
        Ui::ALL.into_iter().filter_map(|ui| Formatters::new(ui).map(|f| (ui, f))).collect();
}

/// `rfc3339` in `ui`, with its zone: `6 déc. 2026, 00:41 UTC`. A text that
/// is no RFC 3339 time is shown as it is.
pub fn absolute(ui: Ui, rfc3339: &str) -> String {
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(rfc3339) else {
        return rfc3339.to_string();
    };
    let t = t.to_utc();
    let (Ok(date), Ok(time)) = (
        Date::try_new_iso(t.year(), t.month() as u8, t.day() as u8),
        Time::try_new(t.hour() as u8, t.minute() as u8, 0, 0),
    ) else {
        return rfc3339.to_string();
    };
    let dt = DateTime { date, time };
    FORMATTERS
        .with(|f| f.get(&ui).map(|f| format!("{} UTC", f.datetime.format(&dt))))
        .unwrap_or_else(|| rfc3339.to_string())
}

/// How far `rfc3339` is from `now_ms` (Unix milliseconds), in `ui`: in
/// minutes under an hour, in hours under two days, else in days, rounded
/// toward now (`in 3 days`, `2 hours ago`); `None` for a text that is no
/// RFC 3339 time.
pub fn relative(ui: Ui, rfc3339: &str, now_ms: i64) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?.timestamp_millis();
    let delta = t.saturating_sub(now_ms);
    let (minute, hour, day) = (60_000i64, 3_600_000i64, 86_400_000i64);
    FORMATTERS.with(|f| {
        let f = f.get(&ui)?;
        let abs = delta.unsigned_abs() as i64;
        let s = if abs < hour {
            f.minutes.format((delta / minute).into()).to_string()
        } else if abs < 2 * day {
            f.hours.format((delta / hour).into()).to_string()
        } else {
            f.days.format((delta / day).into()).to_string()
        };
        Some(s)
    })
}

/// A timestamp as `<time>`: RFC 3339 in `datetime`, shown in `ui`.
pub fn time(ui: Ui, rfc3339: &str) -> Markup {
    html! { time datetime=(rfc3339) { (absolute(ui, rfc3339)) } }
}

/// A deadline: the time, and how far it is from now.
pub fn deadline(ui: Ui, rfc3339: &str) -> Markup {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    html! {
        (time(ui, rfc3339))
        @if let Some(r) = relative(ui, rfc3339, now) { " " span class="relative" { "(" (r) ")" } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_each_language_with_their_zone() {
        let t = "2026-12-06T00:41:00Z";
        assert_eq!(absolute(Ui::En, t), "Dec 6, 2026, 12:41\u{202f}AM UTC");
        assert_eq!(absolute(Ui::Fr, t), "6 déc. 2026, 00:41 UTC");
        assert_eq!(absolute(Ui::Zh, t), "2026年12月6日 00:41 UTC");
        assert!(absolute(Ui::Ru, t).starts_with("6 дек. 2026"), "{}", absolute(Ui::Ru, t));
        assert!(absolute(Ui::Ar, t).contains("2026"), "{}", absolute(Ui::Ar, t));
        assert_eq!(absolute(Ui::En, "not a time"), "not a time");
        assert_eq!(absolute(Ui::En, "2026-12-06T02:41:00+02:00"), "Dec 6, 2026, 12:41\u{202f}AM UTC", "shown in UTC");
    }

    #[test]
    fn deadlines_say_how_far_away_they_are() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-03T00:41:00Z").unwrap().timestamp_millis();
        let t = "2026-12-06T00:41:00Z";
        assert_eq!(relative(Ui::En, t, now).as_deref(), Some("in 3 days"));
        assert_eq!(relative(Ui::Fr, t, now).as_deref(), Some("dans 3 jours"));
        assert_eq!(relative(Ui::Zh, t, now).as_deref(), Some("3天后"));
        assert_eq!(relative(Ui::Ru, t, now).as_deref(), Some("через 3 дня"));
        assert_eq!(relative(Ui::Es, "2026-12-02T22:41:00Z", now).as_deref(), Some("hace 2 horas"));
        assert_eq!(relative(Ui::En, "2026-12-03T00:56:00Z", now).as_deref(), Some("in 15 minutes"));
        assert_eq!(relative(Ui::En, "nope", now), None);
    }
}
