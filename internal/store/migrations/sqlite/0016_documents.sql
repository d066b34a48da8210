-- The quality management system itself (issue 7, part A): the process
-- register (ISO 9001 4.4, 5.3), controlled documents (7.5) with their
-- revisions, named reviewers and read-and-understood acknowledgements
-- (training records, 7.2), the terms that document search reads, and the
-- register of risks and opportunities (6.1) with their actions. Signatures
-- gain the record type document_approval (the table is rebuilt: SQLite
-- cannot change a CHECK in place). Calendar dates are TEXT 'YYYY-MM-DD'.

CREATE TABLE processes (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    purpose     TEXT NOT NULL DEFAULT '',
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    owner_name  TEXT NOT NULL,
    inputs      TEXT NOT NULL DEFAULT '',
    outputs     TEXT NOT NULL DEFAULT '',
    kpis        TEXT NOT NULL DEFAULT '',
    voided_at   TIMESTAMP,
    void_reason TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE documents (
    id                    INTEGER PRIMARY KEY,
    number                TEXT NOT NULL,
    number_key            TEXT NOT NULL UNIQUE,
    title                 TEXT NOT NULL,
    type                  TEXT NOT NULL CHECK (type IN ('quality_manual','policy','procedure','work_instruction','form','record_template','external')),
    process_id            INTEGER REFERENCES processes (id),
    owner_id              INTEGER NOT NULL REFERENCES users (id),
    owner_name            TEXT NOT NULL,
    review_months         INTEGER NOT NULL DEFAULT 12 CHECK (review_months BETWEEN 1 AND 60),
    next_review_on        TEXT CHECK (next_review_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    ack_roles             TEXT NOT NULL DEFAULT '',
    ack_users             TEXT NOT NULL DEFAULT '[]',
    ack_days              INTEGER NOT NULL DEFAULT 14 CHECK (ack_days BETWEEN 1 AND 365),
    effective_revision_id INTEGER,
    effective_revision    INTEGER NOT NULL DEFAULT 0,
    obsoleted_at          TIMESTAMP,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX documents_process ON documents (process_id, number_key);
CREATE INDEX documents_review ON documents (next_review_on) WHERE obsoleted_at IS NULL;

-- What search reads: the terms (words, folded to lower case without
-- diacritics; each CJK character on its own) of the number, title and
-- text of the revision in force (or the latest), searched by prefix.
CREATE TABLE document_terms (
    term        TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    PRIMARY KEY (term, document_id)
) WITHOUT ROWID;
CREATE INDEX document_terms_document ON document_terms (document_id);

CREATE TABLE document_revisions (
    id                 INTEGER PRIMARY KEY,
    document_id        INTEGER NOT NULL REFERENCES documents (id),
    revision           INTEGER NOT NULL CHECK (revision > 0),
    status             TEXT NOT NULL CHECK (status IN ('draft','in_review','approved','effective','superseded','obsolete')),
    change_description TEXT NOT NULL,
    body               TEXT NOT NULL DEFAULT '',
    file_id            INTEGER REFERENCES files (id),
    file_name          TEXT NOT NULL DEFAULT '',
    file_sha256        TEXT NOT NULL DEFAULT '',
    author_id          INTEGER NOT NULL,
    author_name        TEXT NOT NULL,
    submitted_at       TIMESTAMP,
    approved_at        TIMESTAMP,
    approved_by_id     INTEGER NOT NULL DEFAULT 0,
    approved_by        TEXT NOT NULL DEFAULT '',
    signature_id       INTEGER,
    effective_on       TEXT CHECK (effective_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    withdrawn_at       TIMESTAMP,
    obsolete_reason    TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    UNIQUE (document_id, revision),
    CHECK (status NOT IN ('approved','effective','superseded') OR signature_id IS NOT NULL)
);
CREATE INDEX document_revisions_scheduled ON document_revisions (effective_on) WHERE status = 'approved';

CREATE TABLE document_reviewers (
    revision_id INTEGER NOT NULL REFERENCES document_revisions (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    name        TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('pending','approved','changes_requested')),
    comment     TEXT NOT NULL DEFAULT '',
    reviewed_at TIMESTAMP,
    PRIMARY KEY (revision_id, user_id)
);
CREATE INDEX document_reviewers_user ON document_reviewers (user_id, revision_id);

CREATE TABLE document_acknowledgements (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES documents (id),
    revision_id     INTEGER NOT NULL REFERENCES document_revisions (id),
    user_id         INTEGER NOT NULL REFERENCES users (id),
    user_name       TEXT NOT NULL,
    due_on          TEXT NOT NULL CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    acknowledged_at TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (revision_id, user_id)
);
CREATE INDEX document_acknowledgements_user ON document_acknowledgements (user_id, acknowledged_at, due_on);
CREATE INDEX document_acknowledgements_open ON document_acknowledgements (due_on, id) WHERE acknowledged_at IS NULL;

CREATE TABLE risks (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('risk','opportunity')),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    process_id  INTEGER REFERENCES processes (id),
    supplier_id INTEGER REFERENCES suppliers (id),
    likelihood  INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    severity    INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 5),
    score       INTEGER NOT NULL CHECK (score = likelihood * severity),
    level       TEXT NOT NULL CHECK (level IN ('low','medium','high','severe')),
    treatment   TEXT NOT NULL DEFAULT '',
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    owner_name  TEXT NOT NULL,
    review_on   TEXT NOT NULL CHECK (review_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status      TEXT NOT NULL CHECK (status IN ('open','closed')),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX risks_process ON risks (process_id, id);
CREATE INDEX risks_supplier ON risks (supplier_id, id);
CREATE INDEX risks_score ON risks (status, score, id);

CREATE TABLE risk_actions (
    id          INTEGER PRIMARY KEY,
    risk_id     INTEGER NOT NULL REFERENCES risks (id),
    description TEXT NOT NULL,
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    owner_name  TEXT NOT NULL,
    due_on      TEXT NOT NULL CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status      TEXT NOT NULL CHECK (status IN ('open','done')),
    done_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX risk_actions_risk ON risk_actions (risk_id, id);
CREATE INDEX risk_actions_open ON risk_actions (due_on, id) WHERE status = 'open';

-- Signatures: add the record type document_approval.
CREATE TABLE signatures_new (
    id           INTEGER PRIMARY KEY,
    record_type  TEXT NOT NULL CHECK (record_type IN ('ncr_disposition','capa_closure','fai_approval','spec_release','document_approval')),
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
INSERT INTO signatures_new (id, record_type, entity_type, entity_id, meaning, signer_id, signer_name, signer_email, signer_role, method,
    comment, content_hash, signed_at, request_id)
SELECT id, record_type, entity_type, entity_id, meaning, signer_id, signer_name, signer_email, signer_role, method,
    comment, content_hash, signed_at, request_id FROM signatures;
DROP TABLE signatures;
ALTER TABLE signatures_new RENAME TO signatures;
CREATE INDEX signatures_entity ON signatures (entity_type, entity_id, id);
CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
BEGIN
    SELECT RAISE(ABORT, 'electronic signatures are append-only: UPDATE is not allowed');
END;
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
BEGIN
    SELECT RAISE(ABORT, 'electronic signatures are append-only: DELETE is not allowed');
END;
