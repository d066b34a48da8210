-- Nonconformance reports (NCRs) with their defects and containment actions;
-- CAPAs in 8D form with their sources, stages (content, due date, state,
-- latest review), review history, the buyer's internal notes and the due-date
-- settings; electronic signatures (append-only); and the indexes that let the
-- open effectiveness criteria be evaluated as inspections arrive.
-- Calendar dates are TEXT 'YYYY-MM-DD'; times are UTC text as in 0001;
-- amounts are integers in minor units (cents); structured parts are JSON text.

CREATE TABLE ncrs (
    id                 INTEGER PRIMARY KEY,
    source             TEXT NOT NULL CHECK (source IN ('incoming_inspection','in_process_inspection','pre_shipment_inspection',
                           'customer_complaint','customer_return','internal_audit','supplier_audit','other')),
    status             TEXT NOT NULL CHECK (status IN ('open','contained','dispositioned','verified','closed','voided')),
    title              TEXT NOT NULL,
    severity           TEXT NOT NULL CHECK (severity IN ('critical','major','minor')),
    supplier_id        INTEGER REFERENCES suppliers (id),
    site_id            INTEGER REFERENCES sites (id),
    product_id         INTEGER REFERENCES products (id),
    spec_id            INTEGER REFERENCES specs (id),
    inspection_id      INTEGER REFERENCES inspections (id),
    po_number          TEXT NOT NULL DEFAULT '',
    lot_ref            TEXT NOT NULL DEFAULT '',
    complaint_ref      TEXT NOT NULL DEFAULT '',
    audit_ref          TEXT NOT NULL DEFAULT '',
    requirement        TEXT NOT NULL DEFAULT '',
    found              TEXT NOT NULL,
    detected_on        TEXT NOT NULL CHECK (detected_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    quantity_inspected INTEGER NOT NULL DEFAULT 0 CHECK (quantity_inspected >= 0),
    quantity_affected  INTEGER NOT NULL CHECK (quantity_affected > 0),
    cause_category     TEXT NOT NULL DEFAULT '',
    disposition        TEXT NOT NULL DEFAULT '[]',
    mrb                TEXT NOT NULL DEFAULT '[]',
    currency           TEXT NOT NULL DEFAULT '',
    cost_scrap         INTEGER NOT NULL DEFAULT 0 CHECK (cost_scrap >= 0),
    cost_rework        INTEGER NOT NULL DEFAULT 0 CHECK (cost_rework >= 0),
    cost_sorting       INTEGER NOT NULL DEFAULT 0 CHECK (cost_sorting >= 0),
    cost_freight       INTEGER NOT NULL DEFAULT 0 CHECK (cost_freight >= 0),
    cost_other         INTEGER NOT NULL DEFAULT 0 CHECK (cost_other >= 0),
    cost_total         INTEGER NOT NULL DEFAULT 0 CHECK (cost_total = cost_scrap + cost_rework + cost_sorting + cost_freight + cost_other),
    charged_back       INTEGER NOT NULL DEFAULT 0 CHECK (charged_back >= 0),
    status_reason      TEXT NOT NULL DEFAULT '',
    verification       TEXT NOT NULL DEFAULT '',
    contained_at       TIMESTAMP,
    dispositioned_at   TIMESTAMP,
    verified_at        TIMESTAMP,
    closed_at          TIMESTAMP,
    voided_at          TIMESTAMP,
    created_by_id      INTEGER NOT NULL DEFAULT 0,
    created_by         TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ncrs_status ON ncrs (status, id);
CREATE INDEX ncrs_supplier ON ncrs (supplier_id, detected_on);
CREATE INDEX ncrs_product ON ncrs (product_id, detected_on);
CREATE INDEX ncrs_detected ON ncrs (detected_on, status);
-- One NCR (not voided) per inspection.
CREATE UNIQUE INDEX ncrs_inspection ON ncrs (inspection_id) WHERE inspection_id IS NOT NULL AND status <> 'voided';

-- The defects of an NCR, one line per code (or description), for the Pareto
-- of NCRs by defect code.
CREATE TABLE ncr_defects (
    ncr_id         INTEGER NOT NULL REFERENCES ncrs (id),
    line           INTEGER NOT NULL,
    code           TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    class          TEXT NOT NULL CHECK (class IN ('critical','major','minor')),
    quantity       INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    characteristic INTEGER NOT NULL DEFAULT 0,
    photos         TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (ncr_id, line)
);
CREATE INDEX ncr_defects_code ON ncr_defects (code, ncr_id) WHERE code <> '';

CREATE TABLE ncr_actions (
    id            INTEGER PRIMARY KEY,
    ncr_id        INTEGER NOT NULL REFERENCES ncrs (id),
    kind          TEXT NOT NULL CHECK (kind IN ('hold_shipment','sort','quarantine','block_stock','notify_customer','recall','other')),
    description   TEXT NOT NULL DEFAULT '',
    owner_user_id INTEGER,
    owner_name    TEXT NOT NULL,
    due_on        TEXT NOT NULL CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status        TEXT NOT NULL CHECK (status IN ('open','done','cancelled')),
    result        TEXT NOT NULL DEFAULT '',
    done_at       TIMESTAMP,
    done_by_id    INTEGER NOT NULL DEFAULT 0,
    done_by       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ncr_actions_ncr ON ncr_actions (ncr_id, id);
CREATE INDEX ncr_actions_due ON ncr_actions (due_on, id) WHERE status = 'open';

-- CAPAs. The crit_* columns are the effectiveness criterion; crit_state is
-- '' (none, or the CAPA is no longer active), 'waiting' (no window start
-- yet), 'pending' (evaluated as inspections arrive), 'pass' or 'fail'.
CREATE TABLE capas (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('internal','supplier')),
    type                TEXT NOT NULL CHECK (type IN ('corrective','preventive')),
    status              TEXT NOT NULL CHECK (status IN ('open','verifying','closed','cancelled')),
    title               TEXT NOT NULL,
    severity            TEXT NOT NULL CHECK (severity IN ('critical','major','minor')),
    supplier_id         INTEGER REFERENCES suppliers (id),
    site_id             INTEGER REFERENCES sites (id),
    product_id          INTEGER REFERENCES products (id),
    owner_id            INTEGER NOT NULL,
    owner_name          TEXT NOT NULL,
    opened_on           TEXT NOT NULL CHECK (opened_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    root_cause_category TEXT NOT NULL DEFAULT '',
    crit_supplier_id    INTEGER,
    crit_product_id     INTEGER NOT NULL DEFAULT 0,
    crit_code           TEXT NOT NULL DEFAULT '',
    crit_class          TEXT NOT NULL DEFAULT '',
    crit_max            INTEGER NOT NULL DEFAULT 0,
    crit_per            INTEGER NOT NULL DEFAULT 1000,
    crit_lots           INTEGER NOT NULL DEFAULT 0,
    crit_days           INTEGER NOT NULL DEFAULT 0,
    crit_kinds          TEXT NOT NULL DEFAULT '[]',
    crit_start_on       TEXT CHECK (crit_start_on IS NULL OR crit_start_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    crit_state          TEXT NOT NULL DEFAULT '' CHECK (crit_state IN ('','waiting','pending','pass','fail')),
    evaluation          TEXT,
    evaluated_at        TIMESTAMP,
    closure             TEXT,
    status_reason       TEXT NOT NULL DEFAULT '',
    created_by_id       INTEGER NOT NULL DEFAULT 0,
    created_by          TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    closed_at           TIMESTAMP,
    cancelled_at        TIMESTAMP,
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX capas_status ON capas (status, opened_on, id);
CREATE INDEX capas_supplier ON capas (supplier_id, id);
-- The criteria to evaluate when a supplier's (and product's) lot result
-- arrives: a few index entries, whatever the number of CAPAs.
CREATE INDEX capas_criteria_pending ON capas (crit_supplier_id, crit_product_id) WHERE crit_state = 'pending';

CREATE TABLE capa_sources (
    capa_id INTEGER NOT NULL REFERENCES capas (id),
    line    INTEGER NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('ncr','audit_finding','complaint')),
    ncr_id  INTEGER REFERENCES ncrs (id),
    ref     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (capa_id, line),
    CHECK ((kind = 'ncr') = (ncr_id IS NOT NULL))
);
CREATE INDEX capa_sources_ncr ON capa_sources (ncr_id, capa_id) WHERE ncr_id IS NOT NULL;

CREATE TABLE capa_stages (
    capa_id         INTEGER NOT NULL REFERENCES capas (id),
    stage           TEXT NOT NULL CHECK (stage IN ('D0','D1','D2','D3','D4','D5','D6','D7','D8')),
    due_on          TEXT CHECK (due_on IS NULL OR due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    state           TEXT NOT NULL CHECK (state IN ('open','submitted','accepted','returned')),
    content         TEXT NOT NULL DEFAULT '{}',
    submitted_at    TIMESTAMP,
    submitted_by_id INTEGER NOT NULL DEFAULT 0,
    submitted_by    TEXT NOT NULL DEFAULT '',
    reviewed_at     TIMESTAMP,
    reviewed_by_id  INTEGER NOT NULL DEFAULT 0,
    reviewed_by     TEXT NOT NULL DEFAULT '',
    comment         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (capa_id, stage)
);
CREATE INDEX capa_stages_due ON capa_stages (due_on, capa_id) WHERE state <> 'accepted';

-- The review history of stages (accepted or returned, with the comment the
-- supplier sees) and the buyer's internal notes: both append-only.
CREATE TABLE capa_reviews (
    id       INTEGER PRIMARY KEY,
    capa_id  INTEGER NOT NULL REFERENCES capas (id),
    stage    TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accepted','returned')),
    comment  TEXT NOT NULL DEFAULT '',
    by_id    INTEGER NOT NULL DEFAULT 0,
    by_name  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX capa_reviews_capa ON capa_reviews (capa_id, id);

CREATE TABLE capa_notes (
    id         INTEGER PRIMARY KEY,
    capa_id    INTEGER NOT NULL REFERENCES capas (id),
    stage      TEXT NOT NULL DEFAULT '',
    text       TEXT NOT NULL,
    by_id      INTEGER NOT NULL DEFAULT 0,
    by_name    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX capa_notes_capa ON capa_notes (capa_id, id);

CREATE TRIGGER capa_reviews_no_update BEFORE UPDATE ON capa_reviews
BEGIN
    SELECT RAISE(ABORT, 'CAPA reviews are append-only: UPDATE is not allowed');
END;
CREATE TRIGGER capa_reviews_no_delete BEFORE DELETE ON capa_reviews
BEGIN
    SELECT RAISE(ABORT, 'CAPA reviews are append-only: DELETE is not allowed');
END;
CREATE TRIGGER capa_notes_no_update BEFORE UPDATE ON capa_notes
BEGIN
    SELECT RAISE(ABORT, 'CAPA notes are append-only: UPDATE is not allowed');
END;
CREATE TRIGGER capa_notes_no_delete BEFORE DELETE ON capa_notes
BEGIN
    SELECT RAISE(ABORT, 'CAPA notes are append-only: DELETE is not allowed');
END;

CREATE TABLE capa_settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    settings   TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

-- Electronic signatures: never changed, never deleted. Each is also an
-- audit event, so the hash chain covers it.
CREATE TABLE signatures (
    id           INTEGER PRIMARY KEY,
    record_type  TEXT NOT NULL CHECK (record_type IN ('ncr_disposition','capa_closure','fai_approval','spec_release')),
    entity_type  TEXT NOT NULL,
    entity_id    INTEGER NOT NULL,
    meaning      TEXT NOT NULL CHECK (meaning IN ('approved','reviewed','responsible')),
    signer_id    INTEGER NOT NULL CHECK (signer_id > 0),
    signer_name  TEXT NOT NULL,
    signer_email TEXT NOT NULL DEFAULT '',
    signer_role  TEXT NOT NULL,
    method       TEXT NOT NULL,
    comment      TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
    signed_at    TIMESTAMP NOT NULL,
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX signatures_entity ON signatures (entity_type, entity_id, id);
CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
BEGIN
    SELECT RAISE(ABORT, 'electronic signatures are append-only: UPDATE is not allowed');
END;
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
BEGIN
    SELECT RAISE(ABORT, 'electronic signatures are append-only: DELETE is not allowed');
END;

-- Effectiveness: the series of a supplier x product from a date, without
-- voided results and re-inspections of reworked lots, from the index alone;
-- and the units with a given defect code in one inspection.
CREATE INDEX lot_results_effectiveness ON lot_results (supplier_id, product_id, inspected_on, kind, source, inspection_id, sample_size,
    defective_units, critical_defective, major_defective, minor_defective, voided_at, resubmitted) WHERE voided_at IS NULL AND resubmitted = 0;
CREATE INDEX inspection_entries_defect_code ON inspection_entries (inspection_id, code, unit) WHERE kind = 'defect';
