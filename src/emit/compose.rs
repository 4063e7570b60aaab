//! Docker Compose for local development, from the same stack.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::emit::EmitError;
use crate::model::container::{Container, EnvFrom, EnvValue};
use crate::model::network_policy::PolicyRule;
use crate::model::object::Object;
use crate::model::pod::PodTemplate;
use crate::model::port::PortRef;
use crate::model::probe::ProbeAction;
use crate::model::stack::Stack;
use crate::model::volume::VolumeSource;

/// CPUs as Compose writes them (`"0.25"`), from millicores, without floats.
fn cpus(millis: u64) -> String {
    let whole = millis / 1000;
    let frac = millis % 1000;
    if frac == 0 {
        return whole.to_string();
    }
    let s = format!("{frac:03}");
    format!("{whole}.{}", s.trim_end_matches('0'))
}

fn healthcheck(c: &Container) -> Option<Value> {
    let probe = c.readiness.as_ref()?;
    let port_of = |p: &PortRef| match p {
        PortRef::Number(n) => Some(*n),
        PortRef::Name(n) => c.ports.iter().find(|x| &x.name == n).map(|x| x.number),
    };
    let test = match &probe.action {
        ProbeAction::Http { path, port } => {
            let port = port_of(port)?;
            json!([
                "CMD-SHELL",
                format!("wget -q -O /dev/null http://localhost:{port}{path} || exit 1")
            ])
        }
        ProbeAction::Tcp { port } => {
            let port = port_of(port)?;
            json!(["CMD-SHELL", format!("nc -z localhost {port} || exit 1")])
        }
        ProbeAction::Exec { command } => {
            let mut v = vec![Value::String("CMD".into())];
            v.extend(command.iter().cloned().map(Value::String));
            Value::Array(v)
        }
        ProbeAction::Grpc { .. } => return None,
    };
    let mut h = Map::new();
    h.insert("test".into(), test);
    h.insert(
        "interval".into(),
        Value::String(format!("{}s", probe.period_seconds.unwrap_or(10))),
    );
    h.insert(
        "timeout".into(),
        Value::String(format!("{}s", probe.timeout_seconds.unwrap_or(1))),
    );
    h.insert(
        "retries".into(),
        json!(probe.failure_threshold.unwrap_or(3)),
    );
    Some(Value::Object(h))
}

/// A Docker Compose project for local development, built from a stack: one service per
/// workload (its first app container; a DaemonSet once, for the one local machine; a Job
/// with `restart: "no"`; a CronJob in the `cron` profile, since Compose has no scheduler), with the image, command, ports
/// (published when an Ingress routes to the workload, otherwise only exposed), environment
/// (ConfigMap values inlined, Secret values as `${VAR}` from the uncommitted `.env`, the same
/// variables as `.env.example`), named volumes for claims, tmpfs for `emptyDir`, the hardened
/// security settings, resource limits, health checks derived from readiness probes and
/// `depends_on` derived from NetworkPolicies between workloads and from `host:port` mentions
/// in the environment. The stack is checked first: names and keys become file paths and
/// Compose names.
///
/// ```
/// use kubefit::{Compose, Container, Deployment, Stack};
/// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27").port("http", 8080)));
/// let compose = Compose::new(&stack)?;
/// assert!(compose.to_yaml().contains("services:\n  api:\n"));
/// # Ok::<(), kubefit::EmitError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compose {
    yaml: String,
    configs: Vec<(String, String)>,
    env_example: Option<String>,
}

impl Compose {
    /// The Compose project of `stack`; refuses a stack whose check has errors.
    ///
    /// ```
    /// use kubefit::{Compose, Container, Deployment, Stack};
    /// let bad = Stack::new("shop").with(Deployment::new("Bad_Name", Container::new("a", "nginx:1.27")));
    /// assert!(matches!(Compose::new(&bad), Err(kubefit::EmitError::Check(_))));
    /// ```
    pub fn new(stack: &Stack) -> Result<Self, crate::emit::EmitError> {
        Self::build(stack, false)
    }

