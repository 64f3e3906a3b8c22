//! One module per subcommand.

pub mod audit;
pub mod bench;
pub mod demo;
pub mod init;
pub mod keygen;
pub mod rebuild;
pub mod serve;
pub mod submit;
