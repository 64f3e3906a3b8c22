//! `accord`: the one command of the project — a thin CLI over the
//! libraries. It parses arguments, reads and writes files, and wires the
//! node, the HTTP server and the auditor together. No rules live here.

#![forbid(unsafe_code)]

/// mimalloc: the server allocates many small short-lived buffers per
/// request; glibc malloc showed up at about 7 % of server CPU.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use accord::cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "accord",
    version,
    about = "Accord: a multilateral, transparent and democratic body, run as a verifiable log"
)]
struct Cli {
    /// How log lines are written on stderr: text (coloured only on a terminal) or json (one object a line).
    #[arg(long, global = true, value_enum, default_value_t = cmd::serve::LogFormat::Text)]
    log_format: cmd::serve::LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a member's Ed25519 key file (mode 0600) and print its vkey.
    Keygen {
        /// The log origin, e.g. accord.example/log.
        #[arg(long)]
        origin: String,
        /// The member's id, e.g. FRA.
        #[arg(long)]
        member: String,
        /// Where to write the key file (refuses to overwrite).
        #[arg(long)]
        out: PathBuf,
    },
    /// Check fork evidence written by `accord audit --compare`: exit 0 if it proves that the log key signed two inconsistent checkpoints.
    Evidence {
        /// The evidence file.
        file: PathBuf,
    },
    /// Found a body: keys for the secretariat and the log, and the genesis entry.
    Init {
        /// Data directory to create (holds the database and the node's keys).
        #[arg(long)]
        data: PathBuf,
        /// Members file (TOML: origin, name, [[member]] id, name, vkey).
        #[arg(long)]
        members: PathBuf,
        /// Database URL (default: sqlite://DATA/accord.db).
        #[arg(long)]
        database: Option<String>,
    },
    /// Serve a body over HTTP, or HTTPS with --tls-cert and --tls-key.
    Serve {
        /// Data directory of the body (made by `accord init`).
        #[arg(long)]
        data: PathBuf,
        /// Address to listen on (port 0 picks a free port; the address is printed).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Database URL (default: sqlite://DATA/accord.db).
        #[arg(long)]
        database: Option<String>,
        #[command(flatten)]
        limits: cmd::serve::LimitArgs,
        #[command(flatten)]
        tls: cmd::serve::TlsArgs,
        /// Entries between two snapshots of the node's state (DATA/state.snapshot),
        /// from which the next start replays only what follows.
        #[arg(long, default_value_t = accord_node::DEFAULT_SNAPSHOT_EVERY, value_parser = clap::value_parser!(u64).range(1..))]
        snapshot_every: u64,
        #[command(flatten)]
        dns: cmd::serve::DnsArgs,
        #[command(flatten)]
        witnesses: cmd::serve::WitnessArgs,
    },
    /// The root zone registry: import a zone file as the initial registry.
    #[command(subcommand)]
    Zone(cmd::zone::ZoneCommand),
    /// Create (once) and serve a demonstration body of twelve member states.
    Demo {
        /// Folder for the demo body and its (non-secret) demo keys.
        #[arg(long, default_value = "accord-demo")]
        dir: PathBuf,
        /// Address to listen on (port 0 picks a free port; the address is printed).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Where the demo's root zone is served over DNS, UDP and TCP (port 0 picks one).
        #[arg(long, default_value = "127.0.0.1:5353")]
        dns_listen: std::net::SocketAddr,
    },
    /// Sign a statement with a key file and submit it to a node.
    Submit {
        /// Base URL of the node, e.g. http://127.0.0.1:8080.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        server: String,
        /// The member's key file.
        #[arg(long)]
        key: PathBuf,
        /// Statement type, e.g. note.publish.
        #[arg(long = "type")]
        kind: String,
        /// Statement body as JSON, e.g. '{"text":"hello"}'.
        #[arg(long)]
        body: String,
        /// Sequence number (default: the member's last accepted seq + 1, asked from the node).
        #[arg(long)]
        seq: Option<u64>,
    },
    /// Table a proposal (proposal.submit), signed with a member's key file.
    Propose(cmd::propose::ProposeArgs),
    /// Cast a recorded vote on a proposal (vote.cast).
    Vote(cmd::vote::VoteArgs),
    /// Object to a proposal under the silence procedure (silence.object),
    /// which sends it to a vote; or --dissociate from the consensus.
    Object(cmd::object::ObjectArgs),
    /// Verify a node from outside: checkpoint signature, every tile, every
    /// signature, every rule, and consistency with what was seen before.
    Audit(accord_audit::AuditArgs),
    /// Drop and rebuild every projection from the log (node must be stopped).
    Rebuild {
        /// Data directory of the body (its lock is taken: the node must be stopped).
        #[arg(long)]
        data: PathBuf,
        /// Database URL (default: sqlite://DATA/accord.db).
        #[arg(long)]
        database: Option<String>,
    },
    /// Threat sharing: TAXII credentials (HTTP Basic) and communities, by signed statements.
    #[command(subcommand)]
    Taxii(cmd::taxii::TaxiiCommand),
    /// Run a C2SP tlog-witness: cosign the checkpoints of the trusted logs (--logs FILE, or --follow the body at URL).
    Witness(cmd::witness::WitnessArgs),
    /// Generate a witness's Ed25519 key file (mode 0600) and print its cosigner vkey (type 0x04).
    WitnessKeygen {
        /// The witness's name, e.g. witness.fra.example/w1 (the name on its cosignatures).
        #[arg(long)]
        name: String,
        /// Where to write the key file (refuses to overwrite).
        #[arg(long)]
        out: PathBuf,
    },
    /// Benchmarks of the whole system on loopback: runs the `accord-bench`
    /// binary built beside this one (`cargo build --release -p accord-bench`).
    #[command(disable_help_flag = true)]
    Bench {
        /// What `accord-bench` takes: `log`, `audit`, `decisions`, `portal`, `start`, `zone-change`, `witness` or `taxii`, and its options (`accord bench --help`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cmd::serve::set_log_format(cli.log_format);
    cmd::serve::init_tracing();
    let result = match cli.command {
        Command::Keygen { origin, member, out } => cmd::keygen::run(&origin, &member, &out),
        Command::Init { data, members, database } => cmd::init::run(&data, &members, database.as_deref()),
        Command::Serve { data, listen, database, limits, tls, snapshot_every, dns, witnesses } => cmd::serve::run(
            &data,
            &listen,
            database.as_deref(),
            limits.into(),
            &tls,
            snapshot_every,
            cmd::serve::Extras { dns: &dns, witnesses: &witnesses },
        ),
        Command::Demo { dir, listen, dns_listen } => cmd::demo::run(&dir, &listen, dns_listen),
        Command::Zone(z) => cmd::zone::run(&z),
        Command::Submit { server, key, kind, body, seq } => cmd::submit::run(&server, &key, &kind, &body, seq),
        Command::Propose(args) => cmd::propose::run(&args),
        Command::Vote(args) => cmd::vote::run(&args),
        Command::Object(args) => cmd::object::run(&args),
        Command::Audit(args) => return accord_audit::run(args),
        Command::Evidence { file } => return accord_audit::fork::check_file(&file),
        Command::Rebuild { data, database } => cmd::rebuild::run(&data, database.as_deref()),
        Command::Taxii(t) => cmd::taxii::run(&t),
        Command::Witness(args) => cmd::witness::run(&args),
        Command::WitnessKeygen { name, out } => cmd::witness::keygen(&name, &out),
        Command::Bench { args } => return bench(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The node refused a statement: its answer, exit 1.
        Err(e) if e.is::<cmd::submit::Refused>() => {
            eprintln!("accord: {e:#}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("accord: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `accord bench …`: the benchmarks are a binary of their own, out of this
/// one; run it with the same arguments and pass its exit status on.
fn bench(args: &[std::ffi::OsString]) -> ExitCode {
    let exe = std::env::current_exe()
        .map(|e| e.with_file_name(format!("accord-bench{}", std::env::consts::EXE_SUFFIX)))
        .ok()
        .filter(|e| e.exists())
        .unwrap_or_else(|| PathBuf::from("accord-bench"));
    match std::process::Command::new(&exe).args(args).status() {
        Ok(status) => ExitCode::from(status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(2)),
        Err(e) => {
            eprintln!(
                "accord: error: cannot run {} ({e}): the benchmarks are their own binary; build it with \
                 `cargo build --release -p accord-bench` (it is found beside accord, or on the PATH)",
                exe.display()
            );
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every option, positional argument and subcommand of every command
    /// says what it is in `--help`.
    #[test]
    fn every_argument_of_every_command_has_help_text() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
                let has = arg.get_help().is_some_and(|h| !h.to_string().trim().is_empty())
                    || arg.get_long_help().is_some_and(|h| !h.to_string().trim().is_empty());
                if !has {
                    missing.push(format!("{path}: {}", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                let name = format!("{path} {}", sub.get_name());
                if sub.get_about().is_none() && sub.get_long_about().is_none() {
                    missing.push(format!("{name}: the command itself"));
                }
                walk(sub, &name, missing);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "accord", &mut missing);
        assert!(missing.is_empty(), "without help text:\n{}", missing.join("\n"));
    }
}
