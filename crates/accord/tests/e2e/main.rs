//! End-to-end tests of the `accord` binary: each starts the real binary on
//! loopback and talks to it over HTTP, as users and outside tools do.
//! One test binary for the crate; one module per concern.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod audit;
mod bad_input;
mod basic;
mod browser;
mod code;
mod connections;
mod crash;
mod decisions;
mod demo;
mod interop;
mod names;
mod operations;
mod portal_code;
mod portal_desk;
mod portal_languages;
mod portal_log;
mod portal_members;
mod portal_proposals;
mod portal_registry;
mod proposals;
mod published;
mod taxii;
mod tls;
mod trust;
mod witness;
mod witnessed;
mod zone;
mod zone_interop;
mod zone_live;
