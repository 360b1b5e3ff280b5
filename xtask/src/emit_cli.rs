//! Emits the command line's argument definitions (`crates/webshare-cli/src/generated.rs`): one
//! `clap::Args` struct an operation with parameters, its flags, help and allowed values taken from the
//! spec, and its conversion into the operation's parameter struct. The commands that use them (and the
//! flows people type) are hand-written. A secret parameter (a download token) is never a flag: `into_params`
//! takes it as an argument, and the command reads it from a safe place.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{field_name, is_list, pascal};
use crate::facts::{Facts, Kind, Location, Param};

/// The whole `generated.rs` of the CLI.
pub fn cli_module(facts: &Facts) -> TokenStream {
    let structs = facts
        .operations
        .iter()
        .filter(|op| op.params.iter().any(|p| p.kind != Kind::Secret))
        .map(|op| {
            let name = pascal(&op.id);
            let args = format_ident!("{name}Args");
            let params = format_ident!("{name}");
            let doc = format!(" The parameters of `{}` ({} {}) as command-line arguments.", op.id, op.method, op.path);
            let is_secret = |p: &&Param| p.kind == Kind::Secret;
            let fields = op.params.iter().filter(|p| !is_secret(p)).map(arg_field);
            let secret_args = op.params.iter().filter(is_secret).map(|p| {
                let f = format_ident!("{}", field_name(p));
                quote! { #f: impl Into<::webshare::Secret> }
            });
            let constructor_args = op
                .params
                .iter()
                .filter(|p| crate::emit::is_constructor_arg(p))
                .map(|p| {
                    let f = format_ident!("{}", field_name(p));
                    if p.kind == Kind::Secret {
                        quote! { #f.into() }
                    } else {
                        quote! { self.#f }
                    }
                });
            let assignments = op
                .params
                .iter()
                .filter(|p| !crate::emit::is_constructor_arg(p))
                .map(|p| {
                    let f = format_ident!("{}", field_name(p));
                    quote! { params.#f = self.#f; }
                });
            let mutability = if op.params.iter().all(crate::emit::is_constructor_arg) {
                quote! {}
            } else {
                quote! { mut }
            };
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, ::clap::Args)]
                pub struct #args { #(#fields),* }

                impl #args {
                    /// The operation's parameters.
                    pub fn into_params(self, #(#secret_args),*) -> ::webshare::operations::#params {
                        let #mutability params = ::webshare::operations::#params::new(#(#constructor_args),*);
                        #(#assignments)*
                        params
                    }
                }
            }
        });
    quote! {
        //! Argument definitions of the commands, generated from `openapi/webshare.yaml` by
        //! `cargo xtask codegen`; do not edit.
        #(#structs)*
    }
}

/// The flag of a parameter, and the name it had before (still accepted) when it was renamed: the plan and
/// the sub-user read as what they do (`--plan`, `--as-subuser`).
fn flag(param: &Param) -> (String, Option<&'static str>) {
    if param.location == Location::Header {
        return ("as-subuser".into(), Some("subuser"));
    }
    if param.name == "plan_id" {
        return ("plan".into(), Some("plan-id"));
    }
    let long = param
        .name
        .to_ascii_lowercase()
        .replace("__", "-")
        .replace('_', "-");
    (long, None)
}

fn arg_field(param: &Param) -> TokenStream {
    let f = format_ident!("{}", field_name(param));
    let help = param
        .description
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    let (long, alias) = flag(param);
    let value_name = if alias.is_some() {
        "ID".to_owned()
    } else {
        long.to_ascii_uppercase().replace('-', "_")
    };
    let alias = alias.map(|a| quote! { , alias = #a });
    let positional = param.location == Location::Path;
    let (ty, parser) = match &param.kind {
        Kind::Enum { name, values } => {
            let t = format_ident!("{}", pascal(name));
            (
                quote! { ::webshare::types::#t },
                Some(quote! {
                    value_parser = ::clap::builder::TypedValueParser::try_map(
                        ::clap::builder::PossibleValuesParser::new([#(#values),*]),
                        |s| s.parse::<::webshare::types::#t>(),
                    )
                }),
            )
        }
        Kind::DateTime => (
            quote! { ::chrono::DateTime<::chrono::Utc> },
            Some(quote! { value_parser = crate::args::date_time }),
        ),
        Kind::Int => (quote! { i64 }, None),
        Kind::Bool => (
            quote! { bool },
            Some(
                quote! { value_parser = ::clap::value_parser!(bool), action = ::clap::ArgAction::Set },
            ),
        ),
        Kind::String | Kind::Secret => (quote! { ::std::string::String }, None),
        Kind::List { item, .. } => {
            let item = match item.as_ref() {
                Kind::Int => quote! { i64 },
                _ => quote! { ::std::string::String },
            };
            (
                quote! { Vec<#item> },
                Some(quote! { value_delimiter = ',' }),
            )
        }
        Kind::Json { name } => {
            let t = format_ident!("{}", pascal(name));
            (
                quote! { ::webshare::types::#t },
                Some(quote! {
                    value_parser = |s: &str| ::serde_json::from_str::<::webshare::types::#t>(s).map_err(|e| e.to_string())
                }),
            )
        }
        Kind::Ordering => (
            quote! { Vec<::webshare::OrderBy> },
            Some(quote! { value_delimiter = ',', allow_hyphen_values = true }),
        ),
    };
    let optional = !(is_list(param) || (param.required && param.empty.is_none()));
    // clap recognises `Option` and `Vec` by their bare names.
    let ty = if optional {
        quote! { Option<#ty> }
    } else {
        ty
    };
    let parser = parser.map(|p| quote! { , #p });
    if positional {
        quote! {
            #[arg(value_name = #value_name, help = #help #parser)]
            pub #f: #ty
        }
    } else {
        quote! {
            #[arg(long = #long, value_name = #value_name, help = #help #alias #parser)]
            pub #f: #ty
        }
    }
}
