//! Call control over FastAGI (SPEC §11): Asterisk asks `autoriser` before a call and `terminer`
//! at hang-up; the decisions are the core's (`forfaits_core::control`). `asterisk` plays the
//! telephony server's side of the protocol, byte for byte, for the tests and the benchmark.

pub mod asterisk;
mod probe;
pub mod protocol;
pub mod server;

pub use probe::probe;
pub use server::{serve, Config, DEFAULT_LISTEN};
