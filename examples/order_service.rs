//! Seed 004 (ADR 003, "order-service infrastructure"): the order service behind an Ingress,
//! autoscaled by an HPA, with PostgreSQL, Redis and RabbitMQ (a topic exchange whose queues
//! dead-letter into a DLX, declared in the broker's definitions with the app's user), Prometheus
//! scraping, and every credential synced by the External Secrets Operator from AWS Secrets
//! Manager through a ClusterSecretStore — no Secret value lives in the repository.
//!
//! ```sh
//! cargo run --example order_service -- --out out/orders [--export-spec FILE]
//! ```

#[path = "support/mod.rs"]
mod support;

use std::process::ExitCode;

use kubefit::{
    ConfigMap, Container, CustomObject, Deployment, EmitOptions, HorizontalPodAutoscaler, Ingress,
    NetworkPolicy, PathType, PersistentVolumeClaim, Platform, PodDisruptionBudget, Probe, Secret,
    Service, Stack, StatefulSet, Storage, Verdict, Volume, cluster_secret_store, external_secret,
};
use serde_json::json;
use support::{POSTGRES_DIGEST, REDIS_DIGEST, UNPINNED, res};

/// The broker's definitions, imported at boot: exchanges, queues and bindings — `orders`
/// (topic) routes order events; a message that is rejected or expires in a work queue goes to
/// `orders.dlx` and lands in `orders.dead-letter` — and the app's user `orders` with
/// permissions on those names only. The user has to be here: a node that imports definitions
/// at boot creates no default user (rabbitmq.com/docs/definitions), so a `default_user` in
/// rabbitmq.conf would never exist. Its password is `PASSWORD`, a placeholder the External
/// Secrets Operator's template replaces with the password from AWS Secrets Manager (as a
/// JSON string), so the file is a Secret and no password is in the repository.
fn rabbitmq_definitions() -> String {
    let work_queue = |name: &str| {
        json!({
            "name": name, "vhost": "/", "durable": true, "auto_delete": false,
            "arguments": {
                "x-queue-type": "quorum",
                "x-dead-letter-exchange": "orders.dlx",
                "x-delivery-limit": 5
            }
        })
    };
    let names = "^(orders|orders\\.dlx|order\\.created|payment\\.completed|orders\\.dead-letter)$";
    let definitions = json!({
        "users": [{"name": "orders", "password": "PASSWORD", "tags": []}],
        "permissions": [{"user": "orders", "vhost": "/", "configure": names, "write": names, "read": names}],
        "vhosts": [{"name": "/"}],
        "exchanges": [
            {"name": "orders", "vhost": "/", "type": "topic", "durable": true, "auto_delete": false, "internal": false, "arguments": {}},
            {"name": "orders.dlx", "vhost": "/", "type": "fanout", "durable": true, "auto_delete": false, "internal": false, "arguments": {}}
        ],
        "queues": [
            work_queue("order.created"),
            work_queue("payment.completed"),
            {"name": "orders.dead-letter", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {"x-queue-type": "quorum"}}
        ],
        "bindings": [
            {"source": "orders", "vhost": "/", "destination": "order.created", "destination_type": "queue", "routing_key": "order.created", "arguments": {}},
            {"source": "orders", "vhost": "/", "destination": "payment.completed", "destination_type": "queue", "routing_key": "payment.*", "arguments": {}},
            {"source": "orders.dlx", "vhost": "/", "destination": "orders.dead-letter", "destination_type": "queue", "routing_key": "", "arguments": {}}
        ]
    });
    let mut s = serde_json::to_string_pretty(&definitions)
        .unwrap_or_default()
        .replace("\"PASSWORD\"", "{{ .password | toJson }}");
    s.push('\n');
    s
}

const RABBITMQ_CONF: &str = "\
load_definitions = /etc/rabbitmq/definitions/definitions.json
listeners.tcp.default = 5672
management.tcp.port = 15672
prometheus.tcp.port = 15692
";

