-- Monthly roll-up of lot results per supplier and per product, kept by
-- triggers in the transaction that writes or voids a lot result, so that
-- rejection rates ranked over all suppliers or products read a few
-- thousand rows instead of every lot. And an index to find an agency's
-- report already imported.

CREATE INDEX lot_results_report ON lot_results (external_ref) WHERE external_ref <> '';

CREATE TABLE lot_result_months (
    scope           TEXT NOT NULL CHECK (scope IN ('supplier','product')),
    owner_id        INTEGER NOT NULL,
    month           TEXT NOT NULL, -- 'YYYY-MM'
    kind            TEXT NOT NULL,
    resubmitted     INTEGER NOT NULL,
    lots            INTEGER NOT NULL,
    rejected        INTEGER NOT NULL,
    sample_units    INTEGER NOT NULL,
    defective_units INTEGER NOT NULL,
    critical_defects INTEGER NOT NULL,
    major_defects   INTEGER NOT NULL,
    minor_defects   INTEGER NOT NULL,
    PRIMARY KEY (scope, owner_id, month, kind, resubmitted)
) WITHOUT ROWID;
CREATE INDEX lot_result_months_month ON lot_result_months (scope, month, owner_id, kind, resubmitted, lots, rejected, sample_units,
    defective_units, critical_defects, major_defects, minor_defects);

INSERT INTO lot_result_months (scope, owner_id, month, kind, resubmitted, lots, rejected, sample_units, defective_units, critical_defects, major_defects, minor_defects)
SELECT 'supplier', supplier_id, substr(inspected_on, 1, 7), kind, resubmitted, COUNT(*), SUM(rejected), SUM(sample_size), SUM(defective_units),
    SUM(critical_defects), SUM(major_defects), SUM(minor_defects)
FROM lot_results WHERE voided_at IS NULL GROUP BY supplier_id, substr(inspected_on, 1, 7), kind, resubmitted;
INSERT INTO lot_result_months (scope, owner_id, month, kind, resubmitted, lots, rejected, sample_units, defective_units, critical_defects, major_defects, minor_defects)
SELECT 'product', product_id, substr(inspected_on, 1, 7), kind, resubmitted, COUNT(*), SUM(rejected), SUM(sample_size), SUM(defective_units),
    SUM(critical_defects), SUM(major_defects), SUM(minor_defects)
FROM lot_results WHERE voided_at IS NULL GROUP BY product_id, substr(inspected_on, 1, 7), kind, resubmitted;

CREATE TRIGGER lot_result_months_insert AFTER INSERT ON lot_results WHEN NEW.voided_at IS NULL
BEGIN
    INSERT INTO lot_result_months (scope, owner_id, month, kind, resubmitted, lots, rejected, sample_units, defective_units, critical_defects, major_defects, minor_defects)
    VALUES ('supplier', NEW.supplier_id, substr(NEW.inspected_on, 1, 7), NEW.kind, NEW.resubmitted, 1, NEW.rejected, NEW.sample_size, NEW.defective_units,
        NEW.critical_defects, NEW.major_defects, NEW.minor_defects),
        ('product', NEW.product_id, substr(NEW.inspected_on, 1, 7), NEW.kind, NEW.resubmitted, 1, NEW.rejected, NEW.sample_size, NEW.defective_units,
        NEW.critical_defects, NEW.major_defects, NEW.minor_defects)
    ON CONFLICT (scope, owner_id, month, kind, resubmitted) DO UPDATE SET lots = lots + 1, rejected = rejected + excluded.rejected,
        sample_units = sample_units + excluded.sample_units, defective_units = defective_units + excluded.defective_units,
        critical_defects = critical_defects + excluded.critical_defects, major_defects = major_defects + excluded.major_defects,
        minor_defects = minor_defects + excluded.minor_defects;
END;

-- Any change of a lot result takes its old counts out (if it counted) and
-- puts its new ones in (if it counts): voiding takes it out.
CREATE TRIGGER lot_result_months_update AFTER UPDATE ON lot_results
BEGIN
    UPDATE lot_result_months SET lots = lots - 1, rejected = rejected - OLD.rejected, sample_units = sample_units - OLD.sample_size,
        defective_units = defective_units - OLD.defective_units, critical_defects = critical_defects - OLD.critical_defects,
        major_defects = major_defects - OLD.major_defects, minor_defects = minor_defects - OLD.minor_defects
    WHERE OLD.voided_at IS NULL AND month = substr(OLD.inspected_on, 1, 7) AND kind = OLD.kind AND resubmitted = OLD.resubmitted
        AND (scope = 'supplier' AND owner_id = OLD.supplier_id OR scope = 'product' AND owner_id = OLD.product_id);
    INSERT INTO lot_result_months (scope, owner_id, month, kind, resubmitted, lots, rejected, sample_units, defective_units, critical_defects, major_defects, minor_defects)
    SELECT s.scope, s.owner_id, substr(NEW.inspected_on, 1, 7), NEW.kind, NEW.resubmitted, 1, NEW.rejected, NEW.sample_size, NEW.defective_units,
        NEW.critical_defects, NEW.major_defects, NEW.minor_defects
    FROM (SELECT 'supplier' AS scope, NEW.supplier_id AS owner_id UNION ALL SELECT 'product', NEW.product_id) AS s
    WHERE NEW.voided_at IS NULL
    ON CONFLICT (scope, owner_id, month, kind, resubmitted) DO UPDATE SET lots = lots + 1, rejected = rejected + excluded.rejected,
        sample_units = sample_units + excluded.sample_units, defective_units = defective_units + excluded.defective_units,
        critical_defects = critical_defects + excluded.critical_defects, major_defects = major_defects + excluded.major_defects,
        minor_defects = minor_defects + excluded.minor_defects;
END;
