-- The provenance ledger (crates/provenance, docs/cashmere-profile.md), written in the
-- transaction that stores the events it comes from. Keys of lots and garments are ledger keys
-- (`provenance::identity`: canonical Digital Link of GS1 keys, private URIs as written).

-- Every lot the ledger saw created, with its running consumption and shipping.
CREATE TABLE prov_lots (
    lot             TEXT    PRIMARY KEY,
    written         TEXT    NOT NULL,
    quantity_g      BIGINT  NOT NULL,
    consumed_g      BIGINT  NOT NULL,
    shipped_g       BIGINT  NOT NULL,
    process         TEXT    NOT NULL,
    stage           TEXT    NOT NULL,
    created_by      TEXT    NOT NULL,
    composition_ref TEXT    NOT NULL,
    seq             BIGINT  NOT NULL
);

-- Compositions (`Composition::to_bytes`), one per creating event, shared by its outputs, keyed
-- by that event's seq (its eventID is the lots' composition_ref): appends stay sequential.
CREATE TABLE prov_compositions (
    seq  BIGINT  PRIMARY KEY,
    body BYTEA    NOT NULL
);

CREATE TABLE prov_garments (
    epc             TEXT    PRIMARY KEY,
    written         TEXT    NOT NULL,
    mass_g          BIGINT  NOT NULL,
    composition_ref TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    seq             BIGINT  NOT NULL
);

-- Transformations: the lots each took (with grams) and what it made (lots or garments).
CREATE TABLE prov_inputs (
    event_id TEXT    NOT NULL,
    seq      BIGINT  NOT NULL,
    lot      TEXT    NOT NULL,
    grams    BIGINT  NOT NULL
);
CREATE INDEX prov_inputs_seq ON prov_inputs (seq);
CREATE INDEX prov_inputs_lot   ON prov_inputs (lot);

CREATE TABLE prov_outputs (
    event_id TEXT    NOT NULL,
    seq      BIGINT  NOT NULL,
    node     TEXT    NOT NULL
);
CREATE INDEX prov_outputs_seq  ON prov_outputs (seq);
CREATE INDEX prov_outputs_node  ON prov_outputs (node);

-- Packing: children put into a parent.
CREATE TABLE prov_containment (
    event_id TEXT    NOT NULL,
    seq      BIGINT  NOT NULL,
    parent   TEXT    NOT NULL,
    child    TEXT    NOT NULL
);
CREATE INDEX prov_containment_parent ON prov_containment (parent);
CREATE INDEX prov_containment_child  ON prov_containment (child);

-- Other events of a node: observations (delivery, lab test, shipping); its creation is the
-- lot row's created_by.
CREATE TABLE prov_touches (
    node     TEXT    NOT NULL,
    event_id TEXT    NOT NULL,
    seq      BIGINT  NOT NULL
);
CREATE INDEX prov_touches_node ON prov_touches (node);

-- Shipping journal (the lots' totals already include it; consumption is in prov_inputs).
CREATE TABLE prov_journal (
    event_id TEXT    NOT NULL,
    seq      BIGINT  NOT NULL,
    lot      TEXT    NOT NULL,
    grams    BIGINT  NOT NULL,
    kind     TEXT    NOT NULL
);
CREATE INDEX prov_journal_lot ON prov_journal (lot);

-- Findings with their evidence (`provenance::Finding` as JSON).
CREATE TABLE prov_findings (
    id       BIGSERIAL PRIMARY KEY,
    subject  TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    event_id TEXT    NOT NULL,
    seq      BIGINT  NOT NULL,
    body     TEXT    NOT NULL
);
CREATE INDEX prov_findings_subject ON prov_findings (subject);

-- Running season totals for the plausibility rules.
CREATE TABLE prov_household_seasons (
    household TEXT    NOT NULL,
    season    TEXT    NOT NULL,
    grams     BIGINT  NOT NULL,
    goats     BIGINT  NOT NULL,
    events    BIGINT  NOT NULL,
    PRIMARY KEY (household, season)
);

CREATE TABLE prov_soum_seasons (
    soum       TEXT    NOT NULL,
    season     TEXT    NOT NULL,
    grams      BIGINT  NOT NULL,
    goats      BIGINT  NOT NULL,
    households BIGINT  NOT NULL,
    PRIMARY KEY (soum, season)
);
