//! Emits the command line's long tail (`crates/webshare-cli/src/generated.rs`): for every operation a
//! `clap::Args` struct (flags, help and allowed values from the spec; the simple fields of its JSON body;
//! `--body FILE|-` for the rest; `--all` for a paged list; `--yes` where it spends something), its
//! conversion into the operation's parameter struct, and a `run` arm that sends it and prints the answer.
//! Where each command sits, and the flows people type, are hand-written in the CLI. A secret parameter (a
//! download token) is never a flag: `into_params` takes it as an argument, and the flow reads it from a
//! safe place.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::cli_facts::{BodyField, BodyKind, OperationCli};
use crate::emit::{field_name, is_list, pascal};
use crate::facts::{Facts, Kind, Location, OperationFacts, Pagination, Param, ResponseKind};

/// The whole `generated.rs` of the CLI.
pub fn cli_module(facts: &Facts, cli: &BTreeMap<String, OperationCli>) -> TokenStream {
    let empty = OperationCli::default();
    let cli_of = |op: &OperationFacts| cli.get(&op.id).unwrap_or(&empty);
    let structs = facts
        .operations
        .iter()
        .map(|op| args_struct(op, cli_of(op)));
    let variant = |op: &OperationFacts| format_ident!("{}", pascal(&op.id));
    let augment_arms = facts.operations.iter().map(|op| {
        let v = variant(op);
        let args = format_ident!("{}Command", pascal(&op.id));
        quote! { OperationId::#v => <#args as ::clap::Args>::augment_args(command), }
    });
    let secret_arms = facts.operations.iter().map(|op| {
        let v = variant(op);
        let paths = &cli_of(op).secrets;
        quote! { OperationId::#v => &[#(#paths),*], }
    });
    let run_arms = facts.operations.iter().map(|op| run_arm(op, cli_of(op)));
    quote! {
        //! The command line's long tail, generated from `openapi/webshare.yaml` by `cargo xtask codegen`; do
        //! not edit. Every operation has its arguments (path and query parameters, the simple fields of its
        //! body, `--body FILE|-` for the rest, `--all` for a paged list, `--yes` where it spends something)
        //! and a run function that sends it and prints the answer through `crate::render`. Where each
        //! command sits in the command tree is the hand-written `crate::placement`.
        use ::webshare::operations::OperationId;

        #(#structs)*

        /// Adds an operation's arguments to its command.
        pub fn augment(operation: OperationId, command: ::clap::Command) -> ::clap::Command {
            match operation { #(#augment_arms)* }
        }

        /// Where the secrets sit in an operation's answer (field names joined by `.`, `[]` for each item):
        /// withheld from the output unless asked for.
        pub fn secrets(operation: OperationId) -> &'static [&'static str] {
            match operation { #(#secret_arms)* }
        }

        /// Runs an operation's generated command from its parsed arguments.
        pub async fn run(
            operation: OperationId,
            matches: &::clap::ArgMatches,
            context: &crate::generic::Context,
        ) -> Result<(), crate::failure::Failure> {
            match operation { #(#run_arms)* }
        }
    }
}

/// Whether the answer is a list (paged or whole), printed as a table or CSV.
fn is_list_answer(op: &OperationFacts) -> bool {
    !matches!(op.pagination, Pagination::None)
}

/// Whether the command line resolves a required `plan_id` itself (the account's default plan).
fn resolves_plan(param: &Param) -> bool {
    param.name == "plan_id" && param.location == Location::Query && param.required
}

fn args_struct(op: &OperationFacts, cli: &OperationCli) -> TokenStream {
    let name = pascal(&op.id);
    let args = format_ident!("{name}Args");
    let params = format_ident!("{name}");
    let doc = format!(" The arguments of `{}` ({} {}).", op.id, op.method, op.path);
    let is_secret = |p: &&Param| p.kind == Kind::Secret;
    let fields = op
        .params
        .iter()
        .filter(|p| !is_secret(p))
        .map(|p| arg_field(p, cli.defaults.get(&p.name)));
    let taken: Vec<String> = op.params.iter().map(|p| flag(p).0).collect();
    let body_flags: Vec<(BodyField, String)> = cli
        .body_fields
        .iter()
        .map(|f| {
            let plain = f.name.to_ascii_lowercase().replace('_', "-");
            let long = if taken.contains(&plain) || RESERVED.contains(&plain.as_str()) {
                format!("body-{plain}")
            } else {
                plain
            };
            (f.clone(), long)
        })
        .collect();
    let body_fields = body_flags.iter().map(|(f, long)| body_arg_field(f, long));
    let body_inserts = body_flags.iter().map(|(f, _)| {
        let ident = format_ident!("body_{}", f.name.to_ascii_lowercase());
        let key = &f.name;
        match f.kind {
            BodyKind::CountMap => quote! {
                if !self.#ident.is_empty() {
                    let counts: ::serde_json::Map<String, ::serde_json::Value> = self
                        .#ident
                        .iter()
                        .map(|(key, count)| (key.clone(), ::serde_json::json!(count)))
                        .collect();
                    fields.insert(#key.to_owned(), ::serde_json::Value::Object(counts));
                }
            },
            BodyKind::StringList | BodyKind::IntList => quote! {
                if !self.#ident.is_empty() { fields.insert(#key.to_owned(), ::serde_json::json!(self.#ident)); }
            },
            _ => quote! {
                if let Some(value) = &self.#ident { fields.insert(#key.to_owned(), ::serde_json::json!(value)); }
            },
        }
    });
    let body_arg = (op.body.is_some()).then(|| {
        quote! {
            /// The JSON body, from a file or `-` (standard input); the flags above override its fields.
            #[arg(long = "body", value_name = "FILE|-")]
            pub body: Option<::std::path::PathBuf>,
        }
    });
    let all_arg = matches!(
        op.pagination,
        Pagination::PageNumber { .. } | Pagination::Cursor { .. }
    )
    .then(|| {
        quote! {
            /// Every item of the list, page after page (a `page` given is where it starts).
            #[arg(long = "all")]
            pub all: bool,
        }
    });
    let format_arg = is_list_answer(op).then(|| {
        quote! {
            /// How the list is printed: `table`, `json` (as --json) or `csv`.
            #[arg(long = "format", value_enum, value_name = "FORMAT")]
            pub format: Option<crate::render::Format>,
        }
    });
    let yes_arg = cli.spends.as_ref().map(|what| {
        let help = format!("Do not ask before spending {what}.");
        quote! {
            #[arg(long = "yes", short = 'y', help = #help)]
            pub yes: bool,
        }
    });
    let secret_args = op.params.iter().filter(is_secret).map(|p| {
        let f = format_ident!("{}", field_name(p));
        quote! { #f: impl Into<::webshare::Secret> }
    });
    let plan_arg = op.params.iter().filter(|p| resolves_plan(p)).map(|p| {
        let f = format_ident!("{}", field_name(p));
        quote! { #f: i64 }
    });
    let constructor_args = op
        .params
        .iter()
        .filter(|p| crate::emit::is_constructor_arg(p))
        .map(|p| {
            let f = format_ident!("{}", field_name(p));
            if p.kind == Kind::Secret {
                quote! { #f.into() }
            } else if resolves_plan(p) {
                quote! { #f }
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
    let body_method = op.body.is_some().then(|| {
        quote! {
            /// The body's fields given as flags.
            pub fn body_flags(&self) -> ::serde_json::Map<String, ::serde_json::Value> {
                #[allow(unused_mut)]
                let mut fields = ::serde_json::Map::new();
                #(#body_inserts)*
                fields
            }
        }
    });
    let construct = if op.params.is_empty() {
        quote! { let params = ::webshare::operations::#params; }
    } else {
        quote! { let #mutability params = ::webshare::operations::#params::new(#(#constructor_args),*); }
    };
    let command = format_ident!("{name}Command");
    let command_doc = format!(
        " The generated command of `{}`: its parameters, and the flags of the command itself.",
        op.id
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, ::clap::Args)]
        pub struct #args {
            #(#fields,)*
        }

        impl #args {
            /// The operation's parameters.
            pub fn into_params(self, #(#secret_args,)* #(#plan_arg),*) -> ::webshare::operations::#params {
                #construct
                #(#assignments)*
                params
            }
        }

        #[doc = #command_doc]
        #[derive(Debug, Clone, ::clap::Args)]
        pub struct #command {
            /// The operation's parameters.
            #[command(flatten)]
            pub params: #args,
            #(#body_fields,)*
            #body_arg
            #all_arg
            #format_arg
            #yes_arg
        }

        impl #command {
            #body_method
        }
    }
}

/// Flags every generated command may have, or that the command line has globally.
const RESERVED: &[&str] = &[
    "body",
    "all",
    "yes",
    "json",
    "format",
    "plan",
    "as-subuser",
    "verbose",
    "base-url",
    "api-key",
    "help",
];

fn body_arg_field(field: &BodyField, long: &str) -> TokenStream {
    let ident = format_ident!("body_{}", field.name.to_ascii_lowercase());
    let help = field
        .description
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    let value_name = field.name.to_ascii_uppercase();
    let (ty, parser) = match &field.kind {
        BodyKind::String => (quote! { Option<String> }, quote! {}),
        BodyKind::DateTime => (
            quote! { Option<::chrono::DateTime<::chrono::Utc>> },
            quote! { , value_parser = crate::args::date_time },
        ),
        BodyKind::Int => (quote! { Option<i64> }, quote! {}),
        BodyKind::Number => (quote! { Option<f64> }, quote! {}),
        BodyKind::Bool => (
            quote! { Option<bool> },
            quote! { , value_parser = ::clap::value_parser!(bool), action = ::clap::ArgAction::Set },
        ),
        BodyKind::Enum(values) => (
            quote! { Option<String> },
            quote! { , value_parser = ::clap::builder::PossibleValuesParser::new([#(#values),*]) },
        ),
        BodyKind::StringList => (quote! { Vec<String> }, quote! { , value_delimiter = ',' }),
        BodyKind::IntList => (quote! { Vec<i64> }, quote! { , value_delimiter = ',' }),
        BodyKind::CountMap => (
            quote! { Vec<(String, i64)> },
            quote! { , value_delimiter = ',', value_parser = crate::args::key_count },
        ),
    };
    let value_name = if field.kind == BodyKind::CountMap {
        "KEY=N,...".to_owned()
    } else {
        value_name
    };
    quote! {
        #[arg(long = #long, value_name = #value_name, help = #help #parser)]
        pub #ident: #ty
    }
}

/// The `run` arm of one operation: parse, confirm, resolve the plan, build the body, send, print.
fn run_arm(op: &OperationFacts, cli: &OperationCli) -> TokenStream {
    let name = pascal(&op.id);
    let variant = format_ident!("{name}");
    let args = format_ident!("{name}Command");
    let params_ty = format_ident!("{name}");
    let streamed = !matches!(op.response, ResponseKind::Json | ResponseKind::Empty)
        || !op.form.is_empty()
        || op.params.iter().any(|p| p.kind == Kind::Secret);
    if streamed {
        return quote! {
            OperationId::#variant => Err(crate::generic::own_command(operation)),
        };
    }
    let formatted = is_list_answer(op).then(|| {
        quote! { let context = &context.formatted(args.format); }
    });
    let confirm = cli.spends.as_ref().map(|what| {
        quote! { crate::generic::ask(#what, args.yes)?; }
    });
    let asked: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| {
            p.location == Location::Path || p.location == Location::Header || p.name == "plan_id"
        })
        .map(|p| {
            let f = format_ident!("{}", field_name(p));
            let label = if p.location == Location::Header {
                "sub-user".to_owned()
            } else if p.name == "plan_id" {
                "plan".to_owned()
            } else {
                p.name.replace('_', " ")
            };
            let optional = !(is_list(p) || (p.required && p.empty.is_none())) || resolves_plan(p);
            if optional {
                quote! { if let Some(v) = &args.params.#f { asked.push((#label, v.to_string())); } }
            } else {
                quote! { asked.push((#label, args.params.#f.to_string())); }
            }
        })
        .collect();
    let plan = op.params.iter().find(|p| resolves_plan(p)).map(|p| {
        let f = format_ident!("{}", field_name(p));
        quote! { let #f = context.plan_or_default(args.params.#f).await?; }
    });
    let plan_arg = op
        .params
        .iter()
        .find(|p| resolves_plan(p))
        .map(|p| format_ident!("{}", field_name(p)));
    let body = op.body.as_ref().map(|b| {
        let ty = format_ident!("{}", pascal(b));
        quote! {
            let body: ::webshare::types::#ty = crate::generic::body(args.body.as_deref(), args.body_flags())?;
        }
    });
    let paged = matches!(
        op.pagination,
        Pagination::PageNumber { .. } | Pagination::Cursor { .. }
    );
    let all = if paged {
        quote! { args.all }
    } else {
        quote! { false }
    };
    let send = match (&op.pagination, op.body.is_some()) {
        (Pagination::PageNumber { .. }, _) => {
            quote! { crate::generic::page_numbered::<::webshare::operations::#params_ty>(context, params, all, &asked).await }
        }
        (Pagination::Cursor { .. }, _) => {
            quote! { crate::generic::cursor::<::webshare::operations::#params_ty>(context, params, all, &asked).await }
        }
        (_, true) => quote! { crate::generic::send_with(context, &params, &body, &asked).await },
        (_, false) => quote! { crate::generic::send(context, &params, &asked).await },
    };
    quote! {
        OperationId::#variant => {
            let args: #args = crate::generic::args(matches)?;
            #formatted
            #confirm
            #[allow(unused_mut)]
            let mut asked: Vec<(&'static str, String)> = Vec::new();
            #(#asked)*
            let all = #all;
            #plan
            #body
            let params = args.params.into_params(#plan_arg);
            let _ = all;
            #send
        }
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

fn arg_field(param: &Param, default: Option<&String>) -> TokenStream {
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
    let optional = (!(is_list(param) || (param.required && param.empty.is_none()))
        || resolves_plan(param))
        && default.is_none();
    // clap recognises `Option` and `Vec` by their bare names.
    let ty = if optional {
        quote! { Option<#ty> }
    } else {
        ty
    };
    let parser = parser.map(|p| quote! { , #p });
    let parser = match default {
        Some(value) => quote! { #parser, default_value = #value },
        None => quote! { #parser },
    };
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
