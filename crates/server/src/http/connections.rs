//! Our accept loop, for what `axum::serve` does not offer: a cap on open connections, a time
//! limit on receiving a request's headers, and one on a kept-alive connection that sends
//! nothing. Without them a client sending one header byte a second, or thousands of idle
//! connections, hold the server's sockets for as long as they like.
//!
//! Each connection has a [`Watch`]: the connection's phase (idle since, receiving headers
//! since, or busy with requests), moved on by the bytes that arrive and by requests starting
//! and ending. A watchdog closes the connection when the phase's deadline passes. A busy
//! connection has no deadline here; the method's own time limit is in `rest.rs`.
//!
//! The same loop serves HTTPS ([`Transport::Tls`]): the TLS handshake must finish within the
//! header time limit too.

use super::respond;
use super::route::Format;
use crate::rpc::ApiError;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use openlines_wire::ErrorCode;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;
use tower::ServiceExt;

/// The limits on connections (`serve --header-read-timeout`, `--idle-timeout`,
/// `--max-connections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// From the first byte of a request to the end of its headers.
    pub header_read_timeout: Duration,
    /// How long a connection may stay open between requests without sending a byte.
    pub idle_timeout: Duration,
    /// Open connections served at once; one more is answered `503` and closed.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(15),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}

/// Plain HTTP, or HTTPS with this configuration (read again for each connection, so a
/// reloaded certificate takes effect).
#[derive(Clone)]
pub enum Transport {
    Plain,
    Tls(axum_server::tls_rustls::RustlsConfig),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Transport::Plain => "Plain",
            Transport::Tls(_) => "Tls",
        })
    }
}

/// Connections over the cap that may be answered at once; beyond these a new connection is
/// closed without an answer, so a flood costs no more than this many tasks.
const REFUSALS_AT_ONCE: usize = 64;

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then lets open
/// requests finish.
pub async fn serve(
    listener: TcpListener,
    transport: Transport,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let refusals = Arc::new(Semaphore::new(REFUSALS_AT_ONCE));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or a peer that reset before we accepted: the
                    // listener itself is fine. Pause briefly so a full fd table is not a busy loop.
                    tracing::warn!(error.cause = %error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Ok(slot) = Arc::clone(&slots).try_acquire_owned() {
            let connection = Connection {
                app: app.clone(),
                watch: Arc::new(Watch::new()),
                remote,
                limits,
            };
            let (transport, watcher) = (transport.clone(), graceful.watcher());
            tokio::spawn(async move {
                connection.run(stream, transport, watcher).await;
                drop(slot);
            });
        } else if let Ok(permit) = Arc::clone(&refusals).try_acquire_owned() {
            let transport = transport.clone();
            tokio::spawn(async move {
                refuse(stream, &transport, limits.header_read_timeout).await;
                drop(permit);
            });
        }
        // Else: dropped, closed at once.
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// One accepted connection within its slot.
struct Connection {
    app: Router,
    watch: Arc<Watch>,
    remote: SocketAddr,
    limits: ConnectionLimits,
}

impl Connection {
    /// Serves the connection until it ends, or its watchdog or the TLS handshake's time
    /// limit ends it.
    async fn run(self, stream: TcpStream, transport: Transport, watcher: Watcher) {
        let socket = Watched {
            inner: stream,
            watch: Arc::clone(&self.watch),
        };
        let watch = Arc::clone(&self.watch);
        let (remote, limits) = (self.remote, self.limits);
        let served = async {
            match transport {
                Transport::Plain => self.serve(socket, watcher).await,
                Transport::Tls(config) => {
                    let acceptor = tokio_rustls::TlsAcceptor::from(config.get_inner());
                    if let Ok(Ok(tls)) =
                        tokio::time::timeout(limits.header_read_timeout, acceptor.accept(socket))
                            .await
                    {
                        self.serve(tls, watcher).await;
                    }
                }
            }
        };
        tokio::select! {
            () = served => {}
            () = watch.expired(limits) => {
                tracing::debug!(client = %remote, "closed an idle or slow connection");
            }
        }
    }

    async fn serve<I>(self, io: I, watcher: Watcher)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Connection {
            app, watch, remote, ..
        } = self;
        let service = hyper::service::service_fn(move |request| {
            answer(app.clone(), Arc::clone(&watch), remote, request)
        });
        let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
        let connection = builder
            .serve_connection(TokioIo::new(io), service)
            .into_owned();
        let _ = watcher.watch(connection).await;
    }
}

/// One request through the router, with the peer address the handlers read, and the
/// connection marked busy meanwhile.
async fn answer(
    app: Router,
    watch: Arc<Watch>,
    remote: SocketAddr,
    mut request: hyper::Request<Incoming>,
) -> Result<axum::response::Response, Infallible> {
    let _busy = watch.begin();
    request.extensions_mut().insert(ConnectInfo(remote));
    app.oneshot(request.map(Body::new)).await
}

/// Answers one connection over the cap: `503 QUERY_LIMIT_EXCEEDED` (clients back off and
/// retry, as after the leaky bucket), `Connection: close`, within the header time limit.
async fn refuse(stream: TcpStream, transport: &Transport, header_read_timeout: Duration) {
    let service = hyper::service::service_fn(|_request: hyper::Request<Incoming>| async {
        let error =
            ApiError::with_description(ErrorCode::QueryLimitExceeded, "Too many open connections");
        Ok::<_, Infallible>(respond::error(&error, Format::Json))
    });
    let answered = async {
        let mut http1 = hyper::server::conn::http1::Builder::new();
        http1.keep_alive(false);
        match transport {
            Transport::Plain => {
                let _ = http1.serve_connection(TokioIo::new(stream), service).await;
            }
            Transport::Tls(config) => {
                let acceptor = tokio_rustls::TlsAcceptor::from(config.get_inner());
                if let Ok(tls) = acceptor.accept(stream).await {
                    let _ = http1.serve_connection(TokioIo::new(tls), service).await;
                }
            }
        }
    };
    let _ = tokio::time::timeout(header_read_timeout, answered).await;
}

/// Where a connection is between requests.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// No request under way and no byte of the next one yet, since then.
    Idle(Instant),
    /// Bytes of the next request have arrived since then, but it has not started.
    ReceivingHeaders(Instant),
    /// This many requests are being answered.
    Busy(usize),
}

