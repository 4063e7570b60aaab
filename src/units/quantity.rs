//! Exact Kubernetes quantities (`resource.Quantity`).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

const NANOS_PER_UNIT: i128 = 1_000_000_000;
/// Binary-suffixed values saturate at 2^63 − 1 (in whole units), as apimachinery does.
const MAX_BINARY_NANOS: i128 = (i64::MAX as i128) * NANOS_PER_UNIT;

/// How a [`Quantity`] is written back out; it keeps the family of the text it was parsed from.
///
/// ```
/// use kubefit::{Quantity, QuantityFormat};
///
/// let q: Quantity = "1.5Gi".parse()?;
/// assert_eq!(q.format(), QuantityFormat::BinarySi);
/// # Ok::<(), kubefit::QuantityError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuantityFormat {
    /// Powers of 1024: `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`.
    BinarySi,
    /// Powers of 1000: `n`, `u`, `m`, (none), `k`, `M`, `G`, `T`, `P`, `E`.
    DecimalSi,
    /// Scientific notation: `12e6`.
    DecimalExponent,
}

/// An exact Kubernetes quantity, parsed and printed exactly as the API server does.
///
/// The value is held as a whole number of nano-units (10⁻⁹) in an `i128`; parsing rounds
/// anything finer **up, away from zero**, as apimachinery does (`0.9n` → `1n`). Binary-suffixed
/// values saturate at 2⁶³ − 1 like the API server; decimal values are exact up to about
/// 1.7 × 10²⁹ and larger ones are rejected rather than rounded.
///
/// Equality and ordering compare values, not spelling: `1Gi == 1024Mi`.
///
/// ```
/// use kubefit::Quantity;
///
/// let q: Quantity = "1.5".parse()?;
/// assert_eq!(q.to_string(), "1500m");
/// let gi: Quantity = "1024Mi".parse()?;
/// assert_eq!(gi.to_string(), "1Gi");
/// assert_eq!(gi, "1Gi".parse::<Quantity>()?);
/// # Ok::<(), kubefit::QuantityError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Quantity {
    nanos: i128,
    format: QuantityFormat,
}

/// Why a string is not a valid [`Quantity`].
///
/// ```
/// use kubefit::{Quantity, QuantityError};
///
/// let err = "1ki".parse::<Quantity>().unwrap_err();
/// assert!(matches!(err, QuantityError::Suffix { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuantityError {
    /// The input was empty.
    #[error("quantity is empty; write a number such as `250m` or `512Mi`")]
    Empty,
    /// The input does not match `<sign><number><suffix>`.
    #[error(
        "`{input}` is not a quantity: expected a number with an optional suffix such as `250m`, `1.5Gi` or `1e3`, with no spaces"
    )]
    Format {
        /// The rejected input.
        input: String,
    },
    /// The suffix is not one the API server knows.
    #[error(
        "`{input}` has an unknown suffix `{suffix}`: use one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e3"
    )]
    Suffix {
        /// The rejected input.
        input: String,
        /// The suffix that was not recognised.
        suffix: String,
    },
    /// The value is too large to represent exactly.
    #[error("`{input}` is too large to represent exactly; use a smaller value")]
    TooLarge {
        /// The rejected input.
        input: String,
    },
}

impl Quantity {
    /// Zero.
    ///
    /// ```
    /// assert_eq!(kubefit::Quantity::ZERO.to_string(), "0");
    /// ```
    pub const ZERO: Quantity = Quantity {
        nanos: 0,
        format: QuantityFormat::DecimalSi,
    };

    /// A quantity of `nanos` nano-units written in `format`.
    ///
    /// ```
    /// use kubefit::{Quantity, QuantityFormat};
    ///
    /// let q = Quantity::from_nanos(250_000_000, QuantityFormat::DecimalSi);
    /// assert_eq!(q.to_string(), "250m");
    /// ```
    #[must_use]
    pub const fn from_nanos(nanos: i128, format: QuantityFormat) -> Self {
        Quantity { nanos, format }
    }

    /// The exact value in nano-units (10⁻⁹).
    ///
    /// ```
    /// let q: kubefit::Quantity = "3m".parse()?;
    /// assert_eq!(q.nanos(), 3_000_000);
    /// # Ok::<(), kubefit::QuantityError>(())
    /// ```
    #[must_use]
    pub const fn nanos(&self) -> i128 {
        self.nanos
    }

