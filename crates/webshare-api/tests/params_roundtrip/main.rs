//! Every operation's parameters survive `write_path`/`write_query` → `Endpoint::parse` unchanged and pass
//! `Endpoint::check`. The tests (one an operation) are generated from the spec's facts into `generated.rs`
//! by `cargo xtask codegen`; the value strategies they use are hand-written in `strategies.rs`.

mod strategies;

#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;
