//! Liveness, readiness and startup probes.

use k8s_openapi::api::core::v1::{
    ExecAction, GRPCAction, HTTPGetAction, Probe as K8sProbe, TCPSocketAction,
};

use crate::model::port::PortRef;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProbeAction {
    Http { path: String, port: PortRef },
    Tcp { port: PortRef },
    Exec { command: Vec<String> },
    Grpc { port: u16, service: Option<String> },
}

/// A container probe: HTTP GET, TCP socket, exec or gRPC.
///
/// Ports may be given by name (`"http"`) or number (`8080`); [`Stack::check`](crate::Stack::check)
/// reports a probe port that is not a port of its container.
///
/// ```
/// use kubefit::Probe;
///
/// let ready = Probe::http("/healthz", "http").period_seconds(5);
/// let live = Probe::tcp(5432).initial_delay_seconds(10);
/// let exec = Probe::exec(["pg_isready", "-U", "app"]);
/// let grpc = Probe::grpc(9090);
/// assert_eq!(ready.to_k8s().period_seconds, Some(5));
/// assert_eq!(live.to_k8s().initial_delay_seconds, Some(10));
/// assert_eq!(exec.to_k8s().exec.unwrap().command.unwrap()[0], "pg_isready");
/// assert_eq!(grpc.to_k8s().grpc.unwrap().port, 9090);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub(crate) action: ProbeAction,
    pub(crate) initial_delay_seconds: Option<i32>,
    pub(crate) period_seconds: Option<i32>,
    pub(crate) timeout_seconds: Option<i32>,
    pub(crate) failure_threshold: Option<i32>,
    pub(crate) success_threshold: Option<i32>,
}

impl Probe {
    fn with(action: ProbeAction) -> Self {
        Probe {
            action,
            initial_delay_seconds: None,
            period_seconds: None,
            timeout_seconds: None,
            failure_threshold: None,
            success_threshold: None,
        }
    }

    /// An HTTP GET of `path` on `port`.
    ///
    /// ```
    /// let p = kubefit::Probe::http("/ready", 8080);
    /// let h = p.to_k8s().http_get.unwrap();
    /// assert_eq!(h.path.as_deref(), Some("/ready"));
    /// assert_eq!(h.port, kubefit::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(8080));
    /// ```
    #[must_use]
    pub fn http(path: impl Into<String>, port: impl Into<PortRef>) -> Self {
        Self::with(ProbeAction::Http {
            path: path.into(),
            port: port.into(),
        })
    }

    /// A TCP connection to `port`.
    ///
    /// ```
    /// let p = kubefit::Probe::tcp("redis");
    /// assert_eq!(p.to_k8s().tcp_socket.unwrap().port, kubefit::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String("redis".into()));
    /// ```
    #[must_use]
    pub fn tcp(port: impl Into<PortRef>) -> Self {
        Self::with(ProbeAction::Tcp { port: port.into() })
    }

    /// A command run in the container; exit status 0 is healthy.
    ///
    /// ```
    /// let p = kubefit::Probe::exec(["redis-cli", "ping"]);
    /// assert_eq!(p.to_k8s().exec.unwrap().command.unwrap(), ["redis-cli", "ping"]);
    /// ```
    #[must_use]
    pub fn exec<I, S>(command: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::with(ProbeAction::Exec {
            command: command.into_iter().map(Into::into).collect(),
        })
    }

    /// A gRPC health check on `port` (gRPC probes take a number only).
    ///
    /// ```
    /// let p = kubefit::Probe::grpc(9090).grpc_service("liveness");
    /// let g = p.to_k8s().grpc.unwrap();
    /// assert_eq!((g.port, g.service.as_deref()), (9090, Some("liveness")));
    /// ```
    #[must_use]
    pub fn grpc(port: u16) -> Self {
        Self::with(ProbeAction::Grpc {
            port,
            service: None,
        })
    }

