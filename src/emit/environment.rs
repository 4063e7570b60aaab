//! Environments: one stack, dev/staging/prod variants, rendered in-process.

use std::collections::BTreeMap;

use crate::check::report::Report;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::rules::RuleId;
use crate::fit::platform::Platform;
use crate::model::container::{Container, Env, EnvValue};
use crate::model::name::Name;
use crate::model::object::Object;
use crate::model::resources::Resources;
use crate::model::stack::Stack;
use crate::units::memory::Memory;

/// A new tag and/or digest for every container running an image (matched by name, without
/// tag or digest), as Kustomize's `images:` does: a tag replaces tag and digest
/// (`name:tag`), a digest replaces both (`name@digest`), both give `name:tag@digest`.
///
/// ```
/// let i = kubefit::ImageOverride::tag("1.28");
/// assert_eq!(i.apply("nginx:1.27@sha256:abc"), "nginx:1.28");
/// assert_eq!(kubefit::ImageOverride::digest("sha256:def").apply("nginx:1.27"), "nginx@sha256:def");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageOverride {
    pub(crate) tag: Option<String>,
    pub(crate) digest: Option<String>,
}

impl ImageOverride {
    /// A new tag.
    ///
    /// ```
    /// let i = kubefit::ImageOverride::tag("2.0");
    /// assert_eq!(i.apply("nginx:1.27"), "nginx:2.0");
    /// ```
    #[must_use]
    pub fn tag(tag: impl Into<String>) -> Self {
        ImageOverride {
            tag: Some(tag.into()),
            digest: None,
        }
    }

    /// A new digest (`sha256:…`).
    ///
    /// ```
    /// let i = kubefit::ImageOverride::digest("sha256:abc");
    /// assert_eq!(i.apply("nginx:1.27"), "nginx@sha256:abc");
    /// ```
    #[must_use]
    pub fn digest(digest: impl Into<String>) -> Self {
        ImageOverride {
            tag: None,
            digest: Some(digest.into()),
        }
    }

    /// Adds a digest to a tag override (`name:tag@digest`).
    ///
    /// ```
    /// let i = kubefit::ImageOverride::tag("2.0").with_digest("sha256:abc");
    /// assert_eq!(i.apply("app:1.0"), "app:2.0@sha256:abc");
    /// ```
    #[must_use]
    pub fn with_digest(mut self, digest: impl Into<String>) -> Self {
        self.digest = Some(digest.into());
        self
    }

    /// The image reference after the override.
    ///
    /// ```
    /// assert_eq!(kubefit::ImageOverride::tag("3").apply("ghcr.io/a/b:1"), "ghcr.io/a/b:3");
    /// ```
    #[must_use]
    pub fn apply(&self, image: &str) -> String {
        let name = image_name(image);
        let mut out = name.to_owned();
        if let Some(t) = &self.tag {
            out.push(':');
            out.push_str(t);
        }
        if let Some(d) = &self.digest {
            out.push('@');
            out.push_str(d);
        }
        out
    }
}

/// The image name without tag or digest (`ghcr.io/a/b:1@sha256:…` → `ghcr.io/a/b`).
pub(crate) fn image_name(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    match no_digest.rfind(':') {
        Some(i) if !no_digest[i..].contains('/') => &no_digest[..i],
        _ => no_digest,
    }
}

/// One environment (dev, staging, prod): what it changes in the stack, checked like
/// everything else — an override naming something the stack lacks is an error.
///
/// ```
/// use kubefit::{Cpu, Environment, ImageOverride, Memory, Resources};
///
/// let prod = Environment::new("prod")
///     .namespace("shop-prod")
///     .label("env", "prod")
///     .replicas("api", 3)
///     .image("ghcr.io/acme/api", ImageOverride::tag("1.5.0"))
///     .resources("api", "api", Resources::new().requests(Cpu::millis(250), Memory::mebibytes(256)))
///     .env_value("api", "api", "LOG_LEVEL", "warn")
///     .host("web", "shop.dev.example.com", "shop.example.com")
///     .autoscale("api", 3, 10);
/// assert_eq!(prod.name(), "prod");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub(crate) name: String,
    pub(crate) namespace: Option<Name>,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) replicas: BTreeMap<String, i32>,
    pub(crate) images: BTreeMap<String, ImageOverride>,
    pub(crate) resources: BTreeMap<(String, String), Resources>,
    pub(crate) env: BTreeMap<(String, String), Vec<(String, String)>>,
    pub(crate) hosts: BTreeMap<String, Vec<(String, String)>>,
    pub(crate) tls_secrets: BTreeMap<String, Vec<(String, String)>>,
    pub(crate) autoscale: BTreeMap<String, (i32, i32)>,
    pub(crate) platform: Option<Platform>,
}

