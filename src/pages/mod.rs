//! One module per route. The route table is in [`crate::app`].

pub mod account;
pub mod activity;
pub mod auth;
pub mod banks;
pub mod design;
pub mod errors;
pub mod home;
pub mod money;
pub mod onboarding;
pub mod outbox;
pub mod portfolio;
pub mod trade;
