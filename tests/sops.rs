//! SOPS + age against the real tools: our files decrypt with `sops`, sops's files decrypt
//! with kubefit, every tamper case is refused by both, and plaintext never reaches disk.

#![cfg(feature = "sops")]

mod common;

use std::process::Command;

use base64::Engine;
use kubefit::{
    AgeIdentity, Container, Deployment, DotEnv, EmitOptions, NetworkPolicy, Probe, Secret,
    SecretValue, SopsConfig, SopsError, Stack, Volume, sops_decrypt, sops_encrypt,
};

const PASSWORD: &str = "pw-Zx81!tango-secret";
const TOKEN: &str = "tok-9f3c-alpha-secret";

fn secret_doc() -> serde_json::Value {
    let s = Secret::new("db")
        .entry("password", SecretValue::new(PASSWORD))
        .entry("token", SecretValue::new(TOKEN));
    serde_json::to_value(s.to_k8s("shop")).unwrap()
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn our_files_decrypt_with_sops_for_every_recipient() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    let (key_a, rec_a) = common::age_keygen(dir.path(), "a.txt");
    let (key_b, rec_b) = common::age_keygen(dir.path(), "b.txt");
    let yaml = sops_encrypt(&secret_doc(), &SopsConfig::new([rec_a, rec_b])).unwrap();
    assert!(!yaml.contains(PASSWORD) && !yaml.contains(&b64(PASSWORD)));
    let file = common::write(dir.path(), "db.sops.yaml", &yaml);
    for key in [&key_a, &key_b] {
        let out = common::sops_decrypt_cli(key, &file);
        assert!(
            out.status.success(),
            "sops --decrypt failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let plain: serde_json::Value =
            serde_saphyr::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
        assert_eq!(plain["data"]["password"], b64(PASSWORD));
        assert_eq!(plain["data"]["token"], b64(TOKEN));
        assert_eq!(plain["metadata"]["name"], "db");
        // And with kubefit, using the key file age-keygen wrote.
        let ids = AgeIdentity::from_file(key).unwrap();
        let docs = sops_decrypt(&yaml, &ids).unwrap();
        assert_eq!(docs[0]["data"]["password"], b64(PASSWORD));
    }
}

#[test]
fn sops_files_decrypt_with_kubefit() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = common::age_keygen(dir.path(), "key.txt");
    let plain = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: pw-Zx81!tango-secret\n  port: \"5432\"\n  nested:\n    - one\n    - two\ntype: Opaque\n";
    let file = common::write(dir.path(), "plain.yaml", plain);
    let out = Command::new(common::sops())
        .args([
            "--encrypt",
            "--disable-version-check",
            "--age",
            &recipient,
            "--encrypted-regex",
            "^(data|stringData)$",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sops --encrypt failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let enc = String::from_utf8(out.stdout).unwrap();
    assert!(!enc.contains(PASSWORD));
    let docs = sops_decrypt(&enc, &AgeIdentity::from_file(&key).unwrap()).unwrap();
    assert_eq!(docs[0]["stringData"]["password"], PASSWORD);
    assert_eq!(docs[0]["stringData"]["port"], "5432");
    assert_eq!(docs[0]["stringData"]["nested"][1], "two");
    assert_eq!(docs[0]["metadata"]["name"], "db");
}

/// Tampers with an encrypted file; both kubefit and sops must refuse the result.
fn tampered(yaml: &str, how: &str) -> String {
    let mut doc: serde_json::Value = serde_saphyr::from_str(yaml).unwrap();
    match how {
        "swap" => {
            let data = doc["data"].as_object_mut().unwrap();
            let p = data["password"].clone();
            let t = data["token"].clone();
            data.insert("password".into(), t);
            data.insert("token".into(), p);
        }
        "mac" => {
            let mac = doc["sops"]["mac"].as_str().unwrap().to_owned();
            // Flip one character of the sealed MAC's data.
            let i = mac.find("data:").unwrap() + 6;
            let mut bytes = mac.into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            doc["sops"]["mac"] = serde_json::Value::String(String::from_utf8(bytes).unwrap());
        }
        "lastmodified" => {
            doc["sops"]["lastmodified"] = "2030-01-01T00:00:00Z".into();
        }
        "value" => {
            doc["metadata"]["name"] = "other".into(); // an unencrypted value covered by the MAC
        }
        "plaintext" => {
            // The plaintext the attacker wants, where ciphertext belongs.
            doc["data"]["password"] = "b3duZWQ=".into();
        }
        "type" => {
            let v = doc["data"]["password"]
                .as_str()
                .unwrap()
                .replace("type:str", "type:int");
            doc["data"]["password"] = v.into();
        }
        "regex" => {
            doc["sops"]["encrypted_regex"] = "^nothing$".into();
        }
        _ => unreachable!(),
    }
    serde_saphyr::to_string(&doc).unwrap()
}

#[test]
fn tampering_and_wrong_keys_are_refused_by_both() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = common::age_keygen(dir.path(), "key.txt");
    let (other_key, _) = common::age_keygen(dir.path(), "other.txt");
    let ids = AgeIdentity::from_file(&key).unwrap();
    let yaml = sops_encrypt(&secret_doc(), &SopsConfig::new([recipient])).unwrap();
    for (how, expected) in [
        ("swap", "value"),
        ("mac", "mac"),
        ("lastmodified", "mac"),
        ("value", "mac"),
        ("plaintext", "plaintext"),
        ("type", "type"),
        ("regex", "unsupported"),
    ] {
        let bad = tampered(&yaml, how);
        let err = sops_decrypt(&bad, &ids).unwrap_err();
        match expected {
            "value" => assert!(matches!(err, SopsError::Value(_)), "{how}: {err}"),
            "plaintext" => assert!(matches!(err, SopsError::Plaintext(_)), "{how}: {err}"),
            "type" => assert!(matches!(err, SopsError::Type { .. }), "{how}: {err}"),
            "unsupported" => assert!(matches!(err, SopsError::Unsupported(_)), "{how}: {err}"),
            _ => assert_eq!(err, SopsError::Mac, "{how}"),
        }
        let file = common::write(dir.path(), &format!("{how}.sops.yaml"), &bad);
        let out = common::sops_decrypt_cli(&key, &file);
        assert!(!out.status.success(), "sops accepted the {how} tamper");
        assert!(!String::from_utf8_lossy(&out.stdout).contains(PASSWORD));
    }
    // The wrong key.
    let err = sops_decrypt(&yaml, &AgeIdentity::from_file(&other_key).unwrap()).unwrap_err();
    assert_eq!(err, SopsError::NoIdentity);
    let file = common::write(dir.path(), "good.sops.yaml", &yaml);
    assert!(!common::sops_decrypt_cli(&other_key, &file).status.success());
    assert!(
        common::sops_decrypt_cli(&key, &file).status.success(),
        "the untampered file decrypts"
    );
}

fn stack_with_secrets(env: &DotEnv) -> Stack {
    let db = Secret::new("db")
        .entry_from("password", env)
        .entry_from("token", env);
    let app = Deployment::new(
        "app",
        Container::new("app", "busybox:1.36")
            .resources(common::resources())
            .readiness(Probe::exec(["true"]))
            .liveness(Probe::exec(["true"]))
            .env("DB_PASSWORD_FILE", "/run/secrets/db/password")
            .mount_read_only("db", "/run/secrets/db"),
    )
    .volume(Volume::secret("db", &db));
    Stack::new("shop")
        .with(NetworkPolicy::default_deny())
        .with(db)
        .with(app)
}

#[test]
fn emitted_tree_decrypts_and_never_holds_plaintext() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = common::age_keygen(dir.path(), "key.txt");
    let env = DotEnv::parse(&format!("DB_PASSWORD={PASSWORD}\nDB_TOKEN='{TOKEN}'\n")).unwrap();
    let stack = stack_with_secrets(&env);
    let out = dir.path().join("out");
    let m = stack
        .emit(&EmitOptions::new().encrypt_secrets(SopsConfig::new([recipient])))
        .unwrap();
    m.write_dir(&out).unwrap();

    // sops decrypts the Secret, finding its key through the .sops.yaml next to it.
    let file = out.join("secrets/db.sops.yaml");
    let dec = common::sops_decrypt_cli(&key, &file);
    assert!(
        dec.status.success(),
        "{}",
        String::from_utf8_lossy(&dec.stderr)
    );
    assert!(String::from_utf8_lossy(&dec.stdout).contains(&b64(PASSWORD)));

    // .sops.yaml's creation rule matches the emitted paths: sops encrypts a new file there.
    std::fs::write(out.join("secrets/new.sops.yaml"), "data:\n  k: dmFsdWU=\n").unwrap();
    let enc = Command::new(common::sops())
        .args([
            "--encrypt",
            "--in-place",
            "--disable-version-check",
            "secrets/new.sops.yaml",
        ])
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(
        enc.status.success(),
        "creation rule did not match: {}",
        String::from_utf8_lossy(&enc.stderr)
    );
    std::fs::remove_file(out.join("secrets/new.sops.yaml")).unwrap();

    // .env.example lists every key with a placeholder, never a value.
    let example = std::fs::read_to_string(out.join(".env.example")).unwrap();
    assert!(
        example.contains("# secret/db key password\nDB_PASSWORD=change-me\n"),
        "{example}"
    );
    assert!(
        example.contains("# secret/db key token\nDB_TOKEN=change-me\n"),
        "{example}"
    );

    // No file holds a secret, its base64, or its bytes.
    let needles: Vec<Vec<u8>> = [PASSWORD, TOKEN]
        .iter()
        .flat_map(|s| [s.as_bytes().to_vec(), b64(s).into_bytes()])
        .collect();
    let mut scanned = 0;
    let mut stack_dirs = vec![out.clone()];
    while let Some(d) = stack_dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack_dirs.push(p);
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            for n in &needles {
                assert!(
                    !bytes.windows(n.len()).any(|w| w == n.as_slice()),
                    "{} leaks a secret",
                    p.display()
                );
            }
            scanned += 1;
        }
    }
    assert!(scanned >= 5, "{scanned} files scanned");

    // Debug and Display of everything that holds a secret, and every error, are clean.
    let texts = [
        format!("{stack:?}"),
        format!("{env:?}"),
        format!("{m:?}"),
        format!("{}", m),
        format!("{}", stack.check()),
        format!("{:?}", SecretValue::new(PASSWORD)),
        format!("{}", SecretValue::new(PASSWORD)),
        format!("{:?}", AgeIdentity::from_file(&key).unwrap()),
        format!("{}", sops_decrypt("x: 1", &[]).unwrap_err()),
        format!("{}", DotEnv::parse(&format!("{PASSWORD}\n")).unwrap_err()),
        format!(
            "{}",
            DotEnv::parse(&format!("A='{PASSWORD}\n")).unwrap_err()
        ),
    ];
    for t in texts {
        for s in [PASSWORD, TOKEN] {
            assert!(!t.contains(s) && !t.contains(&b64(s)), "leak in: {t}");
        }
    }
}