    /// The format family this quantity prints in.
    ///
    /// ```
    /// use kubefit::{Quantity, QuantityFormat};
    /// assert_eq!("1e3".parse::<Quantity>()?.format(), QuantityFormat::DecimalExponent);
    /// # Ok::<(), kubefit::QuantityError>(())
    /// ```
    #[must_use]
    pub const fn format(&self) -> QuantityFormat {
        self.format
    }

    /// Whether the value is zero.
    ///
    /// ```
    /// assert!(kubefit::Quantity::ZERO.is_zero());
    /// ```
    #[must_use]
    pub const fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// Exact addition, or `None` on overflow. The result keeps `self`'s format unless `self`
    /// is zero, as apimachinery does.
    ///
    /// ```
    /// use kubefit::Quantity;
    /// let a: Quantity = "100m".parse()?;
    /// let b: Quantity = "1.9".parse()?;
    /// assert_eq!(a.checked_add(b).map(|q| q.to_string()), Some("2".to_string()));
    /// # Ok::<(), kubefit::QuantityError>(())
    /// ```
    #[must_use]
    pub fn checked_add(self, rhs: Quantity) -> Option<Quantity> {
        let nanos = self.nanos.checked_add(rhs.nanos)?;
        Some(Quantity {
            nanos,
            format: self.combined_format(rhs),
        })
    }

    /// Exact subtraction, or `None` on overflow.
    ///
    /// ```
    /// use kubefit::Quantity;
    /// let a: Quantity = "1Gi".parse()?;
    /// let b: Quantity = "512Mi".parse()?;
    /// assert_eq!(a.checked_sub(b).map(|q| q.to_string()), Some("512Mi".to_string()));
    /// # Ok::<(), kubefit::QuantityError>(())
    /// ```
    #[must_use]
    pub fn checked_sub(self, rhs: Quantity) -> Option<Quantity> {
        let nanos = self.nanos.checked_sub(rhs.nanos)?;
        Some(Quantity {
            nanos,
            format: self.combined_format(rhs),
        })
    }

    fn combined_format(self, rhs: Quantity) -> QuantityFormat {
        if self.nanos == 0 {
            rhs.format
        } else {
            self.format
        }
    }
}

impl Default for Quantity {
    fn default() -> Self {
        Quantity::ZERO
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl Hash for Quantity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.nanos.hash(state);
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

/// Saturating at the `i128` range, which no real resource comes near; use
/// [`Quantity::checked_add`] to detect overflow.
impl Add for Quantity {
    type Output = Quantity;
    fn add(self, rhs: Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_add(rhs.nanos),
            format: self.combined_format(rhs),
        }
    }
}

/// Saturating at the `i128` range; use [`Quantity::checked_sub`] to detect overflow.
impl Sub for Quantity {
    type Output = Quantity;
    fn sub(self, rhs: Quantity) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_sub(rhs.nanos),
            format: self.combined_format(rhs),
        }
    }
}

impl Neg for Quantity {
    type Output = Quantity;
    fn neg(self) -> Quantity {
        Quantity {
            nanos: self.nanos.saturating_neg(),
            format: self.format,
        }
    }
}

