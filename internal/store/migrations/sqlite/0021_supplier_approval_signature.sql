-- Signatures gain the record type supplier_approval: in ISO 13485 mode a
-- supplier's approval is electronically signed. The table is rebuilt
-- (SQLite cannot change a CHECK in place), as in 0016.
CREATE TABLE signatures_new (
    id           INTEGER PRIMARY KEY,
    record_type  TEXT NOT NULL CHECK (record_type IN ('ncr_disposition','capa_closure','fai_approval','spec_release','document_approval','supplier_approval')),
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
