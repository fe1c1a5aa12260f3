//! `#[server]` functions: the only way the browser reaches server code. Grouped by feature;
//! each one resolves the signed-in user from the session, never from its arguments.
