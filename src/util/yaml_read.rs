//! A fast reader for the block-style YAML that tools write (kubefit, Helm, Kustomize,
//! `kubectl get -o yaml`), straight into `serde_json::Value`s.
//!
//! It reads a deliberately small subset — block mappings and sequences, single-line plain and
//! quoted scalars, literal block scalars, empty flow collections, comments — and gives up on
//! anything else (anchors, tags, flow collections with content, folded or multi-line scalars,
//! directives, tabs, carriage returns, duplicate keys…): the caller then parses the document
//! with serde-saphyr, so the values are always serde-saphyr's. Plain scalars resolve as
//! serde-saphyr resolves them into a `Value` (YAML 1.1 booleans, as kubectl reads them); a
//! plain scalar that is neither clearly a string nor a plain decimal integer is handed to
//! serde-saphyr on its own. Tests compare both readers on every example's output, the
//! vendored chart corpus and generated documents.
//!
//! Measured gain: benches/README.md ("Import"): parsing the 15,002 documents of the peers
//! workload's N=5000 output.

use serde_json::{Map, Value};

/// One line of a document: its indentation (spaces) and its text after it, without the line
/// break.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
    /// The whole line (for block scalars, whose content keeps spaces beyond its indentation).
    raw: &'a str,
}

impl Line<'_> {
    /// Blank or only a comment: no content outside block scalars.
    fn is_void(&self) -> bool {
        self.text.is_empty() || self.text.starts_with('#')
    }
}

/// Why the reader gave up: the document is outside the subset (serde-saphyr decides).
struct Unsupported;

type R<T> = Result<T, Unsupported>;

/// Reads a document of the subset: `None` when `text` is outside it. `text` is one document
/// without its `---` marker line.
pub(crate) fn document(text: &str) -> Option<Value> {
    if !text.is_empty() && !text.ends_with('\n') {
        return None;
    }
    let mut lines = Vec::with_capacity(text.len() / 24 + 1);
    for raw in text.split_terminator('\n') {
        let indent = raw.bytes().take_while(|&b| b == b' ').count();
        let rest = &raw[indent..];
        if rest.starts_with('\t') || raw.ends_with('\r') {
            return None;
        }
        lines.push(Line {
            indent,
            text: rest.trim_end_matches(' '),
            raw,
        });
    }
    let mut reader = Reader { lines, at: 0 };
    reader.skip_void();
    if reader.at == reader.lines.len() {
        // Blank or comments only.
        return None;
    }
    let first = reader.lines[reader.at];
    if first.indent != 0 {
        return None;
    }
    let value = reader.node(first.indent).ok()?;
    reader.skip_void();
    (reader.at == reader.lines.len()).then_some(value)
}

/// Reads every document of a stream: those of the subset here, every other one with
/// `fallback` (serde-saphyr), in order; documents with no content are skipped, as
/// serde-saphyr skips them. On an error, the whole stream is read with `fallback` again, so
/// the error's line and column are the stream's own.
pub(crate) fn read_stream<E>(
    text: &str,
    fallback: impl Fn(&str) -> Result<Vec<Value>, E>,
) -> Result<Vec<Value>, E> {
    let Some(docs) = split(text) else {
        return fallback(text);
    };
    let mut out = Vec::with_capacity(docs.len());
    for doc in docs {
        if is_void(doc) {
            continue;
        }
        match document(doc) {
            Some(v) => out.push(v),
            None => match fallback(doc) {
                Ok(values) => out.extend(values),
                Err(_) => return fallback(text),
            },
        }
    }
    Ok(out)
}

/// Blank lines and comments only.
fn is_void(doc: &str) -> bool {
    doc.lines().all(|l| {
        let t = l.trim_start_matches(' ');
        t.is_empty() || t.starts_with('#')
    })
}

