//! SOPS + age: Secrets that are safe in git, in the on-disk format `sops` 3.11 reads.
//!
//! Each value under `data`/`stringData` is sealed with AES-256-GCM (32-byte nonce, the path of
//! keys as additional data) under a random 32-byte data key; the data key is age-encrypted
//! (ASCII-armored) to each recipient; a SHA-512 MAC over every value, sealed with the
//! `lastmodified` time as additional data, detects swapped or edited values.

use std::fmt;
use std::io::{Read, Write};
use std::path::Path;
use std::str::FromStr;

use aes_gcm::AesGcm;
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::generic_array::typenum::{U12, U32};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha512};
use zeroize::Zeroizing;

/// The regex kubefit writes into `.sops.yaml` and each file: keys named `data` or `stringData`.
pub const ENCRYPTED_REGEX: &str = "^(data|stringData)$";
/// The sops version recorded in the files kubefit writes.
pub const SOPS_VERSION: &str = "3.11.0";

/// An age X25519 identity (private key). Never printed.
///
/// ```
/// use kubefit::AgeIdentity;
/// let id = AgeIdentity::generate();
/// assert!(id.recipient().starts_with("age1"));
/// assert_eq!(format!("{id:?}"), "AgeIdentity(<redacted>)");
/// ```
pub struct AgeIdentity(age::x25519::Identity);

impl AgeIdentity {
    /// A fresh random identity.
    ///
    /// ```
    /// let id = kubefit::AgeIdentity::generate();
    /// assert!(id.recipient().starts_with("age1"));
    /// ```
    #[must_use]
    pub fn generate() -> Self {
        AgeIdentity(age::x25519::Identity::generate())
    }

    /// The public recipient (`age1…`).
    ///
    /// ```
    /// assert!(kubefit::AgeIdentity::generate().recipient().starts_with("age1"));
    /// ```
    #[must_use]
    pub fn recipient(&self) -> String {
        self.0.to_public().to_string()
    }

    /// The `AGE-SECRET-KEY-1…` line, for writing a key file. Handle it as a secret.
    ///
    /// ```
    /// use kubefit::AgeIdentity;
    /// let id = AgeIdentity::generate();
    /// let again: AgeIdentity = id.expose_secret_key().parse()?;
    /// assert_eq!(again.recipient(), id.recipient());
    /// # Ok::<(), kubefit::SopsError>(())
    /// ```
    #[must_use]
    pub fn expose_secret_key(&self) -> String {
        use age::secrecy::ExposeSecret;
        self.0.to_string().expose_secret().to_owned()
    }

    /// Every identity in an age key file (`age-keygen` output: comments and
    /// `AGE-SECRET-KEY-1…` lines).
    ///
    /// ```
    /// assert!(kubefit::AgeIdentity::from_file("/nonexistent/key.txt").is_err());
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<Vec<Self>, SopsError> {
        let text = std::fs::read_to_string(path.as_ref())
            .map_err(|e| SopsError::Io(format!("{}: {e}", path.as_ref().display())))?;
        text.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("AGE-SECRET-KEY-"))
            .map(str::parse)
            .collect()
    }
}

impl FromStr for AgeIdentity {
    type Err = SopsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        age::x25519::Identity::from_str(s.trim())
            .map(AgeIdentity)
            .map_err(|_| SopsError::Key("not an age identity (AGE-SECRET-KEY-1…)".to_owned()))
    }
}

impl fmt::Debug for AgeIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AgeIdentity(<redacted>)")
    }
}

/// Why encrypting or decrypting a SOPS file failed. Never contains a secret value.
///
/// ```
/// let err = kubefit::sops_decrypt("a: 1\n", &[]).unwrap_err();
/// assert_eq!(err.to_string(), "not a sops file: no `sops` metadata");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SopsError {
    /// The text is not a SOPS file.
    #[error("not a sops file: {0}")]
    Format(String),
    /// A recipient or identity could not be parsed.
    #[error("invalid age key: {0}")]
    Key(String),
    /// None of the identities can decrypt the data key.
    #[error("no identity can decrypt the data key (the file is for other recipients)")]
    NoIdentity,
    /// A value failed authentication: it was edited or moved to another key.
    #[error("value at `{0}` fails authentication: it was edited or moved from another key")]
    Value(String),
    /// A value the file's selector says is encrypted holds plaintext (or a non-string).
    #[error("value at `{0}` should be encrypted but is plaintext: the file was edited by hand")]
    Plaintext(String),
    /// A decrypted value does not parse as its `type:` tag, or the tag is unknown.
    #[error("value at `{path}` does not parse as its type tag `{typ}`: the tag was edited")]
    Type {
        /// The value's key path.
        path: String,
        /// The tag.
        typ: String,
    },
    /// The MAC does not match the values: something was edited, added or removed.
    #[error("mac mismatch: the file's values or lastmodified were edited")]
    Mac,
    /// Encryption failed.
    #[error("encryption failed: {0}")]
    Encrypt(String),
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(String),
    /// A feature of sops kubefit does not implement.
    #[error("unsupported sops feature: {0}")]
    Unsupported(String),
}

