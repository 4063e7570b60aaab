//! An image's platforms and digest from its OCI registry (feature `registry`, off by
//! default: it is the one part of kubefit that uses the network).
//!
//! The [distribution API](https://github.com/opencontainers/distribution-spec/blob/main/spec.md):
//! `GET /v2/<repository>/manifests/<tag or digest>` with the image index and manifest media
//! types accepted; an index lists one manifest per platform, a single manifest names its
//! platform in its config blob. Anonymous bearer tokens are fetched the way Docker Hub and
//! ghcr.io ask for them (`WWW-Authenticate: Bearer realm=…`).

use std::time::Duration;

use sha2::{Digest as _, Sha256};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::model::image_platforms::{ImagePlatforms, ImageRef};
use crate::model::secret_value::SecretValue;
use crate::model::stack::Stack;

/// The media types a manifest request accepts: indexes first.
const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";
/// A manifest or config larger than this is refused (real ones are a few KiB).
const MAX_DOCUMENT: u64 = 4 << 20;

/// How [`resolve_image_platforms`] talks to registries.
///
/// # Defaults
/// HTTPS everywhere except to `localhost`, `127.0.0.1` and `[::1]` (as the container
/// runtimes do), opt out per host with [`RegistryOptions::plain_http`]; 30 s per request;
/// no credentials (anonymous tokens only), add some per registry with
/// [`RegistryOptions::basic_auth`]. Passwords never appear in `Debug` or errors.
///
/// ```
/// let o = kubefit::RegistryOptions::new().plain_http("registry.lan:5000");
/// assert!(o.is_plain_http("registry.lan:5000"));
/// assert!(o.is_plain_http("localhost:5000"));
/// assert!(!o.is_plain_http("ghcr.io"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RegistryOptions {
    plain_http: Vec<String>,
    timeout: Duration,
    /// (registry host, user name, password).
    credentials: Vec<(String, String, SecretValue)>,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        RegistryOptions::new()
    }
}

impl RegistryOptions {
    /// The defaults above.
    ///
    /// ```
    /// assert!(!kubefit::RegistryOptions::new().is_plain_http("docker.io"));
    /// ```
    #[must_use]
    pub fn new() -> Self {
        RegistryOptions {
            plain_http: Vec::new(),
            timeout: Duration::from_secs(30),
            credentials: Vec::new(),
        }
    }

    /// Signs in to the registry at `host` (`ghcr.io`, `docker.io`, `registry.lan:5000`) as
    /// `user` with `password` (a personal access token for ghcr.io and Docker Hub): sent as
    /// HTTP basic authentication to the registry's token service, or to the registry itself
    /// when it asks for basic authentication. Only over HTTPS, or plain HTTP to a host
    /// [`RegistryOptions::is_plain_http`] allows.
    ///
    /// ```
    /// use kubefit::{RegistryOptions, SecretValue};
    /// let o = RegistryOptions::new().basic_auth("ghcr.io", "ci", SecretValue::new("ghp_x"));
    /// assert!(!format!("{o:?}").contains("ghp_x"));
    /// ```
    #[must_use]
    pub fn basic_auth(
        mut self,
        host: impl Into<String>,
        user: impl Into<String>,
        password: SecretValue,
    ) -> Self {
        self.credentials.push((host.into(), user.into(), password));
        self
    }

    /// The `Authorization` header value for `host`, when signed in to it.
    fn authorization(&self, host: &str) -> Option<String> {
        let host = if host == "registry-1.docker.io" {
            "docker.io"
        } else {
            host
        };
        self.credentials
            .iter()
            .rev()
            .find(|(h, _, _)| h == host || (host == "docker.io" && h == "index.docker.io"))
            .map(|(_, user, password)| {
                let mut raw = user.as_bytes().to_vec();
                raw.push(b':');
                raw.extend_from_slice(password.expose());
                format!("Basic {}", BASE64.encode(&raw))
            })
    }