/// Splits a stream into its documents' texts at `---` lines (some may be void), when every
/// marker line is bare (`---`, or `---` and a comment) and there is no directive, `...` or
/// byte order mark: `None` otherwise.
pub(crate) fn split(text: &str) -> Option<Vec<&str>> {
    if text.starts_with('\u{feff}') {
        return None;
    }
    let mut docs = Vec::new();
    let mut start = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let next = at + line.len();
        let body = line.trim_end_matches('\n');
        if body.starts_with('%') || body.starts_with("...") {
            return None;
        }
        if let Some(rest) = body.strip_prefix("---")
            && (rest.is_empty() || rest.starts_with(' '))
        {
            let rest = rest.trim_start_matches(' ');
            if !(rest.is_empty() || rest.starts_with('#')) {
                return None;
            }
            docs.push(&text[start..at]);
            start = next;
        }
        at = next;
    }
    docs.push(&text[start..]);
    Some(docs)
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    at: usize,
}

impl<'a> Reader<'a> {
    fn skip_void(&mut self) {
        while self.lines.get(self.at).is_some_and(Line::is_void) {
            self.at += 1;
        }
    }

    /// The next line with content, without consuming it.
    fn peek(&mut self) -> Option<Line<'a>> {
        self.skip_void();
        self.lines.get(self.at).copied()
    }

    /// The block node whose first line is the next one, at `indent`.
    fn node(&mut self, indent: usize) -> R<Value> {
        let line = self.peek().ok_or(Unsupported)?;
        if line.indent != indent {
            return Err(Unsupported);
        }
        if is_item(line.text) {
            self.sequence(indent)
        } else {
            let first = self.lines[self.at];
            self.at += 1;
            self.mapping(indent, first.text)
        }
    }

    /// A block sequence of items `- …` at `indent`.
    fn sequence(&mut self, indent: usize) -> R<Value> {
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || !is_item(line.text) {
                if line.indent == indent {
                    break;
                }
                return Err(Unsupported);
            }
            self.at += 1;
            let rest = line.text[1..].trim_start_matches(' ');
            if rest.is_empty() {
                items.push(self.nested(indent, false)?);
                continue;
            }
            // The item's content starts at its own column (`- name: x` begins a mapping
            // there).
            let column = indent + (line.text.len() - rest.len());
            if is_item(rest) || rest.starts_with('#') {
                return Err(Unsupported);
            }
            if let Some((key, value)) = split_key(rest)? {
                items.push(self.mapping_from(column, key, value)?);
            } else {
                items.push(self.inline(rest, indent)?);
            }
        }
        Ok(Value::Array(items))
    }

    /// A block mapping at `indent` whose first line's text (after the indentation) is `first`.
    fn mapping(&mut self, indent: usize, first: &'a str) -> R<Value> {
        let (key, value) = split_key(first)?.ok_or(Unsupported)?;
        self.mapping_from(indent, key, value)
    }

    fn mapping_from(&mut self, indent: usize, key: String, value: &'a str) -> R<Value> {
        let mut map = Map::new();
        let mut entry = Some((key, value));
        while let Some((key, value)) = entry.take() {
            let v = if value.is_empty() || value.starts_with('#') {
                self.nested(indent, true)?
            } else {
                self.inline(value, indent)?
            };
            if map.insert(key, v).is_some() {
                return Err(Unsupported);
            }
            match self.peek() {
                Some(line) if line.indent == indent => {
                    if is_item(line.text) {
                        return Err(Unsupported);
                    }
                    self.at += 1;
                    entry = Some(split_key(line.text)?.ok_or(Unsupported)?);
                }
                Some(line) if line.indent > indent => return Err(Unsupported),
                _ => {}
            }
        }
        Ok(Value::Object(map))
    }

    /// The value of a key or item with nothing after it on its line: a block node on the
    /// lines below, more indented (or, for a mapping value, a sequence at the key's own
    /// indentation); null when there is none.
    fn nested(&mut self, indent: usize, in_mapping: bool) -> R<Value> {
        match self.peek() {
            Some(line) if line.indent > indent => self.node(line.indent),
            Some(line) if in_mapping && line.indent == indent && is_item(line.text) => {
                self.sequence(indent)
            }
            _ => Ok(Value::Null),
        }
    }

    /// A value written on the line of its key or item (`text`, the line's remainder); the
    /// key or item is at `indent`.
    fn inline(&mut self, text: &'a str, indent: usize) -> R<Value> {
        let value = match *text.as_bytes().first().ok_or(Unsupported)? {
            b'"' => {
                let (s, rest) = double_quoted(text)?;
                end_of_line(rest)?;
                Value::String(s)
            }
            b'\'' => {
                let (s, rest) = single_quoted(text)?;
                end_of_line(rest)?;
                Value::String(s)
            }
            b'|' => return self.literal(text, indent),
            b'{' | b'[' => {
                let (v, rest) = match text.as_bytes().get(1) {
                    Some(b'}') if text.starts_with('{') => (Value::Object(Map::new()), &text[2..]),
                    Some(b']') if text.starts_with('[') => (Value::Array(Vec::new()), &text[2..]),
                    _ => return Err(Unsupported),
                };
                end_of_line(rest)?;
                v
            }
            _ => plain(strip_comment(text))?,
        };
        // A more indented line after a one-line value continues it (a multi-line scalar) or
        // is an error: either way, not ours.
        if self.peek().is_some_and(|l| l.indent > indent) {
            return Err(Unsupported);
        }
        Ok(value)
    }

    /// A literal block scalar (`|`, `|-`, `|+`) whose header is `header`; its parent is at
    /// `indent`.
    fn literal(&mut self, header: &str, indent: usize) -> R<Value> {
        let chomp = match strip_comment(header) {
            "|" => Chomp::Clip,
            "|-" => Chomp::Strip,
            "|+" => Chomp::Keep,
            _ => return Err(Unsupported),
        };
        // The content's indentation is that of its first non-blank line.
        let mut content_indent = None;
        let mut leading_blank_max = 0;
        for line in &self.lines[self.at..] {
            if line.text.is_empty() {
                leading_blank_max = leading_blank_max.max(line.raw.len());
                continue;
            }
            if line.indent > indent {
                content_indent = Some(line.indent);
            }
            break;
        }
        let Some(n) = content_indent else {
            // Empty content: rare, and its chomping is subtle.
            return Err(Unsupported);
        };
        if leading_blank_max > n {
            return Err(Unsupported);
        }
        let mut out = String::new();
        let mut breaks = 0usize;
        while let Some(line) = self.lines.get(self.at) {
            if line.text.is_empty() && line.raw.len() <= n {
                breaks += 1;
                self.at += 1;
                continue;
            }
            if line.indent < n {
                break;
            }
            for _ in 0..breaks {
                out.push('\n');
            }
            breaks = 0;
            out.push_str(&line.raw[n..]);
            out.push('\n');
            self.at += 1;
        }
        // `out` ends with one line break after the last content line; `breaks` blank lines
        // follow it.
        match chomp {
            Chomp::Clip => {}
            Chomp::Strip => {
                out.pop();
            }
            Chomp::Keep => {
                // Trailing blank lines at the end of the document are the stream's, not
                // certain to be the scalar's: leave them to serde-saphyr.
                if breaks > 0 && self.at == self.lines.len() {
                    return Err(Unsupported);
                }
                for _ in 0..breaks {
                    out.push('\n');
                }
            }
        }
        // A less indented line that is more indented than the parent is an error.
        if self.peek().is_some_and(|l| l.indent > indent) {
            return Err(Unsupported);
        }
        Ok(Value::String(out))
    }
}

