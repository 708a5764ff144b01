//! A bare HTTP/1.1 client over one TCP connection, so the campaign sees exactly what the
//! server does with a connection: whether it answers, keeps it open, or closes it (a pooled
//! client such as reqwest would reconnect behind our back and hide a dropped connection).

use std::io;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One answer, as it came over the wire.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Whether the server said it closes the connection after this answer.
    pub fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"))
    }
}

/// How an exchange failed.
#[derive(Debug)]
pub enum ExchangeError {
    /// The connection ended (EOF or reset) before a whole answer came.
    Dropped(io::Error),
    /// The bytes were not HTTP/1.1.
    Malformed(String),
}

/// A kept-alive connection and the bytes read past the last answer.
pub struct Connection {
    stream: TcpStream,
    pending: Vec<u8>,
}

impl Connection {
    pub async fn open(address: &str) -> io::Result<Connection> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            pending: Vec::new(),
        })
    }

    /// Sends `request` (a whole HTTP/1.1 message) and reads the answer. Writing and reading run
    /// together: the server may answer (413, 404) before it read a large body, and must then
    /// either read the rest or say `Connection: close`. A write that fails after a whole
    /// answer arrived is the server's closing, reported through [`RawResponse::closes`].
    pub async fn exchange(
        &mut self,
        request: &[u8],
        head: bool,
    ) -> Result<(RawResponse, bool), ExchangeError> {
        let (mut reader, mut writer) = self.stream.split();
        let pending = &mut self.pending;
        let write = async {
            let written = writer.write_all(request).await;
            if written.is_ok() {
                writer.flush().await
            } else {
                written
            }
        };
        let read = read_response(&mut reader, pending, head);
        let (written, read) = tokio::join!(write, read);
        read.map(|response| (response, written.is_ok()))
    }
}

async fn fill(
    reader: &mut (impl AsyncReadExt + Unpin),
    pending: &mut Vec<u8>,
) -> Result<(), ExchangeError> {
    let mut chunk = [0u8; 16 * 1024];
    match reader.read(&mut chunk).await {
        Ok(0) => Err(ExchangeError::Dropped(io::ErrorKind::UnexpectedEof.into())),
        Ok(read) => {
            pending.extend_from_slice(&chunk[..read]);
            Ok(())
        }
        Err(error) => Err(ExchangeError::Dropped(error)),
    }
}

fn malformed(what: impl Into<String>) -> ExchangeError {
    ExchangeError::Malformed(what.into())
}

/// Reads one answer: the head, then a body by `Content-Length`, chunks, or up to the end.
async fn read_response(
    reader: &mut (impl AsyncReadExt + Unpin),
    pending: &mut Vec<u8>,
    head_request: bool,
) -> Result<RawResponse, ExchangeError> {
    let head_end = loop {
        if let Some(at) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if pending.len() > 64 * 1024 {
            return Err(malformed("a response head over 64 KiB"));
        }
        fill(reader, pending).await?;
    };
    let head = String::from_utf8(pending[..head_end].to_vec())
        .map_err(|_| malformed("a response head that is not UTF-8"))?;
    pending.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| malformed(format!("status line {status_line:?}")))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let mut response = RawResponse {
        status,
        headers,
        body: Vec::new(),
    };
    if head_request || status < 200 || status == 204 || status == 304 {
        return Ok(response);
    }
    if response
        .header("transfer-encoding")
        .is_some_and(|value| value.eq_ignore_ascii_case("chunked"))
    {
        response.body = read_chunked(reader, pending).await?;
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| malformed(format!("content-length {length:?}")))?;
        while pending.len() < length {
            fill(reader, pending).await?;
        }
        response.body = pending.drain(..length).collect();
    } else {
        // Neither: the body runs to the end of the connection.
        loop {
            match fill(reader, pending).await {
                Ok(()) => continue,
                Err(ExchangeError::Dropped(_)) => break,
                Err(other) => return Err(other),
            }
        }
        response.body = std::mem::take(pending);
        response
            .headers
            .push(("connection".to_owned(), "close".to_owned()));
    }
    Ok(response)
}

async fn read_chunked(
    reader: &mut (impl AsyncReadExt + Unpin),
    pending: &mut Vec<u8>,
) -> Result<Vec<u8>, ExchangeError> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(at) = pending.windows(2).position(|w| w == b"\r\n") {
                break at;
            }
            fill(reader, pending).await?;
        };
        let size_text = String::from_utf8_lossy(&pending[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| malformed(format!("chunk size {size_text:?}")))?;
        pending.drain(..line_end + 2);
        while pending.len() < size + 2 {
            fill(reader, pending).await?;
        }
        body.extend(pending.drain(..size));
        pending.drain(..2);
        if size == 0 {
            // Trailers are not used by the server; the empty line was just consumed.
            return Ok(body);
        }
    }
}
