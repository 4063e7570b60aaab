//! The rule table: every check and lint kubefit runs, with its equivalents in kube-linter,
//! Polaris, kube-score and checkov.

use std::fmt::Write as _;

use crate::diagnostic::Severity;

/// One rule: a stable id, its severity, whether it may be suppressed, why it matters, how to
/// fix it, what the other tools call it, and a bad and a good example.
///
/// ```
/// let rule = kubefit::rule("liveness-probe-missing").unwrap();
/// assert_eq!(rule.checkov, &["CKV_K8S_8"]);
/// assert_eq!(rule.rule_id, kubefit::RuleId::LivenessProbeMissing);
/// assert!(rule.suppressible);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rule {
    /// Stable kebab-case id (what diagnostics and suppressions use).
    pub id: &'static str,
    /// The same id, typed.
    pub rule_id: RuleId,
    /// Severity of its findings.
    pub severity: Severity,
    /// Whether `.suppress(id, reason)` may silence it. Warnings and notes always may; an
    /// error only where the cluster would still accept the stack (a Secret another tool
    /// creates, a Service that selects pods from elsewhere, a budget you accept). Errors the
    /// api server or the build refuses anyway (invalid names, duplicate names, request above
    /// limit, …) may not: suppressing one raises `suppression-not-allowed`.
    pub suppressible: bool,
    /// Which part of kubefit reports it.
    pub group: RuleGroup,
    /// One line: what it checks.
    pub summary: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// How to fix it (every finding of the rule carries this text as its hint).
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

/// Which part of kubefit reports a rule, and what kind of problem it is.
///
/// ```
/// use kubefit::{RuleGroup, RuleId};
/// assert_eq!(RuleId::InvalidName.rule().group, RuleGroup::Structure);
/// assert_eq!(RuleId::PdbMissing.rule().group, RuleGroup::Practice);
/// assert_eq!(RuleId::DoesNotFit.rule().group, RuleGroup::Budget);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RuleGroup {
    /// [`Stack::check`](crate::Stack::check): what the api server refuses or misreads in
    /// one object (names, labels, ports, replica counts, required fields).
    Structure,
    /// [`Stack::check`](crate::Stack::check): references between objects (Services to pods,
    /// Ingresses to Services, pods to ConfigMaps, Secrets, claims, ServiceAccounts).
    Reference,
    /// [`Stack::check`](crate::Stack::check): the lints — security and reliability practice
    /// shared with kube-linter, Polaris, kube-score and checkov.
    Practice,
    /// [`Stack::fit`](crate::Stack::fit) and [`Stack::check_on`](crate::Stack::check_on):
    /// the budget against a platform.
    Budget,
    /// [`Stack::check_environment`](crate::Stack::check_environment): overlays.
    Environment,
    /// Suppressions themselves.
    Suppression,
}

impl std::fmt::Display for RuleGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RuleGroup::Structure => "structure",
            RuleGroup::Reference => "reference",
            RuleGroup::Practice => "practice",
            RuleGroup::Budget => "budget",
            RuleGroup::Environment => "environment",
            RuleGroup::Suppression => "suppression",
        })
    }
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;
const I: Severity = Severity::Info;

/// Builds [`RuleId`], the table and the id list from one list of rows, so that every id has
/// exactly one row and one variant.
macro_rules! rule_table {
    ($(rule!(
        $variant:ident, $id:literal, $sev:expr, $supp:literal, $group:ident, $summary:literal,
        $why:literal,
        $fix:literal, [$($kl:literal),*], [$($po:literal),*], [$($ks:literal),*],
        [$($ck:literal),*], $bad:literal, $good:literal
    ),)*) => {
        /// Every diagnostic id kubefit can emit, typed: the check, the lints, the fit and the
        /// environments all report through it, and [`RuleId::rule`] gives its row of the
        /// table (severity, fix, peer tools). New rules are added as variants, so the enum is
        /// `#[non_exhaustive]`.
        ///
        /// ```
        /// use kubefit::RuleId;
        /// assert_eq!(RuleId::DoesNotFit.as_str(), "does-not-fit");
        /// assert_eq!("does-not-fit".parse::<RuleId>(), Ok(RuleId::DoesNotFit));
        /// assert_eq!(RuleId::DoesNotFit.rule().severity, kubefit::Severity::Error);
        /// assert!(!RuleId::InvalidName.rule().suppressible);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum RuleId {
            $(
                #[doc = concat!("`", $id, "`: ", $summary, ".")]
                $variant,
            )*
        }

        static RULES: &[Rule] = &[$(
            Rule {
                id: $id,
                rule_id: RuleId::$variant,
                severity: $sev,
                suppressible: $supp,
                group: RuleGroup::$group,
                summary: $summary,
                rationale: $why,
                fix: $fix,
                kube_linter: &[$($kl),*],
                polaris: &[$($po),*],
                kube_score: &[$($ks),*],
                checkov: &[$($ck),*],
                bad: $bad,
                good: $good,
            },
        )*];
    };
}

