//! The result of checking a stack: every diagnostic at once.

use std::fmt;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fit::FitReport;

/// Every problem [`Stack::check`](crate::Stack::check) found, in a stable order
/// (by severity, most serious first, then object and path).
///
/// `Display` gives a terminal-friendly listing, with the suppressed findings of each rule on
/// one line (the alternate form, `{:#}`, lists every one); `Serialize` gives the same data as
/// JSON, every finding included.
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
///
/// // Two suppressed findings of one rule: one line, unless asked with `{:#}`.
/// let quiet = Stack::new("shop")
///     .suppress("liveness-probe-missing", "probed by the mesh")
///     .with(Deployment::new("api", Container::new("api", "nginx:1.27")))
///     .with(Deployment::new("web", Container::new("web", "nginx:1.27")))
///     .check();
/// let short = quiet.to_string();
/// assert!(short.contains("suppressed warning[liveness-probe-missing] ×2 on deployment/api, deployment/web (suppressed: probed by the mesh)"), "{short}");
/// assert_eq!(format!("{quiet:#}").matches("suppressed warning[liveness-probe-missing]").count(), 2);
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
    pub fn new(stack: impl Into<String>, diagnostics: Vec<Diagnostic>) -> Self {
        let mut diagnostics = sorted(diagnostics);
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
        writeln!(
            f,
            "kubefit check: stack {}",
            crate::diagnostic::Clean(&self.stack)
        )?;
        if let Some(fit) = &self.fit {
            writeln!(f, "{fit}")?;
        }
        // Suppressed findings: one line per rule unless asked (`{:#}`), in the order of
        // their first finding.
        let mut groups: Vec<(&str, Vec<&Diagnostic>)> = Vec::new();
        for d in &self.diagnostics {
            if d.suppressed.is_none() || f.alternate() {
                writeln!(f, "  {d}")?;
            } else if let Some(g) = groups.iter_mut().find(|(id, _)| *id == d.id) {
                g.1.push(d);
            } else {
                groups.push((&d.id, vec![d]));
            }
        }
        for (_, group) in &groups {
            write_suppressed(f, group)?;
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

/// One line for the suppressed findings of one rule: how many, on which objects (the first
/// three), and the reason, or how many reasons there are.
fn write_suppressed(f: &mut fmt::Formatter<'_>, group: &[&Diagnostic]) -> fmt::Result {
    use crate::diagnostic::Clean;
    let first = group[0];
    if group.len() == 1 {
        return writeln!(f, "  {first}");
    }
    let mut objects: Vec<&str> = group.iter().map(|d| d.object.as_str()).collect();
    objects.dedup();
    write!(
        f,
        "  suppressed {}[{}] ×{} on ",
        first.severity,
        first.id,
        group.len()
    )?;
    for (i, o) in objects.iter().take(3).enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}", Clean(o))?;
    }
    if objects.len() > 3 {
        write!(f, " and {} more", objects.len() - 3)?;
    }
    let mut reasons: Vec<&str> = group
        .iter()
        .filter_map(|d| d.suppressed.as_deref())
        .collect();
    reasons.sort_unstable();
    reasons.dedup();
    match reasons.as_slice() {
        [one] => writeln!(f, " (suppressed: {})", Clean(one)),
        many => writeln!(
            f,
            " (suppressed for {} reasons: `{{:#}}` or `--show-suppressed` lists each)",
            many.len()
        ),
    }
}

/// Bytes of the object name compared inline by [`sorted`].
const KEY_PREFIX: usize = 24;

/// Sorted by severity (errors first), object, path and id; stable. The sort runs over small
/// keys holding the severity and the first bytes of the object, so most comparisons read no
/// string through a pointer: with 100,000 diagnostics, chasing those pointers was most of the
/// time of a plain sort.
fn sorted(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut keys: Vec<(Severity, [u8; KEY_PREFIX], usize)> = diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut prefix = [0u8; KEY_PREFIX];
            let b = d.object.as_bytes();
            let n = b.len().min(KEY_PREFIX);
            prefix[..n].copy_from_slice(&b[..n]);
            (d.severity, prefix, i)
        })
        .collect();
    // Zero-padded prefixes order like the strings unless they are equal, and then the full
    // comparison decides.
    keys.sort_by(|a, b| {
        b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)).then_with(|| {
            let (x, y) = (&diagnostics[a.2], &diagnostics[b.2]);
            x.object
                .cmp(&y.object)
                .then_with(|| x.path.cmp(&y.path))
                .then_with(|| x.id.cmp(&y.id))
        })
    });
    let mut slots: Vec<Option<Diagnostic>> = diagnostics.into_iter().map(Some).collect();
    keys.iter()
        .filter_map(|&(_, _, i)| slots[i].take())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn severity() -> impl Strategy<Value = Severity> {
        prop_oneof![
            Just(Severity::Info),
            Just(Severity::Warning),
            Just(Severity::Error)
        ]
    }

    proptest! {
        /// The keyed sort orders exactly like the plain stable sort on the full fields,
        /// including objects that share more than the inline prefix, end inside it, or hold
        /// NUL bytes.
        #[test]
        fn keyed_sort_equals_the_plain_sort(
            items in prop::collection::vec(
                (severity(), "(deployment/app-with-a-long-name-|d|x\0)?[a-c\0]{0,3}", "[ab]{0,2}", "[xy]", "[mn]"),
                0..60,
            )
        ) {
            let ds: Vec<Diagnostic> = items
                .into_iter()
                .map(|(s, o, p, id, m)| Diagnostic::new(s, id, o, p, m, "h"))
                .collect();
            let mut plain = ds.clone();
            plain.sort_by(|a, b| {
                b.severity
                    .cmp(&a.severity)
                    .then_with(|| a.object.cmp(&b.object))
                    .then_with(|| a.path.cmp(&b.path))
                    .then_with(|| a.id.cmp(&b.id))
            });
            prop_assert_eq!(sorted(ds), plain);
        }
    }
}
