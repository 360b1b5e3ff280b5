//! The pool's state behind its lock: the proxies in slots (stable across refreshes, with a generation so
//! a lease of a proxy that left is recognised), the index of those that can be picked, the timers that
//! bring proxies back (quarantine's end, minimum interval), and the sticky keys.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use tokio::time::Instant;

use super::clock::{Epoch, Moment};
use super::health::{Change, Health, HealthConfig, Outcome};
use super::index::{Index, Load, Strategy};
use super::{PoolError, PoolProxy, RefreshReport};

/// A proxy's place: its slot and the generation of the proxy in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Slot {
    pub(crate) index: u32,
    pub(crate) generation: u32,
}

/// Limits on each proxy's use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) max_in_flight: u32,
    pub(crate) min_interval: Duration,
}

#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) proxy: PoolProxy,
    pub(crate) generation: u32,
    pub(crate) in_flight: u32,
    pub(crate) last_pick: u32,
    /// Not before this (the minimum interval since the last pick).
    pub(crate) next_use: Option<Moment>,
    pub(crate) indexed: bool,
    pub(crate) health: Health,
}

impl Entry {
    fn load(&self) -> Load {
        Load {
            in_flight: self.in_flight,
            last_pick: self.last_pick,
        }
    }
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) slots: Vec<Option<Entry>>,
    free: Vec<u32>,
    len: usize,
    index: Index,
    /// (when, slot, generation): a quarantine or interval that ends then.
    timers: BTreeSet<(Moment, u32, u32)>,
    sticky: HashMap<String, Slot>,
    /// Picks so far (wrapping: it only breaks ties between equally loaded proxies).
    picks: u32,
    next_generation: u32,
    pub(crate) limits: Limits,
    pub(crate) health: HealthConfig,
    pub(crate) epoch: Epoch,
}

/// A proxy handed out: where it is and what it is.
pub(crate) type Picked = (Slot, PoolProxy);

impl State {
    pub(crate) fn new(
        strategy: Strategy,
        seed: u64,
        limits: Limits,
        health: HealthConfig,
        epoch: Instant,
    ) -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            index: Index::new(strategy, seed),
            timers: BTreeSet::new(),
            sticky: HashMap::new(),
            picks: 0,
            next_generation: 0,
            limits,
            health,
            epoch: Epoch(epoch),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn available(&self) -> usize {
        self.index.len()
    }

    pub(crate) fn entry(&self, slot: Slot) -> Option<&Entry> {
        self.slots
            .get(slot.index as usize)?
            .as_ref()
            .filter(|e| e.generation == slot.generation)
    }

    fn entry_mut(&mut self, slot: Slot) -> Option<&mut Entry> {
        self.slots
            .get_mut(slot.index as usize)?
            .as_mut()
            .filter(|e| e.generation == slot.generation)
    }

    /// Whether the entry may take a request now (timers up to now already applied).
    fn can_take(&self, e: &Entry) -> bool {
        e.health.quarantined_until.is_none()
            && e.next_use.is_none()
            && e.in_flight < self.limits.max_in_flight
    }

    /// Puts the slot in the index, or takes it out, as its entry now says.
    fn reindex(&mut self, index: u32) {
        let Some(e) = self.slots.get(index as usize).and_then(Option::as_ref) else {
            return;
        };
        let wanted = self.can_take(e);
        let (indexed, load) = (e.indexed, e.load());
        if wanted && !indexed {
            self.index.insert(index, load);
        } else if !wanted && indexed {
            self.index.remove(index, load);
        } else {
            return;
        }
        if let Some(e) = self.slots[index as usize].as_mut() {
            e.indexed = wanted;
        }
    }

    /// Takes the slot out of the index before a change to its load, where the strategy orders by load
    /// (round robin and random do not: the slot stays, and [`State::reindex`] takes it out if it can
    /// no longer take a request).
    fn unindex_for_load(&mut self, index: u32) {
        if self.index.orders_by_load() {
            self.unindex(index);
        }
    }

    /// Takes the slot out of the index before a change to what orders it.
    fn unindex(&mut self, index: u32) {
        if let Some(e) = self.slots.get_mut(index as usize).and_then(Option::as_mut)
            && e.indexed
        {
            e.indexed = false;
            let load = e.load();
            self.index.remove(index, load);
        }
    }

    /// Applies every timer due by `now`: quarantines end (probation), intervals pass.
    pub(crate) fn advance(&mut self, now: Instant) {
        let now = self.epoch.moment(now);
        self.advance_to(now);
    }

