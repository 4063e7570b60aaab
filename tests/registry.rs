//! `resolve_image_platforms` (feature `registry`) against a real OCI registry: Debian's
//! docker-registry (the distribution project's registry 2.8), started on loopback with an
//! empty store; the test pushes an image index of amd64 and arm64 (with an attestation
//! manifest, as buildx pushes them) and a single-platform image, through the registry's own
//! upload API, then reads them back. Never the internet.

#![cfg(feature = "registry")]

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kubefit::{
    Container, Deployment, Platform, RegistryError, RegistryOptions, Stack, resolve_image_platforms,
};
use sha2::{Digest as _, Sha256};

struct Registry {
    child: Child,
    host: String,
    /// `Basic …` when the registry asks for a password (htpasswd).
    auth: Option<String>,
    _dir: tempfile::TempDir,
}

/// A user of the password registry: `ci` / `s3cret-pw`, its bcrypt hash made once with
/// Python's `crypt.crypt("s3cret-pw", crypt.mksalt(crypt.METHOD_BLOWFISH))`.
const HTPASSWD: &str = "ci:$2a$12$jv/WdXD/TzowJpLwediFPuZYHI7qJfKOzPBKnvRv58lCpojtKkKc2\n";
/// `Basic base64("ci:s3cret-pw")`.
const CI_BASIC: &str = "Basic Y2k6czNjcmV0LXB3";

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start() -> Registry {
    start_with(false)
}

/// The registry, asking for a password (`htpasswd`) when `password`.
fn start_with(password: bool) -> Registry {
    let dir = common::scratch();
    let port = free_port();
    let host = format!("127.0.0.1:{port}");
    let config = dir.path().join("config.yml");
    let mut text = format!(
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: {host}\n",
        dir.path().join("store").display()
    );
    if password {
        let file = dir.path().join("htpasswd");
        std::fs::write(&file, HTPASSWD).unwrap();
        text.push_str(&format!(
            "auth:\n  htpasswd:\n    realm: kubefit-test\n    path: {}\n",
            file.display()
        ));
    }
    std::fs::write(&config, text).unwrap();
    let child = Command::new(common::docker_registry())
        .arg("serve")
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("docker-registry runs: scripts/install-validators.sh unpacks it into .tools/");
    let registry = Registry {
        child,
        host,
        auth: password.then(|| CI_BASIC.to_owned()),
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut probe = ureq::get(&format!("http://{}/v2/", registry.host));
        if let Some(a) = &registry.auth {
            probe = probe.header("Authorization", a);
        }
        if let Ok(r) = probe.call()
            && r.status() == 200
        {
            return registry;
        }
        assert!(Instant::now() < deadline, "the registry did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn digest(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

impl Registry {
    fn signed<B>(&self, r: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.auth {
            Some(a) => r.header("Authorization", a),
            None => r,
        }
    }

    /// Uploads a blob (POST, then PUT with its digest) and gives its descriptor parts.
    fn blob(&self, repo: &str, bytes: &[u8]) -> (String, usize) {
        let d = digest(bytes);
        let r = self
            .signed(ureq::post(&format!(
                "http://{}/v2/{repo}/blobs/uploads/",
                self.host
            )))
            .send_empty()
            .unwrap();
        assert_eq!(r.status(), 202);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let location = if location.starts_with("http") {
            location
        } else {
            format!("http://{}{location}", self.host)
        };
        let sep = if location.contains('?') { '&' } else { '?' };
        let r = self
            .signed(ureq::put(&format!("{location}{sep}digest={d}")))
            .header("Content-Type", "application/octet-stream")
            .send(bytes)
            .unwrap();
        assert_eq!(r.status(), 201);
        (d, bytes.len())
    }

    fn manifest(&self, repo: &str, reference: &str, media_type: &str, body: &[u8]) -> String {
        let r = self
            .signed(ureq::put(&format!(
                "http://{}/v2/{repo}/manifests/{reference}",
                self.host
            )))
            .header("Content-Type", media_type)
            .send(body)
            .unwrap();
        assert_eq!(r.status(), 201, "{}", String::from_utf8_lossy(body));
        digest(body)
    }

    /// An image manifest for one platform (`arch`, or `unknown` for an attestation).
    fn image(&self, repo: &str, arch: &str) -> (String, usize) {
        let config = format!(
            r#"{{"architecture":"{arch}","os":"linux","rootfs":{{"type":"layers","diff_ids":[]}}}}"#
        );
        let (cd, cs) = self.blob(repo, config.as_bytes());
        let layer = format!("layer of {arch}");
        let (ld, ls) = self.blob(repo, layer.as_bytes());
        let m = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{cd}","size":{cs}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{ld}","size":{ls}}}]}}"#
        );
        let d = self.manifest(
            repo,
            &digest(m.as_bytes()),
            "application/vnd.oci.image.manifest.v1+json",
            m.as_bytes(),
        );
        (d, m.len())
    }

    fn tag_single(&self, repo: &str, tag: &str, arch: &str) {
        let (d, _) = self.image(repo, arch);
        let m = self
            .signed(ureq::get(&format!(
                "http://{}/v2/{repo}/manifests/{d}",
                self.host
            )))
            .header("Accept", "application/vnd.oci.image.manifest.v1+json")
            .call()
            .unwrap()
            .body_mut()
            .read_to_vec()
            .unwrap();
        self.manifest(repo, tag, "application/vnd.oci.image.manifest.v1+json", &m);
    }

    /// An index of `arches` (and an attestation manifest, `unknown/unknown`) under `tag`.
    fn tag_index(&self, repo: &str, tag: &str, arches: &[&str]) -> String {
        let mut entries = Vec::new();
        for arch in arches.iter().chain(&["unknown"]) {
            let (d, size) = self.image(repo, arch);
            entries.push(format!(
                r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{d}","size":{size},"platform":{{"architecture":"{arch}","os":"{os}"}}}}"#,
                os = if *arch == "unknown" { "unknown" } else { "linux" }
            ));
        }
        let index = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{}]}}"#,
            entries.join(",")
        );
        self.manifest(
            repo,
            tag,
            "application/vnd.oci.image.index.v1+json",
            index.as_bytes(),
        )
    }
}

