//! The rule table: every check and lint kubefit runs, with its equivalents in kube-linter,
//! Polaris, kube-score and checkov.

use std::fmt::Write as _;

use crate::diagnostic::Severity;

/// One rule: a stable id, its severity, why it matters, how to fix it, what the other tools
/// call it, and a bad and a good example.
///
/// ```
/// let rule = kubefit::rule("liveness-probe-missing").unwrap();
/// assert_eq!(rule.checkov, &["CKV_K8S_8"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case id (what diagnostics and suppressions use).
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// One line: what it checks.
    pub summary: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// kube-linter check names.
    pub kube_linter: &'static [&'static str],
    /// Polaris check names.
    pub polaris: &'static [&'static str],
    /// kube-score check names.
    pub kube_score: &'static [&'static str],
    /// checkov check ids.
    pub checkov: &'static [&'static str],
    /// A builder snippet that triggers it.
    pub bad: &'static str,
    /// The same snippet, fixed.
    pub good: &'static str,
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;
const I: Severity = Severity::Info;

macro_rules! rule {
    ($id:literal, $sev:expr, $summary:literal, $why:literal, $fix:literal,
     [$($kl:literal),*], [$($po:literal),*], [$($ks:literal),*], [$($ck:literal),*],
     $bad:literal, $good:literal) => {
        Rule {
            id: $id,
            severity: $sev,
            summary: $summary,
            rationale: $why,
            fix: $fix,
            kube_linter: &[$($kl),*],
            polaris: &[$($po),*],
            kube_score: &[$($ks),*],
            checkov: &[$($ck),*],
            bad: $bad,
            good: $good,
        }
    };
}