/// How Secrets are encrypted: the age recipients, any one of which decrypts.
///
/// Every file gets a fresh random data key and fresh random nonces, so the ciphertext differs
/// on every run. For snapshot tests, compare [`sops_redact`]'s text (or
/// [`Manifests::redacted`](crate::Manifests::redacted)'s) instead of the files: it replaces
/// ciphertext, data keys, MAC and time with fixed placeholders and keeps everything else.
/// (There is deliberately no seeded mode: a data key derived from a small seed can be
/// recomputed by anyone, which decrypts the file without any age key.)
///
/// ```
/// let id = kubefit::AgeIdentity::generate();
/// let cfg = kubefit::SopsConfig::new([id.recipient()]);
/// assert_eq!(cfg.recipients(), [id.recipient()]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SopsConfig {
    pub(crate) recipients: Vec<String>,
}

impl SopsConfig {
    /// Encrypt to these age recipients (`age1…`).
    ///
    /// ```
    /// let id = kubefit::AgeIdentity::generate();
    /// let cfg = kubefit::SopsConfig::new([id.recipient()]);
    /// assert_eq!(cfg.recipients().len(), 1);
    /// ```
    #[must_use]
    pub fn new<I, S>(recipients: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        SopsConfig {
            recipients: recipients.into_iter().map(Into::into).collect(),
        }
    }

    /// The recipients.
    ///
    /// ```
    /// assert_eq!(kubefit::SopsConfig::new(["age1x"]).recipients(), ["age1x"]);
    /// ```
    #[must_use]
    pub fn recipients(&self) -> &[String] {
        &self.recipients
    }
}

type Gcm32 = AesGcm<Aes256, U32>;
type Gcm12 = AesGcm<Aes256, U12>;

fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn seal(
    key: &[u8; 32],
    rng: &mut dyn RngCore,
    plain: &[u8],
    aad: &str,
    typ: &str,
) -> Result<String, SopsError> {
    let mut iv = [0u8; 32];
    rng.fill_bytes(&mut iv);
    let cipher = Gcm32::new(GenericArray::from_slice(key));
    let out = cipher
        .encrypt(
            GenericArray::from_slice(&iv),
            Payload {
                msg: plain,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| SopsError::Encrypt("aes-gcm".to_owned()))?;
    let (data, tag) = out.split_at(out.len() - 16);
    Ok(format!(
        "ENC[AES256_GCM,data:{},iv:{},tag:{},type:{typ}]",
        B64.encode(data),
        B64.encode(iv),
        B64.encode(tag)
    ))
}

struct Sealed {
    data: Vec<u8>,
    iv: Vec<u8>,
    tag: Vec<u8>,
    typ: String,
}

fn parse_enc(s: &str) -> Option<Sealed> {
    let inner = s.strip_prefix("ENC[AES256_GCM,")?.strip_suffix(']')?;
    let (mut data, mut iv, mut tag, mut typ) = (None, None, None, None);
    for part in inner.split(',') {
        let (k, v) = part.split_once(':')?;
        match k {
            "data" => data = B64.decode(v).ok(),
            "iv" => iv = B64.decode(v).ok(),
            "tag" => tag = B64.decode(v).ok(),
            "type" => typ = Some(v.to_owned()),
            _ => return None,
        }
    }
    Some(Sealed {
        data: data?,
        iv: iv?,
        tag: tag?,
        typ: typ?,
    })
}

fn open(key: &[u8; 32], sealed: &Sealed, aad: &str) -> Option<Zeroizing<Vec<u8>>> {
    let mut msg = sealed.data.clone();
    msg.extend_from_slice(&sealed.tag);
    let payload = Payload {
        msg: &msg,
        aad: aad.as_bytes(),
    };
    let out = match sealed.iv.len() {
        32 => Gcm32::new(GenericArray::from_slice(key))
            .decrypt(GenericArray::from_slice(&sealed.iv), payload)
            .ok()?,
        12 => Gcm12::new(GenericArray::from_slice(key))
            .decrypt(GenericArray::from_slice(&sealed.iv), payload)
            .ok()?,
        _ => return None,
    };
    Some(Zeroizing::new(out))
}

/// sops's `ToBytes` of an unencrypted scalar.
fn scalar_bytes(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.as_bytes().to_vec()),
        Value::Bool(b) => Some(if *b {
            b"True".to_vec()
        } else {
            b"False".to_vec()
        }),
        Value::Number(n) => Some(number_bytes(n).into_bytes()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// A number as sops's `ToBytes` spells it: integers in decimal, floats as Go's
/// `strconv.FormatFloat(f, 'f', -1, 64)` (shortest round-trip digits, never an exponent),
/// which is what Rust's `Display` for `f64` writes too (`1e21` → `1000000000000000000000`).
fn number_bytes(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    n.as_f64().map_or_else(|| n.to_string(), |f| format!("{f}"))
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        _ => "str",
    }
}

struct Walker<'a> {
    key: &'a [u8; 32],
    rng: &'a mut dyn RngCore,
    mac: Sha512,
}

