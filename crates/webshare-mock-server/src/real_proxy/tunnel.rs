//! Relaying a tunnel's bytes both ways until both ends close or it stays silent too long.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The relay's buffer, each way.
const BUFFER: usize = 16 * 1024;

/// Relays between `client` and `target` until both have closed their side, either fails, or no byte
/// has moved either way for `idle`.
pub(super) async fn relay<C, T>(client: C, target: T, idle: Duration)
where
    C: AsyncRead + AsyncWrite,
    T: AsyncRead + AsyncWrite,
{
    let (mut client_read, mut client_write) = tokio::io::split(client);
    let (mut target_read, mut target_write) = tokio::io::split(target);
    let mut up = vec![0u8; BUFFER];
    let mut down = vec![0u8; BUFFER];
    let (mut client_open, mut target_open) = (true, true);
    while client_open || target_open {
        tokio::select! {
            read = client_read.read(&mut up), if client_open => match read {
                Ok(0) | Err(_) => {
                    client_open = false;
                    let _ = target_write.shutdown().await;
                }
                Ok(n) => {
                    if target_write.write_all(&up[..n]).await.is_err() {
                        return;
                    }
                }
            },
            read = target_read.read(&mut down), if target_open => match read {
                Ok(0) | Err(_) => {
                    target_open = false;
                    let _ = client_write.shutdown().await;
                }
                Ok(n) => {
                    if client_write.write_all(&down[..n]).await.is_err() {
                        return;
                    }
                }
            },
            () = tokio::time::sleep(idle) => return,
        }
    }
}
