//! A map with a capacity that refuses to grow beyond it and never evicts what it holds: a full store is an
//! error for the caller to answer, not a record silently lost. It also counts its entries per owner (an
//! account), so that a per-account cap costs no scan.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

/// Why an insertion was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Full {
    /// The map holds its most entries.
    Store,
    /// The value's owner holds its most entries.
    Owner,
}

/// A `HashMap` of at most `cap` entries, and at most `per_owner` of any one owner when it has owners.
#[derive(Debug)]
pub(crate) struct Capped<K, V> {
    cap: usize,
    per_owner: usize,
    owner: Option<fn(&V) -> u64>,
    entries: HashMap<K, V>,
    /// Entries per owner (owners with at least one).
    owned: HashMap<u64, usize>,
}

impl<K: Eq + Hash, V> Capped<K, V> {
    /// An empty map that holds at most `cap` entries (at least 1), of no particular owner.
    pub fn new(cap: usize) -> Self {
        Self {
            cap: cap.max(1),
            per_owner: usize::MAX,
            owner: None,
            entries: HashMap::new(),
            owned: HashMap::new(),
        }
    }

    /// An empty map that holds at most `cap` entries, and at most `per_owner` (at least 1) with the same
    /// `owner`.
    pub fn with_owners(cap: usize, per_owner: usize, owner: fn(&V) -> u64) -> Self {
        Self {
            per_owner: per_owner.max(1),
            owner: Some(owner),
            ..Self::new(cap)
        }
    }

    /// Inserts `value` under `key` (replacing the value of a key it holds), unless that would take the
    /// map, or the value's owner, beyond its cap.
    pub fn insert(&mut self, key: K, value: V) -> Result<(), Full> {
        let old = self.entries.get(&key);
        if old.is_none() && self.entries.len() >= self.cap {
            return Err(Full::Store);
        }
        if let Some(owner) = self.owner {
            let id = owner(&value);
            let same_owner = old.is_some_and(|old| owner(old) == id);
            if !same_owner && self.owned_by(id) >= self.per_owner {
                return Err(Full::Owner);
            }
            *self.owned.entry(id).or_default() += 1;
        }
        if let Some(old) = self.entries.insert(key, value) {
            self.forget(&old);
        }
        Ok(())
    }

    /// How many entries `owner` has.
    pub fn owned_by(&self, owner: u64) -> usize {
        self.owned.get(&owner).copied().unwrap_or(0)
    }

    /// Takes a removed value off its owner's count.
    fn forget(&mut self, value: &V) {
        let Some(owner) = self.owner else {
            return;
        };
        let id = owner(value);
        if let Some(count) = self.owned.get_mut(&id) {
            *count -= 1;
            if *count == 0 {
                self.owned.remove(&id);
            }
        }
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get(key)
    }

    /// The value of `key`, to change it (its owner must stay the same).
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get_mut(key)
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let value = self.entries.remove(key)?;
        self.forget(&value);
        Some(value)
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        let owner = self.owner;
        let owned = &mut self.owned;
        self.entries.retain(|key, value| {
            let kept = keep(key, value);
            if !kept && let Some(owner) = owner {
                let id = owner(value);
                if let Some(count) = owned.get_mut(&id) {
                    *count -= 1;
                    if *count == 0 {
                        owned.remove(&id);
                    }
                }
            }
            kept
        });
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::{Capped, Full};

    #[test]
    fn a_full_map_refuses_new_keys_and_keeps_what_it_holds() {
        let mut map = Capped::new(2);
        assert_eq!(map.insert("a", 1), Ok(()));
        assert_eq!(map.insert("b", 2), Ok(()));
        assert_eq!(map.insert("c", 3), Err(Full::Store));
        assert_eq!(
            (map.get("a"), map.get("b"), map.get("c")),
            (Some(&1), Some(&2), None)
        );
        // A key it holds may still be replaced, and a removal makes room.
        assert_eq!(map.insert("a", 10), Ok(()));
        assert_eq!(map.remove("b"), Some(2));
        assert_eq!(map.insert("c", 3), Ok(()));
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn each_owner_is_capped_and_its_count_follows_removals() {
        // Values are owners: at most 2 each, 10 in all.
        let mut map = Capped::with_owners(10, 2, |owner: &u64| *owner);
        assert_eq!(map.insert("a1", 1), Ok(()));
        assert_eq!(map.insert("a2", 1), Ok(()));
        assert_eq!(map.insert("a3", 1), Err(Full::Owner));
        assert_eq!(map.insert("b1", 2), Ok(()), "another owner has room");
        // Re-inserting a key of the same owner does not count twice.
        assert_eq!(map.insert("a1", 1), Ok(()));
        assert_eq!(map.owned_by(1), 2);
        map.remove("a1");
        assert_eq!(map.owned_by(1), 1);
        map.retain(|_, owner| *owner != 1);
        assert_eq!((map.owned_by(1), map.owned_by(2)), (0, 1));
        assert_eq!(map.insert("a3", 1), Ok(()));
        // Moving a key to another owner counts against the new one.
        assert_eq!(map.insert("a3", 2), Ok(()));
        assert_eq!((map.owned_by(1), map.owned_by(2)), (0, 2));
    }

    #[test]
    fn a_zero_cap_holds_one_entry() {
        let mut map = Capped::new(0);
        assert_eq!(map.insert("a", 1), Ok(()));
        assert_eq!(map.insert("b", 2), Err(Full::Store));
    }
}