    fn advance_to(&mut self, now: Moment) {
        while let Some(&(when, index, generation)) = self.timers.first() {
            if when > now {
                break;
            }
            self.timers.pop_first();
            let slot = Slot { index, generation };
            let Some(e) = self.entry_mut(slot) else {
                continue;
            };
            if e.next_use.is_some_and(|t| t <= now) {
                e.next_use = None;
            }
            if e.health.release_quarantine(now) {
                tracing::info!(
                    target: "webshare::pool",
                    proxy = %e.proxy.display_address(),
                    "proxy out of quarantine, on probation until its next outcome"
                );
            }
            self.reindex(index);
        }
    }

    /// How long until a timer may make a proxy available.
    fn next_timer(&self, now: Moment) -> Option<Duration> {
        self.timers
            .first()
            .map(|(when, ..)| Epoch::between(now, *when))
    }

    /// Picks a proxy by the strategy, avoiding `skip` while others are available.
    pub(crate) fn pick(&mut self, now: Instant, skip: &[u32]) -> Result<Picked, PoolError> {
        let now = self.epoch.moment(now);
        self.pick_at(now, skip)
    }

    fn pick_at(&mut self, now: Moment, skip: &[u32]) -> Result<Picked, PoolError> {
        self.advance_to(now);
        match self.index.choose(skip) {
            Some(index) => Ok(self.acquire(index, now)),
            None if self.len == 0 => Err(PoolError::Empty),
            None => Err(PoolError::NoneAvailable {
                retry_in: self.next_timer(now),
            }),
        }
    }

    /// The proxy of a sticky key: the one it had while that is not quarantined (and still in the pool),
    /// else a new one by the strategy, remembered.
    pub(crate) fn pick_sticky(&mut self, key: &str, now: Instant) -> Result<Picked, PoolError> {
        let now = self.epoch.moment(now);
        self.advance_to(now);
        if let Some(slot) = self.sticky.get(key).copied()
            && let Some(e) = self.entry(slot)
            && e.health.quarantined_until.is_none()
        {
            if !self.can_take(e) {
                return Err(PoolError::Busy {
                    retry_in: e.next_use.map(|t| Epoch::between(now, t)),
                });
            }
            return Ok(self.acquire(slot.index, now));
        }
        let picked = self.pick_at(now, &[])?;
        self.sticky.insert(key.to_owned(), picked.0);
        Ok(picked)
    }

    /// Points a sticky key at `slot` if its proxy can no longer serve it (quarantined, or gone): a retry
    /// through `slot` succeeded where the key's proxy failed.
    pub(crate) fn move_sticky_if_unusable(&mut self, key: &str, slot: Slot) {
        let Some(&current) = self.sticky.get(key) else {
            return;
        };
        let usable = self
            .entry(current)
            .is_some_and(|e| e.health.quarantined_until.is_none());
        if !usable && self.entry(slot).is_some() {
            self.sticky.insert(key.to_owned(), slot);
        }
    }

    /// Forgets a sticky key.
    pub(crate) fn forget(&mut self, key: &str) {
        self.sticky.remove(key);
    }

    fn acquire(&mut self, index: u32, now: Moment) -> Picked {
        self.unindex_for_load(index);
        self.picks = self.picks.wrapping_add(1);
        let (picks, interval) = (self.picks, self.limits.min_interval);
        let e = self.slots[index as usize]
            .as_mut()
            .expect("the index holds occupied slots only");
        // Below the limit (it was in the index), so no overflow.
        e.in_flight += 1;
        e.last_pick = picks;
        let mut timer = None;
        if !interval.is_zero() {
            let at = now.after(interval);
            e.next_use = Some(at);
            timer = Some((at, index, e.generation));
        }
        let picked = (
            Slot {
                index,
                generation: e.generation,
            },
            e.proxy.clone(),
        );
        if let Some(timer) = timer {
            self.timers.insert(timer);
        }
        self.reindex(index);
        picked
    }

    /// Ends one request in flight on `slot` (ignored if the proxy left the pool).
    pub(crate) fn release(&mut self, slot: Slot) {
        if self.entry(slot).is_none() {
            return;
        }
        self.unindex_for_load(slot.index);
        if let Some(e) = self.entry_mut(slot) {
            e.in_flight = e.in_flight.saturating_sub(1);
        }
        self.reindex(slot.index);
    }

