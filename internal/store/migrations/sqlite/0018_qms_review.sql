-- The quality management system's own records (issue 7, part C): the QMS
-- settings (ISO 13485 mode), quality objectives (ISO 9001 6.2) measured
-- live from the data, management reviews (9.3) with attendees, decisions
-- and the input pack frozen when the review is closed, the actions they
-- decide (tracked until done), and customer complaints (ISO 13485 8.2.2)
-- linked to an NCR and a CAPA. Calendar dates are TEXT 'YYYY-MM-DD',
-- months TEXT 'YYYY-MM'; structured parts are JSON text.

CREATE TABLE qms_settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    iso13485   INTEGER NOT NULL DEFAULT 0 CHECK (iso13485 IN (0, 1)),
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE objectives (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    metric       TEXT NOT NULL CHECK (metric IN ('lot_acceptance','inspection_rejection','capa_on_time','ncr_count','approved_expired_certificates')),
    comparison   TEXT NOT NULL CHECK (comparison IN ('>=','<=')),
    target       REAL NOT NULL,
    owner_id     INTEGER NOT NULL DEFAULT 0,
    owner_name   TEXT NOT NULL,
    period_from  TEXT NOT NULL CHECK (period_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    period_to    TEXT NOT NULL CHECK (period_to GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    notes        TEXT NOT NULL DEFAULT '',
    voided_at    TIMESTAMP,
    void_reason  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    CHECK (period_from <= period_to)
);
CREATE INDEX objectives_period ON objectives (period_to, id) WHERE voided_at IS NULL;

CREATE TABLE management_reviews (
    id                INTEGER PRIMARY KEY,
    title             TEXT NOT NULL,
    held_on           TEXT NOT NULL CHECK (held_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    period_from       TEXT NOT NULL CHECK (period_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    period_to         TEXT NOT NULL CHECK (period_to GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status            TEXT NOT NULL CHECK (status IN ('draft','closed')),
    attendees         TEXT NOT NULL DEFAULT '[]',
    resources         TEXT NOT NULL DEFAULT '',
    feedback          TEXT NOT NULL DEFAULT '',
    improvements      TEXT NOT NULL DEFAULT '',
    decisions         TEXT NOT NULL DEFAULT '[]',
    pack              TEXT,
    closed_at         TIMESTAMP,
    closed_by         TEXT NOT NULL DEFAULT '',
    voided_at         TIMESTAMP,
    void_reason       TEXT NOT NULL DEFAULT '',
    created_by_id     INTEGER NOT NULL DEFAULT 0,
    created_by        TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    CHECK (period_from <= period_to)
);
CREATE INDEX management_reviews_held ON management_reviews (held_on, id) WHERE voided_at IS NULL;

CREATE TABLE review_actions (
    id          INTEGER PRIMARY KEY,
    review_id   INTEGER NOT NULL REFERENCES management_reviews (id),
    description TEXT NOT NULL,
    owner_id    INTEGER NOT NULL DEFAULT 0,
    owner_name  TEXT NOT NULL,
    due_on      TEXT NOT NULL CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status      TEXT NOT NULL CHECK (status IN ('open','done','cancelled')),
    result      TEXT NOT NULL DEFAULT '',
    done_at     TIMESTAMP,
    done_by     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX review_actions_review ON review_actions (review_id, id);
CREATE INDEX review_actions_open ON review_actions (due_on, id) WHERE status = 'open';

CREATE TABLE complaints (
    id              INTEGER PRIMARY KEY,
    received_on     TEXT NOT NULL CHECK (received_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    customer        TEXT NOT NULL,
    customer_ref    TEXT NOT NULL DEFAULT '',
    product_id      INTEGER REFERENCES products (id),
    product_text    TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL,
    reportable      INTEGER NOT NULL CHECK (reportable IN (0, 1)),
    reportability   TEXT NOT NULL DEFAULT '',
    ncr_id          INTEGER REFERENCES ncrs (id),
    capa_id         INTEGER REFERENCES capas (id),
    no_capa_reason  TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('open','closed')),
    closed_at       TIMESTAMP,
    voided_at       TIMESTAMP,
    void_reason     TEXT NOT NULL DEFAULT '',
    created_by_id   INTEGER NOT NULL DEFAULT 0,
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX complaints_received ON complaints (received_on, id);
CREATE INDEX complaints_status ON complaints (status, id);

-- The evidence map and the objectives count these by date.
CREATE INDEX capas_closed ON capas (closed_at) WHERE status = 'closed';
