//! YAML output: the options every writer uses, borrowed views and the fast path.

pub(crate) mod fast;
pub(crate) mod view;

/// YAML 1.1-safe output (strings such as `on` or `0755` are quoted), multi-line strings as
/// literal blocks, long single-line strings (image references) never folded.
pub(crate) fn yaml_options() -> serde_saphyr::SerializerOptions {
    let mut o = serde_saphyr::SerializerOptions::default();
    o.folded_wrap_chars = usize::MAX;
    o
}