#[test]
fn platforms_and_digests_come_from_a_real_registry() {
    common::needs_external_tools!();
    let r = start();
    let o = RegistryOptions::new();
    let index = r.tag_index("acme/api", "1.0", &["amd64", "arm64"]);
    r.tag_single("acme/tool", "2.0", "amd64");

    // An index: its platforms (the attestation is not one) and the index's digest.
    let api = format!("{}/acme/api:1.0", r.host);
    let p = resolve_image_platforms(&api, &o).unwrap();
    assert_eq!(p.architectures().collect::<Vec<_>>(), ["amd64", "arm64"]);
    assert_eq!(p.resolved_digest(), Some(index.as_str()));
    // By digest too, checked against the bytes received.
    let by_digest = format!("{}/acme/api@{index}", r.host);
    let p2 = resolve_image_platforms(&by_digest, &o).unwrap();
    assert_eq!(p2.architectures().collect::<Vec<_>>(), ["amd64", "arm64"]);

    // A single-platform image: its platform from its config blob.
    let tool = format!("{}/acme/tool:2.0", r.host);
    let t = resolve_image_platforms(&tool, &o).unwrap();
    assert_eq!(t.architectures().collect::<Vec<_>>(), ["amd64"]);

    // The answers judge a stack on Oracle Always Free's arm64 nodes.
    let stack = Stack::new("shop")
        .with(Deployment::new("api", Container::new("api", api.clone())))
        .with(Deployment::new(
            "tool",
            Container::new("tool", tool.clone()),
        ));
    let free = Platform::oci_always_free();
    let ids = |s: &Stack| {
        s.check_on(&free)
            .diagnostics()
            .iter()
            .filter(|d| d.id.starts_with("image-platform"))
            .map(|d| format!("{} {}", d.id, d.object))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&stack),
        [
            "image-platform-unknown deployment/api",
            "image-platform-unknown deployment/tool"
        ]
    );
    let resolved = stack.clone().image_platforms(p).image_platforms(t);
    assert_eq!(ids(&resolved), ["image-platform-mismatch deployment/tool"]);
    // The stack's own images, read in one call; one that is not there is an error beside
    // the stack, and stays unknown.
    let ghost = format!("{}/acme/ghost:1.0", r.host);
    let (read, errors) = stack
        .with(Deployment::new(
            "ghost",
            Container::new("ghost", ghost.clone()),
        ))
        .resolve_image_platforms(&o);
    assert_eq!(
        ids(&read),
        [
            "image-platform-mismatch deployment/tool",
            "image-platform-unknown deployment/ghost"
        ]
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].to_string().contains(&ghost), "{}", errors[0]);

    // What cannot be read is an error naming the image, never a guess.
    let missing = format!("{}/acme/api:9.9", r.host);
    let e = resolve_image_platforms(&missing, &o).unwrap_err();
    assert!(
        matches!(e, RegistryError::Status { status: 404, .. }),
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with(&format!("image `{missing}`: the registry answered 404")),
        "{e}"
    );
    let wrong = format!("{}/acme/api@sha256:{}", r.host, "0".repeat(64));
    assert!(resolve_image_platforms(&wrong, &o).is_err());
}

