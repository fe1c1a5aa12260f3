//! Bank accounts.
