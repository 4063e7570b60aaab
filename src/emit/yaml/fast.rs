//! A fast path for the YAML of one lowered object: the block layout serde-saphyr writes with
//! kubefit's options, byte for byte, for the documents where every decision is certain.
//!
//! serde-saphyr decides, for every key and every string, whether it may stay plain; that check
//! is most of the cost of rendering a stack. Here a key or string in a narrow class that is
//! plain by construction (`app-0`, `nginx:1.27`, `/app-0`, `app.kubernetes.io/name`) is written
//! as is, an all-digit string is double-quoted, and any other string is rendered by
//! serde-saphyr itself (remembered, as the same quantities and images recur). Anything else
//! (multi-line strings, floats, nulls, keys outside the class, nested sequences, empty
//! collections in a list) makes the fast path give up, and the whole document is rendered by
//! serde-saphyr instead. The snapshots of every example and `tests/yaml_writer.rs` hold that
//! both give the same bytes.

use std::fmt;
use std::io::Write as _;

use serde::Serialize;
use serde::ser::{self, Impossible};

use crate::util::fast_hash::FastMap;

/// The fast path gave up; the document is rendered by serde-saphyr.
#[derive(Debug)]
pub(crate) struct GiveUp;

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not in the fast path")
    }
}

impl std::error::Error for GiveUp {}

impl ser::Error for GiveUp {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        GiveUp
    }
}

type Result<T = ()> = std::result::Result<T, GiveUp>;

/// Renders documents into a buffer, remembering how serde-saphyr renders the strings it was
/// asked about.
#[derive(Default)]
pub(crate) struct BlockYaml {
    scalars: FastMap<String, Vec<u8>>,
    keys: FastMap<StaticKey, Box<[u8]>>,
    constants: FastMap<StaticKey, Box<[u8]>>,
}

/// A struct field name (static text: its address and length identify it) at a column
/// (`usize::MAX`: continuing the line of a `- `).
type StaticKey = (usize, usize, usize);

/// Newtype structs named with this prefix hold a value whose rendering is the same wherever
/// it appears at the same position ([`Constant`]): it is rendered once per column.
pub(crate) const CONSTANT: &str = "kubefit.constant/";

/// A value that, when `name` is set, serialises as a newtype struct of that name (which
/// starts with [`CONSTANT`]) around it: serde-saphyr and every other serializer see the value
/// itself; the fast path renders it once per column and copies it afterwards. Whoever sets a
/// name promises that every value given that name serialises the same way (the tests check
/// each copy against a fresh rendering).
pub(crate) struct Constant<T> {
    name: Option<&'static str>,
    value: T,
}

impl<T> Constant<T> {
    /// `value`, constant under `name` when `constant` holds.
    pub(crate) fn when(constant: bool, name: &'static str, value: T) -> Self {
        debug_assert!(name.starts_with(CONSTANT));
        Constant {
            name: constant.then_some(name),
            value,
        }
    }
}

impl<T: Serialize> Serialize for Constant<T> {
    fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.name {
            Some(name) => s.serialize_newtype_struct(name, &self.value),
            None => self.value.serialize(s),
        }
    }
}

/// At most this many remembered renderings (unique strings such as paths are not worth more).
const REMEMBER: usize = 4096;

impl BlockYaml {
    /// Appends `value` as one YAML document (no `---`) to `out`: the fast path when it
    /// applies, serde-saphyr otherwise. Errors are serde-saphyr's.
    pub(crate) fn write<T: Serialize>(
        &mut self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> std::result::Result<(), serde_saphyr::ser::Error> {
        let start = out.len();
        let fast = value.serialize(Node {
            w: &mut Writer {
                out: &mut *out,
                scalars: &mut self.scalars,
                keys: &mut self.keys,
                constants: &mut self.constants,
            },
            at: At::Root,
        });
        if fast.is_ok() {
            return Ok(());
        }
        out.truncate(start);
        serde_saphyr::to_io_writer_with_options(out, value, crate::emit::yaml::yaml_options())
    }
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    scalars: &'a mut FastMap<String, Vec<u8>>,
    /// Struct field names as written at each column (indentation, name, `:`), so each is
    /// checked and assembled once.
    keys: &'a mut FastMap<StaticKey, Box<[u8]>>,
    /// [`Constant`] values as rendered at a position.
    constants: &'a mut FastMap<StaticKey, Box<[u8]>>,
}

impl Writer<'_> {
    fn indent(&mut self, col: usize) {
        const SPACES: [u8; 64] = [b' '; 64];
        match SPACES.get(..col) {
            Some(spaces) => self.out.extend_from_slice(spaces),
            None => self.out.resize(self.out.len() + col, b' '),
        }
    }

