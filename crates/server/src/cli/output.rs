//! Standard output for the subcommands. `println!` panics when the reader has gone away
//! (`openlines webhook list | head -1` closes the pipe after one line); a command's output
//! that nobody reads any more is not a failure, so a write error there is ignored and the
//! command finishes normally.

use std::fmt;
use std::io::Write;

/// Writes one line to standard output; a closed pipe is not an error.
pub fn line(text: fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// `println!` that never panics on a closed standard output (see the module).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::line(format_args!($($arg)*))
    };
}
pub(crate) use out;
