//! *Proxy Statistics*: hourly stats (a bare array, not paginated) and their aggregate.

use webshare_api::operations::{GetAggregateStats, ListStats};
use webshare_api::types::{AggregateStats, ProxyStat};

use crate::{Client, Error};

/// Stats operations; from [`Client::stats`].
#[derive(Debug, Clone, Copy)]
pub struct Stats<'a> {
    client: &'a Client,
}

impl Client {
    /// Proxy usage statistics.
    pub fn stats(&self) -> Stats<'_> {
        Stats { client: self }
    }
}

impl Stats<'_> {
    /// Usage by hour over a period (`timestamp__gte`/`__lte`), oldest first; hours without use are absent.
    pub async fn hourly(&self, params: &ListStats) -> Result<Vec<ProxyStat>, Error> {
        self.client.call(params, &()).await
    }

    /// Usage summed over a period.
    pub async fn aggregate(&self, params: &GetAggregateStats) -> Result<AggregateStats, Error> {
        self.client.call(params, &()).await
    }
}