impl Walker<'_> {
    fn encrypt(
        &mut self,
        v: &Value,
        path: &mut Vec<String>,
        under: bool,
    ) -> Result<Value, SopsError> {
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, child) in m {
                    path.push(k.clone());
                    let enc = under || k == "data" || k == "stringData";
                    out.insert(k.clone(), self.encrypt(child, path, enc)?);
                    path.pop();
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => items
                .iter()
                .map(|i| self.encrypt(i, path, under))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            scalar => {
                let Some(bytes) = scalar_bytes(scalar) else {
                    return Ok(Value::Null);
                };
                self.mac.update(&bytes);
                if !under || (matches!(scalar, Value::String(s) if s.is_empty())) {
                    return Ok(scalar.clone());
                }
                let aad = format!("{}:", path.join(":"));
                seal(self.key, self.rng, &bytes, &aad, type_of(scalar)).map(Value::String)
            }
        }
    }
}

/// Encrypts one document (a Kubernetes Secret as JSON) into SOPS YAML: every value under a
/// `data` or `stringData` key is sealed, everything else stays readable.
///
/// ```
/// use kubefit::{AgeIdentity, SopsConfig};
/// let id = AgeIdentity::generate();
/// let doc = serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"password": "s3cr3t"}});
/// let yaml = kubefit::sops_encrypt(&doc, &SopsConfig::new([id.recipient()]))?;
/// assert!(!yaml.contains("s3cr3t"));
/// let docs = kubefit::sops_decrypt(&yaml, &[id])?;
/// assert_eq!(docs[0]["stringData"]["password"], "s3cr3t");
/// # Ok::<(), kubefit::SopsError>(())
/// ```
pub fn sops_encrypt(doc: &Value, config: &SopsConfig) -> Result<String, SopsError> {
    if config.recipients.is_empty() {
        return Err(SopsError::Key("no recipients".to_owned()));
    }
    let recipients: Vec<age::x25519::Recipient> = config
        .recipients
        .iter()
        .map(|r| {
            age::x25519::Recipient::from_str(r)
                .map_err(|_| SopsError::Key(format!("`{r}` is not an age recipient (age1…)")))
        })
        .collect::<Result<_, _>>()?;
    let mut rng: Box<dyn RngCore> = Box::new(rand::rngs::OsRng);
    let mut key = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(key.as_mut());
    let lastmodified = now_rfc3339();

    let mut walker = Walker {
        key: &key,
        rng: rng.as_mut(),
        mac: Sha512::new(),
    };
    let Value::Object(_) = doc else {
        return Err(SopsError::Format(
            "the document is not a mapping".to_owned(),
        ));
    };
    let encrypted = walker.encrypt(doc, &mut Vec::new(), false)?;
    let digest = walker.mac.finalize();
    let mac_hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
    let mac = seal(&key, rng.as_mut(), mac_hex.as_bytes(), &lastmodified, "str")?;

    let mut age_entries = Vec::new();
    for (r, text) in recipients.iter().zip(&config.recipients) {
        let encryptor = age::Encryptor::with_recipients(std::iter::once(r as &dyn age::Recipient))
            .map_err(|e| SopsError::Encrypt(e.to_string()))?;
        let mut armored = Vec::new();
        let io = |e: std::io::Error| SopsError::Encrypt(e.to_string());
        let armor =
            age::armor::ArmoredWriter::wrap_output(&mut armored, age::armor::Format::AsciiArmor)
                .map_err(io)?;
        let mut w = encryptor.wrap_output(armor).map_err(io)?;
        w.write_all(key.as_ref()).map_err(io)?;
        w.finish()
            .and_then(age::armor::ArmoredWriter::finish)
            .map_err(io)?;
        let enc = String::from_utf8(armored).map_err(|e| SopsError::Encrypt(e.to_string()))?;
        age_entries.push(serde_json::json!({"recipient": text, "enc": enc}));
    }

    let Value::Object(mut out) = encrypted else {
        return Err(SopsError::Format(
            "the document is not a mapping".to_owned(),
        ));
    };
    let mut meta = Map::new();
    meta.insert("age".to_owned(), Value::Array(age_entries));
    meta.insert("lastmodified".to_owned(), Value::String(lastmodified));
    meta.insert("mac".to_owned(), Value::String(mac));
    meta.insert(
        "encrypted_regex".to_owned(),
        Value::String(ENCRYPTED_REGEX.to_owned()),
    );
    meta.insert("version".to_owned(), Value::String(SOPS_VERSION.to_owned()));
    out.insert("sops".to_owned(), Value::Object(meta));
    serde_saphyr::to_string(&Value::Object(out)).map_err(|e| SopsError::Encrypt(e.to_string()))
}

