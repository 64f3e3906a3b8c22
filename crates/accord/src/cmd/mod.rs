//! One module per subcommand.

pub mod demo;
pub mod init;
pub mod keygen;
pub mod object;
pub mod propose;
pub mod rebuild;
pub mod serve;
pub mod submit;
pub mod taxii;
pub mod vote;
pub mod witness;
pub mod zone;
pub mod zone_live;
