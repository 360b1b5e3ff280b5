//! The index of the proxies that can be picked now, one shape per strategy, so a pick never scans the
//! pool: round robin is a `BTreeSet` of slots and a cursor (O(log n)); random is a vector with each
//! slot's position (O(1) pick, insert and swap-remove); least-in-flight is a `BTreeSet` ordered by
//! (in flight, last pick) (O(log n); the last pick breaks ties so equal proxies take turns).

use std::collections::BTreeSet;

/// How the pool chooses among the proxies that can take a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Strategy {
    /// Each in turn.
    #[default]
    RoundRobin,
    /// Uniformly at random.
    Random,
    /// The one with the fewest requests in flight (the least recently picked among equals).
    LeastInFlight,
}

/// What orders a slot in the least-in-flight index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Load {
    pub(crate) in_flight: u32,
    pub(crate) last_pick: u32,
}

const ABSENT: u32 = u32::MAX;

#[derive(Debug)]
pub(crate) enum Index {
    RoundRobin {
        set: BTreeSet<u32>,
        cursor: Option<u32>,
    },
    Random {
        members: Vec<u32>,
        /// Each slot's position in `members` (`ABSENT` when not in it).
        position: Vec<u32>,
        rng: fastrand::Rng,
    },
    LeastInFlight {
        set: BTreeSet<(Load, u32)>,
    },
}

impl Index {
    pub(crate) fn new(strategy: Strategy, seed: u64) -> Self {
        match strategy {
            Strategy::RoundRobin => Self::RoundRobin {
                set: BTreeSet::new(),
                cursor: None,
            },
            Strategy::Random => Self::Random {
                members: Vec::new(),
                position: Vec::new(),
                rng: fastrand::Rng::with_seed(seed),
            },
            Strategy::LeastInFlight => Self::LeastInFlight {
                set: BTreeSet::new(),
            },
        }
    }

    /// Whether a slot's place depends on its [`Load`] (least in flight): then a change to the load takes
    /// it out of the index and back in; the other strategies keep it where it is.
    pub(crate) fn orders_by_load(&self) -> bool {
        matches!(self, Self::LeastInFlight { .. })
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Self::RoundRobin { set, .. } => set.len(),
            Self::Random { members, .. } => members.len(),
            Self::LeastInFlight { set } => set.len(),
        }
    }

    /// Adds `slot` (not in the index), ordered by `load` where the strategy looks at it.
    pub(crate) fn insert(&mut self, slot: u32, load: Load) {
        match self {
            Self::RoundRobin { set, .. } => {
                set.insert(slot);
            }
            Self::Random {
                members, position, ..
            } => {
                let at = slot as usize;
                if position.len() <= at {
                    position.resize(at + 1, ABSENT);
                }
                // A slot number is below u32::MAX, and so is the number of members.
                position[at] = members.len() as u32;
                members.push(slot);
            }
            Self::LeastInFlight { set } => {
                set.insert((load, slot));
            }
        }
    }

    /// Removes `slot`, inserted with `load`.
    pub(crate) fn remove(&mut self, slot: u32, load: Load) {
        match self {
            Self::RoundRobin { set, .. } => {
                set.remove(&slot);
            }
            Self::Random {
                members, position, ..
            } => {
                let Some(at) = position.get_mut(slot as usize) else {
                    return;
                };
                let at = std::mem::replace(at, ABSENT);
                if at == ABSENT {
                    return;
                }
                members.swap_remove(at as usize);
                if let Some(&moved) = members.get(at as usize) {
                    position[moved as usize] = at;
                }
            }
            Self::LeastInFlight { set } => {
                set.remove(&(load, slot));
            }
        }
    }

    /// The slot the strategy picks, skipping those in `skip` while others remain (a retry's earlier
    /// proxies: at most `skip.len()` extra steps).
    pub(crate) fn choose(&mut self, skip: &[u32]) -> Option<u32> {
        match self {
            Self::RoundRobin { set, cursor } => {
                let after = cursor.map_or(0, |c| c.saturating_add(1));
                let mut walk = set.range(after..).chain(set.range(..after));
                let first = walk.clone().next().copied();
                let chosen = walk
                    .by_ref()
                    .take(skip.len() + 1)
                    .find(|s| !skip.contains(s))
                    .copied()
                    .or(first);
                *cursor = chosen.or(*cursor);
                chosen
            }
            Self::Random { members, rng, .. } => {
                if members.is_empty() {
                    return None;
                }
                let start = rng.usize(..members.len());
                let mut walk = members[start..].iter().chain(&members[..start]);
                walk.by_ref()
                    .take(skip.len() + 1)
                    .find(|s| !skip.contains(s))
                    .or(members.get(start))
                    .copied()
            }
            Self::LeastInFlight { set } => set
                .iter()
                .take(skip.len() + 1)
                .find(|(_, s)| !skip.contains(s))
                .or(set.first())
                .map(|(_, s)| *s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(in_flight: u32, last_pick: u32) -> Load {
        Load {
            in_flight,
            last_pick,
        }
    }

    #[test]
    fn round_robin_takes_turns_and_skips_what_it_is_told() {
        let mut index = Index::new(Strategy::RoundRobin, 0);
        for slot in [4, 1, 7] {
            index.insert(slot, load(0, 0));
        }
        let picks: Vec<_> = (0..4).map(|_| index.choose(&[]).unwrap()).collect();
        assert_eq!(picks, [1, 4, 7, 1]);
        assert_eq!(index.choose(&[4]), Some(7));
        assert_eq!(
            index.choose(&[1, 4, 7]),
            Some(1),
            "all skipped: the next anyway"
        );
    }

    #[test]
    fn random_removal_keeps_positions_right() {
        let mut index = Index::new(Strategy::Random, 7);
        for slot in 0..5 {
            index.insert(slot, load(0, 0));
        }
        index.remove(1, load(0, 0));
        index.remove(4, load(0, 0));
        index.remove(4, load(0, 0));
        assert_eq!(index.len(), 3);
        let mut seen = BTreeSet::new();
        for _ in 0..100 {
            seen.insert(index.choose(&[]).unwrap());
        }
        assert_eq!(seen, BTreeSet::from([0, 2, 3]));
        assert_eq!(index.choose(&[0, 2]), Some(3));
    }

    #[test]
    fn least_in_flight_orders_by_load_then_last_pick() {
        let mut index = Index::new(Strategy::LeastInFlight, 0);
        index.insert(0, load(2, 1));
        index.insert(1, load(1, 5));
        index.insert(2, load(1, 3));
        assert_eq!(index.choose(&[]), Some(2));
        assert_eq!(index.choose(&[2]), Some(1));
        index.remove(2, load(1, 3));
        assert_eq!(index.choose(&[]), Some(1));
    }
}
