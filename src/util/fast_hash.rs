//! A small, fast, deterministic hasher for the check's internal indexes (keys are short
//! names and labels from the stack itself, so flooding resistance buys nothing there).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash (as in rustc): one multiply and rotate per word.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

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
