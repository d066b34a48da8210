-- Monthly roll-up of lot results per supplier and per product, kept by a
-- trigger in the transaction that writes or voids a lot result, so that
-- rejection rates ranked over all suppliers or products read a few
-- thousand rows instead of every lot. And an index to find an agency's
-- report already imported.

CREATE INDEX lot_results_report ON lot_results (external_ref) WHERE external_ref <> '';

CREATE TABLE lot_result_months (
    scope           TEXT NOT NULL CHECK (scope IN ('supplier','product')),
    owner_id        BIGINT NOT NULL,
    month           TEXT NOT NULL, -- 'YYYY-MM'
    kind            TEXT NOT NULL,
    resubmitted     INTEGER NOT NULL,
    lots            BIGINT NOT NULL,
    rejected        BIGINT NOT NULL,
    sample_units    BIGINT NOT NULL,
    defective_units BIGINT NOT NULL,
    critical_defects BIGINT NOT NULL,
    major_defects   BIGINT NOT NULL,
    minor_defects   BIGINT NOT NULL,
    PRIMARY KEY (scope, owner_id, month, kind, resubmitted)
);
CREATE INDEX lot_result_months_month ON lot_result_months (scope, month, owner_id, kind, resubmitted, lots, rejected, sample_units,
    defective_units, critical_defects, major_defects, minor_defects);

INSERT INTO lot_result_months (scope, owner_id, month, kind, resubmitted, lots, rejected, sample_units, defective_units, critical_defects, major_defects, minor_defects)
SELECT 'supplier', supplier_id, to_char(inspected_on, 'YYYY-MM'), kind, resubmitted, COUNT(*), SUM(rejected), SUM(sample_size), SUM(defective_units),
    SUM(critical_defects), SUM(major_defects), SUM(minor_defects)
FROM lot_results WHERE voided_at IS NULL GROUP BY supplier_id, to_char(inspected_on, 'YYYY-MM'), kind, resubmitted;
INSERT INTO lot_result_months (scope, owner_id, month, kind, resubmitted, lots, rejected, sample_units, defective_units, critical_defects, major_defects, minor_defects)
SELECT 'product', product_id, to_char(inspected_on, 'YYYY-MM'), kind, resubmitted, COUNT(*), SUM(rejected), SUM(sample_size), SUM(defective_units),
    SUM(critical_defects), SUM(major_defects), SUM(minor_defects)
FROM lot_results WHERE voided_at IS NULL GROUP BY product_id, to_char(inspected_on, 'YYYY-MM'), kind, resubmitted;

CREATE FUNCTION lot_result_months_add(r lot_results, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO lot_result_months AS m (scope, owner_id, month, kind, resubmitted, lots, rejected, sample_units, defective_units,
        critical_defects, major_defects, minor_defects)
    VALUES ('supplier', r.supplier_id, to_char(r.inspected_on, 'YYYY-MM'), r.kind, r.resubmitted, sign, sign * r.rejected, sign * r.sample_size,
            sign * r.defective_units, sign * r.critical_defects, sign * r.major_defects, sign * r.minor_defects),
        ('product', r.product_id, to_char(r.inspected_on, 'YYYY-MM'), r.kind, r.resubmitted, sign, sign * r.rejected, sign * r.sample_size,
            sign * r.defective_units, sign * r.critical_defects, sign * r.major_defects, sign * r.minor_defects)
    ON CONFLICT (scope, owner_id, month, kind, resubmitted) DO UPDATE SET lots = m.lots + EXCLUDED.lots, rejected = m.rejected + EXCLUDED.rejected,
        sample_units = m.sample_units + EXCLUDED.sample_units, defective_units = m.defective_units + EXCLUDED.defective_units,
        critical_defects = m.critical_defects + EXCLUDED.critical_defects, major_defects = m.major_defects + EXCLUDED.major_defects,
        minor_defects = m.minor_defects + EXCLUDED.minor_defects;
END $$;

-- Any change of a lot result takes its old counts out (if it counted) and
-- puts its new ones in (if it counts): voiding takes it out.
CREATE FUNCTION lot_result_months_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.voided_at IS NULL THEN
        PERFORM lot_result_months_add(OLD, -1);
    END IF;
    IF NEW.voided_at IS NULL THEN
        PERFORM lot_result_months_add(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER lot_result_months AFTER INSERT OR UPDATE ON lot_results FOR EACH ROW EXECUTE FUNCTION lot_result_months_trigger();
