//! NetworkPolicy reachability, judged against the Kubernetes documentation's rules
//! (https://kubernetes.io/docs/concepts/services-networking/network-policies/), one row per
//! rule: the expected answers are written from the documentation's sentences quoted on each
//! row, not from kubefit's code. Policies are given as k8s-openapi objects (as imported
//! manifests and `with_k8s` give them), so the whole policy language is exercised, not only
//! the three shapes the builder makes.

use kubefit::k8s_openapi::api::networking::v1::NetworkPolicy as K8sPolicy;
use kubefit::{Container, Deployment, NetworkPolicy, Service, Stack, Traffic};

/// `a` (labels app=a, role=frontend), `b` (app=b, tier=db; ports http 8080, metrics 9090,
/// dns 53/UDP) and `c` (app=c).
fn workloads() -> (Deployment, Deployment, Deployment) {
    let a = Deployment::new("a", Container::new("a", "nginx:1.27").port("http", 8080))
        .pod_label("app", "a")
        .pod_label("role", "frontend");
    let b = Deployment::new(
        "b",
        Container::new("b", "nginx:1.27")
            .port("http", 8080)
            .port("metrics", 9090)
            .udp_port("dns", 53),
    )
    .pod_label("app", "b")
    .pod_label("tier", "db");
    let c = Deployment::new("c", Container::new("c", "nginx:1.27")).pod_label("app", "c");
    (a, b, c)
}

/// The stack of the three workloads in namespace `shop` (labelled `team=shop`) with these
/// policies (YAML documents).
fn stack(policies: &[&str]) -> Stack {
    let (a, b, c) = workloads();
    let mut s = Stack::new("shop")
        .label("team", "shop")
        .with(a)
        .with(b)
        .with(c);
    for p in policies {
        let p: K8sPolicy = serde_yaml::from_str(p).unwrap();
        s = s.with_k8s(&p);
    }
    s
}

const DENY_INGRESS: &str =
    "metadata: {name: deny}\nspec: {podSelector: {}, policyTypes: [Ingress]}";

/// One row: the policies, the connection, what the documentation says of it.
struct Row {
    rule: &'static str,
    policies: &'static [&'static str],
    traffic: fn(&Deployment, &Deployment, &Deployment) -> Traffic,
    allowed: Option<bool>,
}