/// Which values a sops file says are encrypted, as sops's `Tree.Decrypt` decides it: a value is
/// encrypted when a key on its path matches the selector.
enum Selector {
    /// `encrypted_regex: ^(data|stringData)$` (the only regex kubefit reads).
    DataKeys,
    /// `unencrypted_suffix` (sops's default `_unencrypted` when the file names no selector).
    UnencryptedSuffix(String),
    /// `encrypted_suffix`.
    EncryptedSuffix(String),
}

impl Selector {
    fn of(meta: &Value) -> Result<Self, SopsError> {
        for other in [
            "unencrypted_regex",
            "encrypted_comment_regex",
            "unencrypted_comment_regex",
        ] {
            if meta.get(other).is_some_and(|v| !v.is_null()) {
                return Err(SopsError::Unsupported(other.to_owned()));
            }
        }
        let text = |k: &str| {
            meta.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        if let Some(re) = text("encrypted_regex") {
            if re != ENCRYPTED_REGEX {
                return Err(SopsError::Unsupported(format!(
                    "encrypted_regex `{re}` (kubefit reads only `{ENCRYPTED_REGEX}`)"
                )));
            }
            return Ok(Selector::DataKeys);
        }
        if let Some(sfx) = text("encrypted_suffix") {
            return Ok(Selector::EncryptedSuffix(sfx.to_owned()));
        }
        Ok(Selector::UnencryptedSuffix(
            text("unencrypted_suffix")
                .unwrap_or("_unencrypted")
                .to_owned(),
        ))
    }

    fn encrypted(&self, path: &[String]) -> bool {
        match self {
            Selector::DataKeys => path.iter().any(|k| k == "data" || k == "stringData"),
            Selector::UnencryptedSuffix(s) => !path.iter().any(|k| k.ends_with(s.as_str())),
            Selector::EncryptedSuffix(s) => path.iter().any(|k| k.ends_with(s.as_str())),
        }
    }
}

/// Go's `strconv.ParseBool`, which sops uses for `type:bool`.
fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

struct Opener<'a> {
    key: &'a [u8; 32],
    selector: Selector,
    mac: Sha512,
}

