//! A Tiltfile for local development: loads the emitted manifests, creates the Secrets from
//! the developer's environment file, and declares one image build per service.

use std::fmt;

use crate::emit::{EmitError, EmitOptions};
use crate::model::object::Object;
use crate::model::stack::Stack;

/// A Tiltfile (Starlark) for `tilt up`: `k8s_yaml` of the manifests kubefit writes, the
/// Secrets built in memory from an environment file by Tilt's `secret` extension (values
/// never touch the repository; the variables are those of `.env.example`), one
/// `docker_build` per service image and optional port forwards.
///
/// ```
/// use kubefit::{Container, Deployment, Stack, Tiltfile};
/// let api = Deployment::new("api", Container::new("api", "ghcr.io/acme/api:1.0").port("http", 8080));
/// let tilt = Tiltfile::new(&Stack::new("shop").with(api), "k8s")?
///     .docker_build("ghcr.io/acme/api", "services/api")
///     .port_forward("api", 8080, 8080);
/// let text = tilt.to_string();
/// assert!(text.contains("docker_build('ghcr.io/acme/api', 'services/api')"));
/// assert!(text.contains("'k8s/01-deployment-api.yaml'"));
/// assert!(text.contains("k8s_resource('api', port_forwards=['8080:8080'])"));
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tiltfile {
    namespace: String,
    manifests: Vec<String>,
    /// (secret, [(key, variable)])
    secrets: Vec<(String, Vec<(String, String)>)>,
    builds: Vec<(String, String)>,
    forwards: Vec<(String, u16, u16)>,
    env_file: String,
}

/// A Starlark string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

impl Tiltfile {
    /// Builds `image` (the repository, as the manifests name it, without tag or digest) from
    /// the Docker context `context`; Tilt swaps its build into every manifest using the image.
    ///
    /// ```
    /// let t = kubefit::Tiltfile::new(&kubefit::Stack::new("shop"), "k8s")?.docker_build("ghcr.io/acme/api", "services/api");
    /// assert!(t.to_string().contains("docker_build("));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn docker_build(mut self, image: impl Into<String>, context: impl Into<String>) -> Self {
        self.builds.push((image.into(), context.into()));
        self
    }

    /// Forwards `local` on the developer's machine to `remote` of `workload`'s pod.
    ///
    /// ```
    /// let t = kubefit::Tiltfile::new(&kubefit::Stack::new("shop"), "k8s")?.port_forward("api", 3001, 8080);
    /// assert!(t.to_string().contains("port_forwards=['3001:8080']"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn port_forward(mut self, workload: impl Into<String>, local: u16, remote: u16) -> Self {
        self.forwards.push((workload.into(), local, remote));
        self
    }

    /// The environment file Tilt loads the secret values from (default `.env`; seed 003 uses
    /// `.env.development`).
    ///
    /// ```
    /// let t = kubefit::Tiltfile::new(&kubefit::Stack::new("shop"), "k8s")?.env_file(".env.development");
    /// assert!(t.to_string().contains("dotenv(fn='.env.development')"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn env_file(mut self, path: impl Into<String>) -> Self {
        self.env_file = path.into();
        self
    }
}

impl fmt::Display for Tiltfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "# Tiltfile for local development of `{}`, written by kubefit.",
            self.namespace
        )?;
        writeln!(
            f,
            "# Secret values come from {} (copy .env.example; never commit it).",
            quote(&self.env_file)
        )?;
        writeln!(f, "load('ext://dotenv', 'dotenv')")?;
        if !self.secrets.is_empty() {
            writeln!(f, "load('ext://secret', 'secret_from_dict')")?;
        }
        writeln!(f)?;
        writeln!(f, "dotenv(fn={})", quote(&self.env_file))?;
        writeln!(f)?;
        writeln!(f, "k8s_yaml([")?;
        for m in &self.manifests {
            writeln!(f, "    {},", quote(m))?;
        }
        writeln!(f, "])")?;
        for (secret, keys) in &self.secrets {
            writeln!(f)?;
            writeln!(
                f,
                "k8s_yaml(secret_from_dict({}, namespace={}, inputs={{",
                quote(secret),
                quote(&self.namespace)
            )?;
            for (key, var) in keys {
                writeln!(f, "    {}: os.getenv({}, ''),", quote(key), quote(var))?;
            }
            writeln!(f, "}}))")?;
        }
        if !self.builds.is_empty() {
            writeln!(f)?;
        }
        for (image, context) in &self.builds {
            writeln!(f, "docker_build({}, {})", quote(image), quote(context))?;
        }
        if !self.forwards.is_empty() {
            writeln!(f)?;
        }
        for (w, local, remote) in &self.forwards {
            writeln!(
                f,
                "k8s_resource({}, port_forwards=['{local}:{remote}'])",
                quote(w)
            )?;
        }
        Ok(())
    }
}

impl Tiltfile {
    /// A [`Tiltfile`] loading this stack's manifests as [`Manifests::write_dir`](crate::Manifests::write_dir)
    /// names them under `manifests_dir` (relative to the Tiltfile), and creating each Secret
    /// from the environment file (Secrets are not among the written manifests). Refuses a
    /// stack whose check has errors.
    ///
    /// ```
    /// use kubefit::{Secret, SecretValue, Stack};
    /// let s = Stack::new("shop").with(Secret::new("db").entry("password", SecretValue::new("x")));
    /// let text = kubefit::Tiltfile::new(&s, "k8s")?.to_string();
    /// assert!(text.contains("'password': os.getenv('DB_PASSWORD', ''),"));
    /// assert!(!text.contains("'x'"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn new(stack: &Stack, manifests_dir: &str) -> Result<Self, EmitError> {
        let manifests = stack.emit(&EmitOptions::new())?;
        let dir = manifests_dir.trim_end_matches('/');
        let mut secrets: Vec<(String, Vec<(String, String)>)> = stack
            .objects
            .iter()
            .filter_map(|o| match o {
                Object::Secret(s) => Some((
                    s.name.to_string(),
                    s.keys().map(|k| (k.to_owned(), s.variable(k))).collect(),
                )),
                _ => None,
            })
            .collect();
        secrets.sort();
        Ok(Tiltfile {
            namespace: stack.namespace.to_string(),
            manifests: manifests
                .file_names()
                .into_iter()
                .map(|n| {
                    if dir.is_empty() {
                        n
                    } else {
                        format!("{dir}/{n}")
                    }
                })
                .collect(),
            secrets,
            builds: Vec::new(),
            forwards: Vec::new(),
            env_file: ".env".to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn strings_are_quoted_for_starlark() {
        assert_eq!(quote("a'b\\c\nd"), "'a\\'b\\\\c\\nd'");
    }
}
