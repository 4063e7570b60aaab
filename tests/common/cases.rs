//! (bad, good) stacks for every rule of the rule table, with the platform each budget rule is
//! judged on: shared by the lint tests and the control-plane tests (which apply them for real).

use kubefit::{
    ConcurrencyPolicy, ConfigMap, Container, ControlPlane, Cpu, CronJob, CustomObject, Datastore,
    Deployment, DotEnv, Environment, HorizontalPodAutoscaler, ImagePlatforms, Ingress,
    IntOrPercent, Job, LimitRange, Memory, NetworkPolicy, NodePool, PathType, Permission,
    PersistentVolumeClaim, Platform, PodDisruptionBudget, PriorityClass, Probe, ResourceQuota,
    Resources, Role, RoleBinding, Secret, SecretValue, Service, ServiceAccount, Stack, StatefulSet,
    Storage, TenancyLimit, Volume,
};

pub const IMAGE: &str = "nginxinc/nginx-unprivileged:1.27-alpine";
pub const DIGEST: &str = "sha256:65e3e85dbaed8ba248841d9d58a899b6197106c23cb0ff1a132b7bfe0547e4c0";

pub fn res() -> Resources {
    Resources::new()
        .requests(Cpu::millis(100), Memory::mebibytes(128))
        .limits(Cpu::millis(250), Memory::mebibytes(256))
}

/// A container no rule complains about.
pub fn good() -> Container {
    Container::new("web", IMAGE)
        .image_digest(DIGEST)
        .port("http", 8080)
        .resources(res())
        .readiness(Probe::http("/", "http"))
        .liveness(Probe::http("/", "http"))
}

pub fn stack_with(d: Deployment) -> Stack {
    Stack::new("shop")
        .with(NetworkPolicy::default_deny())
        .with(d)
}

pub fn web(c: Container) -> Deployment {
    Deployment::new("web", c)
}

