//! Small helpers, most of which exist for speed (each says what it gains).

pub(crate) mod bounded_read;
pub(crate) mod compat;
pub(crate) mod fast_hash;
pub(crate) mod few;
pub(crate) mod parallel;
pub(crate) mod spelled;
pub(crate) mod str_map;
pub(crate) mod yaml_read;
pub(crate) mod yaml_split;
