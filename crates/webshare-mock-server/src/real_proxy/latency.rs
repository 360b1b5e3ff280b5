//! A proxy's added latency (a test control), on the server's manual clock when it has one.

use std::time::Duration;

use crate::AppState;

/// Holds a request for the proxy's added latency: on the server's manual clock when it has one (until
/// a test advances it that far), else on Tokio's.
pub(super) async fn delay(app: &AppState, latency: Duration) {
    if latency.is_zero() {
        return;
    }
    if !app.config.manual_clock {
        tokio::time::sleep(latency).await;
        return;
    }
    let until = app.clock.elapsed().saturating_add(latency);
    let mut ticks = app.real_proxies.ticks.subscribe();
    // Subscribed before the check: an advance in between is not missed.
    while app.clock.elapsed() < until {
        if ticks.changed().await.is_err() {
            return;
        }
    }
}
