//! Containers: image, command, ports, environment, resources, probes, mounts.

use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMapEnvSource, ConfigMapKeySelector, Container as K8sContainer,
    ContainerPort, EnvFromSource, EnvVar, EnvVarSource, ObjectFieldSelector, SecretEnvSource,
    SecretKeySelector, SecurityContext, VolumeMount,
};

use crate::model::config_map::ConfigMap;
use crate::model::name::Name;
use crate::model::probe::Probe;
use crate::model::resources::Resources;
use crate::model::secret::Secret;

/// The default user and group id containers run as (≥ 10000, as checkov's CKV_K8S_40 wants).
///
/// ```
/// assert!(kubefit::DEFAULT_UID >= 10000);
/// ```
pub const DEFAULT_UID: i64 = 10001;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EnvValue {
    Literal(String),
    ConfigMapKey { config_map: Name, key: String },
    SecretKey { secret: Name, key: String },
    Field(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Env {
    pub(crate) name: String,
    pub(crate) value: EnvValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EnvFrom {
    ConfigMap(Name),
    Secret(Name),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mount {
    pub(crate) volume: String,
    pub(crate) path: String,
    pub(crate) read_only: bool,
    pub(crate) sub_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Port {
    pub(crate) name: String,
    pub(crate) number: u16,
    pub(crate) protocol: &'static str,
}

/// One container of a pod.
///
/// # Defaults
///
/// Every container is hardened unless you opt out explicitly:
///
/// | setting | default | opt-out |
/// |---|---|---|
/// | `runAsNonRoot` | `true` | [`Container::run_as_user`] with a UID (0 allows root) |
/// | `runAsUser` / `runAsGroup` | `10001` | [`Container::run_as_user`] |
/// | `readOnlyRootFilesystem` | `true` | [`Container::writable_root_filesystem`] |
/// | `allowPrivilegeEscalation` | `false` | [`Container::allow_privilege_escalation`] |
/// | `capabilities.drop` | `[ALL]` | [`Container::add_capability`] adds back one; [`Container::keep_default_capabilities`] |
/// | `privileged` | not set | [`Container::privileged`] |
///
/// ```
/// use kubefit::{ConfigMap, Container, Cpu, Memory, Probe, Resources};
///
/// let config = ConfigMap::new("api-config").entry("LOG_LEVEL", "info");
/// let api = Container::new("api", "ghcr.io/acme/api:1.4.2")
///     .port("http", 8080)
///     .env("RUST_LOG", "info")
///     .env_from_config_map_key("LOG_LEVEL", &config, "LOG_LEVEL")
///     .resources(
///         Resources::new()
///             .requests(Cpu::millis(100), Memory::mebibytes(128))
///             .limits(Cpu::millis(500), Memory::mebibytes(256)),
///     )
///     .readiness(Probe::http("/ready", "http"))
///     .liveness(Probe::http("/healthz", "http"));
/// assert_eq!(api.name(), "api");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub(crate) name: String,
    pub(crate) image: String,
    pub(crate) image_pull_policy: Option<String>,
    pub(crate) command: Vec<String>,
    pub(crate) args: Vec<String>,
    pub(crate) working_dir: Option<String>,
    pub(crate) ports: Vec<Port>,
    pub(crate) env: Vec<Env>,
    pub(crate) env_from: Vec<EnvFrom>,
    pub(crate) resources: Resources,
    pub(crate) liveness: Option<Box<Probe>>,
    pub(crate) readiness: Option<Box<Probe>>,
    pub(crate) startup: Option<Box<Probe>>,
    pub(crate) mounts: Vec<Mount>,
    pub(crate) run_as_user: i64,
    pub(crate) read_only_root: bool,
    pub(crate) allow_escalation: bool,
    pub(crate) privileged: bool,
    pub(crate) add_capabilities: Vec<String>,
    pub(crate) drop_all_capabilities: bool,
    /// Lifecycle hooks and host ports, which most containers do not have.
    pub(crate) extra: Option<Box<ContainerExtra>>,
}

/// The container fields most containers leave unset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ContainerExtra {
    pub(crate) post_start: Option<Hook>,
    pub(crate) pre_stop: Option<Hook>,
    /// Port name → host port.
    pub(crate) host_ports: std::collections::BTreeMap<String, u16>,
}

/// A lifecycle hook: a command, an HTTP GET or a pause, run after a container starts
/// ([`Container::post_start`]) or before it is stopped ([`Container::pre_stop`]).
///
/// ```
/// let h = kubefit::Hook::sleep(5);
/// assert_eq!(h.to_k8s().sleep.unwrap().seconds, 5);
/// let e = kubefit::Hook::exec(["nginx", "-s", "quit"]);
/// assert_eq!(e.to_k8s().exec.unwrap().command.unwrap()[0], "nginx");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Hook(pub(crate) k8s_openapi::api::core::v1::LifecycleHandler);

/// k8s-openapi's `LifecycleHandler` holds no floating-point value: its equality is total.
impl Eq for Hook {}

impl Hook {
    /// Runs `command` in the container.
    ///
    /// ```
    /// assert!(kubefit::Hook::exec(["true"]).to_k8s().exec.is_some());
    /// ```
    #[must_use]
    pub fn exec<I, S>(command: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Hook(k8s_openapi::api::core::v1::LifecycleHandler {
            exec: Some(k8s_openapi::api::core::v1::ExecAction {
                command: Some(command.into_iter().map(Into::into).collect()),
            }),
            ..Default::default()
        })
    }

    /// Waits `seconds` (no shell needed: what a preStop hook uses to let endpoints drain).
    ///
    /// ```
    /// assert_eq!(kubefit::Hook::sleep(10).to_k8s().sleep.unwrap().seconds, 10);
    /// ```
    #[must_use]
    pub fn sleep(seconds: i64) -> Self {
        Hook(k8s_openapi::api::core::v1::LifecycleHandler {
            sleep: Some(k8s_openapi::api::core::v1::SleepAction { seconds }),
            ..Default::default()
        })
    }

    /// An HTTP GET of `path` on `port` (a name or a number).
    ///
    /// ```
    /// let h = kubefit::Hook::http("/drain", "http").to_k8s().http_get.unwrap();
    /// assert_eq!(h.path.as_deref(), Some("/drain"));
    /// ```
    #[must_use]
    pub fn http(path: impl Into<String>, port: impl Into<crate::model::port::PortRef>) -> Self {
        Hook(k8s_openapi::api::core::v1::LifecycleHandler {
            http_get: Some(k8s_openapi::api::core::v1::HTTPGetAction {
                path: Some(path.into()),
                port: port.into().to_int_or_string(),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    /// Lowers to the k8s-openapi type.
    ///
    /// ```
    /// assert!(kubefit::Hook::sleep(1).to_k8s().exec.is_none());
    /// ```
    #[must_use]
    pub fn to_k8s(&self) -> k8s_openapi::api::core::v1::LifecycleHandler {
        self.0.clone()
    }
}

impl Container {
    /// A container named `name` running `image` (`repo:tag` or `repo@sha256:…`).
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27");
    /// assert_eq!(c.image(), "nginx:1.27");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>, image: impl Into<String>) -> Self {
        Container {
            name: name.into(),
            image: image.into(),
            image_pull_policy: None,
            command: Vec::new(),
            args: Vec::new(),
            working_dir: None,
            ports: Vec::new(),
            env: Vec::new(),
            env_from: Vec::new(),
            resources: Resources::new(),
            liveness: None,
            readiness: None,
            startup: None,
            mounts: Vec::new(),
            run_as_user: DEFAULT_UID,
            read_only_root: true,
            allow_escalation: false,
            privileged: false,
            add_capabilities: Vec::new(),
            drop_all_capabilities: true,
            extra: None,
        }
    }

    fn extra_mut(&mut self) -> &mut ContainerExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Runs `hook` right after the container starts.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").post_start(kubefit::Hook::exec(["touch", "/tmp/up"]));
    /// assert!(c.to_k8s().lifecycle.unwrap().post_start.is_some());
    /// ```
    #[must_use]
    pub fn post_start(mut self, hook: Hook) -> Self {
        self.extra_mut().post_start = Some(hook);
        self
    }

    /// Runs `hook` before the container is sent SIGTERM (within the pod's termination
    /// grace period) — e.g. `Hook::sleep(5)` so that Services stop sending traffic first.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").pre_stop(kubefit::Hook::sleep(5));
    /// assert_eq!(c.to_k8s().lifecycle.unwrap().pre_stop.unwrap().sleep.unwrap().seconds, 5);
    /// ```
    #[must_use]
    pub fn pre_stop(mut self, hook: Hook) -> Self {
        self.extra_mut().pre_stop = Some(hook);
        self
    }

    /// Publishes the container port named `port` on the node's `host_port` (every pod of
    /// the workload then needs its own node; with `hostNetwork` the two numbers must be
    /// equal).
    ///
    /// ```
    /// let c = kubefit::Container::new("dns", "coredns/coredns:1.11.3").udp_port("dns", 53).host_port("dns", 53);
    /// assert_eq!(c.to_k8s().ports.unwrap()[0].host_port, Some(53));
    /// ```
    #[must_use]
    pub fn host_port(mut self, port: impl Into<String>, host_port: u16) -> Self {
        self.extra_mut().host_ports.insert(port.into(), host_port);
        self
    }

    /// Mounts the file or directory `sub_path` of the pod volume `volume` at `path`
    /// (read-only when `read_only`).
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").mount_sub_path("conf", "/etc/nginx/nginx.conf", "nginx.conf", true);
    /// let m = &c.to_k8s().volume_mounts.unwrap()[0];
    /// assert_eq!((m.sub_path.as_deref(), m.read_only), (Some("nginx.conf"), Some(true)));
    /// ```
    #[must_use]
    pub fn mount_sub_path(
        mut self,
        volume: impl Into<String>,
        path: impl Into<String>,
        sub_path: impl Into<String>,
        read_only: bool,
    ) -> Self {
        crate::util::few::push(
            &mut self.mounts,
            Mount {
                volume: volume.into(),
                path: path.into(),
                read_only,
                sub_path: Some(sub_path.into()),
            },
        );
        self
    }

    /// The container's name.
    ///
    /// ```
    /// assert_eq!(kubefit::Container::new("web", "nginx:1.27").name(), "web");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The image reference as it will be emitted.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27")
    ///     .image_digest("sha256:65e3e85dbaed8ba248841d9d58a899b6197106c23cb0ff1a132b7bfe0547e4c0");
    /// assert!(c.image().starts_with("nginx:1.27@sha256:"));
    /// ```
    #[must_use]
    pub fn image(&self) -> &str {
        &self.image
    }

    /// The resources of this container.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27");
    /// assert_eq!(c.resources_ref().cpu_request(), None);
    /// ```
    #[must_use]
    pub fn resources_ref(&self) -> &Resources {
        &self.resources
    }

    /// Pins the image by digest (`sha256:…`), keeping the tag for readers:
    /// `nginx:1.27` becomes `nginx:1.27@sha256:…`. A digest already present is replaced.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27@sha256:aaaa").image_digest("sha256:bbbb");
    /// assert_eq!(c.image(), "nginx:1.27@sha256:bbbb");
    /// ```
    #[must_use]
    pub fn image_digest(mut self, digest: impl AsRef<str>) -> Self {
        let base = self
            .image
            .split_once('@')
            .map_or(self.image.as_str(), |(b, _)| b)
            .to_owned();
        self.image = format!("{base}@{}", digest.as_ref());
        self
    }

    /// Sets `imagePullPolicy` (`Always`, `IfNotPresent` or `Never`).
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").image_pull_policy("Always");
    /// assert_eq!(c.to_k8s().image_pull_policy.as_deref(), Some("Always"));
    /// ```
    #[must_use]
    pub fn image_pull_policy(mut self, policy: impl Into<String>) -> Self {
        self.image_pull_policy = Some(policy.into());
        self
    }

    /// Replaces the image's entrypoint.
    ///
    /// ```
    /// let c = kubefit::Container::new("job", "busybox:1.36").command(["sh", "-c"]);
    /// assert_eq!(c.to_k8s().command.unwrap(), ["sh", "-c"]);
    /// ```
    #[must_use]
    pub fn command<I, S>(mut self, command: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.command = command.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the arguments to the entrypoint.
    ///
    /// ```
    /// let c = kubefit::Container::new("job", "busybox:1.36").args(["echo", "hi"]);
    /// assert_eq!(c.to_k8s().args.unwrap(), ["echo", "hi"]);
    /// ```
    #[must_use]
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the working directory.
    ///
    /// ```
    /// let c = kubefit::Container::new("job", "busybox:1.36").working_dir("/app");
    /// assert_eq!(c.to_k8s().working_dir.as_deref(), Some("/app"));
    /// ```
    #[must_use]
    pub fn working_dir(mut self, dir: impl Into<String>) -> Self {
        self.working_dir = Some(dir.into());
        self
    }

    /// Adds a named TCP port. Services and probes can target it by name.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").port("http", 8080);
    /// let p = &c.to_k8s().ports.unwrap()[0];
    /// assert_eq!((p.name.as_deref(), p.container_port, p.protocol.as_deref()), (Some("http"), 8080, Some("TCP")));
    /// ```
    #[must_use]
    pub fn port(mut self, name: impl Into<String>, number: u16) -> Self {
        crate::util::few::push(
            &mut self.ports,
            Port {
                name: name.into(),
                number,
                protocol: "TCP",
            },
        );
        self
    }

    /// Adds a named UDP port.
    ///
    /// ```
    /// let c = kubefit::Container::new("dns", "coredns/coredns:1.11.3").udp_port("dns", 5353);
    /// let p = &c.to_k8s().ports.unwrap()[0];
    /// assert_eq!((p.container_port, p.protocol.as_deref()), (5353, Some("UDP")));
    /// ```
    #[must_use]
    pub fn udp_port(mut self, name: impl Into<String>, number: u16) -> Self {
        crate::util::few::push(
            &mut self.ports,
            Port {
                name: name.into(),
                number,
                protocol: "UDP",
            },
        );
        self
    }

    /// Sets a literal environment variable. Do not put secrets here: use
    /// [`Container::env_from_secret_key`].
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").env("MODE", "on");
    /// let e = &c.to_k8s().env.unwrap()[0];
    /// assert_eq!((e.name.as_str(), e.value.as_deref()), ("MODE", Some("on")));
    /// ```
    #[must_use]
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        crate::util::few::push(
            &mut self.env,
            Env {
                name: name.into(),
                value: EnvValue::Literal(value.into()),
            },
        );
        self
    }

    /// Sets an environment variable from one key of a ConfigMap.
    ///
    /// ```
    /// use kubefit::{ConfigMap, Container};
    /// let cm = ConfigMap::new("cfg").entry("url", "http://x");
    /// let c = Container::new("web", "nginx:1.27").env_from_config_map_key("URL", &cm, "url");
    /// let e = &c.to_k8s().env.unwrap()[0];
    /// let r = e.value_from.as_ref().unwrap().config_map_key_ref.as_ref().unwrap();
    /// assert_eq!((r.name.as_str(), r.key.as_str()), ("cfg", "url"));
    /// ```
    #[must_use]
    pub fn env_from_config_map_key(
        mut self,
        name: impl Into<String>,
        config_map: &ConfigMap,
        key: impl Into<String>,
    ) -> Self {
        crate::util::few::push(
            &mut self.env,
            Env {
                name: name.into(),
                value: EnvValue::ConfigMapKey {
                    config_map: config_map.name.clone(),
                    key: key.into(),
                },
            },
        );
        self
    }

    /// Sets an environment variable from one key of a Secret.
    ///
    /// ```
    /// use kubefit::{Container, Secret, SecretValue};
    /// let s = Secret::new("db").entry("password", SecretValue::new("pw"));
    /// let c = Container::new("web", "nginx:1.27").env_from_secret_key("DB_PASSWORD", &s, "password");
    /// let e = &c.to_k8s().env.unwrap()[0];
    /// let r = e.value_from.as_ref().unwrap().secret_key_ref.as_ref().unwrap();
    /// assert_eq!((r.name.as_str(), r.key.as_str()), ("db", "password"));
    /// ```
    #[must_use]
    pub fn env_from_secret_key(
        mut self,
        name: impl Into<String>,
        secret: &Secret,
        key: impl Into<String>,
    ) -> Self {
        crate::util::few::push(
            &mut self.env,
            Env {
                name: name.into(),
                value: EnvValue::SecretKey {
                    secret: secret.name.clone(),
                    key: key.into(),
                },
            },
        );
        self
    }

    /// Sets an environment variable from a pod field (`metadata.name`, `status.podIP`, …).
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").env_from_field("POD_IP", "status.podIP");
    /// let e = &c.to_k8s().env.unwrap()[0];
    /// assert_eq!(e.value_from.as_ref().unwrap().field_ref.as_ref().unwrap().field_path, "status.podIP");
    /// ```
    #[must_use]
    pub fn env_from_field(
        mut self,
        name: impl Into<String>,
        field_path: impl Into<String>,
    ) -> Self {
        crate::util::few::push(
            &mut self.env,
            Env {
                name: name.into(),
                value: EnvValue::Field(field_path.into()),
            },
        );
        self
    }

    /// Imports every key of a ConfigMap as environment variables.
    ///
    /// ```
    /// use kubefit::{ConfigMap, Container};
    /// let cm = ConfigMap::new("cfg");
    /// let c = Container::new("web", "nginx:1.27").env_from_config_map(&cm);
    /// let f = &c.to_k8s().env_from.unwrap()[0];
    /// assert_eq!(f.config_map_ref.as_ref().unwrap().name, "cfg");
    /// ```
    #[must_use]
    pub fn env_from_config_map(mut self, config_map: &ConfigMap) -> Self {
        crate::util::few::push(
            &mut self.env_from,
            EnvFrom::ConfigMap(config_map.name.clone()),
        );
        self
    }

    /// Imports every key of a Secret as environment variables.
    ///
    /// ```
    /// use kubefit::{Container, Secret};
    /// let s = Secret::new("creds");
    /// let c = Container::new("web", "nginx:1.27").env_from_secret(&s);
    /// let f = &c.to_k8s().env_from.unwrap()[0];
    /// assert_eq!(f.secret_ref.as_ref().unwrap().name, "creds");
    /// ```
    #[must_use]
    pub fn env_from_secret(mut self, secret: &Secret) -> Self {
        crate::util::few::push(&mut self.env_from, EnvFrom::Secret(secret.name.clone()));
        self
    }

    /// Sets requests and limits.
    ///
    /// ```
    /// use kubefit::{Container, Cpu, Memory, Resources};
    /// let c = Container::new("web", "nginx:1.27")
    ///     .resources(Resources::new().requests(Cpu::millis(100), Memory::mebibytes(64)));
    /// let r = c.to_k8s().resources.unwrap().requests.unwrap();
    /// assert_eq!(r["cpu"].0, "100m");
    /// assert_eq!(r["memory"].0, "64Mi");
    /// ```
    #[must_use]
    pub fn resources(mut self, resources: Resources) -> Self {
        self.resources = resources;
        self
    }

    /// Sets the liveness probe.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").port("http", 80)
    ///     .liveness(kubefit::Probe::http("/", "http"));
    /// assert_eq!(c.to_k8s().liveness_probe.unwrap().http_get.unwrap().path.as_deref(), Some("/"));
    /// ```
    #[must_use]
    pub fn liveness(mut self, probe: Probe) -> Self {
        self.liveness = Some(Box::new(probe));
        self
    }

    /// Sets the readiness probe.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").port("http", 80)
    ///     .readiness(kubefit::Probe::http("/", "http"));
    /// assert!(c.to_k8s().readiness_probe.unwrap().http_get.is_some());
    /// ```
    #[must_use]
    pub fn readiness(mut self, probe: Probe) -> Self {
        self.readiness = Some(Box::new(probe));
        self
    }

    /// Sets the startup probe.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").port("http", 80)
    ///     .startup(kubefit::Probe::http("/", "http").failure_threshold(30));
    /// assert_eq!(c.to_k8s().startup_probe.unwrap().failure_threshold, Some(30));
    /// ```
    #[must_use]
    pub fn startup(mut self, probe: Probe) -> Self {
        self.startup = Some(Box::new(probe));
        self
    }

    /// Mounts the pod volume named `volume` at `path`, writable.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").mount("tmp", "/tmp");
    /// let m = &c.to_k8s().volume_mounts.unwrap()[0];
    /// assert_eq!((m.name.as_str(), m.mount_path.as_str(), m.read_only), ("tmp", "/tmp", None));
    /// ```
    #[must_use]
    pub fn mount(mut self, volume: impl Into<String>, path: impl Into<String>) -> Self {
        crate::util::few::push(
            &mut self.mounts,
            Mount {
                volume: volume.into(),
                path: path.into(),
                read_only: false,
                sub_path: None,
            },
        );
        self
    }

    /// Mounts the pod volume named `volume` at `path`, read-only.
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").mount_read_only("config", "/etc/app");
    /// let m = &c.to_k8s().volume_mounts.unwrap()[0];
    /// assert_eq!((m.mount_path.as_str(), m.read_only), ("/etc/app", Some(true)));
    /// ```
    #[must_use]
    pub fn mount_read_only(mut self, volume: impl Into<String>, path: impl Into<String>) -> Self {
        crate::util::few::push(
            &mut self.mounts,
            Mount {
                volume: volume.into(),
                path: path.into(),
                read_only: true,
                sub_path: None,
            },
        );
        self
    }

    /// Runs as `uid` (and group `uid`) instead of the default 10001. `0` opts out of
    /// `runAsNonRoot`.
    ///
    /// ```
    /// let c = kubefit::Container::new("db", "postgres:16").run_as_user(70);
    /// assert_eq!(c.to_k8s().security_context.unwrap().run_as_user, Some(70));
    /// ```
    #[must_use]
    pub fn run_as_user(mut self, uid: i64) -> Self {
        self.run_as_user = uid;
        self
    }

    /// Opts out of `readOnlyRootFilesystem`.
    ///
    /// ```
    /// let c = kubefit::Container::new("legacy", "legacy:1").writable_root_filesystem();
    /// assert_eq!(c.to_k8s().security_context.unwrap().read_only_root_filesystem, Some(false));
    /// ```
    #[must_use]
    pub fn writable_root_filesystem(mut self) -> Self {
        self.read_only_root = false;
        self
    }

    /// Opts out of `allowPrivilegeEscalation: false`.
    ///
    /// ```
    /// let c = kubefit::Container::new("legacy", "legacy:1").allow_privilege_escalation();
    /// assert_eq!(c.to_k8s().security_context.unwrap().allow_privilege_escalation, Some(true));
    /// ```
    #[must_use]
    pub fn allow_privilege_escalation(mut self) -> Self {
        self.allow_escalation = true;
        self
    }

    /// Runs the container privileged (full host access). Almost never what you want. A
    /// privileged container can escalate whatever its securityContext says, and the API
    /// server refuses one that claims otherwise: this also allows privilege escalation.
    ///
    /// ```
    /// let c = kubefit::Container::new("agent", "agent:1").privileged();
    /// let sc = c.to_k8s().security_context.unwrap();
    /// assert_eq!((sc.privileged, sc.allow_privilege_escalation), (Some(true), Some(true)));
    /// ```
    #[must_use]
    pub fn privileged(mut self) -> Self {
        self.privileged = true;
        self.allow_escalation = true;
        self
    }

    /// Adds back one Linux capability after `drop: [ALL]` (e.g. `NET_BIND_SERVICE`).
    ///
    /// ```
    /// let c = kubefit::Container::new("web", "nginx:1.27").add_capability("NET_BIND_SERVICE");
    /// let caps = c.to_k8s().security_context.unwrap().capabilities.unwrap();
    /// assert_eq!(caps.add.unwrap(), ["NET_BIND_SERVICE"]);
    /// assert_eq!(caps.drop.unwrap(), ["ALL"]);
    /// ```
    #[must_use]
    pub fn add_capability(mut self, capability: impl Into<String>) -> Self {
        self.add_capabilities.push(capability.into());
        self
    }

    /// Opts out of `capabilities.drop: [ALL]`, keeping the runtime's default set.
    ///
    /// ```
    /// let c = kubefit::Container::new("legacy", "legacy:1").keep_default_capabilities();
    /// let caps = c.to_k8s().security_context.unwrap().capabilities;
    /// assert!(caps.and_then(|c| c.drop).is_none());
    /// ```
    #[must_use]
    pub fn keep_default_capabilities(mut self) -> Self {
        self.drop_all_capabilities = false;
        self
    }

    /// Lowers to the k8s-openapi type, as an app or init container (what a Deployment's
    /// pods get), e.g. to reuse it inside an object kubefit has no builder for.
    ///
    /// ```
    /// let k = kubefit::Container::new("web", "nginx:1.27").port("http", 8080).to_k8s();
    /// assert_eq!(k.image.as_deref(), Some("nginx:1.27"));
    /// assert_eq!(k.ports.unwrap()[0].container_port, 8080);
    /// assert_eq!(k.security_context.unwrap().run_as_user, Some(kubefit::DEFAULT_UID));
    /// ```
    #[must_use]
    pub fn to_k8s(&self) -> K8sContainer {
        self.lower(false)
    }

    /// Lowers to the k8s-openapi type; a sidecar gets `restartPolicy: Always`.
    pub(crate) fn lower(&self, sidecar: bool) -> K8sContainer {
        let non_empty = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
        K8sContainer {
            name: self.name.clone(),
            image: Some(self.image.clone()),
            image_pull_policy: self.image_pull_policy.clone(),
            command: non_empty(&self.command),
            args: non_empty(&self.args),
            working_dir: self.working_dir.clone(),
            restart_policy: sidecar.then(|| "Always".to_owned()),
            ports: (!self.ports.is_empty()).then(|| {
                self.ports
                    .iter()
                    .map(|p| ContainerPort {
                        name: (!p.name.is_empty()).then(|| p.name.clone()),
                        container_port: i32::from(p.number),
                        protocol: Some(p.protocol.to_owned()),
                        host_port: self
                            .extra
                            .as_ref()
                            .and_then(|x| x.host_ports.get(&p.name))
                            .map(|&h| i32::from(h)),
                        ..Default::default()
                    })
                    .collect()
            }),
            env: (!self.env.is_empty()).then(|| self.env.iter().map(env_to_k8s).collect()),
            env_from: (!self.env_from.is_empty()).then(|| {
                self.env_from
                    .iter()
                    .map(|e| match e {
                        EnvFrom::ConfigMap(n) => EnvFromSource {
                            config_map_ref: Some(ConfigMapEnvSource {
                                name: n.to_string(),
                                optional: None,
                            }),
                            ..Default::default()
                        },
                        EnvFrom::Secret(n) => EnvFromSource {
                            secret_ref: Some(SecretEnvSource {
                                name: n.to_string(),
                                optional: None,
                            }),
                            ..Default::default()
                        },
                    })
                    .collect()
            }),
            resources: self.resources.to_k8s(),
            liveness_probe: self.liveness.as_deref().map(Probe::to_k8s),
            readiness_probe: self.readiness.as_deref().map(Probe::to_k8s),
            startup_probe: self.startup.as_deref().map(Probe::to_k8s),
            lifecycle: self
                .extra
                .as_ref()
                .filter(|x| x.post_start.is_some() || x.pre_stop.is_some())
                .map(|x| k8s_openapi::api::core::v1::Lifecycle {
                    post_start: x.post_start.as_ref().map(Hook::to_k8s),
                    pre_stop: x.pre_stop.as_ref().map(Hook::to_k8s),
                    ..Default::default()
                }),
            volume_mounts: (!self.mounts.is_empty()).then(|| {
                self.mounts
                    .iter()
                    .map(|m| VolumeMount {
                        name: m.volume.clone(),
                        mount_path: m.path.clone(),
                        read_only: m.read_only.then_some(true),
                        sub_path: m.sub_path.clone(),
                        ..Default::default()
                    })
                    .collect()
            }),
            security_context: Some(SecurityContext {
                run_as_non_root: Some(self.run_as_user != 0),
                run_as_user: Some(self.run_as_user),
                run_as_group: Some(self.run_as_user),
                read_only_root_filesystem: Some(self.read_only_root),
                allow_privilege_escalation: Some(self.allow_escalation),
                privileged: self.privileged.then_some(true),
                capabilities: Some(Capabilities {
                    drop: self.drop_all_capabilities.then(|| vec!["ALL".to_owned()]),
                    add: (!self.add_capabilities.is_empty()).then(|| self.add_capabilities.clone()),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

fn env_to_k8s(e: &Env) -> EnvVar {
    let (value, value_from) = match &e.value {
        EnvValue::Literal(v) => (Some(v.clone()), None),
        EnvValue::ConfigMapKey { config_map, key } => (
            None,
            Some(EnvVarSource {
                config_map_key_ref: Some(ConfigMapKeySelector {
                    name: config_map.to_string(),
                    key: key.clone(),
                    optional: None,
                }),
                ..Default::default()
            }),
        ),
        EnvValue::SecretKey { secret, key } => (
            None,
            Some(EnvVarSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: secret.to_string(),
                    key: key.clone(),
                    optional: None,
                }),
                ..Default::default()
            }),
        ),
        EnvValue::Field(path) => (
            None,
            Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    field_path: path.clone(),
                    api_version: None,
                }),
                ..Default::default()
            }),
        ),
    };
    EnvVar {
        name: e.name.clone(),
        value,
        value_from,
    }
}
