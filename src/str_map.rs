//! A small string-to-string map kept as a sorted `Vec`: labels, annotations, selectors and
//! ConfigMap entries have a handful of keys each, and a stack has thousands of them, so a
//! vector (one allocation, no tree nodes) is both smaller and faster than a `BTreeMap`.

use std::collections::BTreeMap;

/// Sorted by key, keys unique. Iterates in key order, like the `BTreeMap` it replaces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct StrMap(Vec<(String, String)>);

impl StrMap {
    pub(crate) fn new() -> Self {
        StrMap(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Inserts or replaces; returns the previous value.
    pub(crate) fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&String> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    #[cfg(test)]
    pub(crate) fn remove(&mut self, key: &str) -> Option<String> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &String)> + Clone {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub(crate) fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + Clone {
        self.0.iter().map(|(k, _)| k)
    }

    /// A `BTreeMap` copy, as k8s-openapi types want.
    pub(crate) fn to_btree(&self) -> BTreeMap<String, String> {
        self.0.iter().cloned().collect()
    }
}

impl Extend<(String, String)> for StrMap {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl FromIterator<(String, String)> for StrMap {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
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
        // Already sorted and unique.
        StrMap(m.into_iter().collect())
    }
}

impl From<&StrMap> for BTreeMap<String, String> {
    fn from(m: &StrMap) -> Self {
        m.to_btree()
    }
}

impl From<StrMap> for BTreeMap<String, String> {
    fn from(m: StrMap) -> Self {
        m.0.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a StrMap {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for StrMap {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn behaves_like_a_btree_map(ops in prop::collection::vec(("[a-e]{1,2}", "[0-9]{0,2}", any::<bool>()), 0..40)) {
            let mut ours = StrMap::new();
            let mut std = BTreeMap::new();
            for (k, v, remove) in ops {
                if remove {
                    prop_assert_eq!(ours.remove(&k), std.remove(&k));
                } else {
                    prop_assert_eq!(ours.insert(k.clone(), v.clone()), std.insert(k.clone(), v));
                }
                prop_assert_eq!(ours.get(&k), std.get(&k));
                prop_assert_eq!(ours.contains_key(&k), std.contains_key(&k));
            }
            prop_assert_eq!(ours.len(), std.len());
            prop_assert!(ours.iter().eq(std.iter()));
            prop_assert_eq!(ours.to_btree(), std.clone());
            prop_assert_eq!(StrMap::from(std.clone()), ours);
        }
    }
}
