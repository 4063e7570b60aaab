//! One finding of a check: what, where, and how to fix it.

pub(crate) mod rules;

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

/// How serious a [`Diagnostic`] is.
///
/// ```
/// use kubefit::Severity;
/// assert!(Severity::Error > Severity::Warning);
/// assert_eq!(Severity::Error.to_string(), "error");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Info,
    /// Likely a mistake or a risk; emission still proceeds.
    Warning,
    /// The API server would reject it, or it cannot work; emission is refused.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem found by [`Stack::check`](crate::Stack::check).
///
/// It names the object (`deployment/api`) and the field path in the emitted manifest
/// (`spec.template.spec.containers[0].resources.limits.cpu`), says what is wrong in lowercase
/// and how to fix it.
///
/// ```
/// use kubefit::{Diagnostic, Severity};
///
/// let d = Diagnostic::new(
///     Severity::Error,
///     "request-exceeds-limit",
///     "deployment/api",
///     "spec.template.spec.containers[0].resources.requests.cpu",
///     "cpu request 500m is greater than its limit 250m",
///     "raise the limit or lower the request",
/// );
/// assert_eq!(
///     d.to_string(),
///     "error[request-exceeds-limit] deployment/api: spec.template.spec.containers[0].resources.requests.cpu: cpu request 500m is greater than its limit 250m (fix: raise the limit or lower the request)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// A stable kebab-case identifier, e.g. `dangling-config-map`.
    pub id: Cow<'static, str>,
    /// The object, as `kind/name` in lowercase kind (`deployment/api`).
    pub object: String,
    /// The field path within that object's manifest.
    pub path: String,
    /// What is wrong, in lowercase.
    pub message: String,
    /// How to fix it.
    pub hint: Cow<'static, str>,
    /// Why it was suppressed, if it was (it then counts as neither error nor warning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with every field given.
    ///
    /// ```
    /// use kubefit::{Diagnostic, Severity};
    /// let d = Diagnostic::new(Severity::Warning, "x", "service/web", "spec", "m", "h");
    /// assert_eq!(d.object, "service/web");
    /// ```
    #[must_use]
    pub fn new(
        severity: Severity,
        id: impl Into<Cow<'static, str>>,
        object: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<Cow<'static, str>>,
    ) -> Self {
        Diagnostic {
            severity,
            id: id.into(),
            object: object.into(),
            path: path.into(),
            message: message.into(),
            hint: hint.into(),
            suppressed: None,
        }
    }

    /// A finding of the rule `rule`: its severity, id and fix come from the rule table.
    ///
    /// ```
    /// use kubefit::{Diagnostic, RuleId, Severity};
    /// let d = Diagnostic::of(RuleId::DanglingSecret, "deployment/api", "spec", "secret `db` is not in the stack");
    /// assert_eq!(d.severity, Severity::Error);
    /// assert_eq!(d.id, "dangling-secret");
    /// assert_eq!(d.hint, RuleId::DanglingSecret.rule().fix);
    /// ```
    #[must_use]
    pub fn of(
        rule: rules::RuleId,
        object: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let r = rule.rule();
        Diagnostic::new(r.severity, r.id, object, path, message, r.fix)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.suppressed.is_some() {
            f.write_str("suppressed ")?;
        }
        write!(f, "{}[{}] {}", self.severity, self.id, Clean(&self.object))?;
        if !self.path.is_empty() {
            write!(f, ": {}", Clean(&self.path))?;
        }
        write!(f, ": {}", Clean(&self.message))?;
        if let Some(reason) = &self.suppressed {
            write!(f, " (suppressed: {})", Clean(reason))?;
        } else if !self.hint.is_empty() {
            write!(f, " (fix: {})", Clean(&self.hint))?;
        }
        Ok(())
    }
}

/// Text from a spec or stack, displayed so that it cannot act on a terminal: control
/// characters (escape sequences, carriage returns, newlines) and bidirectional overrides are
/// written as `\u{…}` escapes, everything else as it is. Every human-readable output (reports,
/// spec and emit errors) shows user text through this.
pub(crate) struct Clean<'a>(pub(crate) &'a str);

impl fmt::Display for Clean<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unsafe_char = |c: char| {
            c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        };
        if !self.0.chars().any(unsafe_char) {
            return f.write_str(self.0);
        }
        for c in self.0.chars() {
            if unsafe_char(c) {
                write!(f, "\\u{{{:x}}}", u32::from(c))?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}
