-- Suppliers, factory sites, product categories, certificates and test reports,
-- their verifications, accreditation bodies, certificate requirements, overrides
-- and the thresholds of the certificate rules.
-- Calendar dates are TEXT 'YYYY-MM-DD'; times are UTC text as in 0001.
-- Lists, categories and contacts are JSON text. Nothing is deleted: rows are voided.

CREATE TABLE product_categories (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    keywords    TEXT NOT NULL DEFAULT '[]',
    voided_at   TIMESTAMP,
    void_reason TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE suppliers (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    name_latin        TEXT NOT NULL DEFAULT '',
    sort_key          TEXT NOT NULL,
    search_text       TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('manufacturer','trading_company')),
    country           TEXT NOT NULL,
    address           TEXT NOT NULL DEFAULT '',
    contacts          TEXT NOT NULL DEFAULT '[]',
    notes             TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'prospect'
                      CHECK (status IN ('prospect','under_qualification','approved','conditionally_approved','probation','disqualified')),
    status_reason     TEXT NOT NULL DEFAULT '',
    status_changed_at TIMESTAMP,
    status_changed_by TEXT NOT NULL DEFAULT '',
    voided_at         TIMESTAMP,
    void_reason       TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX suppliers_sort ON suppliers (sort_key, id);
CREATE INDEX suppliers_status ON suppliers (status, sort_key, id);
CREATE INDEX suppliers_country ON suppliers (country, sort_key, id);
CREATE INDEX suppliers_updated ON suppliers (updated_at, id);

CREATE TABLE supplier_categories (
    supplier_id INTEGER NOT NULL REFERENCES suppliers (id),
    category    TEXT NOT NULL,
    PRIMARY KEY (supplier_id, category)
);
CREATE INDEX supplier_categories_category ON supplier_categories (category, supplier_id);

CREATE TABLE sites (
    id            INTEGER PRIMARY KEY,
    supplier_id   INTEGER NOT NULL REFERENCES suppliers (id),
    name          TEXT NOT NULL,
    name_latin    TEXT NOT NULL DEFAULT '',
    sort_key      TEXT NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    address_latin TEXT NOT NULL DEFAULT '',
    country       TEXT NOT NULL,
    capacity      TEXT NOT NULL DEFAULT '',
    contacts      TEXT NOT NULL DEFAULT '[]',
    notes         TEXT NOT NULL DEFAULT '',
    voided_at     TIMESTAMP,
    void_reason   TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sites_supplier ON sites (supplier_id, sort_key);

CREATE TABLE site_categories (
    site_id  INTEGER NOT NULL REFERENCES sites (id),
    category TEXT NOT NULL,
    PRIMARY KEY (site_id, category)
);
CREATE INDEX site_categories_category ON site_categories (category, site_id);

CREATE TABLE certificates (
    id                 INTEGER PRIMARY KEY,
    supplier_id        INTEGER NOT NULL REFERENCES suppliers (id),
    kind               TEXT NOT NULL CHECK (kind IN ('management_system','social_audit','product_test')),
    standard           TEXT NOT NULL,
    standard_key       TEXT NOT NULL,
    standard_version   TEXT NOT NULL DEFAULT '',
    number             TEXT NOT NULL,
    number_key         TEXT NOT NULL,
    certification_body TEXT NOT NULL,
    cb_key             TEXT NOT NULL,
    accreditation_body TEXT NOT NULL DEFAULT '',
    scope              TEXT NOT NULL DEFAULT '',
    holder_name        TEXT NOT NULL,
    holder_address     TEXT NOT NULL DEFAULT '',
    issue_date         TEXT NOT NULL,
    expiry_date        TEXT,
    original_date      TEXT,
    surveillance_date  TEXT,
    document_ref       TEXT NOT NULL DEFAULT '',
    review             TEXT NOT NULL CHECK (review IN ('submitted','accepted','rejected')),
    review_note        TEXT NOT NULL DEFAULT '',
    reviewed_by        TEXT NOT NULL DEFAULT '',
    reviewed_at        TIMESTAMP,
    created_by_id      INTEGER NOT NULL DEFAULT 0,
    voided_at          TIMESTAMP,
    void_reason        TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    CHECK (issue_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    CHECK (expiry_date IS NULL OR expiry_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
);
-- One certificate number per certification body and supplier; the same
-- number at another supplier is allowed, and is a red flag.
CREATE UNIQUE INDEX certificates_number_cb ON certificates (supplier_id, cb_key, number_key)
    WHERE voided_at IS NULL AND review <> 'rejected';
CREATE INDEX certificates_number ON certificates (number_key);
CREATE INDEX certificates_supplier ON certificates (supplier_id, standard_key);
CREATE INDEX certificates_expiry ON certificates (expiry_date, id) WHERE voided_at IS NULL;

CREATE TABLE certificate_sites (
    certificate_id INTEGER NOT NULL REFERENCES certificates (id),
    site_id        INTEGER NOT NULL REFERENCES sites (id),
    PRIMARY KEY (certificate_id, site_id)
);
CREATE INDEX certificate_sites_site ON certificate_sites (site_id);

CREATE TABLE certificate_verifications (
    id             INTEGER PRIMARY KEY,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id),
    method         TEXT NOT NULL CHECK (method IN ('iaf_certsearch','cb_website','cb_email','cnca','ab_register','other')),
    checked_on     TEXT NOT NULL,
    checked_by_id  INTEGER NOT NULL DEFAULT 0,
    checked_by     TEXT NOT NULL DEFAULT '',
    result         TEXT NOT NULL CHECK (result IN ('verified_valid','not_found','suspended','withdrawn','expired','suspicious')),
    note           TEXT NOT NULL DEFAULT '',
    evidence_ref   TEXT NOT NULL DEFAULT '',
    voided_at      TIMESTAMP,
    void_reason    TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    CHECK (checked_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
);
CREATE INDEX certificate_verifications_certificate ON certificate_verifications (certificate_id, checked_on);

CREATE TABLE accreditation_bodies (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL,
    code_key   TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL DEFAULT '',
    recognised INTEGER NOT NULL,
    aliases    TEXT NOT NULL DEFAULT '[]',
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE certificate_requirements (
    id           INTEGER PRIMARY KEY,
    standard     TEXT NOT NULL,
    standard_key TEXT NOT NULL,
    category     TEXT NOT NULL DEFAULT '',
    market       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    voided_at    TIMESTAMP,
    void_reason  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX certificate_requirements_rule ON certificate_requirements (standard_key, category, market)
    WHERE voided_at IS NULL;

CREATE TABLE certificate_overrides (
    id            INTEGER PRIMARY KEY,
    supplier_id   INTEGER NOT NULL REFERENCES suppliers (id),
    site_id       INTEGER REFERENCES sites (id),
    standard      TEXT NOT NULL,
    standard_key  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    until_date    TEXT NOT NULL,
    created_by_id INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    voided_at     TIMESTAMP,
    void_reason   TEXT NOT NULL DEFAULT '',
    CHECK (until_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
);
CREATE INDEX certificate_overrides_supplier ON certificate_overrides (supplier_id, until_date);

CREATE TABLE supplier_settings (
    id                          INTEGER PRIMARY KEY CHECK (id = 1),
    expiry_warning_days         INTEGER NOT NULL,
    max_validity_years          INTEGER NOT NULL,
    surveillance_months         INTEGER NOT NULL,
    verification_max_age_months INTEGER NOT NULL,
    updated_at                  TIMESTAMP NOT NULL,
    version                     INTEGER NOT NULL DEFAULT 1
);
INSERT INTO supplier_settings (id, expiry_warning_days, max_validity_years, surveillance_months, verification_max_age_months, updated_at)
VALUES (1, 90, 3, 12, 12, strftime('%Y-%m-%d %H:%M:%f', 'now') || '000');

-- The seed list of accreditation bodies (supplier.SeedAccreditationBodies; a
-- test keeps the two equal). code_key is the code folded, without punctuation.
INSERT INTO accreditation_bodies (code, code_key, name, country, recognised, aliases, note, created_at, updated_at) VALUES
    ('UKAS', 'ukas', 'United Kingdom Accreditation Service', 'GB', 1, '[]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('ANAB', 'anab', 'ANSI National Accreditation Board', 'US', 1, '["ANSI-ASQ National Accreditation Board"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('DAkkS', 'dakks', 'Deutsche Akkreditierungsstelle', 'DE', 1, '["German Accreditation Body"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('COFRAC', 'cofrac', 'Comité français d''accréditation', 'FR', 1, '[]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('ACCREDIA', 'accredia', 'ACCREDIA – Ente Italiano di Accreditamento', 'IT', 1, '["Ente Italiano di Accreditamento"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('ENAC', 'enac', 'Entidad Nacional de Acreditación', 'ES', 1, '[]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('CNAS', 'cnas', 'China National Accreditation Service for Conformity Assessment', 'CN', 1, '["中国合格评定国家认可委员会"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('JAS-ANZ', 'jasanz', 'Joint Accreditation System of Australia and New Zealand', 'AU', 1, '["JASANZ"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('JAB', 'jab', 'Japan Accreditation Board', 'JP', 1, '["公益財団法人日本適合性認定協会"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('KAB', 'kab', 'Korea Accreditation Board', 'KR', 1, '["한국인정지원센터"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('SCC', 'scc', 'Standards Council of Canada', 'CA', 1, '[]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('INMETRO', 'inmetro', 'Instituto Nacional de Metrologia, Qualidade e Tecnologia (Cgcre)', 'BR', 1, '["Cgcre","Cgcre/INMETRO"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('TAF', 'taf', 'Taiwan Accreditation Foundation', 'TW', 1, '["財團法人全國認證基金會"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('HKAS', 'hkas', 'Hong Kong Accreditation Service', 'HK', 1, '["香港認可處"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('NABCB', 'nabcb', 'National Accreditation Board for Certification Bodies', 'IN', 1, '[]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('RvA', 'rva', 'Raad voor Accreditatie (Dutch Accreditation Council)', 'NL', 1, '["Dutch Accreditation Council"]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('EGAC', 'egac', 'Egyptian Accreditation Council', 'EG', 1, '[]', '', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('IAS', 'ias', 'International Accreditation Service', 'US', 1, '[]', 'IAF MLA signatory; criticised for lax oversight of the certification bodies it accredits: check the certification body too.', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('UAF', 'uaf', 'United Accreditation Foundation', 'US', 1, '[]', 'IAF MLA signatory; criticised for lax oversight of the certification bodies it accredits: check the certification body too.', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('i-NAF', 'inaf', 'International National Accreditation Forum', '', 0, '["INAF"]', 'Not an IAF member: a look-alike forum using MLA language.', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'),
    ('IAC', 'iac', 'International Accreditation Council', '', 0, '[]', 'Not an IAF member: a look-alike forum using MLA language.', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000', strftime('%Y-%m-%d %H:%M:%f', 'now') || '000');
