//! The Bluum sandbox simulator (server only): the same HTTP API as Bluum's sandbox, run
//! in-process on loopback when no `BLUUM_API_KEY` is set, or on its own (`bluum-sim` binary).

// Market and order engine (pure)
pub mod engine;
pub mod error;
pub mod market;