fn stack() -> Stack {
    // Secrets the External Secrets Operator creates from AWS Secrets Manager.
    let store = cluster_secret_store(
        "aws-secrets-manager",
        &json!({"aws": {
            "service": "SecretsManager",
            "region": "eu-west-1",
            "auth": {"jwt": {"serviceAccountRef": {"name": "external-secrets", "namespace": "external-secrets"}}}
        }}),
    );
    let app_secrets = Secret::new("order-service");
    let postgres_secret = Secret::new("postgres");
    let definitions = Secret::new("rabbitmq-definitions");
    let synced = [
        external_secret(
            "order-service",
            "aws-secrets-manager",
            "order-service",
            &[
                ("database-password", "prod/orders/postgres", "password"),
                ("rabbitmq-password", "prod/orders/rabbitmq", "password"),
                ("hmac-secret", "prod/orders/service", "hmac_secret"),
            ],
        ),
        external_secret(
            "postgres",
            "aws-secrets-manager",
            "postgres",
            &[("password", "prod/orders/postgres", "password")],
        ),
        // The broker's definitions with the app's user, rendered from its password.
        CustomObject::new("external-secrets.io/v1", "ExternalSecret", "rabbitmq-definitions")
            .spec(&json!({
                "refreshInterval": "1h",
                "secretStoreRef": {"name": "aws-secrets-manager", "kind": "ClusterSecretStore"},
                "target": {
                    "name": "rabbitmq-definitions",
                    "creationPolicy": "Owner",
                    "template": {
                        "engineVersion": "v2",
                        "data": {"definitions.json": rabbitmq_definitions()}
                    }
                },
                "data": [{"secretKey": "password", "remoteRef": {"key": "prod/orders/rabbitmq", "property": "password"}}]
            })),
    ];

    let config = ConfigMap::new("order-service-config")
        .entry("PORT", "3000")
        .entry("NODE_ENV", "production")
        .entry("LOG_LEVEL", "info")
        .entry("DATABASE_URL", "postgres://orders@postgres:5432/orders")
        .entry("REDIS_URL", "redis://redis:6379/0")
        .entry("RABBITMQ_URL", "amqp://orders@rabbitmq:5672/")
        .entry("ORDERS_EXCHANGE", "orders")
        .entry("SECRETS_DIR", "/run/secrets/order-service");
    let rabbitmq_conf = ConfigMap::new("rabbitmq-config").entry("rabbitmq.conf", RABBITMQ_CONF);

    let orders = Deployment::new(
        "order-service",
        Container::new("order-service", "ghcr.io/acme/order-service:2.3.0")
            .port("http", 3000)
            .env_from_config_map(&config)
            .mount_read_only("secrets", "/run/secrets/order-service")
            .mount("tmp", "/tmp")
            .resources(res(200, 256, 500, 512))
            .readiness(Probe::http("/health/ready", "http"))
            .liveness(Probe::http("/health/live", "http").initial_delay_seconds(15)),
    )
    .volume(Volume::secret("secrets", &app_secrets))
    .volume(Volume::empty_dir("tmp"))
    .replicas(3);
    let postgres = support::postgres(
        ("postgres:16.4", Some(POSTGRES_DIGEST)),
        "orders",
        Some("orders"),
        None,
        &postgres_secret,
        res(500, 1024, 2000, 2048),
        Storage::gibibytes(50),
    );
    let redis = StatefulSet::new(
        "redis",
        Container::new("redis", "redis:7.4.1")
            .image_digest(REDIS_DIGEST)
            .args(["--appendonly", "yes", "--maxmemory", "400mb"])
            .port("redis", 6379)
            .resources(res(100, 512, 500, 512))
            .readiness(Probe::exec(["redis-cli", "ping"]))
            .liveness(Probe::tcp("redis"))
            .mount("data", "/data"),
    )
    .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(5)));
    let rabbitmq = StatefulSet::new(
        "rabbitmq",
        Container::new("rabbitmq", "rabbitmq:3.13.7-management-alpine")
            .port("amqp", 5672)
            .port("management", 15672)
            .port("metrics", 15692)
            // The config from a ConfigMap, the definitions (with the app's user) from the
            // Secret the External Secrets Operator renders.
            .env("RABBITMQ_CONFIG_FILE", "/etc/rabbitmq/base/rabbitmq.conf")
            .mount_read_only("config", "/etc/rabbitmq/base")
            .mount_read_only("definitions", "/etc/rabbitmq/definitions")
            .mount("data", "/var/lib/rabbitmq")
            .mount("tmp", "/tmp")
            .resources(res(250, 512, 1000, 1024))
            .readiness(
                Probe::exec(["rabbitmq-diagnostics", "-q", "check_port_connectivity"])
                    .timeout_seconds(10)
                    .period_seconds(30),
            )
            .liveness(
                Probe::exec(["rabbitmq-diagnostics", "-q", "status"])
                    .initial_delay_seconds(60)
                    .timeout_seconds(15)
                    .period_seconds(60),
            ),
    )
    .volume(Volume::config_map("config", &rabbitmq_conf))
    .volume(Volume::secret("definitions", &definitions))
    .volume(Volume::empty_dir("tmp"))
    .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(10)));

    let svc = Service::expose(&orders);
    let ingress = Ingress::new("order-service")
        .class("nginx")
        .annotation("cert-manager.io/cluster-issuer", "letsencrypt")
        .route("orders.example.com", "/", PathType::Prefix, &svc, "http")
        .tls(["orders.example.com"], "orders-example-com-tls");
    // The images without a recorded digest (support::UNPINNED says why).
    let orders = orders.suppress("image-not-pinned", UNPINNED);
    let rabbitmq = rabbitmq.suppress("image-not-pinned", UNPINNED);
    let mut s = Stack::new("orders")
        .label("app.kubernetes.io/part-of", "order-service")
        .with(store);
    for x in synced {
        s = s.with(x);
    }
    s.with(NetworkPolicy::default_deny())
        .with(NetworkPolicy::allow_from_namespace("ingress-nginx").to(&orders))
        .with(NetworkPolicy::allow_from_namespace("monitoring").to(&orders))
        .with(NetworkPolicy::allow_from_namespace("monitoring").to(&rabbitmq))
        .with(NetworkPolicy::allow(&orders, &postgres, "postgres"))
        .with(NetworkPolicy::allow(&orders, &redis, "redis"))
        .with(NetworkPolicy::allow(&orders, &rabbitmq, "amqp"))
        .with(config)
        .with(rabbitmq_conf)
        .with(svc)
        .with(postgres.headless_service())
        .with(redis.headless_service())
        .with(rabbitmq.headless_service())
        .with(HorizontalPodAutoscaler::new(&orders, 3, 10).cpu_utilization(70))
        .with(PodDisruptionBudget::new(&orders))
        .with(ingress)
        .with(orders)
        .with(postgres)
        .with(redis)
        .with(rabbitmq)
}

fn main() -> ExitCode {
    let (out, export) = match support::out_and_export(
        "out/orders",
        "order_service [--out DIR] [--export-spec FILE]",
    ) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let stack = stack();
    // Managed Kubernetes (ADR 003: EKS/GKE/AKS); three e2-standard-2 nodes on GKE here.
    let platform = Platform::gke_e2_standard_2(3);
    if let Err(code) = support::export_spec(export.as_deref(), &stack, &[], Some(&platform)) {
        return code;
    }
    let report = stack.check_on(&platform);
    println!("{report}");
    if report.has_errors() || report.fit().map(|f| f.verdict()) == Some(Verdict::DoesNotFit) {
        return ExitCode::from(1);
    }
    match stack
        .emit(&EmitOptions::new())
        .and_then(|m| m.write_dir(&out).map(|()| m))
    {
        Ok(m) => {
            println!(
                "\nwrote {} manifests to {}/",
                m.documents().len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
