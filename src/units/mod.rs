//! Units: exact quantities, CPU in millicores, memory and storage in bytes.

pub(crate) mod cpu;
pub(crate) mod demand;
pub(crate) mod memory;
pub(crate) mod quantity;
