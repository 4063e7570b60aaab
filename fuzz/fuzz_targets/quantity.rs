//! Quantity parsing never panics, and what it prints parses back to the same value.
#![no_main]

use kubefit::{Cpu, Memory, Quantity};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(q) = s.parse::<Quantity>() {
        let printed = q.to_string();
        let again: Quantity = printed.parse().expect("a printed quantity parses");
        assert_eq!(again, q, "{s} -> {printed}");
        assert_eq!(again.to_string().parse::<Quantity>().map(|x| x.to_string()), Ok(again.to_string()));
    }
    if let Ok(c) = s.parse::<Cpu>() {
        assert_eq!(c.to_string().parse::<Cpu>(), Ok(c));
    }
    if let Ok(m) = s.parse::<Memory>() {
        assert_eq!(m.to_string().parse::<Memory>(), Ok(m));
    }
});
