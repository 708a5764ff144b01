//! Time as the portal reports it: Unix seconds, and ISO-8601 in the portal's offset.

use openlines_wire::Time;
use std::time::{SystemTime, UNIX_EPOCH};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// The portal's clock and time zone offset.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    offset: UtcOffset,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            offset: UtcOffset::UTC,
        }
    }
}

impl Clock {
    /// A clock that writes dates in `offset`.
    pub fn with_offset(offset: UtcOffset) -> Self {
        Clock { offset }
    }

    /// The offset from UTC in seconds (`TIME_ZONE_OFFSET` of `profile`).
    pub fn offset_seconds(&self) -> i32 {
        self.offset.whole_seconds()
    }

    /// Now, in Unix seconds with microseconds.
    pub fn now(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |since| since.as_micros() as f64 / 1e6)
    }

    /// Now, in whole Unix seconds.
    pub fn now_secs(&self) -> i64 {
        self.now().floor() as i64
    }

    /// `2026-03-17T17:48:28+01:00` for a Unix time (PHP's `date('c')`).
    pub fn iso8601(&self, unix: f64) -> String {
        let moment = OffsetDateTime::from_unix_timestamp(unix.floor() as i64)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .to_offset(self.offset);
        // PHP writes `+00:00`, never `Z`; Rfc3339 in `time` writes `Z` for UTC.
        let text = moment.format(&Rfc3339).unwrap_or_default();
        match text.strip_suffix('Z') {
            Some(base) => format!("{base}+00:00"),
            None => text,
        }
    }

    /// The `time` block of an answer (spec §2.2). `start` and `processing` are whole seconds,
    /// as on current portals.
    pub fn time_block(&self, span: CallSpan, operating: f64, operating_reset_at: i64) -> Time {
        let start = span.start.floor();
        let finish = (span.finish * 1e6).round() / 1e6;
        Time {
            start,
            finish,
            duration: ((finish - start) * 1e6).round() / 1e6,
            processing: span.method_end.floor() - span.method_start.floor(),
            date_start: self.iso8601(start),
            date_finish: self.iso8601(finish),
            operating: Some(operating),
            operating_reset_at: Some(operating_reset_at),
        }
    }
}

/// When a call started, ran its method, and finished, in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallSpan {
    pub start: f64,
    pub method_start: f64,
    pub method_end: f64,
    pub finish: f64,
}

#[cfg(test)]
mod tests;