    /// A string in value position: plain, double-quoted digits, or as serde-saphyr renders it.
    fn string(&mut self, s: &str) -> Result {
        if plain_value(s) {
            self.out.extend_from_slice(s.as_bytes());
        } else if !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_digit()) {
            self.out.push(b'"');
            self.out.extend_from_slice(s.as_bytes());
            self.out.push(b'"');
        } else if let Some(r) = self.scalars.get(s) {
            self.out.extend_from_slice(r);
        } else {
            let r = saphyr_value(s)?;
            self.out.extend_from_slice(&r);
            if self.scalars.len() >= REMEMBER {
                self.scalars.clear();
            }
            self.scalars.insert(s.to_owned(), r);
        }
        Ok(())
    }
}

/// How serde-saphyr writes `s` as the value of a block mapping entry (without `key: ` and the
/// line break), or [`GiveUp`] if that takes more than one line.
fn saphyr_value(s: &str) -> Result<Vec<u8>> {
    let one = std::collections::BTreeMap::from([("k", s)]);
    let text = serde_saphyr::to_string_with_options(&one, crate::emit::yaml::yaml_options())
        .map_err(|_| GiveUp)?;
    let v = text
        .strip_prefix("k: ")
        .and_then(|t| t.strip_suffix('\n'))
        .ok_or(GiveUp)?;
    if v.contains('\n') || v.is_empty() {
        return Err(GiveUp);
    }
    Ok(v.as_bytes().to_vec())
}

/// YAML 1.1 and 1.2 words that a letter-first plain scalar could be read as (bool, null,
/// special floats): never written plain by the fast path.
fn reserved_word(s: &str) -> bool {
    let words: &[&str] = match s.len() {
        1 => &["y", "n"],
        2 => &["no", "on"],
        3 => &["yes", "off", "nan", "inf"],
        4 => &["true", "null"],
        5 => &["false"],
        _ => return false,
    };
    words.iter().any(|w| s.eq_ignore_ascii_case(w))
}

/// Bytes allowed in a fast-path key (`KEY`) and value (`VALUE`).
const KEY: u8 = 1;
const VALUE: u8 = 2;
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-') {
            t[c] = KEY | VALUE;
        } else if matches!(b, b' ' | b':' | b'@' | b'+' | b'=') {
            t[c] = VALUE;
        }
        c += 1;
    }
    t
};

/// Plain by construction in value position: starts with a letter or `/`, only letters,
/// digits, spaces and `._/:@+=-`, no `: `, no trailing `:` or space, not a reserved word.
pub(crate) fn plain_value(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(first), Some(last)) = (b.first(), b.last()) else {
        return false;
    };
    let mut space = false;
    for &c in b {
        if CLASS[usize::from(c)] & VALUE == 0 {
            return false;
        }
        space |= c == b' ';
    }
    (first.is_ascii_alphabetic() || *first == b'/')
        && *last != b':'
        && *last != b' '
        && !(space && s.contains(": "))
        && !reserved_word(s)
}

/// Plain by construction as a mapping key: starts with a letter, only letters, digits and
/// `._/-`, not a reserved word.
pub(crate) fn plain_key(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.iter().all(|&c| CLASS[usize::from(c)] & KEY != 0)
        && !reserved_word(s)
}

/// Where the node being written sits.
#[derive(Clone, Copy)]
enum At {
    /// The document itself: only a non-empty mapping.
    Root,
    /// After `key:`, the key starting at this column.
    Value(usize),
    /// After `- `, the dash at this column.
    Item(usize),
}

