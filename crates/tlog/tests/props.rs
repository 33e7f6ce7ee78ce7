//! Property tests of the log's invariants.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::collections::HashMap;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;
use tlog::*;

const N: u64 = 3000;

fn log() -> &'static MemoryLog {
    static LOG: OnceLock<MemoryLog> = OnceLock::new();
    LOG.get_or_init(|| {
        let mut log = MemoryLog::new();
        for i in 0..N {
            log.append_entry(&i.to_be_bytes()).unwrap();
        }
        log
    })
}

fn flip(h: &mut Hash, bit: usize) {
    h[bit / 8 % 32] ^= 1 << (bit % 8);
}

fn size_and_index() -> impl Strategy<Value = (u64, u64)> {
    (1..=N).prop_flat_map(|size| (Just(size), 0..size))
}

fn sizes() -> impl Strategy<Value = (u64, u64)> {
    (1..=N).prop_flat_map(|new| (1..=new, Just(new)))
}

struct MemTiles(HashMap<String, Vec<u8>>);

impl TileReader for MemTiles {
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, Error> {
        tiles
            .iter()
            .map(|t| {
                self.0
                    .get(&t.path())
                    .cloned()
                    .ok_or_else(|| Error::BadTile(t.path()))
            })
            .collect()
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-(1i64 << 53) + 1..(1i64 << 53)).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn inclusion_proofs_verify_and_any_flipped_bit_fails((size, index) in size_and_index(), bit in 0usize..256, which in 0usize..64) {
        let log = log();
        let root = log.root_at(size).unwrap();
        let leaf = log.leaf_hash(index).unwrap();
        let p = log.prove_inclusion(index, size).unwrap();
        prop_assert!(p.verify(&leaf, &root).is_ok());
        // Flip one bit in the leaf, the root or a proof element.
        let mut p2 = p.clone();
        let (mut leaf2, mut root2) = (leaf, root);
        match which % (p.proof.len() + 2) {
            0 => flip(&mut leaf2, bit),
            1 => flip(&mut root2, bit),
            k => flip(&mut p2.proof[k - 2], bit),
        }
        prop_assert!(p2.verify(&leaf2, &root2).is_err());
        // Dropping or adding an element fails too.
        if let Some((_, shorter)) = p.proof.split_last() {
            prop_assert!(verify_inclusion(&leaf, index, size, shorter, &root).is_err());
        }
        let mut longer = p.proof.clone();
        longer.push(root);
        prop_assert!(verify_inclusion(&leaf, index, size, &longer, &root).is_err());
    }

    #[test]
    fn consistency_proofs_verify_and_any_flipped_bit_fails((old, new) in sizes(), bit in 0usize..256, which in 0usize..64) {
        let log = log();
        let (r1, r2) = (log.root_at(old).unwrap(), log.root_at(new).unwrap());
        let p = log.prove_consistency(old, new).unwrap();
        prop_assert!(p.verify(&r1, &r2).is_ok());
        let mut p2 = p.clone();
        let (mut a, mut b) = (r1, r2);
        match which % (p.proof.len() + 2) {
            0 => flip(&mut a, bit),
            1 => flip(&mut b, bit),
            k => flip(&mut p2.proof[k - 2], bit),
        }
        prop_assert!(p2.verify(&a, &b).is_err());
    }

    #[test]
    fn batch_append_equals_one_by_one(chunks in prop::collection::vec(0usize..300, 1..12)) {
        let total: usize = chunks.iter().sum();
        let leaves: Vec<Hash> = (0..total as u64).map(|i| leaf_hash(&i.to_le_bytes())).collect();
        let mut one: Vec<Hash> = Vec::new();
        for (n, l) in leaves.iter().enumerate() {
            let new = stored_hashes_for_leaf_hash(n as u64, *l, &one).unwrap();
            one.extend(new);
        }
        let mut table: Vec<Hash> = Vec::new();
        let mut frontier = Frontier::new();
        let mut start = 0;
        for c in chunks {
            let batch = &leaves[start..start + c];
            let a = append(start as u64, batch, &table).unwrap();
            let b = append_to(&mut frontier, batch).unwrap();
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(a.first_index, table.len() as u64);
            table.extend(&a.hashes);
            start += c;
            prop_assert_eq!(a.root, root_from_leaf_hashes(&leaves[..start]));
            prop_assert_eq!(a.root, tree_hash(start as u64, &table).unwrap());
        }
        prop_assert_eq!(table, one);
    }

