//! CPU amounts in whole millicores.

use std::fmt;
use std::iter::Sum;
use std::ops::Add;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::units::quantity::{Quantity, QuantityError, QuantityFormat};
use crate::util::spelled::Spelled;

/// An amount of CPU, exact to the millicore (the finest unit Kubernetes allows for containers).
///
/// ```
/// use kubefit::Cpu;
///
/// assert_eq!(Cpu::millis(250).to_string(), "250m");
/// assert_eq!(Cpu::cores(2).to_string(), "2");
/// assert_eq!("1.5".parse::<Cpu>()?, Cpu::millis(1500));
/// assert!("0.5m".parse::<Cpu>().is_err()); // finer than 1m
/// # Ok::<(), kubefit::CpuError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cpu(u64);

/// Why a string is not a valid [`Cpu`] amount.
///
/// ```
/// let err = "-1".parse::<kubefit::Cpu>().unwrap_err();
/// assert_eq!(err.to_string(), "cpu `-1` is negative; use a positive amount such as `250m`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CpuError {
    /// Not a quantity at all.
    #[error(transparent)]
    Quantity(#[from] QuantityError),
    /// Below zero.
    #[error("cpu `{0}` is negative; use a positive amount such as `250m`")]
    Negative(String),
    /// Finer than one millicore.
    #[error("cpu `{0}` is finer than 1m; round it to whole millicores")]
    TooPrecise(String),
    /// Larger than `u64::MAX` millicores.
    #[error("cpu `{0}` is too large")]
    TooLarge(String),
}

impl Cpu {
    /// No CPU.
    ///
    /// ```
    /// assert_eq!(kubefit::Cpu::ZERO.as_millis(), 0);
    /// ```
    pub const ZERO: Cpu = Cpu(0);

    /// `m` millicores.
    ///
    /// ```
    /// assert_eq!(kubefit::Cpu::millis(100).as_millis(), 100);
    /// ```
    #[must_use]
    pub const fn millis(m: u64) -> Self {
        Cpu(m)
    }

    /// `n` whole cores (saturating).
    ///
    /// ```
    /// assert_eq!(kubefit::Cpu::cores(2).as_millis(), 2000);
    /// ```
    #[must_use]
    pub const fn cores(n: u64) -> Self {
        Cpu(n.saturating_mul(1000))
    }

    /// The amount in millicores.
    ///
    /// ```
    /// assert_eq!(kubefit::Cpu::cores(1).as_millis(), 1000);
    /// ```
    #[must_use]
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Exact addition, `None` on overflow.
    ///
    /// ```
    /// use kubefit::Cpu;
    /// assert_eq!(Cpu::millis(1).checked_add(Cpu::millis(2)), Some(Cpu::millis(3)));
    /// ```
    #[must_use]
    pub const fn checked_add(self, rhs: Cpu) -> Option<Cpu> {
        match self.0.checked_add(rhs.0) {
            Some(v) => Some(Cpu(v)),
            None => None,
        }
    }

    /// Exact subtraction, `None` when `rhs` is larger.
    ///
    /// ```
    /// use kubefit::Cpu;
    /// assert_eq!(Cpu::millis(5).checked_sub(Cpu::millis(2)), Some(Cpu::millis(3)));
    /// assert_eq!(Cpu::millis(1).checked_sub(Cpu::millis(2)), None);
    /// ```
    #[must_use]
    pub const fn checked_sub(self, rhs: Cpu) -> Option<Cpu> {
        match self.0.checked_sub(rhs.0) {
            Some(v) => Some(Cpu(v)),
            None => None,
        }
    }

    /// Subtraction that stops at zero.
    ///
    /// ```
    /// use kubefit::Cpu;
    /// assert_eq!(Cpu::millis(1).saturating_sub(Cpu::millis(2)), Cpu::ZERO);
    /// ```
    #[must_use]
    pub const fn saturating_sub(self, rhs: Cpu) -> Cpu {
        Cpu(self.0.saturating_sub(rhs.0))
    }

    /// Multiplication by a count (replicas), saturating.
    ///
    /// ```
    /// use kubefit::Cpu;
    /// assert_eq!(Cpu::millis(250).times(3), Cpu::millis(750));
    /// ```
    #[must_use]
    pub const fn times(self, n: u64) -> Cpu {
        Cpu(self.0.saturating_mul(n))
    }

    /// This amount as a [`Quantity`].
    ///
    /// ```
    /// assert_eq!(kubefit::Cpu::millis(1500).to_quantity().to_string(), "1500m");
    /// ```
    #[must_use]
    pub fn to_quantity(self) -> Quantity {
        Quantity::from_nanos(i128::from(self.0) * 1_000_000, QuantityFormat::DecimalSi)
    }
}

impl TryFrom<Quantity> for Cpu {
    type Error = CpuError;
    fn try_from(q: Quantity) -> Result<Self, Self::Error> {
        let nanos = q.nanos();
        if nanos < 0 {
            return Err(CpuError::Negative(q.to_string()));
        }
        if nanos % 1_000_000 != 0 {
            return Err(CpuError::TooPrecise(q.to_string()));
        }
        u64::try_from(nanos / 1_000_000)
            .map(Cpu)
            .map_err(|_| CpuError::TooLarge(q.to_string()))
    }
}

impl From<Cpu> for Quantity {
    fn from(c: Cpu) -> Quantity {
        c.to_quantity()
    }
}

impl FromStr for Cpu {
    type Err = CpuError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let q: Quantity = s.parse()?;
        // Report the user's spelling, not the canonical one.
        Cpu::try_from(q).map_err(|e| match e {
            CpuError::Negative(_) => CpuError::Negative(s.to_owned()),
            CpuError::TooPrecise(_) => CpuError::TooPrecise(s.to_owned()),
            CpuError::TooLarge(_) => CpuError::TooLarge(s.to_owned()),
            other => other,
        })
    }
}

impl Cpu {
    /// The canonical spelling that [`Display`](fmt::Display) prints, without formatting
    /// machinery for the usual millicores and cores.
    pub(crate) fn spelled(self) -> Spelled {
        let m = self.0;
        if !m.is_multiple_of(1000) {
            Spelled::number(m, "m")
        } else if !(m / 1000).is_multiple_of(1000) || m == 0 {
            Spelled::number(m / 1000, "")
        } else {
            Spelled::Heap(self.to_quantity().to_string())
        }
    }
}

/// The canonical quantity (`250m`, `2`); same text as `to_quantity().to_string()`.
impl fmt::Display for Cpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.spelled().as_str())
    }
}

/// Saturating; use [`Cpu::checked_add`] to detect overflow.
impl Add for Cpu {
    type Output = Cpu;
    fn add(self, rhs: Cpu) -> Cpu {
        Cpu(self.0.saturating_add(rhs.0))
    }
}

impl Sum for Cpu {
    fn sum<I: Iterator<Item = Cpu>>(iter: I) -> Cpu {
        iter.fold(Cpu::ZERO, Add::add)
    }
}

impl Serialize for Cpu {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cpu {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let q = Quantity::deserialize(d)?;
        Cpu::try_from(q).map_err(serde::de::Error::custom)
    }
}
