//! HTTP/1.1 over a bare socket, for what a client library hides: keep-alive, `Connection:
//! close`, the server closing, verbs such as `CONNECT`, bytes sent slowly.

use serde_json::Value;
use std::net::SocketAddr;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

/// One connection, read and written separately (a large body can be sent while the answer is
/// read).
pub struct RawConnection {
    pub reader: RawReader,
    pub writer: OwnedWriteHalf,
}

/// The reading half.
pub struct RawReader(BufReader<OwnedReadHalf>);

/// A parsed answer.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub json: Value,
}

impl RawAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl RawConnection {
    pub async fn open(address: SocketAddr) -> RawConnection {
        let (read, write) = TcpStream::connect(address).await.unwrap().into_split();
        RawConnection {
            reader: RawReader(BufReader::new(read)),
            writer: write,
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
    }

    pub async fn answer(&mut self) -> Option<RawAnswer> {
        self.reader.answer().await
    }

    pub async fn closed_by_server(&mut self) -> bool {
        self.reader.closed_by_server().await
    }
}

/// Writes `length` bytes of `a`; stops quietly if the server closed meanwhile.
pub async fn send_body(writer: &mut OwnedWriteHalf, length: usize) {
    let chunk = vec![b'a'; 64 * 1024];
    let mut left = length;
    while left > 0 {
        let part = left.min(chunk.len());
        if writer.write_all(&chunk[..part]).await.is_err() {
            return;
        }
        left -= part;
    }
}

impl RawReader {
    /// Reads one answer; `None` when the server closed the connection instead.
    pub async fn answer(&mut self) -> Option<RawAnswer> {
        let mut status_line = String::new();
        if self.0.read_line(&mut status_line).await.ok()? == 0 {
            return None;
        }
        let status = status_line.split(' ').nth(1)?.parse().ok()?;
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.0.read_line(&mut line).await.ok()?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':')?;
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
        let length: usize = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        self.0.read_exact(&mut body).await.ok()?;
        Some(RawAnswer {
            status,
            headers,
            json: serde_json::from_slice(&body).unwrap_or(Value::Null),
        })
    }

    /// Whether the server has closed the connection: the next read ends (or fails) with no
    /// bytes. Waits for it, so call only when a close is expected or the test bounds it.
    pub async fn closed_by_server(&mut self) -> bool {
        let mut byte = [0u8; 1];
        matches!(self.0.read(&mut byte).await, Ok(0) | Err(_))
    }
}

/// `GET /rest/server.time` through `hook`, keeping the connection alive.
pub fn server_time(hook: &str) -> Vec<u8> {
    format!("GET {hook}/server.time HTTP/1.1\r\nHost: t\r\n\r\n").into_bytes()
}
