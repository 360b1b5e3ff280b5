//! Emits `webshare_api::operations` from the [`Facts`]: one static [`Operation`] and one parameter struct
//! (implementing `Endpoint`) an operation, the `OperationId` and `RateLimitClass` enums, and the table of
//! every operation in the module's documentation.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::facts::{Auth, Facts, Kind, Location, OperationFacts, Pagination, Param, ResponseKind};

/// `list_proxies` → `ListProxies`.
pub fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A parameter's Rust field name: `country_code__in` → `country_code_in`, `X-Subuser` → `subuser`.
pub fn field_name(param: &Param) -> String {
    if param.location == Location::Header && param.name.eq_ignore_ascii_case("X-Subuser") {
        return "subuser".into();
    }
    let mut out = String::new();
    for c in param.name.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    match out.as_str() {
        "type" | "ref" | "self" | "match" | "mod" => format!("{out}_"),
        _ => out,
    }
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of one value of `kind`.
fn value_type(kind: &Kind) -> TokenStream {
    match kind {
        Kind::String => quote! { ::std::string::String },
        Kind::Secret => quote! { crate::Secret },
        Kind::Int => quote! { i64 },
        Kind::Bool => quote! { bool },
        Kind::DateTime => quote! { ::chrono::DateTime<::chrono::Utc> },
        Kind::Enum { name, .. } => {
            let name = format_ident!("{}", pascal(name));
            quote! { crate::types::#name }
        }
        Kind::List { item, .. } => {
            let item = value_type(item);
            quote! { ::std::vec::Vec<#item> }
        }
        Kind::Ordering => quote! { ::std::vec::Vec<crate::OrderBy> },
        Kind::Json { name } => {
            let name = format_ident!("{}", pascal(name));
            quote! { crate::types::#name }
        }
    }
}

/// How a field is held: lists as `Vec` (empty = absent), optional values and "none"-able path strings as
/// `Option`, the rest as they are.
fn field_type(param: &Param) -> TokenStream {
    let value = value_type(&param.kind);
    if is_list(param) || (param.required && param.empty.is_none()) {
        value
    } else {
        quote! { ::std::option::Option<#value> }
    }
}

pub fn is_list(param: &Param) -> bool {
    matches!(param.kind, Kind::List { .. } | Kind::Ordering)
}

/// Whether the constructor takes it.
pub fn is_constructor_arg(param: &Param) -> bool {
    param.required && param.empty.is_none() && !is_list(param)
}

/// An expression that displays one value of `kind` held in `value` (a reference).
fn display(kind: &Kind, value: TokenStream) -> TokenStream {
    match kind {
        Kind::DateTime => quote! { crate::endpoint::date_time(#value) },
        Kind::Secret => quote! { #value.expose() },
        Kind::Json { .. } => quote! { crate::endpoint::json_text(#value) },
        _ => value,
    }
}

/// `item_parser`, then the schema's bounds checked.
fn bounded_parser(kind: &Kind, bounds: &crate::facts::Bounds) -> TokenStream {
    let parser = item_parser(kind);
    let mut checks = Vec::new();
    if let Some(min) = bounds.minimum {
        checks.push(quote! { crate::endpoint::parse::at_least(field, &value, #min)?; });
    }
    if bounds.min_length.is_some() || bounds.max_length.is_some() {
        let min = bounds.min_length.unwrap_or(0);
        let max = match bounds.max_length {
            Some(m) => quote! { Some(#m) },
            None => quote! { None },
        };
        checks.push(quote! { crate::endpoint::parse::length(field, text, #min, #max)?; });
    }
    if checks.is_empty() {
        return parser;
    }
    quote! {
        |field: &str, text: &str| {
            let value = (#parser)(field, text)?;
            #(#checks)*
            Ok(value)
        }
    }
}

/// A closure `|field, text| -> Result<T, ParamError>` parsing one value of `kind`.
fn item_parser(kind: &Kind) -> TokenStream {
    match kind {
        Kind::String => quote! { crate::endpoint::parse::text },
        Kind::Secret => quote! { |_: &str, v: &str| Ok(crate::Secret::new(v)) },
        Kind::Int => quote! { crate::endpoint::parse::int },
        Kind::Bool => quote! { crate::endpoint::parse::boolean },
        Kind::DateTime => quote! { crate::endpoint::parse::date_time },
        Kind::Enum { .. } => quote! { crate::endpoint::parse::choice },
        Kind::Ordering => quote! { |_: &str, v: &str| v.parse::<crate::OrderBy>() },
        Kind::Json { .. } => quote! { crate::endpoint::parse::json },
        Kind::List { .. } => unreachable!("lists of lists are refused by facts.rs"),
    }
}

fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {l}"));
    quote! { #(#[doc = #lines])* }
}

/// The whole `operations.rs`.
pub fn operations_module(facts: &Facts) -> Result<TokenStream> {
    let mut statics = Vec::new();
    let mut structs = Vec::new();
    let mut ids = Vec::new();
    let mut id_arms = Vec::new();
    let mut visit_arms = Vec::new();
    let mut all = Vec::new();
    for op in &facts.operations {
        let name = pascal(&op.id);
        let id = ident(&name);
        let constant = format_ident!("{}", op.id.to_uppercase());
        let id_doc = format!(" [`{constant}`]");
        ids.push(quote! { #[doc = #id_doc] #id });
        id_arms.push(quote! { Self::#id => &#constant });
        visit_arms.push(quote! { Self::#id => visitor.visit::<#id>() });
        all.push(quote! { &#constant });
        statics.push(operation_static(op, &constant, &id)?);
        structs.push(parameter_struct(op, &id, &constant)?);
    }
    let classes: Vec<_> = facts
        .rate_limits
        .iter()
        .map(|(class, per_minute)| {
            let variant = format_ident!("{}", pascal(class));
            let text = format!(" `{class}`: {per_minute} requests a minute.");
            (
                quote! { #[doc = #text] #variant },
                quote! { Self::#variant => #per_minute },
                quote! { Self::#variant => #class },
                quote! { Self::#variant },
            )
        })
        .collect();
    let class_variants = classes.iter().map(|c| &c.0);
    let class_limits = classes.iter().map(|c| &c.1);
    let class_names = classes.iter().map(|c| &c.2);
    let class_all = classes.iter().map(|c| &c.3);
    let server_url = &facts.server_url;
    let spec_version = &facts.spec_version;
    let module_doc = table(facts)
        .lines()
        .map(|l| format!(" {l}"))
        .collect::<Vec<_>>();
    let module_doc = quote! { #(#![doc = #module_doc])* };
    Ok(quote! {
        #module_doc

        use crate::endpoint::{Auth, Endpoint, Operation, Pagination, ParamError, Query, RawParams, ResponseKind};

        /// The production server; every operation's path is below it.
        pub const SERVER_URL: &str = #server_url;

        /// The version (`info.version`) of the OpenAPI document these facts were generated from. The
        /// crates' own versions follow semver of their Rust API, independently of it.
        pub const SPEC_VERSION: &str = #spec_version;

        /// The header that makes a request act as a sub-user of the account.
        pub const SUBUSER_HEADER: &str = "X-Subuser";

        /// Every operation of the document, in document order.
        pub const ALL: &[&Operation] = &[#(#all),*];

        /// Names every operation; a `match` on it is checked for exhaustiveness by the compiler.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum OperationId { #(#ids),* }

        impl OperationId {
            /// The operation's facts.
            pub fn operation(self) -> &'static Operation {
                match self { #(#id_arms),* }
            }

            /// Runs `visitor` with this operation's parameter type: generic code over every operation,
            /// chosen at run time (a health check, a test over the whole API).
            pub fn visit<V: OperationVisitor>(self, visitor: V) -> V::Output {
                match self { #(#visit_arms),* }
            }
        }

        /// What to do with an operation's types; see [`OperationId::visit`].
        pub trait OperationVisitor {
            /// What the visit gives.
            type Output;
            /// Called with the operation's parameter type.
            fn visit<E: Endpoint>(self) -> Self::Output;
        }

        /// The documented rate-limit classes (`x-webshare-rate-limits`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RateLimitClass { #(#class_variants),* }

        impl RateLimitClass {
            /// Every class.
            pub const ALL: &[RateLimitClass] = &[#(#class_all),*];

            /// The documented limit, in requests a minute.
            pub const fn per_minute(self) -> u32 {
                match self { #(#class_limits),* }
            }

            /// The class's name in the document.
            pub const fn name(self) -> &'static str {
                match self { #(#class_names),* }
            }
        }

        #(#statics)*
        #(#structs)*
    })
}

fn operation_static(op: &OperationFacts, constant: &Ident, id: &Ident) -> Result<TokenStream> {
    let name = &op.id;
    let method = format_ident!("{}", op.method);
    let path = &op.path;
    let tag = &op.tag;
    let summary = &op.summary;
    let auth = format_ident!(
        "{}",
        match op.auth {
            Auth::Required => "Required",
            Auth::Optional => "Optional",
            Auth::None => "None",
        }
    );
    let retry_safe = op.retry_safe;
    let charges = op.charges;
    let has_body = op.body.is_some();
    let form = op.form.iter().map(|f| {
        let name = &f.name;
        let required = f.required;
        let kind = if f.file {
            let types = &f.content_types;
            let max = match f.max_bytes {
                Some(n) => quote! { ::std::option::Option::Some(#n) },
                None => quote! { ::std::option::Option::None },
            };
            quote! { crate::endpoint::FormFieldKind::File { content_types: &[#(#types),*], max_bytes: #max } }
        } else {
            quote! { crate::endpoint::FormFieldKind::Text }
        };
        let repeated = f.repeated;
        quote! { crate::endpoint::FormField { name: #name, required: #required, repeated: #repeated, kind: #kind } }
    });
    let carries_secrets = op.carries_secrets;
    let response = format_ident!("{}", format!("{:?}", op.response));
    let pagination = format_ident!(
        "{}",
        match op.pagination {
            Pagination::None => "None",
            Pagination::PageNumber { .. } => "PageNumber",
            Pagination::Cursor { .. } => "Cursor",
            Pagination::Array { .. } => "Array",
        }
    );
    let rate_limit = format_ident!("{}", pascal(&op.rate_limit));
    let plan_scoped = op
        .params
        .iter()
        .any(|p| p.name == "plan_id" && p.location == Location::Query);
    let subuser = op.params.iter().any(|p| p.location == Location::Header);
    let path_params = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| &p.name);
    let query_params = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|p| &p.name);
    let text = format!(" `{} {}`: {}", op.method, op.path, op.summary);
    Ok(quote! {
        #[doc = #text]
        pub static #constant: Operation = Operation {
            id: OperationId::#id,
            name: #name,
            method: ::http::Method::#method,
            path: #path,
            tag: #tag,
            summary: #summary,
            auth: Auth::#auth,
            retry_safe: #retry_safe,
            charges: #charges,
            carries_secrets: #carries_secrets,
            has_body: #has_body,
            form: &[#(#form),*],
            response: ResponseKind::#response,
            pagination: Pagination::#pagination,
            rate_limit: RateLimitClass::#rate_limit,
            plan_scoped: #plan_scoped,
            subuser: #subuser,
            path_params: &[#(#path_params),*],
            query_params: &[#(#query_params),*],
        };
    })
}

fn parameter_struct(op: &OperationFacts, id: &Ident, constant: &Ident) -> Result<TokenStream> {
    for p in &op.params {
        if p.location == Location::Header && field_name(p) != "subuser" {
            bail!(
                "operation `{}`: the only header parameter supported is X-Subuser (`{}`)",
                op.id,
                p.name
            );
        }
    }
    let fields = op.params.iter().map(|p| {
        let f = ident(&field_name(p));
        let ty = field_type(p);
        let mut text = p.description.trim().to_owned();
        let _ = write!(
            text,
            " (`{}`, {}{})",
            p.name,
            match p.location {
                Location::Path => "path",
                Location::Query => "query",
                Location::Header => "header",
            },
            if p.required { ", required" } else { "" }
        );
        let d = doc(&text);
        quote! { #d pub #f: #ty }
    });
    let args: Vec<_> = op.params.iter().filter(|p| is_constructor_arg(p)).collect();
    let arg_decls = args.iter().map(|p| {
        let f = ident(&field_name(p));
        let ty = value_type(&p.kind);
        quote! { #f: impl Into<#ty> }
    });
    let inits = op.params.iter().map(|p| {
        let f = ident(&field_name(p));
        if is_constructor_arg(p) {
            quote! { #f: #f.into() }
        } else {
            quote! { #f: Default::default() }
        }
    });
    let setters = op.params.iter().filter(|p| !is_constructor_arg(p)).map(|p| {
        let f = ident(&field_name(p));
        let text = format!(" Sets `{}`.", p.name);
        if is_list(p) {
            let item = match &p.kind {
                Kind::List { item, .. } => value_type(item),
                _ => quote! { crate::OrderBy },
            };
            quote! {
                #[doc = #text]
                pub fn #f<T: Into<#item>>(mut self, values: impl IntoIterator<Item = T>) -> Self {
                    self.#f = values.into_iter().map(Into::into).collect();
                    self
                }
            }
        } else {
            let ty = value_type(&p.kind);
            quote! {
                #[doc = #text]
                pub fn #f(mut self, value: impl Into<#ty>) -> Self {
                    self.#f = Some(value.into());
                    self
                }
            }
        }
    });
    let write_path = write_path(op)?;
    let write_query = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|p| {
            let f = ident(&field_name(p));
            let key = &p.name;
            if let Kind::List {
                separator, empty, ..
            } = &p.kind
                && (empty.is_some() || separator != ",")
            {
                let empty = match empty {
                    Some(e) => quote! { Some(#e) },
                    None => quote! { None },
                };
                return quote! { query.joined(#key, &self.#f, #separator, #empty); };
            }
            if is_list(p) {
                return quote! { query.list(#key, &self.#f); };
            }
            if p.name == "plan_id" && !p.required {
                return quote! { if let Some(v) = self.#f.or(plan_id) { query.pair(#key, v); } };
            }
            if p.required {
                let shown = display(&p.kind, quote! { &self.#f });
                quote! { query.pair(#key, #shown); }
            } else {
                let shown = display(&p.kind, quote! { v });
                quote! { if let Some(v) = &self.#f { query.pair(#key, #shown); } }
            }
        });
    let subuser = match op.params.iter().find(|p| p.location == Location::Header) {
        Some(p) => {
            let f = ident(&field_name(p));
            quote! { self.#f }
        }
        None => quote! { None },
    };
    let parse_fields = op.params.iter().map(|p| {
        let f = ident(&field_name(p));
        let key = &p.name;
        let value = match p.location {
            Location::Path => quote! { Some(raw.path(#key)?) },
            Location::Query => quote! { raw.query(#key) },
            Location::Header => quote! { raw.subuser.as_deref() },
        };
        let expr = match (&p.kind, &p.empty) {
            (Kind::List { item, separator, empty }, _) => {
                let parser = bounded_parser(item, &p.bounds);
                let empty = match empty {
                    Some(e) => quote! { Some(#e) },
                    None => quote! { None },
                };
                quote! { #value.map(|v| crate::endpoint::parse::list(#key, v, #separator, #empty, #parser)).transpose()?.unwrap_or_default() }
            }
            (Kind::Ordering, _) => {
                let parser = item_parser(&Kind::Ordering);
                quote! { #value.map(|v| crate::endpoint::parse::list(#key, v, ",", None, #parser)).transpose()?.unwrap_or_default() }
            }
            (_, Some(empty)) => quote! { #value.filter(|v| *v != #empty).map(str::to_owned) },
            (kind, None) => {
                let parser = bounded_parser(kind, &p.bounds);
                let parsed = quote! { #value.map(|v| (#parser)(#key, v)).transpose()? };
                if p.required {
                    quote! { crate::endpoint::parse::required(#key, #parsed)? }
                } else {
                    parsed
                }
            }
        };
        quote! { #f: #expr }
    });
    let body = match &op.body {
        Some(schema) => {
            let t = format_ident!("{}", pascal(schema));
            quote! { crate::types::#t }
        }
        None => quote! { () },
    };
    let response = match (op.response, op.response_schema.as_deref()) {
        (ResponseKind::Json, Some(schema)) => {
            match schema.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                Some(item) => {
                    let t = format_ident!("{}", pascal(item));
                    quote! { ::std::vec::Vec<crate::types::#t> }
                }
                None => {
                    let t = format_ident!("{}", pascal(schema));
                    quote! { crate::types::#t }
                }
            }
        }
        _ => quote! { () },
    };
    let struct_doc = doc(&format!(
        "The parameters of `{}` (`{} {}`): {}",
        op.id, op.method, op.path, op.summary
    ));
    let derive_default = if args.is_empty() {
        quote! { , Default }
    } else {
        quote! {}
    };
    let unused_raw = if op.params.is_empty() {
        quote! { let _ = raw; }
    } else {
        quote! {}
    };
    let has_query = op.params.iter().any(|p| p.location == Location::Query);
    let takes_plan = op
        .params
        .iter()
        .any(|p| p.location == Location::Query && p.name == "plan_id" && !p.required);
    let unused_query = match (has_query, takes_plan) {
        (false, _) => quote! { let _ = (query, plan_id); },
        (true, false) => quote! { let _ = plan_id; },
        (true, true) => quote! {},
    };
    let pagination = match &op.pagination {
        Pagination::PageNumber { item } => {
            let t = format_ident!("{}", pascal(item));
            quote! {
                impl crate::endpoint::PageNumbered for #id {
                    type Item = crate::types::#t;
                    fn page(&self) -> ::std::option::Option<i64> { self.page }
                    fn set_page(&mut self, page: i64) { self.page = Some(page); }
                    fn into_items(page: Self::Response) -> (::std::vec::Vec<Self::Item>, bool) {
                        let more = page.next.is_some();
                        (page.results, more)
                    }
                }
            }
        }
        Pagination::Cursor { item, field } => {
            let t = format_ident!("{}", pascal(item));
            let field = ident(field);
            quote! {
                impl crate::endpoint::CursorPaged for #id {
                    type Item = crate::types::#t;
                    fn continue_after(&mut self, last: &Self::Item) {
                        self.starting_after = Some(last.#field.clone());
                    }
                    fn into_items(page: Self::Response) -> (::std::vec::Vec<Self::Item>, bool) {
                        let more = page.next.is_some();
                        (page.results, more)
                    }
                }
            }
        }
        _ => quote! {},
    };
    let struct_def = if op.params.is_empty() {
        quote! {
            #struct_doc
            #[derive(Debug, Clone, Copy, PartialEq, Default)]
            pub struct #id;
        }
    } else {
        quote! {
            #struct_doc
            #[derive(Debug, Clone, PartialEq #derive_default)]
            pub struct #id { #(#fields),* }

            impl #id {
                /// The parameters, with every required one given and the others unset.
                #[allow(clippy::new_without_default)]
                pub fn new(#(#arg_decls),*) -> Self {
                    Self { #(#inits),* }
                }
                #(#setters)*
            }
        }
    };
    let check = exact_check(op);
    let construct = if op.params.is_empty() {
        quote! { Self }
    } else {
        quote! { Self { #(#parse_fields),* } }
    };
    Ok(quote! {
        #struct_def

        impl Endpoint for #id {
            const OPERATION: &'static Operation = &#constant;
            type Body = #body;
            type Response = #response;
            fn write_path(&self, out: &mut ::std::string::String) { #write_path }
            fn write_query(&self, query: &mut Query, plan_id: ::std::option::Option<i64>) {
                #unused_query
                #(#write_query)*
            }
            fn subuser(&self) -> ::std::option::Option<i64> { #subuser }
            fn parse(raw: &RawParams) -> ::std::result::Result<Self, ParamError> {
                #unused_raw
                Ok(#construct)
            }
            #check
        }

        #pagination
    })
}

/// `Endpoint::check`, made exact: the parameters read back must equal them, or the first field that differs
/// is the error. The encoding cannot tell some values apart (a list item holding the separator reads back
/// as two items; the "none" placeholder as a value reads back as none): they are refused, never changed.
fn exact_check(op: &OperationFacts) -> TokenStream {
    if op.params.is_empty() {
        return quote! {};
    }
    let fields = op.params.iter().map(|p| {
        let f = ident(&field_name(p));
        let key = &p.name;
        // An empty "none"-able path value is written as none on purpose: that is not a change.
        let given = match &p.empty {
            Some(_) => quote! { self.#f.clone().filter(|v| !v.is_empty()) },
            None => quote! { self.#f },
        };
        let message = match (&p.kind, &p.empty) {
            (Kind::List { separator, .. }, _) => format!(
                "an item holds the separator `{separator}`, so it would be read back as other items"
            ),
            (_, Some(empty)) => {
                format!("`{empty}` is the placeholder for none: it would be read back as absent")
            }
            _ => "would be read back as another value".to_owned(),
        };
        quote! {
            if read.#f != #given {
                return Err(ParamError::new(#key, #message));
            }
        }
    });
    quote! {
        fn check(&self) -> ::std::result::Result<(), ParamError> {
            let read = Self::parse(&RawParams::of(self))?;
            #(#fields)*
            Ok(())
        }
    }
}

/// `out.push_str(literal)` and `push_segment(out, value)` for each piece of the template.
fn write_path(op: &OperationFacts) -> Result<TokenStream> {
    let mut pieces = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let literal = &rest[..start];
        if !literal.is_empty() {
            pieces.push(quote! { out.push_str(#literal); });
        }
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .unwrap_or(rest.len());
        let name = &rest[start + 1..end];
        let Some(p) = op
            .params
            .iter()
            .find(|p| p.location == Location::Path && p.name == name)
        else {
            bail!("operation `{}`: no path parameter `{name}`", op.id);
        };
        let f = ident(&field_name(p));
        pieces.push(match (&p.kind, &p.empty) {
            (Kind::List { separator, empty, .. }, _) => {
                let empty = empty.clone().unwrap_or_default();
                quote! {
                    if self.#f.is_empty() {
                        out.push_str(#empty);
                    } else {
                        crate::endpoint::push_segment(out, crate::endpoint::Joined(&self.#f, #separator));
                    }
                }
            }
            (_, Some(empty)) => quote! {
                match &self.#f {
                    Some(v) if !v.is_empty() => crate::endpoint::push_segment(out, v),
                    _ => out.push_str(#empty),
                }
            },
            (kind, None) => {
                let shown = display(kind, quote! { &self.#f });
                quote! { crate::endpoint::push_segment(out, #shown); }
            }
        });
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        pieces.push(quote! { out.push_str(#rest); });
    }
    Ok(quote! { #(#pieces)* })
}

/// The module documentation: what it is, and the table of every operation.
fn table(facts: &Facts) -> String {
    let mut out = String::from(
        "The transport facts of every operation of `openapi/webshare.yaml`, generated by `cargo xtask codegen`;\n\
         do not edit. Each operation has a static [`Operation`] (method, path, token, retry safety, response\n\
         kind, pagination, rate-limit class) and a struct of its parameters implementing [`Endpoint`].\n\n\
         | operation | method | path | token | retried by default | secrets | response | pagination | rate limit |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    for op in &facts.operations {
        let _ = writeln!(
            out,
            "| [`{}`]({}) | {} | `{}` | {} | {} | {} | {:?} | {} | {} |",
            op.id,
            pascal(&op.id),
            op.method,
            op.path,
            match op.auth {
                Auth::Required => "required",
                Auth::Optional => "optional",
                Auth::None => "none",
            },
            if op.retry_safe { "yes" } else { "no" },
            if op.carries_secrets { "yes" } else { "no" },
            op.response,
            match op.pagination {
                Pagination::None => "none",
                Pagination::PageNumber { .. } => "page number",
                Pagination::Cursor { .. } => "cursor",
                Pagination::Array { .. } => "bare array",
            },
            op.rate_limit,
        );
    }
    out
}
