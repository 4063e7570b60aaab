//! Reading an input file without reading more than a limit: `/dev/zero`, a FIFO or a huge
//! file costs at most `limit + 1` bytes of memory before it is refused.

use std::io::Read;
use std::path::Path;

/// Reads at most `limit` bytes of `path`; a longer input is an error of kind `FileTooLarge`
/// that says so (in lowercase, with the fix). Callers keep the `io::Error` as their error's
/// source.
pub(crate) fn read_at_most(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "the file is larger than {limit} bytes, the most kubefit reads; split it or remove what it does not need"
            ),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_endless_input_is_refused_after_the_limit() {
        let e = super::read_at_most(std::path::Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(e.to_string().contains("larger than 1024 bytes"), "{e}");
    }
}
