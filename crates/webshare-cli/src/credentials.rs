//! The saved credentials: in the OS keyring (macOS Keychain, Windows Credential Manager), or where there
//! is none, in a file readable by the owner only, written atomically. On Linux the file: the kernel
//! keyring is dropped with the session (seen here: a token one `webshare` process saved there was gone
//! for the next), and the Secret Service needs D-Bus, which is not built in.
//!
//! Either holds a token and the base URL it was saved for; `commands::Settings` decides when it is used.
//! `WEBSHARE_CONFIG_DIR` names a directory for the file and skips the keyring (tests, containers).
//! Errors never quote the saved contents: they may hold a token.

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

/// Where a token was saved.
#[derive(Debug, PartialEq, Eq)]
pub enum Stored {
    /// In the OS keyring.
    Keyring,
    /// In this file (mode 0600); `keyring` says why not in the keyring (nothing when the file was
    /// asked for with `WEBSHARE_CONFIG_DIR`).
    File {
        /// The file.
        path: PathBuf,
        /// The keyring's refusal.
        keyring: Option<String>,
    },
}

impl std::fmt::Display for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Keyring => write!(f, "the OS keyring (service `{KEYRING_SERVICE}`)"),
            Self::File {
                path,
                keyring: None,
            } => write!(f, "{} (readable by you only)", path.display()),
            Self::File {
                path,
                keyring: Some(why),
            } => write!(
                f,
                "{} (readable by you only), as the OS keyring is not available: {why}",
                path.display()
            ),
        }
    }
}

/// The keyring entry's service; its user name is [`KEYRING_USER`].
pub const KEYRING_SERVICE: &str = "webshare-cli";
const KEYRING_USER: &str = "credentials";

/// A secret store with one entry: the OS keyring, or a stand-in in tests.
pub trait SecretStore {
    /// The entry, if there is one.
    fn get(&self) -> Result<Option<String>, String>;
    /// Creates or replaces the entry.
    fn set(&self, value: &str) -> Result<(), String>;
    /// Removes the entry; whether there was one.
    fn delete(&self) -> Result<bool, String>;
}

/// The OS keyring (`keyring` crate): Keychain or Credential Manager.
pub struct OsKeyring;

/// Why no keyring is used on this platform, where none keeps a token across sessions.
const NO_PERSISTENT_KEYRING: Option<&str> = if cfg!(any(target_os = "macos", windows)) {
    None
} else {
    Some("this platform has no OS keyring that keeps a token across sessions")
};

impl OsKeyring {
    fn entry() -> Result<keyring::Entry, String> {
        keyring::Entry::new(KEYRING_SERVICE, KEYRING_USER).map_err(|e| e.to_string())
    }
}

