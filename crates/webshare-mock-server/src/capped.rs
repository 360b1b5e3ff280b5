//! A map with a capacity: inserting into a full map first evicts its oldest entries (in order of
//! insertion), so that no sequence of requests can grow it without bound.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

/// A `HashMap` of at most `cap` entries that evicts the oldest-inserted entry to make room.
#[derive(Debug)]
pub(crate) struct Capped<K, V> {
    cap: usize,
    next: u64,
    /// Each value with its insertion number.
    entries: HashMap<K, (u64, V)>,
    /// Keys by insertion number, oldest first: the eviction order.
    order: BTreeMap<u64, K>,
}

impl<K: Eq + Hash + Clone, V> Capped<K, V> {
    /// An empty map that holds at most `cap` entries (at least 1).
    pub fn new(cap: usize) -> Self {
        Self {
            cap: cap.max(1),
            next: 0,
            entries: HashMap::new(),
            order: BTreeMap::new(),
        }
    }

    /// Inserts `value` under `key` as the newest entry, evicting the oldest entries if the map is full.
    /// Returns the evicted entries (not a replaced value of `key`).
    pub fn insert(&mut self, key: K, value: V) -> Vec<(K, V)> {
        if let Some((seq, _)) = self.entries.remove(&key) {
            self.order.remove(&seq);
        }
        let mut evicted = Vec::new();
        while self.entries.len() >= self.cap {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            if let Some((_, value)) = self.entries.remove(&oldest) {
                evicted.push((oldest, value));
            }
        }
        self.next += 1;
        self.order.insert(self.next, key.clone());
        self.entries.insert(key, (self.next, value));
        evicted
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get(key).map(|(_, value)| value)
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get_mut(key).map(|(_, value)| value)
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (seq, value) = self.entries.remove(key)?;
        self.order.remove(&seq);
        Some(value)
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        let order = &mut self.order;
        self.entries.retain(|key, (seq, value)| {
            let kept = keep(key, value);
            if !kept {
                order.remove(seq);
            }
            kept
        });
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The keys, oldest first.
    #[cfg(test)]
    pub fn keys_oldest_first(&self) -> Vec<K> {
        self.order.values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Capped;

    #[test]
    fn a_full_map_evicts_its_oldest_entries() {
        let mut map = Capped::new(3);
        for (key, value) in [("a", 1), ("b", 2), ("c", 3)] {
            assert!(map.insert(key, value).is_empty());
        }
        assert_eq!(map.insert("d", 4), [("a", 1)]);
        assert_eq!(map.len(), 3);
        assert_eq!(map.get("a"), None);
        assert_eq!(map.keys_oldest_first(), ["b", "c", "d"]);
        // Re-inserting a key makes it the newest without evicting anything.
        assert!(map.insert("b", 20).is_empty());
        assert_eq!(map.keys_oldest_first(), ["c", "d", "b"]);
        assert_eq!(map.insert("e", 5), [("c", 3)]);
    }

    #[test]
    fn removals_free_room_and_leave_no_trace_in_the_order() {
        let mut map = Capped::new(2);
        map.insert(1, "one");
        map.insert(2, "two");
        assert_eq!(map.remove(&1), Some("one"));
        map.retain(|_, value| *value != "two");
        assert_eq!(map.len(), 0);
        assert!(map.keys_oldest_first().is_empty());
        // A loop of insert-then-remove keeps the bookkeeping empty too.
        for i in 0..1000 {
            map.insert(i, "x");
            map.remove(&i);
        }
        assert!(map.keys_oldest_first().is_empty());
        assert!(map.insert(7, "seven").is_empty());
        assert!(map.insert(8, "eight").is_empty());
        assert_eq!(map.insert(9, "nine"), [(7, "seven")]);
    }

    #[test]
    fn a_zero_cap_holds_one_entry() {
        let mut map = Capped::new(0);
        map.insert("a", 1);
        assert_eq!(map.insert("b", 2), [("a", 1)]);
        assert_eq!(map.get("b"), Some(&2));
    }
}
