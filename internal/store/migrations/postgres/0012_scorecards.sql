-- Supplier scorecards (issue 4): the tier thresholds (scorecard.Thresholds),
-- one row that administrators change on the supplier settings page, and
-- indexes for a site's open NCRs and CAPAs. Acceptance rates are in basis
-- points (9800 = 98 %).

CREATE TABLE scorecard_settings (
    id                      INTEGER PRIMARY KEY CHECK (id = 1),
    a_min_acceptance_bp     INTEGER NOT NULL,
    a_max_ppm               INTEGER NOT NULL,
    a_max_overdue_capas     INTEGER NOT NULL,
    a_certificates_required INTEGER NOT NULL CHECK (a_certificates_required IN (0, 1)),
    b_min_acceptance_bp     INTEGER NOT NULL,
    b_max_ppm               INTEGER NOT NULL,
    b_max_overdue_capas     INTEGER NOT NULL,
    b_certificates_required INTEGER NOT NULL CHECK (b_certificates_required IN (0, 1)),
    min_lots                INTEGER NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL,
    version                 BIGINT NOT NULL DEFAULT 1
);
INSERT INTO scorecard_settings (id, a_min_acceptance_bp, a_max_ppm, a_max_overdue_capas, a_certificates_required,
    b_min_acceptance_bp, b_max_ppm, b_max_overdue_capas, b_certificates_required, min_lots, updated_at)
VALUES (1, 9800, 1000, 0, 1, 9500, 5000, 1, 0, 1, now());

CREATE INDEX ncrs_site ON ncrs (site_id, status) WHERE site_id IS NOT NULL;
CREATE INDEX capas_site ON capas (site_id, status) WHERE site_id IS NOT NULL;
