//! The CPU architectures an image is built for, as its user declares them or as its registry
//! lists them ([`ImagePlatforms`]), and the reading of an image reference they match by.

use std::collections::BTreeSet;

use crate::model::stack::Stack;

/// The CPU architectures an image is built for (`amd64`, `arm64`…): an image index lists one
/// manifest per platform, and the kubelet pulls the one of its node's architecture — or fails
/// (`no matching manifest for linux/arm64`), and a single-platform image of another
/// architecture crashes at start (`exec format error`). The scheduler does not look at
/// images, so nothing stops such pods before they fail.
///
/// Declare what your own images are built for with [`Stack::image_platforms`]; the check then
/// judges them against the platform's nodes (`image-platform-mismatch`,
/// `image-platform-unknown`). With the `registry` feature, `resolve_image_platforms` reads
/// them, and the digest a tag resolves to, from the image's registry.
///
/// ```
/// use kubefit::ImagePlatforms;
/// let p = ImagePlatforms::new("ghcr.io/acme/api", ["linux/amd64", "linux/arm64/v8"]);
/// assert_eq!(p.architectures().collect::<Vec<_>>(), ["amd64", "arm64"]);
/// assert!(p.covers("ghcr.io/acme/api:1.4@sha256:aa"));  // no tag declared: every tag
/// assert!(!p.covers("ghcr.io/acme/web:1.4"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImagePlatforms {
    image: String,
    reference: ImageRef,
    architectures: BTreeSet<String>,
    digest: Option<String>,
}

impl ImagePlatforms {
    /// The platforms of `image` — a repository (`ghcr.io/acme/api`: every tag of it), a tag
    /// (`ghcr.io/acme/api:1.4`) or a digest — given as architectures (`arm64`) or platforms
    /// (`linux/arm64`, `linux/arm/v7`: the architecture is kept).
    ///
    /// ```
    /// let p = kubefit::ImagePlatforms::new("nginx:1.27", ["amd64"]);
    /// assert!(p.covers("docker.io/library/nginx:1.27"));
    /// assert!(!p.covers("nginx:1.26"));
    /// ```
    #[must_use]
    pub fn new(
        image: impl Into<String>,
        architectures: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Self {
        let image = image.into();
        ImagePlatforms {
            reference: ImageRef::parse(&image),
            architectures: architectures
                .into_iter()
                .map(|a| architecture_of(a.as_ref()).to_owned())
                .filter(|a| !a.is_empty())
                .collect(),
            image,
            digest: None,
        }
    }

    /// Records the digest the image's tag resolved to (the registry's answer), which
    /// `resolve_image_platforms` (feature `registry`) fills in.
    ///
    /// ```
    /// let p = kubefit::ImagePlatforms::new("nginx:1.27", ["amd64"]).digest("sha256:ab");
    /// assert_eq!(p.resolved_digest(), Some("sha256:ab"));
    /// ```
    #[must_use]
    pub fn digest(mut self, digest: impl Into<String>) -> Self {
        self.digest = Some(digest.into());
        self
    }

    /// The image as given.
    ///
    /// ```
    /// assert_eq!(kubefit::ImagePlatforms::new("nginx", ["amd64"]).image(), "nginx");
    /// ```
    #[must_use]
    pub fn image(&self) -> &str {
        &self.image
    }

    /// The architectures, sorted.
    ///
    /// ```
    /// let p = kubefit::ImagePlatforms::new("nginx", ["arm64", "amd64", "amd64"]);
    /// assert_eq!(p.architectures().collect::<Vec<_>>(), ["amd64", "arm64"]);
    /// ```
    pub fn architectures(&self) -> impl Iterator<Item = &str> {
        self.architectures.iter().map(String::as_str)
    }

    /// The digest of the image index (or manifest) its tag resolved to, when known.
    ///
    /// ```
    /// assert_eq!(kubefit::ImagePlatforms::new("nginx", ["amd64"]).resolved_digest(), None);
    /// ```
    #[must_use]
    pub fn resolved_digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// Whether a container's `image` is this one: same registry and repository (Docker
    /// Hub's short names read as the container runtime reads them), and the same tag and
    /// digest where this declaration names them.
    ///
    /// ```
    /// let p = kubefit::ImagePlatforms::new("redis:7.4.1", ["amd64", "arm64"]);
    /// assert!(p.covers("redis:7.4.1@sha256:6a69"));
    /// assert!(!p.covers("bitnami/redis:7.4.1"));
    /// ```
    #[must_use]
    pub fn covers(&self, image: &str) -> bool {
        let other = ImageRef::parse(image);
        let own = &self.reference;
        own.registry == other.registry
            && own.repository == other.repository
            && (own.tag.is_none() || own.tag == other.tag)
            && (own.digest.is_none() || own.digest == other.digest)
    }

    pub(crate) fn has(&self, architecture: &str) -> bool {
        self.architectures.contains(architecture)
    }
}

/// `linux/arm64/v8` → `arm64`; `amd64` stays.
fn architecture_of(platform: &str) -> &str {
    let mut parts = platform.split('/');
    match (parts.next(), parts.next()) {
        (Some(_os), Some(arch)) => arch,
        (Some(arch), None) => arch,
        _ => "",
    }
}

/// An image reference as the container runtime reads it (distribution's `reference`
/// grammar): `nginx:1.27` is `docker.io` / `library/nginx` / `1.27`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef {
    pub(crate) registry: String,
    pub(crate) repository: String,
    pub(crate) tag: Option<String>,
    pub(crate) digest: Option<String>,
}

