//! The one writer every output format goes through.
//!
//! It promises four things, each tested in `tests/filesystem.rs`:
//! - **Nothing outside the directory.** Every file name is relative, made of plain components
//!   (no `..`, `.`, empty, absolute, backslash or NUL parts, none longer than 255 bytes), and
//!   written with `create_new` into a staging directory this call created itself, so neither a
//!   name nor a symbolic link planted beforehand can send a write elsewhere.
//! - **Nothing it did not write is deleted.** An existing output directory is replaced only when
//!   it holds exactly what kubefit wrote there before, as listed in its marker file
//!   [`MARKER`]; a file, a symbolic link, or a directory with anything else in it is refused.
//! - **All or nothing.** Files go into a fresh sibling directory (unique per call, so two
//!   writers in one process never share one) that is swapped in with two renames; on any error
//!   the previous output stays as it was.
//! - **No litter.** Staging and backup siblings left by a killed or failed run of a process
//!   that no longer runs are removed (a lost output is put back first) on the next write.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::EmitError;

/// The file kubefit writes into every output directory, listing the files it wrote (one per
/// line after a comment). Its presence, and nothing unlisted beside it, is what lets a later
/// run replace the directory.
pub const MARKER: &str = ".kubefit-output";

const MARKER_HEADER: &str = "# written by kubefit; it replaces this directory only while it holds nothing but these files\n";

/// The longest file name component most file systems allow, in bytes.
const MAX_COMPONENT: usize = 255;

/// Why a relative file name is unsafe, or `None` when it is fine.
pub(crate) fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("the file name is empty");
    }
    if name.contains('\0') {
        return Some("the file name contains a nul byte");
    }
    if name.contains('\\') {
        return Some("the file name contains a backslash");
    }
    if name.starts_with('/') {
        return Some("the file name is absolute");
    }
    for part in name.split('/') {
        match part {
            "" => return Some("the file name has an empty component"),
            "." | ".." => return Some("the file name has a `.` or `..` component"),
            p if p.len() > MAX_COMPONENT => {
                return Some("a component of the file name is longer than 255 bytes");
            }
            _ => {}
        }
    }
    if name == MARKER {
        return Some("the name is kubefit's own marker file");
    }
    None
}

fn unsafe_path(path: impl Into<PathBuf>, reason: impl Into<String>) -> EmitError {
    EmitError::UnsafeOutput {
        path: path.into(),
        reason: reason.into(),
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> EmitError + '_ {
    move |source| EmitError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Validates every name, and that no two names collide (also ignoring ASCII case, as on
/// macOS and Windows) or make one file the directory of another.
fn validate_names(dir: &Path, files: &[(String, String)]) -> Result<(), EmitError> {
    let mut seen: Vec<String> = Vec::with_capacity(files.len());
    for (name, _) in files {
        if let Some(reason) = unsafe_name(name) {
            return Err(unsafe_path(
                dir.join(name.replace('\0', "\\0")),
                format!(
                    "{reason}; kubefit writes only plain relative names inside the output directory"
                ),
            ));
        }
        seen.push(name.to_ascii_lowercase());
    }
    seen.sort_unstable();
    for pair in seen.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a == b
            || b.strip_prefix(a.as_str())
                .is_some_and(|r| r.starts_with('/'))
        {
            return Err(unsafe_path(
                dir.join(b),
                format!(
                    "two outputs map to the same file (`{a}` and `{b}`, ignoring case); rename one of the objects or keys"
                ),
            ));
        }
    }
    Ok(())
}

/// What kubefit's marker in `dir` lists, or why `dir` may not be replaced.
fn replaceable(dir: &Path) -> Result<bool, EmitError> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_err(dir)(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(unsafe_path(
            dir,
            "the output path is a symbolic link; give the directory it points to, or a new path",
        ));
    }
    if !meta.is_dir() {
        return Err(unsafe_path(
            dir,
            "the output path is a file, not a directory; kubefit never replaces a file: choose a directory",
        ));
    }
    let mut entries = fs::read_dir(dir).map_err(io_err(dir))?.peekable();
    if entries.peek().is_none() {
        return Ok(true);
    }
    let marker = dir.join(MARKER);
    let listed = match fs::read_to_string(&marker) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(unsafe_path(
                dir,
                "the directory is not empty and kubefit did not write it (it has no .kubefit-output file); kubefit never deletes what it did not write: choose a new or empty directory",
            ));
        }
        Err(e) => return Err(io_err(&marker)(e)),
    };
    let listed: std::collections::BTreeSet<&str> = listed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    // Every file must be listed, every directory must lead to a listed file.
    let mut stack = vec![(dir.to_owned(), String::new())];
    while let Some((path, prefix)) = stack.pop() {
        for entry in fs::read_dir(&path).map_err(io_err(&path))? {
            let entry = entry.map_err(io_err(&path))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return Err(foreign(&entry.path()));
            };
            let rel = format!("{prefix}{name}");
            let kind = entry.file_type().map_err(io_err(&entry.path()))?;
            if kind.is_dir() {
                let as_dir = format!("{rel}/");
                if !listed.iter().any(|l| l.starts_with(&as_dir)) {
                    return Err(foreign(&entry.path()));
                }
                stack.push((entry.path(), as_dir));
            } else if !(kind.is_file() && (rel == MARKER || listed.contains(rel.as_str()))) {
                return Err(foreign(&entry.path()));
            }
        }
    }
    Ok(true)
}

