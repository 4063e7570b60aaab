//! The guard rails a fit report makes: a ResourceQuota and a LimitRange that have the cluster
//! enforce the budget kubefit checked.

use crate::fit::FitReport;
use crate::model::limit_range::{DEFAULT_LIMIT, DEFAULT_REQUEST, LimitRange};
use crate::model::resource_quota::ResourceQuota;

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
        req.cpu = req.cpu + DEFAULT_REQUEST.0.times(missing.0);
        req.memory = req.memory + DEFAULT_REQUEST.1.times(missing.1);
        lim.cpu = lim.cpu + DEFAULT_LIMIT.0.times(missing.2);
        lim.memory = lim.memory + DEFAULT_LIMIT.1.times(missing.3);
        ResourceQuota::new("kubefit-budget")
            .requests(req.cpu, req.memory)
            .limits(lim.cpu, lim.memory)
            .pods(self.peak_pods())
            .storage(self.allowances().claimed_storage)
            .load_balancers(self.allowances().load_balancers)
    }

    /// A LimitRange `kubefit-defaults`: default requests 50m/64Mi and limits 250m/256Mi for
    /// containers that set none, and no container above the largest node's allocatable.
    ///
    /// ```
    /// let fit = kubefit::Stack::new("shop").fit(&kubefit::Platform::oci_always_free());
    /// assert_eq!(fit.limit_range().name().as_str(), "kubefit-defaults");
    /// ```
    #[must_use]
    pub fn limit_range(&self) -> LimitRange {
        let (cpu, mem) = self.largest_node();
        LimitRange::new("kubefit-defaults")
            .default_request(DEFAULT_REQUEST.0, DEFAULT_REQUEST.1)
            .default_limit(DEFAULT_LIMIT.0, DEFAULT_LIMIT.1)
            .max(cpu, mem)
    }
}
