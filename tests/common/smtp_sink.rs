//! A minimal SMTP server for tests: it accepts every message on loopback and keeps it, so the
//! app's real SMTP path (`SMTP_URL`, `lettre`) can be exercised without a mail server.
//!
//! It speaks just enough of RFC 5321 for a client that does not ask for TLS or AUTH: EHLO/HELO,
//! MAIL, RCPT, DATA, RSET, NOOP and QUIT.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One received message: the envelope and the raw DATA, as sent on the wire.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: String,
}

impl Received {
    /// The message with quoted-printable soft line breaks and `=XX` escapes undone, so a
    /// test can search it for a link however the client encoded the body.
    pub fn decoded(&self) -> String {
        let joined = self.data.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[i], hex) {
                (b'=', Some(byte)) => {
                    out.push(byte);
                    i += 3;
                }
                (byte, _) => {
                    out.push(byte);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, store.clone()));
            }
        });
        Self { port, messages }
    }

    /// `SMTP_URL` for the app: plain SMTP on loopback.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }
}

async fn session(stream: tokio::net::TcpStream, store: Arc<Mutex<Vec<Received>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut current = Received {
        mail_from: String::new(),
        rcpt_to: Vec::new(),
        data: String::new(),
    };
    let reply = |text: &'static str| text.as_bytes();
    if write.write_all(reply("220 sink ESMTP\r\n")).await.is_err() {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let answer: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            reply("250-sink\r\n250 8BITMIME\r\n")
        } else if let Some(from) = upper.strip_prefix("MAIL FROM:") {
            current.mail_from = line[line.len() - from.len()..].trim().to_owned();
            reply("250 OK\r\n")
        } else if let Some(to) = upper.strip_prefix("RCPT TO:") {
            current
                .rcpt_to
                .push(line[line.len() - to.len()..].trim().to_owned());
            reply("250 OK\r\n")
        } else if upper == "DATA" {
            if write.write_all(reply("354 End with .\r\n")).await.is_err() {
                return;
            }
            let mut data = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "." {
                    break;
                }
                // Undo dot-stuffing.
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                data.push_str("\r\n");
            }
            current.data = data;
            store.lock().unwrap().push(current.clone());
            current.rcpt_to.clear();
            reply("250 Queued\r\n")
        } else if upper == "QUIT" {
            let _ = write.write_all(reply("221 Bye\r\n")).await;
            return;
        } else if upper == "RSET" || upper == "NOOP" {
            reply("250 OK\r\n")
        } else {
            reply("502 Not implemented\r\n")
        };
        if write.write_all(answer).await.is_err() {
            return;
        }
    }
}
