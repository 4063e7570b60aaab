//! The kubefit command line: check and emit stacks described in a spec file.
//!
//! ```sh
//! cargo run --example kubefit -- check stack.yaml [--platform oci-always-free] [--env prod] [--json] [--show-suppressed]
//! cargo run --example kubefit -- check -f MANIFESTS|DIR|- [--platform NAME|FILE | --nodes nodes.json [--pods pods.json]]
//! cargo run --example kubefit -- emit stack.yaml --out DIR [--format yaml|json|kustomize] [--env prod]
//! cargo run --example kubefit -- platforms
//! cargo run --example kubefit -- nodes (--platform NAME|FILE | SPEC)   # Node objects, JSON
//! cargo run --example kubefit -- schema [stack|platform]
//! ```
//! Exit codes: 0 ok; 1 check errors or the stack does not fit; 2 usage, spec or I/O error.
//! Colour only on a terminal, and never when `NO_COLOR` is set.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kubefit::{
    DotEnv, EmitOptions, Environment, Platform, ProcessEnv, Report, Stack, StackSpec, Verdict,
};

#[derive(Parser)]
#[command(
    name = "kubefit",
    about = "Check Kubernetes stacks before deploy: structure, lints, budgets."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a spec or manifests: structure, lints and (with a platform) the budget.
    Check {
        /// The stack spec (YAML).
        #[arg(required_unless_present = "file")]
        spec: Option<PathBuf>,
        /// Manifests to check instead of a spec (Helm or Kustomize output, YAML in git): a
        /// file, a directory of .yaml/.yml/.json files, or `-` for standard input.
        #[arg(short = 'f', long = "file", conflicts_with_all = ["spec", "env"])]
        file: Option<PathBuf>,
        /// A built-in platform (see `platforms`) or a platform YAML file, overriding the spec's.
        #[arg(long)]
        platform: Option<String>,
        /// The cluster's nodes as the platform: the output of `kubectl get nodes -o json`.
        #[arg(long, conflicts_with = "platform")]
        nodes: Option<PathBuf>,
        /// The pods already running on those nodes, as existing load: the output of `kubectl
        /// get pods -A -o json` (the stack's own namespace is left out: its pods are replaced).
        #[arg(long, requires = "nodes")]
        pods: Option<PathBuf>,
        /// Check this environment of the spec.
        #[arg(long)]
        env: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// List every suppressed finding (by default, one line per rule).
        #[arg(long)]
        show_suppressed: bool,
        /// Read the platforms of the images nothing declares from their registries (built
        /// with `--features registry`; the network is used only then).
        #[cfg(feature = "registry")]
        #[arg(long)]
        resolve_images: bool,
        /// A registry (`host:port`) to talk plain HTTP to while resolving images.
        #[cfg(feature = "registry")]
        #[arg(long, requires = "resolve_images")]
        plain_http: Vec<String>,
        /// Sign in to a registry while resolving images, as `USER@HOST`; the password (or
        /// access token) is read from the KUBEFIT_REGISTRY_PASSWORD environment variable.
        #[cfg(feature = "registry")]
        #[arg(long, requires = "resolve_images")]
        registry_login: Vec<String>,
    },
    /// Write the manifests of a spec.
    Emit {
        /// The stack spec (YAML).
        spec: PathBuf,
        /// The output directory: new, empty, or one kubefit wrote before (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "yaml")]
        format: Format,
        /// Emit this environment of the spec (all formats but kustomize, which emits every one).
        #[arg(long)]
        env: Option<String>,
    },
    /// List the built-in platforms with their source and the date they were checked.
    Platforms,
    /// Print a platform as the objects a cluster holds, as JSON: `nodes` (Node objects, as
    /// `kubectl get nodes -o json` would show them) and `systemPods` (its add-ons).
    Nodes {
        /// A spec whose platform to print.
        spec: Option<PathBuf>,
        /// A built-in platform (see `platforms`) or a platform YAML file.
        #[arg(long)]
        platform: Option<String>,
    },
    /// Print a JSON Schema: of stack specs (default) or of platform files.
    Schema {
        #[arg(value_enum, default_value = "stack")]
        of: SchemaKind,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Yaml,
    Json,
    Kustomize,
    /// A Helm chart (Chart.yaml, values.yaml, values.schema.json, templates/).
    Helm,
    /// A Docker Compose file for local development (compose.yaml, .env.example).
    Compose,
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaKind {
    Stack,
    Platform,
}

enum Failure {
    Check,
    Usage(String),
}

fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn paint(report: &Report, every_suppressed: bool) -> String {
    let text = if every_suppressed {
        format!("{report:#}")
    } else {
        report.to_string()
    };
    if !colour() {
        return text;
    }
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("error[") {
                format!("\x1b[31m{l}\x1b[0m")
            } else if t.starts_with("warning[") {
                format!("\x1b[33m{l}\x1b[0m")
            } else if t.starts_with("verdict: DOES NOT FIT") {
                format!("\x1b[1;31m{l}\x1b[0m")
            } else if t.starts_with("verdict: FITS") {
                format!("\x1b[1;32m{l}\x1b[0m")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn load(path: &Path) -> Result<(StackSpec, Stack, Vec<Environment>, Option<Platform>), Failure> {
    let spec = StackSpec::from_file(path).map_err(|e| Failure::Usage(e.to_string()))?;
    let dotenv = path
        .parent()
        .map(|d| d.join(".env"))
        .filter(|p| p.exists())
        .map(DotEnv::load)
        .transpose()
        .map_err(|e| Failure::Usage(e.to_string()))?
        .unwrap_or_default();
    let named = |e: kubefit::SpecError| Failure::Usage(e.to_string());
    // `.env` next to the spec, then the process environment.
    let sources = (dotenv, ProcessEnv);
    let stack = spec.to_stack(&sources).map_err(named)?;
    let envs = spec.environments(&sources).map_err(named)?;
    let platform = spec.platform().map_err(named)?;
    Ok((spec, stack, envs, platform))
}

fn pick_env<'a>(envs: &'a [Environment], name: &str) -> Result<&'a Environment, Failure> {
    envs.iter().find(|e| e.name() == name).ok_or_else(|| {
        let names: Vec<&str> = envs.iter().map(Environment::name).collect();
        Failure::Usage(format!(
            "no environment `{name}` in the spec (it has: {})",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        ))
    })
}

/// Manifests from a file, a directory or `-` (standard input).
fn import(path: &Path) -> Result<Stack, Failure> {
    let named = |e: kubefit::ImportError| Failure::Usage(e.to_string());
    if path == Path::new("-") {
        Stack::from_manifests(std::io::stdin().lock()).map_err(named)
    } else if path.is_dir() {
        Stack::from_manifests_dir(path).map_err(named)
    } else {
        Stack::from_manifests_file(path).map_err(named)
    }
}

/// A built-in platform's name, or a platform YAML file.
fn platform_arg(arg: &str) -> Result<Platform, Failure> {
    let path = Path::new(arg);
    if path.is_file() {
        let text =
            std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("{arg}: {e}")))?;
        return Platform::from_yaml(&text).map_err(|e| Failure::Usage(format!("{arg}: {e}")));
    }
    builtin(arg)
}

