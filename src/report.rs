//! The result of checking a stack: every diagnostic at once.

use std::fmt;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fit::FitReport;

/// Every problem [`Stack::check`](crate::Stack::check) found, in a stable order
/// (by severity, most serious first, then object and path).
///
/// `Display` gives a terminal-friendly listing; `Serialize` gives the same data as JSON.
///
/// ```
/// use kubefit::{Container, Deployment, Stack};
///
/// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")));
/// let report = stack.check();
/// assert!(!report.has_errors());
/// println!("{report}");
/// let json = serde_json::to_string(&report)?;
/// assert!(json.contains("\"errors\":0"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    stack: String,
    errors: usize,
    warnings: usize,
    suppressed: usize,
    diagnostics: Vec<Diagnostic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fit: Option<Box<FitReport>>,
}

impl Report {
    /// A report for `stack` holding `diagnostics`, sorted.
    ///
    /// ```
    /// let r = kubefit::Report::new("shop", vec![]);
    /// assert!(r.is_clean());
    /// ```
    #[must_use]
    pub fn new(stack: impl Into<String>, mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.object.cmp(&b.object))
                .then_with(|| a.path.cmp(&b.path))
                .then_with(|| a.id.cmp(&b.id))
        });
        diagnostics.dedup();
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && d.suppressed.is_none())
            .count();
        let warnings = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning && d.suppressed.is_none())
            .count();
        let suppressed = diagnostics
            .iter()
            .filter(|d| d.suppressed.is_some())
            .count();
        Report {
            stack: stack.into(),
            errors,
            warnings,
            suppressed,
            diagnostics,
            fit: None,
        }
    }

    /// Adds a budget: its diagnostics join the report, and its tables are printed with it.
    ///
    /// ```
    /// use kubefit::{Platform, Report, Stack};
    /// let fit = Stack::new("shop").fit(&Platform::oci_always_free());
    /// let r = Report::new("shop", vec![]).with_fit(fit);
    /// assert!(r.fit().is_some());
    /// ```
    #[must_use]
    pub fn with_fit(self, fit: FitReport) -> Self {
        let mut diagnostics = self.diagnostics;
        diagnostics.extend(fit.diagnostics().iter().cloned());
        let mut r = Report::new(self.stack, diagnostics);
        r.fit = Some(Box::new(fit));
        r
    }

    /// Attaches a budget whose diagnostics are already in the report.
    pub(crate) fn with_fit_only(mut self, fit: FitReport) -> Self {
        self.fit = Some(Box::new(fit));
        self
    }

    /// The budget, when the report was made with [`Stack::check_on`](crate::Stack::check_on).
    ///
    /// ```
    /// assert!(kubefit::Report::new("s", vec![]).fit().is_none());
    /// ```
    #[must_use]
    pub fn fit(&self) -> Option<&FitReport> {
        self.fit.as_deref()
    }

    /// All diagnostics, most serious first.
    ///
    /// ```
    /// assert!(kubefit::Report::new("s", vec![]).diagnostics().is_empty());
    /// ```
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Whether any diagnostic is an error.
    ///
    /// ```
    /// assert!(!kubefit::Report::new("s", vec![]).has_errors());
    /// ```
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Whether there is no diagnostic at all.
    ///
    /// ```
    /// assert!(kubefit::Report::new("s", vec![]).is_clean());
    /// ```
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// The diagnostics with the given id.
    ///
    /// ```
    /// assert_eq!(kubefit::Report::new("s", vec![]).with_id("x").count(), 0);
    /// ```
    pub fn with_id<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Diagnostic> + 'a {
        self.diagnostics.iter().filter(move |d| d.id == id)
    }

    /// Number of errors.
    ///
    /// ```
    /// assert_eq!(kubefit::Report::new("s", vec![]).error_count(), 0);
    /// ```
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// Number of warnings.
    ///
    /// ```
    /// assert_eq!(kubefit::Report::new("s", vec![]).warning_count(), 0);
    /// ```
    #[must_use]
    pub fn warning_count(&self) -> usize {
        self.warnings
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "kubefit check: stack {}", self.stack)?;
        if let Some(fit) = &self.fit {
            writeln!(f, "{fit}")?;
        }
        for d in &self.diagnostics {
            writeln!(f, "  {d}")?;
        }
        let suppressed = self.suppressed;
        write!(
            f,
            "{} error(s), {} warning(s), {} note(s), {} suppressed",
            self.errors,
            self.warnings,
            self.diagnostics.len() - self.errors - self.warnings - suppressed,
            suppressed
        )
    }
}