struct Node<'w, 'a> {
    w: &'w mut Writer<'a>,
    at: At,
}

impl<'w, 'a> Node<'w, 'a> {
    /// Writes a one-line scalar in this position.
    fn scalar(self, f: impl FnOnce(&mut Writer<'_>) -> Result) -> Result {
        match self.at {
            At::Root => return Err(GiveUp),
            At::Value(_) => self.w.out.push(b' '),
            At::Item(_) => {}
        }
        f(self.w)?;
        self.w.out.push(b'\n');
        Ok(())
    }

    fn number(self, n: impl fmt::Display) -> Result {
        self.scalar(|w| write!(w.out, "{n}").map_err(|_| GiveUp))
    }

    fn map(self, len: Option<usize>) -> Result<Map<'w, 'a>> {
        let len = len.ok_or(GiveUp)?;
        let (col, inline) = match (self.at, len) {
            (At::Value(_), 0) => {
                self.w.out.extend_from_slice(b" {}\n");
                (0, false)
            }
            (At::Root | At::Item(_), 0) => return Err(GiveUp),
            (At::Root, _) => (0, true),
            (At::Value(col), _) => {
                self.w.out.push(b'\n');
                (col + 2, false)
            }
            (At::Item(col), _) => (col + 2, true),
        };
        Ok(Map {
            w: self.w,
            col,
            inline,
            left: len,
        })
    }
}

struct Map<'w, 'a> {
    w: &'w mut Writer<'a>,
    /// Column of every key.
    col: usize,
    /// The next key continues the current line (first key of a document or list item).
    inline: bool,
    /// Entries still expected.
    left: usize,
}

impl Map<'_, '_> {
    fn key(&mut self, k: &str) -> Result {
        if !plain_key(k) {
            return Err(GiveUp);
        }
        self.left = self.left.checked_sub(1).ok_or(GiveUp)?;
        if self.inline {
            self.inline = false;
        } else {
            self.w.indent(self.col);
        }
        self.w.out.extend_from_slice(k.as_bytes());
        self.w.out.push(b':');
        Ok(())
    }

    /// [`Map::key`] for a struct field name: the line start is assembled once per column.
    fn static_key(&mut self, k: &'static str) -> Result {
        let col = if self.inline { usize::MAX } else { self.col };
        let id = (k.as_ptr().addr(), k.len(), col);
        if let Some(line) = self.w.keys.get(&id) {
            self.left = self.left.checked_sub(1).ok_or(GiveUp)?;
            self.inline = false;
            self.w.out.extend_from_slice(line);
            return Ok(());
        }
        let start = self.w.out.len();
        self.key(k)?;
        if self.w.keys.len() >= REMEMBER {
            self.w.keys.clear();
        }
        let line = self.w.out[start..].into();
        self.w.keys.insert(id, line);
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        v.serialize(Node {
            w: &mut *self.w,
            at: At::Value(self.col),
        })
    }

