//! UI building blocks used by every page: the app frame ([`layout`]) and the design system
//! pieces ([`ui`], [`form`], [`toast`]). Styling tokens and classes live in `style/tailwind.css`.

pub mod form;
pub mod journey;
pub mod layout;
pub mod toast;
pub mod ui;
