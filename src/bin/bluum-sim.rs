//! `bluum-sim`: the Bluum sandbox simulator on its own, for testing any Bluum client.
//!
//! ```text
//! bluum-sim serve [--addr 127.0.0.1:4010] [--nyse]   run until Ctrl-C
//! bluum-sim reset                                    wipe the simulator's data
//! ```
//!
//! `reset` empties the `bluum_sim` schema; stop any running simulator (or the app, which
//! embeds one) first, since a running one keeps its state in memory and writes it back.
//!
//! State lives in the `bluum_sim` schema of `DATABASE_URL` (default: the app's local
//! database). The key pair is `BLUUM_SIM_API_KEY` / `BLUUM_SIM_API_SECRET`, or the demo pair.

use std::net::SocketAddr;
use std::process::ExitCode;

use bluum_invest::bluum_sim::{self, MarketHours, SimOptions};
use bluum_invest::server::{config::DEFAULT_DATABASE_URL, db, telemetry};
use secrecy::{ExposeSecret, SecretString};

const USAGE: &str = "usage: bluum-sim serve [--addr 127.0.0.1:4010] [--nyse] | bluum-sim reset";
const DEFAULT_ADDR: &str = "127.0.0.1:4010";

enum Command {
    Serve { addr: SocketAddr, nyse: bool },
    Reset,
}

fn parse(args: &[String]) -> Result<Command, String> {
    match args.first().map(String::as_str) {
        Some("serve") => {
            let mut addr = DEFAULT_ADDR.to_owned();
            let mut nyse = false;
            let mut rest = args[1..].iter();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--addr" => {
                        addr = rest
                            .next()
                            .ok_or("--addr needs a value such as 127.0.0.1:4010")?
                            .clone()
                    }
                    "--nyse" => nyse = true,
                    other => return Err(format!("unknown option {other:?}")),
                }
            }
            let addr = addr
                .parse()
                .map_err(|_| format!("--addr {addr:?} is not an IP address and port"))?;
            Ok(Command::Serve { addr, nyse })
        }
        Some("reset") if args.len() == 1 => Ok(Command::Reset),
        _ => Err(USAGE.to_owned()),
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[tokio::main]
async fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    telemetry::init(false);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let url =
        SecretString::from(env("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()));
    let pool = match db::connect_and_migrate(&url).await {
        Ok(pool) => pool,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };

    match command {
        Command::Reset => match bluum_sim::store::wipe(&pool).await {
            Ok(()) => {
                println!(
                    "bluum-sim: simulator data wiped ({})",
                    db::redacted_target(url.expose_secret())
                );
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("bluum-sim: reset failed: {err}");
                ExitCode::FAILURE
            }
        },
        Command::Serve { addr, nyse } => {
            let defaults = SimOptions::default();
            let options = SimOptions {
                api_key: env("BLUUM_SIM_API_KEY").unwrap_or(defaults.api_key.clone()),
                api_secret: env("BLUUM_SIM_API_SECRET")
                    .map(SecretString::from)
                    .unwrap_or(defaults.api_secret.clone()),
                addr: Some(addr),
                market_hours: if nyse {
                    MarketHours::Nyse
                } else {
                    MarketHours::AlwaysOpen
                },
                ..defaults
            };
            let handle = match bluum_sim::start(pool, options).await {
                Ok(handle) => handle,
                Err(err) => {
                    eprintln!("bluum-sim: {err}");
                    return ExitCode::FAILURE;
                }
            };
            // Printing the credentials is the point of this command: it is a local sandbox.
            println!("Bluum sandbox simulator on {}", handle.base_url);
            println!("  BLUUM_BASE_URL={}", handle.base_url);
            println!("  BLUUM_API_KEY={}", handle.api_key);
            println!("  BLUUM_API_SECRET={}", handle.api_secret.expose_secret());
            println!(
                "  BLUUM_WEBHOOK_SECRET={}",
                handle.webhook_secret.expose_secret()
            );
            println!("Press Ctrl-C to stop.");
            stop_signal().await;
            handle.shutdown().await;
            ExitCode::SUCCESS
        }
    }
}

/// Ctrl-C or SIGTERM (what `docker stop` and `kill` send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn commands_parse() {
        assert!(matches!(parse(&args(&["reset"])), Ok(Command::Reset)));
        match parse(&args(&["serve", "--addr", "127.0.0.1:5000", "--nyse"])) {
            Ok(Command::Serve { addr, nyse }) => {
                assert_eq!(addr.port(), 5000);
                assert!(nyse);
            }
            _ => panic!("serve should parse"),
        }
        match parse(&args(&["serve"])) {
            Ok(Command::Serve { addr, nyse }) => {
                assert_eq!(addr.to_string(), DEFAULT_ADDR);
                assert!(!nyse);
            }
            _ => panic!("serve should parse"),
        }
        assert!(parse(&args(&[])).is_err());
        assert!(parse(&args(&["serve", "--addr"])).is_err());
        assert!(parse(&args(&["serve", "--addr", "nope"])).is_err());
        assert!(parse(&args(&["reset", "x"])).is_err());
    }
}