/// (bad, good) stacks for each rule.
pub fn case(id: &str) -> (Stack, Stack) {
    let ok = stack_with(web(good()));
    match id {
        "cpu-request-missing" => (
            stack_with(web(good().resources(
                Resources::new()
                    .memory_request_of(Memory::mebibytes(64))
                    .memory_limit_of(Memory::mebibytes(64)),
            ))),
            ok,
        ),
        "cpu-limit-missing" => (
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::millis(100), Memory::mebibytes(64))
                    .memory_limit_of(Memory::mebibytes(64)),
            ))),
            ok,
        ),
        "memory-request-missing" => (
            stack_with(web(good().resources(
                Resources::new()
                    .cpu_request_of(Cpu::millis(100))
                    .cpu_limit_of(Cpu::millis(100)),
            ))),
            ok,
        ),
        "memory-limit-missing" => (
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::millis(100), Memory::mebibytes(64))
                    .cpu_limit_of(Cpu::millis(100)),
            ))),
            ok,
        ),
        "request-exceeds-limit" => (
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::millis(500), Memory::mebibytes(64))
                    .limits(Cpu::millis(250), Memory::mebibytes(64)),
            ))),
            ok,
        ),
        "image-tag-mutable" => (
            stack_with(web(good().clone_with_image("nginx:latest"))),
            stack_with(web(good().clone_with_image("nginx:1.27"))),
        ),
        "implausible-quantity" => (
            // `cpu: 128Mi`: 128 × 2^20 cores.
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::cores(128 << 20), Memory::mebibytes(64))
                    .limits(Cpu::cores(128 << 20), Memory::mebibytes(64)),
            ))),
            ok.clone(),
        ),
        "pdb-blocks-drain" => {
            let w = web(good()).replicas(2);
            let pdb = |n| {
                stack_with(w.clone())
                    .with(PodDisruptionBudget::new(&w).min_available(IntOrPercent::Count(n)))
            };
            (pdb(2), pdb(1))
        }
        "invalid-image-digest" => (
            stack_with(web(good().image_digest(
                "sha256:0000000000000000000000000000000000000000000000000000000000000000",
            ))),
            ok,
        ),
        "image-not-pinned" => (stack_with(web(good().clone_with_image("nginx:1.27"))), ok),
        "runs-as-root" => (stack_with(web(good().run_as_user(0))), ok),
        "writable-root-filesystem" => (stack_with(web(good().writable_root_filesystem())), ok),
        "privilege-escalation-allowed" => {
            (stack_with(web(good().allow_privilege_escalation())), ok)
        }
        "privileged-container" => (stack_with(web(good().privileged())), ok),
        "pod-security-refused" => (
            stack_with(web(good().privileged())),
            stack_with(web(good().privileged())).pod_security("privileged"),
        ),
        "capabilities-not-dropped" => (stack_with(web(good().keep_default_capabilities())), ok),
        "dangerous-capability" => (
            stack_with(web(good().add_capability("NET_ADMIN"))),
            stack_with(web(good().add_capability("NET_BIND_SERVICE"))),
        ),
        "seccomp-not-runtime-default" => (stack_with(web(good()).seccomp_unconfined()), ok),
        "host-namespace" => (stack_with(web(good()).host_network()), ok),
        "host-path-volume" => (
            stack_with(
                web(good().mount("logs", "/logs")).volume(Volume::host_path("logs", "/var/log")),
            ),
            stack_with(web(good().mount("logs", "/logs")).volume(Volume::empty_dir("logs"))),
        ),
        "liveness-probe-missing" => (
            stack_with(web(Container::new("web", IMAGE)
                .image_digest(DIGEST)
                .port("http", 8080)
                .resources(res())
                .readiness(Probe::http("/", "http")))),
            ok,
        ),
        "readiness-probe-missing" => (
            stack_with(web(Container::new("web", IMAGE)
                .image_digest(DIGEST)
                .port("http", 8080)
                .resources(res())
                .liveness(Probe::http("/", "http")))),
            ok,
        ),
        "probe-port-mismatch" => (stack_with(web(good().startup(Probe::tcp(9999)))), ok),
        "service-selects-nothing" => {
            let w = web(good());
            (
                stack_with(w.clone()).with(
                    Service::new("web")
                        .selector_label("app", "nope")
                        .port("http", 80, "http"),
                ),
                stack_with(w.clone()).with(Service::expose(&w)),
            )
        }
        "target-port-mismatch" => {
            let w = web(good());
            (
                stack_with(w.clone())
                    .with(Service::new("web").select(&w).port("http", 80, "https")),
                stack_with(w.clone()).with(Service::new("web").select(&w).port("http", 80, "http")),
            )
        }
        "dangling-service" | "ingress-port-mismatch" => {
            let w = web(good());
            let svc = Service::expose(&w);
            let port = if id == "ingress-port-mismatch" {
                "https"
            } else {
                "http"
            };
            let bad = stack_with(w.clone()).with(Ingress::new("web").route(
                "",
                "/",
                PathType::Prefix,
                &svc,
                port,
            ));
            let bad = if id == "ingress-port-mismatch" {
                bad.with(svc.clone())
            } else {
                bad
            };
            (
                bad,
                stack_with(w.clone())
                    .with(svc.clone())
                    .with(Ingress::new("web").route("", "/", PathType::Prefix, &svc, "http")),
            )
        }
        "selector-mismatch" => (
            stack_with(web(good()).selector_label("tier", "web")),
            stack_with(
                web(good())
                    .selector_label("tier", "web")
                    .pod_label("tier", "web"),
            ),
        ),
        "pdb-missing" | "anti-affinity-missing" => {
            let w = web(good()).replicas(3);
            let good_w = w.clone().one_replica_per_node();
            (
                stack_with(w),
                stack_with(good_w.clone()).with(PodDisruptionBudget::new(&good_w)),
            )
        }
        "reserved-namespace" => (
            Stack::new("default")
                .with(NetworkPolicy::default_deny())
                .with(web(good())),
            ok,
        ),
        "literal-secret-in-env" => (stack_with(web(good().env("DB_PASSWORD", "hunter2"))), ok),
        "secret-as-env" => {
            let s = Secret::new("db").entry("password", SecretValue::new("x"));
            (
                stack_with(web(good().env_from_secret_key(
                    "DB_PASSWORD",
                    &s,
                    "password",
                )))
                .with(s.clone()),
                stack_with(
                    web(good()
                        .env("DB_PASSWORD_FILE", "/run/secrets/db/password")
                        .mount_read_only("db", "/run/secrets/db"))
                    .volume(Volume::secret("db", &s)),
                )
                .with(s),
            )
        }
        "service-account-token-mounted" => (
            stack_with(web(good()).automount_service_account_token()),
            ok,
        ),
        "network-policy-missing" => (Stack::new("shop").with(web(good())), ok),
        "traffic-blocked" => {
            // `api` names the Service `web` in its environment; `default-deny` isolates `web`.
            let w = web(good());
            let api = Deployment::new("api", good().env("WEB_URL", "http://web:8080/"));
            let bad = stack_with(w.clone())
                .with(Service::expose(&w))
                .with(api.clone());
            (
                bad.clone(),
                bad.with(NetworkPolicy::allow(&api, &w, "http")),
            )
        }
        "dangling-config-map" | "missing-config-map-key" => {
            let cfg = ConfigMap::new("cfg").entry("url", "http://x");
            let bad = if id == "dangling-config-map" {
                stack_with(web(good().env_from_config_map(&cfg)))
            } else {
                stack_with(web(good().env_from_config_map_key("URL", &cfg, "nope")))
                    .with(cfg.clone())
            };
            (
                bad,
                stack_with(web(good().env_from_config_map_key("URL", &cfg, "url"))).with(cfg),
            )
        }
        "dangling-secret" | "missing-secret-key" => {
            let s = Secret::new("db").entry("password", SecretValue::new("x"));
            let bad = if id == "dangling-secret" {
                stack_with(
                    web(good().mount_read_only("db", "/run/db")).volume(Volume::secret("db", &s)),
                )
            } else {
                stack_with(web(good().env_from_secret_key("PW", &s, "pasword"))).with(s.clone())
            };
            (
                bad,
                stack_with(
                    web(good().mount_read_only("db", "/run/db")).volume(Volume::secret("db", &s)),
                )
                .with(s),
            )
        }
        // Structure: what the api server refuses.
        "invalid-name" => (stack_with(Deployment::new("Web_App", good())), ok),
        "duplicate-name" => (
            stack_with(web(good()))
                .with(ConfigMap::new("cfg").entry("a", "1"))
                .with(ConfigMap::new("cfg").entry("b", "2")),
            stack_with(web(good()))
                .with(ConfigMap::new("cfg").entry("a", "1"))
                .with(ConfigMap::new("cfg-2").entry("b", "2")),
        ),
        "invalid-label" => (
            stack_with(web(good()).label("team", "payments & ops")),
            stack_with(web(good()).label("team", "payments-ops")),
        ),
        "invalid-annotation" => (
            stack_with(web(good()).annotation("my key", "x")),
            stack_with(web(good()).annotation("example.com/owner", "x")),
        ),
        "missing-image" => (stack_with(web(good().clone_with_image(""))), ok),
        "invalid-port" => (stack_with(web(good().port("metrics", 0))), ok),
        "invalid-mount-path" => (
            stack_with(web(good().mount("tmp", "")).volume(Volume::empty_dir("tmp"))),
            stack_with(web(good().mount("tmp", "/tmp")).volume(Volume::empty_dir("tmp"))),
        ),
        "relative-mount-path" => (
            stack_with(web(good().mount("tmp", "tmp")).volume(Volume::empty_dir("tmp"))),
            stack_with(web(good().mount("tmp", "/tmp")).volume(Volume::empty_dir("tmp"))),
        ),
        "duplicate-mount-path" => (
            stack_with(
                web(good().mount("a", "/data").mount("b", "/data"))
                    .volume(Volume::empty_dir("a"))
                    .volume(Volume::empty_dir("b")),
            ),
            stack_with(
                web(good().mount("a", "/data").mount("b", "/cache"))
                    .volume(Volume::empty_dir("a"))
                    .volume(Volume::empty_dir("b")),
            ),
        ),
        "invalid-replicas" => (stack_with(web(good()).replicas(-1)), ok),
        "invalid-job-spec" => (
            ok.clone()
                .with(Job::new("migrate", good()).backoff_limit(-1)),
            ok.with(Job::new("migrate", good()).backoff_limit(2)),
        ),
        "invalid-schedule" => (
            ok.clone()
                .with(CronJob::new("every day at 3", Job::new("backup", good()))),
            ok.with(CronJob::new("0 3 * * *", Job::new("backup", good()))),
        ),
        "cron-job-runs-may-overlap" => (
            ok.clone().with(
                CronJob::new("*/5 * * * *", Job::new("poll", good()))
                    .concurrency(ConcurrencyPolicy::Allow),
            ),
            ok.with(CronJob::new("*/5 * * * *", Job::new("poll", good()))),
        ),
        "invalid-rollout" => (
            stack_with(web(good()).rolling_update(IntOrPercent::Count(0), IntOrPercent::Count(0))),
            ok,
        ),
        "invalid-key" => (
            stack_with(web(good())).with(ConfigMap::new("cfg").entry("app config", "x")),
            stack_with(web(good())).with(ConfigMap::new("cfg").entry("app.config", "x")),
        ),
        "invalid-host" | "invalid-path" | "ingress-without-routes" => {
            let d = web(good());
            let svc = Service::expose(&d);
            let (host, path) = match id {
                "invalid-host" => ("Shop.Example.com", "/"),
                "invalid-path" => ("shop.example.com", "api"),
                _ => ("shop.example.com", "/"),
            };
            let bad_ingress = if id == "ingress-without-routes" {
                Ingress::new("web")
            } else {
                Ingress::new("web").route(host, path, PathType::Prefix, &svc, "http")
            };
            let good_ingress =
                Ingress::new("web").route("shop.example.com", "/", PathType::Prefix, &svc, "http");
            (
                stack_with(d.clone()).with(svc.clone()).with(bad_ingress),
                stack_with(d).with(svc).with(good_ingress),
            )
        }
        "service-without-ports" => {
            let d = web(good());
            (
                stack_with(d.clone()).with(Service::new("web").select(&d)),
                stack_with(d.clone()).with(Service::expose(&d)),
            )
        }
        "service-without-selector" => {
            let d = web(good());
            (
                stack_with(d.clone()).with(Service::new("web").port("http", 80, "http")),
                stack_with(d.clone()).with(Service::expose(&d)),
            )
        }
        "hpa-min-exceeds-max" | "hpa-without-metrics" => {
            let d = web(good());
            let bad = match id {
                "hpa-min-exceeds-max" => HorizontalPodAutoscaler::new(&d, 5, 2).cpu_utilization(70),
                _ => HorizontalPodAutoscaler::new(&d, 2, 5),
            };
            (
                stack_with(d.clone()).with(bad),
                stack_with(d.clone())
                    .with(HorizontalPodAutoscaler::new(&d, 2, 5).cpu_utilization(70)),
            )
        }
        "invalid-api-version" => (
            ok.clone()
                .with(CustomObject::new("traefik", "Middleware", "redirect")),
            ok.with(CustomObject::new(
                "traefik.io/v1alpha1",
                "Middleware",
                "redirect",
            )),
        ),
        "invalid-kind" => (
            ok.clone().with(CustomObject::new(
                "traefik.io/v1alpha1",
                "middleware",
                "redirect",
            )),
            ok.with(CustomObject::new(
                "traefik.io/v1alpha1",
                "Middleware",
                "redirect",
            )),
        ),
        "governing-service-not-headless" | "missing-governing-service" => {
            let db = StatefulSet::new("db", good());
            let bad = if id == "missing-governing-service" {
                stack_with(web(good())).with(db.clone())
            } else {
                stack_with(web(good()))
                    .with(Service::expose(&db))
                    .with(db.clone())
            };
            (
                bad,
                stack_with(web(good())).with(db.headless_service()).with(db),
            )
        }
        // References.
        "dangling-volume" => (
            stack_with(web(good().mount("data", "/data"))),
            stack_with(web(good().mount("data", "/data")).volume(Volume::empty_dir("data"))),
        ),
        "dangling-service-account" => {
            let sa = ServiceAccount::new("web");
            (
                stack_with(web(good()).service_account(&sa)),
                stack_with(web(good()).service_account(&sa)).with(sa),
            )
        }
        "dangling-persistent-volume-claim" => {
            let pvc = PersistentVolumeClaim::new("data", Storage::gibibytes(1));
            let d = web(good().mount("data", "/data"))
                .volume(Volume::persistent_volume_claim("data", &pvc));
            (stack_with(d.clone()), stack_with(d).with(pvc))
        }
        "dangling-scale-target" | "dangling-workload" => {
            let other = Deployment::new("other", good())
                .replicas(2)
                .one_replica_per_node();
            let extra: kubefit::Object = if id == "dangling-scale-target" {
                HorizontalPodAutoscaler::new(&other, 2, 5)
                    .cpu_utilization(70)
                    .into()
            } else {
                PodDisruptionBudget::new(&other)
                    .min_available(IntOrPercent::Count(1))
                    .into()
            };
            (ok.clone().with(extra.clone()), ok.with(other).with(extra))
        }
        "missing-tls-secret" => {
            let d = web(good());
            let svc = Service::expose(&d);
            let ingress = Ingress::new("web")
                .route("shop.example.com", "/", PathType::Prefix, &svc, "http")
                .tls(["shop.example.com"], "shop-tls");
            (
                stack_with(d.clone())
                    .with(svc.clone())
                    .with(ingress.clone()),
                stack_with(d)
                    .with(svc)
                    .with(ingress.annotation("cert-manager.io/cluster-issuer", "letsencrypt")),
            )
        }
        "secret-value-missing" => {
            let empty = DotEnv::parse("").unwrap();
            let set = DotEnv::parse("DB_PASSWORD=x\n").unwrap();
            (
                ok.clone()
                    .with(Secret::new("db").entry_from("password", &empty)),
                ok.with(Secret::new("db").entry_from("password", &set)),
            )
        }
        // Budget (judged by `check_on(platform_for(id))`).
        "does-not-fit" => (
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::cores(64), Memory::mebibytes(128))
                    .limits(Cpu::cores(64), Memory::mebibytes(256)),
            ))),
            ok,
        ),
        "does-not-fit-at-peak" => {
            let d = web(good());
            (
                stack_with(d.clone())
                    .with(HorizontalPodAutoscaler::new(&d, 1, 200).cpu_utilization(70)),
                stack_with(d.clone())
                    .with(HorizontalPodAutoscaler::new(&d, 1, 3).cpu_utilization(70)),
            )
        }
        "does-not-fit-during-rollout" => {
            // Two nodes of 2 allocatable-ish cores: two 1700m pods fit, a third (the surge) not.
            let big = |replicas| {
                stack_with(
                    web(good().resources(
                        Resources::new()
                            .requests(Cpu::millis(1700), Memory::mebibytes(128))
                            .limits(Cpu::millis(1700), Memory::mebibytes(256)),
                    ))
                    .replicas(replicas),
                )
            };
            (big(2), big(1))
        }
        "node-nearly-full" => {
            // One node of 1000m: 950m of requests (95%), or 900m (exactly 90%: not above).
            let sized = |cpu| {
                stack_with(
                    web(good().resources(
                        Resources::new()
                            .requests(Cpu::millis(cpu), Memory::mebibytes(128))
                            .limits(Cpu::millis(cpu), Memory::mebibytes(256)),
                    ))
                    .replicas(1)
                    .recreate(),
                )
            };
            (sized(950), sized(900))
        }
        "rollout-pods-pending" => {
            // One node of 2 cores: three 500m pods, then three surge pods (one waits) or one.
            let surge = |n| {
                stack_with(
                    web(good().resources(
                        Resources::new()
                            .requests(Cpu::millis(500), Memory::mebibytes(128))
                            .limits(Cpu::millis(500), Memory::mebibytes(256)),
                    ))
                    .replicas(3)
                    .rolling_update(IntOrPercent::Count(n), IntOrPercent::Count(1)),
                )
            };
            (surge(3), surge(1))
        }
        "scheduler-may-strand" => {
            // Two nodes of 1500m: two 650m pods spread over both, then a 1000m pod.
            let small = |cpu| {
                Deployment::new(
                    "small",
                    good().resources(
                        Resources::new()
                            .requests(Cpu::millis(cpu), Memory::mebibytes(128))
                            .limits(Cpu::millis(cpu), Memory::mebibytes(256)),
                    ),
                )
                .replicas(2)
                .recreate()
            };
            let big = web(good().resources(
                Resources::new()
                    .requests(Cpu::millis(1000), Memory::mebibytes(128))
                    .limits(Cpu::millis(1000), Memory::mebibytes(256)),
            ))
            .recreate();
            (
                stack_with(big.clone()).with(small(650)),
                stack_with(big).with(small(400)),
            )
        }
        "refused-by-admission" => {
            // good() limits each container to 250m of cpu.
            let capped = |cpu| {
                stack_with(web(good()))
                    .with(LimitRange::new("cap").max(Cpu::millis(cpu), Memory::mebibytes(512)))
            };
            (capped(200), capped(500))
        }
        "quota-exceeded" => {
            let quota =
                |pods| stack_with(web(good()).replicas(3)).with(ResourceQuota::new("q").pods(pods));
            (quota(2), quota(4))
        }
        "quota-limits-pods" => {
            // Three replicas, maxUnavailable 0: a rollout needs a fourth pod at once.
            let quota =
                |pods| stack_with(web(good()).replicas(3)).with(ResourceQuota::new("q").pods(pods));
            (quota(3), quota(4))
        }
        "node-runs-short" => {
            // oci-always-free: 1 core per node, 60m and 30m of it k3s's own; two add-ons of
            // 100m. Two 880m pods and the add-ons need the room k3s uses; two 800m pods do not.
            let sized = |cpu| {
                stack_with(
                    web(good().resources(
                        Resources::new()
                            .requests(Cpu::millis(cpu), Memory::mebibytes(128))
                            .limits(Cpu::millis(cpu), Memory::mebibytes(256)),
                    ))
                    .replicas(2)
                    .recreate(),
                )
            };
            (sized(880), sized(800))
        }
        "placement-undecided" => {
            // Pods of 20m, 30m, … 300m (4640m) on three nodes that each hold at most 1540m of
            // them (all multiples of 10m in 1549m): no placement exists, but proving it takes
            // the search past its budget. Without the 300m pod, first-fit places them all.
            let pods = |top: u64| {
                (2..=top).fold(Stack::new("shop"), |s, k| {
                    s.with(
                        Deployment::new(
                            format!("w{k}"),
                            good().resources(
                                Resources::new()
                                    .requests(Cpu::millis(10 * k), Memory::mebibytes(16))
                                    .limits(Cpu::millis(10 * k), Memory::mebibytes(16)),
                            ),
                        )
                        .recreate(),
                    )
                })
            };
            (pods(30), pods(29))
        }
        "beyond-cluster-limits" => (stack_with(web(good()).replicas(i32::MAX)), ok),
        "image-platform-mismatch" | "image-platform-unknown" => {
            // The team's own image on Oracle Always Free's arm64 nodes: built for amd64 only
            // (mismatch) or of unknown platforms (unknown); declared with arm64, both quiet.
            let own = || {
                let c = Container::new("web", "ghcr.io/acme/web:1.4")
                    .image_digest(DIGEST)
                    .port("http", 8080)
                    .resources(res())
                    .readiness(Probe::http("/", "http"))
                    .liveness(Probe::http("/", "http"));
                stack_with(web(c))
            };
            let declared = |arches: &[&str]| {
                own().image_platforms(ImagePlatforms::new("ghcr.io/acme/web", arches))
            };
            let bad = if id == "image-platform-mismatch" {
                declared(&["amd64"])
            } else {
                own()
            };
            (bad, declared(&["amd64", "arm64"]))
        }
        "control-plane-not-ha" => (ok.clone(), ok),
        "secrets-not-encrypted-at-rest" => {
            let secret = Secret::new("db").entry("password", SecretValue::new("s3cret"));
            (ok.clone().with(secret.clone()), ok.with(secret))
        }
        "tenancy-limit-exceeded" | "node-below-minimum" => (ok.clone(), ok),
        "priority-preemption" => {
            // Two 600m workloads on one node of 1 core (bad) or 2 (good): `api`, at priority
            // 1000, takes the room and `web` stays pending.
            let sized = |c: Container| {
                c.resources(
                    Resources::new()
                        .requests(Cpu::millis(600), Memory::mebibytes(128))
                        .limits(Cpu::millis(600), Memory::mebibytes(128)),
                )
            };
            let api = Deployment::new("api", sized(good())).priority_class("high");
            let s = stack_with(web(sized(good())).recreate())
                .with(PriorityClass::new("high", 1000))
                .with(api.recreate());
            (s.clone(), s)
        }
        "block-storage-exceeded" => (
            ok.clone()
                .with(PersistentVolumeClaim::new("data", Storage::gibibytes(500))),
            ok.with(PersistentVolumeClaim::new("data", Storage::gibibytes(20))),
        ),
        "load-balancers-exceeded" => {
            let d = web(good());
            (
                stack_with(d.clone())
                    .with(Service::expose(&d).load_balancer())
                    .with(
                        Service::new("web-2")
                            .select(&d)
                            .port("http", 80, "http")
                            .load_balancer(),
                    ),
                stack_with(d.clone()).with(Service::expose(&d)),
            )
        }
        "memory-limit-above-node" => (
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::millis(100), Memory::mebibytes(128))
                    .limits(Cpu::millis(250), Memory::gibibytes(64)),
            ))),
            ok,
        ),
        "limit-overcommit" => (
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::millis(100), Memory::mebibytes(128))
                    .limits(Cpu::cores(16), Memory::mebibytes(256)),
            ))),
            ok,
        ),
        "idle-reclamation-risk" => (
            ok,
            stack_with(web(good().resources(
                Resources::new()
                    .requests(Cpu::millis(600), Memory::mebibytes(128))
                    .limits(Cpu::millis(600), Memory::mebibytes(256)),
            ))),
        ),
        // Environments and suppressions.
        "unknown-override-target" => (ok.clone(), ok),
        "unknown-rule" => (stack_with(web(good()).suppress("no-such-rule", "x")), ok),
        "suppression-without-reason" => (stack_with(web(good()).suppress("pdb-missing", " ")), ok),
        "suppression-not-allowed" => (
            stack_with(web(good()).suppress("invalid-name", "we like it")),
            ok,
        ),
        "invalid-scheduling" => (
            ok.clone().with(
                Job::new("migrate", good())
                    .backoff_limit(2)
                    .spread(kubefit::TopologySpread::new("kubernetes.io/hostname", 0)),
            ),
            ok.with(
                Job::new("migrate", good())
                    .backoff_limit(2)
                    .spread(kubefit::TopologySpread::new("kubernetes.io/hostname", 1)),
            ),
        ),
        "invalid-extended-resource" => (
            stack_with(web(good().resources(res().extended("gpu", 1)))),
            stack_with(web(
                good().resources(res().hugepages("2Mi", Memory::mebibytes(2)))
            )),
        ),
        "invalid-service-type" => (
            ok.clone().with(
                Service::new("mqtt")
                    .port("mqtt", 1883, 1883)
                    .local_traffic(),
            ),
            ok.with(
                Service::new("mqtt")
                    .port("mqtt", 1883, 1883)
                    .node_port()
                    .fixed_node_port("mqtt", 31883)
                    .local_traffic(),
            ),
        ),
        "invalid-security-context" => (
            stack_with(
                web(good()).patch(|d: &mut k8s_openapi::api::apps::v1::Deployment| {
                    let pod = d.spec.template.spec.get_or_insert_default();
                    let sc = pod.containers[0].security_context.get_or_insert_default();
                    sc.privileged = Some(true);
                }),
            ),
            ok,
        ),
        // RBAC and priority classes.
        "dangling-role" => {
            let sa = ServiceAccount::new("operator");
            let role = Role::new("operator")
                .allow(Permission::on(["apps"], ["deployments"]).verbs(["get", "patch"]));
            (
                ok.clone()
                    .with(sa.clone())
                    .with(RoleBinding::new("operator", &role).service_account(&sa)),
                ok.with(sa.clone())
                    .with(role.clone())
                    .with(RoleBinding::new("operator", &role).service_account(&sa)),
            )
        }
        "rbac-wildcard" => (
            ok.clone()
                .with(Role::new("everything").allow(Permission::on(["*"], ["*"]).verbs(["*"]))),
            ok.with(Role::new("reader").allow(Permission::on([""], ["configmaps"]).verbs(["get"]))),
        ),
        "rbac-cluster-admin" => {
            let sa = ServiceAccount::new("ops");
            (
                ok.clone().with(sa.clone()).with(
                    RoleBinding::cluster_role("ops", "cluster-admin")
                        .cluster_wide()
                        .service_account(&sa),
                ),
                ok.with(sa.clone())
                    .with(RoleBinding::cluster_role("ops", "view").service_account(&sa)),
            )
        }
        "rbac-secrets-access" => (
            ok.clone().with(
                Role::new("secret-reader")
                    .allow(Permission::on([""], ["secrets"]).verbs(["get", "list"])),
            ),
            ok.with(
                Role::new("secret-reader").allow(
                    Permission::on([""], ["secrets"])
                        .verbs(["get"])
                        .names(["app-credentials"]),
                ),
            ),
        ),
        "unknown-priority-class" => (
            ok.clone().with(
                Job::new("migrate", good())
                    .backoff_limit(2)
                    .priority_class("batch-high"),
            ),
            ok.with(PriorityClass::new("batch-high", 1000)).with(
                Job::new("migrate", good())
                    .backoff_limit(2)
                    .priority_class("batch-high"),
            ),
        ),
        "unknown-runtime-class" => {
            let runc = k8s_openapi::api::node::v1::RuntimeClass {
                metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                    name: Some("runc-plain".into()),
                    ..Default::default()
                },
                handler: "runc".into(),
                ..Default::default()
            };
            (
                ok.clone().with(
                    Job::new("migrate", good())
                        .backoff_limit(2)
                        .runtime_class("runc-plain"),
                ),
                ok.with_k8s(&runc).with(
                    Job::new("migrate", good())
                        .backoff_limit(2)
                        .runtime_class("runc-plain"),
                ),
            )
        }
        // The escape hatches.
        "builtin-kind-as-custom" => (
            ok.clone()
                .with(CustomObject::new("batch/v1", "Job", "migrate")),
            ok.with(Job::new("migrate", good()).backoff_limit(2)),
        ),
        "unreadable-object" => (
            ok.clone().with_k8s(&k8s_job("lots")),
            ok.with_k8s(&k8s_job("100m")),
        ),
        "not-modelled" => (
            ok.clone()
                .with(Job::new("migrate", good()).backoff_limit(2).patch(
                    |j: &mut k8s_openapi::api::batch::v1::Job| {
                        let spec = j.spec.get_or_insert_default();
                        let pod = spec.template.spec.get_or_insert_default();
                        pod.share_process_namespace = Some(true);
                    },
                )),
            ok.with(Job::new("migrate", good()).backoff_limit(2)),
        ),
        other => panic!("no test case for rule {other}: add one"),
    }
}