#[test]
fn missing_values_name_the_variable_not_the_value() {
    let stack = stack_with_secrets(&DotEnv::parse("DB_PASSWORD=x\n").unwrap());
    let report = stack.check();
    let d: Vec<_> = report.with_id("secret-value-missing").collect();
    assert_eq!(d.len(), 1, "{report}");
    assert_eq!(
        d[0].message,
        "no value for key `token`: variable DB_TOKEN is not set"
    );
    assert!(
        stack.emit(&EmitOptions::new()).is_err(),
        "emission is refused"
    );
}

#[test]
fn redaction_gives_stable_snapshots_of_random_ciphertext() {
    let id = AgeIdentity::generate();
    let cfg = SopsConfig::new([id.recipient()]);
    let a = sops_encrypt(&secret_doc(), &cfg).unwrap();
    let b = sops_encrypt(&secret_doc(), &cfg).unwrap();
    assert_ne!(a, b, "every file has a fresh data key and fresh nonces");
    let (ra, rb) = (
        kubefit::sops_redact(&a).unwrap(),
        kubefit::sops_redact(&b).unwrap(),
    );
    assert_eq!(ra, rb);
    assert!(!ra.contains(TOKEN) && !ra.contains(&b64(TOKEN)));
    insta::assert_snapshot!(ra.replace(&id.recipient(), "[recipient]"));
    assert_eq!(
        sops_decrypt(&a, &[id]).unwrap()[0]["data"]["token"],
        b64(TOKEN)
    );
}

