//! Port references: by name or by number.

use std::fmt;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// A port given by name (`"http"`) or number (`8080`).
///
/// ```
/// use kubefit::PortRef;
///
/// assert_eq!(PortRef::from("http"), PortRef::Name("http".into()));
/// assert_eq!(PortRef::from(8080), PortRef::Number(8080));
/// assert_eq!(PortRef::from(8080).to_string(), "8080");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PortRef {
    /// A named container port.
    Name(String),
    /// A port number.
    Number(u16),
}

impl PortRef {
    pub(crate) fn to_int_or_string(&self) -> IntOrString {
        match self {
            PortRef::Name(n) => IntOrString::String(n.clone()),
            PortRef::Number(n) => IntOrString::Int(i32::from(*n)),
        }
    }
}

impl From<&str> for PortRef {
    fn from(s: &str) -> Self {
        PortRef::Name(s.to_owned())
    }
}

impl From<String> for PortRef {
    fn from(s: String) -> Self {
        PortRef::Name(s)
    }
}

impl From<u16> for PortRef {
    fn from(n: u16) -> Self {
        PortRef::Number(n)
    }
}

impl fmt::Display for PortRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortRef::Name(n) => f.write_str(n),
            PortRef::Number(n) => write!(f, "{n}"),
        }
    }
}