rule_table! {
    rule!(
        InvalidName,
        "invalid-name",
        E,
        false,
        Structure,
        "names follow their kind's rule (DNS label, DNS subdomain, C identifier…)",
        "the api server rejects the object",
        "rename it to follow the rule the message names",
        [],
        [],
        [],
        [],
        "Deployment::new(\"Web_App\", c)",
        "Deployment::new(\"web-app\", c)"
    ),
    rule!(
        DuplicateName,
        "duplicate-name",
        E,
        false,
        Structure,
        "names are unique where kubernetes requires it (objects of one kind, containers, ports, volumes)",
        "the api server rejects the second object or the pod, or one silently replaces the other",
        "rename one of them",
        [],
        [],
        [],
        [],
        "stack.with(ConfigMap::new(\"cfg\")).with(ConfigMap::new(\"cfg\"))",
        "stack.with(ConfigMap::new(\"cfg\")).with(ConfigMap::new(\"cfg-2\"))"
    ),
    rule!(
        InvalidLabel,
        "invalid-label",
        E,
        false,
        Structure,
        "label keys and values are valid",
        "the api server rejects the object",
        "use a key like `app.kubernetes.io/name`, and a value of at most 63 letters, digits, `-`, `_` or `.` that starts and ends with a letter or digit",
        [],
        [],
        [],
        [],
        "d.label(\"team\", \"payments & ops\")",
        "d.label(\"team\", \"payments-ops\")"
    ),
    rule!(
        InvalidAnnotation,
        "invalid-annotation",
        E,
        false,
        Structure,
        "annotation keys are valid",
        "the api server rejects the object",
        "use a key like `example.com/name`",
        [],
        [],
        [],
        [],
        "d.annotation(\"my key\", \"x\")",
        "d.annotation(\"example.com/owner\", \"x\")"
    ),
    rule!(
        MissingImage,
        "missing-image",
        E,
        false,
        Structure,
        "every container names an image",
        "the api server rejects a pod whose container has no image",
        "set an image such as `nginx:1.27`",
        [],
        [],
        [],
        [],
        "Container::new(\"web\", \"\")",
        "Container::new(\"web\", \"nginx:1.27\")"
    ),
    rule!(
        InvalidImageDigest,
        "invalid-image-digest",
        E,
        false,
        Structure,
        "an image pinned by digest names a real digest (sha256: 64 lowercase hex digits), not a placeholder",
        "the api server admits any image string; the kubelet then cannot pull a malformed or all-zero digest and the pod never starts (InvalidImageName, ErrImagePull)",
        "pin the image's real digest: `crane digest IMAGE` or `docker buildx imagetools inspect IMAGE`",
        [],
        [],
        [],
        [],
        "Container::new(\"web\", \"nginx:1.27\").image_digest(\"sha256:0000…0000\")",
        "Container::new(\"web\", \"nginx:1.27\").image_digest(\"sha256:65e3e85d…\")"
    ),
    rule!(
        InvalidPort,
        "invalid-port",
        E,
        false,
        Structure,
        "port numbers are between 1 and 65535",
        "the api server rejects the object",
        "use a port between 1 and 65535",
        [],
        [],
        [],
        [],
        "c.port(\"http\", 0)",
        "c.port(\"http\", 8080)"
    ),
    rule!(
        InvalidMountPath,
        "invalid-mount-path",
        E,
        false,
        Structure,
        "every volume mount has a path",
        "the api server rejects the pod (`mountPath: Required value`)",
        "use an absolute path such as `/data`",
        [],
        [],
        [],
        [],
        "c.mount(\"data\", \"\")",
        "c.mount(\"data\", \"/data\")"
    ),
    rule!(
        RelativeMountPath,
        "relative-mount-path",
        W,
        true,
        Structure,
        "mount paths are absolute",
        "the api server admits a relative path and the kubelet mounts it at `/` followed by the path (pkg/kubelet/kubelet_pods.go, makeMounts → MakeAbsolutePath): `data` becomes `/data`, which readers of the manifest do not expect",
        "write the absolute path, e.g. `/data`",
        [],
        [],
        [],
        [],
        "c.mount(\"data\", \"data\")",
        "c.mount(\"data\", \"/data\")"
    ),
    rule!(
        DuplicateMountPath,
        "duplicate-mount-path",
        E,
        false,
        Structure,
        "a container mounts each path once",
        "the api server rejects the pod (`must be unique`)",
        "mount each path once",
        [],
        [],
        [],
        [],
        "c.mount(\"a\", \"/data\").mount(\"b\", \"/data\")",
        "c.mount(\"a\", \"/data\").mount(\"b\", \"/cache\")"
    ),
    rule!(
        InvalidReplicas,
        "invalid-replicas",
        E,
        false,
        Structure,
        "replica counts are in range",
        "the api server rejects a negative replica count; an autoscaler needs minReplicas ≥ 1",
        "use zero or more replicas, and at least 1 as an autoscaler's minimum",
        [],
        [],
        [],
        [],
        "HorizontalPodAutoscaler::new(&api, 0, 3)",
        "HorizontalPodAutoscaler::new(&api, 1, 3)"
    ),
    rule!(
        InvalidJobSpec,
        "invalid-job-spec",
        E,
        false,
        Structure,
        "job counts, deadlines and history limits are in range",
        "the api server rejects a negative parallelism, completions, backoffLimit, activeDeadlineSeconds, ttlSecondsAfterFinished, startingDeadlineSeconds or history limit (pkg/apis/batch/validation/validation.go, validateJobSpec and ValidateCronJobSpec)",
        "use zero or more",
        [],
        [],
        [],
        [],
        "Job::new(\"m\", c).backoff_limit(-1)",
        "Job::new(\"m\", c).backoff_limit(2)"
    ),
    rule!(
        InvalidSchedule,
        "invalid-schedule",
        E,
        false,
        Structure,
        "a CronJob's schedule is a cron expression the controller can read",
        "the api server rejects a schedule that robfig/cron's standard parser cannot read (five fields or a @descriptor) and a TZ= or CRON_TZ= prefix (use spec.timeZone); pkg/apis/batch/validation/validation.go, validateScheduleFormat",
        "write five fields (`minute hour day-of-month month day-of-week`) or `@hourly`/`@daily`/`@weekly`/`@monthly`/`@yearly`, and set the zone with `.time_zone(…)`",
        [],
        [],
        [],
        [],
        "CronJob::new(\"every day at 3\", job)",
        "CronJob::new(\"0 3 * * *\", job)"
    ),
    rule!(
        InvalidRollout,
        "invalid-rollout",
        E,
        false,
        Structure,
        "a rolling update may replace pods, within its bounds",
        "with maxSurge and maxUnavailable both 0 no pod may be added or removed, a DaemonSet may not set both, and maxUnavailable (a DaemonSet's maxSurge too) is at most 100%: the api server rejects the strategy otherwise (pkg/apis/apps/validation/validation.go, ValidateRollingUpdateDeployment and ValidateRollingUpdateDaemonSet)",
        "let one of them be above 0: `maxSurge: 1` keeps every pod serving",
        [],
        [],
        [],
        [],
        "Deployment::new(\"api\", c).rolling_update(IntOrPercent::Count(0), IntOrPercent::Count(0))",
        "Deployment::new(\"api\", c).rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(0))"
    ),
    rule!(
        InvalidKey,
        "invalid-key",
        E,
        false,
        Structure,
        "ConfigMap and Secret keys are valid file names",
        "the api server rejects the object (keys are `[-._a-zA-Z0-9]+`)",
        "rename the key",
        [],
        [],
        [],
        [],
        "ConfigMap::new(\"cfg\").entry(\"app config\", \"…\")",
        "ConfigMap::new(\"cfg\").entry(\"app.config\", \"…\")"
    ),
    rule!(
        InvalidHost,
        "invalid-host",
        E,
        false,
        Structure,
        "Ingress hosts are lowercase DNS names",
        "the api server rejects the Ingress",
        "use a lowercase dns name such as `shop.example.com`",
        [],
        [],
        [],
        [],
        "ingress.route(\"Shop.Example.com\", \"/\", PathType::Prefix, &svc, \"http\")",
        "ingress.route(\"shop.example.com\", \"/\", PathType::Prefix, &svc, \"http\")"
    ),
    rule!(
        InvalidPath,
        "invalid-path",
        E,
        false,
        Structure,
        "Ingress paths start with `/`",
        "the api server rejects the Ingress",
        "start the path with `/`",
        [],
        [],
        [],
        [],
        "ingress.route(\"\", \"api\", PathType::Prefix, &svc, \"http\")",
        "ingress.route(\"\", \"/api\", PathType::Prefix, &svc, \"http\")"
    ),
    rule!(
        ServiceWithoutPorts,
        "service-without-ports",
        E,
        false,
        Structure,
        "a Service exposes at least one port",
        "the api server rejects a ClusterIP Service without ports",
        "add a port with .port(...) or build it with Service::expose(&workload)",
        [],
        [],
        [],
        [],
        "Service::new(\"api\").select(&api)",
        "Service::expose(&api)"
    ),
    rule!(
        IngressWithoutRoutes,
        "ingress-without-routes",
        E,
        false,
        Structure,
        "an Ingress has at least one route",
        "the api server rejects an Ingress with neither rules nor a default backend",
        "add a route with .route(...)",
        [],
        [],
        [],
        [],
        "Ingress::new(\"web\")",
        "Ingress::new(\"web\").route(\"\", \"/\", PathType::Prefix, &svc, \"http\")"
    ),
    rule!(
        HpaMinExceedsMax,
        "hpa-min-exceeds-max",
        E,
        false,
        Structure,
        "an autoscaler's minReplicas is at most its maxReplicas",
        "the api server rejects the HorizontalPodAutoscaler",
        "make minReplicas at most maxReplicas",
        [],
        [],
        [],
        [],
        "HorizontalPodAutoscaler::new(&api, 5, 2)",
        "HorizontalPodAutoscaler::new(&api, 2, 5)"
    ),
    rule!(
        HpaWithoutMetrics,
        "hpa-without-metrics",
        W,
        true,
        Structure,
        "an autoscaler has a metric to scale on",
        "without a target metric the controller uses 80% cpu, which is rarely what was meant and needs cpu requests",
        "set .cpu_utilization(...) or .memory_utilization(...)",
        [],
        [],
        ["horizontalpodautoscaler-has-target"],
        [],
        "HorizontalPodAutoscaler::new(&api, 2, 5)",
        "HorizontalPodAutoscaler::new(&api, 2, 5).cpu_utilization(70)"
    ),
    rule!(
        InvalidApiVersion,
        "invalid-api-version",
        E,
        false,
        Structure,
        "custom objects have a group/version apiVersion",
        "the api server has no such resource and refuses the object",
        "write it as the CRD defines it, e.g. `traefik.io/v1alpha1`",
        [],
        [],
        [],
        [],
        "CustomObject::new(\"traefik\", \"Middleware\", \"redirect\")",
        "CustomObject::new(\"traefik.io/v1alpha1\", \"Middleware\", \"redirect\")"
    ),
    rule!(
        InvalidKind,
        "invalid-kind",
        E,
        false,
        Structure,
        "custom objects have a CamelCase kind",
        "the api server has no such kind and refuses the object",
        "write the kind as the CRD defines it, e.g. `Middleware`",
        [],
        [],
        [],
        [],
        "CustomObject::new(\"traefik.io/v1alpha1\", \"middleware\", \"redirect\")",
        "CustomObject::new(\"traefik.io/v1alpha1\", \"Middleware\", \"redirect\")"
    ),
    rule!(
        InvalidScheduling,
        "invalid-scheduling",
        E,
        false,
        Structure,
        "tolerations, affinity, topology spread and pod classes are as the API defines them",
        "the api server refuses a pod with an Equal toleration without a key, a node requirement without values, a spread with maxSkew 0 or a dnsPolicy None without dnsConfig; the kubelet cannot pull with a pull secret of the wrong type",
        "follow the message: e.g. `Toleration::exists(key)` to match any value, `NodeTerm::label_in(key, [values])`",
        [],
        [],
        [],
        [],
        "TopologySpread::new(\"kubernetes.io/hostname\", 0)",
        "TopologySpread::new(\"kubernetes.io/hostname\", 1)"
    ),
    rule!(
        InvalidExtendedResource,
        "invalid-extended-resource",
        E,
        false,
        Structure,
        "extended resources and huge pages are named and counted as the API defines them",
        "the api server refuses `gpu: 1` (no domain), `nvidia.com/gpu: 0.5` (not a whole unit) and huge pages without a cpu or memory request",
        "use `Resources::extended(\"vendor.example/name\", n)` or `Resources::hugepages(\"2Mi\", size)` beside cpu or memory requests",
        [],
        [],
        [],
        [],
        "Resources::new().extended(\"gpu\", 1)",
        "Resources::new().extended(\"nvidia.com/gpu\", 1)"
    ),
    rule!(
        InvalidServiceType,
        "invalid-service-type",
        E,
        false,
        Structure,
        "node ports and externalTrafficPolicy are set on NodePort or LoadBalancer Services",
        "the api server refuses a ClusterIP Service with a nodePort or an externalTrafficPolicy",
        "add `.node_port()` or `.load_balancer()`, or drop the setting",
        [],
        [],
        [],
        [],
        "Service::new(\"mqtt\").port(\"mqtt\", 1883, 1883).local_traffic()",
        "Service::new(\"mqtt\").port(\"mqtt\", 1883, 1883).node_port().local_traffic()"
    ),
    rule!(
        InvalidSecurityContext,
        "invalid-security-context",
        E,
        false,
        Structure,
        "a container's securityContext does not contradict itself",
        "the api server refuses a privileged container with `allowPrivilegeEscalation: false`",
        "drop `privileged`, or allow escalation (`Container::privileged` does)",
        [],
        [],
        [],
        [],
        "privileged: true, allowPrivilegeEscalation: false (a with_k8s object)",
        "Container::privileged()"
    ),
    rule!(
        BuiltinKindAsCustom,
        "builtin-kind-as-custom",
        E,
        false,
        Structure,
        "custom objects are of custom resources, not of built-in kinds",
        "a built-in kind given as a custom object is neither checked nor budgeted (a Job's pods would not count) and is written in the wrong place of the apply order",
        "use kubefit's builder for the kind, or `Stack::with_k8s` with its k8s-openapi type",
        [],
        [],
        [],
        [],
        "CustomObject::new(\"batch/v1\", \"Job\", \"migrate\")",
        "Stack::with(Job::new(\"migrate\", container))"
    ),
    rule!(
        UnreadableObject,
        "unreadable-object",
        E,
        false,
        Structure,
        "objects given as k8s-openapi values can be read",
        "a field the api server cannot read (a quantity like `lots`, a percentage like `1/4`) makes it refuse the object",
        "write the field as the API defines it (`500m`, `25%`)",
        [],
        [],
        [],
        [],
        "requests: {cpu: lots} in a with_k8s Deployment",
        "requests: {cpu: 500m}"
    ),
    rule!(
        NotModelled,
        "not-modelled",
        I,
        true,
        Structure,
        "what kubefit cannot check is said, not skipped silently",
        "fields and kinds outside kubefit's model are emitted as given, but no rule and no budget looks at them",
        "nothing to fix: review those fields yourself, or suppress the note",
        [],
        [],
        [],
        [],
        "Deployment::new(...).patch(|d| d.spec.template.spec.tolerations = ...)",
        "Deployment::new(...)"
    ),
    rule!(
        GoverningServiceNotHeadless,
        "governing-service-not-headless",
        W,
        true,
        Structure,
        "a StatefulSet's governing Service is headless",
        "pods get their stable DNS names (`db-0.db`) only from a headless Service",
        "use statefulset.headless_service()",
        [],
        [],
        [],
        [],
        "Service::expose(&db)",
        "db.headless_service()"
    ),
    rule!(
        MissingGoverningService,
        "missing-governing-service",
        E,
        true,
        Structure,
        "a StatefulSet's governing Service is in the stack",
        "without it the pods get no stable DNS names and peers cannot find each other",
        "add statefulset.headless_service() to the stack",
        [],
        [],
        ["statefulset-has-servicename"],
        [],
        "stack.with(db)",
        "stack.with(db.headless_service()).with(db)"
    ),
    rule!(
        ServiceWithoutSelector,
        "service-without-selector",
        W,
        true,
        Reference,
        "a Service has a selector",
        "a Service without a selector routes to no pod unless its endpoints are managed by hand",
        "select a workload with .select(&workload)",
        [],
        [],
        [],
        [],
        "Service::new(\"api\").port(\"http\", 80, \"http\")",
        "Service::expose(&api)"
    ),
    rule!(
        DanglingVolume,
        "dangling-volume",
        E,
        false,
        Reference,
        "volume mounts name a volume of their pod",
        "the api server rejects the pod (`volumeMounts[0].name: Not found`)",
        "add the volume to the workload with .volume(...) or fix the name",
        [],
        [],
        [],
        [],
        "Deployment::new(\"api\", c.mount(\"data\", \"/data\"))",
        "Deployment::new(\"api\", c.mount(\"data\", \"/data\")).volume(Volume::empty_dir(\"data\"))"
    ),
    rule!(
        DanglingRole,
        "dangling-role",
        E,
        true,
        Reference,
        "a binding's Role or ClusterRole is in the stack or built into the cluster",
        "the api server admits the binding, but it grants nothing: the account's calls fail with 403 forbidden",
        "add the role to the stack, or suppress with a reason if another tool creates it",
        [],
        [],
        [],
        [],
        "RoleBinding::new(\"b\", &role) // role not added",
        "stack.with(role.clone()).with(RoleBinding::new(\"b\", &role))"
    ),
    rule!(
        UnknownPriorityClass,
        "unknown-priority-class",
        W,
        true,
        Reference,
        "a pod's PriorityClass is in the stack or built into the cluster",
        "the Priority admission plugin refuses pods that name a PriorityClass the cluster does not have: the controller creates none",
        "add PriorityClass::new(name, value) to the stack, or suppress with a reason if the cluster has it",
        [],
        [],
        [],
        [],
        "d.priority_class(\"high\") // no PriorityClass high",
        "stack.with(PriorityClass::new(\"high\", 1000)).with(d.priority_class(\"high\"))"
    ),
    rule!(
        UnknownRuntimeClass,
        "unknown-runtime-class",
        W,
        true,
        Reference,
        "a pod's RuntimeClass is in the stack or declared to be in the cluster",
        "the RuntimeClass admission plugin refuses pods that name a RuntimeClass the cluster does not have: the controller creates none",
        "add the RuntimeClass with Stack::with_k8s, or suppress with a reason if the cluster has it (k3s ships `nvidia`, gVisor installs `gvisor`)",
        [],
        [],
        [],
        [],
        "d.runtime_class(\"gvisor\") // no RuntimeClass gvisor",
        "stack.with_k8s(&runtime_class).with(d.runtime_class(\"gvisor\"))"
    ),
    rule!(
        DanglingServiceAccount,
        "dangling-service-account",
        E,
        true,
        Reference,
        "a pod's ServiceAccount is in the stack",
        "the replica set cannot create pods: `serviceaccount not found`",
        "add the ServiceAccount to the stack, or suppress with a reason if another tool creates it",
        ["non-existent-service-account"],
        [],
        [],
        [],
        "d.service_account(&sa) // sa not added",
        "stack.with(sa.clone()).with(d.service_account(&sa))"
    ),
    rule!(
        DanglingPersistentVolumeClaim,
        "dangling-persistent-volume-claim",
        E,
        true,
        Reference,
        "claims mounted by pods are in the stack",
        "the pod stays Pending: `persistentvolumeclaim not found`",
        "add the claim to the stack or fix the reference",
        [],
        [],
        [],
        [],
        "d.volume(Volume::claim(\"data\", &pvc)) // pvc not added",
        "stack.with(pvc.clone()).with(d.volume(Volume::claim(\"data\", &pvc)))"
    ),
    rule!(
        DanglingScaleTarget,
        "dangling-scale-target",
        E,
        true,
        Reference,
        "an autoscaler's target is in the stack",
        "the autoscaler reports FailedGetScale and never scales",
        "add the workload to the stack",
        ["dangling-horizontalpodautoscaler"],
        [],
        [],
        [],
        "stack.with(HorizontalPodAutoscaler::new(&api, 2, 5)) // api not added",
        "stack.with(api.clone()).with(HorizontalPodAutoscaler::new(&api, 2, 5))"
    ),
    rule!(
        DanglingWorkload,
        "dangling-workload",
        E,
        true,
        Reference,
        "PodDisruptionBudgets and NetworkPolicies select a workload of the stack",
        "a budget or policy that selects nothing protects nothing",
        "add the workload to the stack",
        ["dangling-networkpolicy"],
        [],
        [],
        [],
        "stack.with(PodDisruptionBudget::min_available(&api, 1)) // api not added",
        "stack.with(api.clone()).with(PodDisruptionBudget::min_available(&api, 1))"
    ),
    rule!(
        MissingTlsSecret,
        "missing-tls-secret",
        E,
        true,
        Reference,
        "an Ingress's TLS Secret is in the stack or made by cert-manager",
        "the ingress controller serves its default certificate and browsers refuse it",
        "add the secret, or annotate the ingress with cert-manager.io/cluster-issuer so cert-manager creates it",
        [],
        [],
        [],
        [],
        "ingress.tls(\"shop.example.com\", \"shop-tls\")",
        "ingress.tls(\"shop.example.com\", \"shop-tls\").annotation(\"cert-manager.io/cluster-issuer\", \"letsencrypt\")"
    ),
    rule!(
        SecretValueMissing,
        "secret-value-missing",
        E,
        false,
        Reference,
        "every Secret entry read from a source has a value",
        "the Secret cannot be emitted without its value",
        "set it in the uncommitted .env file (see .env.example) or the environment",
        [],
        [],
        [],
        [],
        "Secret::new(\"db\").entry_from(\"PASSWORD\", &DotEnv::parse(\"\")?)",
        "Secret::new(\"db\").entry_from(\"PASSWORD\", &DotEnv::parse(\"PASSWORD=…\")?)"
    ),
    rule!(
        CpuRequestMissing,
        "cpu-request-missing",
        W,
        true,
        Practice,
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
        CpuLimitMissing,
        "cpu-limit-missing",
        W,
        true,
        Practice,
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
        MemoryRequestMissing,
        "memory-request-missing",
        W,
        true,
        Practice,
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
        MemoryLimitMissing,
        "memory-limit-missing",
        W,
        true,
        Practice,
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
        RequestExceedsLimit,
        "request-exceeds-limit",
        E,
        false,
        Structure,
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
        ImageTagMutable,
        "image-tag-mutable",
        W,
        true,
        Practice,
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
        ImageNotPinned,
        "image-not-pinned",
        I,
        true,
        Practice,
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
        RunsAsRoot,
        "runs-as-root",
        W,
        true,
        Practice,
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
        WritableRootFilesystem,
        "writable-root-filesystem",
        W,
        true,
        Practice,
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
        PrivilegeEscalationAllowed,
        "privilege-escalation-allowed",
        W,
        true,
        Practice,
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
        PrivilegedContainer,
        "privileged-container",
        W,
        true,
        Practice,
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
        CapabilitiesNotDropped,
        "capabilities-not-dropped",
        W,
        true,
        Practice,
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
        DangerousCapability,
        "dangerous-capability",
        W,
        true,
        Practice,
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
        SeccompNotRuntimeDefault,
        "seccomp-not-runtime-default",
        W,
        true,
        Practice,
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
        HostNamespace,
        "host-namespace",
        W,
        true,
        Practice,
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
        HostPathVolume,
        "host-path-volume",
        W,
        true,
        Practice,
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
        LivenessProbeMissing,
        "liveness-probe-missing",
        W,
        true,
        Practice,
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
        ReadinessProbeMissing,
        "readiness-probe-missing",
        W,
        true,
        Practice,
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
        ProbePortMismatch,
        "probe-port-mismatch",
        E,
        true,
        Reference,
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
        ServiceSelectsNothing,
        "service-selects-nothing",
        E,
        true,
        Reference,
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
        TargetPortMismatch,
        "target-port-mismatch",
        E,
        true,
        Reference,
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
        DanglingService,
        "dangling-service",
        E,
        true,
        Reference,
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
        IngressPortMismatch,
        "ingress-port-mismatch",
        E,
        true,
        Reference,
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
        SelectorMismatch,
        "selector-mismatch",
        E,
        false,
        Structure,
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
        CronJobRunsMayOverlap,
        "cron-job-runs-may-overlap",
        W,
        true,
        Practice,
        "a CronJob's runs cannot pile up",
        "with concurrencyPolicy Allow a run that outlasts its interval overlaps the next; each holds its pods' requests, so the budget (which counts one run) is exceeded and a stuck job multiplies",
        "use `ConcurrencyPolicy::Forbid` (kubefit's default) or `Replace`",
        [],
        [],
        [],
        [],
        "CronJob::new(\"*/5 * * * *\", job).concurrency(ConcurrencyPolicy::Allow)",
        "CronJob::new(\"*/5 * * * *\", job)"
    ),
    rule!(
        RbacWildcard,
        "rbac-wildcard",
        W,
        true,
        Practice,
        "roles name their verbs, resources and API groups",
        "`*` grants every verb or resource, including ones added to the cluster later (CRDs)",
        "list what the account needs: `Permission::on([\"\"], [\"configmaps\"]).verbs([\"get\"])`",
        ["wildcard-in-rules"],
        [],
        [],
        ["CKV_K8S_49"],
        "Permission::on([\"*\"], [\"*\"]).verbs([\"*\"])",
        "Permission::on([\"\"], [\"configmaps\"]).verbs([\"get\"])"
    ),
    rule!(
        RbacClusterAdmin,
        "rbac-cluster-admin",
        W,
        true,
        Practice,
        "no binding grants cluster-admin",
        "cluster-admin can do anything anywhere; a compromised pod with it owns the cluster",
        "bind a Role with the permissions the account needs",
        ["cluster-admin-role-binding"],
        ["clusterrolebindingClusterAdmin"],
        [],
        [],
        "RoleBinding::cluster_role(\"ops\", \"cluster-admin\").cluster_wide()",
        "RoleBinding::new(\"ops\", &role)"
    ),
    rule!(
        RbacSecretsAccess,
        "rbac-secrets-access",
        W,
        true,
        Practice,
        "roles read secrets only by name",
        "get/list/watch on secrets reads every credential of the namespace (or cluster), not just the account's own",
        "name the secrets: `.names([\"app-credentials\"])`, or drop the verb",
        ["access-to-secrets"],
        [],
        [],
        [],
        "Permission::on([\"\"], [\"secrets\"]).verbs([\"list\"])",
        "Permission::on([\"\"], [\"secrets\"]).verbs([\"get\"]).names([\"app\"])"
    ),
    rule!(
        PdbMissing,
        "pdb-missing",
        I,
        true,
        Practice,
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
        AntiAffinityMissing,
        "anti-affinity-missing",
        I,
        true,
        Practice,
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
        ReservedNamespace,
        "reserved-namespace",
        E,
        false,
        Structure,
        "the stack has its own namespace, not `default` or a kube-* one",
        "objects in shared namespaces collide and inherit nobody's policies",
        "pick a namespace named after the application, e.g. Stack::new(\"shop\")",
        ["use-namespace"],
        [],
        [],
        ["CKV_K8S_21"],
        "Stack::new(\"default\")",
        "Stack::new(\"shop\")"
    ),
    rule!(
        LiteralSecretInEnv,
        "literal-secret-in-env",
        W,
        true,
        Practice,
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
        SecretAsEnv,
        "secret-as-env",
        I,
        true,
        Practice,
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
        ServiceAccountTokenMounted,
        "service-account-token-mounted",
        W,
        true,
        Practice,
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
        NetworkPolicyMissing,
        "network-policy-missing",
        W,
        true,
        Practice,
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
        DanglingConfigMap,
        "dangling-config-map",
        E,
        true,
        Reference,
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
        MissingConfigMapKey,
        "missing-config-map-key",
        E,
        true,
        Reference,
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
        DanglingSecret,
        "dangling-secret",
        E,
        true,
        Reference,
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
        MissingSecretKey,
        "missing-secret-key",
        E,
        true,
        Reference,
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
    rule!(
        DoesNotFit,
        "does-not-fit",
        E,
        true,
        Budget,
        "every pod fits on a node in steady state",
        "pods that fit on no node stay Pending forever",
        "lower the requests, reduce replicas, or add capacity",
        [],
        [],
        [],
        [],
        "Deployment::new(\"big\", c_requesting_64_cores)",
        "Deployment::new(\"big\", c_requesting_500m)"
    ),
    rule!(
        DoesNotFitAtPeak,
        "does-not-fit-at-peak",
        W,
        true,
        Budget,
        "every pod fits at the worst case (HPA maxReplicas plus surge)",
        "at peak load the autoscaler's new pods stay Pending exactly when they are needed",
        "lower HPA maxReplicas or maxSurge, or keep headroom for the rollout",
        [],
        [],
        [],
        [],
        "HorizontalPodAutoscaler::new(&api, 2, 40)",
        "HorizontalPodAutoscaler::new(&api, 2, 6)"
    ),
    rule!(
        DoesNotFitDuringRollout,
        "does-not-fit-during-rollout",
        W,
        true,
        Budget,
        "surge pods fit during a rolling update",
        "the rollout waits for room that never comes and stalls",
        "keep headroom for maxSurge",
        [],
        [],
        [],
        [],
        "api.replicas(4) // nodes full",
        "api.replicas(3)"
    ),
    rule!(
        PodSecurityRefused,
        "pod-security-refused",
        E,
        false,
        Structure,
        "pods meet their namespace's pod security enforce level (baseline, restricted)",
        "the api server's PodSecurity admission refuses every pod of the workload: it is created, its pods never are",
        "meet the level's checks, or lower the level with Stack::pod_security for a namespace that needs it",
        [],
        [],
        [],
        [],
        "Deployment::new(\"web\", Container::new(\"web\", \"nginx:1.27\").privileged())",
        "Stack::new(\"shop\").pod_security(\"privileged\").with(privileged_deployment)"
    ),
    rule!(
        RefusedByAdmission,
        "refused-by-admission",
        E,
        false,
        Budget,
        "pods meet the stack's LimitRanges (min, max, limit/request ratio, defaults no larger than the requests) and give every resource its ResourceQuotas track",
        "the api server's LimitRanger or ResourceQuota admission refuses every pod of the workload: it is created, its pods never are",
        "bring the container's requests and limits inside the LimitRange (or widen the range), set a limit where the range's default is below the request, and give every container the requests and limits the quota tracks",
        [],
        [],
        [],
        [],
        "LimitRange::new(\"cap\").max(Cpu::millis(500), Memory::mebibytes(512)) and a 2-core limit",
        "a limit of at most 500m"
    ),
    rule!(
        QuotaExceeded,
        "quota-exceeded",
        E,
        false,
        Budget,
        "the pods of the steady state stay within every ResourceQuota of the stack",
        "the api server refuses each pod past the quota's hard totals (exceeded quota): those pods are never created",
        "raise the ResourceQuota's hard totals (FitReport::resource_quota makes one from the fit), or lower replicas or requests",
        [],
        [],
        [],
        [],
        "ResourceQuota::new(\"q\").pods(2) and three replicas",
        "ResourceQuota::new(\"q\").pods(4)"
    ),
    rule!(
        QuotaLimitsPods,
        "quota-limits-pods",
        W,
        true,
        Budget,
        "the pods a rollout or the autoscalers' maximum needs at once stay within every ResourceQuota of the stack",
        "the quota refuses the extra pods: a rollout that keeps every old pod until a new one is ready stalls, an autoscaler never reaches its maximum",
        "raise the quota to the worst case (FitReport::resource_quota), set maxUnavailable to 1, or lower maxReplicas",
        [],
        [],
        [],
        [],
        "ResourceQuota::new(\"q\").pods(3) and three replicas with maxSurge 1, maxUnavailable 0",
        "ResourceQuota::new(\"q\").pods(4)"
    ),
    rule!(
        PlacementUndecided,
        "placement-undecided",
        W,
        true,
        Budget,
        "kubefit decides whether every pod of the steady state can be placed",
        "first-fit-decreasing left pods out and the exact search ran out of its budget: a placement may exist, and the stack may or may not fit",
        "keep headroom so that first-fit-decreasing places every pod, or split large workloads into fewer pod shapes",
        [],
        [],
        [],
        [],
        "hundreds of pods of many shapes that fill the nodes exactly",
        "the same pods with 10% of headroom"
    ),
    rule!(
        NodeRunsShort,
        "node-runs-short",
        W,
        true,
        Budget,
        "the scheduler's view of the nodes counts what the distribution itself uses (kube-reserved covers it), so pods that do not fit stay pending",
        "k3s's own cpu and memory are not subtracted by any kubelet unless kube-reserved is set: the scheduler places the pods kubefit cannot, and the node runs short — cpu starvation, oom kills",
        "start the kubelets with the kube-reserved Reserved::kubelet_args gives (k3s: kubelet-arg in config.yaml), and free room",
        [],
        [],
        [],
        [],
        "1000m of requests on a k3s agent node of 1 core (970m after k3s)",
        "940m of requests"
    ),
    rule!(
        PdbBlocksDrain,
        "pdb-blocks-drain",
        W,
        true,
        Practice,
        "a PodDisruptionBudget allows at least one eviction when every pod is healthy",
        "with minAvailable at the replica count or maxUnavailable 0, no pod may ever be evicted: node drains and upgrades hang on it",
        "set minAvailable below the replicas (or maxUnavailable to 1), or add replicas",
        ["pdb-max-unavailable", "pdb-min-available"],
        [],
        [],
        [],
        "PodDisruptionBudget::new(&web).min_available(IntOrPercent::Count(2)) // 2 replicas",
        "PodDisruptionBudget::new(&web).min_available(IntOrPercent::Count(1))"
    ),
    rule!(
        TrafficBlocked,
        "traffic-blocked",
        W,
        true,
        Reference,
        "the stack's NetworkPolicies let through the connections the stack needs",
        "a policy that isolates a pod refuses every connection no policy allows: the app fails at runtime (a database it cannot reach, an ingress answering 504, a Prometheus target down, names that do not resolve) though every object is valid. kubefit finds the connections the stack names itself — services named in environment variables and ConfigMaps, Ingress backends (classes nginx and traefik), Prometheus scrape annotations, the cluster DNS — and those declared with Stack::expect_traffic",
        "allow it: `NetworkPolicy::allow(&from, &to, \"port\")`, `NetworkPolicy::allow_from_namespace(ns).to(&to)`; for names, egress on UDP port 53 to `k8s-app=kube-dns` in `kube-system`",
        [],
        [],
        [],
        [],
        "Stack::new(\"shop\").with(NetworkPolicy::default_deny()) // api reads DATABASE_URL=postgres://…@postgres:5432/app",
        ".with(NetworkPolicy::allow(&api, &postgres, \"postgres\"))"
    ),
    rule!(
        NodeBelowMinimum,
        "node-below-minimum",
        W,
        true,
        Budget,
        "nodes meet their distribution's documented minimum for their role (k3s: server 2 cores / 2 GB, agent 1 core / 512 MB — docs.k3s.io/installation/requirements)",
        "below it the control plane (api server, datastore, controllers in the k3s process) competes with the pods for cpu and memory: slow or failing api calls, leader elections lost, the node marked NotReady under load, whatever the budget says",
        "give the server node at least the documented minimum (on Oracle Cloud Always Free now: one 2-OCPU server rather than two 1-OCPU nodes), or accept the risk with a suppression that says why",
        [],
        [],
        [],
        [],
        "Platform::k3s(Cpu::cores(1), Memory::gibibytes(6), 1, Cpu::cores(1), Memory::gibibytes(6))",
        "Platform::k3s(Cpu::cores(2), Memory::gibibytes(12), 0, Cpu::ZERO, Memory::ZERO)"
    ),
    rule!(
        ImagePlatformMismatch,
        "image-platform-mismatch",
        E,
        true,
        Budget,
        "every image is built for the architecture of each node its pods may run on (as declared with Stack::image_platforms or read from its registry)",
        "the scheduler does not look at images: a pod lands on any node its selectors and taints allow, and there the kubelet finds no manifest for the node's architecture in the image index (ErrImagePull) or starts a binary built for another one (CrashLoopBackOff, exec format error)",
        "build the image for the nodes' architecture too (`docker buildx build --platform linux/amd64,linux/arm64`), or keep its pods on the nodes it runs on with `.node_selector(\"kubernetes.io/arch\", \"amd64\")`",
        [],
        [],
        [],
        [],
        "ghcr.io/acme/api declared amd64 only, on Oracle Always Free's arm64 nodes",
        "ImagePlatforms::new(\"ghcr.io/acme/api\", [\"amd64\", \"arm64\"])"
    ),
    rule!(
        ImagePlatformUnknown,
        "image-platform-unknown",
        W,
        true,
        Budget,
        "on nodes other than amd64, the architectures of every image are known",
        "most images are built for amd64 first; on arm64 nodes (Oracle Always Free's A1, Raspberry Pi, AWS Graviton) an image without an arm64 build fails to pull or to start, and nothing before the deploy says so. kubefit knows the well-known public images; the teams' own images it cannot know",
        "declare what the image is built for: `Stack::image_platforms(ImagePlatforms::new(\"ghcr.io/acme/api\", [\"amd64\", \"arm64\"]))`, or read it from the registry with `resolve_image_platforms` (feature `registry`)",
        [],
        [],
        [],
        [],
        "Container::new(\"api\", \"ghcr.io/acme/api:1.4\") on Oracle Always Free",
        "the same with ImagePlatforms::new(\"ghcr.io/acme/api\", [\"arm64\"]) declared"
    ),
    rule!(
        ControlPlaneNotHa,
        "control-plane-not-ha",
        W,
        true,
        Budget,
        "a control plane on embedded etcd has at least three servers",
        "etcd accepts a write only with a majority of its members (raft): one or two members tolerate no loss, so losing one server stops the cluster's api — nothing is scheduled, changed or healed — though embedded etcd is chosen for high availability; an agent runs no control plane (docs.k3s.io/datastore/ha-embedded: an odd number of servers, three at least)",
        "run three servers (an odd number), or say what it is: one server on SQLite (`ControlPlane::k3s(1)`) with backups, or accept it with a suppression that says why",
        [],
        [],
        [],
        [],
        "Platform::oci_always_free().control_plane(ControlPlane::k3s(1).datastore(Datastore::EmbeddedEtcd))",
        "ControlPlane::k3s(3)"
    ),
    rule!(
        SecretsNotEncryptedAtRest,
        "secrets-not-encrypted-at-rest",
        W,
        true,
        Budget,
        "the stack's Secrets are encrypted at rest where the platform says whether they are",
        "the api server stores Secrets base64-encoded, not encrypted, unless given an EncryptionConfiguration; k3s encrypts them only when its servers start with `--secrets-encryption`. Whoever reads the datastore, a server's disk or a backup reads every Secret",
        "start the k3s servers with `--secrets-encryption` (or give kube-apiserver an EncryptionConfiguration), then say so: `ControlPlane::k3s(1).secrets_encryption(true)`; or keep the values outside the cluster (External Secrets, a vault)",
        [],
        [],
        [],
        [],
        "a Secret on Platform::oci_always_free() (k3s as installed)",
        "the same with .control_plane(ControlPlane::k3s(1).secrets_encryption(true))"
    ),
    rule!(
        PriorityPreemption,
        "priority-preemption",
        W,
        true,
        Budget,
        "where not every pod can run, the pods of higher priority (PriorityClass) take the room and which lower pods they preempt is known",
        "the scheduler places pods of higher priority first and evicts lower-priority pods to make room for them (unless their class says preemptionPolicy: Never): the pods left pending — or evicted at peak — are the lowest, whatever order they were applied in",
        "give the room to what matters by priority on purpose, or add capacity so that nothing is preempted",
        [],
        [],
        [],
        [],
        "PriorityClass::new(\"high\", 1000) on api, nothing on worker, nodes for only one of them at peak",
        "the same with room for both, or worker's pods accepted as preemptible"
    ),
    rule!(
        ImplausibleQuantity,
        "implausible-quantity",
        W,
        true,
        Practice,
        "cpu and memory quantities are of a plausible size: cpu under 1024 cores, memory at least 1Mi",
        "a suffix mistake is a valid quantity — `cpu: 128Mi` asks for 134 million cores and never schedules, `memory: 128` is 128 bytes and is oom-killed at start — and the api server admits both",
        "cpu in cores or millicores (`500m`), memory with a binary suffix (`512Mi`, `1Gi`)",
        [],
        [],
        [],
        [],
        "Resources::new().memory_limit_of(Memory::bytes(128)) // `memory: 128`",
        "Resources::new().memory_limit_of(Memory::mebibytes(512))"
    ),
    rule!(
        SchedulerMayStrand,
        "scheduler-may-strand",
        W,
        true,
        Budget,
        "the default scheduler, placing pods one at a time and spreading them, places every pod",
        "the scheduler never moves a placed pod: a large pod that arrives after the small ones were spread stays pending although a tighter placement exists, and which pod arrives first (a daemonset's included) and which of equally good nodes it takes are the controllers' timing and chance",
        "give the large pods a higher PriorityClass (placed first, and may preempt), pin them with node affinity, or keep more headroom",
        [],
        [],
        [],
        [],
        "two 1500m nodes; a 1000m pod arriving after two 650m pods",
        "the 1000m pod with a higher priorityClassName"
    ),
    rule!(
        NodeNearlyFull,
        "node-nearly-full",
        W,
        true,
        Budget,
        "in steady state the pods request at most 90% of the nodes' allocatable cpu and memory (all nodes together)",
        "above that, however the scheduler spreads the pods, some node is that full and has no room for a restarted pod's replacement, a rollout's new pod or a pod that must move off a drained node: they stay pending",
        "keep 10% of each node free: lower the requests, spread the pods (a topology spread), or add a node",
        [],
        [],
        [],
        [],
        "one 1000m node with 950m of requests",
        "900m of requests, or a second node"
    ),
    rule!(
        RolloutPodsPending,
        "rollout-pods-pending",
        I,
        true,
        Budget,
        "while every pod template changes, the surge pods that exist at once are placed at once",
        "surge pods beyond the room wait pending until old pods go; the rollout completes, more slowly",
        "keep headroom for maxSurge, or lower it",
        [],
        [],
        [],
        [],
        "api.replicas(3).rolling_update(IntOrPercent::Count(3), IntOrPercent::Count(1)) // room for one",
        "api.replicas(3).rolling_update(IntOrPercent::Count(1), IntOrPercent::Count(1))"
    ),
    rule!(
        BeyondClusterLimits,
        "beyond-cluster-limits",
        E,
        false,
        Budget,
        "node and pod counts are within what one cluster supports",
        "kubernetes is tested up to 5,000 nodes and 150,000 pods; kubefit does not simulate placement beyond that",
        "lower the replicas, hpa maxReplicas or node counts to what one cluster really runs",
        [],
        [],
        [],
        [],
        "api.replicas(1_000_000)",
        "api.replicas(3)"
    ),
    rule!(
        TenancyLimitExceeded,
        "tenancy-limit-exceeded",
        E,
        true,
        Budget,
        "node pools fit the tenancy's limits (cores, memory, instances)",
        "the cloud refuses to create nodes beyond the account's free or paid limits",
        "shrink or remove nodes until the pool fits the tenancy limit",
        [],
        [],
        [],
        [],
        "Platform::oci_always_free() with 5 nodes",
        "Platform::oci_always_free()"
    ),
    rule!(
        BlockStorageExceeded,
        "block-storage-exceeded",
        E,
        true,
        Budget,
        "claims and boot volumes fit the platform's block storage",
        "claims beyond the quota stay Pending; on free tiers they cost money",
        "shrink the claims or the boot volumes",
        [],
        [],
        [],
        [],
        "PersistentVolumeClaim::new(\"data\", Storage::gibibytes(500))",
        "PersistentVolumeClaim::new(\"data\", Storage::gibibytes(20))"
    ),
    rule!(
        LoadBalancersExceeded,
        "load-balancers-exceeded",
        E,
        true,
        Budget,
        "LoadBalancer Services fit the platform's load balancer allowance",
        "the extra Services stay `<pending>` or are billed",
        "route through one ingress instead of several loadbalancer services",
        [],
        [],
        [],
        [],
        "Service::expose(&a).load_balancer() and Service::expose(&b).load_balancer()",
        "one Ingress in front of both"
    ),
    rule!(
        MemoryLimitAboveNode,
        "memory-limit-above-node",
        W,
        true,
        Budget,
        "no memory limit is above a node's allocatable memory",
        "the limit is meaningless: the node runs out before the container reaches it",
        "lower the limit below the node's allocatable memory",
        [],
        [],
        [],
        [],
        "Resources::new().limits(Cpu::cores(1), Memory::gibibytes(64))",
        "Resources::new().limits(Cpu::cores(1), Memory::gibibytes(2))"
    ),
    rule!(
        LimitOvercommit,
        "limit-overcommit",
        W,
        true,
        Budget,
        "the sum of limits on a node stays within its allocatable",
        "when every pod uses its limit at once, cpu is throttled and memory runs out (oom kills)",
        "lower the limits, or accept that pods will be throttled or oom-killed under load",
        [],
        [],
        [],
        [],
        "limits of 4 cores on a 2-core node",
        "limits of 2 cores on a 2-core node"
    ),
    rule!(
        IdleReclamationRisk,
        "idle-reclamation-risk",
        I,
        true,
        Budget,
        "an always free instance is not so idle that it may be reclaimed",
        "oracle reclaims always free instances whose cpu p95 stays under 20% for 7 days",
        "expect it, or keep the instance busy enough",
        [],
        [],
        [],
        [],
        "a 50m stack on Platform::oci_always_free()",
        "—"
    ),
    rule!(
        UnknownOverrideTarget,
        "unknown-override-target",
        E,
        false,
        Environment,
        "environment overrides name objects of the stack",
        "kustomize fails to build the overlay (`no matches for Id`)",
        "fix the name, or remove the override",
        [],
        [],
        [],
        [],
        "Environment::new(\"prod\").replicas(\"apii\", 3)",
        "Environment::new(\"prod\").replicas(\"api\", 3)"
    ),
    rule!(
        UnknownRule,
        "unknown-rule",
        E,
        false,
        Suppression,
        "suppressions name a kubefit rule id",
        "a typo in a suppression would otherwise silently suppress nothing",
        "use an id from kubefit::rules() (see docs/rules.md)",
        [],
        [],
        [],
        [],
        "d.suppress(\"livenes-probe-missing\", \"…\")",
        "d.suppress(\"liveness-probe-missing\", \"…\")"
    ),
    rule!(
        SuppressionWithoutReason,
        "suppression-without-reason",
        E,
        false,
        Suppression,
        "every suppression gives a reason",
        "a suppression nobody can explain is a finding nobody reviewed",
        "say why the rule does not apply here",
        [],
        [],
        [],
        [],
        "d.suppress(\"pdb-missing\", \"\")",
        "d.suppress(\"pdb-missing\", \"one replica in dev\")"
    ),
    rule!(
        SuppressionNotAllowed,
        "suppression-not-allowed",
        E,
        false,
        Suppression,
        "only rules that are safe to suppress are suppressed",
        "suppressing a finding the api server or the build would refuse anyway only hides why the deploy fails",
        "fix the finding instead; the rule table says which rules may be suppressed",
        [],
        [],
        [],
        [],
        "d.suppress(\"invalid-name\", \"…\")",
        "Deployment::new(\"web-app\", c)"
    ),
}

impl RuleId {
    /// The kebab-case id, as diagnostics, suppressions and docs/rules.md spell it.
    ///
    /// ```
    /// assert_eq!(kubefit::RuleId::PdbMissing.as_str(), "pdb-missing");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.rule().id
    }

    /// This id's row of the rule table.
    ///
    /// ```
    /// let rule = kubefit::RuleId::HostNamespace.rule();
    /// assert_eq!(rule.polaris[0], "hostNetworkSet");
    /// ```
    #[must_use]
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The error of parsing a [`RuleId`]: the text is no kubefit rule id.
///
/// ```
/// let e = "nope".parse::<kubefit::RuleId>().unwrap_err();
/// assert_eq!(e.to_string(), "`nope` is not a kubefit rule id (see kubefit::rules() or docs/rules.md)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule(pub String);

impl std::fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is not a kubefit rule id (see kubefit::rules() or docs/rules.md)",
            crate::diagnostic::Clean(&self.0)
        )
    }
}

