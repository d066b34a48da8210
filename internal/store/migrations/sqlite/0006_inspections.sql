-- Products, their spec revisions and the defect library per product category;
-- inspection plans; inspections with their sampling snapshot (JSON plus the key
-- numbers per class), append-only recording entries and amendments; switching
-- streams per supplier x product x class with their history; and lot_results,
-- the one fact table that rejection rates and supplier scorecards read.
-- Calendar dates are TEXT 'YYYY-MM-DD'; times are UTC text as in 0001;
-- structured parts are JSON text. Photo and file references are plain ids of
-- the files table, without a foreign key. Nothing is deleted: rows are voided
-- or cancelled; entries, amendments and switching events only ever grow.

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    sku         TEXT NOT NULL,
    sku_key     TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    search_text TEXT NOT NULL,
    category    TEXT NOT NULL REFERENCES product_categories (code),
    customer    TEXT NOT NULL DEFAULT '',
    market      TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    voided_at   TIMESTAMP,
    void_reason TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX products_category ON products (category, sku_key);

CREATE TABLE defect_codes (
    id          INTEGER PRIMARY KEY,
    category    TEXT NOT NULL REFERENCES product_categories (code),
    code        TEXT NOT NULL,
    description TEXT NOT NULL,
    class       TEXT NOT NULL CHECK (class IN ('critical','major','minor')),
    voided_at   TIMESTAMP,
    void_reason TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX defect_codes_code ON defect_codes (category, code) WHERE voided_at IS NULL;

CREATE TABLE specs (
    id                INTEGER PRIMARY KEY,
    product_id        INTEGER NOT NULL REFERENCES products (id),
    revision          INTEGER NOT NULL CHECK (revision > 0),
    title             TEXT NOT NULL DEFAULT '',
    drawing_ref       TEXT NOT NULL DEFAULT '',
    golden_sample_ref TEXT NOT NULL DEFAULT '',
    notes             TEXT NOT NULL DEFAULT '',
    characteristics   TEXT NOT NULL DEFAULT '[]',
    status            TEXT NOT NULL CHECK (status IN ('draft','released','superseded')),
    released_at       TIMESTAMP,
    released_by_id    INTEGER NOT NULL DEFAULT 0,
    released_by       TEXT NOT NULL DEFAULT '',
    release_reason    TEXT NOT NULL DEFAULT '',
    signature_id      INTEGER,
    superseded_at     TIMESTAMP,
    superseded_by     INTEGER REFERENCES specs (id),
    voided_at         TIMESTAMP,
    void_reason       TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    UNIQUE (product_id, revision)
);
-- At most one open draft and one released revision per product.
CREATE UNIQUE INDEX specs_one_draft ON specs (product_id) WHERE status = 'draft' AND voided_at IS NULL;
CREATE UNIQUE INDEX specs_one_released ON specs (product_id) WHERE status = 'released';

CREATE TABLE inspection_plans (
    id               INTEGER PRIMARY KEY,
    product_id       INTEGER NOT NULL REFERENCES products (id),
    supplier_id      INTEGER REFERENCES suppliers (id),
    standard         TEXT NOT NULL CHECK (standard IN ('iso2859-1','z1.4')),
    level            TEXT NOT NULL,
    counting         TEXT NOT NULL CHECK (counting IN ('defectives','defects')),
    classes          TEXT NOT NULL,
    stages           TEXT NOT NULL DEFAULT '[]',
    inspectors       TEXT NOT NULL,
    reduced_approved INTEGER NOT NULL DEFAULT 0,
    notes            TEXT NOT NULL DEFAULT '',
    voided_at        TIMESTAMP,
    void_reason      TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
-- One plan in use per product, and per supplier x product.
CREATE UNIQUE INDEX inspection_plans_scope ON inspection_plans (product_id, COALESCE(supplier_id, 0)) WHERE voided_at IS NULL;

CREATE TABLE inspections (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('incoming','pre_production','in_process','pre_shipment','container_loading','first_article')),
    status            TEXT NOT NULL CHECK (status IN ('planned','in_progress','submitted','decided','cancelled')),
    product_id        INTEGER NOT NULL REFERENCES products (id),
    spec_id           INTEGER NOT NULL REFERENCES specs (id),
    supplier_id       INTEGER NOT NULL REFERENCES suppliers (id),
    site_id           INTEGER NOT NULL REFERENCES sites (id),
    plan_id           INTEGER REFERENCES inspection_plans (id),
    plan_version      INTEGER NOT NULL DEFAULT 0,
    po_number         TEXT NOT NULL DEFAULT '',
    order_quantity    INTEGER NOT NULL DEFAULT 0 CHECK (order_quantity >= 0),
    lot_size          INTEGER NOT NULL CHECK (lot_size > 0),
    produced          INTEGER NOT NULL DEFAULT 0 CHECK (produced >= 0 AND produced <= lot_size),
    packed            INTEGER NOT NULL DEFAULT 0 CHECK (packed >= 0 AND packed <= produced),
    inspector_user_id INTEGER REFERENCES users (id),
    inspector_name    TEXT NOT NULL DEFAULT '',
    agency            TEXT NOT NULL DEFAULT '',
    planned_on        TEXT CHECK (planned_on IS NULL OR planned_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    stage             TEXT NOT NULL DEFAULT '{}',
    sampling          TEXT,
    units_to_draw     INTEGER NOT NULL DEFAULT 0,
    fai_pieces        INTEGER NOT NULL DEFAULT 0,
    resubmission_of   INTEGER REFERENCES inspections (id),
    gate_overrides    TEXT NOT NULL DEFAULT '[]',
    remarks           TEXT NOT NULL DEFAULT '',
    started_at        TIMESTAMP,
    submitted_at      TIMESTAMP,
    submitted_by_id   INTEGER NOT NULL DEFAULT 0,
    submitted_by      TEXT NOT NULL DEFAULT '',
    verdict           TEXT NOT NULL DEFAULT '' CHECK (verdict IN ('','pass','fail','pending')),
    computed_verdict  TEXT NOT NULL DEFAULT '',
    pending_reason    TEXT NOT NULL DEFAULT '',
    result            TEXT,
    decision          TEXT NOT NULL DEFAULT '' CHECK (decision IN ('','release','release_concession','rework','reject','approve','approve_conditional')),
    decision_detail   TEXT,
    decided_at        TIMESTAMP,
    ncr_id            INTEGER,
    cancelled_at      TIMESTAMP,
    cancel_reason     TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inspections_product ON inspections (product_id, id);
CREATE INDEX inspections_supplier ON inspections (supplier_id, id);
CREATE INDEX inspections_status ON inspections (status, planned_on, id);
CREATE INDEX inspections_po ON inspections (po_number, id);
CREATE INDEX inspections_fai ON inspections (product_id, site_id, decided_at) WHERE kind = 'first_article';
CREATE INDEX inspections_resubmission ON inspections (resubmission_of) WHERE resubmission_of IS NOT NULL;

-- The key numbers of the sampling snapshot, per class.
CREATE TABLE inspection_class_plans (
    inspection_id   INTEGER NOT NULL REFERENCES inspections (id),
    class           TEXT NOT NULL CHECK (class IN ('critical','major','minor')),
    aql             TEXT NOT NULL,
    zero_tolerance  INTEGER NOT NULL DEFAULT 0,
    severity        TEXT NOT NULL CHECK (severity IN ('normal','tightened','reduced')),
    code_letter     TEXT NOT NULL,
    sample_size     INTEGER NOT NULL CHECK (sample_size > 0),
    ac              INTEGER NOT NULL CHECK (ac >= 0),
    re              INTEGER NOT NULL CHECK (re > ac),
    full_inspection INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (inspection_id, class)
);

-- Recording entries: append-only, one per client idempotency key.
CREATE TABLE inspection_entries (
    id             INTEGER PRIMARY KEY,
    inspection_id  INTEGER NOT NULL REFERENCES inspections (id),
    client_key     TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('units','defect','measurement','test','check','section','cartons','container','photo','remark','fai','void')),
    unit           INTEGER,
    characteristic INTEGER,
    class          TEXT CHECK (class IS NULL OR class IN ('critical','major','minor')),
    code           TEXT,
    payload        TEXT NOT NULL,
    voids          INTEGER REFERENCES inspection_entries (id),
    recorded_by_id INTEGER NOT NULL DEFAULT 0,
    recorded_by    TEXT NOT NULL DEFAULT '',
    recorded_at    TIMESTAMP NOT NULL,
    UNIQUE (inspection_id, client_key)
);
CREATE UNIQUE INDEX inspection_entries_voids ON inspection_entries (voids) WHERE voids IS NOT NULL;
CREATE TRIGGER inspection_entries_no_update BEFORE UPDATE ON inspection_entries
BEGIN
    SELECT RAISE(ABORT, 'inspection entries are append-only: UPDATE is not allowed; record a void entry');
END;
CREATE TRIGGER inspection_entries_no_delete BEFORE DELETE ON inspection_entries
BEGIN
    SELECT RAISE(ABORT, 'inspection entries are append-only: DELETE is not allowed; record a void entry');
END;

CREATE TABLE inspection_amendments (
    id            INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    text          TEXT NOT NULL,
    reason        TEXT NOT NULL,
    by_id         INTEGER NOT NULL DEFAULT 0,
    by_name       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX inspection_amendments_inspection ON inspection_amendments (inspection_id, id);

-- The switching state per supplier x product x class and its history.
CREATE TABLE switching_streams (
    supplier_id        INTEGER NOT NULL REFERENCES suppliers (id),
    product_id         INTEGER NOT NULL REFERENCES products (id),
    class              TEXT NOT NULL CHECK (class IN ('critical','major','minor')),
    standard           TEXT NOT NULL,
    level              TEXT NOT NULL,
    aql                TEXT NOT NULL,
    severity           TEXT NOT NULL CHECK (severity IN ('normal','tightened','reduced')),
    discontinued       INTEGER NOT NULL DEFAULT 0,
    state              TEXT NOT NULL,
    reason             TEXT NOT NULL DEFAULT '',
    last_inspection_id INTEGER REFERENCES inspections (id),
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (supplier_id, product_id, class)
);

CREATE TABLE switching_events (
    id              INTEGER PRIMARY KEY,
    supplier_id     INTEGER NOT NULL REFERENCES suppliers (id),
    product_id      INTEGER NOT NULL REFERENCES products (id),
    class           TEXT NOT NULL,
    inspection_id   INTEGER REFERENCES inspections (id),
    action          TEXT NOT NULL CHECK (action IN ('applied','ignored','skipped','restarted','resumed')),
    severity_before TEXT NOT NULL,
    severity_after  TEXT NOT NULL,
    discontinued    INTEGER NOT NULL DEFAULT 0,
    found           INTEGER NOT NULL DEFAULT 0,
    outcome         TEXT,
    state           TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    by_id           INTEGER NOT NULL DEFAULT 0,
    by_name         TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX switching_events_stream ON switching_events (supplier_id, product_id, class, id);
CREATE TRIGGER switching_events_no_update BEFORE UPDATE ON switching_events
BEGIN
    SELECT RAISE(ABORT, 'switching events are append-only: UPDATE is not allowed');
END;
CREATE TRIGGER switching_events_no_delete BEFORE DELETE ON switching_events
BEGIN
    SELECT RAISE(ABORT, 'switching events are append-only: DELETE is not allowed');
END;

-- One row per decided inspection (or imported third-party result), with its
-- counts pre-aggregated. rejected and resubmitted are 0/1 so that they sum.
-- The covering indexes answer rejection rates and PPM per supplier, site,
-- product and period from the index alone (voided_at is in them so that
-- SQLite counts them as covering).
CREATE TABLE lot_results (
    id                 INTEGER PRIMARY KEY,
    inspection_id      INTEGER UNIQUE REFERENCES inspections (id),
    source             TEXT NOT NULL CHECK (source IN ('internal','third_party')),
    agency             TEXT NOT NULL DEFAULT '',
    external_ref       TEXT NOT NULL DEFAULT '',
    supplier_id        INTEGER NOT NULL REFERENCES suppliers (id),
    site_id            INTEGER NOT NULL REFERENCES sites (id),
    product_id         INTEGER NOT NULL REFERENCES products (id),
    category           TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('incoming','pre_production','in_process','pre_shipment','container_loading','first_article')),
    inspected_on       TEXT NOT NULL CHECK (inspected_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    po_number          TEXT NOT NULL DEFAULT '',
    lot_size           INTEGER NOT NULL CHECK (lot_size > 0),
    sample_size        INTEGER NOT NULL CHECK (sample_size >= 0 AND sample_size <= lot_size),
    critical_defective INTEGER NOT NULL DEFAULT 0,
    major_defective    INTEGER NOT NULL DEFAULT 0,
    minor_defective    INTEGER NOT NULL DEFAULT 0,
    critical_defects   INTEGER NOT NULL DEFAULT 0,
    major_defects      INTEGER NOT NULL DEFAULT 0,
    minor_defects      INTEGER NOT NULL DEFAULT 0,
    defective_units    INTEGER NOT NULL DEFAULT 0 CHECK (defective_units >= 0 AND defective_units <= sample_size),
    verdict            TEXT NOT NULL CHECK (verdict IN ('pass','fail','pending')),
    decision           TEXT NOT NULL DEFAULT '',
    rejected           INTEGER NOT NULL CHECK (rejected IN (0, 1)),
    resubmitted        INTEGER NOT NULL DEFAULT 0 CHECK (resubmitted IN (0, 1)),
    voided_at          TIMESTAMP,
    void_reason        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL
);
CREATE INDEX lot_results_supplier ON lot_results (supplier_id, inspected_on, kind, resubmitted, rejected, sample_size, defective_units,
    critical_defects, major_defects, minor_defects, voided_at) WHERE voided_at IS NULL;
CREATE INDEX lot_results_site ON lot_results (site_id, inspected_on, kind, resubmitted, rejected, sample_size, defective_units,
    critical_defects, major_defects, minor_defects, voided_at) WHERE voided_at IS NULL;
CREATE INDEX lot_results_product ON lot_results (product_id, inspected_on, kind, resubmitted, rejected, sample_size, defective_units,
    critical_defects, major_defects, minor_defects, voided_at) WHERE voided_at IS NULL;
CREATE INDEX lot_results_date ON lot_results (inspected_on, kind, resubmitted, rejected, sample_size, defective_units,
    critical_defects, major_defects, minor_defects, voided_at) WHERE voided_at IS NULL;
