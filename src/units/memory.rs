//! Byte amounts: memory, ephemeral storage and volume sizes.

use std::fmt;
use std::iter::Sum;
use std::ops::Add;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::units::quantity::{Quantity, QuantityError, QuantityFormat};

/// Why a string is not a valid byte amount ([`Memory`] or [`Storage`]).
///
/// ```
/// let err = "0.5".parse::<kubefit::Memory>().unwrap_err();
/// assert_eq!(err.to_string(), "`0.5` is not a whole number of bytes; use a suffix such as `Mi` or `Gi`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BytesError {
    /// Not a quantity at all.
    #[error(transparent)]
    Quantity(#[from] QuantityError),
    /// Below zero.
    #[error("`{0}` is negative; use a positive size such as `512Mi`")]
    Negative(String),
    /// A fraction of a byte.
    #[error("`{0}` is not a whole number of bytes; use a suffix such as `Mi` or `Gi`")]
    Fractional(String),
    /// Larger than `u64::MAX` bytes.
    #[error("`{0}` is too large")]
    TooLarge(String),
}

fn bytes_from_quantity(q: Quantity, input: &str) -> Result<u64, BytesError> {
    let nanos = q.nanos();
    if nanos < 0 {
        return Err(BytesError::Negative(input.to_owned()));
    }
    if nanos % 1_000_000_000 != 0 {
        return Err(BytesError::Fractional(input.to_owned()));
    }
    u64::try_from(nanos / 1_000_000_000).map_err(|_| BytesError::TooLarge(input.to_owned()))
}

/// The canonical decimal-SI spelling as mantissa and suffix (`12` `G`, `1500` `k`).
fn decimal_parts(bytes: u64) -> (u64, &'static str) {
    if bytes == 0 {
        return (0, "");
    }
    let (mut m, mut e) = (bytes, 0u32);
    while m % 10 == 0 {
        m /= 10;
        e += 1;
    }
    let r = e % 3;
    m *= 10u64.pow(r);
    e -= r;
    const SUFFIX: [&str; 7] = ["", "k", "M", "G", "T", "P", "E"];
    (m, SUFFIX[(e / 3) as usize])
}

/// The canonical binary-SI spelling as mantissa and suffix (`512` `Mi`, `1025` ``); below
/// 1024 the API server prints binary quantities in decimal.
fn binary_parts(bytes: u64) -> (u64, &'static str) {
    if bytes < 1024 {
        return decimal_parts(bytes);
    }
    const SUFFIX: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    let (mut m, mut i) = (bytes, 0);
    while i < 6 && m % 1024 == 0 {
        m /= 1024;
        i += 1;
    }
    (m, SUFFIX[i])
}

/// Printed length of a spelling.
fn spelled_len((m, suffix): (u64, &str)) -> usize {
    m.checked_ilog10().map_or(1, |l| l as usize + 1) + suffix.len()
}

