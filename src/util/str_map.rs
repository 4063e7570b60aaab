//! A small string-to-string map: labels, annotations, selectors and ConfigMap entries have a
//! handful of keys each, and a stack has thousands of them, so every key and value of one
//! map lives in one buffer, indexed by a sorted vector (two allocations per map instead of a
//! tree node and two strings per entry).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// Sorted by key, keys unique. Iterates in key order, like the `BTreeMap` it replaces.
#[derive(Debug, Clone, Default)]
pub(crate) struct StrMap {
    /// Keys and values, back to back (replaced values leave their old bytes behind).
    text: String,
    /// Per entry, sorted by key: key start, key end (= value start), value end.
    entries: Vec<(u32, u32, u32)>,
}

/// A position in [`StrMap::text`]. A map holds at most 4 GiB of keys and values (a
/// Kubernetes object is at most a few MiB); like a `Vec` asked to grow past `isize::MAX`
/// bytes, going beyond panics.
fn at(position: usize) -> u32 {
    u32::try_from(position).expect("a label or data map holds at most 4 GiB of text")
}

impl StrMap {
    pub(crate) const fn new() -> Self {
        StrMap {
            text: String::new(),
            entries: Vec::new(),
        }
    }

    fn key_at(&self, i: usize) -> &str {
        let (a, b, _) = self.entries[i];
        &self.text[a as usize..b as usize]
    }

    fn value_at(&self, i: usize) -> &str {
        let (_, b, c) = self.entries[i];
        &self.text[b as usize..c as usize]
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|&(a, b, _)| self.text[a as usize..b as usize].cmp(key))
    }

    /// Inserts or replaces; returns the previous value.
    pub(crate) fn insert(
        &mut self,
        key: impl AsRef<str>,
        value: impl AsRef<str>,
    ) -> Option<String> {
        let (key, value) = (key.as_ref(), value.as_ref());
        match self.find(key) {
            Ok(i) => {
                let old = self.value_at(i).to_owned();
                let (_, b, c) = self.entries[i];
                let (b, c) = (b as usize, c as usize);
                // Empty entries written after this one sit at its end, so only an entry
                // with nothing after it may be overwritten in place.
                let last = c == self.text.len()
                    && self
                        .entries
                        .iter()
                        .enumerate()
                        .all(|(j, &(a, _, _))| j == i || (a as usize) < b);
                if last {
                    // The last entry written: overwrite its value in place.
                    self.text.truncate(b);
                    self.text.push_str(value);
                    self.entries[i].2 = at(self.text.len());
                } else {
                    let start = self.text.len();
                    self.text.push_str(key);
                    self.text.push_str(value);
                    self.entries[i] = (at(start), at(start + key.len()), at(self.text.len()));
                }
                Some(old)
            }
            Err(i) => {
                if self.entries.capacity() == 0 {
                    // Room for a typical label set at once instead of growing from zero.
                    self.entries.reserve(4);
                    self.text.reserve((key.len() + value.len()).max(16) * 4);
                }
                let start = self.text.len();
                self.text.push_str(key);
                self.text.push_str(value);
                self.entries
                    .insert(i, (at(start), at(start + key.len()), at(self.text.len())));
                None
            }
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.find(key).ok().map(|i| self.value_at(i))
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    #[cfg(test)]
    pub(crate) fn remove(&mut self, key: &str) -> Option<String> {
        let i = self.find(key).ok()?;
        let old = self.value_at(i).to_owned();
        self.entries.remove(i);
        Some(old)
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn iter(&self) -> Iter<'_> {
        Iter {
            map: self,
            range: 0..self.entries.len(),
        }
    }

    pub(crate) fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + Clone {
        self.iter().map(|(k, _)| k)
    }

    /// A `BTreeMap` copy, as k8s-openapi types want.
    pub(crate) fn to_btree(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

/// The entries of a [`StrMap`] in key order.
#[derive(Clone)]
pub(crate) struct Iter<'a> {
    map: &'a StrMap,
    range: std::ops::Range<usize>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let i = self.range.next()?;
        Some((self.map.key_at(i), self.map.value_at(i)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let i = self.range.next_back()?;
        Some((self.map.key_at(i), self.map.value_at(i)))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl PartialEq for StrMap {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for StrMap {}

impl Hash for StrMap {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        for (k, v) in self {
            k.hash(state);
            v.hash(state);
        }
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Extend<(K, V)> for StrMap {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for StrMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = StrMap::new();
        m.extend(iter);
        m
    }
}

impl<const N: usize> From<[(String, String); N]> for StrMap {
    fn from(pairs: [(String, String); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl From<BTreeMap<String, String>> for StrMap {
    fn from(m: BTreeMap<String, String>) -> Self {
        m.into_iter().collect()
    }
}

impl From<&StrMap> for BTreeMap<String, String> {
    fn from(m: &StrMap) -> Self {
        m.to_btree()
    }
}

impl From<StrMap> for BTreeMap<String, String> {
    fn from(m: StrMap) -> Self {
        m.to_btree()
    }
}

impl<'a> IntoIterator for &'a StrMap {
    type Item = (&'a str, &'a str);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl IntoIterator for StrMap {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<Vec<_>>()
            .into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shrinking_the_last_value_keeps_empty_entries_written_after_it() {
        let mut m = StrMap::new();
        m.insert("on", "x");
        m.insert("", "");
        assert_eq!(m.insert("on", ""), Some("x".to_owned()));
        assert_eq!(m.get(""), Some(""));
        assert_eq!(m.insert("on", "zz"), Some(String::new()));
        let all: Vec<_> = m.iter().collect();
        assert_eq!(all, [("", ""), ("on", "zz")]);
    }

    proptest! {
        #[test]
        fn behaves_like_a_btree_map(ops in prop::collection::vec(("[a-e]{0,2}", "[0-9]{0,2}", any::<bool>()), 0..40)) {
            let mut ours = StrMap::new();
            let mut std = BTreeMap::new();
            for (k, v, remove) in ops {
                if remove {
                    prop_assert_eq!(ours.remove(&k), std.remove(&k));
                } else {
                    prop_assert_eq!(ours.insert(k.clone(), v.clone()), std.insert(k.clone(), v));
                }
                prop_assert_eq!(ours.get(&k), std.get(&k).map(String::as_str));
                prop_assert_eq!(ours.contains_key(&k), std.contains_key(&k));
            }
            prop_assert_eq!(ours.len(), std.len());
            prop_assert!(ours.iter().eq(std.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
            let mut again = ours.clone();
            again.insert("zz", "1");
            again.insert("zz", "22");
            prop_assert_eq!(again.get("zz"), Some("22"));
            prop_assert_eq!(again.len(), ours.len() + usize::from(!ours.contains_key("zz")));
            prop_assert_eq!(ours.to_btree(), std.clone());
            prop_assert_eq!(StrMap::from(std.clone()), ours);
        }
    }
}