impl std::error::Error for UnknownRule {}

impl std::str::FromStr for RuleId {
    type Err = UnknownRule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        rule(s)
            .map(|r| r.rule_id)
            .ok_or_else(|| UnknownRule(s.to_owned()))
    }
}

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
        "# kubefit rules\n\nGenerated from `src/diagnostic/rules.rs` (a test fails when this page is stale).\n\
         Every diagnostic kubefit emits — from `Stack::check()`, `Stack::fit()`/`check_on()` and\n\
         the environments — carries one of these ids (`kubefit::RuleId`), with the severity and\n\
         fix given here. Suppress one per object with `.suppress(id, reason)` or per stack with\n\
         `Stack::suppress(id, reason)`; suppressed findings stay in the report, marked with their\n\
         reason. Rules marked \"no\" under *suppressible* are errors the api server or the build\n\
         refuses anyway: suppressing one is itself an error (`suppression-not-allowed`), and an id\n\
         that is not in this table is an error (`unknown-rule`), never ignored.\n\n\
         | id | group | severity | suppressible | kube-linter | Polaris | kube-score | checkov |\n|---|---|---|---|---|---|---|---|\n",
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
            "| [`{}`](#{}) | {} | {} | {} | {} | {} | {} | {} |",
            r.id,
            r.id,
            r.group,
            r.severity,
            if r.suppressible { "yes" } else { "no" },
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
