-- Files: uploaded certificate scans, inspection photos, reports and evidence.
-- The content lives in the file store (data directory or S3) under its SHA-256;
-- a row records one upload of it. Several rows may share content. The owner is
-- the record the file belongs to (owner_type '' while not yet attached), so that
-- permission checks can ask whose file it is. Nothing is deleted: rows are voided.

CREATE TABLE files (
    id            INTEGER PRIMARY KEY,
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    size          INTEGER NOT NULL CHECK (size > 0),
    content_type  TEXT NOT NULL,
    original_name TEXT NOT NULL,
    width         INTEGER NOT NULL DEFAULT 0,
    height        INTEGER NOT NULL DEFAULT 0,
    thumb_sha256  TEXT NOT NULL DEFAULT '' CHECK (thumb_sha256 = '' OR length(thumb_sha256) = 64),
    owner_type    TEXT NOT NULL DEFAULT '',
    owner_id      INTEGER NOT NULL DEFAULT 0,
    uploaded_by   INTEGER REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    voided_at     TIMESTAMP,
    void_reason   TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK ((owner_type = '') = (owner_id = 0))
);
CREATE INDEX files_owner ON files (owner_type, owner_id, id);
CREATE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_uploaded_by ON files (uploaded_by, id);
