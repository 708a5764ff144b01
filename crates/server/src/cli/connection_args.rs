//! `serve`'s connection flags: the cap on open connections and the header and idle time
//! limits (see `http::connections`).

use crate::http::connections::ConnectionLimits;
use clap::Args;
use std::time::Duration;

/// Limits on connections, against slow and idle clients.
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// Seconds a client may take to send a request's headers, from its first byte.
    #[arg(long, env = "OPENLINES_HEADER_READ_TIMEOUT", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout: u64,
    /// Seconds a kept-alive connection may stay open between requests without sending a byte.
    #[arg(long, env = "OPENLINES_IDLE_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
    /// Open connections served at once; one more is answered 503 and closed. Keep the
    /// process's file limit above this plus the database pool.
    #[arg(long, env = "OPENLINES_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
}

impl ConnectionArgs {
    /// The limits these flags describe.
    pub fn limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            // At most 1,000,000 by the parser, so it fits any usize we run on.
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
        }
    }
}
