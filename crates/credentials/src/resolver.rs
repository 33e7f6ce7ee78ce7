//! Resolving a proof's verification method to the public key that checks it.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use serde_json::Value;

use crate::keys::{self, KeyError};

/// A public key and the DID (or other id) that controls it. A credential verifies only when
/// its `issuer` is the controller of the key that signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedKey {
    /// The Ed25519 public key.
    pub key: VerifyingKey,
    /// Who controls the key, e.g. `did:web:lab.example.mn`.
    pub controller: String,
}

/// Why a verification method did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The resolver does not know this verification method.
    #[error("no key is known for {0}")]
    Unknown(String),
    /// The resolver knows the method but cannot read it as an Ed25519 key.
    #[error("{method}: {reason}")]
    Invalid {
        /// The verification method id.
        method: String,
        /// Why it is unusable.
        reason: String,
    },
}

/// Maps a verification method id to its key. Implementations may look keys up anywhere (the
/// server resolves the did:web keys of its own organisations from its database); they must
/// return only keys that may sign credentials (`assertionMethod`).
pub trait KeyResolver {
    /// The key named by `verification_method`, or why there is none.
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, ResolveError>;
}

impl<T: KeyResolver + ?Sized> KeyResolver for &T {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, ResolveError> {
        (**self).resolve(verification_method)
    }
}

/// Resolves did:key verification methods offline: the key is in the identifier.
///
/// A did:key proves that the credential was not altered since its key signed it, not who
/// holds that key; pin the issuers you trust with a [`StaticResolver`] when that matters.
#[derive(Debug, Clone, Copy, Default)]
pub struct DidKeyResolver;

impl KeyResolver for DidKeyResolver {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, ResolveError> {
        if !verification_method.starts_with("did:key:") {
            return Err(ResolveError::Unknown(verification_method.to_owned()));
        }
        let key =
            keys::resolve_did_key(verification_method).map_err(|e| ResolveError::Invalid {
                method: verification_method.to_owned(),
                reason: e.to_string(),
            })?;
        Ok(ResolvedKey {
            key,
            controller: keys::controller_of(verification_method).to_owned(),
        })
    }
}

/// A fixed table of verification methods, e.g. the keys of the platform's organisations or
/// the issuers a verifier has pinned.
#[derive(Debug, Clone, Default)]
pub struct StaticResolver {
    keys: BTreeMap<String, ResolvedKey>,
}

impl StaticResolver {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key whose controller is the DID part of `verification_method`.
    pub fn insert(&mut self, verification_method: &str, key: VerifyingKey) -> &mut Self {
        let controller = keys::controller_of(verification_method).to_owned();
        self.insert_with_controller(verification_method, key, controller)
    }

    /// Adds a key with an explicit controller.
    pub fn insert_with_controller(
        &mut self,
        verification_method: &str,
        key: VerifyingKey,
        controller: String,
    ) -> &mut Self {
        self.keys.insert(
            verification_method.to_owned(),
            ResolvedKey { key, controller },
        );
        self
    }

    /// Adds every Ed25519 Multikey that a DID document lists under `assertionMethod`
    /// (by reference to `verificationMethod`, or embedded). Relative ids (`#key-1`) are
    /// resolved against the document id. Returns how many keys were added.
    pub fn add_did_document(&mut self, document: &Value) -> Result<usize, KeyError> {
        let bad = |why: &str| KeyError::InvalidDocument(why.to_owned());
        let did = document
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no id"))?;
        let absolute = |id: &str| {
            if id.starts_with('#') {
                format!("{did}{id}")
            } else {
                id.to_owned()
            }
        };
        let as_list = |v: Option<&Value>| -> Vec<Value> {
            match v {
                None => Vec::new(),
                Some(Value::Array(a)) => a.clone(),
                Some(other) => vec![other.clone()],
            }
        };
        let methods = as_list(document.get("verificationMethod"));
        let mut added = 0;
        for entry in as_list(document.get("assertionMethod")) {
            let method = match &entry {
                Value::String(id) => {
                    let id = absolute(id);
                    methods
                        .iter()
                        .find(|m| {
                            m.get("id").and_then(Value::as_str).map(absolute) == Some(id.clone())
                        })
                        .ok_or_else(|| {
                            bad(&format!(
                                "assertionMethod {id} is not among verificationMethod"
                            ))
                        })?
                }
                Value::Object(_) => &entry,
                _ => return Err(bad("assertionMethod entry is neither an id nor a method")),
            };
            let id = method
                .get("id")
                .and_then(Value::as_str)
                .map(absolute)
                .ok_or_else(|| bad("verification method without id"))?;
            let controller = method
                .get("controller")
                .and_then(Value::as_str)
                .unwrap_or(did);
            if controller != did {
                return Err(bad(&format!(
                    "{id} is controlled by {controller}, not {did}"
                )));
            }
            let multibase = method
                .get("publicKeyMultibase")
                .and_then(Value::as_str)
                .ok_or_else(|| bad(&format!("{id} has no publicKeyMultibase")))?;
            let key = keys::verifying_key_from_multikey(multibase)?;
            self.insert_with_controller(&id, key, did.to_owned());
            added += 1;
        }
        Ok(added)
    }

