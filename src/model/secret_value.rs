//! A secret value that never prints.

use std::fmt;

use zeroize::Zeroizing;

/// A secret value (password, token, key). It never appears in `Debug`, `Display`, errors
/// or logs, and its memory is zeroised when it is dropped.
///
/// ```
/// use kubefit::SecretValue;
///
/// let v = SecretValue::new("hunter2");
/// assert_eq!(format!("{v:?}"), "SecretValue(<redacted>)");
/// assert_eq!(v.to_string(), "<redacted>");
/// assert_eq!(v.expose(), b"hunter2");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(Zeroizing<Vec<u8>>);

impl SecretValue {
    /// Wraps a value.
    ///
    /// ```
    /// let v = kubefit::SecretValue::new(String::from("token"));
    /// assert_eq!(v.len(), 5);
    /// ```
    #[must_use]
    pub fn new(value: impl Into<Vec<u8>>) -> Self {
        SecretValue(Zeroizing::new(value.into()))
    }

    /// Reads the environment variable `var`, or `None` if it is unset.
    ///
    /// ```
    /// assert!(kubefit::SecretValue::from_env("KUBEFIT_SURELY_UNSET").is_none());
    /// ```
    #[must_use]
    pub fn from_env(var: &str) -> Option<Self> {
        std::env::var_os(var).map(|v| SecretValue::new(v.into_encoded_bytes()))
    }

    /// The plaintext bytes. Named so that every place that reveals a secret is easy to find.
    ///
    /// ```
    /// assert_eq!(kubefit::SecretValue::new("x").expose(), b"x");
    /// ```
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The length in bytes (not secret: the API server sees it too).
    ///
    /// ```
    /// assert_eq!(kubefit::SecretValue::new("abc").len(), 3);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the value is empty.
    ///
    /// ```
    /// assert!(kubefit::SecretValue::new("").is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(<redacted>)")
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where secret values come from when a [`Secret`](crate::Secret) is filled with
/// [`Secret::entry_from`](crate::Secret::entry_from).
///
/// ```
/// use kubefit::{DotEnv, SecretSource};
/// let env = DotEnv::parse("DB_PASSWORD=s3cr3t\n")?;
/// assert!(env.secret("DB_PASSWORD").is_some());
/// # Ok::<(), kubefit::DotEnvError>(())
/// ```
pub trait SecretSource {
    /// The value of variable `var`, if set.
    fn secret(&self, var: &str) -> Option<SecretValue>;
}

/// A pair of sources: the first one's value when it has one, else the second's — e.g. an
/// uncommitted `.env` in front of the process environment.
///
/// ```
/// use kubefit::{DotEnv, ProcessEnv, SecretSource};
/// let local = DotEnv::parse("DB_PASSWORD=local\n")?;
/// let layered = (local, ProcessEnv);
/// assert_eq!(layered.secret("DB_PASSWORD").unwrap().expose(), b"local");
/// # Ok::<(), kubefit::DotEnvError>(())
/// ```
impl<A: SecretSource, B: SecretSource> SecretSource for (A, B) {
    fn secret(&self, var: &str) -> Option<SecretValue> {
        self.0.secret(var).or_else(|| self.1.secret(var))
    }
}
