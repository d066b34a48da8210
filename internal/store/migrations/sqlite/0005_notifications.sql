-- Notifications: events published by modules, in-app notifications per
-- user, the e-mail outbox, webhook endpoints and their delivery log.

-- One row per published event. event_key, when the publisher gives one,
-- makes a second publication of the same event (another instance, a
-- restart) a no-op.
CREATE TABLE notification_events (
    id          INTEGER PRIMARY KEY,
    event_key   TEXT UNIQUE,
    type        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    entity_type TEXT NOT NULL DEFAULT '',
    entity_id   INTEGER NOT NULL DEFAULT 0,
    link        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    actor_id    INTEGER NOT NULL DEFAULT 0,
    actor_name  TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX notification_events_type ON notification_events (type);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES notification_events (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP,
    UNIQUE (event_id, user_id)
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

CREATE TABLE email_deliveries (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES notification_events (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    to_addr     TEXT NOT NULL,
    to_name     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','skipped','failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    UNIQUE (event_id, user_id)
);
CREATE INDEX email_deliveries_status ON email_deliveries (status, id);

-- secret signs the deliveries (HMAC-SHA256); it is shown to the admin once.
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    event_types TEXT NOT NULL DEFAULT '[]',
    active      INTEGER NOT NULL DEFAULT 1,
    secret      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

-- payload is the exact JSON body that is signed and posted on every attempt.
CREATE TABLE webhook_deliveries (
    id            INTEGER PRIMARY KEY,
    webhook_id    INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id      INTEGER REFERENCES notification_events (id),
    event_type    TEXT NOT NULL,
    payload       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','succeeded','failed','skipped')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    response_code INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    duration_ms   INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