    /// Number of keys in the table.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl KeyResolver for StaticResolver {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, ResolveError> {
        self.keys
            .get(verification_method)
            .cloned()
            .ok_or_else(|| ResolveError::Unknown(verification_method.to_owned()))
    }
}

/// Tries resolvers in order: the first that knows the method answers; a resolver that knows
/// it but finds it invalid stops the search.
pub struct ChainResolver<'a>(pub Vec<&'a dyn KeyResolver>);

impl std::fmt::Debug for ChainResolver<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChainResolver({} resolvers)", self.0.len())
    }
}

impl KeyResolver for ChainResolver<'_> {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, ResolveError> {
        for r in &self.0 {
            match r.resolve(verification_method) {
                Err(ResolveError::Unknown(_)) => continue,
                other => return other,
            }
        }
        Err(ResolveError::Unknown(verification_method.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{IssuerKey, did_document};

    #[test]
    fn did_key_resolver() {
        let k = IssuerKey::did_key_from_seed(&[1; 32]);
        let r = DidKeyResolver.resolve(k.verification_method()).unwrap();
        assert_eq!(r.key, k.verifying_key());
        assert_eq!(r.controller, k.controller());
        assert!(matches!(
            DidKeyResolver.resolve("did:web:x.org#k"),
            Err(ResolveError::Unknown(_))
        ));
        assert!(matches!(
            DidKeyResolver.resolve("did:key:zzz"),
            Err(ResolveError::Invalid { .. })
        ));
    }

    #[test]
    fn static_resolver_from_did_document_and_chain() {
        let k = IssuerKey::did_key_from_seed(&[1; 32]);
        let doc = did_document("did:web:lab.example.mn", &[("key-1", &k.verifying_key())]);
        let mut s = StaticResolver::new();
        assert_eq!(s.add_did_document(&doc).unwrap(), 1);
        let r = s.resolve("did:web:lab.example.mn#key-1").unwrap();
        assert_eq!(r.controller, "did:web:lab.example.mn");
        assert!(s.resolve("did:web:lab.example.mn#key-2").is_err());

        let chain = ChainResolver(vec![&s, &DidKeyResolver]);
        assert!(chain.resolve("did:web:lab.example.mn#key-1").is_ok());
        assert!(chain.resolve(k.verification_method()).is_ok());
        assert!(matches!(
            chain.resolve("did:web:other#k"),
            Err(ResolveError::Unknown(_))
        ));
    }

    #[test]
    fn did_document_relative_ids_and_refusals() {
        let k = IssuerKey::did_key_from_seed(&[1; 32]);
        let mk = k.public_multikey();
        let doc = serde_json::json!({
            "id": "did:web:a.org",
            "verificationMethod": [{"id": "#k1", "type": "Multikey", "publicKeyMultibase": mk}],
            "assertionMethod": ["#k1"],
            "authentication": [{"id": "#k2", "type": "Multikey", "publicKeyMultibase": mk}]
        });
        let mut s = StaticResolver::new();
        assert_eq!(s.add_did_document(&doc).unwrap(), 1);
        assert!(s.resolve("did:web:a.org#k1").is_ok());
        assert!(
            s.resolve("did:web:a.org#k2").is_err(),
            "authentication keys do not sign credentials"
        );

        let foreign = serde_json::json!({
            "id": "did:web:a.org",
            "assertionMethod": [{"id": "#k1", "controller": "did:web:b.org", "publicKeyMultibase": mk}]
        });
        assert!(StaticResolver::new().add_did_document(&foreign).is_err());
        let dangling = serde_json::json!({"id": "did:web:a.org", "assertionMethod": ["#nope"]});
        assert!(StaticResolver::new().add_did_document(&dangling).is_err());
    }
}