    fn finish(self) -> Result {
        if self.left == 0 { Ok(()) } else { Err(GiveUp) }
    }
}

impl ser::SerializeStruct for Map<'_, '_> {
    type Ok = ();
    type Error = GiveUp;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.static_key(key)?;
        self.value(value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeMap for Map<'_, '_> {
    type Ok = ();
    type Error = GiveUp;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        let mut k = KeyText(None);
        key.serialize(&mut k)?;
        let k = k.0.ok_or(GiveUp)?;
        self.key(&k)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.value(value)
    }

    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result {
        key.serialize(KeyDirect { map: self })?;
        self.value(value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

struct Seq<'w, 'a> {
    w: &'w mut Writer<'a>,
    /// Column of every `- `.
    col: usize,
    left: usize,
}

impl ser::SerializeSeq for Seq<'_, '_> {
    type Ok = ();
    type Error = GiveUp;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.left = self.left.checked_sub(1).ok_or(GiveUp)?;
        self.w.indent(self.col);
        self.w.out.extend_from_slice(b"- ");
        value.serialize(Node {
            w: &mut *self.w,
            at: At::Item(self.col),
        })
    }

    fn end(self) -> Result {
        if self.left == 0 { Ok(()) } else { Err(GiveUp) }
    }
}

/// Serialises a string key straight into the map (the common case: no allocation).
struct KeyDirect<'m, 'w, 'a> {
    map: &'m mut Map<'w, 'a>,
}

/// Captures a string key (for `serialize_key` called on its own).
struct KeyText(Option<String>);

macro_rules! give_up {
    ($($name:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ret> { Err(GiveUp) })*
    };
}

/// Integer methods of [`Node`]: written in decimal, as serde-saphyr does.
macro_rules! numbers {
    ($($name:ident($ty:ty)),* $(,)?) => {
        $(fn $name(self, v: $ty) -> Result { self.number(v) })*
    };
}

macro_rules! no_compound {
    () => {
        type SerializeSeq = Impossible<(), GiveUp>;
        type SerializeTuple = Impossible<(), GiveUp>;
        type SerializeTupleStruct = Impossible<(), GiveUp>;
        type SerializeTupleVariant = Impossible<(), GiveUp>;
        type SerializeMap = Impossible<(), GiveUp>;
        type SerializeStruct = Impossible<(), GiveUp>;
        type SerializeStructVariant = Impossible<(), GiveUp>;
        give_up! {
            serialize_bool(bool) -> ();
            serialize_i8(i8) -> ();
            serialize_i16(i16) -> ();
            serialize_i32(i32) -> ();
            serialize_i64(i64) -> ();
            serialize_u8(u8) -> ();
            serialize_u16(u16) -> ();
            serialize_u32(u32) -> ();
            serialize_u64(u64) -> ();
            serialize_f32(f32) -> ();
            serialize_f64(f64) -> ();
            serialize_char(char) -> ();
            serialize_bytes(&[u8]) -> ();
            serialize_none() -> ();
            serialize_unit() -> ();
            serialize_unit_struct(&'static str) -> ();
            serialize_unit_variant(&'static str, u32, &'static str) -> ();
            serialize_seq(Option<usize>) -> Self::SerializeSeq;
            serialize_tuple(usize) -> Self::SerializeTuple;
            serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
            serialize_map(Option<usize>) -> Self::SerializeMap;
            serialize_struct(&'static str, usize) -> Self::SerializeStruct;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
        }
        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result {
            Err(GiveUp)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result {
            Err(GiveUp)
        }
    };
}

impl ser::Serializer for KeyDirect<'_, '_, '_> {
    type Ok = ();
    type Error = GiveUp;
    no_compound!();

    fn serialize_str(self, v: &str) -> Result {
        self.map.key(v)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
}

impl ser::Serializer for &mut KeyText {
    type Ok = ();
    type Error = GiveUp;
    no_compound!();

    fn serialize_str(self, v: &str) -> Result {
        self.0 = Some(v.to_owned());
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
}

impl<'w, 'a> ser::Serializer for Node<'w, 'a> {
    type Ok = ();
    type Error = GiveUp;
    type SerializeSeq = Seq<'w, 'a>;
    type SerializeTuple = Impossible<(), GiveUp>;
    type SerializeTupleStruct = Impossible<(), GiveUp>;
    type SerializeTupleVariant = Impossible<(), GiveUp>;
    type SerializeMap = Map<'w, 'a>;
    type SerializeStruct = Map<'w, 'a>;
    type SerializeStructVariant = Impossible<(), GiveUp>;

    fn serialize_bool(self, v: bool) -> Result {
        self.scalar(|w| {
            w.out
                .extend_from_slice(if v { b"true" as &[u8] } else { b"false" });
            Ok(())
        })
    }
    numbers! {
        serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64),
        serialize_u8(u8), serialize_u16(u16), serialize_u32(u32), serialize_u64(u64),
    }
    give_up! {
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_str(self, v: &str) -> Result {
        self.scalar(|w| w.string(v))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result {
        v.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, v: &T) -> Result {
        // serde-saphyr gives some newtype names (its own wrappers) a meaning of their own.
        if name.starts_with("__") {
            return Err(GiveUp);
        }
        if !name.starts_with(CONSTANT) {
            return v.serialize(self);
        }
        let position = match self.at {
            At::Root => return v.serialize(self),
            At::Value(col) => col,
            At::Item(col) => usize::MAX - col,
        };
        let id = (name.as_ptr().addr(), name.len(), position);
        let Node { w, at } = self;
        let start = w.out.len();
        if let Some(block) = w.constants.get(&id) {
            w.out.extend_from_slice(block);
            // The tests hold the caller to its promise: the copy is what rendering gives.
            #[cfg(test)]
            {
                let copied = w.out.split_off(start);
                v.serialize(Node { w: &mut *w, at })?;
                assert_eq!(w.out[start..], copied[..], "{name} rendered differently");
            }
            return Ok(());
        }
        v.serialize(Node { w: &mut *w, at })?;
        let block = w.out[start..].into();
        w.constants.insert(id, block);
        Ok(())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(GiveUp)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'w, 'a>> {
        let len = len.ok_or(GiveUp)?;
        match (self.at, len) {
            (At::Value(_), 0) => {
                self.w.out.extend_from_slice(b" []\n");
                Ok(Seq {
                    w: self.w,
                    col: 0,
                    left: 0,
                })
            }
            (At::Value(col), _) => {
                self.w.out.push(b'\n');
                Ok(Seq {
                    w: self.w,
                    col,
                    left: len,
                })
            }
            _ => Err(GiveUp),
        }
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Map<'w, 'a>> {
        self.map(len)
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map<'w, 'a>> {
        self.map(Some(len))
    }
}

/// The fast path alone: `None` where [`BlockYaml::write`] would hand the document to
/// serde-saphyr.
#[cfg(test)]
pub(crate) fn fast_only(v: &impl Serialize) -> Option<String> {
    let mut out = Vec::new();
    let mut w = BlockYaml::default();
    v.serialize(Node {
        w: &mut Writer {
            out: &mut out,
            scalars: &mut w.scalars,
            keys: &mut w.keys,
            constants: &mut w.constants,
        },
        at: At::Root,
    })
    .ok()?;
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn saphyr(v: &impl Serialize) -> String {
        serde_saphyr::to_string_with_options(v, crate::emit::yaml::yaml_options()).unwrap()
    }

    fn fast(v: &impl Serialize) -> Option<String> {
        super::fast_only(v)
    }

    /// Strings from an alphabet rich in YAML indicators, words and digits.
    fn tricky() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 ._/:@+=#,'\"%*&!|>?~\\[\\]{}\\t-]{0,12}",
            "(y|n|yes|no|on|off|true|false|null|nan|inf|Yes|NO|On|TRUE|Null|NaN|Inf)",
            "[0-9]{1,6}[a-zA-Z.:eE_-]{0,3}[0-9]{0,3}",
            "[/a-z][a-z0-9 :]{0,8}",
            any::<String>(),
        ]
    }

    proptest! {
        #[test]
        fn plain_values_are_plain_for_serde_saphyr(s in tricky()) {
            let one = std::collections::BTreeMap::from([("k", s.as_str())]);
            let expected = saphyr(&one);
            if plain_value(&s) {
                prop_assert_eq!(&expected, &format!("k: {s}\n"));
            }
            if !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_digit()) {
                prop_assert_eq!(&expected, &format!("k: \"{s}\"\n"));
            }
            if let Some(f) = fast(&one) {
                prop_assert_eq!(f, expected);
            }
        }

        #[test]
        fn plain_keys_are_plain_for_serde_saphyr(s in tricky()) {
            let one = std::collections::BTreeMap::from([(s.as_str(), 1)]);
            let expected = saphyr(&one);
            if plain_key(&s) {
                prop_assert_eq!(&expected, &format!("{s}: 1\n"));
            }
            if let Some(f) = fast(&one) {
                prop_assert_eq!(f, expected);
            }
        }

        #[test]
        fn nested_documents_match_serde_saphyr(
            labels in proptest::collection::btree_map(
                prop_oneof![4 => "[a-zA-Z][a-zA-Z0-9._/-]{0,10}", 1 => tricky()],
                tricky(),
                0..4,
            ),
            items in proptest::collection::vec(proptest::collection::btree_map("[a-z]{1,4}", tricky(), 0..3), 0..3),
            words in proptest::collection::vec(tricky(), 0..3),
            n in any::<i64>(),
            flag in any::<bool>(),
        ) {
            #[derive(Serialize)]
            struct Doc<'a> {
                labels: &'a std::collections::BTreeMap<String, String>,
                items: &'a Vec<std::collections::BTreeMap<String, String>>,
                words: &'a Vec<String>,
                nested: Inner<'a>,
                n: i64,
                flag: bool,
            }
            #[derive(Serialize)]
            struct Inner<'a> {
                items: &'a Vec<std::collections::BTreeMap<String, String>>,
                #[serde(skip_serializing_if = "Option::is_none")]
                maybe: Option<&'a Vec<String>>,
            }
            let doc = Doc {
                labels: &labels,
                items: &items,
                words: &words,
                nested: Inner { items: &items, maybe: (!words.is_empty()).then_some(&words) },
                n,
                flag,
            };
            let expected = saphyr(&doc);
            let mut out = Vec::new();
            BlockYaml::default().write(&doc, &mut out).unwrap();
            prop_assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }

    #[test]
    fn every_single_line_value_stays_on_the_fast_path() {
        let values = [
            "0",
            "8080",
            "100m",
            "128Mi",
            "25%",
            "1e3",
            "0x1F",
            "1:20",
            "2026-12-01",
            "+1",
            ".inf",
            "-",
            "~",
            "on",
            "No",
            "TRUE",
            "null",
            "",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "#x",
            "*ref",
            "&a",
            "!tag",
            "%x",
            "@x",
            "`x`",
            "'q'",
            "\"q\"",
            "[a]",
            "{a}",
            "a,b",
            "ünïcode",
            "tab\there",
            "nginx:1.27",
            "/app-0",
            "app.kubernetes.io/name",
            "Hello world",
        ];
        let map: std::collections::BTreeMap<String, &str> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("k{i:02}"), *v))
            .collect();
        let list: Vec<&str> = values.to_vec();
        #[derive(Serialize)]
        struct Doc<'a> {
            map: &'a std::collections::BTreeMap<String, &'a str>,
            list: &'a [&'a str],
        }
        let doc = Doc {
            map: &map,
            list: &list,
        };
        let f = fast(&doc).expect("one-line values never leave the fast path");
        assert_eq!(f, saphyr(&doc));
    }

    #[test]
    fn deep_nesting_matches_serde_saphyr() {
        let mut v = serde_json::json!({"leaf": "x", "list": ["a", {"k": "v"}]});
        for i in 0..40 {
            v = serde_json::json!({ format!("level{i}"): v, "num": i });
        }
        let f = fast(&v).expect("the fast path applies");
        assert!(f.contains(&format!("{}leaf: x\n", " ".repeat(80))));
        assert_eq!(f, saphyr(&v));
    }

    #[test]
    fn multi_line_values_and_odd_keys_go_to_serde_saphyr() {
        let multi = std::collections::BTreeMap::from([("k", "a\nb\n")]);
        assert!(fast(&multi).is_none());
        let key = std::collections::BTreeMap::from([("on", "x")]);
        assert!(fast(&key).is_none());
        let mut out = Vec::new();
        BlockYaml::default().write(&multi, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), saphyr(&multi));
    }

    #[test]
    fn the_fast_path_takes_a_typical_deployment() {
        let stack = crate::Stack::new("shop").with(crate::Deployment::new(
            "api",
            crate::Container::new("api", "ghcr.io/acme/api:1.2.3").port("http", 8080),
        ));
        let m = stack.emit(&crate::EmitOptions::new()).unwrap();
        for d in m.documents() {
            let f = fast(d.object()).expect("the fast path applies");
            assert_eq!(f, saphyr(d.object()));
        }
    }
}