/// A hardened Job as a k8s-openapi object, its container asking for `cpu`.
pub fn k8s_job(cpu: &str) -> k8s_openapi::api::batch::v1::Job {
    let mut job = Job::new("seed", good()).backoff_limit(1);
    job = job.restart_on_failure();
    let mut k: k8s_openapi::api::batch::v1::Job = match Stack::new("shop")
        .with(job)
        .emit(&kubefit::EmitOptions::new())
        .unwrap()
        .documents()[1]
        .object()
    {
        kubefit::K8sObject::Job(j) => (**j).clone(),
        other => panic!("not a job: {other:?}"),
    };
    let pod = k.spec.as_mut().unwrap().template.spec.as_mut().unwrap();
    let r = pod.containers[0].resources.as_mut().unwrap();
    for m in [r.requests.as_mut().unwrap(), r.limits.as_mut().unwrap()] {
        m.insert(
            "cpu".into(),
            k8s_openapi::apimachinery::pkg::api::resource::Quantity(cpu.into()),
        );
    }
    k.metadata.namespace = None;
    k
}

trait WithImage {
    fn clone_with_image(self, image: &str) -> Self;
}
impl WithImage for Container {
    fn clone_with_image(self, image: &str) -> Self {
        let mut fresh = Container::new("web", image)
            .port("http", 8080)
            .resources(res())
            .readiness(Probe::http("/", "http"))
            .liveness(Probe::http("/", "http"));
        if image.contains('@') {
            fresh = fresh.image_digest(DIGEST);
        }
        fresh
    }
}

