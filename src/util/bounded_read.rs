//! Reading an input file without reading more than a limit: `/dev/zero`, a FIFO or a huge
//! file costs at most `limit + 1` bytes of memory before it is refused.

use std::io::Read;
use std::path::Path;

/// Reads at most `limit` bytes of `path`; a longer input is an error that says so (in
/// lowercase, with the fix).
pub(crate) fn read_at_most(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() > limit {
        return Err(format!(
            "the file is larger than {limit} bytes, the most kubefit reads; split it or remove what it does not need"
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_endless_input_is_refused_after_the_limit() {
        let e = super::read_at_most(std::path::Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(e.contains("larger than 1024 bytes"), "{e}");
    }
}
