//! Logging that costs nothing without the `tracing` feature.
//!
//! The macros take `tracing`'s syntax and expand to nothing when the feature is off, so call
//! sites stay free of `cfg` attributes. Messages read on their own, fields have plain names, and
//! no secret (token, webhook code, client secret) is ever passed in.

macro_rules! debug {
    ($($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        {
            tracing::debug!($($arg)*);
        }
    };
}

macro_rules! info {
    ($($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        {
            tracing::info!($($arg)*);
        }
    };
}

macro_rules! warning {
    ($($arg:tt)*) => {
        #[cfg(feature = "tracing")]
        {
            tracing::warn!($($arg)*);
        }
    };
}

pub(crate) use {debug, info, warning};
