//! Parsing a large multi-document YAML stream on several threads.
//!
//! A line that starts with `---` (alone or followed by a space) at column 0 begins a document
//! wherever it appears: YAML forbids such a line inside a block or multi-line flow scalar
//! (YAML 1.2 §9.1.4, `c-forbidden`), so splitting the stream there gives chunks that parse to
//! the same documents. Streams with directives (`%YAML`, `%TAG`, which apply up to the next
//! document marker) are not split. Measured gain: benches/README.md ("Import").

use serde_json::Value;

/// Below this size a stream is parsed on the calling thread.
const SPLIT_FROM: usize = 1 << 20;

/// Where the stream can be cut into about `parts` chunks, each starting at a document
/// marker line; empty when it cannot or need not be.
fn cuts(text: &str, parts: usize) -> Vec<usize> {
    if parts < 2 || text.len() < SPLIT_FROM || text.starts_with('%') || text.contains("\n%") {
        return Vec::new();
    }
    let target = text.len() / parts;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = target;
    while out.len() + 1 < parts && from < text.len() {
        // The next document marker line at or after `from`.
        let Some(at) = text[from..]
            .match_indices("\n---")
            .map(|(i, _)| from + i + 1)
            .find(|&i| matches!(bytes.get(i + 3), None | Some(b'\n' | b' ' | b'\r')))
        else {
            break;
        };
        out.push(at);
        from = at + target;
    }
    out
}

/// Parses every document of `text` as `parse` would, on up to `threads` threads; documents in
/// order. On any error the whole stream is parsed again on one thread, so the error's line
/// and column are the stream's own.
pub(crate) fn parse_documents<E>(
    text: &str,
    threads: usize,
    parse: impl Fn(&str) -> Result<Vec<Value>, E> + Sync,
) -> Result<Vec<Value>, E>
where
    E: Send,
{
    let cuts = cuts(text, threads);
    if cuts.is_empty() {
        return parse(text);
    }
    let mut bounds = vec![0];
    bounds.extend(&cuts);
    bounds.push(text.len());
    let chunks: Vec<&str> = bounds.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    let results: Vec<Result<Vec<Value>, E>> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| s.spawn(|| parse(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut out = Vec::new();
    for r in results {
        match r {
            Ok(docs) => out.extend(docs),
            Err(_) => return parse(text),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Value>, serde_saphyr::Error> {
        let mut options = serde_saphyr::Options::default();
        let mut budget = serde_saphyr::Budget::default();
        budget.max_documents = usize::MAX;
        budget.max_nodes = usize::MAX;
        budget.max_events = usize::MAX;
        options.budget = Some(budget);
        serde_saphyr::from_multiple_with_options(text, options)
    }

    #[test]
    fn a_split_stream_parses_to_the_same_documents() {
        let mut text = String::from("a: 1\n");
        for i in 0..20_000 {
            // A block scalar whose lines look like markers but are indented, comments, an
            // explicit end marker, a marker line followed by content.
            text.push_str(&format!(
                "---\nkind: K\nn: {i}\ntext: |\n  ---\n  line\n# --- comment\n...\n--- {{x: {i}}}\n"
            ));
        }
        assert!(text.len() > SPLIT_FROM);
        assert!(cuts(&text, 4).len() == 3);
        let one = parse(&text).unwrap();
        let four = parse_documents(&text, 4, parse).unwrap();
        assert_eq!(one.len(), 40_001);
        assert_eq!(one, four);
    }

    #[test]
    fn directives_and_small_streams_are_not_split() {
        let big = "a: 1\n---\nb: 2\n".repeat(SPLIT_FROM / 10);
        assert!(!cuts(&big, 2).is_empty());
        assert!(cuts(&format!("%YAML 1.2\n---\n{big}"), 2).is_empty());
        assert!(cuts("a: 1\n---\nb: 2\n", 2).is_empty());
        assert!(cuts(&big, 1).is_empty());
    }

    #[test]
    fn an_error_is_reported_at_the_streams_own_line() {
        let mut text = "a: 1\n---\n".repeat(SPLIT_FROM / 8);
        text.push_str("b: [\n");
        let split = parse_documents(&text, 4, parse).unwrap_err().to_string();
        let whole = parse(&text).unwrap_err().to_string();
        assert_eq!(split, whole);
    }
}
