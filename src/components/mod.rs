//! UI building blocks used by every page: the app frame ([`layout`]) and the design system
//! pieces ([`ui`], [`form`], [`toast`], [`chart`]), and live updates for islands ([`live`]). Styling tokens and classes live in `style/tailwind.css`.

pub mod chart;
pub mod form;
pub mod journey;
pub mod layout;
pub mod live;
pub mod toast;
pub mod ui;