#[test]
fn reachability_follows_the_documented_rules() {
    let rows = [
        Row {
            rule: "by default, pods are non-isolated; they accept traffic from any source",
            policies: &[],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(true),
        },
        Row {
            rule: "a policy selecting a pod for ingress isolates it: only what some policy allows gets in",
            policies: &[DENY_INGRESS],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(false),
        },
        Row {
            rule: "a policy whose podSelector does not select the pod does not isolate it",
            policies: &[
                "metadata: {name: only-c}\nspec: {podSelector: {matchLabels: {app: c}}, policyTypes: [Ingress]}",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(true),
        },
        Row {
            rule: "policies are additive: one allowing the connection is enough",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: a-to-b}\nspec:\n  podSelector: {matchLabels: {app: b}}\n  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}]}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(true),
        },
        Row {
            rule: "a podSelector peer selects pods of the policy's own namespace only",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: a-to-b}\nspec:\n  podSelector: {matchLabels: {app: b}}\n  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}]}]",
            ],
            traffic: |_, b, _| {
                Traffic::from_namespace("other", b, "http").pod_labels([("role", "frontend")])
            },
            allowed: Some(false),
        },
        Row {
            rule: "a namespaceSelector peer selects all pods of the selected namespaces",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: from-mon}\nspec:\n  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]}]",
            ],
            traffic: |_, b, _| Traffic::from_namespace("monitoring", b, "metrics"),
            allowed: Some(true),
        },
        Row {
            rule: "namespaceSelector and podSelector in one element: pods matching both (AND)",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: and}\nspec:\n  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app: prometheus}}}]}]",
            ],
            traffic: |_, b, _| {
                Traffic::from_namespace("monitoring", b, "metrics").pod_labels([("app", "grafana")])
            },
            allowed: Some(false),
        },
        Row {
            rule: "namespaceSelector and podSelector as two elements: either (OR)",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: or}\nspec:\n  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}, {podSelector: {matchLabels: {app: prometheus}}}]}]",
            ],
            traffic: |_, b, _| {
                Traffic::from_namespace("monitoring", b, "metrics").pod_labels([("app", "grafana")])
            },
            allowed: Some(true),
        },
        Row {
            rule: "an empty podSelector in a peer selects every pod of the policy's namespace",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: same-ns}\nspec:\n  podSelector: {}\n  ingress: [{from: [{podSelector: {}}]}]",
            ],
            traffic: |_, b, c| Traffic::between(c, b, "http"),
            allowed: Some(true),
        },
        Row {
            rule: "a rule without from matches all sources; without ports, all ports",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: all}\nspec:\n  podSelector: {matchLabels: {app: b}}\n  ingress: [{}]",
            ],
            traffic: |_, b, _| Traffic::from_namespace("anywhere", b, "metrics"),
            allowed: Some(true),
        },
        Row {
            rule: "an empty ingress list allows nothing",
            policies: &["metadata: {name: none}\nspec:\n  podSelector: {}\n  ingress: []"],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(false),
        },
        Row {
            rule: "ports restrict a rule to the listed port (protocol TCP by default)",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: http-only}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: 8080}]}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "metrics"),
            allowed: Some(false),
        },
        Row {
            rule: "a port range: port to endPort inclusive",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: range}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: 9000, endPort: 9090}]}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "metrics"),
            allowed: Some(true),
        },
        Row {
            rule: "a named port means the destination pod's container port of that name",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: named}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: metrics}]}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, 9090),
            allowed: Some(true),
        },
        Row {
            rule: "the protocol must match: a TCP rule does not let UDP through",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: tcp53}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: 53}]}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "dns").udp(),
            allowed: Some(false),
        },
        Row {
            rule: "matchExpressions: In / NotIn / Exists",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: expr}\nspec:\n  podSelector: {matchExpressions: [{key: tier, operator: In, values: [db]}]}\n  ingress: [{from: [{podSelector: {matchExpressions: [{key: role, operator: Exists}, {key: app, operator: NotIn, values: [c]}]}}]}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(true),
        },
        Row {
            rule: "matchExpressions NotIn excludes the listed value",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: expr}\nspec:\n  podSelector: {}\n  ingress: [{from: [{podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [c]}]}}]}]",
            ],
            traffic: |_, b, c| Traffic::between(c, b, "http"),
            allowed: Some(false),
        },
        Row {
            rule: "the namespace's own labels count for a namespaceSelector",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: team}\nspec:\n  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {team: shop}}}]}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(true),
        },
        Row {
            rule: "egress: a policy with Egress isolates its pods' outgoing connections",
            policies: &[
                "metadata: {name: no-egress}\nspec: {podSelector: {matchLabels: {app: a}}, policyTypes: [Egress]}",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(false),
        },
        Row {
            rule: "without policyTypes, a policy with an egress section has type Egress too",
            policies: &[
                "metadata: {name: egress-to-c}\nspec:\n  podSelector: {matchLabels: {app: a}}\n  egress: [{to: [{podSelector: {matchLabels: {app: c}}}]}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(false),
        },
        Row {
            rule: "without policyTypes, a policy with no egress section does not isolate egress",
            policies: &[
                "metadata: {name: ingress-only}\nspec:\n  podSelector: {matchLabels: {app: a}}\n  ingress: [{}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(true),
        },
        Row {
            rule: "both sides must allow: egress allowed, ingress refused",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: egress-to-b}\nspec:\n  podSelector: {matchLabels: {app: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{podSelector: {matchLabels: {app: b}}}]}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: Some(false),
        },
        Row {
            rule: "ipBlock is for addresses outside the cluster: whether a pod matches is the plugin's choice",
            policies: &[
                DENY_INGRESS,
                "metadata: {name: cidr}\nspec:\n  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]",
            ],
            traffic: |a, b, _| Traffic::between(a, b, "http"),
            allowed: None,
        },
    ];
    let (a, b, c) = workloads();
    let mut wrong = Vec::new();
    for r in &rows {
        let got = stack(r.policies).network_allows(&(r.traffic)(&a, &b, &c));
        if got != r.allowed {
            wrong.push(format!("{}: expected {:?}, got {got:?}", r.rule, r.allowed));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The builder's own three shapes judged the same way (they lower to the same objects).
#[test]
fn the_builders_policies_allow_what_they_say() {
    let (a, b, c) = workloads();
    let s = Stack::new("shop")
        .with(NetworkPolicy::default_deny())
        .with(NetworkPolicy::allow(&a, &b, "http"))
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&a))
        .with(a.clone())
        .with(b.clone())
        .with(c.clone());
    assert_eq!(
        s.network_allows(&Traffic::between(&a, &b, "http")),
        Some(true)
    );
    assert_eq!(
        s.network_allows(&Traffic::between(&a, &b, "metrics")),
        Some(false)
    );
    assert_eq!(
        s.network_allows(&Traffic::between(&c, &b, "http")),
        Some(false)
    );
    assert_eq!(
        s.network_allows(&Traffic::from_namespace("ingress-nginx", &a, "http")),
        Some(true)
    );
    assert_eq!(
        s.network_allows(&Traffic::from_namespace("ingress-nginx", &b, "http")),
        Some(false)
    );
    // A port the destination does not have: nothing to judge.
    assert_eq!(s.network_allows(&Traffic::between(&a, &b, "nope")), None);
}

/// The connections a stack names itself, each refused by `default-deny` and let through by
/// the policy its fix suggests.
#[test]
fn connections_the_stack_names_are_held_to_its_policies() {
    let db = Deployment::new(
        "db",
        Container::new("db", "postgres:17").port("postgres", 5432),
    );
    let api = Deployment::new(
        "api",
        Container::new("api", "ghcr.io/acme/api:1.0")
            .port("http", 8080)
            .env("DATABASE_URL", "postgres://app:$(PW)@db:5432/app"),
    )
    .pod_annotation("prometheus.io/scrape", "true")
    .pod_annotation("prometheus.io/port", "8080");
    let prometheus = Deployment::new(
        "prometheus",
        Container::new("prometheus", "quay.io/prometheus/prometheus:v2.54.1").port("web", 9090),
    );
    let api_svc = Service::expose(&api);
    let ingress = kubefit::Ingress::new("shop").class("nginx").route(
        "shop.example.com",
        "/",
        kubefit::PathType::Prefix,
        &api_svc,
        "http",
    );
    let base = Stack::new("shop")
        .with(NetworkPolicy::default_deny())
        .with(Service::expose(&db))
        .with(api_svc)
        .with(ingress)
        .with(db.clone())
        .with(api.clone())
        .with(prometheus.clone());
    let mut found: Vec<String> = base
        .check()
        .with_id("traffic-blocked")
        .map(|d| format!("{}: {}", d.object, d.message))
        .collect();
    found.sort();
    insta::assert_debug_snapshot!(found, @r#"
    [
        "deployment/api: `prometheus` cannot reach `api` on port 8080/TCP (it is annotated prometheus.io/scrape): networkpolicy `default-deny` isolates the ingress of `api` and none allows this connection",
        "deployment/api: the ingress controller `ingress-nginx` (namespace `ingress-nginx`) cannot reach `api` on port 8080/TCP (ingress `shop` routes to service `api`): networkpolicy `default-deny` isolates the ingress of `api` and none allows this connection",
        "deployment/db: `api` cannot reach `db` on port 5432/TCP (env `DATABASE_URL` names service `db`): networkpolicy `default-deny` isolates the ingress of `db` and none allows this connection",
    ]
    "#);
    let fixed = base
        .with(NetworkPolicy::allow(&api, &db, "postgres"))
        .with(NetworkPolicy::allow(&prometheus, &api, "http"))
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&api));
    assert_eq!(fixed.check().with_id("traffic-blocked").count(), 0);
}