fn builtin(name: &str) -> Result<Platform, Failure> {
    Platform::builtin()
        .into_iter()
        .find(|p| p.name() == name)
        .ok_or_else(|| {
            Failure::Usage(format!(
                "unknown platform `{name}`; see `kubefit platforms`"
            ))
        })
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Check {
            spec,
            file,
            platform,
            nodes,
            pods,
            env,
            json,
            show_suppressed,
            #[cfg(feature = "registry")]
            resolve_images,
            #[cfg(feature = "registry")]
            plain_http,
            #[cfg(feature = "registry")]
            registry_login,
        } => {
            let (stack, envs, spec_platform) = match (&spec, &file) {
                (_, Some(f)) => (import(f)?, Vec::new(), None),
                (Some(spec), None) => {
                    let (_, stack, envs, platform) = load(spec)?;
                    (stack, envs, platform)
                }
                (None, None) => {
                    return Err(Failure::Usage("give a spec or -f MANIFESTS".to_owned()));
                }
            };
            let platform = match (platform, nodes) {
                (Some(p), _) => Some(platform_arg(&p)?),
                (None, Some(n)) => {
                    let text = std::fs::read_to_string(&n)
                        .map_err(|e| Failure::Usage(format!("{}: {e}", n.display())))?;
                    let mut p = Platform::from_nodes(&text)
                        .map_err(|e| Failure::Usage(format!("{}: {e}", n.display())))?;
                    if let Some(pods) = &pods {
                        let text = std::fs::read_to_string(pods)
                            .map_err(|e| Failure::Usage(format!("{}: {e}", pods.display())))?;
                        p = p
                            .running_pods(&text, Some(stack.namespace().as_str()))
                            .map_err(|e| Failure::Usage(format!("{}: {e}", pods.display())))?;
                    }
                    Some(p)
                }
                (None, None) => spec_platform,
            };
            #[cfg(feature = "registry")]
            let stack = if resolve_images {
                let mut options = plain_http
                    .into_iter()
                    .fold(kubefit::RegistryOptions::new(), |o, h| o.plain_http(h));
                for login in registry_login {
                    let Some((user, host)) = login.split_once('@') else {
                        return Err(Failure::Usage(format!(
                            "--registry-login `{login}`: give USER@HOST"
                        )));
                    };
                    let Some(password) =
                        kubefit::SecretValue::from_env("KUBEFIT_REGISTRY_PASSWORD")
                    else {
                        return Err(Failure::Usage(
                            "--registry-login needs the password in KUBEFIT_REGISTRY_PASSWORD"
                                .to_owned(),
                        ));
                    };
                    options = options.basic_auth(host, user, password);
                }
                let (stack, errors) = stack.resolve_image_platforms(&options);
                for e in errors {
                    eprintln!("warning: {e}");
                }
                stack
            } else {
                stack
            };
            let report = match env {
                Some(name) => {
                    let mut e = pick_env(&envs, &name)?.clone();
                    if let Some(p) = &platform {
                        e = e.platform(p.clone());
                    }
                    stack.check_environment(&e)
                }
                None => match &platform {
                    Some(p) => stack.check_on(p),
                    None => stack.check(),
                },
            };
            if json {
                let text = serde_json::to_string_pretty(&report)
                    .map_err(|e| Failure::Usage(e.to_string()))?;
                println!("{text}");
            } else {
                println!("{}", paint(&report, show_suppressed));
            }
            let fits = report
                .fit()
                .is_none_or(|f| f.verdict() != Verdict::DoesNotFit);
            let failed = report.has_errors() || !fits;
            // The process ends here and the OS takes its memory back at once; freeing an
            // imported stack's objects one by one first only adds time (≈ 0.1 s for 15,002
            // documents, benches/README.md "Import").
            std::mem::forget(stack);
            std::mem::forget(report);
            if failed {
                return Err(Failure::Check);
            }
            Ok(())
        }
        Command::Emit {
            spec,
            out,
            format,
            env,
        } => {
            let (_, stack, envs, _) = load(&spec)?;
            let stack = match &env {
                Some(name) => {
                    let e = pick_env(&envs, name)?;
                    let report = stack.check_environment(e);
                    if report.has_errors() {
                        eprintln!("{}", paint(&report, false));
                        return Err(Failure::Check);
                    }
                    stack.render(e)
                }
                None => stack,
            };
            let refused = |e: kubefit::EmitError| match e {
                kubefit::EmitError::Check(report) => {
                    eprintln!("{}", paint(&report, false));
                    Failure::Check
                }
                other => Failure::Usage(other.to_string()),
            };
            match format {
                Format::Yaml => stack
                    .emit(&EmitOptions::new())
                    .and_then(|m| m.write_dir(&out))
                    .map_err(refused)?,
                Format::Json => stack
                    .emit(&EmitOptions::new())
                    .and_then(|m| m.write_json_dir(&out))
                    .map_err(refused)?,
                Format::Kustomize => {
                    kubefit::KustomizeTree::new(&stack, &envs, &EmitOptions::new())
                        .and_then(|t| t.write_dir(&out))
                        .map_err(refused)?
                }
                Format::Helm => kubefit::HelmChart::new(&stack, &EmitOptions::new())
                    .and_then(|c| c.write_dir(&out))
                    .map_err(refused)?,
                Format::Compose => kubefit::Compose::new(&stack)
                    .and_then(|c| c.write_dir(&out))
                    .map_err(refused)?,
            }
            println!("wrote {}", out.display());
            Ok(())
        }
        Command::Nodes { spec, platform } => {
            let platform = match (platform, spec) {
                (Some(p), _) => platform_arg(&p)?,
                (None, Some(spec)) => load(&spec)?.3.ok_or_else(|| {
                    Failure::Usage(format!(
                        "{} names no platform: pass --platform",
                        spec.display()
                    ))
                })?,
                (None, None) => {
                    return Err(Failure::Usage(
                        "name a platform (--platform NAME|FILE) or a spec".to_owned(),
                    ));
                }
            };
            let out = serde_json::json!({
                "nodes": platform.nodes(),
                "systemPods": platform.system_pods(),
            });
            let text =
                serde_json::to_string_pretty(&out).map_err(|e| Failure::Usage(e.to_string()))?;
            println!("{text}");
            Ok(())
        }
        Command::Platforms => {
            for p in Platform::builtin() {
                println!("{:<44} checked {}  {}", p.name(), p.checked(), p.source());
                if let Some(n) = p.note_text() {
                    println!("{:<44} {n}", "");
                }
            }
            Ok(())
        }
        Command::Schema { of } => {
            match of {
                SchemaKind::Stack => print!("{}", StackSpec::json_schema()),
                SchemaKind::Platform => print!("{}", Platform::json_schema()),
            }
            Ok(())
        }
    }
}

/// mimalloc instead of the system allocator: reading 15,002 documents allocates millions of
/// small strings and maps (benches/README.md, "Import", gives the gain on both binaries).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Check) => ExitCode::from(1),
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}