/// A connection's phase, shared by its socket, its requests and its watchdog.
#[derive(Debug)]
struct Watch {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl Watch {
    fn new() -> Self {
        Watch {
            phase: Mutex::new(Phase::Idle(Instant::now())),
            changed: Notify::new(),
        }
    }

    fn update(&self, change: impl FnOnce(Phase) -> Phase) {
        // A poisoned lock only means another thread panicked mid-update of a plain enum.
        let mut phase = self.phase.lock().unwrap_or_else(PoisonError::into_inner);
        *phase = change(*phase);
        drop(phase);
        self.changed.notify_one();
    }

    fn bytes_arrived(&self) {
        let mut phase = self.phase.lock().unwrap_or_else(PoisonError::into_inner);
        if let Phase::Idle(_) = *phase {
            *phase = Phase::ReceivingHeaders(Instant::now());
            drop(phase);
            self.changed.notify_one();
        }
    }

    fn begin(self: &Arc<Self>) -> Busy {
        self.update(|phase| match phase {
            Phase::Busy(requests) => Phase::Busy(requests + 1),
            Phase::Idle(_) | Phase::ReceivingHeaders(_) => Phase::Busy(1),
        });
        Busy(Arc::clone(self))
    }

    /// Completes when the current phase has outlived its limit.
    async fn expired(&self, limits: ConnectionLimits) {
        loop {
            let phase = *self.phase.lock().unwrap_or_else(PoisonError::into_inner);
            let deadline = match phase {
                Phase::Idle(since) => Some(since + limits.idle_timeout),
                Phase::ReceivingHeaders(since) => Some(since + limits.header_read_timeout),
                Phase::Busy(_) => None,
            };
            match deadline {
                Some(deadline) if deadline <= Instant::now() => return,
                // A change stored by `notify_one` before we wait is not lost.
                Some(deadline) => tokio::select! {
                    () = self.changed.notified() => {}
                    () = tokio::time::sleep_until(deadline) => {}
                },
                None => self.changed.notified().await,
            }
        }
    }
}

/// A request under way; the connection turns idle when the last one ends.
#[derive(Debug)]
struct Busy(Arc<Watch>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.update(|phase| match phase {
            Phase::Busy(requests) if requests > 1 => Phase::Busy(requests - 1),
            _ => Phase::Idle(Instant::now()),
        });
    }
}

/// The socket, telling its watch when bytes arrive.
#[derive(Debug)]
struct Watched {
    inner: TcpStream,
    watch: Arc<Watch>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.watch.bytes_arrived();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
