//! Encryption of bank account numbers at rest: AES-256-GCM with a random 96-bit nonce per
//! value, under a key named by its id so that keys can be rotated. Stored as
//! `nonce || ciphertext+tag`, next to the key id.

use super::config::{Config, Secret};
use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::Engine;
use std::collections::BTreeMap;
use std::sync::Arc;

const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    #[error("{0}")]
    Config(String),
    #[error("payment key \"{0}\" is not base64 of 32 bytes")]
    BadKey(String),
    #[error("no payment key with id \"{0}\" is configured")]
    UnknownKey(String),
    #[error("a stored value could not be decrypted (wrong key or damaged data)")]
    Undecryptable,
}

/// The configured keys. Cheap to clone.
#[derive(Clone)]
pub struct Vault {
    keys: Arc<BTreeMap<String, Aes256Gcm>>,
    current: String,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault(current key id {:?}, {} keys)", self.current, self.keys.len())
    }
}

/// A value as stored: which key, and the sealed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub bytes: Vec<u8>,
}

impl Vault {
    pub fn from_config(config: &Config) -> Result<Self, VaultError> {
        let (keys, current) = config.payment_keys().map_err(VaultError::Config)?;
        Self::new(&keys, &current)
    }

    pub fn new(keys: &BTreeMap<String, Secret>, current: &str) -> Result<Self, VaultError> {
        let mut ciphers = BTreeMap::new();
        for (id, secret) in keys {
            let raw = base64::engine::general_purpose::STANDARD
                .decode(secret.0.trim())
                .map_err(|_| VaultError::BadKey(id.clone()))?;
            if raw.len() != 32 {
                return Err(VaultError::BadKey(id.clone()));
            }
            ciphers.insert(id.clone(), Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&raw)));
        }
        if !ciphers.contains_key(current) {
            return Err(VaultError::UnknownKey(current.to_string()));
        }
        Ok(Self { keys: Arc::new(ciphers), current: current.to_string() })
    }

    pub fn current_key_id(&self) -> &str {
        &self.current
    }

    /// Encrypts under the current key.
    pub fn seal(&self, plaintext: &str) -> Sealed {
        let cipher = &self.keys[&self.current];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        // Encryption with a valid key and nonce cannot fail for inputs of this size.
        let ciphertext = cipher.encrypt(&nonce, plaintext.as_bytes()).expect("AES-GCM encryption");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&ciphertext);
        Sealed { key_id: self.current.clone(), bytes }
    }

    pub fn open(&self, sealed: &Sealed) -> Result<String, VaultError> {
        let cipher = self.keys.get(&sealed.key_id).ok_or_else(|| VaultError::UnknownKey(sealed.key_id.clone()))?;
        if sealed.bytes.len() <= NONCE_LEN {
            return Err(VaultError::Undecryptable);
        }
        let (nonce, ciphertext) = sealed.bytes.split_at(NONCE_LEN);
        let plain = cipher.decrypt(Nonce::from_slice(nonce), ciphertext).map_err(|_| VaultError::Undecryptable)?;
        String::from_utf8(plain).map_err(|_| VaultError::Undecryptable)
    }

    /// Re-encrypts a value under the current key (key rotation); `None` when it already is.
    pub fn reseal(&self, sealed: &Sealed) -> Result<Option<Sealed>, VaultError> {
        if sealed.key_id == self.current {
            return Ok(None);
        }
        Ok(Some(self.seal(&self.open(sealed)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Secret {
        Secret(base64::engine::general_purpose::STANDARD.encode([byte; 32]))
    }

    fn vault(keys: &[(&str, u8)], current: &str) -> Vault {
        let keys = keys.iter().map(|(id, b)| (id.to_string(), key(*b))).collect();
        Vault::new(&keys, current).unwrap()
    }

    #[test]
    fn round_trip_and_no_plaintext_in_the_bytes() {
        let v = vault(&[("k1", 1)], "k1");
        let sealed = v.seal("000123456789");
        assert_eq!(sealed.key_id, "k1");
        assert!(!sealed.bytes.windows(12).any(|w| w == b"000123456789"));
        assert_eq!(v.open(&sealed).unwrap(), "000123456789");
    }

    #[test]
    fn the_same_value_seals_differently_each_time() {
        let v = vault(&[("k1", 1)], "k1");
        assert_ne!(v.seal("123456789").bytes, v.seal("123456789").bytes);
    }

    #[test]
    fn tampering_is_detected() {
        let v = vault(&[("k1", 1)], "k1");
        let mut sealed = v.seal("123456789");
        let last = sealed.bytes.len() - 1;
        sealed.bytes[last] ^= 1;
        assert_eq!(v.open(&sealed), Err(VaultError::Undecryptable));
    }

    #[test]
    fn rotation_moves_values_to_the_current_key() {
        let old = vault(&[("k1", 1)], "k1");
        let sealed = old.seal("987654321");
        let new = vault(&[("k1", 1), ("k2", 2)], "k2");
        let moved = new.reseal(&sealed).unwrap().expect("re-sealed");
        assert_eq!(moved.key_id, "k2");
        assert_eq!(new.open(&moved).unwrap(), "987654321");
        assert_eq!(new.reseal(&moved).unwrap(), None);
        let only_new = vault(&[("k2", 2)], "k2");
        assert_eq!(only_new.open(&sealed), Err(VaultError::UnknownKey("k1".into())));
    }

    #[test]
    fn bad_keys_are_refused() {
        let keys = [("k1".to_string(), Secret("c2hvcnQ=".into()))].into();
        assert_eq!(Vault::new(&keys, "k1").unwrap_err(), VaultError::BadKey("k1".into()));
        let keys = [("k1".to_string(), key(1))].into();
        assert_eq!(Vault::new(&keys, "k9").unwrap_err(), VaultError::UnknownKey("k9".into()));
    }

    #[test]
    fn production_needs_its_own_key() {
        let mut config = Config { dev_mode: false, ..Config::default() };
        assert!(Vault::from_config(&config).is_err());
        config.dev_mode = true;
        assert_eq!(Vault::from_config(&config).unwrap().current_key_id(), "demo");
    }
}
