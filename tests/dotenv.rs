//! The `.env` reader against an independent one: python-dotenv (PyPI, installed by the test
//! command), on a table of the Compose env-file documentation's cases plus multi-line values,
//! escapes and interpolation. Where python-dotenv and the Compose documentation disagree,
//! kubefit follows Compose; those cases are listed separately with the documented result.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use kubefit::{DotEnv, SecretSource};

/// Cases on which the Compose docs and python-dotenv agree.
const SHARED: &[&str] = &[
    "A=1",
    "A=\"say \\\"hi\\\"\"",
    "A='Let\\'s go!'",
    "A=\"some\\tvalue\"",
    "A='some\\tvalue'",
    "A=VAL # comment",
    "A=VAL# not a comment",
    "A=\"VAL # not a comment\"",
    "A=\"VAL\" # comment",
    "A='$OTHER'",
    "export A=x",
    "A=\"line1\nline2\"",
    "A='multi\nline'\nB=after",
    "  A  =  spaced  ",
    "A=1\nB=${A}2",
    "B=${UNSET:-def}",
    "A=\"a\\\\b\"",
    "A=\"{\\\"hello\\\": \\\"json\\\"}\"",
    "A=x\n#B=y\nC=z",
    "A=\"\\n\"",
    "A=''",
    "A=\"\"",
    "A=a b c",
    "A=x=y",
    "A=1\nA=2",
    "A=\"x\"y",
    "A='open",
];

/// Cases where kubefit follows the Compose docs, not python-dotenv.
const COMPOSE_ONLY: &[(&str, &[(&str, &str)])] = &[
    // "${VAR:-default}: value of VAR if set and non-empty, otherwise default".
    ("A=\nB=${A:-def}", &[("A", ""), ("B", "def")]),
    // "Single-quoted values are used literally": python-dotenv interpolates them.
    ("A='${OTHER}'", &[("A", "${OTHER}")]),
    // Unbraced `$VAR` is interpolated too.
    ("A=1\nB=$A-x", &[("A", "1"), ("B", "1-x")]),
    (
        "A=1\nB=${A:+set}\nC=${U:+set}",
        &[("A", "1"), ("B", "set"), ("C", "")],
    ),
];

/// python-dotenv's reading: `Some(map)`, or `None` when it could not parse a statement.
fn python(case: &str) -> Option<BTreeMap<String, Option<String>>> {
    let script = "import io, json, sys, warnings\nimport logging\nbad = []\nclass H(logging.Handler):\n    def emit(self, r): bad.append(r)\nlogging.getLogger('dotenv.main').addHandler(H())\nfrom dotenv import dotenv_values\nv = dotenv_values(stream=io.StringIO(sys.stdin.read()), interpolate=True)\nprint(json.dumps(None if bad else v))\n";
    let mut child = Command::new(common::python_with_dotenv())
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(case.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python-dotenv failed on {case:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ours(case: &str) -> Option<BTreeMap<String, Option<String>>> {
    let env = DotEnv::parse(case).ok()?;
    let keys: Vec<String> = case
        .lines()
        .filter_map(|l| {
            let l = l.trim().strip_prefix("export ").unwrap_or(l.trim());
            let k = l.split(['=', ' ']).next()?;
            (!k.is_empty() && !k.starts_with('#')).then(|| k.to_owned())
        })
        .collect();
    Some(
        keys.into_iter()
            .filter_map(|k| {
                let v = env.secret(&k)?;
                Some((k, Some(String::from_utf8(v.expose().to_vec()).unwrap())))
            })
            .collect(),
    )
}

#[test]
fn dotenv_reads_like_python_dotenv_on_the_documented_cases() {
    common::needs_external_tools!();
    let mut disagreements = Vec::new();
    for case in SHARED {
        let theirs = python(case).map(|m| {
            m.into_iter()
                .filter(|(_, v)| v.is_some())
                .collect::<BTreeMap<_, _>>()
        });
        if ours(case) != theirs {
            disagreements.push(format!(
                "{case:?}: kubefit {:?}, python-dotenv {theirs:?}",
                ours(case)
            ));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
fn dotenv_follows_compose_where_python_dotenv_differs() {
    common::needs_external_tools!();
    for (case, want) in COMPOSE_ONLY {
        let want: BTreeMap<String, Option<String>> = want
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Some((*v).to_owned())))
            .collect();
        assert_eq!(ours(case), Some(want), "{case:?}");
        assert_ne!(python(case), ours(case), "{case:?} is not a disagreement");
    }
}

#[test]
fn dotenv_errors_name_the_line_never_the_value() {
    for (case, msg) in [
        ("A=\"x\"y-secret-tail", ".env line 1: expected KEY=value"),
        ("OK=1\nB='open-secret", ".env line 2: unterminated quote"),
        (
            "B=${MISSING:?}",
            ".env line 1: variable `MISSING` is required but not set",
        ),
        ("NOT A LINE", ".env line 1: expected KEY=value"),
    ] {
        let err = DotEnv::parse(case).unwrap_err().to_string();
        assert_eq!(err, msg);
        assert!(!err.contains("secret"));
    }
}
