//! The transparency log of nooluur (pure): every accepted EPCIS event is a leaf.
//!
//! # Model
//!
//! The log is an RFC 9162 Merkle tree over SHA-256: a leaf hash is `SHA-256(0x00 ‖ entry)`,
//! an interior node `SHA-256(0x01 ‖ left ‖ right)` ([`merkle`]). nooluur's entry for an event
//! is the RFC 8785 canonical JSON of the event object ([`jcs::to_vec`]), so anyone holding
//! the event can recompute its leaf hash.
//!
//! Storage follows Go's `golang.org/x/mod/sumdb/tlog` ([`stored`]): the hash of every
//! complete subtree is written once, in the order it becomes known, into one dense sequence
//! numbered by [`stored_hash_index`]. A tree of `n` leaves has [`stored_hash_count`]`(n)`
//! (< 2n) rows and nothing is ever updated, so the store's table is simply
//! `(index INTEGER PRIMARY KEY, hash BLOB)`, append-only. From those rows:
//!
//! - [`tree_hash`] gives any past root from ≤ 64 rows;
//! - [`prove_record`] / [`prove_tree`] give inclusion and consistency proofs from O(log n)
//!   rows, for any tree size up to the current one;
//! - [`read_tile_data`] serves a C2SP tlog-tiles tile ([`tile`]) as `width` consecutive
//!   rows of one level, since tile hashes *are* stored hashes.
//!
//! Every reading function has a `*_indexes` twin that names the rows it will read, so an
//! async store fetches them itself and passes them back in a [`FetchedHashes`]; sync
//! callers implement [`HashReader`].
//!
//! # How the store appends a batch
//!
//! Appending is sequenced: one writer at a time (a database lock or `SELECT … FOR UPDATE`
//! on the log head), inside the transaction that stores the events.
//!
//! 1. Read the current size `n` and the rows [`Frontier::indexes`]`(n)` (one per set bit of
//!    `n`, at most 64), or keep the [`Frontier`] cached in the sequencer.
//! 2. Compute the leaf hashes: [`leaf_hash`]`(&jcs::to_vec(&event)?)`.
//! 3. [`append_to`] (or [`append()`] with a reader) returns an [`Appended`]: the new rows
//!    `hashes[i]` for index `first_index + i`, the new size and the new root. Insert the rows,
//!    store the new head `(size, root)`.
//! 4. Sign a [`Checkpoint`] of the new head with the log's [`Signer`]
//!    ([`Checkpoint::sign`]) when publishing (per batch or on a timer; never two
//!    inconsistent checkpoints).
//!
//! Hashing dominates: each leaf costs its leaf hash plus on average one node hash, with no
//! per-hash allocation (`benches/append.rs`: millions of leaves per second).
//!
//! # Reading it back
//!
//! - Inclusion: [`prove_record`] → [`InclusionProof`] (JSON) or a C2SP
//!   [`TlogProof`] file with the signed checkpoint; verify with [`verify_inclusion`].
//! - Consistency: [`prove_tree`] → [`ConsistencyProof`]; verify with
//!   [`verify_consistency`].
//! - Tiles: [`new_tiles`] lists what changed between two sizes, [`Tile::path`] names it,
//!   [`parse_tile_path`] routes a request, [`Tile::is_within`] checks it exists at the
//!   current size, [`read_tile_data`] (or [`Tile::hash_indexes`] for an async store) builds
//!   it, and [`encode_entry_bundle`] builds `tile/entries/…`. Entry bundles limit an entry
//!   to 65,535 bytes, so an event whose canonical JSON is larger cannot be served as a
//!   tlog-tiles entry verbatim. A client turns fetched tiles into proofs with
//!   [`TileHashReader`].
//! - Signed notes and checkpoints: [`note`] (keys as C2SP `vkey`/`skey` strings, Ed25519,
//!   witness cosignatures) and [`checkpoint`] ([`open_checkpoint`] checks log signature and
//!   witness quorum).
//! - [`MemoryLog`] holds a whole log in memory (tests, `nooluur verify`).

pub mod append;
pub mod checkpoint;
pub mod jcs;
pub mod merkle;
pub mod note;
pub mod proof;
pub mod stored;
pub mod tile;

pub use append::{Appended, Frontier, MemoryLog, append, append_to};
pub use checkpoint::{Checkpoint, CheckpointError, OpenedCheckpoint, open_checkpoint};
pub use merkle::{
    EMPTY_ROOT, HASH_SIZE, Hash, VerifyError, leaf_hash, node_hash, root_from_inclusion,
    root_from_leaf_hashes, verify_consistency, verify_inclusion,
};
pub use note::{
    Cosigner, KeyType, Note, NoteError, NoteSignature, Signer, VerifiedNote, VerifiedSignature,
    Verifier, generate_key, open_note, sign_note,
};
pub use proof::{ConsistencyProof, InclusionProof, TlogProof, TlogProofError};
pub use stored::{
    FetchedHashes, HashReader, MAX_TREE_SIZE, check_record, check_tree, prove_record, prove_tree,
    record_proof_indexes, split_stored_hash_index, stored_hash_count, stored_hash_index,
    stored_hashes, stored_hashes_for_leaf_hash, tree_hash, tree_hash_indexes, tree_proof_indexes,
};
pub use tile::{
    TILE_HEIGHT, TILE_WIDTH, Tile, TileHashReader, TilePath, TileReader, decode_entry_bundle,
    encode_entry_bundle, hash_from_tile, new_tiles, parse_tile_path, read_tile_data,
    tile_for_index,
};

/// Errors of the storage model, proof generation and tiles.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The hash storage failed; the store's own error is the source.
    #[error("reading stored hashes failed")]
    Read(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// A stored hash the computation needs is absent.
    #[error("stored hash {0} is missing")]
    MissingHash(u64),
    /// A reader returned the wrong number of hashes.
    #[error("hash reader returned {got} hashes for {want} indexes")]
    ReadCount {
        /// Hashes requested.
        want: usize,
        /// Hashes returned.
        got: usize,
    },
    /// Arguments out of range (a leaf beyond the tree, sizes in the wrong order…).
    #[error("invalid argument: {0}")]
    Invalid(String),
    /// Tile data is malformed.
    #[error("bad tile: {0}")]
    BadTile(String),
    /// Tiles do not agree with the trusted tree root.
    #[error("inconsistent tiles: {0}")]
    InconsistentTile(String),
}

impl Error {
    /// Wraps a storage error for a [`HashReader`] or [`TileReader`] implementation.
    pub fn read(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Read(Box::new(e))
    }
}