    /// The Compose project of `stack` for apps that run on the host (`cargo run`, `npm
    /// start`) beside it: every workload's ports are published, on `127.0.0.1` only, so the
    /// host reaches `localhost:5432` while nothing is open to the network. [`Compose::new`]
    /// publishes only what an Ingress routes to (the apps run in Compose too).
    ///
    /// ```
    /// use kubefit::{Compose, Container, Deployment, Stack};
    /// let db = Deployment::new("db", Container::new("db", "postgres:17").port("postgres", 5432));
    /// let stack = Stack::new("deps").with(db);
    /// assert!(Compose::new(&stack)?.to_yaml().contains("expose:\n    - \"5432\"\n"));
    /// let yaml = Compose::for_host_apps(&stack)?.to_yaml().to_owned();
    /// assert!(yaml.contains("ports:\n    - 127.0.0.1:5432:5432\n"), "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn for_host_apps(stack: &Stack) -> Result<Self, crate::emit::EmitError> {
        Self::build(stack, true)
    }

    fn build(stack: &Stack, publish_all: bool) -> Result<Self, crate::emit::EmitError> {
        let (yaml, configs) = Self::parts(stack, publish_all)?;
        Ok(Compose {
            yaml,
            configs,
            env_example: crate::emit::env_example(stack),
        })
    }

    /// `compose.yaml`.
    ///
    /// ```
    /// let c = kubefit::Compose::new(&kubefit::Stack::new("shop"))?;
    /// assert!(c.to_yaml().starts_with("# Docker Compose for local development of `shop`"));
    /// assert!(c.to_yaml().ends_with("services: {}\n"), "{}", c.to_yaml());
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn to_yaml(&self) -> &str {
        &self.yaml
    }

    /// The files to write side by side: `compose.yaml` and, for each ConfigMap mounted as a
    /// volume, one file per key under `config/<configmap>/<key>` (Compose `configs`). Secrets
    /// mounted as volumes become Compose `secrets` read from `secrets/<secret>/<key>`, which
    /// kubefit never writes: create them locally (they hold the same values as `.env`) and
    /// keep them out of version control.
    ///
    /// ```
    /// use kubefit::{Compose, ConfigMap, Container, Deployment, Stack, Volume};
    /// let conf = ConfigMap::new("conf").entry("app.toml", "port = 8080\n");
    /// let app = Deployment::new("app", Container::new("app", "nginx:1.27").mount_read_only("conf", "/etc/app"))
    ///     .volume(Volume::config_map("conf", &conf));
    /// let files = Compose::new(&Stack::new("shop").with(conf).with(app))?.files();
    /// assert_eq!(files[0].0, "compose.yaml");
    /// assert_eq!(files[1], ("config/conf/app.toml".to_owned(), "port = 8080\n".to_owned()));
    /// assert!(files[0].1.contains("target: /etc/app/app.toml"));
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn files(&self) -> Vec<(String, String)> {
        let mut files = vec![("compose.yaml".to_owned(), self.yaml.clone())];
        files.extend(self.configs.iter().cloned());
        files
    }

    /// Writes [`Compose::files`] and `.env.example` into `dir` through the same atomic,
    /// contained writer as every other format (see
    /// [`Manifests::write_dir`](crate::Manifests::write_dir)).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("kubefit-compose-doc-{}", std::process::id()));
    /// kubefit::Compose::new(&kubefit::Stack::new("shop"))?.write_dir(&dir)?;
    /// assert!(dir.join("compose.yaml").exists());
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    pub fn write_dir(
        &self,
        dir: impl AsRef<std::path::Path>,
    ) -> Result<(), crate::emit::EmitError> {
        let mut files = self.files();
        files.extend(
            self.env_example
                .iter()
                .map(|e| (".env.example".to_owned(), e.clone())),
        );
        crate::emit::write_atomically(dir.as_ref(), &files)
    }

    fn parts(
        stack: &Stack,
        publish_all: bool,
    ) -> Result<(String, Vec<(String, String)>), EmitError> {
        // Names and keys become file paths and Compose names: only a stack that passes the
        // check (valid names and keys, no `/`, no leading `..`) is written.
        let report = stack.check();
        if report.has_errors() {
            return Err(EmitError::Check(report));
        }
        // Workloads given as k8s-openapi objects or patched run as kubefit reads them.
        let resolved = stack.resolved();
        let stack = &*resolved.stack;
        let mut workloads: Vec<(&str, &PodTemplate)> = Vec::new();
        // Jobs run once (`restart: "no"`); CronJobs too, and only when asked for: Compose has
        // no scheduler, so they sit behind the `cron` profile (`docker compose run NAME`).
        let mut once: BTreeSet<&str> = BTreeSet::new();
        let mut scheduled: BTreeSet<&str> = BTreeSet::new();
        for o in &stack.objects {
            if let Some(w) = o.pod_owner() {
                workloads.push((w.name.as_str(), w.pod));
                match o {
                    Object::Job(_) => {
                        once.insert(w.name.as_str());
                    }
                    Object::CronJob(_) => {
                        once.insert(w.name.as_str());
                        scheduled.insert(w.name.as_str());
                    }
                    _ => {}
                }
            }
        }
        let config: BTreeMap<&str, &crate::util::str_map::StrMap> = stack
            .objects
            .iter()
            .filter_map(|o| match o {
                Object::ConfigMap(c) => Some((c.name.as_str(), &c.data)),
                _ => None,
            })
            .collect();
        let secrets: BTreeMap<&str, &crate::model::secret::Secret> = stack
            .objects
            .iter()
            .filter_map(|o| match o {
                Object::Secret(s) => Some((s.name.as_str(), s)),
                _ => None,
            })
            .collect();
        // Which workloads an Ingress routes to (through a Service's selector).
        let mut published: BTreeSet<&str> = BTreeSet::new();
        for o in &stack.objects {
            if let Object::Ingress(i) = o {
                for r in &i.routes {
                    let svc = stack.objects.iter().find_map(|x| match x {
                        Object::Service(s) if s.name == r.service => Some(s),
                        _ => None,
                    });
                    if let Some(svc) = svc {
                        for (name, pod) in &workloads {
                            let labels = pod.pod_labels(&crate::model::name::Name::from(*name));
                            if !svc.selector.is_empty()
                                && svc
                                    .selector
                                    .iter()
                                    .all(|(k, v)| labels.get(k).map(String::as_str) == Some(v))
                            {
                                published.insert(name);
                            }
                        }
                    }
                }
            }
        }
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for o in &stack.objects {
            if let Object::NetworkPolicy(p) = o
                && let PolicyRule::Between { from, to, .. } = &*p.rule
            {
                edges
                    .entry(from.name.to_string())
                    .or_default()
                    .insert(to.name.to_string());
            }
        }
        let names: BTreeSet<&str> = workloads.iter().map(|(n, _)| *n).collect();
        let mut services = Map::new();
        let mut volumes = Map::new();
        let mut configs = Map::new();
        let mut secret_files = Map::new();
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        let mut healthy: BTreeSet<&str> = BTreeSet::new();
        for (name, pod) in &workloads {
            if pod.containers[0]
                .readiness
                .as_ref()
                .is_some_and(|p| !matches!(p.action, ProbeAction::Grpc { .. }))
            {
                healthy.insert(name);
            }
        }
        for (name, pod) in &workloads {
            let c = &pod.containers[0];
            let mut s = Map::new();
            s.insert("image".into(), Value::String(c.image.clone()));
            if !c.command.is_empty() {
                s.insert("entrypoint".into(), json!(c.command));
            }
            if !c.args.is_empty() {
                s.insert("command".into(), json!(c.args));
            }
            if let Some(w) = &c.working_dir {
                s.insert("working_dir".into(), Value::String(w.clone()));
            }
            let mut env = Map::new();
            for e in &c.env_from {
                match e {
                    EnvFrom::ConfigMap(n) => {
                        if let Some(data) = config.get(n.as_str()) {
                            for (k, v) in *data {
                                env.insert(k.to_owned(), Value::String(v.replace('$', "$$")));
                            }
                        }
                    }
                    EnvFrom::Secret(n) => {
                        if let Some(sec) = secrets.get(n.as_str()) {
                            for k in sec.keys() {
                                env.insert(
                                    k.to_owned(),
                                    Value::String(format!("${{{}}}", sec.env_var(k))),
                                );
                            }
                        }
                    }
                }
            }
            for e in &c.env {
                // Literal `$` is escaped (`$$`); only Secret references interpolate `.env`.
                let v = match &e.value {
                    EnvValue::Literal(v) => v.replace('$', "$$"),
                    EnvValue::ConfigMapKey { config_map, key } => config
                        .get(config_map.as_str())
                        .and_then(|d| d.get(key))
                        .map(|v| v.replace('$', "$$"))
                        .unwrap_or_default(),
                    EnvValue::SecretKey { secret, key } => match secrets.get(secret.as_str()) {
                        Some(sec) => format!("${{{}}}", sec.env_var(key)),
                        None => String::new(),
                    },
                    EnvValue::Field(path) => match path.as_str() {
                        "metadata.name" => (*name).to_owned(),
                        "metadata.namespace" => stack.namespace.to_string(),
                        _ => String::new(),
                    },
                };
                env.insert(e.name.clone(), Value::String(v));
            }
            // depends_on: NetworkPolicy edges and `other:port` / `//other` mentions.
            let mut deps: BTreeSet<String> = edges.get(*name).cloned().unwrap_or_default();
            for v in env.values() {
                if let Value::String(v) = v {
                    for other in &names {
                        if other != name
                            && (v.contains(&format!("//{other}:"))
                                || v.contains(&format!("//{other}/"))
                                || v.starts_with(&format!("{other}:"))
                                || v.contains(&format!("@{other}:")))
                        {
                            deps.insert((*other).to_owned());
                        }
                    }
                }
            }
            if !env.is_empty() {
                s.insert("environment".into(), Value::Object(env));
            }
            let ports: Vec<u16> = c.ports.iter().map(|p| p.number).collect();
            if !ports.is_empty() {
                if publish_all {
                    s.insert(
                        "ports".into(),
                        json!(
                            ports
                                .iter()
                                .map(|p| format!("127.0.0.1:{p}:{p}"))
                                .collect::<Vec<_>>()
                        ),
                    );
                } else if published.contains(name) {
                    s.insert(
                        "ports".into(),
                        json!(ports.iter().map(|p| format!("{p}:{p}")).collect::<Vec<_>>()),
                    );
                } else {
                    s.insert(
                        "expose".into(),
                        json!(ports.iter().map(ToString::to_string).collect::<Vec<_>>()),
                    );
                }
            }
            let mut vols = Vec::new();
            let mut tmpfs = Vec::new();
            let mut service_configs = Vec::new();
            let mut service_secrets = Vec::new();
            for m in &c.mounts {
                let source = pod
                    .volumes
                    .iter()
                    .find(|v| v.name == m.volume)
                    .map(|v| &v.source);
                match source {
                    Some(VolumeSource::EmptyDir { .. }) => {
                        tmpfs.push(Value::String(m.path.clone()))
                    }
                    Some(VolumeSource::ConfigMap(cm)) => {
                        for (key, value) in
                            config.get(cm.as_str()).into_iter().flat_map(|d| d.iter())
                        {
                            let source = format!("{cm}_{key}");
                            let file = format!("config/{cm}/{key}");
                            configs.insert(source.clone(), json!({"file": format!("./{file}")}));
                            files.insert(file, value.to_owned());
                            service_configs.push(
                                json!({"source": source, "target": format!("{}/{key}", m.path)}),
                            );
                        }
                    }
                    Some(VolumeSource::Secret(sec)) => {
                        for key in secrets.get(sec.as_str()).into_iter().flat_map(|s| s.keys()) {
                            let source = format!("{sec}_{key}");
                            secret_files.insert(
                                source.clone(),
                                json!({"file": format!("./secrets/{sec}/{key}")}),
                            );
                            service_secrets.push(
                                json!({"source": source, "target": format!("{}/{key}", m.path)}),
                            );
                        }
                    }
                    Some(VolumeSource::Pvc(claim)) => {
                        volumes.insert(claim.to_string(), json!({}));
                        vols.push(Value::String(format!("{claim}:{}", m.path)));
                    }
                    None => {
                        // A StatefulSet claim template: one named volume per workload, named
                        // with `_`, which no claim name has, so it never meets a claim's volume.
                        let vol = format!("{name}_{}", m.volume);
                        volumes.insert(vol.clone(), json!({}));
                        vols.push(Value::String(format!("{vol}:{}", m.path)));
                    }
                    Some(_) => {}
                }
            }
            if !vols.is_empty() {
                s.insert("volumes".into(), Value::Array(vols));
            }
            if !tmpfs.is_empty() {
                s.insert("tmpfs".into(), Value::Array(tmpfs));
            }
            if !service_configs.is_empty() {
                s.insert("configs".into(), Value::Array(service_configs));
            }
            if !service_secrets.is_empty() {
                s.insert("secrets".into(), Value::Array(service_secrets));
            }
            s.insert("read_only".into(), Value::Bool(c.read_only_root));
            s.insert(
                "user".into(),
                Value::String(format!("{}:{}", c.run_as_user, c.run_as_user)),
            );
            if c.drop_all_capabilities {
                s.insert("cap_drop".into(), json!(["ALL"]));
            }
            if !c.add_capabilities.is_empty() {
                s.insert("cap_add".into(), json!(c.add_capabilities));
            }
            if !c.allow_escalation {
                s.insert("security_opt".into(), json!(["no-new-privileges:true"]));
            }
            if c.privileged {
                s.insert("privileged".into(), Value::Bool(true));
            }
            if let Some(h) = healthcheck(c) {
                s.insert("healthcheck".into(), h);
            }
            if !deps.is_empty() {
                let mut d = Map::new();
                for dep in deps {
                    let condition = if healthy.contains(dep.as_str()) {
                        "service_healthy"
                    } else {
                        "service_started"
                    };
                    d.insert(dep, json!({"condition": condition}));
                }
                s.insert("depends_on".into(), Value::Object(d));
            }
            let r = &c.resources;
            let mut limits = Map::new();
            if let Some(cpu) = r.cpu_limit() {
                limits.insert("cpus".into(), Value::String(cpus(cpu.as_millis())));
            }
            if let Some(m) = r.memory_limit() {
                limits.insert("memory".into(), Value::String(format!("{}", m.as_bytes())));
            }
            if !limits.is_empty() {
                s.insert("deploy".into(), json!({"resources": {"limits": limits}}));
            }
            let restart = if once.contains(name) {
                "no"
            } else {
                "unless-stopped"
            };
            s.insert("restart".into(), Value::String(restart.into()));
            if scheduled.contains(name) {
                s.insert("profiles".into(), json!(["cron"]));
            }
            services.insert((*name).to_owned(), Value::Object(s));
        }
        let mut doc = Map::new();
        doc.insert("services".into(), Value::Object(services));
        if !volumes.is_empty() {
            doc.insert("volumes".into(), Value::Object(volumes));
        }
        let mut secret_note = if secret_files.is_empty() {
            String::new()
        } else {
            "# Secrets mounted as files are read from secrets/<secret>/<key>: create them locally\n# with the values of .env; never commit them.\n".to_owned()
        };
        if !scheduled.is_empty() {
            secret_note.push_str(
                "# CronJobs are not scheduled by Compose: they are in the `cron` profile, run one with\n# `docker compose run --rm NAME`.\n",
            );
        }
        if !configs.is_empty() {
            doc.insert("configs".into(), Value::Object(configs));
        }
        if !secret_files.is_empty() {
            doc.insert("secrets".into(), Value::Object(secret_files));
        }
        let body =
            serde_saphyr::to_string(&Value::Object(doc)).map_err(|e| EmitError::Serialize {
                object: "compose".to_owned(),
                message: e.to_string(),
                source: Some(Box::new(e)),
            })?;
        Ok((
            format!(
                "# Docker Compose for local development of `{}`, written by kubefit.\n# Secret values come from the uncommitted .env (see .env.example).\n{secret_note}{body}",
                stack.namespace
            ),
            files.into_iter().collect(),
        ))
    }
}
