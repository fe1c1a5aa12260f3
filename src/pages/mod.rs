//! One module per route. The route table is in [`crate::app`].

pub mod design;
pub mod errors;
pub mod home;