/// The shorter of the two spellings, binary on a tie, and whether it is the binary one.
/// Above 2⁶³ − 1 bytes only the decimal spelling reads back exactly (the API server caps
/// binary-suffixed values there).
fn canonical_parts(bytes: u64) -> ((u64, &'static str), bool) {
    let decimal = decimal_parts(bytes);
    if bytes > i64::MAX as u64 {
        return (decimal, false);
    }
    let binary = binary_parts(bytes);
    if spelled_len(decimal) < spelled_len(binary) {
        (decimal, false)
    } else {
        (binary, true)
    }
}

/// Bytes as a quantity: the shorter of the binary and decimal canonical spellings
/// (`512Mi`, `12G`), binary on a tie.
fn bytes_to_quantity(bytes: u64) -> Quantity {
    let nanos = i128::from(bytes) * 1_000_000_000;
    let format = if canonical_parts(bytes).1 {
        QuantityFormat::BinarySi
    } else {
        QuantityFormat::DecimalSi
    };
    Quantity::from_nanos(nanos, format)
}

macro_rules! byte_amount {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(u64);

        impl $name {
            /// Zero bytes.
            ///
            /// ```
            #[doc = concat!("assert_eq!(kubefit::", stringify!($name), "::ZERO.as_bytes(), 0);")]
            /// ```
            pub const ZERO: $name = $name(0);

            /// Exactly `n` bytes.
            ///
            /// ```
            #[doc = concat!("assert_eq!(kubefit::", stringify!($name), "::bytes(1024).to_string(), \"1Ki\");")]
            /// ```
            #[must_use]
            pub const fn bytes(n: u64) -> Self {
                $name(n)
            }

            /// `n` KiB (1024 bytes), saturating.
            ///
            /// ```
            #[doc = concat!("assert_eq!(kubefit::", stringify!($name), "::kibibytes(4).to_string(), \"4Ki\");")]
            /// ```
            #[must_use]
            pub const fn kibibytes(n: u64) -> Self {
                $name(n.saturating_mul(1 << 10))
            }

            /// `n` MiB, saturating.
            ///
            /// ```
            #[doc = concat!("assert_eq!(kubefit::", stringify!($name), "::mebibytes(512).to_string(), \"512Mi\");")]
            /// ```
            #[must_use]
            pub const fn mebibytes(n: u64) -> Self {
                $name(n.saturating_mul(1 << 20))
            }

            /// `n` GiB, saturating.
            ///
            /// ```
            #[doc = concat!("assert_eq!(kubefit::", stringify!($name), "::gibibytes(1).to_string(), \"1Gi\");")]
            /// ```
            #[must_use]
            pub const fn gibibytes(n: u64) -> Self {
                $name(n.saturating_mul(1 << 30))
            }

            /// `n` TiB, saturating.
            ///
            /// ```
            #[doc = concat!("assert_eq!(kubefit::", stringify!($name), "::tebibytes(1).to_string(), \"1Ti\");")]
            /// ```
            #[must_use]
            pub const fn tebibytes(n: u64) -> Self {
                $name(n.saturating_mul(1 << 40))
            }

            /// `n` MB (10⁶ bytes), saturating.
            ///
            /// ```
            #[doc = concat!("assert_eq!(kubefit::", stringify!($name), "::megabytes(500).to_string(), \"500M\");")]
            /// ```
            #[must_use]
            pub const fn megabytes(n: u64) -> Self {
                $name(n.saturating_mul(1_000_000))
            }

            /// `n` GB (10⁹ bytes), saturating.
            ///
            /// ```
            #[doc = concat!("assert_eq!(kubefit::", stringify!($name), "::gigabytes(12).to_string(), \"12G\");")]
            /// ```
            #[must_use]
            pub const fn gigabytes(n: u64) -> Self {
                $name(n.saturating_mul(1_000_000_000))
            }

            /// The amount in bytes.
            ///
            /// ```
            #[doc = concat!("assert_eq!(kubefit::", stringify!($name), "::kibibytes(1).as_bytes(), 1024);")]
            /// ```
            #[must_use]
            pub const fn as_bytes(self) -> u64 {
                self.0
            }

            /// Exact addition, `None` on overflow.
            ///
            /// ```
            #[doc = concat!("use kubefit::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::bytes(1).checked_add(", stringify!($name), "::bytes(2)), Some(", stringify!($name), "::bytes(3)));")]
            /// ```
            #[must_use]
            pub const fn checked_add(self, rhs: Self) -> Option<Self> {
                match self.0.checked_add(rhs.0) {
                    Some(v) => Some($name(v)),
                    None => None,
                }
            }

            /// Exact subtraction, `None` when `rhs` is larger.
            ///
            /// ```
            #[doc = concat!("use kubefit::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::bytes(1).checked_sub(", stringify!($name), "::bytes(2)), None);")]
            /// ```
            #[must_use]
            pub const fn checked_sub(self, rhs: Self) -> Option<Self> {
                match self.0.checked_sub(rhs.0) {
                    Some(v) => Some($name(v)),
                    None => None,
                }
            }

            /// Subtraction that stops at zero.
            ///
            /// ```
            #[doc = concat!("use kubefit::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::bytes(1).saturating_sub(", stringify!($name), "::bytes(2)), ", stringify!($name), "::ZERO);")]
            /// ```
            #[must_use]
            pub const fn saturating_sub(self, rhs: Self) -> Self {
                $name(self.0.saturating_sub(rhs.0))
            }

            /// Multiplication by a count, saturating.
            ///
            /// ```
            #[doc = concat!("use kubefit::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::mebibytes(256).times(4), ", stringify!($name), "::gibibytes(1));")]
            /// ```
            #[must_use]
            pub const fn times(self, n: u64) -> Self {
                $name(self.0.saturating_mul(n))
            }

            /// This amount as a [`Quantity`].
            ///
            /// ```
            #[doc = concat!("assert_eq!(kubefit::", stringify!($name), "::mebibytes(1536).to_quantity().to_string(), \"1536Mi\");")]
            /// ```
            #[must_use]
            pub fn to_quantity(self) -> Quantity {
                bytes_to_quantity(self.0)
            }
        }

        impl TryFrom<Quantity> for $name {
            type Error = BytesError;
            fn try_from(q: Quantity) -> Result<Self, Self::Error> {
                bytes_from_quantity(q, &q.to_string()).map($name)
            }
        }

        impl From<$name> for Quantity {
            fn from(m: $name) -> Quantity {
                m.to_quantity()
            }
        }

        impl FromStr for $name {
            type Err = BytesError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let q: Quantity = s.parse()?;
                bytes_from_quantity(q, s).map($name)
            }
        }

        impl $name {
            /// The canonical spelling that `Display` prints, without formatting machinery.
            pub(crate) fn spelled(self) -> $crate::util::spelled::Spelled {
                let ((m, suffix), _) = canonical_parts(self.0);
                $crate::util::spelled::Spelled::number(m, suffix)
            }
        }

        /// The canonical quantity (same text as `to_quantity().to_string()`, computed faster).
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.spelled().as_str())
            }
        }

        /// Saturating; use `checked_add` to detect overflow.
        impl Add for $name {
            type Output = $name;
            fn add(self, rhs: $name) -> $name {
                $name(self.0.saturating_add(rhs.0))
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = $name>>(iter: I) -> $name {
                iter.fold($name::ZERO, Add::add)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let q = Quantity::deserialize(d)?;
                $name::try_from(q).map_err(serde::de::Error::custom)
            }
        }

    };
}

byte_amount!(
    /// An amount of memory (or ephemeral storage), exact to the byte.
    ///
    /// ```
    /// use kubefit::Memory;
    ///
    /// assert_eq!(Memory::mebibytes(512).to_string(), "512Mi");
    /// assert_eq!(Memory::gibibytes(1), "1024Mi".parse()?);
    /// assert_eq!(Memory::gigabytes(12).to_string(), "12G");
    /// # Ok::<(), kubefit::BytesError>(())
    /// ```
    Memory
);

byte_amount!(
    /// A volume size (PersistentVolumeClaim requests, block-storage budgets), exact to the byte.
    ///
    /// ```
    /// use kubefit::Storage;
    ///
    /// assert_eq!(Storage::gibibytes(10).to_string(), "10Gi");
    /// assert_eq!("50Gi".parse::<Storage>()?, Storage::gibibytes(50));
    /// # Ok::<(), kubefit::BytesError>(())
    /// ```
    Storage
);
