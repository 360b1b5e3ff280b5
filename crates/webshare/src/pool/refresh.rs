//! Reading a pool's list again: on demand ([`Pool::refresh_from_api`]) or on a timer
//! ([`Pool::refresh_every`]). Either way the new list goes through [`Pool::replace_list`], so requests in
//! flight keep their leases.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use webshare_api::operations::ListProxies;

use super::{Pool, PoolError, PoolProxy, RefreshReport, from_api};
use crate::Client;

/// How many timed refreshes a [`Refresher`] has made so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefreshCount {
    /// Refreshes that swapped a new list in.
    pub succeeded: u64,
    /// Refreshes whose source failed (the list was kept as it was).
    pub failed: u64,
}

impl RefreshCount {
    /// Refreshes made, successful or not.
    pub fn total(&self) -> u64 {
        self.succeeded.saturating_add(self.failed)
    }
}

/// A pool's timed refresh ([`Pool::refresh_every`]), running on a Tokio task until this is dropped (or
/// [`Refresher::stop`]ped).
#[derive(Debug)]
pub struct Refresher {
    task: tokio::task::JoinHandle<()>,
    count: watch::Receiver<RefreshCount>,
}

impl Refresher {
    /// The refreshes made so far.
    pub fn count(&self) -> RefreshCount {
        *self.count.borrow()
    }

    /// Waits until `refreshes` refreshes (successful or not) have been made, and returns the count.
    pub async fn wait_for(&mut self, refreshes: u64) -> RefreshCount {
        // The sender lives in the task, which runs until this is dropped: the wait ends.
        let reached = self
            .count
            .wait_for(|c| c.total() >= refreshes)
            .await
            .map(|count| *count);
        reached.unwrap_or_else(|_| self.count())
    }

    /// Stops refreshing; a refresh under way is abandoned (the list stays as it was before it).
    pub fn stop(self) {}
}

impl Drop for Refresher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Pool {
    /// Reads the account's list again ([`from_api`] with `params`) and swaps it in
    /// ([`Pool::replace_list`]).
    pub async fn refresh_from_api(
        &self,
        client: &Client,
        params: ListProxies,
    ) -> Result<RefreshReport, PoolError> {
        let proxies = from_api(client, params).await?;
        self.replace_list(proxies)
    }

    /// Refreshes the list from `source` every `interval` (the first time one interval from now), on a
    /// task of the current Tokio runtime, until the returned [`Refresher`] is dropped. A refresh whose
    /// source fails keeps the list as it was and is traced (`webshare::pool`, warn, without secrets); a
    /// refresh that takes longer than `interval` delays the next rather than overlapping it. A zero
    /// `interval`, or a call outside a Tokio runtime, is [`PoolError::InvalidConfig`].
    ///
    /// ```no_run
    /// # async fn run(client: webshare::Client, pool: webshare::pool::Pool) -> Result<(), webshare::pool::PoolError> {
    /// use std::time::Duration;
    /// use webshare::operations::ListProxies;
    /// use webshare::types::ProxyMode;
    /// let refresher = pool.refresh_every(Duration::from_secs(300), move || {
    ///     let client = client.clone();
    ///     async move { webshare::pool::from_api(&client, ListProxies::new(ProxyMode::Direct)).await }
    /// })?;
    /// // ... the pool follows the account's list while `refresher` lives.
    /// # drop(refresher);
    /// # Ok(())
    /// # }
    /// ```
    pub fn refresh_every<F, Fut>(
        &self,
        interval: Duration,
        mut source: F,
    ) -> Result<Refresher, PoolError>
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Vec<PoolProxy>, PoolError>> + Send + 'static,
    {
        if interval.is_zero() {
            return Err(PoolError::InvalidConfig {
                message: "the refresh interval must be longer than zero",
            });
        }
        let runtime =
            tokio::runtime::Handle::try_current().map_err(|_| PoolError::InvalidConfig {
                message: "a timed refresh runs on a Tokio runtime: call it inside one",
            })?;
        let (sender, count) = watch::channel(RefreshCount::default());
        let pool = self.clone();
        let task = runtime.spawn(async move {
            let start = tokio::time::Instant::now() + interval;
            let mut ticks = tokio::time::interval_at(start, interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let refreshed = match source().await {
                    Ok(proxies) => pool.replace_list(proxies),
                    Err(error) => Err(error),
                };
                match refreshed {
                    Ok(_) => sender.send_modify(|c| c.succeeded = c.succeeded.saturating_add(1)),
                    Err(error) => {
                        tracing::warn!(
                            target: "webshare::pool",
                            error = %error,
                            "proxy list refresh failed; the list is kept"
                        );
                        sender.send_modify(|c| c.failed = c.failed.saturating_add(1));
                    }
                }
            }
        });
        Ok(Refresher { task, count })
    }
}
