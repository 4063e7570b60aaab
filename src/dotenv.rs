//! Secret values from `.env` files and the process environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::secret_value::SecretValue;

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

/// The process environment.
///
/// ```
/// use kubefit::{ProcessEnv, SecretSource};
/// assert!(ProcessEnv.secret("KUBEFIT_SURELY_UNSET").is_none());
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl SecretSource for ProcessEnv {
    fn secret(&self, var: &str) -> Option<SecretValue> {
        SecretValue::from_env(var)
    }
}

/// The variables of a `.env` file (`KEY=value`, `#` comments, optional `export ` prefix,
/// single- or double-quoted values). Values are [`SecretValue`]s and never print.
///
/// ```
/// use kubefit::DotEnv;
/// let env = DotEnv::parse("# local only\nexport API_TOKEN='abc def'\nEMPTY=\n")?;
/// assert_eq!(env.len(), 2);
/// assert!(!format!("{env:?}").contains("abc"));
/// # Ok::<(), kubefit::DotEnvError>(())
/// ```
#[derive(Clone, Default)]
pub struct DotEnv {
    vars: BTreeMap<String, SecretValue>,
}

/// A `.env` file that could not be read. Never contains a value.
///
/// ```
/// let err = kubefit::DotEnv::parse("NOT A LINE\n").unwrap_err();
/// assert_eq!(err.to_string(), ".env line 1: expected KEY=value");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DotEnvError {
    /// A line is not `KEY=value`.
    #[error(".env line {0}: expected KEY=value")]
    Syntax(usize),
    /// A quoted value is not closed.
    #[error(".env line {0}: unterminated quote")]
    Quote(usize),
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl DotEnv {
    /// Parses `.env` text.
    ///
    /// ```
    /// let env = kubefit::DotEnv::parse("A=1\nB=\"two words\"\n")?;
    /// assert_eq!(env.len(), 2);
    /// # Ok::<(), kubefit::DotEnvError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, DotEnvError> {
        let mut vars = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((key, value)) = line.split_once('=') else {
                return Err(DotEnvError::Syntax(line_no));
            };
            let key = key.trim();
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(DotEnvError::Syntax(line_no));
            }
            let value = value.trim();
            let value = match value.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &value[1..];
                    match inner.find(q) {
                        Some(end) => inner[..end].to_owned(),
                        None => return Err(DotEnvError::Quote(line_no)),
                    }
                }
                _ => value
                    .split_once(" #")
                    .map_or(value, |(v, _)| v)
                    .trim_end()
                    .to_owned(),
            };
            vars.insert(key.to_owned(), SecretValue::new(value));
        }
        Ok(DotEnv { vars })
    }

    /// Reads and parses a `.env` file.
    ///
    /// ```
    /// assert!(kubefit::DotEnv::load("/nonexistent/.env").is_err());
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Self, DotEnvError> {
        let path = path.as_ref();
        // A `.env` is small; reading stops after 1 MiB, whatever the file is.
        let bytes = crate::bounded_read::read_at_most(path, 1 << 20).map_err(|message| {
            DotEnvError::Io {
                path: path.display().to_string(),
                source: std::io::Error::other(message),
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|e| DotEnvError::Io {
            path: path.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })?;
        Self::parse(&text)
    }

    /// The number of variables.
    ///
    /// ```
    /// assert_eq!(kubefit::DotEnv::default().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// Whether there are no variables.
    ///
    /// ```
    /// assert!(kubefit::DotEnv::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }
}

impl SecretSource for DotEnv {
    fn secret(&self, var: &str) -> Option<SecretValue> {
        self.vars.get(var).cloned()
    }
}

impl fmt::Debug for DotEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DotEnv")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .finish()
    }
}
