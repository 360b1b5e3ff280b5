//! Project automation for the webshare-rs workspace, as a library so that tests can call the generator.

mod callgrind;
pub mod checks;
pub mod ci;
pub mod cli_facts;
pub mod codegen;
pub mod compat;
pub mod cycles;
pub mod emit;
pub mod emit_cli;
pub mod emit_proptest;
pub mod facts;
pub mod fuzz;
pub mod gated_tests;
pub mod literals;
mod mock_process;
pub mod peer;
pub mod pool_bench;
mod process;
pub mod publish;
pub mod semver;
pub mod spec;
pub mod tolerant;
pub mod tools;