    #[test]
    fn tiles_round_trip(size in 1..=N, pick in any::<u64>()) {
        let log = log();
        // Publish incrementally at two sizes, as a server would; stale partials stay behind.
        let mid = pick % size;
        let mut served = HashMap::new();
        for t in new_tiles(0, mid).into_iter().chain(new_tiles(mid, size)) {
            prop_assert_eq!(parse_tile_path(&t.path()).unwrap(), TilePath::Hashes(t));
            served.insert(t.path(), read_tile_data(&t, log).unwrap());
        }
        for t in new_tiles(0, size) {
            prop_assert!(served.contains_key(&t.path()));
        }
        let root = log.root_at(size).unwrap();
        let reader = TileHashReader::new(size, root, MemTiles(served));
        let index = pick % size;
        prop_assert_eq!(prove_record(size, index, &reader).unwrap(), log.prove_inclusion(index, size).unwrap().proof);
        let old = 1 + pick % size;
        prop_assert_eq!(prove_tree(size, old, &reader).unwrap(), log.prove_consistency(old, size).unwrap().proof);
        prop_assert_eq!(tree_hash(size, &reader).unwrap(), root);
        // Any stored hash of the tree comes back from its tile.
        let x = pick % stored_hash_index(0, size);
        let (tile, _) = tile_for_index(x);
        let data = read_tile_data(&tile, log).unwrap();
        prop_assert_eq!(hash_from_tile(&tile, &data, x).unwrap(), log.stored_hashes()[x as usize]);
    }

    #[test]
    fn tile_paths_round_trip(level in 0u8..64, n in any::<u64>(), width in 1u16..=256) {
        let t = Tile::new(level, n, width).unwrap();
        prop_assert_eq!(parse_tile_path(&t.path()).unwrap(), TilePath::Hashes(t));
        let e = Tile::new(0, n, width).unwrap();
        prop_assert_eq!(parse_tile_path(&e.entries_path()).unwrap(), TilePath::Entries(e));
    }

    #[test]
    fn stored_index_split_is_inverse(index in 0u64..(1 << 62)) {
        let (level, n) = split_stored_hash_index(index);
        prop_assert_eq!(stored_hash_index(level, n), index);
    }

    #[test]
    fn notes_round_trip(lines in prop::collection::vec("[^\\p{Cc}]{0,40}", 1..5), seed in any::<[u8; 32]>()) {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let signer = Signer::from_seed("example.com/log", &seed).unwrap();
        let msg = sign_note(&text, &[&signer]).unwrap();
        let opened = open_note(msg.as_bytes(), &[signer.verifier()]).unwrap();
        prop_assert_eq!(opened.text, text);
        let back = Signer::from_skey(&signer.to_skey()).unwrap();
        prop_assert_eq!(back.verifier(), Verifier::from_vkey(&signer.verifier().to_vkey()).unwrap());
    }

    #[test]
    fn jcs_is_a_fixed_point(v in json_value()) {
        let s = jcs::to_string(&v).unwrap();
        let back: Value = serde_json::from_str(&s).unwrap();
        prop_assert_eq!(jcs::to_string(&back).unwrap(), s.clone());
        // Canonical output is what serde_json reads back as the same value (numbers compare
        // as doubles: JCS writes -0 as 0 and integral doubles without a fraction).
        prop_assert!(json_eq(&v, &back), "{} vs {}", v, back);
    }
}

fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

proptest! {
    // Everything a server or verifier parses from outside must fail cleanly, never panic.
    #[test]
    fn untrusted_input_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300), text in "\\PC{0,200}",
                                    level in any::<u8>(), n in any::<u64>(), width in any::<u16>(),
                                    index in any::<u64>(), size in any::<u64>(), k in any::<u8>()) {
        let _ = Note::parse(&bytes);
        let _ = Note::parse(text.as_bytes());
        let _ = Checkpoint::parse(&text);
        let _ = TlogProof::parse(&bytes);
        let _ = TlogProof::parse(text.as_bytes());
        let _ = parse_tile_path(&text);
        let _ = Verifier::from_vkey(&text);
        let _ = Signer::from_skey(&text);
        let _ = decode_entry_bundle(&bytes);
        let _ = jcs::to_vec(&Value::String(text.clone()));
        let tile = Tile { level, n, width };
        let _ = tile.is_within(size);
        let _ = tile.parent(k, size);
        let _ = tile.path();
        let _ = hash_from_tile(&tile, &bytes, index);
        let _ = read_tile_data(&tile, log());
        let _ = split_stored_hash_index(index);
        let _ = tree_hash(size, log());
        let _ = prove_record(size, index, log());
        let _ = prove_tree(size, index, log());
        let _ = stored_hashes_for_leaf_hash(index, [0; 32], log());
        let _ = Frontier::from_hashes(size, &[]);
        let _ = verify_inclusion(&[0; 32], index, size, &[[1; 32]], &[2; 32]);
        let _ = verify_consistency(index, size, &[[1; 32]], &[0; 32], &[2; 32]);
    }
}