impl Environment {
    /// An environment named `name` (a DNS label: it names the overlay directory).
    ///
    /// ```
    /// let dev = kubefit::Environment::new("dev");
    /// assert_eq!(dev.name(), "dev");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Environment {
            name: name.into(),
            namespace: None,
            labels: BTreeMap::new(),
            replicas: BTreeMap::new(),
            images: BTreeMap::new(),
            resources: BTreeMap::new(),
            env: BTreeMap::new(),
            hosts: BTreeMap::new(),
            tls_secrets: BTreeMap::new(),
            autoscale: BTreeMap::new(),
            platform: None,
        }
    }

    /// The environment's name.
    ///
    /// ```
    /// assert_eq!(kubefit::Environment::new("prod").name(), "prod");
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Moves the stack to another namespace (seed 001: a namespace per environment).
    ///
    /// ```
    /// let e = kubefit::Environment::new("dev").namespace("shop-dev");
    /// use kubefit::{Container, Deployment, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// assert_eq!(stack.render(&e).namespace().as_str(), "shop-dev");
    /// ```
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<Name>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Adds a label to every object.
    ///
    /// ```
    /// let e = kubefit::Environment::new("dev").label("env", "dev");
    /// use kubefit::{Container, Deployment, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// let yaml = stack.render(&e).emit(&kubefit::EmitOptions::new())?.to_yaml()?;
    /// assert!(yaml.contains("    env: dev\n"), "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn label(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.labels
            .insert(key.as_ref().to_owned(), value.as_ref().to_owned());
        self
    }

    /// Sets the replicas of the Deployment or StatefulSet named `workload`.
    ///
    /// ```
    /// let e = kubefit::Environment::new("prod").replicas("api", 3);
    /// use kubefit::{Container, Deployment, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// let yaml = stack.render(&e).emit(&kubefit::EmitOptions::new())?.to_yaml()?;
    /// assert!(yaml.contains("  replicas: 3\n"), "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn replicas(mut self, workload: impl Into<String>, replicas: i32) -> Self {
        self.replicas.insert(workload.into(), replicas);
        self
    }

    /// Overrides the tag or digest of an image, by name (without tag).
    ///
    /// ```
    /// let e = kubefit::Environment::new("prod").image("nginx", kubefit::ImageOverride::tag("1.28"));
    /// use kubefit::{Container, Deployment, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("web", Container::new("web", "nginx:1.27")));
    /// let yaml = stack.render(&e).emit(&kubefit::EmitOptions::new())?.to_yaml()?;
    /// assert!(yaml.contains("image: nginx:1.28\n"), "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn image(mut self, name: impl Into<String>, change: ImageOverride) -> Self {
        self.images.insert(name.into(), change);
        self
    }

    /// Overrides requests and limits of one container; the values set replace the stack's,
    /// the others stay.
    ///
    /// ```
    /// use kubefit::{Cpu, Environment, Resources};
    /// let e = Environment::new("prod").resources("api", "api", Resources::new().cpu_request_of(Cpu::millis(500)));
    /// use kubefit::{Container, Deployment, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// let yaml = stack.render(&e).emit(&kubefit::EmitOptions::new())?.to_yaml()?;
    /// assert!(yaml.contains("cpu: 500m"), "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn resources(
        mut self,
        workload: impl Into<String>,
        container: impl Into<String>,
        resources: Resources,
    ) -> Self {
        self.resources
            .insert((workload.into(), container.into()), resources);
        self
    }

    /// Sets a literal environment variable of one container (replacing a literal of the same
    /// name, or adding it).
    ///
    /// ```
    /// let e = kubefit::Environment::new("dev").env_value("api", "api", "LOG_LEVEL", "debug");
    /// use kubefit::{Container, Deployment, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27").env("LOG_LEVEL", "info")));
    /// let yaml = stack.render(&e).emit(&kubefit::EmitOptions::new())?.to_yaml()?;
    /// assert!(yaml.contains("value: debug"), "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn env_value(
        mut self,
        workload: impl Into<String>,
        container: impl Into<String>,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.env
            .entry((workload.into(), container.into()))
            .or_default()
            .push((name.into(), value.into()));
        self
    }

    /// Replaces host `from` by `to` in an Ingress's routes and TLS section.
    ///
    /// ```
    /// let e = kubefit::Environment::new("staging").host("web", "shop.example.com", "staging.shop.example.com");
    /// use kubefit::{Container, Deployment, Ingress, PathType, Service, Stack};
    /// let api = Deployment::new("api", Container::new("api", "nginx:1.27").port("http", 80));
    /// let svc = Service::expose(&api);
    /// let web = Ingress::new("web").route("shop.example.com", "/", PathType::Prefix, &svc, "http");
    /// let stack = Stack::new("shop").with(api).with(svc).with(web);
    /// let yaml = stack.render(&e).emit(&kubefit::EmitOptions::new())?.to_yaml()?;
    /// assert!(yaml.contains("host: staging.shop.example.com"), "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn host(
        mut self,
        ingress: impl Into<String>,
        from: impl Into<String>,
        to: impl Into<String>,
    ) -> Self {
        self.hosts
            .entry(ingress.into())
            .or_default()
            .push((from.into(), to.into()));
        self
    }

    /// Replaces the TLS Secret `from` by `to` in an Ingress's TLS section (one certificate per
    /// environment).
    ///
    /// ```
    /// let e = kubefit::Environment::new("staging").tls_secret("web", "shop-tls", "shop-staging-tls");
    /// use kubefit::{Container, Deployment, Ingress, PathType, Service, Stack};
    /// let api = Deployment::new("api", Container::new("api", "nginx:1.27").port("http", 80));
    /// let svc = Service::expose(&api);
    /// let web = Ingress::new("web").route("shop.example.com", "/", PathType::Prefix, &svc, "http").tls(["shop.example.com"], "shop-tls");
    /// let stack = Stack::new("shop").with(api).with(svc).with(web);
    /// let yaml = stack.render(&e).emit(&kubefit::EmitOptions::new().allow_errors(true))?.to_yaml()?;
    /// assert!(yaml.contains("secretName: shop-staging-tls"), "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn tls_secret(
        mut self,
        ingress: impl Into<String>,
        from: impl Into<String>,
        to: impl Into<String>,
    ) -> Self {
        self.tls_secrets
            .entry(ingress.into())
            .or_default()
            .push((from.into(), to.into()));
        self
    }

    /// Sets the bounds of the HorizontalPodAutoscaler of `workload`.
    ///
    /// ```
    /// let e = kubefit::Environment::new("prod").autoscale("api", 3, 12);
    /// use kubefit::{Container, Deployment, HorizontalPodAutoscaler, Stack};
    /// let api = Deployment::new("api", Container::new("api", "nginx:1.27"));
    /// let hpa = HorizontalPodAutoscaler::new(&api, 1, 3).cpu_utilization(70);
    /// let stack = Stack::new("shop").with(api).with(hpa);
    /// let yaml = stack.render(&e).emit(&kubefit::EmitOptions::new())?.to_yaml()?;
    /// assert!(yaml.contains("  maxReplicas: 12\n"), "{yaml}");
    /// assert!(yaml.contains("  minReplicas: 3\n"), "{yaml}");
    /// # Ok::<(), kubefit::EmitError>(())
    /// ```
    #[must_use]
    pub fn autoscale(mut self, workload: impl Into<String>, min: i32, max: i32) -> Self {
        self.autoscale.insert(workload.into(), (min, max));
        self
    }

    /// The platform this environment runs on; its check includes the budget there.
    ///
    /// ```
    /// let e = kubefit::Environment::new("prod").platform(kubefit::Platform::gke_e2_standard_2(3));
    /// use kubefit::{Container, Deployment, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// let report = stack.check_environment(&e);
    /// assert_eq!(report.fit().map(|f| f.verdict()), Some(kubefit::Verdict::Fits));
    /// ```
    #[must_use]
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }
}

