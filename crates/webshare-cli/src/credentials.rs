//! The saved credentials file: reading it, and saving a token atomically.
//!
//! The file holds a token and the base URL it was saved for; `commands::Settings` decides when it is
//! used. Errors about the file never quote its contents: they may hold a token.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The saved credentials file's contents.
#[derive(Serialize, Deserialize)]
pub struct Saved {
    /// The token or API key.
    pub api_key: String,
    /// The base URL it belongs to (`None` in files of older versions: the production URL).
    pub base_url: Option<String>,
}

/// `$WEBSHARE_CONFIG_DIR/credentials.json`, else `<platform config dir>/webshare/credentials.json`.
pub fn path() -> Option<PathBuf> {
    let dir = match std::env::var_os("WEBSHARE_CONFIG_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => dirs::config_dir()?.join("webshare"),
    };
    Some(dir.join("credentials.json"))
}

/// The saved credentials, if a file exists. A file that exists but cannot be read is an error, not a
/// silent fallback to no credentials; the error names the file and the position of the problem, never
/// the file's contents.
pub fn load() -> Result<Option<Saved>, String> {
    let Some(path) = path() else { return Ok(None) };
    load_from(&path)
}

fn load_from(path: &Path) -> Result<Option<Saved>, String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        // Only the category and position: serde_json's messages can quote the file's values.
        let what = match e.classify() {
            serde_json::error::Category::Data => "not the expected fields",
            serde_json::error::Category::Eof => "cut short",
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => "not JSON",
        };
        format!(
            "{} is not a valid credentials file ({what} at line {}, column {}); run `webshare login \
             --save` to replace it, or delete it",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

/// Writes the credentials atomically, readable by the owner only; returns the path. A corrupt or old
/// file is replaced; a symlink is refused.
pub fn save(saved: &Saved) -> Result<PathBuf, String> {
    let path =
        path().ok_or("no configuration directory on this platform; set WEBSHARE_CONFIG_DIR")?;
    let dir = path
        .parent()
        .ok_or("the credentials path has no directory")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(saved).map_err(|e| e.to_string())?;
    write_atomic(&path, text.as_bytes(), |_| Ok(()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Replaces `path` with `bytes`: a new temporary file in the same directory (created exclusively, mode
/// 0600 on unix), written and synced, then renamed over `path`. Until the rename the old file is
/// untouched, so a crash leaves either the old or the new contents, never a mix. `before_rename` runs
/// with the synced temporary file's path just before the rename (tests use it to stand in for a crash).
fn write_atomic(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    refuse_symlink(path)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the path has no file name"))?
        .to_string_lossy()
        .into_owned();
    let (temp, mut file) = create_temp(dir, &name)?;
    let written = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        before_rename(&temp)?;
        // `rename` replaces a symlink itself, never its target; checked again to report it clearly.
        refuse_symlink(path)?;
        std::fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    sync_dir(dir);
    Ok(())
}

/// A symlink at `path` is refused: the token would land wherever it points.
fn refuse_symlink(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(std::io::Error::other(format!(
            "{} is a symbolic link; refusing to write credentials through it",
            path.display()
        ))),
        Ok(meta) if meta.is_dir() => Err(std::io::Error::other(format!(
            "{} is a directory",
            path.display()
        ))),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// A new temporary file next to the target, named after it, the process and the time.
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last = None;
    for attempt in 0..8u32 {
        let temp = dir.join(format!(
            ".{name}.{}.{nanos}.{attempt}.tmp",
            std::process::id()
        ));
        match create_exclusive(&temp) {
            Ok(file) => return Ok((temp, file)),
            // Something is already there. A symlink was planted: refuse. A stale file: another name.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                refuse_symlink(&temp)?;
                last = Some(e);
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary file name")))
}

/// Creates `path`, failing if anything exists there. `create_new` is `O_CREAT | O_EXCL`, which never
/// follows a symlink (not even a dangling one): a symlink at `path` is an `AlreadyExists` error.
fn create_exclusive(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        // The umask can only remove bits from 0600; set it exactly anyway.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// Makes the rename durable (best effort: not every platform can sync a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Removes the saved credentials; returns the path if there was a file.
pub fn forget() -> Result<Option<PathBuf>, String> {
    let Some(path) = path() else { return Ok(None) };
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(Some(path)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!(
            "logged out, but cannot remove {}: {e}",
            path.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_before_the_rename_leaves_the_old_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials.json");
        std::fs::write(&path, "old contents").unwrap();
        let error = write_atomic(&path, b"new contents", |temp| {
            // The temporary file is complete, private and next to the target before the rename.
            assert_eq!(temp.parent(), Some(dir.path()));
            assert_eq!(std::fs::read(temp).unwrap(), b"new contents");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(temp).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600);
            }
            Err(std::io::Error::other("simulated crash"))
        })
        .unwrap_err();
        assert_eq!(error.to_string(), "simulated crash");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old contents");
        // Nothing is left behind but the old file.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);

        write_atomic(&path, b"new contents", |_| Ok(())).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new contents");
    }

    #[cfg(unix)]
    #[test]
    fn the_temporary_file_is_never_created_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        let temp = dir.path().join("temp");
        std::os::unix::fs::symlink(&target, &temp).unwrap();
        let error = create_exclusive(&temp).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
        assert!(
            !target.exists(),
            "the dangling symlink's target was created"
        );
    }

    #[test]
    fn a_corrupt_file_is_reported_without_its_contents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials.json");
        for contents in [
            "\"secret-token-1234\"",
            "{\"api_key\": 12345678}",
            "{\"api_key\": \"secret-token-1234\", \"base_url\": 5}",
            "secret-token-1234",
            "{\"api_key\": \"secret-token-1234\"",
        ] {
            std::fs::write(&path, contents).unwrap();
            let message = load_from(&path).err().expect("an error");
            assert!(
                !message.contains("secret-token-1234") && !message.contains("12345678"),
                "{message}"
            );
            assert!(message.contains("webshare login --save"), "{message}");
        }
    }
}