enum Chomp {
    Clip,
    Strip,
    Keep,
}

/// `-` alone or `- …`: a sequence item.
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// A line's `key: value` (value possibly empty, or a comment): `Ok(None)` when the line is no
/// mapping entry of the subset — it is then a plain scalar, checked by [`plain`].
fn split_key(text: &str) -> R<Option<(String, &str)>> {
    let bytes = text.as_bytes();
    let (key, after) = match *bytes.first().ok_or(Unsupported)? {
        // A quoted scalar is a key when a `:` follows it.
        b'"' | b'\'' => {
            let (k, rest) = if bytes[0] == b'"' {
                double_quoted(text)?
            } else {
                single_quoted(text)?
            };
            if !rest.starts_with(':') {
                return Ok(None);
            }
            (k, rest)
        }
        _ => {
            let Some(colon) = find_key_colon(text) else {
                return Ok(None);
            };
            let key = &text[..colon];
            if !key.bytes().all(is_key_byte) || !is_plain_string(key) {
                return Err(Unsupported);
            }
            (key.to_owned(), &text[colon..])
        }
    };
    let Some(value) = after.strip_prefix(':') else {
        return Err(Unsupported);
    };
    if !value.is_empty() && !value.starts_with(' ') {
        return Err(Unsupported);
    }
    Ok(Some((key, value.trim_start_matches(' '))))
}

