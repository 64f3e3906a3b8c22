//! `accord vote`: a recorded vote on a proposal (`vote.cast`).

use crate::cmd::submit::Submitter;
use accord_core::acts::decision::{VoteCast, VoteChoice};
use anyhow::{Context, Result};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct VoteArgs {
    /// Base URL of the node, e.g. http://127.0.0.1:8080.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// The voting member's key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The proposal (or amendment) id.
    pub proposal: String,
    /// The vote.
    #[arg(value_parser = ["yes", "no", "abstain"])]
    pub vote: String,
    /// An explanation of vote, recorded with it.
    #[arg(long)]
    pub explanation: Option<String>,
}

pub fn run(args: &VoteArgs) -> Result<()> {
    let vote: VoteChoice = serde_json::from_value(serde_json::Value::String(args.vote.clone()))
        .with_context(|| format!("{:?} is not yes, no or abstain", args.vote))?;
    let body = VoteCast { proposal: args.proposal.clone(), vote, explanation: args.explanation.clone() };
    Submitter::new(&args.server, &args.key)?.submit_and_print("vote.cast", serde_json::to_value(body)?, None)
}
