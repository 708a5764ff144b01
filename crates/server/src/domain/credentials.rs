//! Webhook codes and OAuth tokens: generated, hashed for storage, compared in constant time.
//!
//! Secrets are only ever held as [`SecretString`] and stored as SHA-256 hex; a lookup hashes
//! the presented secret and compares digests with `subtle`, so neither the database nor the
//! comparison leaks how much of a guess was right.

use rand::distr::{Alphanumeric, SampleString};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The SHA-256 of a secret, as lower-case hex (what we store and export).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretHash(String);

impl SecretHash {
    /// Hashes a presented secret.
    pub fn of(secret: &SecretString) -> Self {
        let digest = Sha256::digest(secret.expose_secret().as_bytes());
        // Into a buffer, then one string: `hex::encode` collects `char`s one by one, which
        // cost more than the hash itself on every authenticated call.
        let mut text = [0_u8; 64];
        let written = hex::encode_to_slice(digest, &mut text)
            .ok()
            .and_then(|()| std::str::from_utf8(&text).ok());
        match written {
            Some(hex) => SecretHash(hex.to_owned()),
            None => SecretHash(hex::encode(digest)),
        }
    }

    /// Accepts a stored or exported digest: 64 hex digits.
    pub fn from_hex(hex_digest: &str) -> Option<Self> {
        let valid = hex_digest.len() == 64 && hex_digest.bytes().all(|b| b.is_ascii_hexdigit());
        valid.then(|| SecretHash(hex_digest.to_ascii_lowercase()))
    }

    /// The hex digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Constant-time equality of two digests.
    pub fn matches(&self, other: &SecretHash) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

/// Whether `code` has the form docs/FIXTURES.md allows for a webhook code: 8–64 of `[A-Za-z0-9_]`.
pub fn is_valid_webhook_code(code: &str) -> bool {
    (8..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A fresh webhook code as a portal makes them: 16 lower-case letters and digits.
pub fn generate_webhook_code() -> SecretString {
    let code = Alphanumeric
        .sample_string(&mut rand::rng(), 16)
        .to_ascii_lowercase();
    SecretString::from(code)
}

/// A fresh OAuth token: 64 lower-case letters and digits (long enough to be unguessable).
pub fn generate_token() -> SecretString {
    let token = Alphanumeric
        .sample_string(&mut rand::rng(), 64)
        .to_ascii_lowercase();
    SecretString::from(token)
}

#[cfg(test)]
mod tests;