/// The position of the `:` that ends a plain key (followed by a space or the end of the line).
fn find_key_colon(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b':' if matches!(bytes.get(i + 1), None | Some(b' ')) => return Some(i),
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The bytes a plain key of the subset is made of.
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/')
}

/// A plain key that reads as the same string whatever the resolution: starts with a letter
/// and is no boolean or null spelling.
fn is_plain_string(text: &str) -> bool {
    text.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) && !is_special_word(text)
}

/// The spellings serde-saphyr reads as `true` and `false` whatever their case (YAML 1.1, as
/// kubectl reads them).
const TRUE: [&str; 4] = ["true", "yes", "y", "on"];
const FALSE: [&str; 4] = ["false", "no", "n", "off"];

/// The spellings serde-saphyr resolves to booleans or null.
fn is_special_word(text: &str) -> bool {
    text.len() <= 5
        && TRUE
            .iter()
            .chain(&FALSE)
            .any(|w| text.eq_ignore_ascii_case(w))
        || matches!(text, "null" | "Null" | "NULL")
}

/// A plain scalar's value.
fn plain(text: &str) -> R<Value> {
    let bytes = text.as_bytes();
    let first = *bytes.first().ok_or(Unsupported)?;
    if text.contains('\t') {
        return Err(Unsupported);
    }
    if first.is_ascii_alphabetic() || first == b'/' {
        if text.contains(": ") || text.ends_with(':') {
            return Err(Unsupported);
        }
        // serde-saphyr's order: null spellings, then YAML 1.1 booleans
        // (`scalar_is_null`, `parse_yaml11_bool`).
        if matches!(text, "null" | "Null" | "NULL") {
            return Ok(Value::Null);
        }
        if text.len() <= 5 {
            for (words, value) in [(TRUE, true), (FALSE, false)] {
                if words.iter().any(|w| text.eq_ignore_ascii_case(w)) {
                    return Ok(Value::Bool(value));
                }
            }
        }
        return Ok(Value::String(text.to_owned()));
    }
    // A plain decimal integer without a leading zero.
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && (digits.len() == text.len() || digits != "0")
    {
        let n: i64 = text.parse().map_err(|_| Unsupported)?;
        return Ok(if n >= 0 {
            Value::from(n as u64)
        } else {
            Value::from(n)
        });
    }
    // Digits and a letter no integer or float spelling has (`100m`, `128Mi`, `25%`): a string.
    if first.is_ascii_digit()
        && bytes.iter().any(|b| {
            !(b.is_ascii_hexdigit()
                || matches!(b, b'x' | b'X' | b'o' | b'O' | b'.' | b'_' | b'+' | b'-'))
        })
    {
        if text.contains(": ") || text.ends_with(':') {
            return Err(Unsupported);
        }
        return Ok(Value::String(text.to_owned()));
    }
    if matches!(
        first,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    ) && !(first == b'-' && bytes.get(1).is_some_and(u8::is_ascii_alphanumeric))
    {
        return Err(Unsupported);
    }
    if text.contains(": ") || text.ends_with(':') {
        return Err(Unsupported);
    }
    resolve_alone(text)
}