/// The platform a budget rule is judged on: its bad stack's (the tenancy rule's bad case is
/// the platform itself) and its good stack's.
pub fn platforms(id: &str) -> (Platform, Platform) {
    let free = Platform::oci_always_free();
    match id {
        "priority-preemption" => {
            let node = |cores| {
                Platform::new("lab", "one node", "2026-12")
                    .without_addons()
                    .pool(NodePool::new(
                        "n",
                        1,
                        Cpu::cores(cores),
                        Memory::gibibytes(4),
                    ))
            };
            (node(1), node(2))
        }
        // Oracle Cloud Always Free now: a 1-OCPU k3s server; one 2-OCPU server meets the
        // documented minimum.
        "control-plane-not-ha" => (
            free.clone()
                .control_plane(ControlPlane::k3s(1).datastore(Datastore::EmbeddedEtcd)),
            free.control_plane(ControlPlane::k3s(3)),
        ),
        "secrets-not-encrypted-at-rest" => (
            free.clone(),
            free.control_plane(ControlPlane::k3s(1).secrets_encryption(true)),
        ),
        "node-below-minimum" => (
            free,
            Platform::k3s(
                Cpu::cores(2),
                Memory::gibibytes(12),
                0,
                Cpu::ZERO,
                Memory::ZERO,
            ),
        ),
        "tenancy-limit-exceeded" => (
            Platform::new("lab", "too many nodes", "2026-11")
                .tenancy_limit(TenancyLimit::new(
                    "A1",
                    Cpu::cores(4),
                    Memory::gibibytes(24),
                ))
                .pool(
                    NodePool::new("a", 3, Cpu::cores(2), Memory::gibibytes(12)).tenancy_pool("A1"),
                ),
            free,
        ),
        "load-balancers-exceeded" => {
            let one = Platform::new("lab", "one load balancer", "2026-11")
                .pool(NodePool::new("a", 1, Cpu::cores(4), Memory::gibibytes(8)))
                .load_balancers(1);
            (one.clone(), one)
        }
        "placement-undecided" => {
            let three = Platform::new("lab", "three nodes", "2026-12").pool(
                NodePool::new("a", 3, Cpu::millis(1549), Memory::gibibytes(8))
                    .reserved(kubefit::Reserved::none()),
            );
            (three.clone(), three)
        }
        "scheduler-may-strand" => {
            let two = Platform::new("lab", "two nodes", "2026-12").pool(
                NodePool::new("a", 2, Cpu::millis(1500), Memory::gibibytes(8))
                    .reserved(kubefit::Reserved::none()),
            );
            (two.clone(), two)
        }
        "node-nearly-full" => {
            let one = Platform::new("lab", "one node", "2026-12").pool(
                NodePool::new("a", 1, Cpu::millis(1000), Memory::gibibytes(8))
                    .reserved(kubefit::Reserved::none()),
            );
            (one.clone(), one)
        }
        "rollout-pods-pending" => {
            let one = Platform::new("lab", "one node", "2026-12").pool(
                NodePool::new("a", 1, Cpu::cores(2), Memory::gibibytes(8))
                    .reserved(kubefit::Reserved::none()),
            );
            (one.clone(), one)
        }
        "does-not-fit-during-rollout" => {
            let two = Platform::new("lab", "two nodes", "2026-11").pool(NodePool::new(
                "a",
                2,
                Cpu::cores(2),
                Memory::gibibytes(8),
            ));
            (two.clone(), two)
        }
        _ => (free.clone(), free),
    }
}

