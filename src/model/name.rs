//! Object names, label keys and values, and the rules the API server applies to them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The name of a Kubernetes object.
///
/// Building a `Name` never fails; the rule that applies depends on the kind it names
/// (a Service needs an RFC 1035 label, a ConfigMap a DNS-1123 subdomain, …) and is checked
/// by [`Stack::check`](crate::Stack::check), together with every other problem.
/// Use [`NameRule::validate`] to check one up front.
///
/// ```
/// use kubefit::{Name, NameRule};
///
/// let name = Name::from("api");
/// assert_eq!(name.as_str(), "api");
/// assert!(NameRule::Dns1123Label.validate(name.as_str()).is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    /// The name as a string slice.
    ///
    /// ```
    /// assert_eq!(kubefit::Name::from("web").as_str(), "web");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(s.to_owned())
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(s)
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name(s.clone())
    }
}

impl From<&Name> for Name {
    fn from(s: &Name) -> Self {
        s.clone()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A naming rule of the Kubernetes API.
///
/// ```
/// use kubefit::NameRule;
///
/// let err = NameRule::Dns1123Label.validate("My_App").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "`My_App` is not a valid dns-1123 label: it must consist of lowercase letters, digits and '-', and start and end with a letter or digit (e.g. `my-name`)"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameRule {
    /// At most 63 characters of `[a-z0-9-]`, alphanumeric at both ends (Namespace).
    Dns1123Label,
    /// Like a DNS-1123 label but starting with a letter (Service).
    Dns1035Label,
    /// Dot-separated DNS-1123 labels, at most 253 characters (most kinds).
    Dns1123Subdomain,
    /// An optional DNS subdomain prefix and `/`, then at most 63 characters of
    /// `[A-Za-z0-9-_.]`, alphanumeric at both ends.
    LabelKey,
    /// Empty, or at most 63 characters of `[A-Za-z0-9-_.]`, alphanumeric at both ends.
    LabelValue,
    /// At most 253 characters of `[-._a-zA-Z0-9]` (ConfigMap and Secret keys).
    ConfigKey,
    /// A C-like identifier that may also contain `-` and `.` (environment variable names).
    EnvVarName,
    /// A DNS-1123 subdomain of at most 63 characters: a Job's name, which the API server also
    /// writes into its pods' `job-name` label.
    JobName,
    /// A DNS-1123 subdomain of at most 52 characters: a CronJob's name, to which the
    /// controller appends an 11-character suffix for each Job.
    CronJobName,
    /// An IANA service name: at most 15 characters of `[a-z0-9-]` with at least one letter
    /// and no `--` (container and Service port names).
    PortName,
}

/// A name that breaks a [`NameRule`].
///
/// ```
/// let err = kubefit::NameRule::PortName.validate("http-metrics-endpoint").unwrap_err();
/// assert!(err.to_string().contains("at most 15 characters"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {rule}: {reason}")]
pub struct NameError {
    /// The rejected value.
    pub value: String,
    /// The rule it breaks.
    pub rule: NameRule,
    /// What exactly is wrong, in lowercase.
    pub reason: String,
}

impl fmt::Display for NameRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameRule::Dns1123Label => "dns-1123 label",
            NameRule::Dns1035Label => "rfc 1035 label",
            NameRule::Dns1123Subdomain => "dns-1123 subdomain",
            NameRule::LabelKey => "label key",
            NameRule::LabelValue => "label value",
            NameRule::ConfigKey => "config key",
            NameRule::EnvVarName => "environment variable name",
            NameRule::PortName => "port name",
            NameRule::JobName => "job name",
            NameRule::CronJobName => "cronjob name",
        })
    }
}

fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_qualified_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

fn is_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_label)
}

