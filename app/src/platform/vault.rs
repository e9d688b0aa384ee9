//! Encryption of bank account numbers at rest: AES-256-GCM with a random 96-bit nonce per
//! value, under a key named by its id so that keys can be rotated. Stored as
//! `nonce || ciphertext+tag`, next to the key id.
//!
//! A sealed value is bound to its row: the associated data names the payment method and
//! its customer, so a ciphertext copied into another customer's row does not open there.
//! Values sealed before binding existed (`bound: false`) still open without it, until key
//! rotation re-seals them bound.

use super::config::{Config, Secret};
use crate::domain::{CustomerId, MethodId, StaffId};
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
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

/// A value as stored: which key, the sealed bytes, and whether they are bound to their row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub bytes: Vec<u8>,
    /// False only for values sealed before binding existed.
    pub bound: bool,
}

impl Sealed {
    /// As `payment_methods` stores it: the key id, the ciphertext, and `account_bound` (1 when
    /// bound to its row).
    pub fn stored(key_id: &str, bytes: &[u8], account_bound: i64) -> Self {
        Self { key_id: key_id.to_string(), bytes: bytes.to_vec(), bound: account_bound == 1 }
    }
}

/// The row a sealed bank account belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub method_id: MethodId,
    pub customer_id: CustomerId,
}

/// What a sealed value is bound to: its AES-GCM associated data, authenticated with the
/// value and never stored, names its row.
pub trait RowBinding {
    fn associated_data(&self) -> Vec<u8>;
}

impl RowBinding for Binding {
    fn associated_data(&self) -> Vec<u8> {
        format!("aqueduct/payment_method/{}/customer/{}", self.method_id, self.customer_id)
            .into_bytes()
    }
}

/// The row a staff member's TOTP secret belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffSecretBinding(pub StaffId);

impl RowBinding for StaffSecretBinding {
    fn associated_data(&self) -> Vec<u8> {
        format!("aqueduct/staff/{}/totp", self.0).into_bytes()
    }
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

    /// Encrypts under the current key, bound to `binding`'s row.
    pub fn seal(&self, plaintext: &str, binding: &impl RowBinding) -> Sealed {
        self.seal_with(plaintext, Some(binding as &dyn RowBinding))
    }

    /// Encrypts without binding, as values were sealed before binding existed. Only for
    /// tests of such rows: new values are always bound.
    #[doc(hidden)]
    pub fn seal_unbound_legacy(&self, plaintext: &str) -> Sealed {
        self.seal_with(plaintext, None)
    }

