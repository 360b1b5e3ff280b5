//! Tolerant reading, generated: a pass over typify's types that lets answers drift the way live APIs do.
//!
//! - Every enum reachable from a response (the document's rule: an enum in an answer is open) keeps a
//!   value it does not know: string enums get `Unknown(String)`, and `type`-tagged unions (a `oneOf` with a
//!   `discriminator`) get `Unknown(Map)`, which keeps the whole object. Enums only sent in requests stay
//!   closed, and so does a union member's tag enum (`IpRangeSelectorType`): the union decides by the tag.
//! - An absent key of a nullable field decodes as `None`, like `null` (typify makes a required nullable
//!   field fail when its key is absent).
//!
//! typify's enums are closed and cannot be told otherwise, so this pass rewrites its output (a `syn` tree)
//! rather than the document.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

/// A `oneOf` with a discriminator: which member each tag value selects.
#[derive(Debug, Clone)]
struct Union {
    /// The property that names the member (`type`).
    tag: String,
    /// Tag value → the member's schema (and Rust type) name.
    members: Vec<(String, String)>,
}

/// What the document says that the pass needs: the response roots and the tagged unions.
#[derive(Debug, Default)]
pub struct Facts {
    roots: BTreeSet<String>,
    unions: BTreeMap<String, Union>,
}

/// Reads the response schemas (every status) and the discriminated unions of `spec`.
pub fn facts(spec: &OpenAPI) -> Facts {
    let mut facts = Facts::default();
    for (_, _, op) in crate::spec::operations(spec) {
        for response in op.responses.responses.values() {
            let response = match response {
                ReferenceOr::Item(response) => Some(response),
                ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/responses/")
                    .and_then(|name| spec.components.as_ref()?.responses.get(name))
                    .and_then(ReferenceOr::as_item),
            };
            let Some(response) = response else {
                continue;
            };
            for media in response.content.values() {
                if let Some(name) = media.schema.as_ref().and_then(schema_name) {
                    facts.roots.insert(name);
                }
            }
        }
    }
    let schemas = spec.components.iter().flat_map(|c| c.schemas.iter());
    for (name, schema) in schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let (openapiv3::SchemaKind::OneOf { .. }, Some(discriminator)) =
            (&schema.schema_kind, &schema.schema_data.discriminator)
        else {
            continue;
        };
        let members = discriminator
            .mapping
            .iter()
            .filter_map(|(value, reference)| {
                let member = reference.strip_prefix("#/components/schemas/")?;
                Some((value.clone(), member.to_owned()))
            })
            .collect();
        facts.unions.insert(
            name.clone(),
            Union {
                tag: discriminator.property_name.clone(),
                members,
            },
        );
    }
    facts
}

/// The component a schema names: a `$ref`, or the `$ref` items of an array.
fn schema_name(schema: &ReferenceOr<openapiv3::Schema>) -> Option<String> {
    match schema {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .map(str::to_owned),
        ReferenceOr::Item(schema) => match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)) => array
                .items
                .as_ref()
                .and_then(|items| schema_name(&items.clone().unbox())),
            _ => None,
        },
    }
}

/// The enums the pass opens, by kind; also what the tests and the docs report.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Opened {
    /// String enums given `Unknown(String)`.
    pub string_enums: BTreeSet<String>,
    /// Tagged unions given `Unknown(Map)`.
    pub unions: BTreeSet<String>,
}

/// Rewrites typify's type space as the module's doc says.
pub fn apply(tokens: TokenStream, facts: &Facts) -> anyhow::Result<(TokenStream, Opened)> {
    let mut file: syn::File = syn::parse2(tokens)?;
    default_absent_nullables(&mut file.items);
    fast_date_times(&mut file.items);
    let opened = open_enums(&file.items, facts)?;
    let mut items = Vec::with_capacity(file.items.len());
    for item in std::mem::take(&mut file.items) {
        match item {
            syn::Item::Enum(e) if opened.string_enums.contains(&e.ident.to_string()) => {
                let file: syn::File = syn::parse2(open_string_enum(&e)?)?;
                items.extend(file.items);
            }
            syn::Item::Enum(e) if opened.unions.contains(&e.ident.to_string()) => {
                let union = &facts.unions[&e.ident.to_string()];
                let file: syn::File = syn::parse2(open_union(&e, union)?)?;
                items.extend(file.items);
            }
            // typify's conversions of an opened string enum fail on unknown values; the new ones do not.
            syn::Item::Impl(i)
                if self_name(&i).is_some_and(|n| opened.string_enums.contains(&n))
                    && is_string_conversion(&i) => {}
            item => items.push(item),
        }
    }
    file.items = items;
    Ok((file.into_token_stream(), opened))
}

