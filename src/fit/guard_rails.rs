//! The guard rails a fit report makes: a ResourceQuota and a LimitRange that have the cluster
//! enforce the budget kubefit checked.

use crate::fit::FitReport;
use crate::model::limit_range::{DEFAULT_LIMIT, DEFAULT_REQUEST, LimitRange};
use crate::model::resource_quota::ResourceQuota;
use crate::units::cpu::Cpu;
use crate::units::memory::Memory;

impl FitReport {
    /// A ResourceQuota `kubefit-budget` capping the namespace at the worst case this report
    /// checked: requests and limits at peak, the peak pod count, claimed storage and load
    /// balancers. Containers without requests get [`FitReport::limit_range`]'s defaults,
    /// which the quota makes room for.
    ///
    /// ```
    /// use kubefit::{Container, Cpu, Deployment, Memory, Platform, Resources, Stack};
    /// let d = Deployment::new("api", Container::new("api", "nginx:1.27")
    ///     .resources(Resources::new().requests(Cpu::millis(100), Memory::mebibytes(128))
    ///         .limits(Cpu::millis(200), Memory::mebibytes(256))));
    /// let stack = Stack::new("shop").with(d);
    /// let fit = stack.fit(&Platform::oci_always_free());
    /// let stack = stack.with(fit.resource_quota()).with(fit.limit_range());
    /// assert!(!stack.check().has_errors());
    /// ```
    #[must_use]
    pub fn resource_quota(&self) -> ResourceQuota {
        let mut req = self.peak_requests();
        let mut lim = self.peak_limits();
        let missing = self.containers_without_resources();
        let (request, limit, _) = self.defaults();
        req.cpu = req.cpu + request.0.times(missing.0);
        req.memory = req.memory + request.1.times(missing.1);
        lim.cpu = lim.cpu + limit.0.times(missing.2);
        lim.memory = lim.memory + limit.1.times(missing.3);
        // A quota that tracks cpu or memory refuses pods with a container that leaves it
        // out, injected sidecars included (which no LimitRange default reaches).
        let gaps = self.injected_gaps();
        let mut quota = ResourceQuota::new("kubefit-budget");
        if !gaps[0] && !gaps[1] {
            quota = quota.requests(req.cpu, req.memory);
        }
        if !gaps[2] && !gaps[3] {
            quota = quota.limits(lim.cpu, lim.memory);
        }
        quota
            .pods(self.peak_pods())
            .storage(self.allowances().claimed_storage)
            .load_balancers(self.allowances().load_balancers)
    }

    /// A LimitRange `kubefit-defaults`: default requests 50m/64Mi and limits 250m/256Mi for
    /// containers that set none, and no container above the largest node's allocatable — or
    /// above the largest limit of a pod in the stack, where that is higher: the guard rail
    /// must admit every pod the fit counted (a CPU limit above a node only throttles; a memory
    /// limit above one is the `memory-limit-above-node` warning). On nodes smaller than the
    /// defaults, the defaults shrink to the max (the API server refuses a default above it).
    ///
    /// ```
    /// use kubefit::{Container, Cpu, Deployment, Memory, Platform, Resources, Stack};
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert_eq!(fit.limit_range().name().as_str(), "kubefit-defaults");
    ///
    /// // A 2-core limit on 1-core nodes is admitted by the guard rail kubefit makes.
    /// let d = Deployment::new("api", Container::new("api", "nginx:1.27")
    ///     .resources(Resources::new().requests(Cpu::millis(100), Memory::mebibytes(128))
    ///         .limits(Cpu::cores(2), Memory::mebibytes(256))));
    /// let fit = Stack::new("shop").with(d).fit(&Platform::oci_always_free());
    /// let lr = serde_json::to_value(fit.limit_range().to_k8s("shop")).unwrap();
    /// assert_eq!(lr["spec"]["limits"][0]["max"]["cpu"], "2");
    ///
    /// // On a 128Mi node the 256Mi default limit would be refused: it becomes 128Mi.
    /// let tiny = Platform::new("tiny", "test", "2026-12")
    ///     .pool(kubefit::NodePool::new("n", 1, Cpu::cores(1), Memory::mebibytes(228)));
    /// let lr = serde_json::to_value(Stack::new("shop").fit(&tiny).limit_range().to_k8s("shop")).unwrap();
    /// assert_eq!(lr["spec"]["limits"][0]["max"]["memory"], "128Mi");
    /// assert_eq!(lr["spec"]["limits"][0]["default"]["memory"], "128Mi");
    /// assert_eq!(lr["spec"]["limits"][0]["defaultRequest"]["memory"], "64Mi");
    /// ```
    #[must_use]
    pub fn limit_range(&self) -> LimitRange {
        let (request, limit, max) = self.defaults();
        let range = LimitRange::new("kubefit-defaults")
            .default_request(request.0, request.1)
            .default_limit(limit.0, limit.1);
        // A max refuses a container without a limit: an injected sidecar that sets none
        // (webhooks add it after the defaults are filled in) would be refused.
        let gaps = self.injected_gaps();
        if gaps[2] || gaps[3] {
            range
        } else {
            range.max(max.0, max.1)
        }
    }

    /// The guard rail's default request, default limit and max.
    fn defaults(&self) -> ((Cpu, Memory), (Cpu, Memory), (Cpu, Memory)) {
        let (mut cpu, mut mem) = self.largest_node();
        for w in self.workloads() {
            cpu = cpu.max(w.pod_limits.cpu);
            mem = mem.max(w.pod_limits.memory);
        }
        // The API server refuses a LimitRange whose defaults exceed its max (or whose default
        // request exceeds its default limit): on nodes smaller than the defaults, they shrink.
        let mut limit = (DEFAULT_LIMIT.0.min(cpu), DEFAULT_LIMIT.1.min(mem));
        // A container with a request and no limit gets the default limit: below its request
        // the pod is invalid, so the default grows to the largest such request.
        let unlimited = self.unlimited_request();
        limit = (limit.0.max(unlimited.cpu), limit.1.max(unlimited.memory));
        let max = (cpu.max(limit.0), mem.max(limit.1));
        let request = (
            DEFAULT_REQUEST.0.min(limit.0),
            DEFAULT_REQUEST.1.min(limit.1),
        );
        (request, limit, max)
    }
}