/// Egress policies must leave DNS open: a pod that cannot reach kube-dns resolves no name.
#[test]
fn an_egress_policy_that_closes_dns_is_reported() {
    let closed = "metadata: {name: egress-to-b}\nspec:\n  podSelector: {matchLabels: {app: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{podSelector: {matchLabels: {app: b}}}]}]";
    let found: Vec<String> = stack(&[closed])
        .check()
        .with_id("traffic-blocked")
        .map(|d| format!("{}: {}", d.object, d.message))
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("deployment/a: `a` cannot reach the cluster dns (`k8s-app=kube-dns` in `kube-system`) on port 53/UDP"),
        "{found:#?}"
    );
    let open = "metadata: {name: egress-to-b}\nspec:\n  podSelector: {matchLabels: {app: a}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {matchLabels: {app: b}}}]\n  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]\n    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]";
    assert_eq!(stack(&[open]).check().with_id("traffic-blocked").count(), 0);
}

/// Imported manifests are judged alike: the policies, the Services and the environment
/// come from YAML.
#[test]
fn imported_manifests_are_judged_alike() {
    let yaml = r#"apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: v1
kind: Service
metadata: {name: cache, namespace: shop}
spec:
  selector: {app: cache}
  ports: [{name: redis, port: 6379, targetPort: redis}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache, namespace: shop}
spec:
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers: [{name: redis, image: "redis:7.4", ports: [{name: redis, containerPort: 6379}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27", env: [{name: REDIS_ADDR, value: "cache.shop.svc.cluster.local:6379"}]}]
"#;
    let stack = Stack::from_manifests(yaml.as_bytes()).unwrap();
    let found: Vec<String> = stack
        .check()
        .with_id("traffic-blocked")
        .map(|d| format!("{}: {}", d.object, d.message))
        .collect();
    assert_eq!(
        found,
        [
            "deployment/cache: `web` cannot reach `cache` on port 6379/TCP (env `REDIS_ADDR` names service `cache`): networkpolicy `deny` isolates the ingress of `cache` and none allows this connection"
        ]
    );
}

/// A declared connection that names a workload or port the stack lacks could never be
/// judged: a typo would silently pass, so the check names it.
#[test]
fn a_declared_connection_to_nothing_is_reported() {
    let (a, b, _) = workloads();
    let ghost = Deployment::new("ghost", Container::new("g", "nginx:1.27"));
    let findings = |t: Traffic| {
        Stack::new("shop")
            .with(a.clone())
            .with(b.clone())
            .expect_traffic(t)
            .check()
            .with_id("dangling-workload")
            .map(|d| format!("{}: {}", d.object, d.message))
            .collect::<Vec<_>>()
            .join("\n")
    };
    insta::assert_snapshot!(findings(Traffic::between(&a, &ghost, "http")), @"deployment/ghost: a connection declared with expect_traffic names deployment/ghost, which is not in the stack: it is never judged");
    insta::assert_snapshot!(findings(Traffic::between(&a, &b, "htp")), @"deployment/b: a connection declared with expect_traffic goes to port `htp` of deployment/b, whose containers declare no such port: it is never judged");
    assert_eq!(findings(Traffic::between(&a, &b, "http")), "");
    assert_eq!(findings(Traffic::between(&a, &b, 8080)), "");
}