impl Opener<'_> {
    fn decrypt(&mut self, v: &Value, path: &mut Vec<String>) -> Result<Value, SopsError> {
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, child) in m {
                    if path.is_empty() && k == "sops" {
                        continue;
                    }
                    path.push(k.clone());
                    out.insert(k.clone(), self.decrypt(child, path)?);
                    path.pop();
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => items
                .iter()
                .map(|i| self.decrypt(i, path))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            scalar if self.selector.encrypted(path) => {
                let shown = path.join(".");
                let Value::String(s) = scalar else {
                    return Err(SopsError::Plaintext(shown));
                };
                if s.is_empty() {
                    // sops leaves empty strings as they are.
                    return Ok(Value::String(String::new()));
                }
                let aad = format!("{}:", path.join(":"));
                let sealed = parse_enc(s).ok_or_else(|| SopsError::Plaintext(shown.clone()))?;
                let plain =
                    open(self.key, &sealed, &aad).ok_or_else(|| SopsError::Value(shown.clone()))?;
                let text = std::str::from_utf8(plain.as_slice())
                    .map_err(|_| SopsError::Value(shown.clone()))?;
                let bad_type = || SopsError::Type {
                    path: shown.clone(),
                    typ: sealed.typ.clone(),
                };
                // As sops's aes cipher converts by the type tag: a value that does not parse
                // as its tag is refused, and the MAC covers the converted value's bytes.
                let value = match sealed.typ.as_str() {
                    "str" => Value::String(text.to_owned()),
                    "int" => Value::from(text.parse::<i64>().map_err(|_| bad_type())?),
                    "float" => text
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                        .ok_or_else(bad_type)?,
                    "bool" => Value::Bool(go_parse_bool(text).ok_or_else(bad_type)?),
                    _ => return Err(bad_type()),
                };
                if let Some(b) = scalar_bytes(&value) {
                    self.mac.update(&b);
                }
                Ok(value)
            }
            scalar => {
                if let Some(b) = scalar_bytes(scalar) {
                    self.mac.update(&b);
                }
                Ok(scalar.clone())
            }
        }
    }
}

