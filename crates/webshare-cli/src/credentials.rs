//! Where the API key comes from (flag, environment, saved file), and saving one.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The saved credentials file's contents.
#[derive(Serialize, Deserialize)]
pub struct Saved {
    /// The token or API key.
    pub api_key: String,
    /// The base URL it belongs to.
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
/// silent fallback to no credentials.
pub fn load() -> Result<Option<Saved>, String> {
    let Some(path) = path() else { return Ok(None) };
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            format!(
                "{} is not a valid credentials file ({e}); delete it or log in again with --save",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Writes the credentials, readable by the owner only; returns the path.
pub fn save(saved: &Saved) -> Result<PathBuf, String> {
    let path =
        path().ok_or("no configuration directory on this platform; set WEBSHARE_CONFIG_DIR")?;
    let dir = path
        .parent()
        .ok_or("the credentials path has no directory")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(saved).map_err(|e| e.to_string())?;
    write_private(&path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // `mode` applies only when the file is created; tighten a file that already existed too.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
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