    /// Records an outcome for `slot` (ignored if the proxy left the pool).
    pub(crate) fn report(&mut self, slot: Slot, outcome: &Outcome, now: Instant) {
        let now = self.epoch.moment(now);
        let config = self.health;
        let Some(e) = self.entry_mut(slot) else {
            return;
        };
        let change = e.health.record(outcome, now, &config);
        match change {
            Change::None => return,
            Change::Quarantined { until, backoff } => {
                let failures = e.health.consecutive_failures;
                let proxy = e.proxy.display_address();
                self.timers.insert((until, slot.index, slot.generation));
                tracing::warn!(
                    target: "webshare::pool",
                    proxy = %proxy,
                    consecutive_failures = failures,
                    backoff_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX),
                    "proxy quarantined"
                );
            }
            Change::Recovered => {
                let proxy = e.proxy.display_address();
                tracing::info!(target: "webshare::pool", proxy = %proxy, "proxy recovered");
            }
        }
        self.reindex(slot.index);
    }

    /// Swaps the list: proxies in both keep their slot, state and leases (with the new credentials);
    /// proxies gone leave (their leases are then ignored); new ones come in healthy.
    pub(crate) fn replace(&mut self, proxies: Vec<PoolProxy>) -> RefreshReport {
        let mut report = RefreshReport::default();
        let mut incoming: Vec<Option<PoolProxy>> = Vec::with_capacity(proxies.len());
        let mut matches = Vec::new();
        {
            let mut by_identity = HashMap::with_capacity(proxies.len());
            for (i, proxy) in proxies.iter().enumerate() {
                if by_identity.insert(proxy.identity(), i).is_some() {
                    report.duplicates += 1;
                }
            }
            // The last of duplicates is the one kept; the others are dropped.
            let mut keep = vec![false; proxies.len()];
            for &i in by_identity.values() {
                keep[i] = true;
            }
            let mut leaving = Vec::new();
            for (index, slot) in self.slots.iter().enumerate() {
                let Some(e) = slot else { continue };
                match by_identity.remove(&e.proxy.identity()) {
                    Some(i) => matches.push((index as u32, i)),
                    None => leaving.push(index as u32),
                }
            }
            drop(by_identity);
            incoming.extend(
                proxies
                    .into_iter()
                    .zip(keep)
                    .map(|(p, keep)| keep.then_some(p)),
            );
            for index in leaving {
                self.unindex(index);
                self.slots[index as usize] = None;
                self.free.push(index);
                self.len -= 1;
                report.removed += 1;
            }
        }
        for (index, i) in matches {
            if let (Some(Some(e)), Some(new)) =
                (self.slots.get_mut(index as usize), incoming[i].take())
            {
                if e.proxy != new {
                    e.proxy = new;
                }
                report.kept += 1;
            }
        }
        // Exactly what the new proxies need: a doubling vector would leave a third of it unused.
        let arriving = incoming.iter().flatten().count();
        self.slots
            .reserve_exact(arriving.saturating_sub(self.free.len()));
        for proxy in incoming.into_iter().flatten() {
            self.add(proxy);
            report.added += 1;
        }
        // A list that shrank gives back its empty slots at the end (a lease of one finds no entry).
        while let Some(None) = self.slots.last() {
            self.slots.pop();
        }
        let slots = self.slots.len();
        self.free.retain(|&index| (index as usize) < slots);
        if self.slots.capacity() > slots.saturating_mul(2) {
            self.slots.shrink_to_fit();
        }
        self.sticky.retain(|_, slot| {
            self.slots
                .get(slot.index as usize)
                .and_then(Option::as_ref)
                .is_some_and(|e| e.generation == slot.generation)
        });
        report
    }

    fn add(&mut self, proxy: PoolProxy) {
        let generation = self.next_generation;
        // Wraps after four billion additions; a lease would have to outlive all of them to be confused.
        self.next_generation = self.next_generation.wrapping_add(1);
        let entry = Entry {
            proxy,
            generation,
            in_flight: 0,
            last_pick: 0,
            next_use: None,
            indexed: false,
            health: Health::default(),
        };
        let index = match self.free.pop() {
            Some(index) => {
                self.slots[index as usize] = Some(entry);
                index
            }
            None => {
                self.slots.push(Some(entry));
                u32::try_from(self.slots.len() - 1).expect("fewer than 4 billion proxies")
            }
        };
        self.len += 1;
        self.reindex(index);
    }
}