impl NameRule {
    /// Checks `value` against this rule.
    ///
    /// ```
    /// use kubefit::NameRule;
    /// assert!(NameRule::Dns1123Subdomain.validate("api.v1").is_ok());
    /// assert!(NameRule::Dns1035Label.validate("1api").is_err());
    /// ```
    pub fn validate(self, value: &str) -> Result<(), NameError> {
        let fail = |reason: &str| {
            Err(NameError {
                value: value.to_owned(),
                rule: self,
                reason: reason.to_owned(),
            })
        };
        const LABEL_CHARS: &str = "it must consist of lowercase letters, digits and '-', and start and end with a letter or digit (e.g. `my-name`)";
        match self {
            NameRule::Dns1123Label => {
                if value.len() > 63 {
                    return fail("it must be at most 63 characters");
                }
                if !is_label(value) {
                    return fail(LABEL_CHARS);
                }
            }
            NameRule::Dns1035Label => {
                if value.len() > 63 {
                    return fail("it must be at most 63 characters");
                }
                if !is_label(value) || !value.as_bytes()[0].is_ascii_lowercase() {
                    return fail(
                        "it must consist of lowercase letters, digits and '-', start with a letter and end with a letter or digit (e.g. `my-name`)",
                    );
                }
            }
            NameRule::JobName | NameRule::CronJobName => {
                let max = if self == NameRule::JobName { 63 } else { 52 };
                if value.len() > max {
                    return fail(if max == 63 {
                        "it must be at most 63 characters (it is also the pods' job-name label)"
                    } else {
                        "it must be at most 52 characters (the controller appends 11 for each job)"
                    });
                }
                if !is_subdomain(value) {
                    return fail(
                        "it must consist of lowercase letters, digits, '-' and '.', and each dot-separated part must start and end with a letter or digit (e.g. `db-migrate`)",
                    );
                }
            }
            NameRule::Dns1123Subdomain => {
                if value.len() > 253 {
                    return fail("it must be at most 253 characters");
                }
                if !is_subdomain(value) {
                    return fail(
                        "it must consist of lowercase letters, digits, '-' and '.', and each dot-separated part must start and end with a letter or digit (e.g. `example.com`)",
                    );
                }
            }
            NameRule::LabelKey => {
                let (prefix, name) = match value.split_once('/') {
                    Some((p, n)) => (Some(p), n),
                    None => (None, value),
                };
                if let Some(p) = prefix
                    && !is_subdomain(p)
                {
                    return fail(
                        "its prefix before '/' must be a dns-1123 subdomain (e.g. `example.com/name`)",
                    );
                }
                if name.len() > 63 {
                    return fail("its name part must be at most 63 characters");
                }
                if !is_qualified_part(name) {
                    return fail(
                        "its name part must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit",
                    );
                }
            }
            NameRule::LabelValue => {
                if value.len() > 63 {
                    return fail("it must be at most 63 characters");
                }
                if !value.is_empty() && !is_qualified_part(value) {
                    return fail(
                        "it must be empty or consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit",
                    );
                }
            }
            NameRule::ConfigKey => {
                if value.is_empty() || value.len() > 253 {
                    return fail("it must be 1 to 253 characters");
                }
                if !value
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
                {
                    return fail("it must consist of letters, digits, '-', '_' or '.'");
                }
                if value == "." || value == ".." {
                    return fail("it must not be '.' or '..'");
                }
            }
            NameRule::EnvVarName => {
                let b = value.as_bytes();
                if b.is_empty()
                    || b[0].is_ascii_digit()
                    || !b
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
                {
                    return fail(
                        "it must consist of letters, digits, '_', '-' or '.', and must not start with a digit (e.g. `MY_VAR`)",
                    );
                }
            }
            NameRule::PortName => {
                let b = value.as_bytes();
                if b.is_empty() || b.len() > 15 {
                    return fail("it must be 1 to 15 characters (at most 15 characters)");
                }
                if !b
                    .iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                    || b[0] == b'-'
                    || b[b.len() - 1] == b'-'
                    || value.contains("--")
                    || !b.iter().any(u8::is_ascii_lowercase)
                {
                    return fail(
                        "it must consist of lowercase letters, digits and '-', contain a letter, and not start or end with '-' or contain '--' (e.g. `http`)",
                    );
                }
            }
        }
        Ok(())
    }
}
