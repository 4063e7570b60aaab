//! Secret values from `.env` files and the process environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use zeroize::Zeroizing;

use crate::model::secret_value::{SecretSource, SecretValue};

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

/// The variables of a `.env` file, read by the Compose env-file rules (see
/// [`DotEnv::parse`]). Values are [`SecretValue`]s and never print.
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
    /// `${VAR:?}` or `${VAR?}` names a variable that is not set (or empty, with `:`).
    #[error(".env line {line}: variable `{var}` is required but not set")]
    Required {
        /// The line of the value.
        line: usize,
        /// The variable.
        var: String,
    },
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
    /// Parses `.env` text by the Compose env-file rules
    /// (<https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax>):
    ///
    /// - blank lines and lines starting with `#` are ignored; `export ` before a key is allowed;
    ///   keys are letters, digits, `_`, `.` and `-`; a key without `=` takes no value here;
    /// - unquoted values end at the line's end or at a `#` preceded by whitespace, and lose
    ///   their surrounding whitespace;
    /// - single-quoted values are literal (only `\'` is an escaped quote) and may span lines;
    /// - double-quoted values may span lines and understand `\n`, `\r`, `\t`, `\\`, `\"` and
    ///   `\$`; after the closing quote only whitespace and a `#` comment may follow;
    /// - unquoted and double-quoted values are interpolated: `${VAR}`, `$VAR`,
    ///   `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?}` and
    ///   `${VAR?}` (an error naming the variable when unset), looking up variables defined
    ///   earlier in the same file.
    ///
    /// Values are kept in zeroised buffers while parsing, and errors never contain a value.
    ///
    /// ```
    /// let env = kubefit::DotEnv::parse("A=1\nB=\"say \\\"hi\\\"\" # greeting\nC='${A} stays'\nD=${A}2\n")?;
    /// use kubefit::SecretSource;
    /// assert_eq!(env.secret("B").unwrap().expose(), br#"say "hi""#);
    /// assert_eq!(env.secret("C").unwrap().expose(), b"${A} stays");
    /// assert_eq!(env.secret("D").unwrap().expose(), b"12");
    /// # Ok::<(), kubefit::DotEnvError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, DotEnvError> {
        if let Some(at) = text.find('\0') {
            // No environment variable can hold a nul byte.
            return Err(DotEnvError::Syntax(1 + text[..at].matches('\n').count()));
        }
        let mut vars: BTreeMap<String, SecretValue> = BTreeMap::new();
        let b = text.as_bytes();
        let mut i = 0;
        let mut line = 1;
        let blank = |c: u8| c == b' ' || c == b'\t' || c == b'\r';
        while i < b.len() {
            // Start of a statement: skip blanks and empty lines.
            while i < b.len() && (blank(b[i]) || b[i] == b'\n') {
                if b[i] == b'\n' {
                    line += 1;
                }
                i += 1;
            }
            if i >= b.len() {
                break;
            }
            let start_line = line;
            if b[i] == b'#' {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            if b[i..].starts_with(b"export") && b.get(i + 6).is_some_and(|&c| blank(c)) {
                i += 6;
                while i < b.len() && blank(b[i]) {
                    i += 1;
                }
            }
            let key_start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b'-'))
            {
                i += 1;
            }
            let key = &text[key_start..i];
            while i < b.len() && blank(b[i]) {
                i += 1;
            }
            if key.is_empty() {
                return Err(DotEnvError::Syntax(start_line));
            }
            match b.get(i) {
                None | Some(b'\n') => continue, // `KEY` alone: inherited, no value here
                Some(b'=') => i += 1,
                Some(_) => return Err(DotEnvError::Syntax(start_line)),
            }
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            let mut value = Zeroizing::new(Vec::new());
            match b.get(i) {
                Some(&q @ (b'\'' | b'"')) => {
                    i += 1;
                    let mut raw = Zeroizing::new(Vec::new());
                    let mut closed = false;
                    while i < b.len() {
                        let c = b[i];
                        if c == b'\\' && i + 1 < b.len() {
                            let n = b[i + 1];
                            let escaped = if q == b'\'' {
                                (n == b'\'').then_some(b'\'')
                            } else {
                                match n {
                                    b'n' => Some(b'\n'),
                                    b'r' => Some(b'\r'),
                                    b't' => Some(b'\t'),
                                    b'\\' => Some(b'\\'),
                                    b'"' => Some(b'"'),
                                    // `\$` keeps a literal dollar through interpolation.
                                    b'$' => Some(0),
                                    _ => None,
                                }
                            };
                            if let Some(e) = escaped {
                                raw.push(e);
                                i += 2;
                                continue;
                            }
                        }
                        if c == q {
                            closed = true;
                            i += 1;
                            break;
                        }
                        if c == b'\n' {
                            line += 1;
                        }
                        raw.push(c);
                        i += 1;
                    }
                    if !closed {
                        return Err(DotEnvError::Quote(start_line));
                    }
                    // Only whitespace and a comment may follow the closing quote.
                    while i < b.len() && blank(b[i]) {
                        i += 1;
                    }
                    match b.get(i) {
                        None | Some(b'\n') => {}
                        Some(b'#') => {
                            while i < b.len() && b[i] != b'\n' {
                                i += 1;
                            }
                        }
                        Some(_) => return Err(DotEnvError::Syntax(line)),
                    }
                    if q == b'"' {
                        interpolate(&raw, &vars, start_line, &mut value)?;
                    } else {
                        value.extend_from_slice(&raw);
                    }
                }
                _ => {
                    let value_start = i;
                    let mut end = i;
                    while i < b.len() && b[i] != b'\n' {
                        if b[i] == b'#' && i > value_start && blank(b[i - 1]) {
                            break;
                        }
                        i += 1;
                        end = i;
                    }
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    let mut raw = &b[value_start..end];
                    while let [rest @ .., last] = raw {
                        if !blank(*last) {
                            break;
                        }
                        raw = rest;
                    }
                    interpolate(raw, &vars, start_line, &mut value)?;
                }
            }
            vars.insert(
                key.to_owned(),
                SecretValue::new(std::mem::take(&mut *value)),
            );
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
        let bytes = crate::util::bounded_read::read_at_most(path, 1 << 20).map_err(|source| {
            DotEnvError::Io {
                path: path.display().to_string(),
                source,
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

/// Compose's interpolation of `raw` (a `0` byte stands for an escaped `$`) into `out`, from
/// the variables defined so far.
fn interpolate(
    raw: &[u8],
    vars: &BTreeMap<String, SecretValue>,
    line: usize,
    out: &mut Vec<u8>,
) -> Result<(), DotEnvError> {
    let name_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            0 => {
                out.push(b'$');
                i += 1;
            }
            b'$' if raw.get(i + 1) == Some(&b'{') => {
                let Some(close) = raw[i + 2..].iter().position(|&c| c == b'}') else {
                    return Err(DotEnvError::Syntax(line));
                };
                let inner = &raw[i + 2..i + 2 + close];
                let name_len = inner.iter().take_while(|&&c| name_char(c)).count();
                let name = std::str::from_utf8(&inner[..name_len]).unwrap_or_default();
                if name.is_empty() {
                    return Err(DotEnvError::Syntax(line));
                }
                let value = vars.get(name).map(SecretValue::expose);
                let (op, arg) = inner[name_len..].split_at(
                    inner[name_len..]
                        .iter()
                        .position(|&c| matches!(c, b'-' | b'+' | b'?'))
                        .map_or(inner.len() - name_len, |p| p + 1),
                );
                let set_nonempty = value.is_some_and(|v| !v.is_empty());
                match op {
                    b"" if arg.is_empty() => out.extend_from_slice(value.unwrap_or_default()),
                    b":-" => match value {
                        Some(v) if set_nonempty => out.extend_from_slice(v),
                        _ => interpolate(arg, vars, line, out)?,
                    },
                    b"-" => match value {
                        Some(v) => out.extend_from_slice(v),
                        None => interpolate(arg, vars, line, out)?,
                    },
                    b":+" => {
                        if set_nonempty {
                            interpolate(arg, vars, line, out)?;
                        }
                    }
                    b"+" => {
                        if value.is_some() {
                            interpolate(arg, vars, line, out)?;
                        }
                    }
                    b":?" | b"?" => match value {
                        Some(v) if op == b"?" || set_nonempty => out.extend_from_slice(v),
                        _ => {
                            return Err(DotEnvError::Required {
                                line,
                                var: name.to_owned(),
                            });
                        }
                    },
                    _ => return Err(DotEnvError::Syntax(line)),
                }
                i += 3 + close;
            }
            b'$' if raw
                .get(i + 1)
                .is_some_and(|&c| name_char(c) && !c.is_ascii_digit()) =>
            {
                let len = raw[i + 1..].iter().take_while(|&&c| name_char(c)).count();
                let name = std::str::from_utf8(&raw[i + 1..i + 1 + len]).unwrap_or_default();
                if let Some(v) = vars.get(name) {
                    out.extend_from_slice(v.expose());
                }
                i += 1 + len;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(())
}
