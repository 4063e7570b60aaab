//! Bridges the differences between the Kubernetes versions k8s-openapi can be built for
//! (a field that is optional in one version is required in another), so kubefit compiles
//! whichever version feature the final binary picks.

/// Converts a value into a field that is either `T` or `Option<T>`.
pub(crate) trait Field<T> {
    fn field(self) -> T;
}

impl<T> Field<T> for T {
    fn field(self) -> T {
        self
    }
}

impl<T> Field<Option<T>> for T {
    fn field(self) -> Option<T> {
        Some(self)
    }
}

/// Reads a field that is either `T` or `Option<T>`, as an `Option<&T>`.
pub(crate) trait Read<T> {
    fn read(&self) -> Option<&T>;
}

impl<T> Read<T> for T {
    fn read(&self) -> Option<&T> {
        Some(self)
    }
}

impl<T> Read<T> for Option<T> {
    fn read(&self) -> Option<&T> {
        self.as_ref()
    }
}