/// What the MAC does not cover, by sops's design (it hashes values in order, not keys): a
/// renamed unencrypted key, and bytes moved between neighbouring unencrypted values. Both
/// sops and kubefit accept these; the docs say so instead of claiming "any tampering".
#[test]
fn edits_the_sops_mac_does_not_cover_pass_both() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = common::age_keygen(dir.path(), "key.txt");
    let ids = AgeIdentity::from_file(&key).unwrap();
    let doc = serde_json::json!({"kind": "Secret", "metadata": {"name": "ab", "namespace": "c"}, "data": {"k": "dg=="}});
    let yaml = sops_encrypt(&doc, &SopsConfig::new([recipient])).unwrap();
    let edits = [
        yaml.replace("  name: ab\n", "  nome: ab\n"),
        yaml.replace(
            "  name: ab\n  namespace: c\n",
            "  name: a\n  namespace: bc\n",
        ),
    ];
    for (i, edited) in edits.iter().enumerate() {
        assert_ne!(edited, &yaml, "edit {i} applied");
        assert!(sops_decrypt(edited, &ids).is_ok(), "edit {i}");
        let file = common::write(dir.path(), &format!("edit{i}.sops.yaml"), edited);
        assert!(
            common::sops_decrypt_cli(&key, &file).status.success(),
            "edit {i}"
        );
    }
}