static RULES: &[Rule] = &[
    rule!(
        "cpu-request-missing",
        W,
        "every container sets a cpu request",
        "without a request the scheduler reserves nothing, so pods pile onto one node and starve under load; budgets cannot count them",
        "set Resources::requests(cpu, memory)",
        ["unset-cpu-requirements"],
        ["cpuRequestsMissing"],
        ["container-resources"],
        ["CKV_K8S_10"],
        "Container::new(\"api\", IMAGE)",
        "Container::new(\"api\", IMAGE).resources(Resources::new().requests(Cpu::millis(100), Memory::mebibytes(128)).limits(Cpu::millis(250), Memory::mebibytes(256)))"
    ),
    rule!(
        "cpu-limit-missing",
        W,
        "every container sets a cpu limit",
        "an unlimited container can take every core of its node from its neighbours",
        "set Resources::limits(cpu, memory)",
        [],
        ["cpuLimitsMissing"],
        ["container-resources"],
        ["CKV_K8S_11"],
        "Resources::new().requests(Cpu::millis(100), Memory::mebibytes(128))",
        "Resources::new().requests(Cpu::millis(100), Memory::mebibytes(128)).limits(Cpu::millis(250), Memory::mebibytes(256))"
    ),
    rule!(
        "memory-request-missing",
        W,
        "every container sets a memory request",
        "without a request the scheduler may place the pod where there is no memory for it",
        "set Resources::requests(cpu, memory)",
        [],
        ["memoryRequestsMissing"],
        ["container-resources"],
        ["CKV_K8S_12"],
        "Resources::new().cpu_request_of(Cpu::millis(100))",
        "Resources::new().requests(Cpu::millis(100), Memory::mebibytes(128))"
    ),
    rule!(
        "memory-limit-missing",
        W,
        "every container sets a memory limit",
        "a leaking container without a limit drives its node out of memory and gets neighbours evicted",
        "set Resources::limits(cpu, memory)",
        ["unset-memory-requirements"],
        ["memoryLimitsMissing"],
        ["container-resources"],
        ["CKV_K8S_13"],
        "Resources::new().requests(Cpu::millis(100), Memory::mebibytes(128))",
        "Resources::new().requests(Cpu::millis(100), Memory::mebibytes(128)).limits(Cpu::millis(250), Memory::mebibytes(256))"
    ),
    rule!(
        "request-exceeds-limit",
        E,
        "no request is greater than its limit",
        "the api server rejects the pod (kube-linter#947 misses it)",
        "lower the request or raise the limit",
        [],
        [],
        [],
        [],
        "Resources::new().requests(Cpu::millis(500), Memory::mebibytes(128)).limits(Cpu::millis(250), Memory::mebibytes(128))",
        "Resources::new().requests(Cpu::millis(250), Memory::mebibytes(128)).limits(Cpu::millis(500), Memory::mebibytes(128))"
    ),
    rule!(
        "image-tag-mutable",
        W,
        "images name a version, not `:latest` or no tag",
        "`latest` changes under you: two nodes can run different code and rollbacks do nothing",
        "use a version tag, ideally pinned by digest",
        ["latest-tag"],
        ["tagNotSpecified"],
        ["container-image-tag"],
        ["CKV_K8S_14"],
        "Container::new(\"web\", \"nginx:latest\")",
        "Container::new(\"web\", \"nginx:1.27\")"
    ),
    rule!(
        "image-not-pinned",
        I,
        "images are pinned by digest",
        "a tag can be re-pushed; a digest is the exact bytes you tested",
        "Container::image_digest(\"sha256:…\")",
        [],
        [],
        [],
        ["CKV_K8S_43", "CKV_K8S_15"],
        "Container::new(\"web\", \"nginx:1.27\")",
        "Container::new(\"web\", \"nginx:1.27\").image_digest(\"sha256:…\")"
    ),
    rule!(
        "runs-as-root",
        W,
        "containers run as a non-root user with a uid ≥ 10000",
        "root in a container is one escape away from root on the node; low uids collide with host users",
        "keep the default uid 10001 or pick another ≥ 10000 with Container::run_as_user",
        ["run-as-non-root"],
        ["runAsRootAllowed"],
        ["container-security-context-user-group-id"],
        ["CKV_K8S_23", "CKV_K8S_40"],
        "Container::new(\"db\", IMAGE).run_as_user(0)",
        "Container::new(\"db\", IMAGE)"
    ),
    rule!(
        "writable-root-filesystem",
        W,
        "the root filesystem is read-only",
        "a writable root lets an attacker drop tools and persist; apps should write to volumes",
        "keep the default; mount an emptyDir where the app writes",
        ["no-read-only-root-fs"],
        ["notReadOnlyRootFilesystem"],
        ["container-security-context-readonlyrootfilesystem"],
        ["CKV_K8S_22"],
        "Container::new(\"web\", IMAGE).writable_root_filesystem()",
        "Container::new(\"web\", IMAGE).mount(\"tmp\", \"/tmp\")"
    ),
    rule!(
        "privilege-escalation-allowed",
        W,
        "allowPrivilegeEscalation is false",
        "setuid binaries can otherwise gain more privileges than the container started with",
        "keep the default",
        ["privilege-escalation-container"],
        ["privilegeEscalationAllowed"],
        [],
        ["CKV_K8S_20"],
        "Container::new(\"web\", IMAGE).allow_privilege_escalation()",
        "Container::new(\"web\", IMAGE)"
    ),
    rule!(
        "privileged-container",
        W,
        "containers are not privileged",
        "a privileged container has every capability and every device of the node",
        "remove .privileged(); add the one capability needed instead",
        ["privileged-container"],
        ["runAsPrivileged"],
        ["container-security-context-privileged"],
        ["CKV_K8S_16"],
        "Container::new(\"agent\", IMAGE).privileged()",
        "Container::new(\"agent\", IMAGE).add_capability(\"NET_BIND_SERVICE\")"
    ),
    rule!(
        "capabilities-not-dropped",
        W,
        "containers drop ALL capabilities",
        "the runtime's default set includes NET_RAW and others most apps never need",
        "keep the default drop: [ALL]; add back only what is needed",
        ["drop-net-raw-capability"],
        ["insecureCapabilities"],
        [],
        ["CKV_K8S_37", "CKV_K8S_28"],
        "Container::new(\"web\", IMAGE).keep_default_capabilities()",
        "Container::new(\"web\", IMAGE)"
    ),
    rule!(
        "dangerous-capability",
        W,
        "no dangerous capability is added (SYS_ADMIN, NET_ADMIN, ALL, …)",
        "SYS_ADMIN is nearly root on the node; NET_ADMIN rewrites its network",
        "add a narrower capability or redesign",
        [],
        ["dangerousCapabilities"],
        [],
        ["CKV_K8S_39", "CKV_K8S_25"],
        "Container::new(\"vpn\", IMAGE).add_capability(\"NET_ADMIN\")",
        "Container::new(\"vpn\", IMAGE).add_capability(\"NET_BIND_SERVICE\")"
    ),
    rule!(
        "seccomp-not-runtime-default",
        W,
        "pods use the RuntimeDefault seccomp profile",
        "without seccomp every syscall is open to an attacker",
        "keep the default",
        [],
        ["linuxHardening"],
        ["container-seccomp-profile"],
        ["CKV_K8S_31"],
        "Deployment::new(\"web\", c).seccomp_unconfined()",
        "Deployment::new(\"web\", c)"
    ),
    rule!(
        "host-namespace",
        W,
        "pods do not share the node's network, pid or ipc namespace",
        "host namespaces expose the node's traffic and processes to the pod",
        "remove .host_network()",
        ["host-network", "host-pid", "host-ipc"],
        ["hostNetworkSet", "hostPIDSet", "hostIPCSet"],
        [],
        ["CKV_K8S_19", "CKV_K8S_17", "CKV_K8S_18"],
        "Deployment::new(\"web\", c).host_network()",
        "Deployment::new(\"web\", c)"
    ),
    rule!(
        "host-path-volume",
        W,
        "pods do not mount node directories (hostPath, docker.sock)",
        "a hostPath mount reads or writes the node itself; docker.sock is root on the node",
        "use an emptyDir, a ConfigMap or a PersistentVolumeClaim",
        ["sensitive-host-mounts", "docker-sock"],
        ["hostPathSet", "hostPortSet"],
        [],
        ["CKV_K8S_26", "CKV_K8S_27"],
        "Deployment::new(\"web\", c).volume(Volume::host_path(\"logs\", \"/var/log\"))",
        "Deployment::new(\"web\", c).volume(Volume::empty_dir(\"logs\"))"
    ),
    rule!(
        "liveness-probe-missing",
        W,
        "app containers have a liveness probe",
        "a hung process is never restarted without one",
        "Container::liveness(Probe::http(\"/healthz\", \"http\"))",
        ["no-liveness-probe"],
        ["livenessProbeMissing"],
        ["pod-probes"],
        ["CKV_K8S_8"],
        "Container::new(\"api\", IMAGE).port(\"http\", 8080)",
        "Container::new(\"api\", IMAGE).port(\"http\", 8080).liveness(Probe::http(\"/healthz\", \"http\"))"
    ),
    rule!(
        "readiness-probe-missing",
        W,
        "app containers have a readiness probe",
        "without one, traffic reaches pods before they can serve it and rollouts are not zero-downtime",
        "Container::readiness(Probe::http(\"/ready\", \"http\"))",
        ["no-readiness-probe"],
        ["readinessProbeMissing"],
        ["pod-probes"],
        ["CKV_K8S_9"],
        "Container::new(\"api\", IMAGE).port(\"http\", 8080)",
        "Container::new(\"api\", IMAGE).port(\"http\", 8080).readiness(Probe::http(\"/ready\", \"http\"))"
    ),
    rule!(
        "probe-port-mismatch",
        E,
        "probe ports are ports of their container",
        "the probe always fails and the pod restarts forever or never becomes ready",
        "declare the port with Container::port or probe one it declares",
        ["liveness-port", "readiness-port"],
        [],
        [],
        [],
        "Container::new(\"api\", IMAGE).port(\"http\", 8080).liveness(Probe::http(\"/\", \"metrics\"))",
        "Container::new(\"api\", IMAGE).port(\"http\", 8080).liveness(Probe::http(\"/\", \"http\"))"
    ),
    rule!(
        "service-selects-nothing",
        E,
        "a Service selects some workload of the stack",
        "a Service whose selector matches no pod has no endpoints: every request fails",
        "build it with Service::expose(&workload) or .select(&workload)",
        ["dangling-service"],
        [],
        ["service-targets-pod"],
        [],
        "Service::new(\"api\").selector_label(\"app\", \"apii\").port(\"http\", 80, \"http\")",
        "Service::expose(&api)"
    ),
    rule!(
        "target-port-mismatch",
        E,
        "a Service targetPort is a port of the selected pods",
        "traffic is forwarded to a port nothing listens on (no other tool checks this before deploy)",
        "target a declared container port",
        [],
        [],
        [],
        [],
        "Service::new(\"api\").select(&api).port(\"http\", 80, \"https\")",
        "Service::new(\"api\").select(&api).port(\"http\", 80, \"http\")"
    ),
    rule!(
        "dangling-service",
        E,
        "Ingress backends are Services of the stack",
        "the ingress controller returns 503 for every request on that path",
        "add the Service to the stack",
        ["dangling-ingress"],
        [],
        ["ingress-targets-service"],
        [],
        "stack.with(Ingress::new(\"web\").route(\"\", \"/\", PathType::Prefix, &svc, \"http\"))",
        "stack.with(svc.clone()).with(Ingress::new(\"web\").route(\"\", \"/\", PathType::Prefix, &svc, \"http\"))"
    ),
    rule!(
        "ingress-port-mismatch",
        E,
        "Ingress backends name a port their Service exposes",
        "the ingress controller cannot resolve the backend",
        "route to a port the Service exposes",
        ["dangling-ingress"],
        [],
        ["ingress-targets-service"],
        [],
        "Ingress::new(\"web\").route(\"\", \"/\", PathType::Prefix, &svc, \"https\")",
        "Ingress::new(\"web\").route(\"\", \"/\", PathType::Prefix, &svc, \"http\")"
    ),
    rule!(
        "selector-mismatch",
        E,
        "a workload's selector matches its pod template labels",
        "the api server rejects the workload",
        "add the label with .pod_label or drop the selector override",
        ["mismatching-selector"],
        [],
        ["deployment-pod-selector-labels-match-template-metadata-labels"],
        [],
        "Deployment::new(\"web\", c).selector_label(\"tier\", \"web\")",
        "Deployment::new(\"web\", c).selector_label(\"tier\", \"web\").pod_label(\"tier\", \"web\")"
    ),
    rule!(
        "pdb-missing",
        I,
        "workloads with 2 or more replicas have a PodDisruptionBudget",
        "a node drain can otherwise take every replica down at once",
        "stack.with(PodDisruptionBudget::new(&workload))",
        ["pdb-min-available", "pdb-max-unavailable"],
        ["missingPodDisruptionBudget"],
        ["deployment-has-poddisruptionbudget"],
        [],
        "stack.with(Deployment::new(\"web\", c).replicas(3))",
        "stack.with(PodDisruptionBudget::new(&web)).with(web)"
    ),
    rule!(
        "anti-affinity-missing",
        I,
        "workloads with 2 or more replicas spread over nodes",
        "all replicas on one node die together",
        "Deployment::one_replica_per_node()",
        ["no-anti-affinity"],
        ["topologySpreadConstraint"],
        ["deployment-has-host-podantiaffinity"],
        [],
        "Deployment::new(\"web\", c).replicas(3)",
        "Deployment::new(\"web\", c).replicas(3).one_replica_per_node()"
    ),
    rule!(
        "reserved-namespace",
        E,
        "the stack has its own namespace, not `default` or a kube-* one",
        "objects in shared namespaces collide and inherit nobody's policies",
        "Stack::new(\"my-app\")",
        ["use-namespace"],
        [],
        [],
        ["CKV_K8S_21"],
        "Stack::new(\"default\")",
        "Stack::new(\"shop\")"
    ),
    rule!(
        "literal-secret-in-env",
        W,
        "no secret-looking env var has a literal value",
        "a literal password lives in git, in the manifest and in `kubectl describe`",
        "put it in a Secret and use Container::env_from_secret_key",
        ["env-var-secret"],
        ["sensitiveContainerEnvVar"],
        [],
        [],
        "Container::new(\"api\", IMAGE).env(\"DB_PASSWORD\", \"hunter2\")",
        "Container::new(\"api\", IMAGE).env_from_secret_key(\"DB_PASSWORD\", &db, \"password\")"
    ),
    rule!(
        "secret-as-env",
        I,
        "secrets are mounted as files rather than env vars",
        "env vars leak into child processes, crash reports and logs",
        "mount the Secret with Volume::secret and point the app at the file (e.g. POSTGRES_PASSWORD_FILE)",
        [],
        [],
        [],
        ["CKV_K8S_35"],
        "Container::new(\"api\", IMAGE).env_from_secret_key(\"DB_PASSWORD\", &db, \"password\")",
        "Container::new(\"api\", IMAGE).env(\"DB_PASSWORD_FILE\", \"/run/secrets/db/password\").mount_read_only(\"db\", \"/run/secrets/db\")"
    ),
    rule!(
        "service-account-token-mounted",
        W,
        "pods do not mount the service-account token",
        "a stolen token talks to the api server as the pod",
        "keep the default; opt in only for pods that call the api",
        ["default-service-account"],
        ["automountServiceAccountToken"],
        [],
        ["CKV_K8S_38"],
        "Deployment::new(\"web\", c).automount_service_account_token()",
        "Deployment::new(\"web\", c)"
    ),
    rule!(
        "network-policy-missing",
        W,
        "every pod is selected by a NetworkPolicy",
        "without one, any pod in the cluster can reach it",
        "stack.with(NetworkPolicy::default_deny())",
        ["non-isolated-pod"],
        ["missingNetworkPolicy"],
        ["pod-networkpolicy"],
        ["CKV2_K8S_6"],
        "Stack::new(\"shop\").with(web)",
        "Stack::new(\"shop\").with(NetworkPolicy::default_deny()).with(web)"
    ),
    rule!(
        "dangling-config-map",
        E,
        "ConfigMaps referenced by env, envFrom or volumes are in the stack",
        "the pod is stuck in CreateContainerConfigError (no other tool checks this before deploy)",
        "add the ConfigMap to the stack",
        [],
        [],
        [],
        [],
        "Container::new(\"api\", IMAGE).env_from_config_map(&cfg) // cfg not added",
        "stack.with(cfg.clone()).with(Deployment::new(\"api\", Container::new(\"api\", IMAGE).env_from_config_map(&cfg)))"
    ),
    rule!(
        "missing-config-map-key",
        E,
        "ConfigMap keys referenced from env exist",
        "the pod is stuck in CreateContainerConfigError",
        "add the key or fix its name",
        [],
        [],
        [],
        [],
        "c.env_from_config_map_key(\"URL\", &cfg, \"url\") // cfg has no `url`",
        "c.env_from_config_map_key(\"URL\", &cfg.entry(\"url\", \"…\"), \"url\")"
    ),
    rule!(
        "dangling-secret",
        E,
        "Secrets referenced by env, envFrom or volumes are in the stack",
        "the pod is stuck in CreateContainerConfigError",
        "add the Secret to the stack",
        [],
        [],
        [],
        [],
        "c.env_from_secret(&creds) // creds not added",
        "stack.with(creds.clone()) // and the workload"
    ),
    rule!(
        "missing-secret-key",
        E,
        "Secret keys referenced from env exist",
        "the pod is stuck in CreateContainerConfigError",
        "add the key or fix its name",
        [],
        [],
        [],
        [],
        "c.env_from_secret_key(\"PW\", &creds, \"pasword\")",
        "c.env_from_secret_key(\"PW\", &creds, \"password\")"
    ),
];