fn merge_resources(base: &Resources, over: &Resources) -> Resources {
    let mut r = base.clone();
    if let Some(v) = over.cpu_request() {
        r = r.cpu_request_of(v);
    }
    if let Some(v) = over.cpu_limit() {
        r = r.cpu_limit_of(v);
    }
    if let Some(v) = over.memory_request() {
        r = r.memory_request_of(v);
    }
    if let Some(v) = over.memory_limit() {
        r = r.memory_limit_of(v);
    }
    if over.ephemeral_storage_request().is_some() || over.ephemeral_storage_limit().is_some() {
        let req = over
            .ephemeral_storage_request()
            .or(base.ephemeral_storage_request())
            .unwrap_or(Memory::ZERO);
        let lim = over
            .ephemeral_storage_limit()
            .or(base.ephemeral_storage_limit())
            .unwrap_or(Memory::ZERO);
        r = r.ephemeral_storage(req, lim);
    }
    r
}

fn set_env(c: &mut Container, name: &str, value: &str) {
    match c.env.iter_mut().find(|e| e.name == name) {
        Some(e) => e.value = EnvValue::Literal(value.to_owned()),
        None => c.env.push(Env {
            name: name.to_owned(),
            value: EnvValue::Literal(value.to_owned()),
        }),
    }
}

