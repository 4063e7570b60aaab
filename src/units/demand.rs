//! A resource vector: CPU, memory and ephemeral storage, added and compared exactly.

use serde::Serialize;

use crate::units::cpu::Cpu;
use crate::units::memory::Memory;

/// Requests (and limits) of one resource vector.
///
/// ```
/// use kubefit::{Cpu, Demand, Memory};
/// let d = Demand::new(Cpu::millis(100), Memory::mebibytes(64));
/// assert_eq!(d.cpu, Cpu::millis(100));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct Demand {
    /// CPU.
    pub cpu: Cpu,
    /// Memory.
    pub memory: Memory,
    /// Ephemeral storage.
    pub ephemeral_storage: Memory,
}

impl Demand {
    /// CPU and memory, no ephemeral storage.
    ///
    /// ```
    /// let d = kubefit::Demand::new(kubefit::Cpu::ZERO, kubefit::Memory::ZERO);
    /// assert_eq!(d, kubefit::Demand::default());
    /// ```
    #[must_use]
    pub fn new(cpu: Cpu, memory: Memory) -> Self {
        Demand {
            cpu,
            memory,
            ephemeral_storage: Memory::ZERO,
        }
    }

    pub(crate) fn add(self, o: Demand) -> Demand {
        Demand {
            cpu: self.cpu + o.cpu,
            memory: self.memory + o.memory,
            ephemeral_storage: self.ephemeral_storage + o.ephemeral_storage,
        }
    }

    pub(crate) fn max(self, o: Demand) -> Demand {
        Demand {
            cpu: self.cpu.max(o.cpu),
            memory: self.memory.max(o.memory),
            ephemeral_storage: self.ephemeral_storage.max(o.ephemeral_storage),
        }
    }

    pub(crate) fn times(self, n: u64) -> Demand {
        Demand {
            cpu: self.cpu.times(n),
            memory: self.memory.times(n),
            ephemeral_storage: self.ephemeral_storage.times(n),
        }
    }
}