#[test]
fn an_unreachable_registry_is_an_error_that_says_where() {
    common::needs_external_tools!();
    let image = format!("127.0.0.1:{}/acme/api:1.0", free_port());
    let e = resolve_image_platforms(&image, &RegistryOptions::new()).unwrap_err();
    assert!(matches!(e, RegistryError::Transport { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("cannot reach its registry at http://127.0.0.1:"),
        "{e}"
    );
}

/// `kubefit check --resolve-images` (the CLI built with `--features registry`) reads the
/// platforms of the manifests' images from their registry before it judges them — here one
/// that asks for a password, given with `--registry-login` and the environment.
#[test]
fn the_command_line_resolves_images_when_asked() {
    common::needs_external_tools!();
    let r = start_with(true);
    r.tag_single("acme/tool", "2.0", "amd64");
    let dir = common::scratch();
    let manifest = dir.path().join("tool.yaml");
    std::fs::write(
        &manifest,
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tool\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {{app: tool}}\n  template:\n    metadata:\n      labels: {{app: tool}}\n    spec:\n      containers:\n      - name: tool\n        image: {}/acme/tool:2.0\n",
            r.host
        ),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO"))
            .args([
                "run",
                "--quiet",
                "--features",
                "registry",
                "--example",
                "kubefit",
                "--",
            ])
            .args(["check", "-f"])
            .arg(&manifest)
            .args(["--platform", "oci-always-free"])
            .args(extra)
            .env("KUBEFIT_REGISTRY_PASSWORD", "s3cret-pw")
            .current_dir(common::repo_root())
            .output()
            .expect("cargo runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let without = run(&[]);
    assert!(
        without.contains("warning[image-platform-unknown] deployment/tool"),
        "{without}"
    );
    let refused = run(&["--resolve-images"]);
    assert!(
        refused.contains("warning[image-platform-unknown] deployment/tool"),
        "{refused}"
    );
    let login = format!("ci@{}", r.host);
    let with = run(&["--resolve-images", "--registry-login", &login]);
    assert!(
        with.contains("error[image-platform-mismatch] deployment/tool: spec.template.spec.containers[0].image: image `127.0.0.1:"),
        "{with}"
    );
    assert!(with.contains("is built for amd64 only"), "{with}");
}

/// A registry that asks for a password: refused without credentials (an error that names the
/// status), read with `RegistryOptions::basic_auth`, and the password never in `Debug`.
#[test]
fn a_registry_that_asks_for_a_password_is_read_with_credentials() {
    common::needs_external_tools!();
    let r = start_with(true);
    r.tag_index("team/api", "1.0", &["arm64"]);
    let image = format!("{}/team/api:1.0", r.host);
    let e = resolve_image_platforms(&image, &RegistryOptions::new()).unwrap_err();
    assert!(
        matches!(e, RegistryError::Status { status: 401, .. }),
        "{e}"
    );
    let wrong = RegistryOptions::new().basic_auth(&r.host, "ci", kubefit::SecretValue::new("nope"));
    let e = resolve_image_platforms(&image, &wrong).unwrap_err();
    assert!(
        matches!(e, RegistryError::Status { status: 401, .. }),
        "{e}"
    );
    assert!(!e.to_string().contains("nope"), "{e}");
    let o =
        RegistryOptions::new().basic_auth(&r.host, "ci", kubefit::SecretValue::new("s3cret-pw"));
    assert!(!format!("{o:?}").contains("s3cret-pw"));
    let p = resolve_image_platforms(&image, &o).unwrap();
    assert_eq!(p.architectures().collect::<Vec<_>>(), ["arm64"]);
}