impl Sum for Quantity {
    fn sum<I: Iterator<Item = Quantity>>(iter: I) -> Quantity {
        iter.fold(Quantity::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Quantity> for Quantity {
    fn sum<I: Iterator<Item = &'a Quantity>>(iter: I) -> Quantity {
        iter.copied().sum()
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

const DECIMAL_SUFFIXES: [(&str, i32); 10] = [
    ("n", -9),
    ("u", -6),
    ("m", -3),
    ("", 0),
    ("k", 3),
    ("M", 6),
    ("G", 9),
    ("T", 12),
    ("P", 15),
    ("E", 18),
];
const BINARY_SUFFIXES: [(&str, u32); 7] = [
    ("", 0),
    ("Ki", 10),
    ("Mi", 20),
    ("Gi", 30),
    ("Ti", 40),
    ("Pi", 50),
    ("Ei", 60),
];

/// A non-negative integer of any size, little-endian base 2³², for exact parsing.
struct Big(Vec<u32>);

impl Big {
    fn from_digits(digits: &[u8]) -> Big {
        let mut big = Big(Vec::new());
        for d in digits {
            big.mul_add(10, u32::from(d - b'0'));
        }
        big
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for w in &mut self.0 {
            let v = u64::from(*w) * u64::from(m) + carry;
            *w = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    /// Divides in place, returning whether the remainder was non-zero.
    fn div_small(&mut self, d: u32) -> bool {
        let mut rem = 0u64;
        for w in self.0.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*w);
            *w = (cur / u64::from(d)) as u32;
            rem = cur % u64::from(d);
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        rem != 0
    }

    fn too_wide(&self) -> bool {
        self.0.len() > 4
    }

    fn to_u128(&self) -> Option<u128> {
        if self.too_wide() {
            return None;
        }
        Some(
            self.0
                .iter()
                .rev()
                .fold(0u128, |acc, &w| (acc << 32) | u128::from(w)),
        )
    }

    fn add_one(&mut self) {
        self.mul_add(1, 1);
    }
}

struct Scanned<'a> {
    positive: bool,
    num: &'a [u8],
    denom: &'a [u8],
    suffix: &'a str,
}

/// A port of apimachinery's `parseQuantityString` scanner.
fn scan(s: &str) -> Result<Scanned<'_>, ()> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut positive = true;
    if let Some(&c) = b.first() {
        if c == b'-' {
            positive = false;
            pos += 1;
        } else if c == b'+' {
            pos += 1;
        }
    }
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Ok(Scanned {
            positive,
            num: b"0",
            denom: b"",
            suffix: "",
        });
    }
    let num_start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let num = &b[num_start..pos];
    let mut denom: &[u8] = b"";
    if pos < end && b[pos] == b'.' {
        pos += 1;
        let start = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &b[start..pos];
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return Err(());
    }
    Ok(Scanned {
        positive,
        num,
        denom,
        suffix: &s[suffix_start..],
    })
}

enum Suffix {
    Decimal(i32, QuantityFormat),
    Binary(u32),
}

fn interpret(suffix: &str) -> Option<Suffix> {
    if let Some(&(_, e)) = DECIMAL_SUFFIXES.iter().find(|(s, _)| *s == suffix) {
        return Some(Suffix::Decimal(e, QuantityFormat::DecimalSi));
    }
    if let Some(&(_, e)) = BINARY_SUFFIXES.iter().find(|(s, _)| *s == suffix) {
        return Some(Suffix::Binary(e));
    }
    let rest = suffix
        .strip_prefix('e')
        .or_else(|| suffix.strip_prefix('E'))?;
    if rest.is_empty() {
        return None;
    }
    let e: i32 = rest.parse().ok()?;
    Some(Suffix::Decimal(e, QuantityFormat::DecimalExponent))
}

fn parse(input: &str) -> Result<Quantity, QuantityError> {
    if input.is_empty() {
        return Err(QuantityError::Empty);
    }
    let scanned = scan(input).map_err(|()| QuantityError::Format {
        input: input.to_owned(),
    })?;
    let suffix = interpret(scanned.suffix).ok_or_else(|| QuantityError::Suffix {
        input: input.to_owned(),
        suffix: scanned.suffix.to_owned(),
    })?;
    let too_large = || QuantityError::TooLarge {
        input: input.to_owned(),
    };

    let mut digits = Vec::with_capacity(scanned.num.len() + scanned.denom.len());
    digits.extend_from_slice(scanned.num);
    digits.extend_from_slice(scanned.denom);
    let denom_len = i64::try_from(scanned.denom.len()).map_err(|_| too_large())?;
    // The value is D × 2^shift × 10^ten_exp nanos for the digit string D. Zeros at either end
    // of D and digits far below a nano are dropped first, so the big-number work below is on
    // at most ~60 digits however long the input is (a 1 MB quantity parses in linear time).
    let lead = digits.iter().take_while(|&&d| d == b'0').count();
    digits.drain(..lead);
    let trail = digits.iter().rev().take_while(|&&d| d == b'0').count();
    digits.truncate(digits.len() - trail);
    let trail = i64::try_from(trail).map_err(|_| too_large())?;

    let (mut format, mut ten_exp, shift) = match suffix {
        Suffix::Decimal(e, format) => (format, i64::from(e) - denom_len + 9 + trail, 0),
        Suffix::Binary(shift) => (QuantityFormat::BinarySi, 9 - denom_len + trail, shift),
    };
    let significant = i64::try_from(digits.len()).map_err(|_| too_large())?;
    let mut dropped_nonzero = false;
    if !digits.is_empty() && significant + ten_exp > 40 {
        // At least 10^40 nanos: beyond any quantity kubefit holds.
        if format != QuantityFormat::BinarySi {
            return Err(too_large());
        }
        digits.truncate(1);
        ten_exp = 40;
    } else if !digits.is_empty() {
        // Digits more than 21 places below a nano cannot change the rounded-up result
        // (2^shift is below 10^19), except through being non-zero.
        let keep = (significant + ten_exp + 21).clamp(1, significant);
        let keep = usize::try_from(keep).unwrap_or(digits.len());
        dropped_nonzero = digits[keep..].iter().any(|&d| d != b'0');
        ten_exp += i64::try_from(digits.len() - keep).map_err(|_| too_large())?;
        digits.truncate(keep);
    }
    let mut big = Big::from_digits(&digits);
    for _ in 0..shift {
        big.mul_add(2, 0);
    }

    let mut magnitude: u128 = if big.is_zero() {
        0
    } else if ten_exp >= 0 {
        for _ in 0..ten_exp {
            big.mul_add(10, 0);
            if big.too_wide() {
                break;
            }
        }
        match big.to_u128() {
            Some(v) => v,
            None if format == QuantityFormat::BinarySi => u128::MAX,
            None => return Err(too_large()),
        }
    } else {
        let mut inexact = dropped_nonzero;
        for _ in 0..ten_exp.unsigned_abs() {
            inexact |= big.div_small(10);
            if big.is_zero() {
                break;
            }
        }
        if inexact {
            big.add_one();
        }
        match big.to_u128() {
            Some(v) => v,
            None if format == QuantityFormat::BinarySi => u128::MAX,
            None => return Err(too_large()),
        }
    };

    if format == QuantityFormat::BinarySi {
        let cap = MAX_BINARY_NANOS.unsigned_abs();
        if magnitude > cap {
            magnitude = cap;
        }
        if magnitude > 0 && magnitude < NANOS_PER_UNIT.unsigned_abs() {
            format = QuantityFormat::DecimalSi;
        }
    }
    let nanos = i128::try_from(magnitude).map_err(|_| too_large())?;
    let nanos = if scanned.positive { nanos } else { -nanos };
    Ok(Quantity { nanos, format })
}

impl FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Printing

fn decimal_parts(nanos: i128) -> (i128, i32) {
    let mut mantissa = nanos;
    let mut exp: i32 = -9;
    while mantissa % 10 == 0 {
        mantissa /= 10;
        exp += 1;
    }
    let r = exp.rem_euclid(3);
    for _ in 0..r {
        mantissa *= 10;
    }
    (mantissa, exp - r)
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nanos == 0 {
            return f.write_str("0");
        }
        let mut format = self.format;
        if format == QuantityFormat::BinarySi {
            let bound = 1024 * NANOS_PER_UNIT;
            if (self.nanos > -bound && self.nanos < bound) || self.nanos % NANOS_PER_UNIT != 0 {
                format = QuantityFormat::DecimalSi;
            }
        }
        match format {
            QuantityFormat::BinarySi => {
                let mut units = self.nanos / NANOS_PER_UNIT;
                let mut idx = 0;
                while idx < BINARY_SUFFIXES.len() - 1 && units % 1024 == 0 {
                    units /= 1024;
                    idx += 1;
                }
                write!(f, "{units}{}", BINARY_SUFFIXES[idx].0)
            }
            QuantityFormat::DecimalSi | QuantityFormat::DecimalExponent => {
                let (mantissa, exp) = decimal_parts(self.nanos);
                let si = DECIMAL_SUFFIXES.iter().find(|(_, e)| *e == exp);
                match (format, si) {
                    (QuantityFormat::DecimalSi, Some((s, _))) => write!(f, "{mantissa}{s}"),
                    (_, _) if exp == 0 => write!(f, "{mantissa}"),
                    _ => write!(f, "{mantissa}e{exp}"),
                }
            }
        }
    }
}

impl fmt::Debug for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Quantity({self})")
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct QVisitor;
        impl Visitor<'_> for QVisitor {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Kubernetes quantity such as \"250m\" or \"512Mi\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
                Ok(Quantity::from_nanos(
                    i128::from(v) * NANOS_PER_UNIT,
                    QuantityFormat::DecimalSi,
                ))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity::from_nanos(
                    i128::from(v) * NANOS_PER_UNIT,
                    QuantityFormat::DecimalSi,
                ))
            }
        }
        deserializer.deserialize_any(QVisitor)
    }
}

impl From<Quantity> for k8s_openapi::apimachinery::pkg::api::resource::Quantity {
    fn from(q: Quantity) -> Self {
        k8s_openapi::apimachinery::pkg::api::resource::Quantity(q.to_string())
    }
}

impl TryFrom<&k8s_openapi::apimachinery::pkg::api::resource::Quantity> for Quantity {
    type Error = QuantityError;
    fn try_from(
        q: &k8s_openapi::apimachinery::pkg::api::resource::Quantity,
    ) -> Result<Self, Self::Error> {
        q.0.parse()
    }
}
