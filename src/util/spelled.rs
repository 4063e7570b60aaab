//! Canonical quantity spellings (`100m`, `128Mi`) written into a small inline buffer: the
//! emitters print four per container, and the formatting machinery plus a heap `String`
//! for each cost more than the digits themselves.

use std::fmt;

/// A short spelling held inline, or a longer one on the heap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Spelled {
    /// Digits and a suffix (`u64::MAX` has 20 digits; suffixes have at most two letters).
    Inline { bytes: [u8; 24], len: u8 },
    /// Anything longer (cores in the thousands, spelled as a quantity).
    Heap(String),
}

impl Spelled {
    /// `n` in decimal followed by `suffix`, inline when both fit in 24 bytes (every digit
    /// count with the two-letter suffixes quantities use).
    pub(crate) fn number(n: u64, suffix: &str) -> Self {
        let mut digits = [0u8; 20];
        let (mut i, mut n) = (digits.len(), n);
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let digits = &digits[i..];
        let len = digits.len() + suffix.len();
        let mut bytes = [0u8; 24];
        match (bytes.get_mut(..len), u8::try_from(len)) {
            (Some(out), Ok(len)) => {
                let (head, tail) = out.split_at_mut(digits.len());
                head.copy_from_slice(digits);
                tail.copy_from_slice(suffix.as_bytes());
                Spelled::Inline { bytes, len }
            }
            _ => Spelled::Heap(format!("{}{suffix}", String::from_utf8_lossy(digits))),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Only ASCII digits and suffixes are ever written inline.
            Spelled::Inline { bytes, len } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Spelled::Heap(s) => s,
        }
    }
}

impl fmt::Display for Spelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Spelled;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn spells_like_format(n in prop_oneof![any::<u64>(), 0u64..10_000], suffix in prop::sample::select(&["", "m", "k", "Mi", "Ei", "long-suffix"][..])) {
            let spelled = Spelled::number(n, suffix);
            prop_assert_eq!(spelled.as_str(), format!("{n}{suffix}"));
            let fits = n.to_string().len() + suffix.len() <= 24;
            prop_assert_eq!(matches!(spelled, Spelled::Inline { .. }), fits);
        }
    }
}