    /// Talks plain HTTP to `host` (`registry.lan:5000`), a registry without TLS.
    ///
    /// ```
    /// assert!(kubefit::RegistryOptions::new().plain_http("r:5000").is_plain_http("r:5000"));
    /// ```
    #[must_use]
    pub fn plain_http(mut self, host: impl Into<String>) -> Self {
        self.plain_http.push(host.into());
        self
    }

    /// The time one request may take.
    ///
    /// ```
    /// let o = kubefit::RegistryOptions::new().timeout(std::time::Duration::from_secs(5));
    /// assert_eq!(o.request_timeout().as_secs(), 5);
    /// ```
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time one request may take.
    ///
    /// ```
    /// assert_eq!(kubefit::RegistryOptions::new().request_timeout().as_secs(), 30);
    /// ```
    #[must_use]
    pub fn request_timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether requests to `host` use plain HTTP.
    ///
    /// ```
    /// assert!(kubefit::RegistryOptions::new().is_plain_http("127.0.0.1:5000"));
    /// ```
    #[must_use]
    pub fn is_plain_http(&self, host: &str) -> bool {
        let name = host
            .strip_prefix('[')
            .and_then(|h| h.split_once(']'))
            .map_or_else(|| host.split(':').next().unwrap_or(host), |(h, _)| h);
        matches!(name, "localhost" | "127.0.0.1" | "::1")
            || self.plain_http.iter().any(|h| h == host)
    }
}

/// Why a registry did not tell an image's platforms.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The registry answered with an error status.
    #[error(
        "image `{image}`: the registry answered {status} to {url}; check the image's name and tag, and for a private image sign in with RegistryOptions::basic_auth"
    )]
    Status {
        /// The image asked for.
        image: String,
        /// The URL asked.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The registry could not be reached.
    #[error(
        "image `{image}`: cannot reach its registry at {url}: {message}; check the network, or RegistryOptions::plain_http for a registry without TLS"
    )]
    Transport {
        /// The image asked for.
        image: String,
        /// The URL asked.
        url: String,
        /// What failed.
        message: String,
    },
    /// The registry's answer is not a manifest kubefit can read.
    #[error("image `{image}`: {message}")]
    Malformed {
        /// The image asked for.
        image: String,
        /// What is wrong.
        message: String,
    },
}