/// `#[serde(deserialize_with = "Option::deserialize")]` (a required nullable field) gains `default`.
fn default_absent_nullables(items: &mut [syn::Item]) {
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                for field in s.fields.iter_mut() {
                    for attr in &mut field.attrs {
                        let text = attr.meta.to_token_stream().to_string();
                        if attr.path().is_ident("serde")
                            && text.contains("deserialize_with")
                            && text.contains("Option::deserialize")
                            && !text.contains("default")
                            && let syn::Meta::List(list) = &attr.meta
                        {
                            // Keeps the attribute's other arguments (a `rename`, say).
                            let arguments = &list.tokens;
                            *attr = syn::parse_quote! { #[serde(default, #arguments)] };
                        }
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &mut m.content {
                    default_absent_nullables(items);
                }
            }
            _ => {}
        }
    }
}

/// A date-time field (`DateTime<Utc>`, or an `Option` of one) of a decoded struct is read by
/// `crate::open::date_time` (strict RFC 3339 first, then chrono's relaxed reading, which serde's own impl
/// uses for every value and costs about 1,700 instructions a date-time).
fn fast_date_times(items: &mut [syn::Item]) {
    const DATE_TIME: &str = ":: chrono :: DateTime < :: chrono :: offset :: Utc >";
    for item in items {
        match item {
            syn::Item::Struct(s)
                if s.attrs.iter().any(|a| {
                    a.path().is_ident("derive")
                        && a.meta.to_token_stream().to_string().contains("Deserialize")
                }) =>
            {
                for field in s.fields.iter_mut() {
                    let ty = field.ty.to_token_stream().to_string();
                    let with = if ty == DATE_TIME {
                        "crate::open::date_time"
                    } else if ty == format!(":: std :: option :: Option < {DATE_TIME} >") {
                        "crate::open::option_date_time"
                    } else {
                        continue;
                    };
                    let serde = field.attrs.iter_mut().find(|a| a.path().is_ident("serde"));
                    match serde {
                        Some(attr) => {
                            let syn::Meta::List(list) = &attr.meta else {
                                continue;
                            };
                            // Typify's own `deserialize_with` (`Option::deserialize`) is replaced; the
                            // other arguments (`default`, `rename`, `skip_serializing_if`) stay.
                            let kept: Vec<TokenStream> = list
                                .parse_args_with(
                                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                                )
                                .map(|args| {
                                    args.into_iter()
                                        .filter(|arg| !arg.path().is_ident("deserialize_with"))
                                        .map(|arg| arg.to_token_stream())
                                        .collect()
                                })
                                .unwrap_or_default();
                            // An absent key stays `None` (serde's own default for an `Option` goes
                            // with its own deserializer).
                            let default = (with == "crate::open::option_date_time"
                                && !kept.iter().any(|arg| arg.to_string() == "default"))
                            .then(|| quote! { default, });
                            *attr = syn::parse_quote! {
                                #[serde(#default #(#kept,)* deserialize_with = #with)]
                            };
                        }
                        None if with == "crate::open::option_date_time" => field.attrs.push(
                            syn::parse_quote! { #[serde(default, deserialize_with = #with)] },
                        ),
                        None => field
                            .attrs
                            .push(syn::parse_quote! { #[serde(deserialize_with = #with)] }),
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &mut m.content {
                    fast_date_times(items);
                }
            }
            _ => {}
        }
    }
}

/// The enums reachable from the response roots, minus the unions' tag enums.
fn open_enums(items: &[syn::Item], facts: &Facts) -> anyhow::Result<Opened> {
    let mut types: BTreeMap<String, &syn::Item> = BTreeMap::new();
    for item in items {
        match item {
            syn::Item::Struct(s) => types.insert(s.ident.to_string(), item),
            syn::Item::Enum(e) => types.insert(e.ident.to_string(), item),
            _ => None,
        };
    }
    for root in &facts.roots {
        anyhow::ensure!(
            types.contains_key(root),
            "the response schema `{root}` has no generated type"
        );
    }
    // The tag enums: the type of each union member's tag field.
    let mut tags = BTreeSet::new();
    for union in facts.unions.values() {
        for (_, member) in &union.members {
            let Some(syn::Item::Struct(s)) = types.get(member) else {
                anyhow::bail!("the union member `{member}` has no generated struct");
            };
            for field in &s.fields {
                let named = field.ident.as_ref().is_some_and(|i| *i == union.tag)
                    || field.attrs.iter().any(|a| {
                        a.path().is_ident("serde")
                            && a.meta
                                .to_token_stream()
                                .to_string()
                                .contains(&format!("rename = \"{}\"", union.tag))
                    });
                if named {
                    tags.extend(type_names(&field.ty));
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut queue: Vec<String> = facts.roots.iter().cloned().collect();
    while let Some(name) = queue.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let fields: Vec<&syn::Type> = match types.get(&name) {
            Some(syn::Item::Struct(s)) => s.fields.iter().map(|f| &f.ty).collect(),
            Some(syn::Item::Enum(e)) => e
                .variants
                .iter()
                .flat_map(|v| v.fields.iter().map(|f| &f.ty))
                .collect(),
            _ => continue,
        };
        for ty in fields {
            queue.extend(type_names(ty).into_iter().filter(|n| types.contains_key(n)));
        }
    }
    let mut opened = Opened::default();
    for name in seen {
        let Some(syn::Item::Enum(e)) = types.get(&name) else {
            continue;
        };
        if facts.unions.contains_key(&name) {
            opened.unions.insert(name);
        } else if !tags.contains(&name) && e.variants.iter().all(|v| v.fields.is_empty()) {
            opened.string_enums.insert(name);
        }
    }
    Ok(opened)
}

/// Every identifier of a path segment in `ty` (`Option<Vec<Foo>>` → Option, Vec, Foo).
fn type_names(ty: &syn::Type) -> Vec<String> {
    struct Names(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            self.0.push(segment.ident.to_string());
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut names = Names(Vec::new());
    syn::visit::Visit::visit_type(&mut names, ty);
    names.0
}

fn self_name(i: &syn::ItemImpl) -> Option<String> {
    match &*i.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_string_conversion(i: &syn::ItemImpl) -> bool {
    i.trait_.as_ref().is_some_and(|(_, path, _)| {
        let last = path.segments.last().map(|s| s.ident.to_string());
        matches!(last.as_deref(), Some("Display" | "FromStr" | "TryFrom"))
    })
}

/// The docs of an item (its `///` lines).
fn docs(attrs: &[syn::Attribute]) -> Vec<&syn::Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("doc")).collect()
}

/// A string enum with `Unknown(String)`, and the conversions typify's had, none of which fails.
fn open_string_enum(e: &syn::ItemEnum) -> anyhow::Result<TokenStream> {
    let name = &e.ident;
    let docs = docs(&e.attrs);
    let mut idents = Vec::new();
    let mut values = Vec::new();
    for variant in &e.variants {
        let value = variant
            .attrs
            .iter()
            .find_map(|a| {
                let syn::Meta::List(list) = &a.meta else {
                    return None;
                };
                if !a.path().is_ident("serde") {
                    return None;
                }
                let nv: syn::MetaNameValue = list.parse_args().ok()?;
                match (nv.path.is_ident("rename"), nv.value) {
                    (
                        true,
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }),
                    ) => Some(s.value()),
                    _ => None,
                }
            })
            .unwrap_or_else(|| variant.ident.to_string());
        idents.push(variant.ident.clone());
        values.push(value);
    }
    anyhow::ensure!(
        !idents.iter().any(|i| i == "Unknown"),
        "the enum `{name}` already has a value named `Unknown`"
    );
    let variant_docs = values.iter().map(|v| format!("`{v}`"));
    let description = format!("{name}: one of {}, or a later value.", values.join(", "));
    let json_schema = json_schema_impl(name, quote! { crate::open::string_schema(#description) });
    Ok(quote! {
        #(#docs)*
        ///
        /// Open: a value this release does not know decodes to [`Self::Unknown`], which keeps it.
        #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        pub enum #name {
            #( #[doc = #variant_docs] #idents, )*
            /// A value this release does not know, as the API sent it.
            Unknown(::std::string::String),
        }
        impl #name {
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#idents => #values, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }
            /// Whether this release does not know the value.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#idents, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #values => Self::#idents, )*
                    _ => Self::Unknown(value),
                }
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(value.into())
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::open::deserialize_str(deserializer)
            }
        }
        #json_schema
    })
}

/// `schemars::JsonSchema` for an open enum (behind the `json-schema` feature), its schema built by `body`
/// with `generator` in scope.
fn json_schema_impl(name: &syn::Ident, body: TokenStream) -> TokenStream {
    let schema_id = format!("webshare_api::types::{name}");
    let name_string = name.to_string();
    quote! {
        #[cfg(feature = "json-schema")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                #name_string.into()
            }
            fn schema_id() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#schema_id)
            }
            fn json_schema(generator: &mut ::schemars::r#gen::SchemaGenerator) -> ::schemars::schema::Schema {
                let _ = &generator;
                #body
            }
        }
    }
}

/// A tagged union with `Unknown(Map)`: the tag picks the member (whose errors stand), an unknown tag keeps
/// the object.
fn open_union(e: &syn::ItemEnum, union: &Union) -> anyhow::Result<TokenStream> {
    let name = &e.ident;
    let docs = docs(&e.attrs);
    let mut variants = Vec::new();
    let mut types = Vec::new();
    let mut values = Vec::new();
    for (value, member) in &union.members {
        let variant = e
            .variants
            .iter()
            .find(|v| {
                v.fields
                    .iter()
                    .next()
                    .is_some_and(|f| type_names(&f.ty).last() == Some(member))
            })
            .ok_or_else(|| anyhow::anyhow!("`{name}` has no variant for its member `{member}`"))?;
        variants.push(variant.ident.clone());
        types.push(format_ident!("{member}"));
        values.push(value.clone());
    }
    anyhow::ensure!(
        variants.len() == e.variants.len(),
        "`{name}`: every member of a discriminated union needs a `mapping` entry"
    );
    let tag = &union.tag;
    let description = format!(
        "{name}: an object whose `{tag}` is one of {}, or a later one.",
        values.join(", ")
    );
    let json_schema = json_schema_impl(
        name,
        quote! {
            crate::open::union_schema(
                #description,
                ::std::vec![#(generator.subschema_for::<#types>()),*],
            )
        },
    );
    Ok(quote! {
        #(#docs)*
        ///
        /// Open: an object whose `type` this release does not know decodes to [`Self::Unknown`], which keeps it.
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #( #[allow(missing_docs)] #variants(#types), )*
            /// A kind this release does not know: the object as the API sent it.
            Unknown(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #( Self::#variants(value) => value.serialize(serializer), )*
                    Self::Unknown(object) => object.serialize(serializer),
                }
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let (tag, object) = crate::open::TaggedObject::deserialize(deserializer, #tag)?.into_parts();
                match tag.as_str() {
                    #( #values => crate::open::decode(object).map(Self::#variants), )*
                    _ => Ok(Self::Unknown(object)),
                }
            }
        }
        #json_schema
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: t, version: 1.0.0}
paths:
  /things/:
    get:
      operationId: get_things
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Page'}
    post:
      operationId: make_thing
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Request'}
      responses:
        '204': {description: done}
components:
  schemas:
    Page:
      type: object
      properties:
        state: {$ref: '#/components/schemas/State'}
        selector: {$ref: '#/components/schemas/Selector'}
    Request:
      type: object
      properties:
        closed: {$ref: '#/components/schemas/Closed'}
    State: {type: string, enum: [a]}
    Closed: {type: string, enum: [c]}
    Member:
      type: object
      properties:
        type: {type: string, enum: [m]}
    Selector:
      oneOf: [{$ref: '#/components/schemas/Member'}]
      discriminator: {propertyName: type, mapping: {m: '#/components/schemas/Member'}}
"##;

    /// What typify writes for `SPEC`, reduced to what the pass reads.
    fn typify_output() -> TokenStream {
        quote! {
            pub struct Page {
                #[serde(rename = "the-state", deserialize_with = "::std::option::Option::deserialize")]
                pub state: ::std::option::Option<State>,
                pub selector: Selector,
            }
            pub struct Request { pub closed: Closed }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy)]
            pub enum State { #[serde(rename = "a")] A }
            impl ::std::fmt::Display for State {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str("a") }
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy)]
            pub enum Closed { #[serde(rename = "c")] C }
            pub struct Member { #[serde(rename = "type")] pub type_: MemberType }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy)]
            pub enum MemberType { #[serde(rename = "m")] M }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            #[serde(untagged)]
            pub enum Selector { Member(Member) }
        }
    }

    #[test]
    fn response_enums_open_and_the_rest_stay_closed() {
        let spec: OpenAPI = serde_yaml::from_str(SPEC).unwrap();
        let (tokens, opened) = apply(typify_output(), &facts(&spec)).unwrap();
        assert_eq!(
            opened,
            Opened {
                string_enums: ["State".to_owned()].into(),
                unions: ["Selector".to_owned()].into(),
            }
        );
        let file: syn::File = syn::parse2(tokens).unwrap();
        let text = prettyplease::unparse(&file);
        // The response enum keeps unknown values; typify's failing conversion is gone.
        assert!(text.contains("pub enum State {"), "{text}");
        assert!(text.contains("Unknown(::std::string::String)"), "{text}");
        assert_eq!(
            text.matches("impl ::std::fmt::Display for State").count(),
            1
        );
        // The union keeps an unknown kind's object; request-only and tag enums stay as typify wrote them.
        assert!(text.contains("Unknown(::serde_json::Map"), "{text}");
        assert!(
            text.contains("pub enum Closed {\n    #[serde(rename = \"c\")]\n    C,\n}"),
            "{text}"
        );
        assert!(
            text.contains("pub enum MemberType {\n    #[serde(rename = \"m\")]\n    M,\n}"),
            "{text}"
        );
        // An absent nullable key reads as None, and the field keeps its other serde arguments.
        assert!(
            text.contains(
                "#[serde(\n        default,\n        rename = \"the-state\",\n        deserialize_with = \"::std::option::Option::deserialize\"\n    )]"
            ) || text.contains("#[serde(default, rename = \"the-state\""),
            "{text}"
        );
    }
}
