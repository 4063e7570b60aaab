//! The hasher of the checker's indexes: FxHash from `rustc-hash` (keys are short names and
//! labels from the stack itself, so flooding resistance buys nothing there, and SipHash's
//! cost would).

use std::collections::{HashMap, HashSet};

pub(crate) type FastMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;
pub(crate) type FastSet<K> = HashSet<K, rustc_hash::FxBuildHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_hash_equal_and_lookups_work() {
        let mut m: FastMap<(&str, &str), usize> = FastMap::default();
        for i in 0..1000 {
            let k: &'static str = Box::leak(format!("app-{i}").into_boxed_str());
            m.insert(("Deployment", k), i);
        }
        assert_eq!(m.len(), 1000);
        assert_eq!(m.get(&("Deployment", "app-999")), Some(&999));
        assert_eq!(m.get(&("Service", "app-999")), None);
        // Strings that differ only past the first word, or only in length, are told apart.
        let mut s: FastSet<&str> = FastSet::default();
        assert!(s.insert("abcdefgh1"));
        assert!(s.insert("abcdefgh2"));
        assert!(s.insert("abcdefgh"));
        assert!(s.insert("abcdefgh\0"));
        assert_eq!(s.len(), 4);
    }
}