    /// The gRPC service name to check (gRPC probes only; ignored otherwise).
    ///
    /// ```
    /// let p = kubefit::Probe::grpc(9090).grpc_service("ready");
    /// assert_eq!(p.to_k8s().grpc.unwrap().service.as_deref(), Some("ready"));
    /// ```
    #[must_use]
    pub fn grpc_service(mut self, name: impl Into<String>) -> Self {
        if let ProbeAction::Grpc { service, .. } = &mut self.action {
            *service = Some(name.into());
        }
        self
    }

    /// Seconds after start before the first probe.
    ///
    /// ```
    /// let p = kubefit::Probe::tcp(80).initial_delay_seconds(15);
    /// assert_eq!(p.to_k8s().initial_delay_seconds, Some(15));
    /// ```
    #[must_use]
    pub fn initial_delay_seconds(mut self, s: i32) -> Self {
        self.initial_delay_seconds = Some(s);
        self
    }

    /// Seconds between probes.
    ///
    /// ```
    /// let p = kubefit::Probe::tcp(80).period_seconds(10);
    /// assert_eq!(p.to_k8s().period_seconds, Some(10));
    /// ```
    #[must_use]
    pub fn period_seconds(mut self, s: i32) -> Self {
        self.period_seconds = Some(s);
        self
    }

    /// Seconds before a probe times out.
    ///
    /// ```
    /// let p = kubefit::Probe::tcp(80).timeout_seconds(2);
    /// assert_eq!(p.to_k8s().timeout_seconds, Some(2));
    /// ```
    #[must_use]
    pub fn timeout_seconds(mut self, s: i32) -> Self {
        self.timeout_seconds = Some(s);
        self
    }

    /// Consecutive failures before the probe is considered failed.
    ///
    /// ```
    /// let p = kubefit::Probe::tcp(80).failure_threshold(30);
    /// assert_eq!(p.to_k8s().failure_threshold, Some(30));
    /// ```
    #[must_use]
    pub fn failure_threshold(mut self, n: i32) -> Self {
        self.failure_threshold = Some(n);
        self
    }

    /// Consecutive successes before the probe is considered passing again.
    ///
    /// ```
    /// let p = kubefit::Probe::http("/", 80).success_threshold(1);
    /// assert_eq!(p.to_k8s().success_threshold, Some(1));
    /// ```
    #[must_use]
    pub fn success_threshold(mut self, n: i32) -> Self {
        self.success_threshold = Some(n);
        self
    }

    pub(crate) fn port(&self) -> Option<PortRef> {
        match &self.action {
            ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } => Some(port.clone()),
            ProbeAction::Grpc { port, .. } => Some(PortRef::Number(*port)),
            ProbeAction::Exec { .. } => None,
        }
    }

    /// Lowers to the k8s-openapi type.
    ///
    /// ```
    /// let k = kubefit::Probe::http("/ready", "http").period_seconds(5).to_k8s();
    /// assert_eq!(k.http_get.unwrap().path.as_deref(), Some("/ready"));
    /// assert_eq!(k.period_seconds, Some(5));
    /// ```
    #[must_use]
    pub fn to_k8s(&self) -> K8sProbe {
        let mut p = K8sProbe {
            initial_delay_seconds: self.initial_delay_seconds,
            period_seconds: self.period_seconds,
            timeout_seconds: self.timeout_seconds,
            failure_threshold: self.failure_threshold,
            success_threshold: self.success_threshold,
            ..Default::default()
        };
        match &self.action {
            ProbeAction::Http { path, port } => {
                p.http_get = Some(HTTPGetAction {
                    path: Some(path.clone()),
                    port: port.to_int_or_string(),
                    ..Default::default()
                });
            }
            ProbeAction::Tcp { port } => {
                p.tcp_socket = Some(TCPSocketAction {
                    port: port.to_int_or_string(),
                    ..Default::default()
                });
            }
            ProbeAction::Exec { command } => {
                p.exec = Some(ExecAction {
                    command: Some(command.clone()),
                });
            }
            ProbeAction::Grpc { port, service } => {
                p.grpc = Some(GRPCAction {
                    port: i32::from(*port),
                    service: service.clone(),
                    ..Default::default()
                });
            }
        }
        p
    }
}
