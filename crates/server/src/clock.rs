//! Time as the portal reports it: Unix seconds, and ISO-8601 in the portal's offset.

use openlines_wire::Time;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

thread_local! {
    /// The last date [`Clock::iso8601`] wrote on this thread: (second, offset, text).
    static LAST_DATE: std::cell::RefCell<(i64, i32, String)> =
        const { std::cell::RefCell::new((0, 0, String::new())) };
}

/// The portal's clock and time zone offset.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    offset: UtcOffset,
    /// A time that moves only when told (tests of time-dependent rules such as the leaky
    /// bucket, which would otherwise race the machine's speed); `None` reads the system clock.
    manual: Option<&'static ManualTime>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            offset: UtcOffset::UTC,
            manual: None,
        }
    }
}

/// A Unix time in microseconds that stands still until [`advance`](Self::advance)d. It is
/// `'static` (leaked, a few bytes per test) so that [`Clock`] stays `Copy`.
#[derive(Debug)]
pub struct ManualTime {
    micros: AtomicU64,
}

impl ManualTime {
    /// A manual time starting at the system's now.
    pub fn starting_now() -> &'static ManualTime {
        let now = Clock::default().now();
        Box::leak(Box::new(ManualTime {
            micros: AtomicU64::new((now * 1e6) as u64),
        }))
    }

    /// Moves the time forward by `seconds`.
    pub fn advance(&self, seconds: f64) {
        self.micros
            .fetch_add((seconds * 1e6) as u64, Ordering::SeqCst);
    }
}

impl Clock {
    /// A clock that writes dates in `offset`.
    pub fn with_offset(offset: UtcOffset) -> Self {
        Clock {
            offset,
            manual: None,
        }
    }

    /// This clock, reading `time` instead of the system clock.
    pub fn with_manual_time(self, time: &'static ManualTime) -> Self {
        Clock {
            manual: Some(time),
            ..self
        }
    }

    /// The offset from UTC in seconds (`TIME_ZONE_OFFSET` of `profile`).
    pub fn offset_seconds(&self) -> i32 {
        self.offset.whole_seconds()
    }

    /// Now, in Unix seconds with microseconds.
    pub fn now(&self) -> f64 {
        if let Some(time) = self.manual {
            return time.micros.load(Ordering::SeqCst) as f64 / 1e6;
        }
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |since| since.as_micros() as f64 / 1e6)
    }

    /// Now, in whole Unix seconds.
    pub fn now_secs(&self) -> i64 {
        self.now().floor() as i64
    }

    /// `2026-03-17T17:48:28+01:00` for a Unix time (PHP's `date('c')`).
    ///
    /// Every answer carries this date and most answers of a second share it, so each thread
    /// keeps the last one it wrote (keyed by the second and the offset): formatting a date
    /// cost more than the rest of the time block.
    pub fn iso8601(&self, unix: f64) -> String {
        let second = unix.floor() as i64;
        let offset = self.offset.whole_seconds();
        LAST_DATE.with(|last| {
            let mut last = last.borrow_mut();
            if last.0 != second || last.1 != offset || last.2.is_empty() {
                *last = (second, offset, self.format_iso8601(second));
            }
            last.2.clone()
        })
    }

    fn format_iso8601(&self, second: i64) -> String {
        let moment = OffsetDateTime::from_unix_timestamp(second)
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
        let date_start = self.iso8601(start);
        // Most calls start and finish within one second: one date written, not two.
        let date_finish = if finish.floor() == start {
            date_start.clone()
        } else {
            self.iso8601(finish)
        };
        Time {
            start,
            finish,
            duration: ((finish - start) * 1e6).round() / 1e6,
            processing: span.method_end.floor() - span.method_start.floor(),
            date_start,
            date_finish,
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
