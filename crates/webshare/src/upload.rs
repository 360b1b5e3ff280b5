//! Uploads: the `multipart/form-data` bodies of the operations that take files (verification evidence
//! and answers). The fields an operation takes (names, which are files, repetition, media types, size
//! limits) are its generated [`Operation::form`](webshare_api::Operation::form); an [`Upload`] is checked
//! against them before anything is sent, and each attempt streams the files from disk again, so a file is
//! never held in memory whole.

use std::path::{Path, PathBuf};

use webshare_api::{Endpoint, Operation};

use crate::Error;

/// A form to upload: text fields and files, by field name. Build it with [`Upload::text`] and
/// [`Upload::file`]; the operation's method checks it against the spec's form.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    parts: Vec<(String, Part)>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    File {
        path: PathBuf,
        file_name: String,
        media_type: String,
        len: u64,
    },
}

impl Upload {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push((name.into(), Part::Text(value.into())));
        self
    }

    /// Adds the file at `path`, its media type guessed from its extension (`application/octet-stream`
    /// when unknown). An error if it cannot be read.
    pub fn file(self, name: impl Into<String>, path: impl AsRef<Path>) -> Result<Self, Error> {
        let media_type = mime_guess::from_path(path.as_ref())
            .first_or_octet_stream()
            .essence_str()
            .to_owned();
        self.file_with_type(name, path, media_type)
    }

    /// Adds the file at `path` with the media type given.
    pub fn file_with_type(
        mut self,
        name: impl Into<String>,
        path: impl AsRef<Path>,
        media_type: impl Into<String>,
    ) -> Result<Self, Error> {
        let path = path.as_ref();
        let metadata = std::fs::metadata(path).map_err(|e| {
            Error::invalid_input("file", format!("cannot read {}: {e}", path.display()))
        })?;
        if !metadata.is_file() {
            return Err(Error::invalid_input(
                "file",
                format!("{} is not a file", path.display()),
            ));
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "upload".into());
        self.parts.push((
            name.into(),
            Part::File {
                path: path.to_owned(),
                file_name,
                media_type: media_type.into(),
                len: metadata.len(),
            },
        ));
        Ok(self)
    }

    /// Checks the form against `operation`'s fields: every field known, required ones present, only
    /// repeatable ones repeated, files where files go with an accepted media type and size.
    pub(crate) fn check(&self, operation: &Operation) -> Result<(), Error> {
        let field_of = |name: &str| operation.form.iter().find(|f| f.name == name);
        for (index, (name, part)) in self.parts.iter().enumerate() {
            let Some(field) = field_of(name) else {
                return Err(Error::invalid_input(
                    "form",
                    format!("`{}` takes no field `{name}`", operation.name),
                ));
            };
            if !field.repeated && self.parts[..index].iter().any(|(n, _)| n == name) {
                return Err(Error::invalid_input(field.name, "may be given once"));
            }
            match (part, field.max_bytes()) {
                (Part::Text(_), _)
                    if matches!(field.kind, webshare_api::FormFieldKind::File { .. }) =>
                {
                    return Err(Error::invalid_input(field.name, "takes a file"));
                }
                (Part::File { .. }, _) if field.kind == webshare_api::FormFieldKind::Text => {
                    return Err(Error::invalid_input(field.name, "takes text, not a file"));
                }
                (Part::File { media_type, .. }, _) if !field.accepts(media_type) => {
                    return Err(Error::invalid_input(
                        field.name,
                        format!("does not take files of type {media_type}"),
                    ));
                }
                (Part::File { len, .. }, Some(max)) if *len > max => {
                    return Err(Error::invalid_input(
                        field.name,
                        format!("takes files of at most {max} bytes (this one has {len})"),
                    ));
                }
                _ => {}
            }
        }
        for field in operation.form.iter().filter(|f| f.required) {
            if !self.parts.iter().any(|(n, _)| n == field.name) {
                return Err(Error::invalid_input(field.name, "is required"));
            }
        }
        Ok(())
    }

    /// The form for one attempt: files opened again and streamed.
    pub(crate) async fn to_form(&self) -> Result<reqwest::multipart::Form, Error> {
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            form = match part {
                Part::Text(value) => form.text(name.clone(), value.clone()),
                Part::File {
                    path,
                    file_name,
                    media_type,
                    len,
                } => {
                    let file = tokio::fs::File::open(path).await.map_err(|e| {
                        Error::invalid_input("file", format!("cannot read {}: {e}", path.display()))
                    })?;
                    let body = reqwest::Body::wrap_stream(file_chunks(file));
                    let part = reqwest::multipart::Part::stream_with_length(body, *len)
                        .file_name(file_name.clone())
                        .mime_str(media_type)
                        .map_err(|_| {
                            Error::invalid_input(
                                "file",
                                format!("`{media_type}` is not a media type"),
                            )
                        })?;
                    form.part(name.clone(), part)
                }
            };
        }
        Ok(form)
    }
}

/// A file as a stream of 64 KiB chunks.
fn file_chunks(
    file: tokio::fs::File,
) -> impl futures_core::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static {
    use tokio::io::AsyncReadExt;
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = bytes::BytesMut::with_capacity(64 * 1024);
        match file.read_buf(&mut buffer).await {
            Ok(0) => None,
            Ok(_) => Some((Ok(buffer.freeze()), Some(file))),
            Err(e) => Some((Err(e), None)),
        }
    })
}

impl crate::Client {
    /// Sends an upload operation with `upload` as its form, checked against the spec's form first.
    pub(crate) async fn upload<E: Endpoint>(
        &self,
        params: &E,
        upload: &Upload,
    ) -> Result<E::Response, Error> {
        upload.check(E::OPERATION)?;
        self.call_with_form(params, upload).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use webshare_api::operations::{ANSWER_VERIFICATION_QUESTION, SUBMIT_VERIFICATION_EVIDENCE};

    #[test]
    fn forms_are_checked_against_the_spec_before_sending() {
        let dir = std::env::temp_dir().join(format!("webshare-upload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("evidence.png");
        std::fs::write(&file, b"\x89PNG").unwrap();
        let evidence = Upload::new()
            .text("explanation", "scraping prices")
            .file("files", &file)
            .unwrap();
        assert!(evidence.check(&SUBMIT_VERIFICATION_EVIDENCE).is_ok());
        // Files repeat; an unknown field, a file in a text field and a missing required one do not pass.
        let two = evidence.clone().file("files", &file).unwrap();
        assert!(two.check(&SUBMIT_VERIFICATION_EVIDENCE).is_ok());
        let unknown = Upload::new().text("notes", "x");
        assert!(matches!(
            unknown.check(&SUBMIT_VERIFICATION_EVIDENCE),
            Err(Error::InvalidInput { .. })
        ));
        let misplaced = Upload::new().file("explanation", &file).unwrap();
        assert!(misplaced.check(&SUBMIT_VERIFICATION_EVIDENCE).is_err());
        let twice = Upload::new()
            .text("explanation", "a")
            .text("explanation", "b");
        assert!(twice.check(&SUBMIT_VERIFICATION_EVIDENCE).is_err());
        let no_answer = Upload::new().file("files", &file).unwrap();
        assert!(matches!(
            no_answer.check(&ANSWER_VERIFICATION_QUESTION),
            Err(Error::InvalidInput {
                field: "answer",
                ..
            })
        ));
        assert!(
            Upload::new()
                .file("files", dir.join("missing.png"))
                .is_err()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