fn foreign(path: &Path) -> EmitError {
    unsafe_path(
        path,
        "kubefit did not write this (it is not in .kubefit-output) and never deletes what it did not write; move it away or choose another output directory",
    )
}

/// A sibling name kubefit made: `(pid, suffix)` of `.{base}.kubefit-{new|old}-{pid}[-{n}]`.
fn sibling_pid(name: &str, base: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_prefix(base)?;
    let rest = rest
        .strip_prefix(".kubefit-new-")
        .or_else(|| rest.strip_prefix(".kubefit-old-"))?;
    let pid = rest.split('-').next()?;
    pid.parse().ok()
}

fn process_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.is_dir() {
        !proc.join(pid.to_string()).exists()
    } else {
        // Without /proc, only our own process is known to be alive; siblings of other
        // processes are left alone rather than risk removing a concurrent run's work.
        false
    }
}

/// Removes staging and backup siblings of `dir` left by processes that are gone. When `dir`
/// itself is missing and such a backup exists, the backup is the previous output a killed
/// run had moved aside: it is put back first.
fn clean_stale(parent: &Path, base: &str, dir: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let me = std::process::id();
    let mut stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let pid = sibling_pid(name.to_str()?, base)?;
            (pid != me && process_gone(pid)).then(|| e.path())
        })
        .collect();
    stale.sort();
    if fs::symlink_metadata(dir).is_err()
        && let Some(backup) = stale
            .iter()
            .find(|p| p.to_string_lossy().contains(".kubefit-old-") && p.join(MARKER).is_file())
    {
        let _ = fs::rename(backup, dir);
    }
    for path in stale {
        if path.exists() {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// The directory itself as an absolute path with a last component (`.`, `..` and `$(pwd)`
/// forms resolved), so that its siblings can be named.
fn resolve(dir: &Path) -> Result<PathBuf, EmitError> {
    let abs = std::path::absolute(dir).map_err(io_err(dir))?;
    if matches!(abs.components().next_back(), Some(Component::Normal(_))) {
        return Ok(abs);
    }
    let canonical = fs::canonicalize(&abs).map_err(io_err(dir))?;
    if canonical.file_name().is_none() {
        return Err(unsafe_path(dir, "the output path is the root directory"));
    }
    Ok(canonical)
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// Writes `(relative path, content)` pairs as the directory `dir`, through the writer every
/// kubefit output format uses: names must be plain relative paths inside `dir`, the files
/// appear all at once (or not at all, leaving the previous output as it was), and `dir` must
/// be new, empty, or an earlier output of kubefit holding nothing else (see
/// [`Manifests::write_dir`](crate::Manifests::write_dir)). Use it to write kubefit's files
/// together with files of your own, in one directory.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("kubefit-files-doc-{}", std::process::id()));
/// let files = vec![("notes/README.md".to_owned(), "hello\n".to_owned())];
/// kubefit::write_files(&dir, &files)?;
/// assert_eq!(std::fs::read_to_string(dir.join("notes/README.md")).unwrap(), "hello\n");
/// let escape = vec![("../outside".to_owned(), String::new())];
/// assert!(matches!(kubefit::write_files(&dir, &escape), Err(kubefit::EmitError::UnsafeOutput { .. })));
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), kubefit::EmitError>(())
/// ```
pub fn write_files(dir: impl AsRef<Path>, files: &[(String, String)]) -> Result<(), EmitError> {
    write_atomically(dir.as_ref(), files)
}

/// Writes `files` into a fresh sibling of `dir`, then swaps it in (see the module docs).
pub(crate) fn write_atomically(dir: &Path, files: &[(String, String)]) -> Result<(), EmitError> {
    let shown = dir;
    let dir = resolve(dir)?;
    validate_names(shown, files)?;
    let parent = dir
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_owned);
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    clean_stale(&parent, &base, &dir);
    let had_old = replaceable(&dir)?;
    let pid = std::process::id();
    let (staging, seq) = loop {
        let seq = SEQUENCE.fetch_add(1, Ordering::Relaxed);
        let staging = parent.join(format!(".{base}.kubefit-new-{pid}-{seq}"));
        match fs::create_dir(&staging) {
            Ok(()) => break (staging, seq),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io_err(&staging)(e)),
        }
    };
    let result = (|| {
        let mut listing = String::from(MARKER_HEADER);
        for (name, content) in files {
            let path = staging.join(name);
            if let Some(p) = path.parent() {
                fs::create_dir_all(p).map_err(io_err(p))?;
            }
            create_new(&path, content.as_bytes())?;
            listing.push_str(name);
            listing.push('\n');
        }
        create_new(&staging.join(MARKER), listing.as_bytes())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let result = swap_in(&staging, &dir, had_old, |attempt| {
        parent.join(format!(".{base}.kubefit-old-{pid}-{seq}-{attempt}"))
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Moves `staging` to `dir` with two renames (the old output aside, the new one in), the
/// backup removed once the new output is in place. Another writer of the same `dir` can put
/// its complete output there between the two renames: then the swap is tried again against
/// that output (the last writer wins, and no backup is left behind), a few times at most.
fn swap_in(
    staging: &Path,
    dir: &Path,
    had_old: bool,
    backup_for: impl Fn(u32) -> PathBuf,
) -> Result<(), EmitError> {
    const ATTEMPTS: u32 = 8;
    let mut had_old = had_old;
    for attempt in 0..ATTEMPTS {
        let last = attempt + 1 == ATTEMPTS;
        if attempt > 0 {
            had_old = replaceable(dir)?;
        }
        let backup = backup_for(attempt);
        if had_old && let Err(e) = fs::rename(dir, &backup) {
            // The output moved away meanwhile (another writer's swap): try again.
            if e.kind() == io::ErrorKind::NotFound && !last {
                continue;
            }
            return Err(io_err(dir)(e));
        }
        match fs::rename(staging, dir) {
            Ok(()) => {
                if had_old {
                    // A backup that cannot be removed now (an immutable file) is removed by
                    // a later run.
                    let _ = fs::remove_dir_all(&backup);
                }
                return Ok(());
            }
            Err(e) => {
                if had_old && fs::rename(&backup, dir).is_err() && dir.join(MARKER).is_file() {
                    // Another writer's complete output took the place: the old output this
                    // backup holds is obsolete.
                    let _ = fs::remove_dir_all(&backup);
                }
                if last || fs::symlink_metadata(dir).is_err() {
                    return Err(io_err(dir)(e));
                }
            }
        }
    }
    Err(unsafe_path(
        dir,
        "other writers kept replacing this directory; write it from one process at a time",
    ))
}

fn create_new(path: &Path, content: &[u8]) -> Result<(), EmitError> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io_err(path))?;
    f.write_all(content).map_err(io_err(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_named() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "./a",
            "a\\b",
            "a\0b",
            MARKER,
        ] {
            assert!(unsafe_name(bad).is_some(), "{bad:?}");
        }
        assert!(unsafe_name(&"a".repeat(256)).is_some());
        for good in ["a", "config/cm/key.toml", "..a", "a..", ".sops.yaml"] {
            assert_eq!(unsafe_name(good), None, "{good:?}");
        }
    }

    #[test]
    fn sibling_names_are_recognised() {
        assert_eq!(sibling_pid(".out.kubefit-new-12-3", "out"), Some(12));
        assert_eq!(sibling_pid(".out.kubefit-old-12", "out"), Some(12));
        assert_eq!(sibling_pid(".other.kubefit-old-12", "out"), None);
        assert_eq!(sibling_pid(".out.kubefit-new-x", "out"), None);
    }
}