/// sops's MAC spells unencrypted floats as Go's `FormatFloat(f, 'f', -1, 64)`; kubefit must
/// spell them the same or every such genuine file fails its MAC check.
#[test]
fn genuine_sops_files_with_unencrypted_floats_pass_the_mac() {
    common::needs_external_tools!();
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = common::age_keygen(dir.path(), "key.txt");
    let plain = "numbers:\n  big: 1e21\n  small: 1.5e-7\n  wide: 100000000000000000000\n  neg: -2.5\n  int: 42\n  flag: true\nstringData:\n  password: pw\n";
    let file = common::write(dir.path(), "plain.yaml", plain);
    let out = Command::new(common::sops())
        .args([
            "--encrypt",
            "--disable-version-check",
            "--age",
            &recipient,
            "--encrypted-regex",
            "^(data|stringData)$",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let enc = String::from_utf8(out.stdout).unwrap();
    let docs = sops_decrypt(&enc, &AgeIdentity::from_file(&key).unwrap()).unwrap();
    assert_eq!(docs[0]["stringData"]["password"], "pw");
    assert_eq!(docs[0]["numbers"]["int"], 42);
}

#[test]
fn the_stream_encrypts_secrets_like_emit() {
    let id = AgeIdentity::generate();
    let env = DotEnv::parse(&format!("DB_PASSWORD={PASSWORD}\nDB_TOKEN={TOKEN}\n")).unwrap();
    let stack = stack_with_secrets(&env).label("app.kubernetes.io/part-of", "shop");
    let options = EmitOptions::new().encrypt_secrets(SopsConfig::new([id.recipient()]));
    let mut out = Vec::new();
    let streamed = stack.write_yaml(&options, &mut out).unwrap();
    let manifests = stack.emit(&options).unwrap();
    // The same documents in the stream, no Secret among them, and the same files beside.
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out, manifests.to_yaml().unwrap());
    assert!(
        !out.contains("kind: Secret") && !out.contains(PASSWORD),
        "{out}"
    );
    let names =
        |files: &[(String, String)]| files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(streamed.extra_files()),
        names(manifests.extra_files())
    );
    assert_eq!(streamed.documents(), manifests.documents().len());
    // The streamed Secret decrypts to the Secret with the stack's label merged in.
    let (_, file) = streamed
        .extra_files()
        .iter()
        .find(|(p, _)| p == "secrets/db.sops.yaml")
        .unwrap();
    assert!(!file.contains(PASSWORD) && !file.contains(&b64(PASSWORD)));
    let secret = &sops_decrypt(file, std::slice::from_ref(&id)).unwrap()[0];
    assert_eq!(
        secret["metadata"]["labels"]["app.kubernetes.io/part-of"],
        "shop"
    );
    assert_eq!(secret["data"]["password"], b64(PASSWORD));
}
