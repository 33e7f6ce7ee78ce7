//! Property tests: signing and verifying arbitrary subjects, single mutations, status lists.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

mod common;

use std::collections::BTreeMap;

use common::*;
use credentials::{
    DidKeyResolver, IssuerKey, NoStatusLookup, StatusList, VC_V2_CONTEXT, parse_strict, sign,
    verify,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const SAFE: i64 = (1 << 53) - 1;

/// Any I-JSON value: integers within ±(2^53 − 1), finite doubles, any Unicode text (member
/// names too, so the UTF-16 ordering of JCS is exercised).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-SAFE..=SAFE).prop_map(|i| json!(i)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::String),
        "[a-zA-Z0-9 \u{e9}\u{20ac}\u{1f410}\"\\\\\n]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn subject() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-zA-Z\u{e9}\u{1f410}]{1,8}", json_value(), 1..6)
        .prop_map(|m: BTreeMap<String, Value>| m.into_iter().collect())
}

fn credential(subject: Map<String, Value>) -> Value {
    json!({
        "@context": [VC_V2_CONTEXT],
        "id": "https://nooluur.example/credentials/p",
        "type": ["VerifiableCredential", "TestCredential"],
        "issuer": issuer_key().controller(),
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": Value::Object(subject),
    })
}

fn key_from(seed: [u8; 32]) -> IssuerKey {
    IssuerKey::did_key_from_seed(&seed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// What is signed verifies, also after a trip through JSON text.
    #[test]
    fn sign_then_verify_round_trips(subject in subject(), seed in any::<[u8; 32]>()) {
        let key = key_from(seed);
        let mut vc = credential(subject);
        vc["issuer"] = key.controller().into();
        let signed = sign(&vc, &key, t("2025-01-01T00:00:01Z")).unwrap();
        let now = t("2025-06-01T00:00:00Z");
        prop_assert!(verify(&signed, &DidKeyResolver, now, &NoStatusLookup).is_ok());
        let text = serde_json::to_string_pretty(&signed).unwrap();
        let reread = parse_strict(&text).unwrap();
        let checked = verify(&reread, &DidKeyResolver, now, &NoStatusLookup);
        prop_assert!(checked.is_ok(), "{:?}", checked);
    }

    /// Changing any one leaf (value or type) or removing any one member is detected.
    #[test]
    fn any_single_mutation_fails(
        subject in subject(),
        pick in any::<prop::sample::Index>(),
        variant in any::<u8>(),
        remove in any::<bool>(),
    ) {
        let key = issuer_key();
        let signed = sign(&credential(subject), &key, t("2025-01-01T00:00:01Z")).unwrap();
        let now = t("2025-06-01T00:00:00Z");
        let mut copy = signed.clone();
        if remove {
            let all = members(&signed);
            let pointer = pick.get(&all);
            remove_at(&mut copy, pointer);
        } else {
            let all = leaves(&signed);
            let pointer = pick.get(&all);
            mutate_leaf(copy.pointer_mut(pointer).unwrap(), variant);
        }
        prop_assume!(copy != signed);
        prop_assert!(verify(&copy, &DidKeyResolver, now, &NoStatusLookup).is_err());
    }

    /// set/get agree with a model, and encode/decode is the identity.
    #[test]
    fn status_list_round_trip(
        extra_bytes in 0usize..4096,
        ops in prop::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 0..64),
    ) {
        let bits = 131_072 + extra_bytes * 8;
        let mut list = StatusList::with_len(bits).unwrap();
        let mut model = BTreeMap::new();
        for (at, value) in &ops {
            let i = at.index(bits) as u64;
            list.set(i, *value).unwrap();
            model.insert(i, *value);
        }
        for (i, value) in &model {
            prop_assert_eq!(list.get(*i).unwrap(), *value);
        }
        prop_assert_eq!(list.count_set(), model.values().filter(|v| **v).count());
        let encoded = list.encode().unwrap();
        prop_assert!(encoded.starts_with('u'));
        let decoded = StatusList::decode(&encoded).unwrap();
        prop_assert_eq!(decoded.len(), bits);
        prop_assert_eq!(&decoded, &list);
        prop_assert!(list.get(bits as u64).is_err());
    }

    /// Multi-bit statuses: writing one entry never disturbs another.
    #[test]
    fn multi_bit_statuses_are_independent(
        size in 1u32..=8,
        writes in prop::collection::vec((0u64..2000, any::<u32>()), 1..32),
    ) {
        let mut list = StatusList::new();
        let mut model = BTreeMap::new();
        let mask = if size == 32 { u32::MAX } else { (1u32 << size) - 1 };
        for (i, v) in &writes {
            list.set_status(*i, size, v & mask).unwrap();
            model.insert(*i, v & mask);
        }
        for (i, v) in &model {
            prop_assert_eq!(list.get_status(*i, size).unwrap(), *v);
        }
        let back = StatusList::decode(&list.encode().unwrap()).unwrap();
        for (i, v) in &model {
            prop_assert_eq!(back.get_status(*i, size).unwrap(), *v);
        }
    }

    /// Arbitrary text never panics the decoder.
    #[test]
    fn decoding_junk_is_an_error_not_a_panic(s in "u[A-Za-z0-9_-]{0,200}") {
        let _ = StatusList::decode(&s);
    }
}