/// A stable, reviewable text of a SOPS file for snapshot tests: every `ENC[…]` value keeps
/// its type tag with its data, nonce and tag replaced by `…`; the age data keys, the MAC and
/// `lastmodified` become fixed placeholders; everything else (keys, unencrypted values,
/// recipients, selector) is kept. Two encryptions of the same document redact to the same
/// text.
///
/// ```
/// use kubefit::{AgeIdentity, SopsConfig};
/// let id = AgeIdentity::generate();
/// let doc = serde_json::json!({"kind": "Secret", "data": {"k": "dg=="}});
/// let a = kubefit::sops_encrypt(&doc, &SopsConfig::new([id.recipient()]))?;
/// let b = kubefit::sops_encrypt(&doc, &SopsConfig::new([id.recipient()]))?;
/// assert_ne!(a, b);
/// let text = kubefit::sops_redact(&a)?;
/// assert_eq!(text, kubefit::sops_redact(&b)?);
/// assert!(text.contains("k: ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]"));
/// assert!(text.contains("mac: '[mac]'") || text.contains("mac: \"[mac]\""));
/// # Ok::<(), kubefit::SopsError>(())
/// ```
pub fn sops_redact(yaml: &str) -> Result<String, SopsError> {
    fn walk(v: &mut Value, top: bool) {
        match v {
            Value::Object(m) => {
                for (k, child) in m.iter_mut() {
                    if top && k == "sops" {
                        if let Value::Object(meta) = child {
                            for (mk, mv) in meta.iter_mut() {
                                match mk.as_str() {
                                    "mac" => *mv = Value::String("[mac]".into()),
                                    "lastmodified" => *mv = Value::String("[lastmodified]".into()),
                                    "age" => {
                                        for e in mv.as_array_mut().into_iter().flatten() {
                                            if let Some(enc) = e.get_mut("enc") {
                                                *enc =
                                                    Value::String("[age-armored data key]".into());
                                            }
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                        continue;
                    }
                    walk(child, false);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, false)),
            Value::String(s) => {
                if let Some(sealed) = parse_enc(s) {
                    *s = format!("ENC[AES256_GCM,data:…,iv:…,tag:…,type:{}]", sealed.typ);
                }
            }
            _ => {}
        }
    }
    let docs: Vec<Value> = serde_saphyr::from_multiple(yaml)
        .map_err(|e| SopsError::Format(format!("invalid yaml: {e}")))?;
    let mut out = String::new();
    for (i, mut doc) in docs.into_iter().enumerate() {
        walk(&mut doc, true);
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&serde_saphyr::to_string(&doc).map_err(|e| SopsError::Format(e.to_string()))?);
    }
    Ok(out)
}

/// Decrypts a SOPS YAML file (kubefit's or sops's) with any of `identities`, following
/// sops's rules for which values are encrypted (`encrypted_regex` as kubefit writes it,
/// `encrypted_suffix`, `unencrypted_suffix`; other selectors are refused as unsupported).
///
/// # What is verified, and what is not
/// Refused, as `sops --decrypt` refuses them: an edited, swapped or moved encrypted value
/// (each is authenticated with its key path); plaintext where the selector says ciphertext
/// belongs; a `type:` tag its plaintext does not parse as; a changed selector (the values then
/// no longer match the MAC); an edited MAC or `lastmodified`; a file for other recipients.
///
/// Not covered, by sops's design: the MAC is a SHA-512 over the values only, in file order, not
/// over key names or structure. Renaming an unencrypted key, or moving bytes between two
/// neighbouring unencrypted values (`ab`,`c` → `a`,`bc`), passes both sops and kubefit.
///
/// ```
/// use kubefit::{AgeIdentity, SopsConfig, SopsError};
/// let (alice, bob, eve) = (AgeIdentity::generate(), AgeIdentity::generate(), AgeIdentity::generate());
/// let doc = serde_json::json!({"kind": "Secret", "data": {"k": "dg=="}});
/// let yaml = kubefit::sops_encrypt(&doc, &SopsConfig::new([alice.recipient(), bob.recipient()]))?;
/// assert!(kubefit::sops_decrypt(&yaml, &[bob]).is_ok());
/// assert_eq!(kubefit::sops_decrypt(&yaml, &[eve]).unwrap_err(), SopsError::NoIdentity);
/// # Ok::<(), kubefit::SopsError>(())
/// ```
pub fn sops_decrypt(yaml: &str, identities: &[AgeIdentity]) -> Result<Vec<Value>, SopsError> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(yaml)
        .map_err(|e| SopsError::Format(format!("invalid yaml: {e}")))?;
    let first = docs
        .first()
        .ok_or_else(|| SopsError::Format("empty file".to_owned()))?;
    let meta = first
        .get("sops")
        .ok_or_else(|| SopsError::Format("no `sops` metadata".to_owned()))?;
    if meta.get("mac_only_encrypted").and_then(Value::as_bool) == Some(true) {
        return Err(SopsError::Unsupported("mac_only_encrypted".to_owned()));
    }
    let lastmodified = meta
        .get("lastmodified")
        .and_then(Value::as_str)
        .ok_or_else(|| SopsError::Format("no lastmodified".to_owned()))?;
    let entries = meta
        .get("age")
        .and_then(Value::as_array)
        .ok_or_else(|| SopsError::Format("no age recipients".to_owned()))?;
    let mut key: Option<Zeroizing<[u8; 32]>> = None;
    'outer: for entry in entries {
        let Some(enc) = entry.get("enc").and_then(Value::as_str) else {
            continue;
        };
        for id in identities {
            let reader = age::armor::ArmoredReader::new(enc.as_bytes());
            let Ok(decryptor) = age::Decryptor::new(reader) else {
                continue;
            };
            let Ok(mut r) = decryptor.decrypt(std::iter::once(&id.0 as &dyn age::Identity)) else {
                continue;
            };
            let mut buf = Zeroizing::new(Vec::new());
            if r.read_to_end(&mut buf).is_ok() && buf.len() == 32 {
                let mut k = Zeroizing::new([0u8; 32]);
                k.copy_from_slice(&buf);
                key = Some(k);
                break 'outer;
            }
        }
    }
    let key = key.ok_or(SopsError::NoIdentity)?;
    let mut opener = Opener {
        key: &key,
        selector: Selector::of(meta)?,
        mac: Sha512::new(),
    };
    let mut out = Vec::new();
    for doc in &docs {
        out.push(opener.decrypt(doc, &mut Vec::new())?);
    }
    let computed: String = opener
        .mac
        .finalize()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let stored = meta
        .get("mac")
        .and_then(Value::as_str)
        .and_then(parse_enc)
        .ok_or(SopsError::Mac)?;
    let stored = open(&key, &stored, lastmodified).ok_or(SopsError::Mac)?;
    if stored.as_slice() != computed.as_bytes() {
        return Err(SopsError::Mac);
    }
    Ok(out)
}
