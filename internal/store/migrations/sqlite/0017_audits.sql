-- Quality audits (ISO 9001 9.2 internal audits, 8.4 supplier audits,
-- process and product audits; ISO 19011 audit programme): the yearly
-- programmes and their lines (a process, clause or supplier audited at the
-- frequency of its risk), users' checklist templates (the shipped ones are
-- embedded in the binary), audits with their checklist copied from the
-- template (the answers: grade, evidence, photos) and the findings raised
-- when the report is issued, linked to NCRs and CAPAs.
-- Calendar dates are TEXT 'YYYY-MM-DD'; times are UTC text as in 0001.

CREATE TABLE audit_programmes (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2200),
    title       TEXT NOT NULL,
    objectives  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE audit_programme_items (
    id           INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES audit_programmes (id),
    subject      TEXT NOT NULL CHECK (subject IN ('process','clause','supplier')),
    process_id   INTEGER, -- the process register's id (no foreign key: the register is its own module)
    supplier_id  INTEGER REFERENCES suppliers (id),
    clause       TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL DEFAULT '',
    risk         TEXT NOT NULL CHECK (risk IN ('high','medium','low')),
    audit_type   TEXT NOT NULL CHECK (audit_type IN ('internal','supplier','process','product')),
    template_key TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    removed_at   TIMESTAMP
);
CREATE INDEX audit_programme_items_programme ON audit_programme_items (programme_id, id);

CREATE TABLE audit_templates (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    standard    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    questions   TEXT NOT NULL DEFAULT '[]',
    voided_at   TIMESTAMP,
    void_reason TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE audits (
    id                INTEGER PRIMARY KEY,
    programme_item_id INTEGER REFERENCES audit_programme_items (id),
    type              TEXT NOT NULL CHECK (type IN ('internal','supplier','process','product')),
    status            TEXT NOT NULL CHECK (status IN ('planned','in_progress','completed','closed','cancelled')),
    title             TEXT NOT NULL,
    scope             TEXT NOT NULL,
    criteria          TEXT NOT NULL,
    template_key      TEXT NOT NULL,
    template_name     TEXT NOT NULL,
    process_id        INTEGER,
    process_name      TEXT NOT NULL DEFAULT '',
    supplier_id       INTEGER REFERENCES suppliers (id),
    site_id           INTEGER REFERENCES sites (id),
    auditee           TEXT NOT NULL DEFAULT '',
    lead_id           INTEGER NOT NULL REFERENCES users (id),
    lead_name         TEXT NOT NULL,
    team              TEXT NOT NULL DEFAULT '[]',
    planned_start     TEXT NOT NULL CHECK (planned_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    planned_end       TEXT NOT NULL CHECK (planned_end >= planned_start),
    started_on        TEXT,
    completed_on      TEXT,
    summary           TEXT NOT NULL DEFAULT '',
    score             REAL,
    status_reason     TEXT NOT NULL DEFAULT '',
    closed_at         TIMESTAMP,
    created_by_id     INTEGER NOT NULL DEFAULT 0,
    created_by        TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX audits_status ON audits (status, id);
CREATE INDEX audits_supplier ON audits (supplier_id, completed_on) WHERE supplier_id IS NOT NULL;
CREATE INDEX audits_process ON audits (process_id, completed_on) WHERE process_id IS NOT NULL;
CREATE INDEX audits_item ON audits (programme_item_id, planned_start) WHERE programme_item_id IS NOT NULL;
CREATE INDEX audits_planned ON audits (planned_start, id);

CREATE TABLE audit_questions (
    audit_id       INTEGER NOT NULL REFERENCES audits (id),
    line           INTEGER NOT NULL,
    clause         TEXT NOT NULL,
    section        TEXT NOT NULL DEFAULT '',
    text           TEXT NOT NULL,
    guidance       TEXT NOT NULL DEFAULT '',
    grade          TEXT NOT NULL DEFAULT '' CHECK (grade IN ('','conform','minor','major','observation','ofi','na')),
    evidence       TEXT NOT NULL DEFAULT '',
    photos         TEXT NOT NULL DEFAULT '[]',
    answered_by_id INTEGER NOT NULL DEFAULT 0,
    answered_by    TEXT NOT NULL DEFAULT '',
    answered_at    TIMESTAMP,
    PRIMARY KEY (audit_id, line),
    CHECK (grade NOT IN ('minor','major') OR evidence <> '')
);

CREATE TABLE audit_findings (
    id           INTEGER PRIMARY KEY,
    audit_id     INTEGER NOT NULL REFERENCES audits (id),
    line         INTEGER NOT NULL,
    grade        TEXT NOT NULL CHECK (grade IN ('minor','major','observation','ofi')),
    clause       TEXT NOT NULL,
    question     TEXT NOT NULL,
    evidence     TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('open','closed','noted')),
    due_on       TEXT,
    ncr_id       INTEGER REFERENCES ncrs (id),
    capa_id      INTEGER REFERENCES capas (id),
    closure_note TEXT NOT NULL DEFAULT '',
    closed_by_id INTEGER NOT NULL DEFAULT 0,
    closed_by    TEXT NOT NULL DEFAULT '',
    closed_at    TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (audit_id, line),
    CHECK (grade NOT IN ('minor','major') OR evidence <> '')
);
CREATE INDEX audit_findings_status ON audit_findings (status, due_on);
