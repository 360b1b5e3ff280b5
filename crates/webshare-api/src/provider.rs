//! [`SocialProvider`]: an enum that does not break when Webshare adds a provider.

use std::borrow::Cow;
use std::fmt;

/// A social identity provider (the spec's `SocialProvider`). The generator maps the spec's closed enum
/// to this type, so a provider added after this release can still be sent ([`SocialProvider::Other`]) and
/// read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SocialProvider {
    /// Google, the only provider today.
    Google,
    /// A provider this release does not know, by its API name.
    Other(String),
}

impl SocialProvider {
    /// The name the API uses, e.g. `google`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Google => "google",
            Self::Other(name) => name,
        }
    }
}

impl fmt::Display for SocialProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for SocialProvider {
    fn from(name: &str) -> Self {
        match name {
            "google" => Self::Google,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::str::FromStr for SocialProvider {
    type Err = std::convert::Infallible;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(name.into())
    }
}

impl serde::Serialize for SocialProvider {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for SocialProvider {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = Cow::<str>::deserialize(deserializer)?;
        Ok(name.as_ref().into())
    }
}

#[cfg(feature = "json-schema")]
impl schemars::JsonSchema for SocialProvider {
    fn schema_name() -> String {
        "SocialProvider".into()
    }

    fn schema_id() -> Cow<'static, str> {
        Cow::Borrowed("webshare_api::SocialProvider")
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        // Open: any string, with the known ones listed in the description.
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            metadata: Some(Box::new(schemars::schema::Metadata {
                description: Some(
                    "A social identity provider: `google`, or one added later.".into(),
                ),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::SocialProvider;

    #[test]
    fn unknown_providers_round_trip() {
        let known: SocialProvider = serde_json::from_str(r#""google""#).unwrap();
        assert_eq!(known, SocialProvider::Google);
        let new: SocialProvider = serde_json::from_str(r#""github""#).unwrap();
        assert_eq!(new, SocialProvider::Other("github".into()));
        assert_eq!(serde_json::to_string(&new).unwrap(), r#""github""#);
        assert_eq!(
            serde_json::to_string(&SocialProvider::Google).unwrap(),
            r#""google""#
        );
    }
}