impl SecretStore for OsKeyring {
    fn get(&self) -> Result<Option<String>, String> {
        match Self::entry()?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn set(&self, value: &str) -> Result<(), String> {
        Self::entry()?
            .set_password(value)
            .map_err(|e| e.to_string())
    }

    fn delete(&self) -> Result<bool, String> {
        match Self::entry()?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The keyring to use: none when `WEBSHARE_CONFIG_DIR` names the place for the file, or where no
/// keyring keeps a token (the error says why).
fn keyring() -> Result<OsKeyring, Option<&'static str>> {
    if std::env::var_os("WEBSHARE_CONFIG_DIR").is_some() {
        return Err(None);
    }
    match NO_PERSISTENT_KEYRING {
        Some(why) => Err(Some(why)),
        None => Ok(OsKeyring),
    }
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
    load_with(
        keyring().as_ref().ok().map(|k| k as &dyn SecretStore),
        path(),
    )
}

/// The keyring's entry if there is one (an unreachable keyring is passed over: the file may hold the
/// token), else the file's.
fn load_with(
    store: Option<&dyn SecretStore>,
    file: Option<PathBuf>,
) -> Result<Option<Saved>, String> {
    if let Some(Ok(Some(text))) = store.map(SecretStore::get) {
        return serde_json::from_str(&text).map(Some).map_err(|_| {
            format!(
                "the token saved in the OS keyring (service `{KEYRING_SERVICE}`) is unreadable; run \
                 `webshare login --save` to replace it"
            )
        });
    }
    let Some(path) = file else { return Ok(None) };
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

/// Saves the credentials in the OS keyring (removing an older file, which would otherwise outlive a
/// logout), or where it refuses, in the file; says where.
pub fn save(saved: &Saved) -> Result<Stored, String> {
    match keyring() {
        Ok(keyring) => save_with(Ok(&keyring), path(), saved),
        Err(why) => save_with(Err(why), path(), saved),
    }
}

/// `store`, or why there is none to try (nothing to say when the file was asked for).
fn save_with(
    store: Result<&dyn SecretStore, Option<&str>>,
    file: Option<PathBuf>,
    saved: &Saved,
) -> Result<Stored, String> {
    let refusal = match store {
        Err(why) => why.map(str::to_owned),
        Ok(store) => {
            let text = serde_json::to_string(saved).map_err(|e| e.to_string())?;
            match store.set(&text) {
                Ok(()) => {
                    if let Some(path) = &file {
                        remove_file(path)?;
                    }
                    return Ok(Stored::Keyring);
                }
                Err(why) => Some(why),
            }
        }
    };
    let path =
        file.ok_or("no configuration directory on this platform; set WEBSHARE_CONFIG_DIR")?;
    save_file(&path, saved)?;
    Ok(Stored::File {
        path,
        keyring: refusal,
    })
}

/// Writes the credentials file atomically, readable by the owner only. A corrupt or old file is
/// replaced; a symlink is refused.
fn save_file(path: &Path, saved: &Saved) -> Result<(), String> {
    let dir = path
        .parent()
        .ok_or("the credentials path has no directory")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(saved).map_err(|e| e.to_string())?;
    write_atomic(path, text.as_bytes(), |_| Ok(()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
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

/// Removes the saved credentials from the keyring and the file; says where they were.
pub fn forget() -> Result<Vec<String>, String> {
    forget_with(
        keyring().as_ref().ok().map(|k| k as &dyn SecretStore),
        path(),
    )
}

fn forget_with(
    store: Option<&dyn SecretStore>,
    file: Option<PathBuf>,
) -> Result<Vec<String>, String> {
    let mut removed = Vec::new();
    if let Some(store) = store {
        match store.delete() {
            Ok(true) => removed.push(Stored::Keyring.to_string()),
            Ok(false) => {}
            Err(e) => {
                return Err(format!(
                    "logged out, but cannot remove the token from the OS keyring: {e}"
                ));
            }
        }
    }
    if let Some(path) = file
        && remove_file(&path)?
    {
        removed.push(path.display().to_string());
    }
    Ok(removed)
}

/// Removes a credentials file; whether there was one.
fn remove_file(path: &Path) -> Result<bool, String> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("cannot remove {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// A keyring in memory, or one that refuses everything.
    struct FakeKeyring {
        entry: RefCell<Option<String>>,
        refuses: bool,
    }

    impl FakeKeyring {
        fn new(refuses: bool) -> Self {
            Self {
                entry: RefCell::new(None),
                refuses,
            }
        }
    }

    impl SecretStore for FakeKeyring {
        fn get(&self) -> Result<Option<String>, String> {
            if self.refuses {
                return Err("no keyring here".into());
            }
            Ok(self.entry.borrow().clone())
        }
        fn set(&self, value: &str) -> Result<(), String> {
            if self.refuses {
                return Err("no keyring here".into());
            }
            *self.entry.borrow_mut() = Some(value.to_owned());
            Ok(())
        }
        fn delete(&self) -> Result<bool, String> {
            if self.refuses {
                return Err("no keyring here".into());
            }
            Ok(self.entry.borrow_mut().take().is_some())
        }
    }

    fn saved(token: &str) -> Saved {
        Saved {
            api_key: token.into(),
            base_url: Some("http://127.0.0.1:1/api".into()),
        }
    }

    #[test]
    fn the_keyring_is_preferred_and_an_older_file_removed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("credentials.json");
        save_file(&file, &saved("old-file-token")).unwrap();
        let keyring = FakeKeyring::new(false);
        let stored = save_with(Ok(&keyring), Some(file.clone()), &saved("new-token")).unwrap();
        assert_eq!(stored, Stored::Keyring);
        assert!(!file.exists(), "the older file would outlive a logout");
        let loaded = load_with(Some(&keyring), Some(file.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(loaded.api_key, "new-token");
        assert_eq!(
            forget_with(Some(&keyring), Some(file.clone())).unwrap(),
            [Stored::Keyring.to_string()]
        );
        assert!(load_with(Some(&keyring), Some(file)).unwrap().is_none());
    }

    #[test]
    fn without_a_keyring_the_file_is_used_and_the_reason_said() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("credentials.json");
        let keyring = FakeKeyring::new(true);
        let stored = save_with(Ok(&keyring), Some(file.clone()), &saved("tok")).unwrap();
        assert_eq!(
            stored,
            Stored::File {
                path: file.clone(),
                keyring: Some("no keyring here".into())
            }
        );
        let said = stored.to_string();
        assert!(
            said.contains("readable by you only") && said.contains("no keyring here"),
            "{said}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            load_with(Some(&keyring), Some(file.clone()))
                .unwrap()
                .unwrap()
                .api_key,
            "tok"
        );
        // With WEBSHARE_CONFIG_DIR (no keyring at all): the file, and no reason to give.
        let stored = save_with(Err(None), Some(file.clone()), &saved("tok2")).unwrap();
        assert_eq!(
            stored,
            Stored::File {
                path: file.clone(),
                keyring: None
            }
        );
        // Where no keyring keeps a token: the file, and the reason said.
        let stored = save_with(Err(Some("none here")), Some(file.clone()), &saved("t3")).unwrap();
        assert!(stored.to_string().contains("none here"));
    }

    #[test]
    fn an_unreadable_keyring_entry_is_an_error_without_its_contents() {
        let keyring = FakeKeyring::new(false);
        keyring.set("{\"api_key\": \"secret-tok").unwrap();
        let error = load_with(Some(&keyring), None).err().unwrap();
        assert!(
            error.contains("unreadable") && !error.contains("secret-tok"),
            "{error}"
        );
    }

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