/// Reads the platforms `image` is built for, and the digest its tag resolves to, from its
/// registry (feature `registry`). Give the result to
/// [`Stack::image_platforms`](crate::Stack::image_platforms). Attestation manifests
/// (platform `unknown`) are not platforms; a digest in `image` is checked against the bytes
/// received.
///
/// ```no_run
/// let p = kubefit::resolve_image_platforms("ghcr.io/acme/api:1.4", &kubefit::RegistryOptions::new())?;
/// println!("{} {:?}", p.resolved_digest().unwrap_or("-"), p.architectures().collect::<Vec<_>>());
/// # Ok::<(), kubefit::RegistryError>(())
/// ```
///
/// # Errors
/// [`RegistryError`] when the registry cannot be reached, refuses, or answers something that
/// is not an image manifest.
pub fn resolve_image_platforms(
    image: &str,
    options: &RegistryOptions,
) -> Result<ImagePlatforms, RegistryError> {
    let r = ImageRef::parse(image);
    let host = if r.registry == "docker.io" {
        "registry-1.docker.io"
    } else {
        r.registry.as_str()
    };
    let scheme = if options.is_plain_http(host) {
        "http"
    } else {
        "https"
    };
    if let Some(want) = &r.digest
        && !want.starts_with("sha256:")
    {
        return Err(RegistryError::Malformed {
            image: image.to_owned(),
            message: format!(
                "digest {want}: only sha256 digests are verified; pin the image by its sha256 digest"
            ),
        });
    }
    let reference = r
        .digest
        .clone()
        .or_else(|| r.tag.clone())
        .unwrap_or_else(|| "latest".to_owned());
    let mut client = Client {
        image,
        basic: options.authorization(host),
        agent: ureq::Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            .build()
            .into(),
        token: None,
    };
    let base = format!("{scheme}://{host}/v2/{}", r.repository);
    let url = format!("{base}/manifests/{reference}");
    let (body, header_digest) = client.get(&url, ACCEPT)?;
    let digest = format!("sha256:{:x}", Sha256::digest(&body));
    if let Some(want) = &r.digest
        && *want != digest
    {
        return Err(client.malformed(format!(
            "the registry's manifest hashes to {digest}, not the {want} asked for"
        )));
    }
    if let Some(h) = header_digest
        && h != digest
    {
        return Err(client.malformed(format!(
            "the registry says the manifest is {h} but its bytes hash to {digest}"
        )));
    }
    let manifest: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| client.malformed(format!("the manifest is not JSON: {e}")))?;
    let mut arches = Vec::new();
    if let Some(list) = manifest.get("manifests").and_then(|m| m.as_array()) {
        for m in list {
            let platform = m.get("platform");
            let arch = platform
                .and_then(|p| p.get("architecture"))
                .and_then(|a| a.as_str());
            let os = platform.and_then(|p| p.get("os")).and_then(|a| a.as_str());
            match (arch, os) {
                (Some("unknown") | None, _) => {} // attestations, artifacts
                (Some(a), Some("linux") | None) => arches.push(a.to_owned()),
                (Some(_), Some(_)) => {} // windows images run on windows nodes only
            }
        }
    } else if let Some(config) = manifest
        .get("config")
        .and_then(|c| c.get("digest"))
        .and_then(|d| d.as_str())
    {
        let (blob, _) = client.get(&format!("{base}/blobs/{config}"), "*/*")?;
        let got = format!("sha256:{:x}", Sha256::digest(&blob));
        if got != config {
            return Err(client.malformed(format!("the config blob hashes to {got}, not {config}")));
        }
        let config: serde_json::Value = serde_json::from_slice(&blob)
            .map_err(|e| client.malformed(format!("the image config is not JSON: {e}")))?;
        if let Some(a) = config.get("architecture").and_then(|a| a.as_str()) {
            arches.push(a.to_owned());
        }
    } else {
        return Err(client.malformed(
            "the registry's answer is neither an image index nor an image manifest".to_owned(),
        ));
    }
    if arches.is_empty() {
        return Err(client.malformed("no platform is listed for the image".to_owned()));
    }
    Ok(ImagePlatforms::new(image, arches).digest(digest))
}

impl Stack {
    /// Reads from their registries the platforms of every container image of the stack that
    /// has no declaration yet ([`Stack::image_platforms`]), and declares them (feature
    /// `registry`). Images that cannot be read stay undeclared, and their errors are
    /// returned beside the stack — the check then says their platforms are unknown.
    ///
    /// ```no_run
    /// use kubefit::{Container, Deployment, Platform, RegistryOptions, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "ghcr.io/acme/api:1.4")));
    /// let (stack, errors) = stack.resolve_image_platforms(&RegistryOptions::new());
    /// assert!(errors.is_empty(), "{errors:?}");
    /// println!("{}", stack.check_on(&Platform::oci_always_free()));
    /// ```
    #[must_use]
    pub fn resolve_image_platforms(
        mut self,
        options: &RegistryOptions,
    ) -> (Stack, Vec<RegistryError>) {
        let mut images = std::collections::BTreeSet::new();
        {
            let resolved = self.resolved();
            for o in &resolved.stack.objects {
                if let Some(w) = o.pod_owner() {
                    for (_, c) in w.pod.all_containers() {
                        if !c.image.is_empty() && self.declared_platforms(&c.image).is_none() {
                            images.insert(c.image.clone());
                        }
                    }
                }
            }
        }
        let mut errors = Vec::new();
        for image in images {
            match resolve_image_platforms(&image, options) {
                Ok(p) => self = self.image_platforms(p),
                Err(e) => errors.push(e),
            }
        }
        (self, errors)
    }
}

