//! Every structural check: one stack that trips it, with the exact message
//! (inline snapshots, reviewed), and the sample stacks stay clean.

mod common;

use kubefit::{
    ConfigMap, Container, Cpu, Deployment, HorizontalPodAutoscaler, Ingress, Memory, NetworkPolicy,
    PathType, PersistentVolumeClaim, PodDisruptionBudget, Probe, Resources, Secret, SecretValue,
    Service, ServiceAccount, Stack, StatefulSet, Storage, Volume,
};

fn web() -> Deployment {
    Deployment::new(
        "web",
        Container::new("web", "nginx:1.27").port("http", 8080),
    )
}

/// The structural findings (lints are tested in tests/lints.rs).
fn errors(stack: &Stack) -> String {
    let lint =
        |id: &str| kubefit::rule(id).is_some_and(|r| r.group == kubefit::RuleGroup::Practice);
    stack
        .check()
        .diagnostics()
        .iter()
        .filter(|d| !lint(&d.id))
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn sample_stacks_are_clean() {
    for (name, stack) in common::all_stacks() {
        common::assert_clean(name, &stack);
    }
}

#[test]
fn invalid_names_say_which_rule_failed() {
    let stack = Stack::new("Shop")
        .with(Deployment::new(
            "Web_App",
            Container::new("web", "nginx:1.27"),
        ))
        .with(
            Service::new("1web")
                .port("http", 80, 80)
                .selector_label("x", "y"),
        )
        .with(ConfigMap::new("cfg").entry("bad key", "v"));
    insta::assert_snapshot!(errors(&stack), @"
    error[invalid-key] configmap/cfg: data.bad key: `bad key` is not a valid config key: it must consist of letters, digits, '-', '_' or '.' (fix: rename the key)
    error[invalid-name] deployment/Web_App: metadata.name: `Web_App` is not a valid dns-1123 subdomain: it must consist of lowercase letters, digits, '-' and '.', and each dot-separated part must start and end with a letter or digit (e.g. `example.com`) (fix: rename it to follow the rule the message names)
    error[invalid-name] namespace/Shop: metadata.name: `Shop` is not a valid dns-1123 label: it must consist of lowercase letters, digits and '-', and start and end with a letter or digit (e.g. `my-name`) (fix: rename it to follow the rule the message names)
    error[invalid-name] service/1web: metadata.name: `1web` is not a valid rfc 1035 label: it must consist of lowercase letters, digits and '-', start with a letter and end with a letter or digit (e.g. `my-name`) (fix: rename it to follow the rule the message names)
    error[service-selects-nothing] service/1web: spec.selector: selector x=y matches no workload in the stack (fix: build it with Service::expose(&workload) or .select(&workload))
    ");
}

#[test]
fn reserved_namespace_is_refused() {
    insta::assert_snapshot!(errors(&Stack::new("default")), @r#"error[reserved-namespace] namespace/default: metadata.name: namespace `default` is shared with the cluster; stacks get their own (fix: pick a namespace named after the application, e.g. Stack::new("shop"))"#);
}

#[test]
fn duplicate_names_per_kind() {
    let stack = Stack::new("shop")
        .with(ConfigMap::new("cfg"))
        .with(ConfigMap::new("cfg"))
        .with(Secret::new("cfg"))
        .with(
            Deployment::new(
                "web",
                Container::new("web", "nginx:1.27")
                    .port("http", 80)
                    .port("http", 81),
            )
            .container(Container::new("web", "nginx:1.27")),
        );
    insta::assert_snapshot!(errors(&stack), @"
    error[duplicate-name] configmap/cfg: metadata.name: two configmap objects are named `cfg` (fix: rename one of them)
    error[duplicate-name] deployment/web: spec.template.spec.containers[0].ports[1].name: port name `http` is used twice in the pod (fix: rename one of them)
    error[duplicate-name] deployment/web: spec.template.spec.containers[1].name: container name `web` is used twice in the pod (fix: rename one of them)
    ");
}

#[test]
fn selector_must_match_pod_labels() {
    let stack = Stack::new("shop").with(web().selector_label("tier", "web"));
    insta::assert_snapshot!(errors(&stack), @"error[selector-mismatch] deployment/web: spec.selector.matchLabels.tier: selector `tier=web` does not match the pod template labels (fix: add the label with .pod_label or drop the selector override)");
}

#[test]
fn invalid_labels_and_annotations() {
    let stack = Stack::new("shop").with(
        ConfigMap::new("cfg")
            .label("bad key!", "v")
            .label("ok", "this value has spaces")
            .annotation("/nope", "x"),
    );
    insta::assert_snapshot!(errors(&stack), @"
    error[invalid-annotation] configmap/cfg: metadata.annotations./nope: `/nope` is not a valid label key: its prefix before '/' must be a dns-1123 subdomain (e.g. `example.com/name`) (fix: use a key like `example.com/name`)
    error[invalid-label] configmap/cfg: metadata.labels.bad key!: `bad key!` is not a valid label key: its name part must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit (fix: use a key like `app.kubernetes.io/name`, and a value of at most 63 letters, digits, `-`, `_` or `.` that starts and ends with a letter or digit)
    error[invalid-label] configmap/cfg: metadata.labels.ok: `this value has spaces` is not a valid label value: it must be empty or consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit (fix: use a key like `app.kubernetes.io/name`, and a value of at most 63 letters, digits, `-`, `_` or `.` that starts and ends with a letter or digit)
    ");
}

#[test]
fn service_selects_nothing() {
    let other = Deployment::new(
        "api",
        Container::new("api", "nginx:1.27").port("http", 8080),
    );
    let stack = Stack::new("shop").with(web()).with(Service::expose(&other));
    insta::assert_snapshot!(errors(&stack), @"error[service-selects-nothing] service/api: spec.selector: selector app.kubernetes.io/name=api matches no workload in the stack (fix: build it with Service::expose(&workload) or .select(&workload))");
}

#[test]
fn service_target_port_not_exposed_by_pods() {
    let w = web();
    let stack = Stack::new("shop")
        .with(
            Service::new("web")
                .select(&w)
                .port("http", 80, "https")
                .port("admin", 81, 9000),
        )
        .with(w);
    insta::assert_snapshot!(errors(&stack), @"
    error[target-port-mismatch] service/web: spec.ports[0].targetPort: target port `https` is not a container port of the selected pods (fix: target a declared container port)
    error[target-port-mismatch] service/web: spec.ports[1].targetPort: target port `9000` is not a container port of the selected pods (fix: target a declared container port)
    ");
}

#[test]
fn service_without_ports_or_selector() {
    let stack = Stack::new("shop").with(Service::new("empty"));
    insta::assert_snapshot!(errors(&stack), @"
    error[service-without-ports] service/empty: spec.ports: the service exposes no port (fix: add a port with .port(...) or build it with Service::expose(&workload))
    warning[service-without-selector] service/empty: spec.selector: the service has no selector, so it routes to no pod unless endpoints are managed by hand (fix: select a workload with .select(&workload))
    ");
}

#[test]
fn ingress_backend_missing_or_port_not_exposed_and_tls_secret_missing() {
    let w = web();
    let svc = Service::expose(&w);
    let ghost = Service::new("ghost").port("http", 80, 80);
    let stack = Stack::new("shop")
        .with(w)
        .with(svc.clone())
        .with(
            Ingress::new("web")
                .route("shop.example.com", "/", PathType::Prefix, &svc, "https")
                .route("shop.example.com", "api", PathType::Prefix, &ghost, "http")
                .route("Bad_Host", "/", PathType::Exact, &svc, 8080)
                .tls(["shop.example.com"], "shop-tls"),
        )
        .with(Ingress::new("empty"));
    insta::assert_snapshot!(errors(&stack), @"
    error[ingress-without-routes] ingress/empty: spec.rules: the ingress has no route (fix: add a route with .route(...))
    error[ingress-port-mismatch] ingress/web: spec.rules[0].http.paths[0].backend.service.port: service `web` does not expose port `https` (fix: route to a port the Service exposes)
    error[dangling-service] ingress/web: spec.rules[0].http.paths[1].backend.service.name: service `ghost` is not in the stack (fix: add the Service to the stack)
    error[invalid-path] ingress/web: spec.rules[0].http.paths[1].path: path `api` does not start with '/' (fix: start the path with `/`)
    error[invalid-host] ingress/web: spec.rules[1].host: host `Bad_Host` is not a valid dns name (fix: use a lowercase dns name such as `shop.example.com`)
    error[missing-tls-secret] ingress/web: spec.tls[0].secretName: tls secret `shop-tls` is not in the stack (fix: add the secret, or annotate the ingress with cert-manager.io/cluster-issuer so cert-manager creates it)
    ");
}

#[test]
fn tls_secret_created_by_cert_manager_is_fine() {
    let w = web();
    let svc = Service::expose(&w);
    let stack = Stack::new("shop").with(w).with(svc.clone()).with(
        Ingress::new("web")
            .annotation("cert-manager.io/cluster-issuer", "letsencrypt")
            .route("shop.example.com", "/", PathType::Prefix, &svc, "http")
            .tls(["shop.example.com"], "shop-tls"),
    );
    assert_eq!(errors(&stack), "");
}

#[test]
fn env_envfrom_and_volume_references() {
    let cfg = ConfigMap::new("cfg").entry("a", "1");
    let secret = Secret::new("creds").entry("user", SecretValue::new("u"));
    let absent_cm = ConfigMap::new("absent");
    let absent_secret = Secret::new("absent-secret");
    let absent_pvc = PersistentVolumeClaim::new("absent-claim", Storage::gibibytes(1));
    let stack = Stack::new("shop")
        .with(cfg.clone())
        .with(secret.clone())
        .with(
            Deployment::new(
                "web",
                Container::new("web", "nginx:1.27")
                    .env_from_config_map_key("A", &cfg, "missing")
                    .env_from_secret_key("PASSWORD", &secret, "password")
                    .env_from_config_map_key("B", &absent_cm, "b")
                    .env_from_secret(&absent_secret)
                    .env("1BAD", "x")
                    .mount("nowhere", "/data")
                    .mount("cfg", "relative")
                    .mount("cfg", "relative"),
            )
            .volume(Volume::config_map("cfg", &absent_cm))
            .volume(Volume::secret("sec", &absent_secret))
            .volume(Volume::persistent_volume_claim("claim", &absent_pvc))
            .service_account(&ServiceAccount::new("robot")),
        );
    insta::assert_snapshot!(errors(&stack), @"
    error[dangling-secret] deployment/web: spec.template.spec.containers[0].envFrom[0].secretRef.name: secret `absent-secret` is not in the stack (fix: add the Secret to the stack)
    error[missing-config-map-key] deployment/web: spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef: configmap `cfg` has no key `missing` (it has: a) (fix: add the key or fix its name)
    error[missing-secret-key] deployment/web: spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef: secret `creds` has no key `password` (fix: add the key or fix its name)
    error[dangling-config-map] deployment/web: spec.template.spec.containers[0].env[2].valueFrom.configMapKeyRef: configmap `absent` is not in the stack (fix: add the ConfigMap to the stack)
    error[invalid-name] deployment/web: spec.template.spec.containers[0].env[3].name: `1BAD` is not a valid environment variable name: it must consist of letters, digits, '_', '-' or '.', and must not start with a digit (e.g. `MY_VAR`) (fix: rename it to follow the rule the message names)
    error[dangling-volume] deployment/web: spec.template.spec.containers[0].volumeMounts[0].name: volume `nowhere` is not a volume of this pod (fix: add the volume to the workload with .volume(...) or fix the name)
    error[duplicate-mount-path] deployment/web: spec.template.spec.containers[0].volumeMounts[2].mountPath: mount path `relative` is used twice (fix: mount each path once)
    error[dangling-service-account] deployment/web: spec.template.spec.serviceAccountName: serviceaccount `robot` is not in the stack (fix: add the ServiceAccount to the stack, or suppress with a reason if another tool creates it)
    error[dangling-config-map] deployment/web: spec.template.spec.volumes[0].configMap.name: configmap `absent` is not in the stack (fix: add the ConfigMap to the stack)
    error[dangling-secret] deployment/web: spec.template.spec.volumes[1].secret.secretName: secret `absent-secret` is not in the stack (fix: add the Secret to the stack)
    error[dangling-persistent-volume-claim] deployment/web: spec.template.spec.volumes[2].persistentVolumeClaim.claimName: persistentvolumeclaim `absent-claim` is not in the stack (fix: add the claim to the stack or fix the reference)
    warning[relative-mount-path] deployment/web: spec.template.spec.containers[0].volumeMounts[1].mountPath: mount path `relative` is not absolute; the kubelet mounts it at `/relative` (fix: write the absolute path, e.g. `/data`)
    warning[relative-mount-path] deployment/web: spec.template.spec.containers[0].volumeMounts[2].mountPath: mount path `relative` is not absolute; the kubelet mounts it at `/relative` (fix: write the absolute path, e.g. `/data`)
    ");
}

#[test]
fn probe_port_must_be_a_container_port() {
    let stack = Stack::new("shop").with(Deployment::new(
        "web",
        Container::new("web", "nginx:1.27")
            .port("http", 8080)
            .readiness(Probe::http("/", "metrics"))
            .liveness(Probe::tcp(9999))
            .startup(Probe::grpc(8080)),
    ));
    insta::assert_snapshot!(errors(&stack), @"
    error[probe-port-mismatch] deployment/web: spec.template.spec.containers[0].livenessProbe: probe port `9999` is not a port of container `web` (fix: declare the port with Container::port or probe one it declares)
    error[probe-port-mismatch] deployment/web: spec.template.spec.containers[0].readinessProbe: probe port `metrics` is not a port of container `web` (fix: declare the port with Container::port or probe one it declares)
    ");
}

#[test]
fn request_greater_than_limit() {
    let stack = Stack::new("shop").with(Deployment::new(
        "api",
        Container::new("api", "nginx:1.27").resources(
            Resources::new()
                .requests(Cpu::millis(500), Memory::gibibytes(1))
                .limits(Cpu::millis(250), Memory::mebibytes(512))
                .ephemeral_storage(Memory::gibibytes(2), Memory::gibibytes(1)),
        ),
    ));
    insta::assert_snapshot!(errors(&stack), @"
    error[request-exceeds-limit] deployment/api: spec.template.spec.containers[0].resources.requests.cpu: cpu request 500m is greater than its limit 250m (fix: lower the request or raise the limit)
    error[request-exceeds-limit] deployment/api: spec.template.spec.containers[0].resources.requests.ephemeral-storage: ephemeral-storage request 2Gi is greater than its limit 1Gi (fix: lower the request or raise the limit)
    error[request-exceeds-limit] deployment/api: spec.template.spec.containers[0].resources.requests.memory: memory request 1Gi is greater than its limit 512Mi (fix: lower the request or raise the limit)
    ");
}

#[test]
fn autoscaler_bounds_and_target() {
    let w = web();
    let missing = Deployment::new("gone", Container::new("gone", "nginx:1.27"));
    let stack = Stack::new("shop")
        .with(HorizontalPodAutoscaler::new(&w, 5, 2).cpu_utilization(70))
        .with(HorizontalPodAutoscaler::new(&missing, 0, 3))
        .with(w);
    insta::assert_snapshot!(errors(&stack), @"
    error[invalid-replicas] horizontalpodautoscaler/gone: spec.minReplicas: minReplicas is 0 (fix: use zero or more replicas, and at least 1 as an autoscaler's minimum)
    error[dangling-scale-target] horizontalpodautoscaler/gone: spec.scaleTargetRef.name: deployment/gone is not in the stack (fix: add the workload to the stack)
    error[hpa-min-exceeds-max] horizontalpodautoscaler/web: spec.minReplicas: minReplicas 5 is greater than maxReplicas 2 (fix: make minReplicas at most maxReplicas)
    warning[hpa-without-metrics] horizontalpodautoscaler/gone: spec.metrics: no metric is set, so the autoscaler falls back to 80% cpu (fix: set .cpu_utilization(...) or .memory_utilization(...))
    ");
}

#[test]
fn statefulset_needs_its_governing_service() {
    let db = StatefulSet::new(
        "db",
        Container::new("db", "postgres:16.4").mount("data", "/data"),
    )
    .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(1)));
    assert_eq!(
        errors(
            &Stack::new("shop")
                .with(db.clone())
                .with(db.headless_service())
        ),
        ""
    );
    let plain = Service::new("db").select(&db).port("postgres", 5432, 5432);
    insta::assert_snapshot!(errors(&Stack::new("shop").with(db.clone())), @"error[missing-governing-service] statefulset/db: spec.serviceName: service `db` is not in the stack (fix: add statefulset.headless_service() to the stack)");
    insta::assert_snapshot!(errors(&Stack::new("shop").with(db).with(plain)), @"
    error[target-port-mismatch] service/db: spec.ports[0].targetPort: target port `5432` is not a container port of the selected pods (fix: target a declared container port)
    warning[governing-service-not-headless] statefulset/db: spec.serviceName: service `db` is not headless, so pods get no stable dns names (fix: use statefulset.headless_service())
    ");
}

#[test]
fn references_to_missing_workloads() {
    let w = web();
    let stack = Stack::new("shop")
        .with(PodDisruptionBudget::new(&w))
        .with(NetworkPolicy::allow(&w, &w, "http"));
    insta::assert_snapshot!(errors(&stack), @"
    error[dangling-workload] networkpolicy/allow-web-to-web: spec.ingress[0].from[0].podSelector: deployment/web is not in the stack (fix: add the workload to the stack)
    error[dangling-workload] networkpolicy/allow-web-to-web: spec.podSelector: deployment/web is not in the stack (fix: add the workload to the stack)
    error[dangling-workload] poddisruptionbudget/web: spec.selector: deployment/web is not in the stack (fix: add the workload to the stack)
    ");
}

#[test]
fn every_problem_is_reported_at_once() {
    let stack = Stack::new("default")
        .with(Deployment::new("Bad", Container::new("x", "")))
        .with(
            Service::new("svc")
                .port("http", 80, 80)
                .selector_label("nope", "nope"),
        );
    let report = stack.check();
    assert_eq!(report.error_count(), 4, "{report}");
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["errors"], 4);
    assert_eq!(json["diagnostics"][0]["severity"], "error");
    assert!(json["diagnostics"][0]["path"].is_string());
}

#[test]
fn custom_objects_need_a_group_version_and_a_kind() {
    let stack = Stack::new("shop")
        .with(kubefit::CustomObject::new("v1", "Widget", "w"))
        .with(kubefit::CustomObject::new(
            "example.com/v1",
            "widget-thing",
            "x",
        ))
        .with(kubefit::CustomObject::new(
            "example.com/v1",
            "Widget",
            "Bad_Name",
        ));
    insta::assert_snapshot!(errors(&stack), @"
    error[invalid-kind] widget-thing/x: kind: kind `widget-thing` is not a CamelCase kind name (fix: write the kind as the CRD defines it, e.g. `Middleware`)
    error[invalid-name] widget/Bad_Name: metadata.name: `Bad_Name` is not a valid dns-1123 subdomain: it must consist of lowercase letters, digits, '-' and '.', and each dot-separated part must start and end with a letter or digit (e.g. `example.com`) (fix: rename it to follow the rule the message names)
    error[invalid-api-version] widget/w: apiVersion: apiVersion `v1` is not `group/version` of a custom resource (fix: write it as the CRD defines it, e.g. `traefik.io/v1alpha1`)
    ");
}

#[test]
fn secrets_created_by_external_secrets_and_certificates_count_with_their_keys() {
    // Handles only: the cluster creates these Secrets, the stack does not carry them.
    let db = Secret::new("db");
    let tls = Secret::new("app-tls");
    let app = Deployment::new(
        "app",
        Container::new("app", "nginx:1.27")
            .env_from_secret_key("DB_PASSWORD", &db, "password")
            .env_from_secret_key("DB_USER", &db, "user")
            .env_from_secret_key("CERT", &tls, "tls.crt"),
    )
    .volume(Volume::secret("tls", &tls));
    let stack = Stack::new("shop")
        .with(kubefit::external_secret(
            "db",
            "vault",
            "db",
            &[("password", "shop/db", "password")],
        ))
        .with(kubefit::certificate(
            "app",
            &["app.example.com"],
            "app-tls",
            "letsencrypt",
        ))
        .with(app);
    insta::assert_snapshot!(errors(&stack), @"error[missing-secret-key] deployment/app: spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef: secret `db` (created by externalsecret/db) has no key `user` (fix: add the key or fix its name)");
}

/// `invalid-image-digest`: a sha256 digest is 64 lowercase hex digits (what containerd's
/// reference parser accepts through go-digest); a malformed one is refused by the kubelet
/// (InvalidImageName), an all-zero one is a placeholder no registry serves.
#[test]
fn image_digests_are_real_or_reported() {
    let digest_finding = |image: &str| {
        let stack = kubefit::Stack::new("shop").with(kubefit::Deployment::new(
            "web",
            kubefit::Container::new("web", image),
        ));
        stack
            .check()
            .with_id("invalid-image-digest")
            .map(|d| d.message.clone())
            .next()
    };
    let real = "nginx:1.27@sha256:65e3e85dbaed8ba248841d9d58a899b6197106c23cb0ff1a132b7bfe0547e4c0";
    assert_eq!(digest_finding(real), None);
    assert_eq!(digest_finding("nginx:1.27"), None);
    let zeros = format!("nginx:1.27@sha256:{}", "0".repeat(64));
    assert!(
        digest_finding(&zeros)
            .unwrap()
            .contains("placeholder no registry serves")
    );
    for bad in [
        "nginx@sha256:abc",
        &real
            .to_uppercase()
            .replace("NGINX:1.27@SHA256", "nginx:1.27@sha256"),
    ] {
        let m = digest_finding(bad).unwrap_or_else(|| panic!("{bad} passed"));
        assert!(m.contains("InvalidImageName"), "{m}");
    }
}

/// `implausible-quantity` on manifests as people write them: a memory suffix on cpu and a
/// memory without a suffix (bytes) are valid quantities the API server admits, and neither
/// pod runs. (`memory: 512m`, half a byte, is not a whole number of bytes: `unreadable-object`.)
#[test]
fn suffix_mistakes_in_quantities_are_reported() {
    let yaml = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources:
          requests: {cpu: 128Mi, memory: 128}
          limits: {cpu: 128Mi, memory: 512Mi}
";
    let stack = kubefit::Stack::from_manifests(yaml.as_bytes()).unwrap();
    let found: Vec<(String, String)> = stack
        .check()
        .with_id("implausible-quantity")
        .map(|d| (d.path.clone(), d.message.clone()))
        .collect();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found.iter().any(|(p, m)| p
        == "spec.template.spec.containers[0].resources.requests.cpu"
        && m.contains("134217728 cores")
        && m.contains("a memory suffix")));
    assert!(found.iter().any(|(p, m)| p
        == "spec.template.spec.containers[0].resources.requests.memory"
        && m.contains("of 128 byte(s)")));
}

/// `runs-as-root` names the uid a well-known image is built to run as (docker-library's
/// postgres user, 999), and says nothing it does not know.
#[test]
fn runs_as_root_suggests_the_images_own_user() {
    use kubefit::{Container, Deployment, Stack};
    let message = |image: &str| {
        Stack::new("shop")
            .with(Deployment::new(
                "db",
                Container::new("db", image).run_as_user(0),
            ))
            .check()
            .with_id("runs-as-root")
            .find(|d| d.path.ends_with("containers[0].securityContext.runAsUser"))
            .map(|d| d.message.clone())
            .unwrap()
    };
    assert_eq!(
        message("postgres:17.2"),
        "container `db` runs as root (uid 0); its image is built to run as uid 999 (the image's postgres user): Container::run_as_user(999)"
    );
    assert_eq!(
        message("ghcr.io/acme/db:1.0"),
        "container `db` runs as root (uid 0)"
    );
}

/// An env list is keyed by name: a second `POSTGRES_DB` hides the first, and server-side
/// apply (the real control plane of the tests, Flux) refuses the object — the quickstart
/// once carried one.
#[test]
fn an_environment_variable_set_twice_is_a_duplicate() {
    let stack = Stack::new("shop").with(Deployment::new(
        "db",
        Container::new("db", "postgres:16.4")
            .env("POSTGRES_DB", "shop")
            .env("POSTGRES_DB", "shop"),
    ));
    insta::assert_snapshot!(errors(&stack), @"error[duplicate-name] deployment/db: spec.template.spec.containers[0].env[1].name: container `db` sets environment variable `POSTGRES_DB` twice: the later value hides the earlier, and server-side apply refuses the object; keep one (fix: rename one of them)");
}