impl Stack {
    /// The stack as `env` gets it: every override applied, in-process. Emitting the result
    /// gives exactly the objects `kubectl kustomize overlays/<env>` builds from
    /// [`KustomizeTree::new`](crate::KustomizeTree::new)'s tree.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, Environment, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// let prod = stack.render(&Environment::new("prod").namespace("shop-prod").replicas("api", 3));
    /// assert_eq!(prod.namespace().as_str(), "shop-prod");
    /// ```
    #[must_use]
    pub fn render(&self, env: &Environment) -> Stack {
        let mut s = self.clone();
        if let Some(ns) = &env.namespace {
            s.namespace = ns.clone();
        }
        s.meta.labels.extend(env.labels.clone());
        for o in &mut s.objects {
            match o {
                Object::Deployment(d) => {
                    if let Some(r) = env.replicas.get(d.name.as_str()) {
                        d.replicas = *r;
                    }
                    apply_pod(&mut d.pod, d.name.as_str(), env);
                }
                Object::StatefulSet(st) => {
                    if let Some(r) = env.replicas.get(st.name.as_str()) {
                        st.replicas = *r;
                    }
                    apply_pod(&mut st.pod, st.name.as_str(), env);
                }
                Object::DaemonSet(_) | Object::Job(_) | Object::CronJob(_) => {
                    if let Some((name, pod)) = o.pod_mut() {
                        let name = name.to_string();
                        apply_pod(pod, &name, env);
                    }
                }
                Object::HorizontalPodAutoscaler(h) => {
                    if let Some((min, max)) = env.autoscale.get(h.target.name.as_str()) {
                        h.min = *min;
                        h.max = *max;
                    }
                }
                Object::Ingress(i) => {
                    if let Some(changes) = env.tls_secrets.get(i.name.as_str()) {
                        for (from, to) in changes {
                            for t in &mut i.tls {
                                if t.secret.as_str() == from {
                                    t.secret = Name::from(to.as_str());
                                }
                            }
                        }
                    }
                    if let Some(changes) = env.hosts.get(i.name.as_str()) {
                        for (from, to) in changes {
                            for r in &mut i.routes {
                                if r.host.as_deref() == Some(from.as_str()) {
                                    r.host = Some(to.clone());
                                }
                            }
                            for t in &mut i.tls {
                                for h in &mut t.hosts {
                                    if h == from {
                                        h.clone_from(to);
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        s
    }

    /// Checks `env`: overrides that name nothing in the stack, then the rendered stack's
    /// structure and lints, then its budget on the environment's platform (if set) — prod may
    /// not fit where dev does, and the report says so.
    ///
    /// ```
    /// use kubefit::{Container, Deployment, Environment, Stack};
    /// let stack = Stack::new("shop").with(Deployment::new("api", Container::new("api", "nginx:1.27")));
    /// let report = stack.check_environment(&Environment::new("prod").replicas("apii", 3));
    /// assert_eq!(report.with_id("unknown-override-target").count(), 1);
    /// ```
    #[must_use]
    pub fn check_environment(&self, env: &Environment) -> Report {
        let mut diags = Vec::new();
        let object = format!("environment/{}", env.name);
        let mut missing = |path: String, what: String| {
            diags.push(Diagnostic::of(
                RuleId::UnknownOverrideTarget,
                &object,
                path,
                what,
            ));
        };
        if let Err(e) = crate::model::name::NameRule::Dns1123Label.validate(&env.name) {
            missing("name".to_owned(), e.to_string());
        }
        let workloads: BTreeMap<&str, &crate::model::pod::PodTemplate> = self
            .objects
            .iter()
            .filter_map(|o| o.pod_owner().map(|w| (w.name.as_str(), w.pod)))
            .collect();
        let scalable: std::collections::BTreeSet<&str> = self
            .objects
            .iter()
            .filter_map(|o| o.pod_owner())
            .filter(|w| w.replicas().is_some())
            .map(|w| w.name.as_str())
            .collect();
        for w in env.replicas.keys() {
            if !scalable.contains(w.as_str()) {
                missing(
                    format!("replicas.{w}"),
                    format!("no deployment or statefulset named `{w}`"),
                );
            }
        }
        let targets: std::collections::BTreeSet<&(String, String)> =
            env.resources.keys().chain(env.env.keys()).collect();
        for (w, c) in targets {
            match workloads.get(w.as_str()) {
                None => missing(w.clone(), format!("no workload named `{w}`")),
                Some(pod) => {
                    if !pod.all_containers().any(|(_, x)| &x.name == c) {
                        missing(
                            format!("{w}.{c}"),
                            format!("workload `{w}` has no container `{c}`"),
                        );
                    }
                }
            }
        }
        for ((w, c), vars) in &env.env {
            if let Some(pod) = workloads.get(w.as_str())
                && let Some((_, container)) = pod.all_containers().find(|(_, x)| &x.name == c)
            {
                for (name, _) in vars {
                    if container
                        .env
                        .iter()
                        .any(|e| &e.name == name && !matches!(e.value, EnvValue::Literal(_)))
                    {
                        missing(
                            format!("{w}.{c}.env.{name}"),
                            format!(
                                "`{name}` comes from a configmap, secret or field, not a literal"
                            ),
                        );
                    }
                }
            }
        }
        let images: Vec<String> = workloads
            .values()
            .flat_map(|p| {
                p.all_containers()
                    .map(|(_, c)| image_name(&c.image).to_owned())
            })
            .collect();
        for name in env.images.keys() {
            if !images.iter().any(|i| i == name) {
                missing(
                    format!("images.{name}"),
                    format!("no container runs image `{name}`"),
                );
            }
        }
        for (ing, changes) in &env.hosts {
            let found = self.objects.iter().find_map(|o| match o {
                Object::Ingress(i) if i.name.as_str() == ing => Some(i),
                _ => None,
            });
            match found {
                None => missing(format!("hosts.{ing}"), format!("no ingress named `{ing}`")),
                Some(i) => {
                    for (from, _) in changes {
                        if !i
                            .routes
                            .iter()
                            .any(|r| r.host.as_deref() == Some(from.as_str()))
                        {
                            missing(
                                format!("hosts.{ing}.{from}"),
                                format!("ingress `{ing}` has no route for host `{from}`"),
                            );
                        }
                    }
                }
            }
        }
        for (ing, changes) in &env.tls_secrets {
            let found = self.objects.iter().find_map(|o| match o {
                Object::Ingress(i) if i.name.as_str() == ing => Some(i),
                _ => None,
            });
            match found {
                None => missing(format!("tls.{ing}"), format!("no ingress named `{ing}`")),
                Some(i) => {
                    for (from, _) in changes {
                        if !i.tls.iter().any(|t| t.secret.as_str() == from) {
                            missing(
                                format!("tls.{ing}.{from}"),
                                format!("ingress `{ing}` has no tls secret `{from}`"),
                            );
                        }
                    }
                }
            }
        }
        for w in env.autoscale.keys() {
            let has = self.objects.iter().any(
                |o| matches!(o, Object::HorizontalPodAutoscaler(h) if h.target.name.as_str() == w),
            );
            if !has {
                missing(
                    format!("autoscale.{w}"),
                    format!("no horizontalpodautoscaler targets `{w}`"),
                );
            }
        }
        let rendered = self.render(env);
        let mut report = rendered.check();
        if let Some(p) = &env.platform {
            report = report.with_fit(rendered.fit(p));
        }
        let mut all = diags;
        all.extend(report.diagnostics().iter().cloned());
        let merged = Report::new(format!("{} ({})", rendered.namespace, env.name), all);
        match report.fit() {
            Some(fit) => merged.with_fit_only(fit.clone()),
            None => merged,
        }
    }
}

fn apply_pod(pod: &mut crate::model::pod::PodTemplate, workload: &str, env: &Environment) {
    let containers = pod
        .containers
        .iter_mut()
        .chain(pod.init_containers.iter_mut())
        .chain(pod.sidecars.iter_mut());
    for c in containers {
        if let Some(o) = env.images.get(image_name(&c.image)) {
            c.image = o.apply(&c.image);
        }
        let key = (workload.to_owned(), c.name.clone());
        if let Some(r) = env.resources.get(&key) {
            c.resources = merge_resources(&c.resources, r);
        }
        if let Some(vars) = env.env.get(&key) {
            for (n, v) in vars {
                set_env(c, n, v);
            }
        }
    }
}