struct Client<'a> {
    image: &'a str,
    agent: ureq::Agent,
    /// `Basic …` for the registry, when signed in.
    basic: Option<String>,
    /// The `Authorization` header the registry accepted or asked for.
    token: Option<String>,
}

impl Client<'_> {
    fn malformed(&self, message: String) -> RegistryError {
        RegistryError::Malformed {
            image: self.image.to_owned(),
            message,
        }
    }

    fn transport(&self, url: &str, e: &ureq::Error) -> RegistryError {
        RegistryError::Transport {
            image: self.image.to_owned(),
            url: url.to_owned(),
            message: e.to_string(),
        }
    }

    /// GETs `url`: the body and the registry's `Docker-Content-Digest`. A 401 with a bearer
    /// challenge fetches an anonymous token and asks once more.
    fn get(&mut self, url: &str, accept: &str) -> Result<(Vec<u8>, Option<String>), RegistryError> {
        for attempt in 0..2 {
            let mut req = self.agent.get(url).header("Accept", accept);
            if let Some(t) = &self.token {
                req = req.header("Authorization", t);
            }
            let resp = req.call().map_err(|e| self.transport(url, &e))?;
            let status = resp.status().as_u16();
            if status == 401 && attempt == 0 && self.token.is_none() {
                let challenge = resp
                    .headers()
                    .get("www-authenticate")
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_owned);
                if let Some(token_url) = challenge.as_deref().and_then(token_url) {
                    self.token = Some(format!("Bearer {}", self.fetch_token(&token_url)?));
                    continue;
                }
                if challenge.as_deref().is_some_and(|c| c.starts_with("Basic"))
                    && let Some(basic) = &self.basic
                {
                    self.token = Some(basic.clone());
                    continue;
                }
            }
            let digest = resp
                .headers()
                .get("docker-content-digest")
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned);
            return Ok((self.body(url, resp)?, digest));
        }
        Err(self.malformed("the registry refused its own token".to_owned()))
    }

    /// The body of a 200 answer (at most [`MAX_DOCUMENT`] bytes); any other status is an
    /// error that names it.
    fn body(
        &self,
        url: &str,
        mut resp: ureq::http::Response<ureq::Body>,
    ) -> Result<Vec<u8>, RegistryError> {
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(RegistryError::Status {
                image: self.image.to_owned(),
                url: url.to_owned(),
                status,
            });
        }
        resp.body_mut()
            .with_config()
            .limit(MAX_DOCUMENT)
            .read_to_vec()
            .map_err(|e| self.transport(url, &e))
    }

    fn fetch_token(&self, url: &str) -> Result<String, RegistryError> {
        let mut req = self.agent.get(url);
        // Credentials go only to a token service over HTTPS (or to loopback).
        if let Some(basic) = &self.basic
            && (url.starts_with("https://") || loopback(url))
        {
            req = req.header("Authorization", basic);
        }
        let resp = req.call().map_err(|e| self.transport(url, &e))?;
        let body = self.body(url, resp)?;
        let json: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| self.malformed(format!("the token answer is not JSON: {e}")))?;
        json.get("token")
            .or_else(|| json.get("access_token"))
            .and_then(|t| t.as_str())
            .map(str::to_owned)
            .ok_or_else(|| self.malformed("the token answer has no token".to_owned()))
    }
}

/// Whether `url` is plain HTTP to this machine.
fn loopback(url: &str) -> bool {
    let rest = url.strip_prefix("http://").unwrap_or_default();
    let host = rest.split('/').next().unwrap_or_default();
    RegistryOptions::new().is_plain_http(host) && !host.is_empty()
}