impl ImageRef {
    pub(crate) fn parse(image: &str) -> ImageRef {
        let (name, digest) = match image.split_once('@') {
            Some((n, d)) => (n, Some(d.to_owned())),
            None => (image, None),
        };
        // A tag follows the last `:` after the last `/` (a registry's port comes before it).
        let slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[slash..].rfind(':') {
            Some(i) => (&name[..slash + i], Some(name[slash + i + 1..].to_owned())),
            None => (name, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_owned(), rest.to_owned())
            }
            _ => ("docker.io".to_owned(), name.to_owned()),
        };
        let registry = if registry == "index.docker.io" || registry == "registry-1.docker.io" {
            "docker.io".to_owned()
        } else {
            registry
        };
        let repository = if registry == "docker.io" && !repository.contains('/') {
            format!("library/{repository}")
        } else {
            repository
        };
        ImageRef {
            registry,
            repository,
            tag,
            digest,
        }
    }
}

impl Stack {
    /// Declares the architectures an image is built for (see [`ImagePlatforms`]). The fit
    /// reports a container whose image no node it may run on can execute
    /// (`image-platform-mismatch`), and, on a platform with nodes other than amd64, an image
    /// whose platforms are unknown (`image-platform-unknown`). Declarations are not emitted;
    /// a later one for the same image wins.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, ImagePlatforms, Platform, Stack};
    /// let api = Deployment::new("api", Container::new("api", "ghcr.io/acme/api:1.4"));
    /// let stack = Stack::new("shop").with(api);
    /// let free = Platform::oci_always_free(); // arm64 nodes
    /// assert!(stack.check_on(&free).with_id("image-platform-unknown").next().is_some());
    /// let stack = stack.image_platforms(ImagePlatforms::new("ghcr.io/acme/api", ["amd64"]));
    /// let found = stack.check_on(&free);
    /// let d = found.with_id("image-platform-mismatch").next().unwrap();
    /// assert!(d.message.contains("built for amd64 only"), "{}", d.message);
    /// ```
    #[must_use]
    pub fn image_platforms(mut self, platforms: ImagePlatforms) -> Self {
        self.images.insert(0, platforms);
        self
    }

    /// The platforms declared for `image` ([`Stack::image_platforms`]), the latest first.
    pub(crate) fn declared_platforms(&self, image: &str) -> Option<&ImagePlatforms> {
        self.images.iter().find(|p| p.covers(image))
    }
}

#[cfg(test)]
mod tests {
    use super::ImageRef;

    #[test]
    fn references_read_as_the_runtime_reads_them() {
        let r = ImageRef::parse("localhost:5000/acme/api:1.0@sha256:ab");
        assert_eq!(
            (
                r.registry.as_str(),
                r.repository.as_str(),
                r.tag.as_deref(),
                r.digest.as_deref()
            ),
            ("localhost:5000", "acme/api", Some("1.0"), Some("sha256:ab"))
        );
        let r = ImageRef::parse("grafana/grafana");
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag),
            ("docker.io", "grafana/grafana", None)
        );
        let r = ImageRef::parse("index.docker.io/library/postgres:16");
        assert_eq!(r, ImageRef::parse("postgres:16"));
        let r = ImageRef::parse("registry:5000/x");
        assert_eq!((r.registry.as_str(), r.tag), ("registry:5000", None));
    }
}
