//! Shared by the seed examples: pinned image digests, a resources shorthand, the demo's
//! secret fallback and a writer for output trees. Not an example of its own.

#![allow(dead_code)]

use kubefit::{Cpu, Memory, Resources, SecretSource, SecretValue};

/// Why some images are not pinned by digest in the examples: the teams' own images are not
/// built here, and the public images whose digest is not recorded above are pinned at
/// release. A placeholder digest would make every pull fail (`invalid-image-digest`), so
/// those images run by their version tag, with `image-not-pinned` suppressed stack-wide for
/// this reason (kubefit writes checkov's skip annotation with it).
pub const UNPINNED: &str = "digests are pinned at release: CI's `docker buildx build --push` prints the teams' own, `crane digest IMAGE` the public images not pinned here";
/// `postgres:16.4` (linux/multi-arch index), from the registry's manifest.
pub const POSTGRES_DIGEST: &str =
    "sha256:e62fbf9d3e2b49816a32c400ed2dba83e3b361e6833e624024309c35d334b412";
/// `redis:7.4.1`.
pub const REDIS_DIGEST: &str =
    "sha256:6a692a76c2081888b589e26e6ec835743119fe453d67ecf03df7de5b73d69842";
/// `prom/prometheus:v2.54.1`.
pub const PROMETHEUS_DIGEST: &str =
    "sha256:f6639335d34a77d9d9db382b92eeb7fc00934be8eae81dbc03b31cfe90411a94";
/// `grafana/grafana:11.2.0`.
pub const GRAFANA_DIGEST: &str =
    "sha256:408afb9726de5122b00a2576763a8a57a3c86d5b0eff5305bc994ceb3eb96c3f";

/// Requests and limits: cpu in millicores, memory in MiB.
pub fn res(cpu: u64, mem: u64, cpu_lim: u64, mem_lim: u64) -> Resources {
    Resources::new()
        .requests(Cpu::millis(cpu), Memory::mebibytes(mem))
        .limits(Cpu::millis(cpu_lim), Memory::mebibytes(mem_lim))
}

/// The demo's last resort when neither `.env` nor the environment has a value.
pub struct Placeholder;

impl SecretSource for Placeholder {
    fn secret(&self, _: &str) -> Option<SecretValue> {
        Some(SecretValue::new("change-me"))
    }
}

/// Writes `(relative path, content)` pairs as the directory `dir`, atomically and only
/// inside it, through kubefit's own writer.
pub fn write_files(
    dir: &std::path::Path,
    files: &[(String, String)],
) -> Result<(), kubefit::EmitError> {
    kubefit::write_files(dir, files)
}

/// `--out DIR` and `--export-spec FILE`, the two options every seed example takes; on
/// anything else prints `usage` and gives the exit code 2.
pub fn out_and_export(
    default_out: &str,
    usage: &str,
) -> Result<(std::path::PathBuf, Option<String>), std::process::ExitCode> {
    let mut out = std::path::PathBuf::from(default_out);
    let mut export = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--out", Some(dir)) => out = dir.into(),
            ("--export-spec", Some(f)) => export = Some(f),
            _ => {
                eprintln!("usage: {usage}");
                return Err(std::process::ExitCode::from(2));
            }
        }
    }
    Ok((out, export))
}

/// PostgreSQL as the seeds run it (image and digest): a StatefulSet with its password as a file from `secret`
/// (key `password`), data on a claim of `storage`, writable `/var/run/postgresql` and
/// `/tmp` on emptyDirs, `pg_isready` for readiness, and optionally a database and init
/// scripts from a ConfigMap.
pub fn postgres(
    (image, digest): (&str, Option<&str>),
    user: &str,
    database: Option<&str>,
    init: Option<&kubefit::ConfigMap>,
    secret: &kubefit::Secret,
    resources: Resources,
    storage: kubefit::Storage,
) -> kubefit::StatefulSet {
    use kubefit::{Container, PersistentVolumeClaim, Probe, StatefulSet, Volume};
    let mut c = Container::new("postgres", image);
    if let Some(d) = digest {
        c = c.image_digest(d);
    }
    let mut c = c.port("postgres", 5432).env("POSTGRES_USER", user);
    if let Some(db) = database {
        c = c.env("POSTGRES_DB", db);
    }
    c = c
        .env("POSTGRES_PASSWORD_FILE", "/run/secrets/postgres/password")
        .env("PGDATA", "/var/lib/postgresql/data/pgdata")
        .mount_read_only("postgres", "/run/secrets/postgres");
    if init.is_some() {
        c = c.mount_read_only("init", "/docker-entrypoint-initdb.d");
    }
    c = c
        .mount("data", "/var/lib/postgresql/data")
        .mount("run", "/var/run/postgresql")
        .mount("tmp", "/tmp")
        .resources(resources)
        .readiness(Probe::exec(["pg_isready", "-U", user]))
        .liveness(Probe::tcp("postgres").initial_delay_seconds(30));
    let mut s = StatefulSet::new("postgres", c).volume(Volume::secret("postgres", secret));
    if let Some(init) = init {
        s = s.volume(Volume::config_map("init", init));
    }
    s.volume(Volume::empty_dir("run"))
        .volume(Volume::empty_dir("tmp"))
        .volume_claim(PersistentVolumeClaim::new("data", storage))
}

/// `--export-spec FILE`: writes the stack's spec (with its environments and platform) to
/// `file` when one was given; on failure prints the error and gives the exit code 2.
pub fn export_spec(
    file: Option<&str>,
    stack: &kubefit::Stack,
    envs: &[kubefit::Environment],
    platform: Option<&kubefit::Platform>,
) -> Result<(), std::process::ExitCode> {
    let Some(file) = file else { return Ok(()) };
    std::fs::write(
        file,
        kubefit::StackSpec::from_stack(stack, envs, platform).to_yaml(),
    )
    .map_err(|e| {
        eprintln!("error: {file}: {e}");
        std::process::ExitCode::from(2)
    })
}