/// The token URL of a `Bearer realm="…",service="…",scope="…"` challenge.
fn token_url(challenge: &str) -> Option<String> {
    let rest = challenge.strip_prefix("Bearer ")?;
    let mut realm = None;
    let mut query = Vec::new();
    // Values are quoted and may hold commas (scope="repository:a:pull,push").
    let mut s = rest.trim();
    while !s.is_empty() {
        let (key, after) = s.split_once('=')?;
        let after = after.strip_prefix('"')?;
        let (value, tail) = after.split_once('"')?;
        match key.trim() {
            "realm" => realm = Some(value.to_owned()),
            k @ ("service" | "scope") => query.push(format!("{k}={}", encode(value))),
            _ => {}
        }
        s = tail.trim_start_matches(',').trim();
    }
    let realm = realm?;
    if !(realm.starts_with("https://") || realm.starts_with("http://")) {
        return None;
    }
    let sep = if realm.contains('?') { '&' } else { '?' };
    Some(if query.is_empty() {
        realm
    } else {
        format!("{realm}{sep}{}", query.join("&"))
    })
}

/// Percent-encodes a query value (unreserved characters stay).
fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{RegistryOptions, resolve_image_platforms, token_url};
    use std::io::{BufRead as _, BufReader, Write as _};

    /// A registry that asks for a bearer token as Docker Hub does: the manifest only with
    /// `Authorization: Bearer t0k3n`, the token from its realm for the scope it names.
    #[test]
    fn anonymous_bearer_tokens_are_fetched_and_sent() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let host = listener.local_addr().unwrap().to_string();
        let index = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aa","size":1,"platform":{"architecture":"arm64","os":"linux"}}]}"#;
        let served = host.clone();
        let server = std::thread::spawn(move || {
            let mut asked = Vec::new();
            for stream in listener.incoming().take(3) {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut lines = Vec::new();
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    lines.push(line.trim().to_owned());
                }
                let path = lines[0].split(' ').nth(1).unwrap().to_owned();
                let authorized = lines
                    .iter()
                    .any(|l| l.eq_ignore_ascii_case("authorization: bearer t0k3n"));
                let (status, headers, body) = if path.starts_with("/token?") {
                    ("200 OK", String::new(), r#"{"token":"t0k3n"}"#.to_owned())
                } else if authorized {
                    ("200 OK", String::new(), index.to_owned())
                } else {
                    (
                        "401 Unauthorized",
                        format!(
                            "WWW-Authenticate: Bearer realm=\"http://{served}/token\",service=\"lab\",scope=\"repository:acme/api:pull\"\r\n"
                        ),
                        String::new(),
                    )
                };
                asked.push(format!(
                    "{path} {}",
                    if authorized {
                        "with token"
                    } else {
                        "anonymous"
                    }
                ));
                write!(
                    stream,
                    "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .unwrap();
            }
            asked
        });
        let p = resolve_image_platforms(&format!("{host}/acme/api:1.0"), &RegistryOptions::new())
            .unwrap();
        assert_eq!(p.architectures().collect::<Vec<_>>(), ["arm64"]);
        assert_eq!(
            server.join().unwrap(),
            [
                "/v2/acme/api/manifests/1.0 anonymous",
                "/token?service=lab&scope=repository%3Aacme%2Fapi%3Apull anonymous",
                "/v2/acme/api/manifests/1.0 with token",
            ]
        );
    }

    #[test]
    fn bearer_challenges_become_token_urls() {
        assert_eq!(
            token_url(
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#
            )
            .as_deref(),
            Some(
                "https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fnginx%3Apull"
            )
        );
        assert_eq!(token_url("Basic realm=\"x\""), None);
        let e = super::resolve_image_platforms(
            "127.0.0.1:1/acme/api@sha512:ab",
            &super::RegistryOptions::new(),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("only sha256 digests are verified"),
            "{e}"
        );
        assert_eq!(token_url("Bearer realm=\"file:///etc/passwd\""), None);
        assert_eq!(token_url("Bearer realm=unquoted"), None);
    }
}
