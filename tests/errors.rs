//! Errors keep what caused them: `source()` gives the underlying error, not only its text.

use std::error::Error;
use std::io;

use kubefit::{ConfigMap, EmitError, EmitOptions, Platform, Stack, StackSpec};

#[test]
fn platform_errors_keep_the_parser_error() {
    let err = Platform::from_yaml("name: [").unwrap_err();
    let source = err.source().expect("the parser's error");
    assert!(
        err.to_string().starts_with("invalid platform file: "),
        "{err}"
    );
    assert!(err.to_string().contains(&source.to_string()), "{err}");
}

#[test]
fn spec_errors_keep_the_io_and_parser_errors() {
    let err = StackSpec::from_file("/nonexistent/stack.yaml").unwrap_err();
    let io = err.source().unwrap().downcast_ref::<io::Error>().unwrap();
    assert_eq!(io.kind(), io::ErrorKind::NotFound);
    assert!(err.to_string().contains("cannot read"), "{err}");

    let err = StackSpec::from_yaml("namespace: [", "s.yaml").unwrap_err();
    assert!(err.source().is_some(), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, b"namespace: \xff\n").unwrap();
    let err = StackSpec::from_file(&bad).unwrap_err();
    assert!(
        err.source()
            .unwrap()
            .downcast_ref::<std::string::FromUtf8Error>()
            .is_some()
    );
}

/// A writer that fails after `left` bytes.
struct Failing {
    left: usize,
}

impl io::Write for Failing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "pipe closed"));
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_stream_is_a_stream_error_with_its_io_error() {
    let stack = Stack::new("shop").with(ConfigMap::new("cfg").entry("a", "1"));
    let err = stack
        .write_yaml(&EmitOptions::new(), Failing { left: 10 })
        .unwrap_err();
    assert!(matches!(err, EmitError::Stream(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot write the output stream: pipe closed"
    );
    let io = err.source().unwrap().downcast_ref::<io::Error>().unwrap();
    assert_eq!(io.kind(), io::ErrorKind::BrokenPipe);
}