/// The rules judged by `check_on(platform)` rather than `check()`.
pub const BUDGET_RULES: [&str; 23] = [
    "does-not-fit",
    "control-plane-not-ha",
    "secrets-not-encrypted-at-rest",
    "image-platform-mismatch",
    "image-platform-unknown",
    "priority-preemption",
    "node-below-minimum",
    "node-runs-short",
    "placement-undecided",
    "quota-exceeded",
    "quota-limits-pods",
    "scheduler-may-strand",
    "node-nearly-full",
    "does-not-fit-at-peak",
    "does-not-fit-during-rollout",
    "rollout-pods-pending",
    "beyond-cluster-limits",
    "tenancy-limit-exceeded",
    "block-storage-exceeded",
    "load-balancers-exceeded",
    "memory-limit-above-node",
    "limit-overcommit",
    "idle-reclamation-risk",
];

/// The unsuppressed findings a rule is judged by, for its bad (`bad`) or good stack: the
/// check, on the rule's platform for the budget rules, through an environment for the
/// override rule.
pub fn findings(id: &str, stack: &Stack, bad: bool) -> (Vec<String>, String) {
    let (bad_platform, good_platform) = platforms(id);
    let report = if id == "unknown-override-target" {
        let target = if bad { "nope" } else { "web" };
        stack.check_environment(&Environment::new("prod").replicas(target, 2))
    } else if BUDGET_RULES.contains(&id) {
        stack.check_on(if bad { &bad_platform } else { &good_platform })
    } else {
        stack.check()
    };
    let ids = report
        .diagnostics()
        .iter()
        .filter(|d| d.suppressed.is_none())
        .map(|d| d.id.to_string())
        .collect();
    (ids, report.to_string())
}