/// A plain scalar resolved by serde-saphyr on its own.
fn resolve_alone(text: &str) -> R<Value> {
    serde_saphyr::from_str::<Value>(text).map_err(|_| Unsupported)
}

/// The text before a comment (` #`), without trailing spaces.
fn strip_comment(text: &str) -> &str {
    match text.find(" #") {
        Some(i) => text[..i].trim_end_matches(' '),
        None => text,
    }
}

/// After a closed quoted scalar or flow collection: nothing, or a comment.
fn end_of_line(rest: &str) -> R<()> {
    let trimmed = rest.trim_start_matches(' ');
    if trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len()) {
        Ok(())
    } else {
        Err(Unsupported)
    }
}

/// A double-quoted scalar closed on its line: its value and what follows the closing quote.
fn double_quoted(text: &str) -> R<(String, &str)> {
    let body = &text[1..];
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &body[i + 1..])),
            '\\' => {
                let (_, e) = chars.next().ok_or(Unsupported)?;
                let hex = |chars: &mut std::str::CharIndices<'_>, n: usize| -> R<char> {
                    let mut v = 0u32;
                    for _ in 0..n {
                        let (_, h) = chars.next().ok_or(Unsupported)?;
                        v = v * 16 + h.to_digit(16).ok_or(Unsupported)?;
                    }
                    char::from_u32(v).ok_or(Unsupported)
                };
                out.push(match e {
                    '0' => '\0',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    't' | '\t' => '\t',
                    'n' => '\n',
                    'v' => '\u{b}',
                    'f' => '\u{c}',
                    'r' => '\r',
                    'e' => '\u{1b}',
                    ' ' => ' ',
                    '"' => '"',
                    '/' => '/',
                    '\\' => '\\',
                    'N' => '\u{85}',
                    '_' => '\u{a0}',
                    'L' => '\u{2028}',
                    'P' => '\u{2029}',
                    'x' => hex(&mut chars, 2)?,
                    'u' => hex(&mut chars, 4)?,
                    'U' => hex(&mut chars, 8)?,
                    _ => return Err(Unsupported),
                });
            }
            _ => out.push(c),
        }
    }
    Err(Unsupported)
}