    fn seal_with(&self, plaintext: &str, binding: Option<&dyn RowBinding>) -> Sealed {
        let cipher = &self.keys[&self.current];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = binding.map(|b| b.associated_data()).unwrap_or_default();
        // Encryption with a valid key and nonce cannot fail for inputs of this size.
        let ciphertext = cipher
            .encrypt(&nonce, Payload { msg: plaintext.as_bytes(), aad: &aad })
            .expect("AES-GCM encryption");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&ciphertext);
        Sealed { key_id: self.current.clone(), bytes, bound: binding.is_some() }
    }

    /// Decrypts a value stored in `binding`'s row; a bound value from another row fails.
    pub fn open(&self, sealed: &Sealed, binding: &impl RowBinding) -> Result<String, VaultError> {
        let cipher = self
            .keys
            .get(&sealed.key_id)
            .ok_or_else(|| VaultError::UnknownKey(sealed.key_id.clone()))?;
        if sealed.bytes.len() <= NONCE_LEN {
            return Err(VaultError::Undecryptable);
        }
        let (nonce, ciphertext) = sealed.bytes.split_at(NONCE_LEN);
        // A legacy value was sealed without associated data, so it opens without.
        let aad = if sealed.bound { binding.associated_data() } else { Vec::new() };
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: &aad })
            .map_err(|_| VaultError::Undecryptable)?;
        String::from_utf8(plain).map_err(|_| VaultError::Undecryptable)
    }

    /// Re-encrypts a value under the current key, bound to its row (key rotation);
    /// `None` when it already is both.
    pub fn reseal(
        &self,
        sealed: &Sealed,
        binding: &impl RowBinding,
    ) -> Result<Option<Sealed>, VaultError> {
        if sealed.key_id == self.current && sealed.bound {
            return Ok(None);
        }
        Ok(Some(self.seal(&self.open(sealed, binding)?, binding)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Secret {
        Secret(base64::engine::general_purpose::STANDARD.encode([byte; 32]))
    }

    const ROW: Binding = Binding { method_id: MethodId(7), customer_id: CustomerId(3) };

    fn vault(keys: &[(&str, u8)], current: &str) -> Vault {
        let keys = keys.iter().map(|(id, b)| (id.to_string(), key(*b))).collect();
        Vault::new(&keys, current).unwrap()
    }

    #[test]
    fn round_trip_and_no_plaintext_in_the_bytes() {
        let v = vault(&[("k1", 1)], "k1");
        let sealed = v.seal("000123456789", &ROW);
        assert_eq!(sealed.key_id, "k1");
        assert!(!sealed.bytes.windows(12).any(|w| w == b"000123456789"));
        assert_eq!(v.open(&sealed, &ROW).unwrap(), "000123456789");
    }

    #[test]
    fn the_same_value_seals_differently_each_time() {
        let v = vault(&[("k1", 1)], "k1");
        assert_ne!(v.seal("123456789", &ROW).bytes, v.seal("123456789", &ROW).bytes);
    }

    #[test]
    fn tampering_is_detected() {
        let v = vault(&[("k1", 1)], "k1");
        let mut sealed = v.seal("123456789", &ROW);
        let last = sealed.bytes.len() - 1;
        sealed.bytes[last] ^= 1;
        assert_eq!(v.open(&sealed, &ROW), Err(VaultError::Undecryptable));
    }

    #[test]
    fn rotation_moves_values_to_the_current_key() {
        let old = vault(&[("k1", 1)], "k1");
        let sealed = old.seal("987654321", &ROW);
        let new = vault(&[("k1", 1), ("k2", 2)], "k2");
        let moved = new.reseal(&sealed, &ROW).unwrap().expect("re-sealed");
        assert_eq!(moved.key_id, "k2");
        assert_eq!(new.open(&moved, &ROW).unwrap(), "987654321");
        assert_eq!(new.reseal(&moved, &ROW).unwrap(), None);
        let only_new = vault(&[("k2", 2)], "k2");
        assert_eq!(only_new.open(&sealed, &ROW), Err(VaultError::UnknownKey("k1".into())));
    }

    #[test]
    fn a_value_bound_to_one_row_does_not_open_in_another() {
        let v = vault(&[("k1", 1)], "k1");
        let sealed = v.seal("000123456789", &ROW);
        assert!(sealed.bound);
        let other_customer = Binding { customer_id: CustomerId(4), ..ROW };
        let other_method = Binding { method_id: MethodId(8), ..ROW };
        assert_eq!(v.open(&sealed, &other_customer), Err(VaultError::Undecryptable));
        assert_eq!(v.open(&sealed, &other_method), Err(VaultError::Undecryptable));
        // Claiming the value is unbound does not get around the binding either.
        let unbound_claim = Sealed { bound: false, ..sealed.clone() };
        assert_eq!(v.open(&unbound_claim, &other_customer), Err(VaultError::Undecryptable));
        assert_eq!(v.open(&sealed, &ROW).unwrap(), "000123456789");
    }

    #[test]
    fn a_legacy_unbound_value_still_opens_and_resealing_binds_it() {
        let v = vault(&[("k1", 1)], "k1");
        let legacy = v.seal_unbound_legacy("246813579");
        assert!(!legacy.bound);
        assert_eq!(v.open(&legacy, &ROW).unwrap(), "246813579");
        // Under the current key already, it is still re-sealed: to bind it.
        let bound = v.reseal(&legacy, &ROW).unwrap().expect("bound now");
        assert!(bound.bound);
        assert_eq!(bound.key_id, "k1");
        assert_eq!(v.open(&bound, &ROW).unwrap(), "246813579");
        assert_eq!(
            v.open(&bound, &Binding { customer_id: CustomerId(4), ..ROW }),
            Err(VaultError::Undecryptable)
        );
        assert_eq!(v.reseal(&bound, &ROW).unwrap(), None);
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