/// Every rule kubefit knows, in documentation order.
///
/// ```
/// assert!(kubefit::rules().len() >= 25);
/// ```
#[must_use]
pub fn rules() -> &'static [Rule] {
    RULES
}

/// The rule with this id.
///
/// ```
/// assert_eq!(kubefit::rule("host-namespace").unwrap().polaris[0], "hostNetworkSet");
/// assert!(kubefit::rule("nope").is_none());
/// ```
#[must_use]
pub fn rule(id: &str) -> Option<&'static Rule> {
    static BY_ID: std::sync::OnceLock<
        crate::util::fast_hash::FastMap<&'static str, &'static Rule>,
    > = std::sync::OnceLock::new();
    BY_ID
        .get_or_init(|| RULES.iter().map(|r| (r.id, r)).collect())
        .get(id)
        .copied()
}

/// The rules reference page (`docs/rules.md`), generated from the table.
///
/// ```
/// assert!(kubefit::rules_markdown().contains("## liveness-probe-missing"));
/// ```
#[must_use]
pub fn rules_markdown() -> String {
    let mut s = String::from(
        "# kubefit rules\n\nGenerated from `src/rules.rs` (a test fails when this page is stale).\n\
         Every rule runs in `Stack::check()`; its findings carry the rule id. Suppress one per\n\
         object with `.suppress(id, reason)` or per stack with `Stack::suppress(id, reason)`;\n\
         suppressed findings stay in the report, marked with their reason.\n\n\
         | id | severity | kube-linter | Polaris | kube-score | checkov |\n|---|---|---|---|---|---|\n",
    );
    let list = |v: &[&str]| {
        if v.is_empty() {
            "—".to_owned()
        } else {
            v.join(", ")
        }
    };
    for r in RULES {
        let _ = writeln!(
            s,
            "| [`{}`](#{}) | {} | {} | {} | {} | {} |",
            r.id,
            r.id,
            r.severity,
            list(r.kube_linter),
            list(r.polaris),
            list(r.kube_score),
            list(r.checkov)
        );
    }
    for r in RULES {
        let _ = write!(
            s,
            "\n## {}\n\n**{}** — {}.\n\n{}.\n\nFix: {}.\n\nBad:\n\n```rust,ignore\n{}\n```\n\nGood:\n\n```rust,ignore\n{}\n```\n",
            r.id,
            r.severity,
            r.summary,
            capitalise(r.rationale),
            r.fix,
            r.bad,
            r.good
        );
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
