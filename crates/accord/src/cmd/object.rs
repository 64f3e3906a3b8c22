//! `accord object`: break silence on a proposal under the silence procedure
//! (`silence.object`), so that it goes to a recorded vote; with
//! `--dissociate`, only record that the member dissociates itself from the
//! consensus (`silence.dissociate`), which does not break silence.

use crate::cmd::submit::Submitter;
use accord_core::acts::decision::SilenceNote;
use anyhow::Result;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ObjectArgs {
    /// Base URL of the node, e.g. http://127.0.0.1:8080.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// The objecting member's key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The proposal under the silence procedure.
    pub proposal: String,
    /// Why (recorded and public).
    #[arg(long)]
    pub reason: String,
    /// Dissociate from the consensus instead of objecting: recorded, but
    /// silence is not broken.
    #[arg(long)]
    pub dissociate: bool,
}

pub fn run(args: &ObjectArgs) -> Result<()> {
    let kind = if args.dissociate { "silence.dissociate" } else { "silence.object" };
    let body = SilenceNote { proposal: args.proposal.clone(), reason: args.reason.clone() };
    Submitter::new(&args.server, &args.key)?.submit_and_print(kind, serde_json::to_value(body)?, None)
}
