//! Standard output for every command: a reader that closes the pipe early (`webshare activity list --all
//! | head -1`) ends the command quietly, with the exit status of a program stopped by `SIGPIPE` (141),
//! as other command-line tools end; any other write failure is reported once.

use std::io::Write as _;

/// Writes `text` to standard output, or ends the process if it cannot be written.
pub fn write(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_all(text.as_bytes()) {
        failed(&error);
    }
}

/// Flushes standard output, or ends the process if it cannot be written.
pub fn flush() {
    if let Err(error) = std::io::stdout().lock().flush() {
        failed(&error);
    }
}

fn failed(error: &std::io::Error) -> ! {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(i32::from(crate::exit::CLOSED));
    }
    // Standard error may be gone too: nothing more to do then.
    let _ = writeln!(
        std::io::stderr(),
        "error: cannot write to standard output: {error}"
    );
    std::process::exit(i32::from(crate::exit::OTHER));
}

/// `println!` that ends the command quietly when its reader has gone ([`write`]).
macro_rules! outln {
    () => {
        $crate::stdout::write("\n")
    };
    ($($arg:tt)*) => {{
        let mut line = format!($($arg)*);
        line.push('\n');
        $crate::stdout::write(&line)
    }};
}
pub(crate) use outln;
