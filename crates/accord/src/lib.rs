//! The `accord` command's library: one module per subcommand (`cmd`) and
//! the files they read and write (`files`), so that `accord-bench` can
//! found and serve bodies as the command does. The binary (`main.rs`)
//! only parses arguments and dispatches.
//!
//! What it is not: a library for others to build on; the crates below it
//! (`accord-core`, `accord-node`, …) are that.

#![forbid(unsafe_code)]

pub mod cmd;
pub mod files;
/// Progress bars: the auditor's own, shared by every long command.
pub use accord_audit::progress;
