//! Project automation for the webshare-rs workspace, as a library so that tests can call the generator.

pub mod ci;
pub mod codegen;
pub mod compat;
pub mod spec;
