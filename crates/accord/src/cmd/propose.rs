//! `accord propose`: table a proposal (`proposal.submit`).

use crate::cmd::submit::{now, Submitter};
use accord_core::acts::decision::{parse_deadline, Action, Procedure, ProposalSubmit, Question};
use accord_core::decisions::rules::DEFAULT_IMPORTANT;
use accord_core::Timestamp;
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("body_text").required(true).args(["text", "text_file"])))]
#[command(group(clap::ArgGroup::new("deadline").required(true).args(["closes", "closes_in"])))]
pub struct ProposeArgs {
    /// Base URL of the node, e.g. http://127.0.0.1:8080.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// The sponsor's key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The proposal's id: 1–64 of a-z, 0-9 and '-', e.g. admit-nor.
    #[arg(long)]
    pub id: String,
    /// The proposal's title, as the portal lists it.
    #[arg(long)]
    pub title: String,
    /// The proposal's text.
    #[arg(long)]
    pub text: Option<String>,
    /// A file holding the proposal's text (UTF-8).
    #[arg(long)]
    pub text_file: Option<PathBuf>,
    /// ordinary or important (default: important when the action is one of
    /// member.admit, member.suspend, member.reinstate, rules.change; else
    /// ordinary).
    #[arg(long, value_parser = ["ordinary", "important"])]
    pub question: Option<String>,
    /// vote (a recorded vote until the deadline) or silence (adopted by
    /// consensus at the deadline unless a member objects).
    #[arg(long, value_parser = ["vote", "silence"], default_value = "vote")]
    pub procedure: String,
    /// The deadline, RFC 3339 UTC in whole seconds: 2026-11-25T18:00:00Z.
    #[arg(long)]
    pub closes: Option<String>,
    /// The deadline from now: 90s, 10m, 72h or 7d.
    #[arg(long)]
    pub closes_in: Option<String>,
    /// What adoption does, as JSON, e.g.
    /// '{"type":"member.admit","member":"NOR","name":"Norway","vkey":"…"}'.
    #[arg(long)]
    pub action: Option<String>,
}

/// `90s`, `10m`, `72h`, `7d` (a bare number is seconds) → seconds.
pub fn parse_duration(s: &str) -> Result<i64> {
    let s = s.trim();
    let (digits, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: i64 = digits.parse().map_err(|_| anyhow!("duration {s:?} is not like 90s, 10m, 72h or 7d"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => bail!("duration {s:?}: unit must be s, m, h or d"),
    };
    n.checked_mul(mult).filter(|v| *v > 0).ok_or_else(|| anyhow!("duration {s:?} must be positive and sensible"))
}

fn enum_value<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).with_context(|| format!("{s:?}"))
}

/// The statement body `args` describe (checked as the node would parse it).
pub fn body(args: &ProposeArgs) -> Result<serde_json::Value> {
    let text = match (&args.text, &args.text_file) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?,
        (None, None) => bail!("give --text or --text-file"),
    };
    let closes = match (&args.closes, &args.closes_in) {
        (Some(c), _) => {
            parse_deadline("--closes", c).map_err(|e| anyhow!(e))?;
            c.clone()
        }
        (None, Some(d)) => {
            let secs = parse_duration(d)?;
            Timestamp::from_millis(now().millis().saturating_add(secs.saturating_mul(1000))).to_rfc3339()
        }
        (None, None) => bail!("give --closes or --closes-in"),
    };
    let action: Option<Action> = match &args.action {
        Some(a) => Some(serde_json::from_str(a).context("--action is not a known action")?),
        None => None,
    };
    let question: Question = match &args.question {
        Some(q) => enum_value(q)?,
        None if action.as_ref().is_some_and(|a| DEFAULT_IMPORTANT.contains(&a.type_name())) => Question::Important,
        None => Question::Ordinary,
    };
    let procedure: Procedure = enum_value(&args.procedure)?;
    let submit =
        ProposalSubmit { id: args.id.clone(), title: args.title.clone(), text, question, procedure, closes, action };
    Ok(serde_json::to_value(submit)?)
}

pub fn run(args: &ProposeArgs) -> Result<()> {
    let body = body(args)?;
    Submitter::new(&args.server, &args.key)?.submit_and_print("proposal.submit", body, None)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap(), 90);
        assert_eq!(parse_duration("10m").unwrap(), 600);
        assert_eq!(parse_duration("72h").unwrap(), 259_200);
        assert_eq!(parse_duration("7d").unwrap(), 604_800);
        assert_eq!(parse_duration("15").unwrap(), 15);
        for bad in ["", "0s", "s", "10x", "-5s", "1.5h", "99999999999999999999s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}