/// A single-quoted scalar closed on its line (`''` is a quote).
fn single_quoted(text: &str) -> R<(String, &str)> {
    let body = &text[1..];
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        let i = rest.find('\'').ok_or(Unsupported)?;
        out.push_str(&rest[..i]);
        if rest[i + 1..].starts_with('\'') {
            out.push('\'');
            rest = &rest[i + 2..];
        } else {
            return Ok((out, &rest[i + 1..]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn saphyr(text: &str) -> Result<Vec<Value>, String> {
        serde_saphyr::from_multiple::<Value>(text).map_err(|e| e.to_string())
    }

    /// kubefit's reading of `text` is serde-saphyr's, whichever reader took each document.
    fn same_as_saphyr(text: &str) -> Result<(), TestCaseError> {
        let ours = read_stream(text, saphyr);
        let theirs = saphyr(text);
        prop_assert_eq!(&ours, &theirs, "{:?}", text);
        Ok(())
    }

    /// Inputs at every edge of the subset, each read as serde-saphyr reads it (inside the
    /// subset by the fast reader, outside it by the fallback); `fast` says which.
    const CASES: &[(&str, bool)] = &[
        ("a: 1\n", true),
        ("a: -1\n", true),
        ("a: 0\n", true),
        ("a: -0\n", true),
        ("a: 007\n", true),
        ("a: 0x1F\n", true),
        ("a: 0o17\n", true),
        ("a: 0b101\n", true),
        ("a: 1e3\n", true),
        ("a: 1.5\n", true),
        ("a: 1.27\n", true),
        ("a: .inf\n", false),
        ("a: -.inf\n", false),
        ("a: .nan\n", false),
        ("a: 1_000\n", true),
        ("a: +5\n", true),
        ("a: 100m\n", true),
        ("a: 128Mi\n", true),
        ("a: 25%\n", true),
        ("a: 12:30\n", true),
        ("a: 10.0.0.1\n", true),
        ("a: 99999999999999999999\n", true),
        ("a: 999999999999999999\n", true),
        ("a: -9223372036854775809\n", true),
        ("a: 1e999\n", false),
        (
            "a: y\nb: Y\nc: yes\nd: YES\ne: n\nf: No\ng: on\nh: OFF\ni: True\nj: FALSE\nk: tRuE\n",
            true,
        ),
        ("a: ~\nb: null\nc: Null\nd: NULL\ne: nULL\nf:\n", true),
        ("a: inf\nb: nan\nc: infinity\nd: e5\n", true),
        (
            "a: /healthz\nb: http://x.y/z?q=1\nc: foo # comment\nd: foo#bar\ne: a, b [c] {d}\n",
            true,
        ),
        ("a: 'it''s'\nb: ''\nc: 'x' # c\n", true),
        (
            "a: \"x\\ty\\u00e9\\\"\\\\\\/\\x41\\U0001F600\"\nb: \"\"\nc: \"x\" # c\n",
            true,
        ),
        ("a: \"\\q\"\n", false),
        ("\"on\": 1\n'y': 2\n", true),
        ("on: 1\n", false),
        ("y: 2\n", false),
        ("1: x\n", false),
        ("a b: 1\n", false),
        ("a.b/c-d_e: 1\n", true),
        ("<<: {}\n", false),
        ("a:\n  b:\n    c: 1\n  d: []\ne: {}\nf: [] # c\n", true),
        ("a: [ ]\n", false),
        ("a:\n- b\n- c\nd: 1\n", true),
        ("a:\n  - b\n  - c: 1\n    d: 2\n  -\n    e: 3\n  - \n", true),
        ("- a: 1\n  b: 2\n- c\n-   d: 4\n    e: 5\n", true),
        ("- - a\n", false),
        ("a: - b\n", false),
        ("a: b: c\n", false),
        ("a: {b: 1}\n", false),
        ("a: [1, 2]\n", false),
        ("a: |\n  x\n  y\n", true),
        ("a: |-\n  x\n\n", true),
        ("a: |+\n  x\n\nb: 1\n", true),
        ("a: |+\n  x\n\n", false),
        (
            "a: |\n  x\n\n  y\n\n\nb: |\n  # not a comment\n     indented\n",
            true,
        ),
        ("a: |\n    x\n  y\n", false),
        ("a: |\n\n  x\n", true),
        ("a: |\n   \n  x\n", false),
        ("a: |\n  x\n   \n  y\n", true),
        ("a: |2\n   x\n", false),
        ("a: >\n  x\n  y\n", false),
        ("a: |\n  x\n# comment\nb: 1\n", true),
        ("- |\n  x\n- y\n", true),
        ("a:\n  - |-\n    x\n    y\n  - z\n", true),
        ("a: |\nb: 1\n", false),
        ("a: x\n  y\n", false),
        ("a: \"x\n  y\"\n", false),
        ("a: 'x\n  y'\n", false),
        ("a: &x 1\nb: *x\n", false),
        ("a: !!str 1\n", false),
        ("a: 1\na: 2\n", false),
        ("a:\t1\n", false),
        ("a: 1\t# c\n", false),
        ("\ta: 1\n", false),
        ("a:\n  b: 1\n c: 2\n", false),
        ("# c\na: 1 # c\n# c\n", true),
        ("a:\n  # c\n  b: 1\n    # deeper comment\n  c: 2\n", true),
        ("a: 1\r\n", false),
        ("- a\n- b\n", true),
        ("hello\n", false),
        ("? a\n: b\n", false),
        ("a: @x\n", false),
        ("a: `x\n", false),
        ("a: -x\nb: -\n", false),
        ("a: -x\n", true),
        ("a: :x\n", false),
        ("a: héllo\nb: ünï\n", true),
        ("ключ: 1\n", false),
        ("a: x\n\n\nb: y   \n", true),
        ("a: 'x' y\n", false),
        ("a: \"unterminated\n", false),
        ("  a: 1\n", false),
        ("a: $x\nb: =\nc: ^x\n", true),
        ("a: 1\n", true),
    ];

    #[test]
    fn every_edge_case_reads_as_serde_saphyr_reads_it() {
        let mut wrong = Vec::new();
        for (text, fast) in CASES {
            same_as_saphyr(text).unwrap();
            if document(text).is_some() != *fast {
                wrong.push(*text);
            }
        }
        assert!(
            wrong.is_empty(),
            "read by the other reader than expected: {wrong:#?}"
        );
    }

    #[test]
    fn streams_are_cut_into_the_documents_serde_saphyr_sees() {
        for text in [
            "",
            "\n",
            "---\n",
            "a: 1\n---\nb: 2\n",
            "---\na: 1\n--- # c\nb: 2\n---\n",
            "# c\n---\n\n---\na: 1\n...\n",
            "a: 1\n--- {b: 2}\n",
            "%YAML 1.2\n---\na: 1\n",
            "\u{feff}a: 1\n",
            "a: 1\n---\nb: 2",
            "a: 1\n---\nb: [\n",
            "a: |\n  ---\n  x\n---\nb: 1\n",
        ] {
            same_as_saphyr(text).unwrap();
        }
        // An error is reported where serde-saphyr reports it in the whole stream.
        let text = "a: 1\n---\nb: 2\nb: 3\n";
        assert_eq!(read_stream(text, saphyr), saphyr(text));
        assert!(saphyr(text).is_err());
    }

    /// Scalars chosen to land on every branch: numbers, booleans, nulls, quotes, comments,
    /// indicators, spaces, line breaks.
    fn scalar() -> impl Strategy<Value = Value> {
        let text = prop::string::string_regex(
            "(| |-|:|#|'|\"|\\\\|\n|\t|0|1|9|x|e|\\.|_|\\+|y|yes|no|on|null|~|a|Z|é|/|%|m|Mi|&|\\*|!|\\||>|\\[|\\]|\\{|\\}|,|@|`|\\?){0,8}",
        )
        .unwrap();
        prop_oneof![
            text.prop_map(Value::String),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::from),
            Just(Value::Null),
            (-1e6f64..1e6).prop_map(Value::from),
        ]
    }

    fn tree() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(4, 48, 6, move |inner| {
            let key =
                prop::string::string_regex("[a-z][a-z0-9./_-]{0,6}|on|y|1|\"q\"|a b").unwrap();
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((key, inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever a writer makes of a value — serde-saphyr's (kubefit's own output) or
        /// serde_yaml's — both readers read the same.
        #[test]
        fn written_documents_read_as_serde_saphyr_reads_them(docs in prop::collection::vec(tree(), 1..4)) {
            let mut saphyr_text = String::new();
            let mut yaml_text = String::new();
            for doc in &docs {
                saphyr_text.push_str("---\n");
                saphyr_text.push_str(&serde_saphyr::to_string(doc).unwrap());
                yaml_text.push_str(&serde_yaml::to_string(doc).unwrap());
                yaml_text.push_str("---\n");
            }
            same_as_saphyr(&saphyr_text)?;
            same_as_saphyr(&yaml_text)?;
        }

        /// Lines shuffled from the edge cases: inputs that are often not YAML at all.
        #[test]
        fn line_soup_reads_as_serde_saphyr_reads_it(picks in prop::collection::vec((0..CASES.len(), 0..8usize, 0..4usize), 1..6)) {
            let mut text = String::new();
            for (case, line, indent) in picks {
                let lines: Vec<&str> = CASES[case].0.lines().collect();
                let l = lines[line % lines.len()];
                text.push_str(&" ".repeat(indent * 2));
                text.push_str(l);
                text.push('\n');
            }
            same_as_saphyr(&text)?;
        }
    }
}
